"""The sound as frames of features: loudness, pitch, how voiced, and spectral shape.

Every 10 ms a 32 ms Hann window of 16 kHz mono is read. Pitch comes from
YIN's cumulative-mean-normalised difference, computed for all frames at
once from their autocorrelations (one FFT per frame): the first dip below
:data:`_YIN_THRESHOLD` between 70 Hz and 1 kHz, else the deepest dip. The
depth of that dip (``1 - d'``) is how periodic, that is how *voiced*, the
frame is; noise, a fan or a clatter stays low however loud it is.

Everything is vectorised over frames and runs in blocks, so an hour of
sound takes a few seconds and memory stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from vigtool.jobs import NEVER_CANCELLED, CancelToken

RATE: Final = 16_000
HOP: Final = 160  # 10 ms
WINDOW: Final = 512  # 32 ms
FRAME_MS: Final = 1000 * HOP // RATE
_FFT: Final = 1024
_MIN_F0: Final = 70.0
_MAX_F0: Final = 1000.0
_MIN_LAG: Final = int(RATE / _MAX_F0)
_MAX_LAG: Final = int(RATE / _MIN_F0)
_YIN_THRESHOLD: Final = 0.2
_YIN_MARGIN: Final = 0.1
_BLOCK: Final = 4096  # frames per FFT block
_ROOM_FRAMES: Final = 2000
_ROOM_PERCENTILE: Final = 20  # as voices.py reads the room
_PITCH_GATE_DB: Final = 2.0  # below voices.py's least margin (4 dB), for the estimate's error
# Band edges in Hz for the spectral shape.
_BANDS: Final = ((80, 300), (300, 1000), (1000, 3000), (3000, 8000))

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class SoundFeatures:
    """Per-frame features; frame ``i`` is centred at ``i * FRAME_MS + 16`` ms.

    ``level_db``: loudness in dB (full scale 0). ``f0``: pitch in Hz (0 where
    not voiced enough to say). ``voicing``: 0..1, how periodic. ``bands``:
    (frames, 4) share of energy in 80-300, 300-1000, 1000-3000, 3000-8000 Hz.
    """

    level_db: FloatArray
    f0: FloatArray
    voicing: FloatArray
    bands: FloatArray

    @property
    def frame_count(self) -> int:
        return int(self.level_db.shape[0])


def frame_ms(index: int | npt.NDArray[np.int64]) -> npt.NDArray[np.int64] | int:
    """Where frame ``index`` starts, in ms."""
    return index * FRAME_MS


def mask_runs(mask: npt.NDArray[np.bool_], gap: int = 0) -> list[tuple[int, int]]:
    """Runs ``(start, end)`` (end exclusive) of True frames, joining runs at most ``gap`` apart."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    runs: list[tuple[int, int]] = []
    for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True):
        if runs and a - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def sound_features(samples: FloatArray, *, cancel: CancelToken = NEVER_CANCELLED) -> SoundFeatures:
    """Features of 16 kHz mono ``samples`` (see the module notes).

    Pitch is only worked out for frames that could be a voice: louder than
    :data:`_PITCH_GATE_DB` above an estimate of the room's level (from a
    sample of frames across the film); the rest read as unvoiced. Stretches
    need more than that above the room (:mod:`.voices`), so nothing they use
    is lost, and a film's quiet half costs half as much.
    """
    samples = np.asarray(samples, dtype=np.float32)
    count = max(0, 1 + (samples.shape[0] - WINDOW) // HOP) if samples.shape[0] >= WINDOW else 0
    parts: list[tuple[FloatArray, ...]] = []
    window = np.hanning(WINDOW).astype(np.float32)
    win_ac = _window_autocorrelation(window)
    freqs = np.fft.rfftfreq(_FFT, 1 / RATE)
    band_masks = [(freqs >= lo) & (freqs < hi) for lo, hi in _BANDS]
    speech = (freqs >= 80) & (freqs < 8000)
    scale = WINDOW * float(window.sum())
    room, room_bands = _room(samples, count, window, speech, scale, band_masks)
    gate = room + _PITCH_GATE_DB
    for start in range(0, count, _BLOCK):
        cancel.raise_if_cancelled()
        power = _power(samples, start, min(_BLOCK, count - start), window)
        energy = power[:, speech].sum(axis=1)
        level = (10 * np.log10(energy / scale + 1e-12)).astype(np.float32)
        # Each band's share of what stands above the room's steady noise in
        # that band, so hiss does not make every voice sound bright.
        bands = np.stack([power[:, m].sum(axis=1) for m in band_masks], axis=1)
        bands = np.maximum(bands - room_bands, 0.0)
        bands = bands / (bands.sum(axis=1, keepdims=True) + 1e-20)
        f0 = np.zeros(level.shape, dtype=np.float32)
        voicing = np.zeros(level.shape, dtype=np.float32)
        heard = (level >= gate) & (energy >= 1e-9)
        if heard.any():
            f0[heard], voicing[heard] = _pitch(power[heard], win_ac)
        parts.append((level, f0, voicing, bands.astype(np.float32)))
    if not parts:
        empty = np.zeros(0, dtype=np.float32)
        return SoundFeatures(empty, empty, empty, np.zeros((0, 4), np.float32))
    cols = list(zip(*parts, strict=True))
    return SoundFeatures(*(np.concatenate(c).astype(np.float32) for c in cols))


def _power(samples: FloatArray, start: int, n: int, window: FloatArray) -> FloatArray:
    """Power spectra of frames ``start..start+n`` (or of the frames listed)."""
    return _power_of(samples, start + np.arange(n), window)


def _power_of(samples: FloatArray, which: npt.NDArray[np.int64], window: FloatArray) -> FloatArray:
    idx = which[:, None] * HOP + np.arange(WINDOW)[None, :]
    frames = samples[idx]
    frames = frames - frames.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(frames * window, n=_FFT, axis=1)
    power: FloatArray = (spec.real**2 + spec.imag**2).astype(np.float32)
    return power


def _room(
    samples: FloatArray,
    count: int,
    window: FloatArray,
    speech: npt.NDArray[np.bool_],
    scale: float,
    band_masks: list[npt.NDArray[np.bool_]],
) -> tuple[float, FloatArray]:
    """The room's loudness and its steady noise per band.

    A low percentile over frames spread evenly across the film: voices come
    and go, so in the quieter part of the time what remains is the room.
    """
    if count == 0:
        return 0.0, np.zeros(len(band_masks), dtype=np.float32)
    which = np.arange(0, count, max(1, count // _ROOM_FRAMES))
    power = _power_of(samples, which, window)
    energy = power[:, speech].sum(axis=1)
    # Digital silence before the sound starts or after it ends is no room.
    heard = np.flatnonzero(energy > 1e-9)
    if not heard.size:
        return 0.0, np.zeros(len(band_masks), dtype=np.float32)
    power, energy = power[heard[0] : heard[-1] + 1], energy[heard[0] : heard[-1] + 1]
    level = 10 * np.log10(energy / scale + 1e-12)
    per_band = np.stack([power[:, m].sum(axis=1) for m in band_masks], axis=1)
    noise: FloatArray = np.percentile(per_band, _ROOM_PERCENTILE, axis=0).astype(np.float32)
    return float(np.percentile(level, _ROOM_PERCENTILE)), noise


def _window_autocorrelation(window: FloatArray) -> FloatArray:
    ac = np.fft.irfft(np.abs(np.fft.rfft(window, n=_FFT)) ** 2, n=_FFT)[: _MAX_LAG + 2]
    normalised: FloatArray = (ac / ac[0]).astype(np.float32)
    return normalised


def _pitch(power: FloatArray, win_ac: FloatArray) -> tuple[FloatArray, FloatArray]:
    """YIN pitch and voicing of each frame, from its power spectrum."""
    ac = np.fft.irfft(power, n=_FFT, axis=1)[:, : _MAX_LAG + 2].astype(np.float32)
    r0 = ac[:, :1] + 1e-12
    # Undo the window's own taper so a steady tone reads as fully periodic.
    norm = ac / r0 / np.maximum(win_ac[None, :], 1e-3)
    diff = np.maximum(1.0 - norm, 0.0)
    diff[:, 0] = 0
    lags = np.arange(diff.shape[1], dtype=np.float32)
    cum = np.cumsum(diff, axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cum[:, 1:], 1e-12)
    band = cmnd[:, _MIN_LAG : _MAX_LAG + 1]
    # A dip: lower than both neighbours.
    inner = band[:, 1:-1]
    dips = (inner <= band[:, :-2]) & (inner <= band[:, 2:])
    # The first dip that is nearly as deep as the deepest: in noise no dip
    # reaches the threshold, and the deepest is as often a multiple of the
    # period as the period itself.
    lowest = inner.min(axis=1, keepdims=True)
    below = dips & (inner < np.maximum(_YIN_THRESHOLD, lowest + _YIN_MARGIN))
    has = below.any(axis=1)
    first = np.argmax(below, axis=1)
    deepest = np.argmin(inner, axis=1)
    pick = np.where(has, first, deepest) + 1  # index within band
    rows = np.arange(band.shape[0])
    depth = band[rows, pick]
    # Parabolic interpolation around the chosen lag for a finer pitch.
    left = band[rows, pick - 1]
    right = band[rows, np.minimum(pick + 1, band.shape[1] - 1)]
    denom = left - 2 * depth + right
    shift = np.divide(0.5 * (left - right), denom, out=np.zeros_like(denom),
                      where=np.abs(denom) > 1e-9)
    lag = _MIN_LAG + pick + np.clip(shift, -0.5, 0.5)
    voicing = np.clip(1.0 - depth, 0.0, 1.0).astype(np.float32)
    f0 = (RATE / lag).astype(np.float32)
    return f0, voicing

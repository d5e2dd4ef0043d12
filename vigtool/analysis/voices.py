"""Who is vocalising when: stretches of voice, each the child's, the adult's or another's.

1. **Voice.** A frame is voiced when it is periodic (YIN voicing, see
   :mod:`.sound`) and louder than the room: the noise floor is a low
   percentile of the film's own loudness, so a hum, a fan or steady noise
   sets the bar rather than being taken for a voice.
2. **Stretches.** Voiced frames closer than a syllable gap join into one
   stretch; a stretch splits where the pitch jumps by half an octave or
   more and stays there (one partner starting before the other stops).
3. **Who.** Each stretch is described by its pitch (median, spread) and
   spectral shape. A child's voice sits around 250-600 Hz with most of its
   energy in the first harmonics; an adult's, even the raised, gliding
   pitch adults use with babies, keeps an adult vocal tract's formants and
   consonants. Within the film the stretches are grouped by these features,
   so each family's own voices set the boundary.
4. **Someone else.** Voice far quieter than the dyad's own speech (a
   television in the next room) or steady for long minutes is set aside as
   ``other``; it never counts as a turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from vigtool.analysis.sound import FRAME_MS, SoundFeatures

Speaker = Literal["child", "adult", "other"]

_MIN_VOICING: Final = 0.55
_FLOOR_PERCENTILE: Final = 20
_ABOVE_FLOOR_DB: Final = 9.0
_GAP_FRAMES: Final = 18  # 180 ms: syllables and consonants inside one stretch
_MIN_FRAMES: Final = 8  # 80 ms of voice at least
_SPLIT_OCTAVES: Final = 0.55
_SPLIT_HOLD: Final = 12  # frames the new pitch must hold
_CHILD_F0: Final = 300.0  # Hz: the boundary when a film gives nothing better
_QUIET_DB: Final = 24.0  # this far below the dyad's speech: someone else


@dataclass(frozen=True)
class Stretch:
    """One stretch of one voice: frames ``start..end`` (end exclusive) and who."""

    start: int
    end: int
    speaker: Speaker
    f0: float  # median pitch, Hz
    level_db: float  # median loudness of its voiced frames
    confidence: float  # 0..1, how sure the speaker label is

    @property
    def start_ms(self) -> int:
        return self.start * FRAME_MS

    @property
    def end_ms(self) -> int:
        return self.end * FRAME_MS


def voiced_frames(features: SoundFeatures) -> npt.NDArray[np.bool_]:
    """Which frames carry a voice (see the module notes, step 1)."""
    if features.frame_count == 0:
        return np.zeros(0, dtype=bool)
    floor = float(np.percentile(features.level_db, _FLOOR_PERCENTILE))
    return (
        (features.voicing >= _MIN_VOICING)
        & (features.level_db >= floor + _ABOVE_FLOOR_DB)
        & (features.f0 > 0)
    )


def find_stretches(features: SoundFeatures) -> list[Stretch]:
    """Every stretch of voice in the film, in order, each with its speaker."""
    voiced = voiced_frames(features)
    spans = _split_on_pitch(features, _runs(voiced, _GAP_FRAMES), voiced)
    spans = [(a, b) for a, b in spans if np.count_nonzero(voiced[a:b]) >= _MIN_FRAMES]
    if not spans:
        return []
    described = [_describe(features, voiced, a, b) for a, b in spans]
    return _label(described)


def _runs(mask: npt.NDArray[np.bool_], gap: int) -> list[tuple[int, int]]:
    """Runs of True, joining runs separated by at most ``gap`` False frames."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    runs: list[tuple[int, int]] = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if runs and a - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def _split_on_pitch(
    features: SoundFeatures, runs: list[tuple[int, int]], voiced: npt.NDArray[np.bool_]
) -> list[tuple[int, int]]:
    """Split a run where the pitch moves half an octave or more and holds there."""
    out: list[tuple[int, int]] = []
    logf = np.log2(np.maximum(features.f0, 1.0))
    for a, b in runs:
        frames = np.flatnonzero(voiced[a:b]) + a
        if frames.size < 2 * _SPLIT_HOLD:
            out.append((a, b))
            continue
        pitch = logf[frames]
        # Median pitch of the last and the next _SPLIT_HOLD voiced frames.
        cut_at = a
        i = _SPLIT_HOLD
        while i <= frames.size - _SPLIT_HOLD:
            before = float(np.median(pitch[i - _SPLIT_HOLD : i]))
            after = float(np.median(pitch[i : i + _SPLIT_HOLD]))
            if abs(after - before) >= _SPLIT_OCTAVES and _crosses_child_line(before, after):
                cut = int(frames[i])
                if cut - cut_at >= _MIN_FRAMES:
                    out.append((cut_at, cut))
                    cut_at = cut
                i += _SPLIT_HOLD
            else:
                i += 2
        out.append((cut_at, b))
    return out


def _crosses_child_line(before: float, after: float) -> bool:
    line = np.log2(_CHILD_F0)
    return bool(min(before, after) < line < max(before, after))


@dataclass(frozen=True)
class _Described:
    start: int
    end: int
    f0: float
    spread: float  # interquartile range of log2 pitch
    level_db: float
    low_share: float  # energy share below 300 Hz
    high_share: float  # energy share above 1 kHz
    voiced_share: float


def _describe(
    features: SoundFeatures, voiced: npt.NDArray[np.bool_], a: int, b: int
) -> _Described:
    inside = np.flatnonzero(voiced[a:b]) + a
    f0 = features.f0[inside]
    logf = np.log2(f0)
    bands = features.bands[inside]
    return _Described(
        start=a,
        end=b,
        f0=float(np.median(f0)),
        spread=float(np.subtract(*np.percentile(logf, [75, 25]))),
        level_db=float(np.median(features.level_db[inside])),
        low_share=float(bands[:, 0].mean()),
        high_share=float(bands[:, 2:].sum(axis=1).mean()),
        voiced_share=inside.size / max(b - a, 1),
    )


def _label(described: list[_Described]) -> list[Stretch]:
    """Child, adult or other for each stretch (module notes, steps 3 and 4)."""
    loud = np.array([d.level_db for d in described])
    weights = np.array([d.end - d.start for d in described], dtype=float)
    # The dyad's speaking level: the loudness most of the voiced time reaches.
    speech_level = float(_weighted_percentile(loud, weights, 75))
    line = _child_line(described)
    out: list[Stretch] = []
    for d in described:
        distance = abs(np.log2(d.f0) - np.log2(line))
        confidence = float(min(1.0, 0.5 + distance))
        speaker: Speaker = "child" if d.f0 >= line else "adult"
        if d.level_db < speech_level - _QUIET_DB and speaker == "adult":
            speaker = "other"
        out.append(Stretch(d.start, d.end, speaker, d.f0, d.level_db, confidence))
    return out


def _child_line(described: list[_Described]) -> float:
    """The pitch between this film's child and adult voices.

    The widest gap in the log pitches of the stretches between 200 and
    450 Hz, when there is a clear one; otherwise :data:`_CHILD_F0`.
    """
    pitches = np.sort(np.log2([d.f0 for d in described]))
    lo, hi = np.log2(200.0), np.log2(450.0)
    inside = pitches[(pitches > lo) & (pitches < hi)]
    candidates = np.concatenate([[lo], inside, [hi]])
    if candidates.size < 2:
        return _CHILD_F0
    gaps = np.diff(candidates)
    k = int(np.argmax(gaps))
    if gaps[k] < 0.35:
        return _CHILD_F0
    return float(2 ** ((candidates[k] + candidates[k + 1]) / 2))


def _weighted_percentile(values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64],
                         q: float) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    at = np.searchsorted(cum, cum[-1] * q / 100)
    return float(values[order][min(int(at), len(values) - 1)])

"""Adult voices for the conversation corpus: real synthetic speech from espeak-ng.

Every adult utterance is spoken by the ``espeak-ng`` program (``--stdout``,
a WAV at 22,050 Hz, read into numpy), so the words, syllable rhythm, formants
and intonation are those of a real speech synthesiser, not a buzz. Speakers
differ by espeak voice (``en+f2``, ``en+m3``, ``de+m2`` ...), rate (words per
minute), base pitch (``-p``) and SSML pitch range (``<prosody range=...>``).

Infant-directed speech (IDS) is made in two steps. espeak is asked for a
high pitch and a wide range (``-p`` 75-90, ``range="x-high"``), which gives
about 210-350 Hz on a female voice. The waveform is then replayed at a
*varying speed* (resampled with a read position that speeds up and slows
down along a smooth contour): replaying 20 % faster raises every frequency by
20 %, so a rise-fall speed contour becomes a wide gliding pitch contour, the
"sing-song" of IDS, with the mean lifted by 5-20 %. This is not PSOLA: the
formants move with the pitch and the utterance gets a little shorter, much as
an adult's mouth shape and tempo change when they talk to a baby. A plain
adult voice gets the same treatment with a speed contour of a few percent.

Within one run each espeak result is cached, so a phrase a speaker says twice
is synthesised once; :func:`prefetch` synthesises a speaker's phrases on
threads before a recording is built.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt

MIX_RATE: Final = 24_000  # every sound of the corpus is made and mixed at this rate
ESPEAK_RATE: Final = 22_050  # what espeak-ng writes
Wave = npt.NDArray[np.float64]

@dataclass(frozen=True)
class Speaker:
    """A voice: espeak settings plus how infant-directed the speech is.

    ``ids`` (0..1) scales the post-hoc speed contour: 0 is plain adult speech
    (a few percent of pitch movement), 1 full infant-directed speech (mean
    pitch raised 5-20 %, rise-fall glides of +-15-25 %). ``shift`` multiplies
    the whole contour: 1.3 replays 30 % faster, so pitch *and formants* rise
    by 30 %, which turns an adult voice into a young child's (a vocal tract
    about three quarters as long).
    """

    voice: str  # espeak-ng voice, e.g. "en+f2"
    rate: int  # words per minute
    pitch: int  # espeak -p, 0..99
    pitch_range: str  # SSML prosody range: x-low, low, medium, high, x-high
    ids: float = 0.0
    shift: float = 1.0


def espeak_available() -> bool:
    """Whether the ``espeak-ng`` program is on PATH."""
    return shutil.which("espeak-ng") is not None


@functools.lru_cache(maxsize=4096)
def _espeak_raw(voice: str, rate: int, pitch: int, pitch_range: str, text: str) -> bytes:
    if not espeak_available():
        raise RuntimeError(
            "espeak-ng is not installed (./dev.sh installs it: apt-get install espeak-ng)"
        )
    ssml = f'<speak><prosody range="{pitch_range}">{escape(text)}</prosody></speak>'
    args = ["espeak-ng", "--stdout", "-m", "-z", "-v", voice, "-s", str(rate), "-p", str(pitch)]
    done = subprocess.run([*args, ssml], capture_output=True, check=True, timeout=60)
    return done.stdout


def espeak(voice: str, rate: int, pitch: int, pitch_range: str, text: str) -> Wave:
    """espeak-ng's rendering of ``text`` as float samples at 22,050 Hz (cached)."""
    raw = _espeak_raw(voice, rate, pitch, pitch_range, text)
    # espeak streams the WAV, so the header's sizes are placeholders: the
    # samples are simply everything after the "data" chunk header.
    at = raw.find(b"data")
    if at < 0:
        raise RuntimeError(f"espeak-ng wrote no WAV for {text!r}")
    body = raw[at + 8 :]
    body = body[: len(body) // 2 * 2]
    return np.frombuffer(body, dtype="<i2").astype(np.float64) / 32768.0


def prefetch(speaker: Speaker, texts: Iterable[str]) -> None:
    """Synthesise ``texts`` for ``speaker`` on threads, filling the cache."""
    unique = sorted(set(texts))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda t: _espeak_raw(
                    speaker.voice, speaker.rate, speaker.pitch, speaker.pitch_range, t
                ),
                unique,
            )
        )


def trim(wave: Wave, rate: int = MIX_RATE, floor_db: float = -40.0) -> Wave:
    """Cut leading and trailing silence: keep from the first to the last 5 ms
    frame whose level is within ``floor_db`` of the loudest frame."""
    hop = max(1, rate // 200)
    frames = len(wave) // hop
    if frames == 0:
        return wave
    rms = np.sqrt(np.mean(wave[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms >= rms.max() * 10 ** (floor_db / 20))
    return wave[loud[0] * hop : (loud[-1] + 1) * hop]


def active_rms(wave: Wave, rate: int = MIX_RATE) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest (speech-level, not pause-diluted)."""
    hop = max(1, rate // 50)
    frames = len(wave) // hop
    if frames == 0:
        return float(np.sqrt(np.mean(wave**2))) if len(wave) else 0.0
    rms = np.sqrt(np.mean(wave[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    active = rms[rms >= rms.max() * 10 ** (-30 / 20)]
    return float(np.sqrt(np.mean(active**2)))


def fft_size(n: int) -> int:
    """The smallest length >= ``n`` of the form 2^a 3^b 5^c (fast for numpy's FFT)."""
    best = 1 << max(0, (n - 1).bit_length())
    threes = 1
    while threes < best:
        fives = threes
        while fives < best:
            size = fives
            while size < n:
                size *= 2
            best = min(best, size)
            fives *= 5
        threes *= 3
    return best


def smooth_noise(rng: np.random.Generator, n: int, points: int) -> Wave:
    """A smooth random curve of ``n`` samples through ``points`` values in -1..1."""
    knots = rng.uniform(-1.0, 1.0, max(2, points))
    return np.interp(np.linspace(0, len(knots) - 1, n), np.arange(len(knots)), knots)


def speed_contour(rng: np.random.Generator, n: int, ids: float) -> Wave:
    """The replay-speed contour (ratio, ~1), one value per sample of an ``n``-sample utterance.

    IDS: a mean lift, one or two rise-fall bells (or a final rise, as in a
    question) and a slow wobble; plain speech: a small wobble only.
    """
    u = np.linspace(0.0, 1.0, n)
    lift = 1.0 + ids * float(rng.uniform(0.05, 0.20))
    shape = np.zeros(n)
    if ids > 0:
        depth = ids * float(rng.uniform(0.15, 0.25))
        style = int(rng.integers(0, 3))
        if style == 0:  # one rise-fall across the utterance
            centre = float(rng.uniform(0.3, 0.7))
            shape = depth * (np.exp(-(((u - centre) / 0.22) ** 2)) - 0.35)
        elif style == 1:  # two bells, as in "Oh WOW, RE-ally?"
            c1, c2 = float(rng.uniform(0.15, 0.4)), float(rng.uniform(0.6, 0.9))
            bells = np.exp(-(((u - c1) / 0.12) ** 2)) + np.exp(-(((u - c2) / 0.12) ** 2))
            shape = depth * (bells - 0.4)
        else:  # a final rise
            shape = depth * (np.clip((u - 0.55) / 0.45, 0, 1) ** 1.5 * 1.6 - 0.3)
    wobble = (0.02 + 0.04 * ids) * smooth_noise(rng, n, 4)
    return np.asarray(lift * (1.0 + shape + wobble))


def varispeed(wave: Wave, ratio: Wave, rate_in: int, rate_out: int) -> Wave:
    """Replay ``wave`` (at ``rate_in``) at the speed ``ratio`` (one value per
    input sample: 1.2 plays that stretch 20 % faster and higher), resampled to
    ``rate_out`` by linear interpolation."""
    # Output time at each input sample, then the input position of each output sample.
    seconds = np.concatenate(([0.0], np.cumsum(1.0 / (ratio[:-1] * rate_in))))
    out_n = int(seconds[-1] * rate_out)
    positions = np.interp(np.arange(out_n) / rate_out, seconds, np.arange(len(wave)))
    return np.interp(positions, np.arange(len(wave)), wave)


def utterance(speaker: Speaker, text: str, rng: np.random.Generator) -> Wave:
    """One adult utterance at :data:`MIX_RATE`, trimmed, active RMS 1.0."""
    raw = trim(espeak(speaker.voice, speaker.rate, speaker.pitch, speaker.pitch_range, text),
               ESPEAK_RATE)
    contour = speed_contour(rng, len(raw), speaker.ids) * speaker.shift
    wave = trim(varispeed(raw, contour, ESPEAK_RATE, MIX_RATE))
    wave = wave - wave.mean()
    return np.asarray(wave / max(active_rms(wave), 1e-9))


def pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    """One of ``options``, chosen by ``rng``."""
    return options[int(rng.integers(0, len(options)))]

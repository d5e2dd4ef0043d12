"""The baby's voice for the conversation corpus: babble, cooing and crying.

A source-filter synthesiser, vectorised with numpy. The source is a harmonic
series on a time-varying fundamental (f0 250-600 Hz, with jitter, shimmer
and, for crying, roughness and a subharmonic); each harmonic's amplitude is
the glottal tilt times a cascade of formant resonances, evaluated every 2 ms
and interpolated, so formants glide as the mouth moves. The formants are
those of a short vocal tract (about 9 cm against an adult's 17: roughly
1.7-2x an adult's, F1 up to 1,200 Hz, F3 4-5 kHz) with wide bandwidths.

* **Babble**: 2-6 consonant-vowel syllables ("ba-ba", "da-ga-da"): a stop's
  closure and burst or a nasal's murmur, then 40-80 ms of formant transition
  from the consonant's locus to the vowel, then the vowel; breathy (aspiration
  noise through the vowel's formants, -14 to -26 dB).
* **Cooing**: one long (0.5-1.8 s), breathy vowel glide ("ooo-aah") with a
  rise-fall melody and a slow vibrato.
* **Laughing**: 3-6 short, very breathy "ha" pulses, falling in pitch.
* **Crying**: loud, rough expirations of 0.5-1.4 s with a rise-fall melody
  around 400-600 Hz, separated by short inhalations, now and then a voiced
  inspiratory squeak.

The same synthesiser, with an adult's formants and the parent's pitch, hums
the parent's wordless tunes (:func:`hum`).

Every function returns samples at :data:`sample_clips.voices.MIX_RATE`
starting and ending on voice (nothing to trim), active RMS 1.0.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from sample_clips.voices import MIX_RATE, Wave, active_rms, fft_size, smooth_noise

_CONTROL: Final = MIX_RATE // 500  # gains are computed every 2 ms and interpolated
_TOP_HZ: Final = 10_500.0
# Child vowels: F1, F2, F3 (Hz) of a short vocal tract.
VOWELS: Final = {
    "a": (1150.0, 2050.0, 4300.0),
    "ae": (1050.0, 2600.0, 4500.0),
    "e": (800.0, 3000.0, 4600.0),
    "i": (520.0, 3500.0, 4900.0),
    "o": (780.0, 1500.0, 4100.0),
    "u": (560.0, 1350.0, 4000.0),
    "schwa": (900.0, 2400.0, 4300.0),
}
_BABBLE_VOWELS: Final = ("a", "a", "ae", "e", "schwa", "o", "i")
# Consonants: F2 locus (Hz), closure (s), kind ("stop", "nasal", "glide").
_CONSONANTS: Final = {
    "b": (1200.0, 0.05, "stop"),
    "d": (2800.0, 0.05, "stop"),
    "g": (3100.0, 0.06, "stop"),
    "m": (1200.0, 0.08, "nasal"),
    "n": (2700.0, 0.08, "nasal"),
    "w": (1000.0, 0.0, "glide"),
    "j": (3300.0, 0.0, "glide"),
}
_NASAL: Final = (320.0, 1100.0, 3900.0)


def _resonance(freq: Wave, centre: Wave, bandwidth: float) -> Wave:
    """Magnitude of a two-pole resonator at ``freq``, 1.0 at 0 Hz."""
    c2 = centre**2
    return np.asarray(c2 / np.sqrt((c2 - freq**2) ** 2 + (bandwidth * freq) ** 2))


def harmonic_voice(
    f0: Wave,
    formants: Wave,
    rng: np.random.Generator,
    *,
    bandwidths: tuple[float, float, float] = (160.0, 220.0, 320.0),
    tilt: float = 1.0,
    subharmonic: float = 0.0,
) -> Wave:
    """A voiced sound: ``f0`` (Hz per sample) through ``formants`` (n x 3, Hz per sample).

    ``tilt`` is the spectral slope exponent (1.0: -6 dB per octave after the
    formants; smaller is brighter, harsher). ``subharmonic`` adds energy at
    f0/2, as in a rough cry.
    """
    n = len(f0)
    phase = 2 * np.pi * np.cumsum(f0) / MIX_RATE
    grid = np.arange(0, n, _CONTROL)
    f0_c, form_c = f0[grid], formants[grid]
    wave = np.zeros(n)
    top = int(_TOP_HZ / max(float(f0.min()), 60.0))
    multipliers = [float(h) for h in range(1, top + 1)]
    if subharmonic > 0:
        multipliers += [0.5, 1.5]
    for mult in multipliers:
        freq = mult * f0_c
        gain = (mult ** -tilt) * (freq < _TOP_HZ)
        for k in range(3):
            gain = gain * _resonance(freq, form_c[:, k], bandwidths[k])
        if mult % 1:
            gain = gain * subharmonic
        offset = float(rng.uniform(0, 2 * np.pi))
        wave += np.interp(np.arange(n), grid, gain) * np.sin(mult * phase + offset)
    return wave


def shaped_noise(rng: np.random.Generator, n: int, formants: tuple[float, ...]) -> Wave:
    """White noise coloured by static formants (aspiration, frication, bursts)."""
    size = fft_size(n)
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, size))
    freq: Wave = np.fft.rfftfreq(size, 1 / MIX_RATE).astype(np.float64)
    gain: Wave = np.ones_like(freq)
    for centre in formants:
        gain *= _resonance(freq, np.full_like(freq, centre), 400.0)
    return np.fft.irfft(spectrum * gain, size)[:n]


def _jittered(rng: np.random.Generator, contour: Wave, jitter: float) -> Wave:
    """A pitch contour with period-to-period irregularity (smoothed noise)."""
    n = len(contour)
    return np.asarray(contour * (1 + jitter * smooth_noise(rng, n, max(4, n // 240))))


def _envelope(n: int, attack: float, release: float) -> Wave:
    env = np.ones(n)
    a, r = min(n // 2, int(attack * MIX_RATE)), min(n // 2, int(release * MIX_RATE))
    if a:
        env[:a] = np.linspace(0.0, 1.0, a) ** 1.5
    if r:
        env[n - r :] = np.linspace(1.0, 0.0, r) ** 1.5
    return env


def babble(rng: np.random.Generator, base_f0: float, syllables: int) -> Wave:
    """Canonical babble: ``syllables`` consonant-vowel syllables on a gentle melody."""
    pieces: list[Wave] = []
    reduplicated = rng.random() < 0.6  # "ba-ba-ba" rather than "ba-da-ga"
    consonant = str(rng.choice(list(_CONSONANTS)))
    vowel = str(rng.choice(_BABBLE_VOWELS))
    drift = float(rng.uniform(-0.25, 0.2))  # falling or rising across the bout
    for index in range(syllables):
        if not reduplicated or rng.random() < 0.2:
            consonant = str(rng.choice(list(_CONSONANTS)))
            vowel = str(rng.choice(_BABBLE_VOWELS))
        locus, closure, kind = _CONSONANTS[consonant]
        target = VOWELS[vowel]
        f0_here = float(np.clip(base_f0 * (1 + drift * index / max(1, syllables - 1)), 250, 600))
        transition = float(rng.uniform(0.04, 0.08)) if kind != "glide" else 0.09
        nucleus = float(rng.uniform(0.12, 0.26)) if index < syllables - 1 else float(
            rng.uniform(0.18, 0.34)
        )
        pieces.append(_syllable(rng, f0_here, locus, closure if index else 0.0, kind,
                                transition, nucleus, target))
    wave = np.concatenate(pieces)
    return wave / max(active_rms(wave), 1e-9)


def _syllable(
    rng: np.random.Generator,
    f0: float,
    locus: float,
    closure: float,
    kind: str,
    transition: float,
    nucleus: float,
    target: tuple[float, float, float],
) -> Wave:
    n_close = int(closure * MIX_RATE)
    n_voice = int((transition + nucleus) * MIX_RATE)
    u = np.linspace(0.0, 1.0, n_voice)
    # Melody inside the syllable: a small rise then fall.
    contour = f0 * (1 + 0.08 * np.sin(np.pi * u) - 0.05 * u)
    f0_curve = _jittered(rng, contour, 0.012)
    ramp = np.clip(np.arange(n_voice) / max(1, transition * MIX_RATE), 0, 1)
    formants = np.empty((n_voice, 3))
    start = (target[0] * 0.45, locus, target[2] * 0.97)
    for k in range(3):
        formants[:, k] = start[k] + (target[k] - start[k]) * (1 - (1 - ramp) ** 2)
    voice = harmonic_voice(f0_curve, formants, rng)
    voice /= max(float(np.abs(voice).max()), 1e-9)
    # Babies' voices are breathy: aspiration noise through the vowel's formants.
    breath = shaped_noise(rng, n_voice, target)
    voice += float(rng.uniform(0.05, 0.2)) * breath / max(float(np.abs(breath).max()), 1e-9)
    voice *= _envelope(n_voice, 0.015 if kind == "stop" else 0.03, 0.05)
    parts = []
    if n_close:
        if kind == "nasal":
            murmur_f0 = np.full(n_close, f0)
            murmur = harmonic_voice(murmur_f0, np.tile(_NASAL, (n_close, 1)), rng)
            parts.append(0.15 * murmur / max(float(np.abs(murmur).max()), 1e-9))
        else:
            parts.append(np.zeros(n_close))
    if kind == "stop":
        n_burst = int(0.008 * MIX_RATE)
        burst = shaped_noise(rng, n_burst, (locus * 1.3, target[2]))
        burst *= np.linspace(1.0, 0.1, n_burst) * 0.3 / max(float(np.abs(burst).max()), 1e-9)
        voice = voice.copy()
        voice[:n_burst] += burst
    parts.append(voice)
    return np.concatenate(parts)


def laugh(rng: np.random.Generator, base_f0: float) -> Wave:
    """A giggle: 3-6 breathy "ha" pulses, each a little lower than the last."""
    pieces: list[Wave] = []
    pulses = int(rng.integers(3, 7))
    for index in range(pulses):
        n = int(float(rng.uniform(0.08, 0.15)) * MIX_RATE)
        f0 = float(np.clip(base_f0 * (1.25 - 0.06 * index), 250, 600))
        u = np.linspace(0.0, 1.0, n)
        voice = harmonic_voice(_jittered(rng, f0 * (1 + 0.1 * np.sin(np.pi * u)), 0.02),
                               np.tile(VOWELS["a"], (n, 1)), rng)
        voice /= max(float(np.abs(voice).max()), 1e-9)
        breath = shaped_noise(rng, n, VOWELS["a"])
        voice += 0.5 * breath / max(float(np.abs(breath).max()), 1e-9)
        pieces.append(voice * _envelope(n, 0.02, 0.04))
        if index < pulses - 1:
            gap = int(float(rng.uniform(0.05, 0.11)) * MIX_RATE)
            inhale = shaped_noise(rng, gap, (600.0, 1500.0, 3000.0))
            pieces.append(0.05 * inhale / max(float(np.abs(inhale).max()), 1e-9))
    wave = np.concatenate(pieces)
    return wave / max(active_rms(wave), 1e-9)


def coo(rng: np.random.Generator, base_f0: float, seconds: float) -> Wave:
    """A long breathy vowel glide with a rise-fall melody and vibrato."""
    n = int(seconds * MIX_RATE)
    u = np.linspace(0.0, 1.0, n)
    t = np.arange(n) / MIX_RATE
    peak = float(rng.uniform(0.3, 0.7))
    rise = float(rng.uniform(0.15, 0.4))
    contour = base_f0 * (1 + rise * np.exp(-(((u - peak) / 0.3) ** 2)) - 0.1 * u)
    contour *= 1 + 0.025 * np.sin(2 * np.pi * float(rng.uniform(4.5, 6.5)) * t)
    f0 = np.clip(_jittered(rng, contour, 0.01), 250, 600)
    first, second = (str(v) for v in rng.choice(["u", "o", "a", "ae", "schwa"], 2, replace=False))
    formants = np.empty((n, 3))
    for k in range(3):
        formants[:, k] = VOWELS[first][k] + (VOWELS[second][k] - VOWELS[first][k]) * u
    voice = harmonic_voice(f0, formants, rng, bandwidths=(220.0, 300.0, 400.0), tilt=1.3)
    voice /= max(float(np.abs(voice).max()), 1e-9)
    breath = shaped_noise(rng, n, VOWELS[first])
    breath *= 0.25 / max(float(np.abs(breath).max()), 1e-9)
    wave = (voice + breath) * _envelope(n, 0.08, 0.15)
    return wave / max(active_rms(wave), 1e-9)


def cry(rng: np.random.Generator, seconds: float) -> Wave:
    """A crying stretch of about ``seconds``: rough expirations and short inhalations."""
    pieces: list[Wave] = []
    total = 0
    want = int(seconds * MIX_RATE)
    while total < want:
        n = int(float(rng.uniform(0.5, 1.4)) * MIX_RATE)
        u = np.linspace(0.0, 1.0, n)
        top = float(rng.uniform(430, 590))
        contour = top * (0.82 + 0.18 * np.sin(np.pi * np.clip(u * 1.3, 0, 1)))
        f0 = np.clip(_jittered(rng, contour, 0.035), 300, 600)
        vowel = VOWELS["ae"] if rng.random() < 0.5 else VOWELS["a"]
        formants = np.tile(vowel, (n, 1)) * (1 + 0.05 * smooth_noise(rng, n, 6))[:, None]
        voice = harmonic_voice(f0, formants, rng, bandwidths=(250.0, 300.0, 400.0), tilt=0.7,
                               subharmonic=float(rng.uniform(0.1, 0.4)))
        voice /= max(float(np.abs(voice).max()), 1e-9)
        rough = shaped_noise(rng, n, vowel)
        voice = (voice + 0.2 * rough / max(float(np.abs(rough).max()), 1e-9)) * _envelope(
            n, 0.04, 0.12
        )
        pieces.append(voice * float(rng.uniform(0.7, 1.0)))
        gap = int(float(rng.uniform(0.15, 0.4)) * MIX_RATE)
        if rng.random() < 0.3:  # a voiced inhalation squeak
            squeak = harmonic_voice(np.full(gap, float(rng.uniform(500, 600))),
                                    np.tile(VOWELS["i"], (gap, 1)), rng)
            pieces.append(0.12 * squeak * _envelope(gap, 0.03, 0.03)
                          / max(float(np.abs(squeak).max()), 1e-9))
        else:
            pieces.append(np.zeros(gap))
        total += n + gap
    wave = np.concatenate(pieces[:-1])  # end on an expiration
    return wave / max(active_rms(wave), 1e-9)


# An adult's hummed /m/: low F1, weak F2 (Hz).
_ADULT_HUM: Final = (280.0, 1150.0, 2500.0)


def hum(rng: np.random.Generator, f0: float) -> Wave:
    """The parent humming a little tune of 3-6 notes around ``f0`` (1-3 s)."""
    steps = (1.0, 9 / 8, 5 / 4, 4 / 3, 3 / 2, 8 / 9)
    notes = [f0 * steps[int(rng.integers(0, len(steps)))] for _ in range(int(rng.integers(3, 7)))]
    lengths = [int(float(rng.uniform(0.25, 0.55)) * MIX_RATE) for _ in notes]
    contour = np.concatenate([np.full(n, note) for note, n in zip(notes, lengths, strict=True)])
    glide = np.ones(40 * _CONTROL) / (40 * _CONTROL)  # 80 ms glides between the notes
    contour = np.convolve(np.pad(contour, len(glide), mode="edge"), glide, "same")[
        len(glide) : -len(glide)
    ]
    f0_curve = _jittered(rng, contour, 0.008)
    formants = np.tile(_ADULT_HUM, (len(f0_curve), 1))
    voice = harmonic_voice(f0_curve, formants, rng, bandwidths=(120.0, 250.0, 300.0), tilt=1.4)
    wave = voice * _envelope(len(voice), 0.06, 0.12)
    return wave / max(active_rms(wave), 1e-9)

"""The room around the conversation: noise, a television, reverberation, levels.

* **Noise**: pink (1/f power, like a fan or traffic hum) or brown (1/f^2, a
  rumble), shaped in the frequency domain from seeded white noise.
* **Television**: another espeak-ng voice reading news-like sentences,
  alternating with synthetic music (plucked chords and a bass line, notes
  whose partials fall in the same 130-1,000 Hz range as voices), band-limited
  to 180-5,000 Hz like a TV's small speakers; continuous for the whole film.
* **Household clatter**: short bursts of filtered noise (a spoon, a door);
  **appliances** switching on for 5-15 s (vacuum cleaner, kettle, tap);
  background noise that **swells** and fades by a few dB.
* **Reverberation**: a synthetic room impulse response (a direct path, a few
  early reflections in the first 25 ms, then exponentially decaying noise
  whose decay gives the chosen RT60, darker as it decays), applied by FFT
  convolution, each source with its own response (they stand in different
  places).

All at :data:`sample_clips.voices.MIX_RATE`; :func:`upsample` brings the
final mix to 48 kHz exactly (spectrum zero-padding, no interpolation images).
"""

from __future__ import annotations

import numpy as np

from sample_clips.conv_phrases import TELEVISION
from sample_clips.voices import (
    MIX_RATE,
    Speaker,
    Wave,
    active_rms,
    fft_size,
    prefetch,
    smooth_noise,
    utterance,
)


def coloured_noise(rng: np.random.Generator, n: int, colour: str) -> Wave:
    """``n`` samples of pink or brown noise, RMS 1.0, no content below 20 Hz."""
    size = fft_size(n)
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, size))
    freq = np.fft.rfftfreq(size, 1 / MIX_RATE)
    power = {"pink": 1.0, "brown": 2.0, "white": 0.0}[colour]
    gain = np.where(freq >= 20.0, np.maximum(freq, 20.0) ** (-power / 2), 0.0)
    wave = np.fft.irfft(spectrum * gain, size)[:n]
    return wave / max(float(np.sqrt(np.mean(wave**2))), 1e-12)


def band_limit(wave: Wave, low: float, high: float) -> Wave:
    """Keep ``low``..``high`` Hz with soft (raised-cosine, one octave) edges."""
    n = len(wave)
    size = fft_size(n)
    freq = np.fft.rfftfreq(size, 1 / MIX_RATE)
    safe = np.maximum(freq, 1.0)
    up = np.clip(np.log2(safe / (low / 2)), 0, 1)
    down = np.clip(np.log2(2 * high / safe), 0, 1)
    gain = (0.5 - 0.5 * np.cos(np.pi * up)) * (0.5 - 0.5 * np.cos(np.pi * down))
    return np.fft.irfft(np.fft.rfft(wave, size) * gain, size)[:n]


def room_response(rng: np.random.Generator, rt60: float, direct_to_reverb_db: float) -> Wave:
    """A synthetic room impulse response with the given RT60 (seconds)."""
    n = int(rt60 * 1.3 * MIX_RATE)
    t = np.arange(n) / MIX_RATE
    tail = rng.normal(0.0, 1.0, n) * np.exp(-6.91 * t / rt60)
    # Later reflections lose their highs: blend towards a smoothed copy.
    smooth = np.convolve(tail, np.ones(6) / 6, mode="same")
    mix = np.clip(t / rt60, 0, 1)
    tail = (1 - mix) * tail + mix * smooth
    onset = int(0.004 * MIX_RATE)
    tail[:onset] = 0.0
    tail *= np.clip(t / 0.015, 0, 1)  # the diffuse tail builds up over 15 ms
    for _ in range(5):
        at = int(float(rng.uniform(0.002, 0.025)) * MIX_RATE)
        tail[at] += float(rng.uniform(-0.5, 0.5)) * 8 / np.sqrt(MIX_RATE / 1000)
    tail *= 10 ** (-direct_to_reverb_db / 20) / max(float(np.sqrt(np.sum(tail**2))), 1e-12)
    response = tail
    response[0] = 1.0
    return response


def convolve(wave: Wave, response: Wave) -> Wave:
    """``wave`` convolved with ``response``, cut to ``wave``'s length."""
    size = fft_size(len(wave) + len(response) - 1)
    out = np.fft.irfft(np.fft.rfft(wave, size) * np.fft.rfft(response, size), size)
    return out[: len(wave)]


def _note(freq: float, seconds: float, rng: np.random.Generator) -> Wave:
    n = int(seconds * MIX_RATE)
    t = np.arange(n) / MIX_RATE
    decay = np.exp(-t / float(rng.uniform(0.25, 0.6)))
    wave = sum(
        (0.6**k) * np.sin(2 * np.pi * freq * (k + 1) * t + float(rng.uniform(0, 6.28)))
        for k in range(5)
    )
    return np.asarray(wave * decay * np.clip(t / 0.005, 0, 1))


def music(rng: np.random.Generator, n: int) -> Wave:
    """``n`` samples of simple synthetic music: a chord every two beats over a bass line."""
    seconds = n / MIX_RATE
    out = np.zeros(n + MIX_RATE * 2)
    beat = 60.0 / float(rng.uniform(84, 126))
    roots = (130.81, 146.83, 174.61, 196.00, 220.00)
    at, index = 0.0, 0
    while at < seconds:
        root = roots[int(rng.integers(0, len(roots)))]
        start = int(at * MIX_RATE)
        for ratio in (1.0, 1.26, 1.5, 2.0):
            note = _note(root * ratio * 2, beat * 2.2, rng) * 0.25
            out[start : start + len(note)] += note
        for step in range(2):
            bass = _note(root / 2 * (1.0, 1.5)[step], beat * 0.9, rng) * 0.5
            s = start + int(step * beat * MIX_RATE)
            out[s : s + len(bass)] += bass
        at += 2 * beat
        index += 1
    return out[:n]


def television(rng: np.random.Generator, seconds: float, speaker: Speaker, language: str) -> tuple[
    Wave, list[tuple[int, int, str]]
]:
    """A TV soundtrack of ``seconds``: speech and music sections, band-limited, RMS 1.0.

    Also returns the sections as (start sample, end sample, "speech"|"music").
    """
    n = int(seconds * MIX_RATE)
    sentences = TELEVISION[language]
    prefetch(speaker, sentences)
    track = np.zeros(n)
    sections: list[tuple[int, int, str]] = []
    at = 0
    speech = rng.random() < 0.6
    while at < n:
        length = int(float(rng.uniform(10, 30) if speech else rng.uniform(6, 18)) * MIX_RATE)
        end = min(n, at + length)
        if speech:
            cursor = at
            while cursor < end:
                said = utterance(speaker, sentences[int(rng.integers(0, len(sentences)))], rng)
                piece = said[: end - cursor]
                track[cursor : cursor + len(piece)] += piece
                cursor += len(said) + int(float(rng.uniform(0.25, 0.7)) * MIX_RATE)
        else:
            tune = music(rng, end - at)
            track[at:end] += tune / max(active_rms(tune), 1e-9)
        sections.append((at, end, "speech" if speech else "music"))
        at, speech = end, not speech
    track = band_limit(track, 180.0, 5000.0)
    return track / max(active_rms(track), 1e-9), sections


def clatter(rng: np.random.Generator, n: int, per_minute: float) -> Wave:
    """Occasional household knocks and clinks over ``n`` samples, peak ~1."""
    out = np.zeros(n)
    count = rng.poisson(per_minute * n / MIX_RATE / 60)
    for _ in range(int(count)):
        length = int(float(rng.uniform(0.03, 0.25)) * MIX_RATE)
        at = int(rng.integers(0, max(1, n - length)))
        burst = band_limit(rng.normal(0.0, 1.0, length), float(rng.uniform(300, 1500)),
                           float(rng.uniform(2500, 9000)))
        burst *= np.exp(-np.arange(length) / (length / 5))
        out[at : at + length] += burst / max(float(np.abs(burst).max()), 1e-9) * float(
            rng.uniform(0.3, 1.0)
        )
    return out


def appliances(rng: np.random.Generator, n: int, count: int) -> tuple[
    Wave, list[tuple[int, int, str]]
]:
    """``count`` household machines switching on for 5-15 s each: a vacuum cleaner's
    roar and motor hum (RMS 2.0), a kettle's rising hiss (1.26), a running tap (1.0).
    Also returns (start sample, end sample, what) for each."""
    out = np.zeros(n)
    spans: list[tuple[int, int, str]] = []
    for _ in range(count):
        length = min(n, int(float(rng.uniform(5, 15)) * MIX_RATE))
        at = int(rng.integers(0, max(1, n - length)))
        t = np.arange(length) / MIX_RATE
        kind = int(rng.integers(0, 3))
        if kind == 0:  # vacuum cleaner
            hum = float(rng.uniform(90, 160))
            sound = coloured_noise(rng, length, "pink") + sum(
                0.5 / k * np.sin(2 * np.pi * hum * k * t) for k in range(1, 6))
        elif kind == 1:  # kettle: a hiss whose band rises as it heats
            sound = band_limit(coloured_noise(rng, length, "white"), 1500, 7000)
            sound *= np.linspace(0.3, 1.0, length) ** 2
        else:  # a running tap
            sound = band_limit(coloured_noise(rng, length, "white"), 400, 9000)
        fade = np.clip(np.minimum(t, t[-1] - t) / 0.3, 0, 1)
        level = (2.0, 1.26, 1.0)[kind]  # a vacuum cleaner roars (+6 dB), a kettle hisses (+2 dB)
        out[at : at + length] += level * sound * fade / max(active_rms(sound), 1e-9)
        spans.append((at, at + length, ("vacuum cleaner", "kettle", "tap")[kind]))
    return out, sorted(spans)


def swelling(rng: np.random.Generator, n: int, depth_db: float) -> Wave:
    """A gain curve that drifts slowly (every ~8 s) within +-``depth_db``."""
    points = max(2, n // (8 * MIX_RATE))
    return np.asarray(10 ** (depth_db * smooth_noise(rng, n, points) / 20))


def upsample(wave: Wave, factor: int = 2) -> Wave:
    """``wave`` at ``factor`` times the rate, band-limited (zero-padded spectrum)."""
    n = len(wave)
    spectrum = np.fft.rfft(wave)
    padded = np.zeros(n * factor // 2 + 1, dtype=complex)
    padded[: len(spectrum)] = spectrum
    return np.fft.irfft(padded, n * factor) * factor


def db(value: float) -> float:
    """Amplitude factor of ``value`` decibels."""
    return float(10 ** (value / 20))

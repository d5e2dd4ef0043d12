"""What the dyad clip shows and says: a cartoon baby and parent taking turns.

:func:`dyad_turns` is the script (every vocal turn and reception, frame-exact),
:func:`dyad_truth` the JSON truth written next to the clip, :func:`dyad_sound`
the two voices and :func:`dyad_pictures` the frames, with mouths that move with
the sound. :mod:`sample_clips.generate` encodes them into ``demo/dyad.mp4``.
Everything comes from a fixed seed, so the clip is the same on every run.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt

from sample_clips.kinds import Mono, RGBImage

# Shared by all the committed clips (sample_clips.generate imports them too).
SAMPLE_RATE: Final = 48_000
SEED: Final = 20240607
WIDTH: Final = 640
HEIGHT: Final = 360

DYAD_FPS: Final = 25
DYAD_FRAMES: Final = 20 * DYAD_FPS
FRAME_MS: Final = 1000 // DYAD_FPS  # exact: 40 ms
# Each chain is a list of vocal turns (actor, start s, end s). Times fall on
# frame boundaries (multiples of 40 ms). Within a chain every response starts
# 0.3-1.2 s after the previous turn ends, as in a real serve-and-return
# exchange; chains are separated by at least 1.5 s of quiet so no gap
# threshold can blur where one chain ends and the next begins.
_CHAINS: Final = (
    (("child", 1.00, 1.96), ("adult", 2.56, 4.16), ("child", 4.56, 5.36), ("adult", 6.16, 7.16)),
    (("child", 9.00, 9.68), ("adult", 10.20, 11.40)),
    (("adult", 12.92, 14.00), ("child", 14.80, 15.52), ("adult", 15.84, 16.64)),
    (("child", 18.20, 18.80), ("adult", 19.12, 19.60)),
)
# The listener starts turning towards a speaker 200 ms after the speaker
# starts and, if they do not answer, looks back away 320 ms after the end.
_RECEPTION_DELAY: Final = 5
_RECEPTION_TAIL: Final = 8
_MIN_QUIET_FRAMES: Final = DYAD_FPS


@dataclass(frozen=True)
class Turn:
    """One behaviour in the dyad clip; frames are inclusive at both ends.

    ``initiative`` and ``response`` are vocal turns; ``reception`` is the
    listener turning head and eyes towards the speaker.
    """

    actor: str
    kind: str
    start_frame: int
    end_frame: int
    chain: int

    def to_json(self, index: int) -> dict[str, Any]:
        return {
            "id": index,
            "chain": self.chain,
            "actor": self.actor,
            "kind": self.kind,
            "start_ms": self.start_frame * FRAME_MS,
            "end_ms": (self.end_frame + 1) * FRAME_MS,
            "start_frame": self.start_frame,
            "end_frame": self.end_frame,
        }


def _frame(seconds: float) -> int:
    return round(seconds * DYAD_FPS)


def dyad_turns() -> list[Turn]:
    """Every turn of the dyad clip, vocal and reception, sorted by start."""
    turns: list[Turn] = []
    for chain_id, chain in enumerate(_CHAINS, start=1):
        for i, (actor, start_s, end_s) in enumerate(chain):
            start, end = _frame(start_s), _frame(end_s) - 1
            turns.append(Turn(actor, "response" if i else "initiative", start, end, chain_id))
            listener = "adult" if actor == "child" else "child"
            answer = next((_frame(s) for a, s, _ in chain[i + 1 :] if a == listener), None)
            rec_end = answer - 1 if answer is not None else end + _RECEPTION_TAIL
            turns.append(Turn(listener, "reception", start + _RECEPTION_DELAY, rec_end, chain_id))
    return sorted(turns, key=lambda t: (t.start_frame, t.kind != "reception"))


def _quiet_stretches(turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """Runs of at least a second in which nobody vocalises."""
    voiced = np.zeros(DYAD_FRAMES, dtype=bool)
    for t in turns:
        if t.kind != "reception":
            voiced[t.start_frame : t.end_frame + 1] = True
    runs: list[tuple[int, int]] = []
    frame = 0
    for is_voiced, group in itertools.groupby(voiced):
        length = len(list(group))
        if not is_voiced and length >= _MIN_QUIET_FRAMES:
            runs.append((frame, frame + length - 1))
        frame += length
    return runs


def dyad_truth(turns: Sequence[Turn]) -> dict[str, Any]:
    """The JSON-ready truth for ``dyad.mp4`` (format in README.md)."""
    chains = []
    for chain_id in range(1, len(_CHAINS) + 1):
        members = [i for i, t in enumerate(turns) if t.chain == chain_id]
        start = min(turns[i].start_frame for i in members)
        end = max(turns[i].end_frame for i in members)
        initiator = next(turns[i].actor for i in members if turns[i].kind == "initiative")
        chains.append(
            {
                "id": chain_id,
                "initiator": initiator,
                "start_frame": start,
                "end_frame": end,
                "start_ms": start * FRAME_MS,
                "end_ms": (end + 1) * FRAME_MS,
                "turns": members,
            }
        )
    quiet = [
        {"start_frame": a, "end_frame": b, "start_ms": a * FRAME_MS, "end_ms": (b + 1) * FRAME_MS}
        for a, b in _quiet_stretches(turns)
    ]
    return {
        "clip": "dyad.mp4",
        "fps": DYAD_FPS,
        "frame_count": DYAD_FRAMES,
        "width": WIDTH,
        "height": HEIGHT,
        "audio_sample_rate": SAMPLE_RATE,
        "turns": [t.to_json(i) for i, t in enumerate(turns)],
        "chains": chains,
        "quiet": quiet,
    }


# --- sound -----------------------------------------------------------------

# Vowel formants (F1, F2) in Hz cycled through the adult's syllables so the
# harmonics' loudness shifts the way speech does.
_VOWELS: Final = ((750, 1200), (300, 2300), (500, 900), (500, 1800))


def _syllables(
    rng: np.random.Generator, start: float, end: float, child: bool
) -> list[tuple[float, float]]:
    """Split a turn into syllables; the first starts and the last ends exactly on the turn."""
    lo, hi = (0.14, 0.24) if child else (0.12, 0.22)
    spans: list[tuple[float, float]] = []
    t = start
    while True:
        length = float(rng.uniform(lo, hi))
        gap = float(rng.uniform(0.04, 0.09))
        if t + length + gap + lo >= end:
            spans.append((t, end))
            return spans
        spans.append((t, t + length))
        t += length + gap


def _syllable_wave(
    rng: np.random.Generator, n: int, child: bool, base_f0: float, index: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One voiced syllable of ``n`` samples and its 0..1 loudness envelope."""
    u = np.linspace(0.0, 1.0, n)
    t = np.arange(n) / SAMPLE_RATE
    env = np.sin(np.pi * u) ** 0.5
    if child:
        # Baby babble: high, rising-falling, with a warble.
        slope = float(rng.uniform(-0.1, 0.15))
        f0 = base_f0 * (1 + slope * u + 0.06 * np.sin(np.pi * u))
        f0 *= 1 + 0.025 * np.sin(2 * np.pi * 6.5 * t)
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
        gains = (1.0, 0.5, 0.22, 0.1)
        wave = sum(g * np.sin((k + 1) * phase) for k, g in enumerate(gains))
    else:
        f0 = base_f0 * (1 + 0.08 * np.sin(np.pi * u))
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
        f1, f2 = _VOWELS[index % len(_VOWELS)]
        wave = np.zeros(n)
        for k in range(1, 13):
            fk = k * f0
            formant = np.exp(-(((fk - f1) / 150) ** 2)) + 0.6 * np.exp(-(((fk - f2) / 250) ** 2))
            wave += (0.15 + formant) / k * np.sin(k * phase)
    return np.asarray(wave) * env, env


def dyad_sound(
    turns: Sequence[Turn], total: int
) -> tuple[Mono, dict[str, npt.NDArray[np.float64]]]:
    """Mix both voices; also return each actor's loudness envelope.

    The envelopes drive the mouths, so lips move exactly with the sound.
    """
    rng = np.random.default_rng(SEED)
    mix = np.zeros(total)
    envelopes = {"child": np.zeros(total), "adult": np.zeros(total)}
    levels = {"child": 0.3, "adult": 0.35}
    for turn in turns:
        if turn.kind == "reception":
            continue
        child = turn.actor == "child"
        start_s = turn.start_frame * FRAME_MS / 1000
        end_s = (turn.end_frame + 1) * FRAME_MS / 1000
        spans = _syllables(rng, start_s, end_s, child)
        base = float(rng.uniform(480, 560)) if child else float(rng.uniform(185, 210))
        for i, (a, b) in enumerate(spans):
            # Adults' pitch falls across an utterance (declination).
            f0 = base if child else base * (1 - 0.15 * (a - start_s) / (end_s - start_s))
            i0, i1 = round(a * SAMPLE_RATE), round(b * SAMPLE_RATE)
            wave, env = _syllable_wave(rng, i1 - i0, child, f0, i)
            mix[i0:i1] += levels[turn.actor] * wave / np.abs(wave).max()
            envelopes[turn.actor][i0:i1] = env
    mix += rng.normal(0.0, 0.0015, total)  # a faint room-noise floor
    return np.clip(mix, -1, 1).astype(np.float32), envelopes


# --- pictures --------------------------------------------------------------

_BG: Final = (252, 243, 228)
_RUG: Final = (240, 214, 186)
_GLOW: Final = (255, 214, 90)
_EYE: Final = (255, 255, 255)
_PUPIL: Final = (50, 35, 30)
_MOUTH: Final = (150, 50, 60)
_CHEEK: Final = (250, 165, 150)
_TOY: Final = (90, 150, 220)
_GROUND: Final = 330


@dataclass(frozen=True)
class _Figure:
    """Geometry and colours of one cartoon person; ``facing`` is +1 (looks right) or -1."""

    cx: int
    head_r: int
    body_w: int
    body_h: int
    body: tuple[int, int, int]
    skin: tuple[int, int, int]
    hair: tuple[int, int, int] | None
    facing: int
    bounce: float
    blink_phase: int
    blink_period: int


_CHILD: Final = _Figure(190, 36, 44, 50, (255, 170, 80), (255, 218, 180), None, 1, 7.0, 17, 97)
_ADULT: Final = _Figure(
    450, 50, 72, 100, (205, 92, 72), (240, 196, 160), (110, 66, 40), -1, 4.0, 40, 113
)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], w: float) -> tuple[int, int, int]:
    w = min(1.0, max(0.0, w))
    return (
        round(a[0] + (b[0] - a[0]) * w),
        round(a[1] + (b[1] - a[1]) * w),
        round(a[2] + (b[2] - a[2]) * w),
    )


def _lerp(a: float, b: float, w: float) -> float:
    return a + (b - a) * w


@dataclass(frozen=True)
class _Pose:
    """One figure's state in one frame.

    ``speaking`` is true for the whole vocal turn, so the glow marks the
    turn's exact frames; ``amp`` (0..1, syllable loudness) opens the mouth;
    ``gaze`` (0 = looking down/away, 1 = at the other person) turns the head.
    """

    speaking: bool
    amp: float
    gaze: float


def _draw_figure(img: RGBImage, fig: _Figure, frame: int, pose: _Pose) -> None:
    """Draw one cartoon person in ``pose``."""
    amp, gaze = pose.amp, pose.gaze
    aa = cv2.LINE_AA
    r = fig.head_r
    breath = 1.5 * math.sin(2 * math.pi * frame / (DYAD_FPS * 3.2) + fig.cx)
    lift = -fig.bounce * amp
    body_y = _GROUND - fig.body_h * 0.8 + lift
    cv2.ellipse(
        img,
        (fig.cx, round(body_y)),
        (fig.body_w, round(fig.body_h + breath)),
        0,
        0,
        360,
        fig.body,
        -1,
        aa,
    )
    # Arms rise with excitement while speaking.
    for side in (-1, 1):
        angle = side * (35 + 35 * amp)
        arm = (round(fig.cx + side * fig.body_w * 0.85), round(body_y - fig.body_h * 0.2))
        axes = (round(fig.body_w * 0.22), round(fig.body_h * 0.5))
        cv2.ellipse(img, arm, axes, angle, 0, 360, fig.body, -1, aa)
    hx = fig.cx + fig.facing * _lerp(-3, 6, gaze) * r / 50
    hy = body_y - fig.body_h - r * 0.55
    head = (round(hx), round(hy))
    if pose.speaking:
        cv2.circle(img, head, r + 9, _mix(_BG, _GLOW, 0.5 + 0.5 * amp), 7, aa)
    cv2.circle(img, head, r, fig.skin, -1, aa)
    # Face features move further than the head: a cheap 3-D head turn.
    fx = hx + fig.facing * _lerp(-9, 10, gaze) * r / 50
    fy = hy + _lerp(7, 0, gaze) * r / 50
    if fig.hair is not None:
        cv2.ellipse(img, head, (r + 2, r + 2), 0, 180, 360, fig.hair, -1, aa)
        cv2.circle(img, head, r - 6, fig.skin, -1, aa)
        cv2.ellipse(img, (round(hx), round(hy + 4)), (r - 6, r - 4), 0, 0, 180, fig.skin, -1, aa)
    look_x = fig.facing * _lerp(-0.35, 1.0, gaze) * r * 0.09
    look_y = _lerp(1.0, 0.0, gaze) * r * 0.08
    blink = (frame + fig.blink_phase) % fig.blink_period < 3
    for side in (-1, 1):
        ex, ey = round(fx + side * r * 0.38), round(fy - r * 0.12)
        if blink:
            cv2.line(img, (ex - round(r * 0.16), ey), (ex + round(r * 0.16), ey), _PUPIL, 2, aa)
            continue
        cv2.circle(img, (ex, ey), round(r * 0.19), _EYE, -1, aa)
        cv2.circle(img, (round(ex + look_x), round(ey + look_y)), round(r * 0.11), _PUPIL, -1, aa)
        cv2.circle(
            img,
            (round(fx + side * r * 0.55), round(fy + r * 0.25)),
            round(r * 0.12),
            _CHEEK,
            -1,
            aa,
        )
    mouth = (round(fx), round(fy + r * 0.45))
    if amp > 0.05:
        open_h = round(r * (0.06 + 0.3 * amp))
        cv2.ellipse(img, mouth, (round(r * 0.2), open_h), 0, 0, 360, _MOUTH, -1, aa)
    else:
        cv2.ellipse(
            img,
            (mouth[0], mouth[1] - 3),
            (round(r * 0.2), round(r * 0.1)),
            0,
            20,
            160,
            _MOUTH,
            2,
            aa,
        )
    if amp > 0.2:
        # Sound waves from the mouth towards the other person.
        centre_angle = 0 if fig.facing > 0 else 180
        colour = _mix(_BG, fig.body, amp)
        for i in range(1, 4):
            rad = round(r * (0.55 + 0.3 * i))
            cv2.ellipse(img, mouth, (rad, rad), centre_angle, -30, 30, colour, 3, aa)


def _gaze_curve(turns: Sequence[Turn], actor: str) -> npt.NDArray[np.float64]:
    """0..1 per frame: eased head turn towards the other person.

    A figure looks at the other while speaking or receiving, and down/away
    otherwise; the turn eases in over about 200 ms.
    """
    target = np.zeros(DYAD_FRAMES)
    for t in turns:
        if t.actor == actor:
            target[t.start_frame : t.end_frame + 1] = 1.0
    curve = np.zeros(DYAD_FRAMES)
    for f in range(1, DYAD_FRAMES):
        curve[f] = curve[f - 1] + (target[f] - curve[f - 1]) * 0.4
    return curve


def dyad_pictures(
    turns: Sequence[Turn], envelopes: dict[str, npt.NDArray[np.float64]]
) -> Iterator[RGBImage]:
    """Yield the dyad clip's frames in order."""
    per_frame = SAMPLE_RATE // DYAD_FPS
    amps = {
        actor: np.clip(
            env[: DYAD_FRAMES * per_frame].reshape(DYAD_FRAMES, per_frame).mean(axis=1) * 1.3, 0, 1
        )
        for actor, env in envelopes.items()
    }
    gazes = {actor: _gaze_curve(turns, actor) for actor in envelopes}
    speaking = {actor: np.zeros(DYAD_FRAMES, dtype=bool) for actor in envelopes}
    for t in turns:
        if t.kind != "reception":
            speaking[t.actor][t.start_frame : t.end_frame + 1] = True
    backdrop = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
    backdrop[:] = _BG
    cv2.ellipse(backdrop, (WIDTH // 2, _GROUND + 5), (290, 38), 0, 0, 360, _RUG, -1, cv2.LINE_AA)
    cv2.circle(backdrop, (_CHILD.cx - 95, _GROUND - 2), 15, _TOY, -1, cv2.LINE_AA)
    cv2.line(
        backdrop,
        (_CHILD.cx - 110, _GROUND - 2),
        (_CHILD.cx - 80, _GROUND - 2),
        _EYE,
        3,
        cv2.LINE_AA,
    )
    for f in range(DYAD_FRAMES):
        img = backdrop.copy()
        for actor, fig in (("child", _CHILD), ("adult", _ADULT)):
            pose = _Pose(bool(speaking[actor][f]), float(amps[actor][f]), float(gazes[actor][f]))
            _draw_figure(img, fig, f, pose)
        yield img

"""The picture of a generated recording: a cheap cartoon of the room.

A baby (small, on the rug) and a parent (seated, larger) face each other;
which side each is on depends on the scenario. Mouths open with each voice's
loudness; the baby's arms and legs wave while vocalising and now and then
kick; the parent sways, nods while talking, and leans in with an arm out at
the "reach" events of the truth (or leans away, at unrelated movements). A
second adult (or a big sibling, smaller) stands at the edge in the scenarios
that have one; a television
in a corner flickers while it is on. Handheld scenarios shake the whole
picture by whole pixels along a smooth random walk. There is no sensor
grain: it doubled the encoding time.

Drawn with OpenCV at 320x180 scale (multiplied for larger sizes); about a
tenth of a millisecond per frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sample_clips.kinds import RGBImage

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Stage:
    """Everything the picture needs besides the per-frame loudness."""

    width: int
    height: int
    fps: int
    child_right: bool
    handheld: bool
    television: bool
    third: str | None  # "adults" (a second adult stands at the edge), "sibling", or None


def _bump(progress: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """0 -> 1 -> 0 over 0..1: ease in over the first 35 %, hold, ease out over the last 35 %."""
    up = np.clip(progress / 0.35, 0, 1)
    down = np.clip((1 - progress) / 0.35, 0, 1)
    return np.asarray(np.sin(np.pi / 2 * np.minimum(up, down)) ** 2)


def lean_curve(reaches: Sequence[dict[str, Any]], frames: int, fps: int) -> npt.NDArray[np.float64]:
    """Per frame: +1 leaning fully towards the child, -1 away, 0 upright."""
    t = np.arange(frames) * 1000.0 / fps
    curve = np.zeros(frames)
    for reach in reaches:
        s, e = reach["start_ms"], reach["end_ms"]
        inside = (t >= s) & (t < e)
        sign = 1.0 if reach["toward"] == "child" else -0.7
        curve[inside] += sign * _bump((t[inside] - s) / (e - s))
    return curve


def _kicks(rng: np.random.Generator, frames: int, fps: int) -> npt.NDArray[np.float64]:
    """Per frame 0..1: the baby's spontaneous kicking bouts."""
    out = np.zeros(frames)
    for _ in range(int(rng.poisson(frames / fps / 60 * 4))):
        length = int(rng.integers(fps // 2, fps * 2))
        at = int(rng.integers(0, max(1, frames - length)))
        out[at : at + length] = np.maximum(out[at : at + length], _bump(np.linspace(0, 1, length)))
    return out


def _shake(rng: np.random.Generator, frames: int) -> npt.NDArray[np.float64]:
    """Per frame (dx, dy) in 320-scale pixels: a smooth handheld wobble within +-4 px."""
    kernel = np.hanning(15) / np.hanning(15).sum()
    noise = rng.normal(0, 1.0, (frames + 14, 2))
    smooth = np.stack([np.convolve(noise[:, k], kernel, "valid") for k in range(2)], axis=1)
    return np.asarray(np.clip(smooth * 6.0, -4, 4))


def pictures(stage: Stage, loudness: dict[str, npt.NDArray[np.float64]],
             reaches: Sequence[dict[str, Any]], rng: np.random.Generator) -> Iterator[RGBImage]:
    """Yield every frame; ``loudness`` maps actor -> 0..1 per frame."""
    frames = len(loudness["child"])
    scale = stage.width / 320
    wall: Colour = tuple(int(v) for v in rng.integers(170, 235, 3))  # type: ignore[assignment]
    floor: Colour = tuple(int(v) for v in rng.integers(110, 190, 3))  # type: ignore[assignment]
    backdrop = np.empty((180, 320, 3), dtype=np.uint8)
    backdrop[:] = wall
    backdrop[118:] = floor
    cv2.ellipse(backdrop, (160, 150), (120, 18), 0, 0, 360, (200, 120, 110), -1, cv2.LINE_AA)
    if scale != 1:
        backdrop = np.asarray(cv2.resize(backdrop, (stage.width, stage.height)), dtype=np.uint8)
    side = 1 if stage.child_right else -1  # which side the child is on
    child_x, adult_x = 160 + side * 62, 160 - side * 58
    lean = lean_curve(reaches, frames, stage.fps)
    kicks = _kicks(rng, frames, stage.fps)
    shake = _shake(rng, frames) if stage.handheld else None
    tv_colour = np.array([60, 60, 90], dtype=float)
    for f in range(frames):
        img = backdrop.copy()
        if stage.television:
            if f % int(rng.integers(2, 12)) == 0:
                tv_colour = rng.uniform(30, 230, 3)
            _rect(img, scale, (8 if side > 0 else 250, 22), (62, 40), (40, 40, 40))
            _rect(img, scale, (11 if side > 0 else 253, 25), (56, 34),
                  tuple(int(c) for c in tv_colour))
        if stage.third is not None:
            small = stage.third == "sibling"
            _person(img, scale, 160 + side * 150, 108 if small else 92, 10 if small else 13,
                    22 if small else 34, (70, 100, 150), f, float(loudness["other"][f]), 0.0,
                    -side, small=True)
        _person(img, scale, adult_x, 92, 15, 34, (150, 70, 90), f, float(loudness["adult"][f]),
                float(lean[f]), side)
        _child(img, scale, child_x, f, float(loudness["child"][f]), float(kicks[f]), -side)
        if shake is not None:
            # Whole-pixel shifts (edges repeated): a copy, not a resampling.
            margin = round(4 * scale)
            dx, dy = (round(v * scale) for v in shake[f])
            padded = cv2.copyMakeBorder(img, margin, margin, margin, margin, cv2.BORDER_REPLICATE)
            img = np.ascontiguousarray(padded[margin - dy : margin - dy + stage.height,
                                              margin - dx : margin - dx + stage.width])
        yield img


def _pt(scale: float, x: float, y: float) -> tuple[int, int]:
    return (round(x * scale), round(y * scale))


def _rect(img: RGBImage, scale: float, at: tuple[float, float], size: tuple[float, float],
          colour: tuple[int, ...]) -> None:
    cv2.rectangle(img, _pt(scale, *at), _pt(scale, at[0] + size[0], at[1] + size[1]),
                  colour, -1)


def _person(img: RGBImage, scale: float, x: float, y: float, head: float, body: float,
            colour: Colour, frame: int, loud: float, lean: float, facing: int,
            small: bool = False) -> None:
    """A seated adult at ``x`` facing ``facing`` (+1 right); ``lean`` +1 towards, -1 away."""
    aa = cv2.LINE_AA
    sway = 1.2 * math.sin(frame / 23.0 + x)
    nod = 1.5 * loud * math.sin(frame / 2.3)
    shift = facing * 18 * lean + sway
    hx, hy = x + shift * 1.2, y - body * 0.9 + abs(lean) * 6 + nod
    cv2.ellipse(img, _pt(scale, x + shift * 0.5, y + 8), _pt(scale, body * 0.62, body),
                facing * 12 * lean, 0, 360, colour, -1, aa)
    # The arm: resting on the lap, or reaching out during a lean.
    reach = max(0.0, abs(lean))
    direction = facing if lean >= 0 else -facing
    shoulder = (x + shift * 0.7 + direction * body * 0.3, y - body * 0.45)
    hand = (shoulder[0] + direction * (10 + 32 * reach), shoulder[1] + 22 - 18 * reach)
    cv2.line(img, _pt(scale, *shoulder), _pt(scale, *hand), colour, max(1, round(6 * scale)), aa)
    cv2.circle(img, _pt(scale, hx, hy), round(head * scale), (236, 196, 164), -1, aa)
    if not small:
        cv2.ellipse(img, _pt(scale, hx, hy - 3), _pt(scale, head + 1, head + 1), 0, 180, 360,
                    (80, 50, 30), -1, aa)
    eye_x = hx + facing * head * 0.35
    cv2.circle(img, _pt(scale, eye_x, hy - 2), max(1, round(1.6 * scale)), (30, 30, 30), -1)
    mouth = _pt(scale, hx + facing * head * 0.45, hy + head * 0.45)
    cv2.ellipse(img, mouth, _pt(scale, head * 0.22, 0.6 + head * 0.35 * loud), 0, 0, 360,
                (120, 40, 50), -1, aa)


def _child(img: RGBImage, scale: float, x: float, frame: int, loud: float, kick: float,
           facing: int) -> None:
    """The baby on the rug, facing ``facing``; limbs wave with ``kick`` and its own voice."""
    aa = cv2.LINE_AA
    skin, suit = (250, 214, 180), (120, 180, 230)
    y = 138.0
    bounce = 1.5 * loud * math.sin(frame / 1.7)
    energy = max(kick, 0.7 * loud)
    for limb in range(4):
        arm = limb < 2
        base = (x + (-6 if limb % 2 else 6), y - (4 if arm else -10))
        swing = energy * 0.9 * math.sin(frame / (1.4 + 0.3 * limb) + limb)
        angle = (-2.2 if arm else 2.0) + (-0.6 if limb % 2 else 0.6) + swing
        reach = 12 * math.cos(angle) * (1 if limb % 2 else -1)
        end = (base[0] + reach, base[1] + 12 * math.sin(angle))
        cv2.line(img, _pt(scale, *base), _pt(scale, *end), suit if not arm else skin,
                 max(1, round(4 * scale)), aa)
    cv2.ellipse(img, _pt(scale, x, y + bounce), _pt(scale, 11, 14), 0, 0, 360, suit, -1, aa)
    hx, hy = x + facing * 1.5, y - 22 + bounce
    cv2.circle(img, _pt(scale, hx, hy), round(10 * scale), skin, -1, aa)
    cv2.circle(img, _pt(scale, hx + facing * 4, hy - 2), max(1, round(1.3 * scale)), (30, 30, 30),
               -1)
    mouth = _pt(scale, hx + facing * 4.5, hy + 4.5)
    cv2.ellipse(img, mouth, _pt(scale, 2.2, 0.5 + 3.2 * loud), 0, 0, 360, (150, 50, 60), -1, aa)

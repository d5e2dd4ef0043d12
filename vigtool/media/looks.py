"""How a clip looks beyond its source pictures: words burnt in and fades to black.

Words go in a band added below the picture (the frame grows, the picture is
untouched) or, where the caller found a place that covers no face, in a band
laid over it. All of it works on yuv420p frames with numpy (video levels,
BT.709), after the frames were shaped for the encoder, so it costs a few
milliseconds a frame and only on frames that need it.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
import numpy.typing as npt

from vigtool.media.textdraw import Band

Plane = npt.NDArray[np.uint8]
FloatPlane = npt.NDArray[np.float32]
RGBImage = npt.NDArray[np.uint8]


class Look:
    """A caption band and/or fades to black, drawn on yuv420p frames (numpy, BT.709 levels).

    ``band`` is laid over the picture; ``below`` (an opaque RGB strip as wide
    as the upright picture, an even number of rows high) is added under it, so
    every frame grows by the strip. ``turns`` is how the stored picture is
    turned to be shown: the words are laid out on the upright picture and
    turned back, so they read upright.
    """

    def __init__(
        self,
        width: int,
        height: int,
        *,
        band: Band | None = None,
        turns: int = 0,
        below: RGBImage | None = None,
    ) -> None:
        self._width = width
        self._height = height
        self._overlay = _prepare_overlay(band, width, height, turns) if band else None
        self._below = _Strip.under(below, width, height, turns) if below is not None else None

    @property
    def has_caption(self) -> bool:
        return self._overlay is not None or self._below is not None

    @property
    def size(self) -> tuple[int, int]:
        """The stored width and height of the frames ``apply`` returns."""
        return self._below.size if self._below is not None else (self._width, self._height)

    def apply(self, frame: av.VideoFrame, gain: float) -> av.VideoFrame:
        """The frame with its words, darkened to ``gain`` (1 = untouched)."""
        if not self.has_caption and gain >= 1.0:
            return frame
        planes: Plane = np.asarray(frame.to_ndarray(format="yuv420p"), dtype=np.uint8)
        h, w = self._height, self._width
        y = planes[:h]
        u = planes[h : h + h // 4].reshape(h // 2, w // 2)
        v = planes[h + h // 4 :].reshape(h // 2, w // 2)
        if self._overlay is not None:
            self._overlay.blend(y, u, v)
        if self._below is not None:
            planes, (y, u, v) = self._below.attach(y, u, v)
        if gain < 1.0:
            g = max(0.0, gain)
            for plane, floor in ((y, 16.0), (u, 128.0), (v, 128.0)):
                plane[:] = np.clip((plane - floor) * g + floor + 0.5, 0, 255).astype(np.uint8)
        result = av.VideoFrame.from_ndarray(planes, format="yuv420p")
        result.pts = frame.pts
        if frame.time_base is not None:
            result.time_base = frame.time_base
        return result


def fade_gain(t: float, duration: float, fade_in: float, fade_out: float) -> float:
    """Brightness (and loudness) at ``t`` seconds into a part of ``duration`` seconds."""
    gain = 1.0
    if fade_in > 0:
        gain = min(gain, t / fade_in)
    if fade_out > 0:
        gain = min(gain, (duration - t) / fade_out)
    return max(0.0, min(1.0, gain))


@dataclass(frozen=True)
class _Overlay:
    top: int
    left: int
    y: FloatPlane
    uv: tuple[FloatPlane, FloatPlane]
    alpha: FloatPlane
    alpha_c: FloatPlane

    def blend(self, y: Plane, u: Plane, v: Plane) -> None:
        t, left = self.top, self.left
        h, w = self.y.shape
        region = y[t : t + h, left : left + w]
        region[:] = (region * (1 - self.alpha) + self.y * self.alpha + 0.5).astype(np.uint8)
        ct, cl, ch, cw = t // 2, left // 2, h // 2, w // 2
        for plane, value in zip((u, v), self.uv, strict=True):
            part = plane[ct : ct + ch, cl : cl + cw]
            part[:] = (part * (1 - self.alpha_c) + value * self.alpha_c + 0.5).astype(np.uint8)


def _prepare_overlay(band: Band, width: int, height: int, turns: int) -> _Overlay:
    """Place the band on an upright canvas, turn it to the stored picture, convert to YUV."""
    up_w, up_h = (height, width) if turns % 2 else (width, height)
    canvas = np.zeros((up_h, up_w, 4), dtype=np.uint8)
    bh, bw = band.rgba.shape[:2]
    canvas[band.y : band.y + bh, band.x : band.x + bw] = band.rgba[: up_h - band.y, : up_w - band.x]
    stored = np.rot90(canvas, -turns) if turns % 4 else canvas
    rows = np.flatnonzero(stored[..., 3].any(axis=1))
    cols = np.flatnonzero(stored[..., 3].any(axis=0))
    top, bottom = int(rows[0]) // 2 * 2, min(height, (int(rows[-1]) + 2) // 2 * 2)
    left, right = int(cols[0]) // 2 * 2, min(width, (int(cols[-1]) + 2) // 2 * 2)
    part = stored[top:bottom, left:right].astype(np.float32)
    y, cb, cr = _yuv709(part)
    alpha = part[..., 3] / 255.0
    alpha_c = _half(alpha)
    safe = np.maximum(alpha_c, 1e-6)
    u = np.asarray(_half(cb * alpha) / safe, np.float32)
    v = np.asarray(_half(cr * alpha) / safe, np.float32)
    return _Overlay(top, left, y.astype(np.float32), (u, v), alpha.astype(np.float32), alpha_c)


@dataclass(frozen=True)
class _Strip:
    """An opaque band joined to one side of the stored picture: the side shown at the bottom.

    ``axis`` 0 joins rows, 1 joins columns; ``after`` puts it past the picture.
    """

    planes: tuple[Plane, Plane, Plane]
    axis: int
    after: bool
    size: tuple[int, int]

    @classmethod
    def under(cls, rgb: RGBImage, width: int, height: int, turns: int) -> _Strip:
        """``rgb`` (upright) added under a stored ``width`` x ``height`` picture shown after
        ``turns`` counter-clockwise quarter turns."""
        turns %= 4
        if rgb.shape[0] % 2 or rgb.shape[1] != (height if turns % 2 else width):
            raise ValueError("the strip must be as wide as the upright picture, with even rows")
        stored = np.ascontiguousarray(np.rot90(rgb, -turns)).astype(np.float32)
        y, cb, cr = _yuv709(stored)
        planes = tuple(
            np.clip(p + 0.5, 0, 255).astype(np.uint8) for p in (y, _half(cb), _half(cr))
        )
        axis = turns % 2  # upright bottom: stored bottom, left, top, right
        after = turns in (0, 3)
        grow = stored.shape[axis]
        size = (width + grow, height) if axis else (width, height + grow)
        return cls((planes[0], planes[1], planes[2]), axis, after, size)

    def attach(self, y: Plane, u: Plane, v: Plane) -> tuple[Plane, tuple[Plane, Plane, Plane]]:
        """The joined yuv420p planes, packed as one array and as (Y, U, V) views into it."""
        joined = [
            np.concatenate((p, s) if self.after else (s, p), axis=self.axis)
            for p, s in zip((y, u, v), self.planes, strict=True)
        ]
        packed = np.concatenate([p.ravel() for p in joined])
        w, h = self.size
        packed = packed.reshape(h * 3 // 2, w)
        flat = packed.reshape(-1)
        views = (
            flat[: w * h].reshape(h, w),
            flat[w * h : w * h * 5 // 4].reshape(h // 2, w // 2),
            flat[w * h * 5 // 4 :].reshape(h // 2, w // 2),
        )
        return packed, views


def _yuv709(rgb: FloatPlane) -> tuple[FloatPlane, FloatPlane, FloatPlane]:
    """Video-level BT.709 Y, Cb, Cr of an RGB(A) float picture."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    y = 16 + luma * (219 / 255)
    cb = 128 + (b - luma) / 1.8556 * (224 / 255)
    cr = 128 + (r - luma) / 1.5748 * (224 / 255)
    return y, cb, cr


def _half(a: FloatPlane) -> FloatPlane:
    return np.asarray(
        a.reshape(a.shape[0] // 2, 2, a.shape[1] // 2, 2).mean(axis=(1, 3)), np.float32
    )

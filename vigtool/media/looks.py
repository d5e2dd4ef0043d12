"""How a clip looks beyond its source pictures: a burnt-in caption band and fades to black.

Both work on yuv420p frames with numpy (video levels, BT.709), after the
frames were shaped for the encoder, so they cost a few milliseconds a frame
and only on frames that need them.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
import numpy.typing as npt

from vigtool.media.textdraw import Band

Plane = npt.NDArray[np.uint8]
FloatPlane = npt.NDArray[np.float32]



class Look:
    """A caption band and/or fades to black, drawn on yuv420p frames (numpy, BT.709 levels).

    ``turns`` is how the stored picture is turned to be shown: the caption is
    laid out on the upright picture and turned back, so it reads upright.
    """

    def __init__(
        self, width: int, height: int, *, band: Band | None = None, turns: int = 0
    ) -> None:
        self._width = width
        self._height = height
        self._overlay = _prepare_overlay(band, width, height, turns) if band else None

    @property
    def has_caption(self) -> bool:
        return self._overlay is not None

    def apply(self, frame: av.VideoFrame, gain: float) -> av.VideoFrame:
        """The frame with the caption laid over it, darkened to ``gain`` (1 = untouched)."""
        if self._overlay is None and gain >= 1.0:
            return frame
        planes: Plane = np.asarray(frame.to_ndarray(format="yuv420p"), dtype=np.uint8)
        h, w = self._height, self._width
        y = planes[:h]
        u = planes[h : h + h // 4].reshape(h // 2, w // 2)
        v = planes[h + h // 4 :].reshape(h // 2, w // 2)
        if self._overlay is not None:
            self._overlay.blend(y, u, v)
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
    r, g, b = part[..., 0], part[..., 1], part[..., 2]
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    y = 16 + luma * (219 / 255)
    cb = 128 + (b - luma) / 1.8556 * (224 / 255)
    cr = 128 + (r - luma) / 1.5748 * (224 / 255)
    alpha = part[..., 3] / 255.0

    def half(a: FloatPlane) -> FloatPlane:
        return np.asarray(
            a.reshape(a.shape[0] // 2, 2, a.shape[1] // 2, 2).mean(axis=(1, 3)), np.float32
        )

    alpha_c = half(alpha)
    safe = np.maximum(alpha_c, 1e-6)
    u = np.asarray(half(cb * alpha) / safe, np.float32)
    v = np.asarray(half(cr * alpha) / safe, np.float32)
    return _Overlay(top, left, y.astype(np.float32), (u, v), alpha.astype(np.float32), alpha_c)

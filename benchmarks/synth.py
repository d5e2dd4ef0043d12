"""Deterministic synthetic media for the benchmarks: generated once, cached, never timed.

Only PyAV is used (libx264 and FFmpeg's native AAC from PyAV's wheel; no
ffmpeg binary). Every picture comes from a seeded generator and the encoder
runs with a fixed thread count and the muxer's bit-exact flag, so a rerun on
the same PyAV build produces the same file. A clip's file name carries a hash
of its spec, so changing a spec (or :data:`GENERATOR_VERSION`) makes a new
file rather than silently reusing a stale one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["GENERATOR_VERSION", "ClipSpec", "ensure_clip"]

GENERATOR_VERSION: Final = 1
_SEED: Final = 20240601
_SAMPLE_RATE: Final = 48_000
_AUDIO_CHUNK: Final = 1024
_AUDIO_BIT_RATE: Final = 96_000
# Fixed, not "auto": x264's output depends on its thread count, and a fixed
# count keeps the bytes the same on any machine.
_ENCODER_THREADS: Final = 2
_GRAIN_FRAMES: Final = 8
_PAN_MARGIN: Final = 256

Plane = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class ClipSpec:
    """One synthetic H.264 + AAC MP4 clip.

    ``textured`` chooses the picture: False is a flat background with one
    moving square (cheap to encode and decode), True a panning cloud texture
    with per-frame sensor-like grain and a moving square, encoded at
    ``bit_rate`` so decoding costs about what a camera's file costs.
    """

    name: str
    width: int
    height: int
    seconds: int
    fps: int = 30
    gop: int = 60
    preset: str = "ultrafast"
    bframes: int = 0
    bit_rate: int | None = None
    textured: bool = False

    @property
    def frames(self) -> int:
        return self.seconds * self.fps

    @property
    def filename(self) -> str:
        digest = hashlib.sha256(
            repr((GENERATOR_VERSION, sorted(asdict(self).items()))).encode()
        ).hexdigest()[:10]
        return f"{self.name}-{self.width}x{self.height}-{self.seconds}s-{digest}.mp4"


def ensure_clip(spec: ClipSpec, folder: Path) -> tuple[Path, bool]:
    """The clip's path in ``folder``, encoding it first if missing; and whether it was made now."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec.filename
    if path.is_file():
        return path, False
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.mp4")
    try:
        _encode(spec, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path, True


def _encode(spec: ClipSpec, path: Path) -> None:
    x264_params = f"keyint={spec.gop}:min-keyint={spec.gop}:scenecut=0:bframes={spec.bframes}"
    pictures = _Pictures(spec)
    with av.open(str(path), mode="w", container_options={"fflags": "+bitexact"}) as out:
        video = out.add_stream(
            "libx264",
            rate=spec.fps,
            options={"preset": spec.preset, "x264-params": x264_params},
        )
        video.width = spec.width
        video.height = spec.height
        video.pix_fmt = "yuv420p"
        video.gop_size = spec.gop
        video.thread_count = _ENCODER_THREADS
        if spec.bit_rate is not None:
            video.bit_rate = spec.bit_rate
        audio = out.add_stream("aac", rate=_SAMPLE_RATE)
        audio.layout = "mono"
        audio.bit_rate = _AUDIO_BIT_RATE
        frame_time = Fraction(1, spec.fps)
        sample = 0
        for n in range(spec.frames):
            frame = av.VideoFrame.from_ndarray(pictures.yuv420p(n), format="yuv420p")
            frame.pts = n
            frame.time_base = frame_time
            out.mux(video.encode(frame))
            # Keep the audio in step with the video, as a camera interleaves them.
            while sample < (n + 1) * _SAMPLE_RATE // spec.fps:
                out.mux(audio.encode(_tone(sample)))
                sample += _AUDIO_CHUNK
        out.mux(video.encode(None))
        out.mux(audio.encode(None))


def _tone(first_sample: int) -> av.AudioFrame:
    """A quiet 440 Hz sine, ``_AUDIO_CHUNK`` samples from ``first_sample`` on."""
    t = np.arange(first_sample, first_sample + _AUDIO_CHUNK, dtype=np.float64) / _SAMPLE_RATE
    wave = (0.05 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(wave, format="flt", layout="mono")
    frame.sample_rate = _SAMPLE_RATE
    frame.pts = first_sample
    frame.time_base = Fraction(1, _SAMPLE_RATE)
    return frame


class _Pictures:
    """Frame ``n`` of a clip as one packed yuv420p array (Y rows, then U, then V)."""

    def __init__(self, spec: ClipSpec) -> None:
        self._w = spec.width
        self._h = spec.height
        rng = np.random.default_rng(_SEED)
        self._luma: Plane | None = None
        self._chroma: tuple[Plane, Plane] | None = None
        self._grain: list[npt.NDArray[np.int16]] = []
        if spec.textured:
            m = _PAN_MARGIN
            self._luma = _clouds(rng, self._h + m, self._w + m, mean=120.0, spread=45.0)
            cw, ch = (self._w + m) // 2, (self._h + m) // 2
            self._chroma = (
                _clouds(rng, ch, cw, mean=128.0, spread=12.0),
                _clouds(rng, ch, cw, mean=128.0, spread=12.0),
            )
            self._grain = [
                rng.integers(-6, 7, (self._h, self._w), dtype=np.int16)
                for _ in range(_GRAIN_FRAMES)
            ]

    def yuv420p(self, n: int) -> Plane:
        w, h = self._w, self._h
        out = np.empty((h * 3 // 2, w), dtype=np.uint8)
        y = out[:h]
        u = out[h : h + h // 4].reshape(h // 2, w // 2)
        v = out[h + h // 4 :].reshape(h // 2, w // 2)
        if self._luma is not None and self._chroma is not None:
            # Pan diagonally, bouncing inside the margin, so motion search has work to do.
            ox, oy = _bounce(3 * n, _PAN_MARGIN), _bounce(n, _PAN_MARGIN)
            grain = self._grain[n % len(self._grain)]
            window = self._luma[oy : oy + h, ox : ox + w].astype(np.int16) + grain
            np.clip(window, 0, 255, out=window)
            y[:] = window
            u[:] = self._chroma[0][oy // 2 : oy // 2 + h // 2, ox // 2 : ox // 2 + w // 2]
            v[:] = self._chroma[1][oy // 2 : oy // 2 + h // 2, ox // 2 : ox // 2 + w // 2]
        else:
            y[:] = 64
            u[:] = 128
            v[:] = 128
        side = h // 6
        sx, sy = _bounce(7 * n, w - side), _bounce(4 * n, h - side)
        y[sy : sy + side, sx : sx + side] = 210
        u[sy // 2 : (sy + side) // 2, sx // 2 : (sx + side) // 2] = 90
        v[sy // 2 : (sy + side) // 2, sx // 2 : (sx + side) // 2] = 170
        return out


def _bounce(position: int, span: int) -> int:
    """``position`` folded back and forth into ``0..span``."""
    period = 2 * span
    p = position % period
    return p if p <= span else period - p


def _clouds(
    rng: np.random.Generator, height: int, width: int, *, mean: float, spread: float
) -> Plane:
    """Smooth multi-scale noise, like out-of-focus texture; deterministic for a seeded rng."""
    acc = np.zeros((height, width), dtype=np.float32)
    for sigma, weight in ((24.0, 1.0), (6.0, 0.6), (1.5, 0.35)):
        layer = rng.standard_normal((height, width)).astype(np.float32)
        layer = np.asarray(cv2.GaussianBlur(layer, (0, 0), sigma), dtype=np.float32)
        layer /= float(layer.std()) or 1.0
        acc += weight * layer
    acc *= spread / float(acc.std())
    acc += mean
    return np.clip(acc, 0, 255).astype(np.uint8)

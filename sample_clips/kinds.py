"""Small synthetic videos covering the formats vigtool must read frame-exactly.

Practitioners bring whatever their camera or phone produced: H.264 with
B-frames, 10-bit HEVC, VP9 from a browser, MJPEG from an old camera, PAL
interlaced camcorder footage, portrait phone clips stored sideways with a
display rotation, and variable-frame-rate phone clips. :func:`make_video`
writes a short clip of one such kind, every frame carrying its number via
:mod:`sample_clips.pattern`, and returns the truth a test checks a reader
against. :func:`write_media` is the shared encoder that
:mod:`sample_clips.generate` also uses for the committed clips.

Only PyAV is used (no ffmpeg binary). Encoders run single-threaded and the
muxers get the bit-exact flag (no random track UIDs, no version strings), so
reruns produce identical bytes with the same FFmpeg build.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import numpy as np
import numpy.typing as npt
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream

from sample_clips.pattern import draw_frame

__all__ = [
    "AUDIO_ONLY",
    "H264_BFRAMES",
    "HEVC10",
    "INTERLACED_TS",
    "KINDS",
    "MJPEG_AVI",
    "ROTATED_MOV",
    "SUFFIXES",
    "VFR_PHONE",
    "VFR_TIME_BASE",
    "VP9_WEBM",
    "AudioSettings",
    "VideoSettings",
    "VideoTruth",
    "make_video",
    "phone_gaps",
    "tone",
    "write_media",
    "x264_options",
]

H264_BFRAMES: Final = "h264_bframes"
HEVC10: Final = "hevc10"
VP9_WEBM: Final = "vp9_webm"
MJPEG_AVI: Final = "mjpeg_avi"
INTERLACED_TS: Final = "interlaced_ts"
ROTATED_MOV: Final = "rotated_mov"
VFR_PHONE: Final = "vfr_phone"
AUDIO_ONLY: Final = "audio_only"
KINDS: Final = (
    H264_BFRAMES,
    HEVC10,
    VP9_WEBM,
    MJPEG_AVI,
    INTERLACED_TS,
    ROTATED_MOV,
    VFR_PHONE,
    AUDIO_ONLY,
)
SUFFIXES: Final = {
    H264_BFRAMES: ".mp4",
    HEVC10: ".mp4",
    VP9_WEBM: ".webm",
    MJPEG_AVI: ".avi",
    INTERLACED_TS: ".ts",
    ROTATED_MOV: ".mov",
    VFR_PHONE: ".mp4",
    AUDIO_ONLY: ".m4a",
}
# libavformat muxer per kind, named explicitly so a caller's odd suffix can
# never change the container under test.
_MUXERS: Final = {
    H264_BFRAMES: "mp4",
    HEVC10: "mp4",
    VP9_WEBM: "webm",
    MJPEG_AVI: "avi",
    INTERLACED_TS: "mpegts",
    ROTATED_MOV: "mov",
    VFR_PHONE: "mp4",
    AUDIO_ONLY: "ipod",
}

Mono = npt.NDArray[np.float32]
RGBImage = npt.NDArray[np.uint8]

# 1/90000 s is the MPEG clock and what many phones write; fine enough that
# any realistic frame gap is a whole number of ticks.
VFR_TIME_BASE: Final = Fraction(1, 90000)
_AUDIO_CHUNK: Final = 1024
_BITEXACT: Final = {"fflags": "+bitexact"}
_VFR_SEED: Final = 7
_SMALL: Final = (320, 240)
_PAL: Final = (720, 576)


@dataclass(frozen=True)
class VideoTruth:
    """What a correct reader must report for a clip made by :func:`make_video`.

    ``pts_ms`` holds each frame's presentation time in milliseconds relative
    to the first frame, in presentation order. ``width``/``height`` are the
    stored (coded) picture size; ``rotation`` is the counter-clockwise angle a
    player must turn the stored picture by to show it upright (the sign of
    PyAV's ``VideoFrame.rotation``, so ``np.rot90(rgb, rotation // 90)``
    gives the upright picture). ``codec`` is the decoder name PyAV reports.
    """

    path: Path
    kind: str
    frame_count: int
    pts_ms: tuple[float, ...]
    width: int
    height: int
    rotation: int
    has_audio: bool
    codec: str


@dataclass(frozen=True)
class VideoSettings:
    """How to encode the video stream.

    ``time_base`` defaults to one tick per frame at ``rate``; give a finer one
    (with explicit ``pts``) for variable frame rate. ``rotation`` is written as
    a display matrix in counter-clockwise degrees. ``field_order`` ("tff" or
    "bff") marks every frame interlaced; encoders such as libx264 take the
    field order from the frames, not from their options.
    """

    codec: str
    width: int
    height: int
    rate: Fraction
    pix_fmt: str = "yuv420p"
    options: dict[str, str] = field(default_factory=dict)
    gop: int = 30
    bit_rate: int | None = None
    time_base: Fraction | None = None
    rotation: int = 0
    codec_tag: str | None = None
    field_order: str | None = None


@dataclass(frozen=True)
class AudioSettings:
    """How to encode the mono audio stream."""

    codec: str
    sample_rate: int
    bit_rate: int = 48_000


def x264_options(
    keyint: int, *, bframes: int = 3, crf: int = 26, extra: str = ""
) -> dict[str, str]:
    """libx264 options for a fixed GOP with a fixed number of B-frames.

    PyAV passes these to the encoder as AVOptions; x264's own settings go
    through ``x264-params``. ``b-adapt=0`` stops x264 dropping B-frames on
    near-static pictures and ``scenecut=0`` keeps keyframes exactly every
    ``keyint`` frames. ``threads=1`` alone is not enough for identical bytes:
    with its SIMD code enabled (AVX-512 on the machine this was written on),
    the x264 bundled with PyAV now and then encoded identical input
    differently, so ``asm=0`` trades about 2.5x encode speed, irrelevant at
    these sizes, for reproducible files on any CPU.
    """
    params = (
        f"bframes={bframes}:b-adapt=0:keyint={keyint}:min-keyint={keyint}"
        f":scenecut=0:threads=1:asm=0{extra}"
    )
    return {"preset": "veryfast", "crf": str(crf), "x264-params": params}


def tone(seconds: float, sample_rate: int, *, hz: float = 440.0, level: float = 0.05) -> Mono:
    """A quiet sine with 10 ms fades: audible enough to prove sound exists."""
    t = np.arange(round(seconds * sample_rate), dtype=np.float64) / sample_rate
    wave = level * np.sin(2 * np.pi * hz * t)
    ramp = min(len(t) // 2, sample_rate // 100)
    if ramp:
        fade = np.linspace(0.0, 1.0, ramp)
        wave[:ramp] *= fade
        wave[len(t) - ramp :] *= fade[::-1]
    return wave.astype(np.float32)


def phone_gaps(count: int, seed: int) -> list[int]:
    """Frame-to-frame gaps in 1/90000 s ticks that vary like a phone's.

    Mostly a steady 30 fps (3000 ticks = 33.3 ms), with runs of slower frames
    (40-70 ms, whole milliseconds) such as a phone produces when light drops
    or it gets busy.
    """
    rng = np.random.default_rng(seed)
    gaps: list[int] = []
    slow_left = 0
    while len(gaps) < count:
        if slow_left == 0 and rng.random() < 0.08:
            slow_left = int(rng.integers(3, 12))
        if slow_left:
            slow_left -= 1
            gaps.append(int(rng.integers(40, 71)) * 90)
        else:
            gaps.append(3000)
    return gaps


def _add_video(out: OutputContainer, vs: VideoSettings) -> VideoStream:
    stream = out.add_stream(vs.codec, rate=vs.rate, options=dict(vs.options))
    if not isinstance(stream, VideoStream):
        raise ValueError(f"{vs.codec} is not a video encoder")
    stream.width = vs.width
    stream.height = vs.height
    stream.pix_fmt = vs.pix_fmt
    stream.gop_size = vs.gop
    stream.thread_count = 1
    if vs.bit_rate is not None:
        stream.bit_rate = vs.bit_rate
    if vs.time_base is not None:
        stream.codec_context.time_base = vs.time_base
        stream.time_base = vs.time_base
    if vs.codec_tag is not None:
        stream.codec_tag = vs.codec_tag
    if vs.rotation:
        stream.set_display_rotation(vs.rotation)
    return stream


def _add_audio(out: OutputContainer, aus: AudioSettings) -> AudioStream:
    stream = out.add_stream(aus.codec, rate=aus.sample_rate)
    if not isinstance(stream, AudioStream):
        raise ValueError(f"{aus.codec} is not an audio encoder")
    stream.layout = "mono"
    if not aus.codec.startswith("pcm_"):
        stream.bit_rate = aus.bit_rate
    return stream


def _audio_frames(samples: Mono, sample_rate: int) -> deque[tuple[float, av.AudioFrame]]:
    """Split ``samples`` into frames, each with its start time in seconds.

    PyAV re-buffers and converts them to whatever frame size and sample
    format the encoder wants, so one size and float samples suit every codec.
    """
    frames: deque[tuple[float, av.AudioFrame]] = deque()
    for start in range(0, len(samples), _AUDIO_CHUNK):
        chunk = np.ascontiguousarray(samples[start : start + _AUDIO_CHUNK]).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = sample_rate
        frame.pts = start
        frame.time_base = Fraction(1, sample_rate)
        frames.append((start / sample_rate, frame))
    return frames


def _mux_audio_until(
    out: OutputContainer,
    stream: AudioStream | None,
    queue: deque[tuple[float, av.AudioFrame]],
    seconds: float,
) -> None:
    while queue and queue[0][0] <= seconds:
        assert stream is not None
        out.mux(stream.encode(queue.popleft()[1]))


def _field_marker(vs: VideoSettings) -> av.filter.Graph | None:
    """A one-filter graph (``setfield``) that flags frames as interlaced.

    PyAV cannot set a frame's field flags directly, but FFmpeg's ``setfield``
    filter can, and libx264 reads the field order from those flags.
    """
    if vs.field_order is None:
        return None
    graph = av.filter.Graph()
    src = graph.add_buffer(
        width=vs.width,
        height=vs.height,
        format=av.VideoFormat("rgb24"),
        time_base=vs.time_base or 1 / vs.rate,
    )
    graph.link_nodes(src, graph.add("setfield", vs.field_order), graph.add("buffersink"))
    graph.configure()
    return graph


def write_media(
    path: Path,
    *,
    muxer: str | None = None,
    video: VideoSettings | None = None,
    pictures: Iterable[RGBImage] = (),
    pts: Sequence[int] | None = None,
    audio: AudioSettings | None = None,
    samples: Mono | None = None,
) -> None:
    """Encode RGB ``pictures`` and mono float ``samples`` into ``path``.

    ``muxer`` names the libavformat muxer (default: guessed from the suffix).
    ``pts`` are in ``video.time_base`` ticks (default: 0, 1, 2, ... frames).
    Audio is fed in step with the video so every muxer interleaves the
    streams as a camera's file would be.
    """
    if (audio is None) != (samples is None):
        raise ValueError("give audio settings and samples together")
    with av.open(str(path), mode="w", format=muxer, container_options=_BITEXACT) as out:
        vstream = _add_video(out, video) if video is not None else None
        astream = _add_audio(out, audio) if audio is not None else None
        queue = (
            _audio_frames(samples, audio.sample_rate)
            if audio is not None and samples is not None
            else deque()
        )
        if video is not None and vstream is not None:
            tb = video.time_base or 1 / video.rate
            fields = _field_marker(video)
            for index, rgb in enumerate(pictures):
                tick = index if pts is None else pts[index]
                _mux_audio_until(out, astream, queue, float(tick * tb))
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = tick
                frame.time_base = tb
                if fields is not None:
                    fields.vpush(frame)
                    frame = fields.vpull()
                out.mux(vstream.encode(frame))
            out.mux(vstream.encode(None))
        _mux_audio_until(out, astream, queue, math.inf)
        if astream is not None:
            out.mux(astream.encode(None))


@dataclass(frozen=True)
class _Plan:
    """Everything :func:`make_video` needs for one kind."""

    video: VideoSettings | None
    audio: AudioSettings
    codec: str  # decoder name PyAV reports when reading the result back


def _plan(kind: str) -> _Plan:
    aac = AudioSettings("aac", 48_000)
    fps30 = Fraction(30)
    w, h = _SMALL
    if kind == H264_BFRAMES:
        return _Plan(VideoSettings("libx264", w, h, fps30, options=x264_options(30)), aac, "h264")
    if kind == HEVC10:
        x265 = (
            "bframes=3:b-adapt=0:keyint=30:min-keyint=30:scenecut=0"
            ":frame-threads=1:pools=none:log-level=error"
        )
        video = VideoSettings(
            "libx265",
            w,
            h,
            fps30,
            pix_fmt="yuv420p10le",
            # hvc1 (parameter sets in the sample description) is what
            # iPhones write and what Apple players insist on.
            codec_tag="hvc1",
            options={"preset": "ultrafast", "crf": "28", "x265-params": x265},
        )
        return _Plan(video, aac, "hevc")
    if kind == VP9_WEBM:
        vp9 = {"deadline": "realtime", "cpu-used": "8", "crf": "35", "b": "0", "row-mt": "0"}
        video = VideoSettings("libvpx-vp9", w, h, fps30, options=vp9)
        return _Plan(video, AudioSettings("libopus", 48_000), "vp9")
    if kind == MJPEG_AVI:
        # MJPEG wants full-range YUV; the bit rate keeps the intra-only file
        # small (PyAV cannot set the per-frame quality that -q:v would).
        video = VideoSettings("mjpeg", w, h, fps30, options={"color_range": "pc"}, bit_rate=400_000)
        return _Plan(video, AudioSettings("pcm_s16le", 16_000), "mjpeg")
    if kind == INTERLACED_TS:
        pw, ph = _PAL
        video = VideoSettings(
            "libx264",
            pw,
            ph,
            Fraction(25),
            options=x264_options(25, crf=30, extra=":interlaced=1"),
            gop=25,
            field_order="tff",
        )
        return _Plan(video, aac, "h264")
    if kind == ROTATED_MOV:
        video = VideoSettings("libx264", w, h, fps30, options=x264_options(30), rotation=90)
        return _Plan(video, aac, "h264")
    if kind == VFR_PHONE:
        # Phone H.264 (Android MediaCodec) typically has no B-frames.
        video = VideoSettings(
            "libx264", w, h, fps30, options=x264_options(30, bframes=0), time_base=VFR_TIME_BASE
        )
        return _Plan(video, aac, "h264")
    if kind == AUDIO_ONLY:
        return _Plan(None, aac, "aac")
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")


def _stored_pictures(vs: VideoSettings, frames: int) -> Iterator[RGBImage]:
    """Numbered pictures as the camera stores them.

    For a rotated clip the pattern is drawn upright at the display size and
    turned the opposite way, so only a reader that honours the display
    rotation sees the marker top-left again.
    """
    k = vs.rotation // 90
    for i in range(frames):
        if k % 2:
            upright = draw_frame(i, vs.height, vs.width)
        else:
            upright = draw_frame(i, vs.width, vs.height)
        yield np.ascontiguousarray(np.rot90(upright, -k))


def make_video(
    path: Path, kind: str, *, frames: int = 90, seconds_audio: bool = True
) -> VideoTruth:
    """Write a ``frames``-long clip of ``kind`` to ``path`` and return its truth.

    ``path`` may omit the suffix (the kind's usual one from :data:`SUFFIXES`
    is added); a different suffix is refused so a file name never lies about
    its container. ``seconds_audio`` adds a quiet tone as long as the video;
    the ``audio_only`` kind is always just that tone (``frames`` at 30 fps).
    """
    plan = _plan(kind)
    if not path.suffix:
        path = path.with_suffix(SUFFIXES[kind])
    elif path.suffix.lower() != SUFFIXES[kind]:
        raise ValueError(f"{kind} clips are {SUFFIXES[kind]} files, not {path.name}")
    if not 0 < frames <= 0xFFFF:
        raise ValueError(f"frames must be in 1..65535, got {frames}")
    vs = plan.video
    if vs is None:
        samples = tone(frames / 30, plan.audio.sample_rate)
        write_media(path, muxer=_MUXERS[kind], audio=plan.audio, samples=samples)
        return VideoTruth(path, kind, 0, (), 0, 0, 0, True, plan.codec)

    if vs.time_base is None:
        ticks = list(range(frames))
        tick_s = 1 / vs.rate
        end = frames
    else:
        gaps = phone_gaps(frames, seed=_VFR_SEED)
        ticks = [0, *itertools.accumulate(gaps[:-1])]
        tick_s = vs.time_base
        end = ticks[-1] + gaps[-1]
    write_media(
        path,
        muxer=_MUXERS[kind],
        video=vs,
        pictures=_stored_pictures(vs, frames),
        pts=ticks,
        audio=plan.audio if seconds_audio else None,
        samples=tone(float(end * tick_s), plan.audio.sample_rate) if seconds_audio else None,
    )
    pts_ms = tuple(float(t * tick_s * 1000) for t in ticks)
    return VideoTruth(
        path, kind, frames, pts_ms, vs.width, vs.height, vs.rotation, seconds_audio, plan.codec
    )

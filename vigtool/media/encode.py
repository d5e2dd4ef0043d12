"""What every export shares: the MP4 output, reading exact frames in order, shaping them,
the H.264 encoder and subtitles.

Clips (``cut.py``) and reels (``reel.py``) are both built from these parts (with
``looks.py`` for captions and fades and ``audiotrack.py`` for sound), so a fix
to how vigtool encodes reaches every export. Everything here runs on the
calling thread; nothing keeps state between exports.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypeAlias

import av
import av.container
from av.subtitles.stream import SubtitleStream
from av.subtitles.subtitle import SubtitleSet
from av.video.frame import PictureType
from av.video.stream import VideoStream

from vigtool.errors import MediaError, VigtoolError
from vigtool.jobs import CancelToken
from vigtool.media.frame_index import FrameIndex
from vigtool.privacy.files import file_errors

# CRF 21: visually the source at phone sizes. Each CRF step lower costs x264 about 6%
# more time on camera-like 1080p; at the same CRF we encode as fast as the ffmpeg CLI.
CRF = 21
PRESET = "veryfast"
MP4_OPTIONS = {"movflags": "+faststart"}
SEEK_BACKOFF_S: tuple[float | None, ...] = (0.0, 2.0, 10.0, None)
_SUBTITLE_TIME_BASE = Fraction(1, 1000)
# tx3g (mov_text) is made by FFmpeg's encoder from an ASS header; this one is its default.
_ASS_HEADER = (
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n"
    "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
    "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    "Style: Default,Sans,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)

VideoPacket: TypeAlias = "av.Packet[VideoStream]"


# --- output and errors -------------------------------------------------------------------


def open_mp4(path: Path) -> av.container.OutputContainer:
    """An MP4 whose index sits at the front (``+faststart``), so phones play it while loading."""
    return av.open(str(path), mode="w", format="mp4", container_options=MP4_OPTIONS)


@contextmanager
def export_errors(out: Path) -> Iterator[None]:
    """Turn FFmpeg and file-system failures into one plain line naming ``out``.

    A full disk is a write failure however it is reported (FFmpeg's ENOSPC is
    also an OSError); other FFmpeg failures are the export's, not the disk's."""
    with file_errors(out.name):
        try:
            yield
        except av.FFmpegError as exc:
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise  # file_errors says it as every writer does
            reason = str(exc.strerror or type(exc).__name__).strip().rstrip(".")
            raise MediaError(
                f"could not export {out.name}: {reason[:1].lower()}{reason[1:]}"
            ) from exc


def check_span(index: FrameIndex, first: int, last: int) -> None:
    """Raise VigtoolError (one line) unless ``first..last`` is a span of this recording."""
    count = index.frame_count
    for frame in (first, last):
        if frame < 0:
            raise VigtoolError(f"frame {frame} is before the start of the recording")
        if frame >= count:
            raise VigtoolError(
                f"frame {frame} is past the end of the recording (its last frame is {count - 1})"
            )
    if last < first:
        raise VigtoolError(f"the clip ends (frame {last}) before it starts (frame {first})")


# --- reading frames in presentation order --------------------------------------------------


def packets_from(
    container: av.container.InputContainer, stream: av.VideoStream, index: FrameIndex, key: int
) -> Iterator[VideoPacket]:
    """The stream's packets in decode order, from the one carrying keyframe ``key`` on.

    Seeks back further (then to the file start) when the demuxer lands after
    the keyframe, as MPEG-TS seeks may. Empty flush packets are left out.
    """
    key_pts = int(index.pts[key])
    num, den = index.time_base
    for back in SEEK_BACKOFF_S:
        if back is None:
            container.seek(0, backward=True, any_frame=False)
        else:
            target = key_pts - int(back * den / num)
            container.seek(target, stream=stream, backward=True, any_frame=False)
        started = False
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if not started:
                at = packet.pts if packet.pts is not None else packet.dts
                if at is None or not packet.is_keyframe or at < key_pts:
                    continue
                if at > key_pts:
                    break  # landed after the keyframe: seek further back
                started = True
            yield packet
        if started:
            return
    raise MediaError(f"frame {key} could not be found; the file may be damaged")


def frame_number_of(frame: av.VideoFrame, numbers: dict[int, int]) -> int | None:
    at = frame.pts if frame.pts is not None else frame.dts
    return None if at is None else numbers.get(int(at))


def decoded_frames(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    index: FrameIndex,
    numbers: dict[int, int],
    first: int,
) -> Iterator[tuple[int, av.VideoFrame]]:
    """(frame number, frame) in presentation order from the keyframe at or before ``first``.

    Frames before ``first`` are included (a deinterlacer wants the previous
    frame); the caller stops reading when it has what it needs.
    """
    stream.codec_context.flush_buffers()
    for packet in packets_from(container, stream, index, index.keyframe_at_or_before(first)):
        for frame in stream.decode(packet):
            n = frame_number_of(frame, numbers)
            if n is not None:
                yield n, frame
    for frame in stream.decode(None):
        n = frame_number_of(frame, numbers)
        if n is not None:
            yield n, frame


def pts_numbers(index: FrameIndex) -> dict[int, int]:
    return {int(p): n for n, p in enumerate(index.pts.tolist())}


def frame_durations(index: FrameIndex, first: int, last: int) -> list[int]:
    """Each frame's display time in stream ticks (the last: until the next frame, or its own)."""
    pts = index.pts
    ends = [*(int(pts[n + 1]) for n in range(first, min(last + 1, index.frame_count - 1)))]
    if len(ends) < last - first + 1:
        ends.append(int(pts[last]) + index.last_duration)
    return [end - int(pts[n]) for n, end in zip(range(first, last + 1), ends, strict=True)]


@dataclass(frozen=True)
class SourceFacts:
    """What the first decoded frame and the streams say about a source."""

    codec: str
    pixel_format: str
    width: int
    height: int
    rotation: int  # counter-clockwise degrees a player turns the stored picture
    interlaced: bool
    sar: Fraction | None
    audio: av.AudioStream | None

    @classmethod
    def read(cls, container: av.container.InputContainer, stream: VideoStream) -> SourceFacts:
        """Decode the first frame (the decoder is left ready for a seek)."""
        stream.thread_type = "AUTO"
        frame = next(container.decode(stream), None)
        if frame is None:
            raise MediaError("no frame of the video could be decoded")
        stream.codec_context.flush_buffers()
        sar = stream.sample_aspect_ratio
        return cls(
            codec=stream.codec_context.name,
            pixel_format=frame.format.name,
            width=frame.width,
            height=frame.height,
            rotation=frame.rotation % 360,
            interlaced=bool(frame.interlaced_frame),
            sar=Fraction(sar) if sar and sar > 0 and sar != 1 else None,
            audio=container.streams.audio[0] if container.streams.audio else None,
        )

    @property
    def turns(self) -> int:
        return self.rotation // 90 % 4


def shaped_span(
    container: av.container.InputContainer,
    stream: VideoStream,
    index: FrameIndex,
    first: int,
    last: int,
    *,
    shape: Shape,
    sar: Fraction | None,
    cancel: CancelToken,
) -> Iterator[tuple[int, av.VideoFrame]]:
    """Frames ``first..last``, each exactly once and in order, shaped for the encoder.

    Raises MediaError naming the first frame that could not be decoded.
    """
    numbers = pts_numbers(index)
    shaper: FrameShaper | None = None
    expected = first

    def take(frames: list[av.VideoFrame]) -> Iterator[tuple[int, av.VideoFrame]]:
        nonlocal expected
        for frame in frames:
            n = frame_number_of(frame, numbers)
            if n is None or not first <= n <= last:
                continue
            if n != expected:
                raise MediaError(f"frame {expected} could not be decoded; the file may be damaged")
            expected += 1
            yield n, frame

    for _, frame in decoded_frames(container, stream, index, numbers, first):
        cancel.raise_if_cancelled()
        if shaper is None:
            shaper = FrameShaper(frame, shape, sar)
        yield from take(shaper.push(frame))
        if expected > last:
            break
    if shaper is not None:
        yield from take(shaper.push(None))
    if expected <= last:
        raise MediaError(f"frame {expected} could not be decoded; the file may be damaged")


# --- the H.264 encoder ---------------------------------------------------------------------


def x264_options(
    *, profile: str = "high", params: str = "", preset: str = PRESET
) -> dict[str, str]:
    options = {"preset": preset, "crf": str(CRF), "profile": profile}
    if params:
        options["x264-params"] = params
    return options


def add_h264_stream(
    out: av.container.OutputContainer,
    *,
    width: int,
    height: int,
    time_base: Fraction,
    rate: Fraction,
    rotation: int = 0,
    sample_aspect_ratio: Fraction | None = None,
) -> VideoStream:
    """An H.264 High-profile yuv420p stream (what every phone plays), x264 ``veryfast``."""
    stream = out.add_stream("libx264", rate=rate, options=x264_options())
    # PyAV asks for slice threads, which makes x264 use its slower sliced threading;
    # frame threads are what the ffmpeg command line gets.
    stream.thread_type = "AUTO"
    stream.width = width
    stream.height = height
    stream.pix_fmt = "yuv420p"
    stream.time_base = time_base
    stream.codec_context.time_base = time_base
    if sample_aspect_ratio:
        stream.codec_context.sample_aspect_ratio = sample_aspect_ratio
    if rotation % 360:
        stream.set_display_rotation(rotation % 360)
    return stream


def ready_for_encoder(frame: av.VideoFrame, pts: int, time_base: Fraction) -> av.VideoFrame:
    """Stamp ``frame`` with its output time and drop the source's picture type.

    A decoded frame remembers whether it was I, P or B; x264 would obey that
    and force the source's frame types on the new encode.
    """
    frame.pts = pts
    frame.time_base = time_base
    frame.pict_type = PictureType.NONE
    return frame


class EncodedStream:
    """An x264 output stream that stamps each packet with its own frame's duration.

    MP4 derives sample durations from DTS steps except for the last frame, and
    a variable-frame-rate clip needs every one right.
    """

    def __init__(self, stream: VideoStream) -> None:
        self.stream = stream
        self._durations: dict[int, int] = {}

    def encode(self, frame: av.VideoFrame, pts: int, duration: int) -> list[VideoPacket]:
        """Encode ``frame`` at output time ``pts`` (stream ticks) showing for ``duration``."""
        self._durations[pts] = duration
        ready = ready_for_encoder(frame, pts, self.stream.codec_context.time_base or Fraction(1))
        return self._stamped(self.stream.encode(ready))

    def flush(self) -> list[VideoPacket]:
        return self._stamped(self.stream.encode(None))

    def _stamped(self, packets: list[VideoPacket]) -> list[VideoPacket]:
        for packet in packets:
            if packet.pts is not None:
                packet.duration = self._durations.pop(packet.pts, 0)
        return packets


def sensible_rate(stream: av.VideoStream, index: FrameIndex) -> Fraction:
    """The nominal frame rate to tell the encoder (timestamps stay the source's anyway)."""
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate and 1 <= rate <= 240:
            return Fraction(rate).limit_denominator(1001)
    duration_ms = index.times.duration_ms
    fps = index.frame_count * 1000 / duration_ms if duration_ms else 30
    return Fraction(fps).limit_denominator(1001)


# --- shaping frames for the encoder --------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What a frame must become before encoding.

    ``deinterlace``: interlaced frames become progressive one for one
    (bwdif, so frame numbers stay exact). ``turns``: quarter turns
    counter-clockwise to stand the picture upright. ``box``: fit the
    (upright, square-pixel) picture into this size with black bars.
    """

    deinterlace: bool = False
    turns: int = 0
    box: tuple[int, int] | None = None


class FrameShaper:
    """Turns decoded frames into progressive 8-bit yuv420p frames of one size (libavfilter).

    Frames that already fit pass straight through; otherwise one filter graph
    does deinterlacing, turning, scaling, letterboxing and the pixel format.
    Output frames keep their input timestamps.
    """

    def __init__(
        self, first: av.VideoFrame, shape: Shape, sar: Fraction | None = None
    ) -> None:
        """``first`` is a frame like all that follow; ``sar`` the source's pixel aspect."""
        self._graph: av.filter.Graph | None = None
        self._time_base = first.time_base or Fraction(1, 90000)
        chain = _filter_chain(first, shape, sar)
        if chain:
            graph = av.filter.Graph()
            node = graph.add(
                "buffer",
                video_size=f"{first.width}x{first.height}",
                pix_fmt=first.format.name,
                time_base=str(self._time_base),
                pixel_aspect=str(sar if sar and sar > 0 else Fraction(1)),
                colorspace=str(int(first.colorspace)),
                range=str(int(first.color_range)),
            )
            nodes = [node, *(graph.add(name, args) for name, args in chain),
                     graph.add("buffersink")]
            graph.link_nodes(*nodes)
            graph.configure()
            self._graph = graph

    @property
    def passthrough(self) -> bool:
        return self._graph is None

    def push(self, frame: av.VideoFrame | None) -> list[av.VideoFrame]:
        """Feed one frame (None at the end) and take whatever frames are ready.

        Filters may change the time base (bwdif doubles it); frames come out
        stamped in the input's time base again.
        """
        if self._graph is None:
            return [] if frame is None else [frame]
        self._graph.vpush(frame)
        out: list[av.VideoFrame] = []
        while True:
            try:
                shaped = self._graph.vpull()
            except (av.BlockingIOError, av.EOFError):
                return out
            if shaped.pts is not None and shaped.time_base not in (None, self._time_base):
                shaped.pts = round(shaped.pts * shaped.time_base / self._time_base)
                shaped.time_base = self._time_base
            out.append(shaped)


def upright_size(frame: av.VideoFrame, sar: Fraction | None = None) -> tuple[int, int]:
    """The picture's size as shown: display rotation and pixel aspect applied."""
    width, height = frame.width, frame.height
    if sar and sar > 0 and sar != 1:
        width = round(width * Fraction(sar))
    if (frame.rotation // 90) % 2:
        width, height = height, width
    return width, height


def _filter_chain(
    first: av.VideoFrame, shape: Shape, sar: Fraction | None
) -> list[tuple[str, str]]:
    chain: list[tuple[str, str]] = []
    if shape.deinterlace:
        chain.append(("bwdif", "mode=send_frame:parity=auto:deint=interlaced"))
    turns = shape.turns % 4
    if turns == 1:
        chain.append(("transpose", "cclock"))
    elif turns == 2:
        chain += [("hflip", ""), ("vflip", "")]
    elif turns == 3:
        chain.append(("transpose", "clock"))
    if shape.box is not None:
        box_w, box_h = shape.box
        shown_w, shown_h = upright_size(first, sar)
        if turns % 2 != (first.rotation // 90) % 2:
            shown_w, shown_h = shown_h, shown_w
        scale = min(box_w / shown_w, box_h / shown_h)
        w = max(2, round(shown_w * scale / 2) * 2)
        h = max(2, round(shown_h * scale / 2) * 2)
        chain += [
            ("scale", f"{w}:{h}:flags=bicubic"),
            ("setsar", "1"),
            ("pad", f"{box_w}:{box_h}:{(box_w - w) // 2}:{(box_h - h) // 2}:black"),
        ]
    elif first.width % 2 or first.height % 2:
        chain.append(("crop", f"{first.width // 2 * 2}:{first.height // 2 * 2}:0:0"))
    if first.color_range == 2:  # full range (JPEG levels): players expect video levels
        chain.append(("scale", "out_range=tv"))
    if chain or first.format.name != "yuv420p":
        chain.append(("format", "yuv420p"))
    return chain


# --- subtitles -----------------------------------------------------------------------------


def add_caption_track(
    out: av.container.OutputContainer, language: str = "und"
) -> SubtitleStream:
    """A mov_text (tx3g) subtitle stream, shown by default where players show subtitles."""
    stream = out.add_stream("mov_text")
    stream.codec_context.subtitle_header = _ASS_HEADER.encode()
    stream.time_base = _SUBTITLE_TIME_BASE
    stream.metadata["language"] = language
    stream.disposition = av.stream.Disposition.default
    return stream


def mux_caption(
    out: av.container.OutputContainer,
    stream: SubtitleStream,
    text: str,
    start_s: float,
    end_s: float,
) -> None:
    """One caption cue shown from ``start_s`` to ``end_s`` (seconds into the output)."""
    dialogue = text.replace("\r\n", "\n").replace("\n", "\\N")
    start = round(start_s * 1000)
    cue = SubtitleSet.create(
        f"0,0,Default,,0,0,0,,{dialogue}".encode(), 0, max(1, round(end_s * 1000) - start), start
    )
    packet = stream.codec_context.encode_subtitle(cue)
    packet.stream = stream
    packet.time_base = _SUBTITLE_TIME_BASE
    out.mux(packet)

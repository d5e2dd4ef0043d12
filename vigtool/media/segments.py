"""The encoder for frames that go between a source's own copied H.264 packets.

The smart cut re-encodes the partial groups of pictures at a clip's ends, and
a replay re-encodes its slow part; both must match the source (size, pixel
format, aspect, colours, profile) and use a parameter-set id of their own.
"""

from __future__ import annotations

from fractions import Fraction

import av
from av.codec.context import Flags
from av.video.stream import VideoStream

from vigtool.media.encode import sensible_rate, x264_options
from vigtool.media.frame_index import FrameIndex

# Head and tail are short; x264 "superfast" halves their cost against "veryfast" and,
# at the same CRF, measured as close to the source (PSNR) on 1080p camera-like video.
SEGMENT_PRESET = "superfast"


def segment_encoder(
    stream: VideoStream, index: FrameIndex, time_base: Fraction, *, profile: str, params: str,
    preset: str = SEGMENT_PRESET,
) -> av.VideoCodecContext:
    """A libx264 encoder for frames that go between a source's own copied packets:
    the source's size, pixel format, aspect and colours, the given profile and x264
    parameters (our own parameter-set id, no B-frames...)."""
    src = stream.codec_context
    enc = av.CodecContext.create("libx264", "w")
    assert isinstance(enc, av.VideoCodecContext)
    enc.width = src.width
    enc.height = src.height
    enc.pix_fmt = src.pix_fmt or "yuv420p"
    enc.time_base = time_base
    enc.framerate = sensible_rate(stream, index)
    if src.sample_aspect_ratio:
        enc.sample_aspect_ratio = src.sample_aspect_ratio
    enc.color_range = src.color_range
    enc.color_primaries = src.color_primaries
    enc.color_trc = src.color_trc
    enc.colorspace = src.colorspace
    enc.flags |= Flags.global_header
    enc.thread_type = "AUTO"  # frame threads, as in add_h264_stream
    enc.options = x264_options(profile=profile, params=params, preset=preset)
    enc.open()
    return enc

"""Exact frames on every kind of video practitioners bring, through probe, index and reader.

Every generated frame shows its own number (sample_clips.pattern), so the
test reads the number back out of the decoded picture: a reader that is one
frame off, or shows a frame sideways, fails here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import AUDIO_ONLY, KINDS, VFR_PHONE, VideoTruth, make_video
from sample_clips.pattern import marker_corner, read_frame_number
from vigtool.media.frame_index import FrameIndex, build_frame_index, load_or_build_frame_index
from vigtool.media.probe import probe_video
from vigtool.media.reader import FrameReader

VIDEO_KINDS = [k for k in KINDS if k != AUDIO_ONLY]
FRAMES = 75


@pytest.fixture(scope="module", params=VIDEO_KINDS)
def clip(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    folder = tmp_path_factory.mktemp(request.param)
    return make_video(folder / "clip", request.param, frames=FRAMES)


@pytest.fixture(scope="module")
def index(clip: VideoTruth) -> FrameIndex:
    return build_frame_index(clip.path)


@pytest.fixture
def reader(clip: VideoTruth, index: FrameIndex) -> Iterator[FrameReader]:
    with FrameReader(clip.path, index) as r:
        yield r


def test_index_counts_every_frame_with_its_time(clip: VideoTruth, index: FrameIndex) -> None:
    assert index.frame_count == clip.frame_count
    times = index.times
    for n, expected in enumerate(clip.pts_ms):
        assert abs(times.frame_to_ms(n) - expected) <= 1, f"frame {n}"


def test_probe_reports_the_truth(clip: VideoTruth, index: FrameIndex) -> None:
    probe = probe_video(clip.path, index)
    assert probe.frame_count == clip.frame_count
    assert probe.rotation == clip.rotation % 360
    upright = (clip.height, clip.width) if clip.rotation % 180 else (clip.width, clip.height)
    assert (probe.width, probe.height) == upright
    assert probe.has_audio is clip.has_audio
    assert probe.codec == clip.codec
    assert probe.vfr is (clip.kind == VFR_PHONE)
    assert probe.duration_ms >= round(clip.pts_ms[-1])


def test_random_access_returns_the_exact_upright_frame(
    clip: VideoTruth, reader: FrameReader
) -> None:
    order = list(range(clip.frame_count))
    random.Random(clip.kind).shuffle(order)
    for n in [*order[:25], 0, clip.frame_count - 1]:
        rgb = reader.frame(n)
        assert read_frame_number(rgb) == n, f"asked for frame {n}"
        assert marker_corner(rgb) == "top-left"


def test_stepping_back_and_forth_is_exact(clip: VideoTruth, reader: FrameReader) -> None:
    start = clip.frame_count // 2 + 7
    walk = [start - i for i in range(40)] + [start - 39 + i for i in range(45)]
    for n in walk:
        if 0 <= n < clip.frame_count:
            assert read_frame_number(reader.frame(n)) == n


def test_sequential_read_of_the_whole_clip(clip: VideoTruth, reader: FrameReader) -> None:
    assert [read_frame_number(reader.frame(n)) for n in range(clip.frame_count)] == list(
        range(clip.frame_count)
    )


def test_index_cache_round_trips(clip: VideoTruth, index: FrameIndex, tmp_path: Path) -> None:
    cache = tmp_path / "index.npz"
    built = load_or_build_frame_index(clip.path, cache)
    assert cache.is_file()
    loaded = load_or_build_frame_index(clip.path, cache)
    assert loaded.pts.tolist() == built.pts.tolist() == index.pts.tolist()
    assert loaded.keyframe.tolist() == index.keyframe.tolist()
    assert loaded.time_base == index.time_base
    cache.write_bytes(b"damaged")
    assert load_or_build_frame_index(clip.path, cache).frame_count == index.frame_count


def test_reader_without_prefetch_and_a_tiny_cache_is_still_exact(
    clip: VideoTruth, index: FrameIndex
) -> None:
    with FrameReader(clip.path, index, prefetch=False, cache_bytes=1) as r:
        for n in (clip.frame_count - 1, 3, 40, 39, 38, 0):
            assert read_frame_number(r.frame(n)) == n

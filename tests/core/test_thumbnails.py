"""Timeline thumbnails: the right keyframes, upright, the right size, and nothing left open.

Every generated frame shows its number (sample_clips.pattern), so a
thumbnail decoded at full height is read back to prove it shows the
keyframe it claims to.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import (
    AUDIO_ONLY,
    H264_BFRAMES,
    KINDS,
    ROTATED_MOV,
    VFR_PHONE,
    VP9_WEBM,
    VideoTruth,
    make_video,
)
from sample_clips.pattern import marker_corner, read_frame_number
from vigtool.errors import Cancelled, FrameOutOfRange
from vigtool.jobs import CancelToken
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.thumbnails import Thumbnail, iter_thumbnails, thumbnail_frames

VIDEO_KINDS = [k for k in KINDS if k != AUDIO_ONLY]
FRAMES = 90


@pytest.fixture(scope="module")
def clips(
    every_kind: dict[str, tuple[VideoTruth, FrameIndex]],
) -> dict[str, tuple[VideoTruth, FrameIndex]]:
    return every_kind


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[VideoTruth, FrameIndex]:
    """Six keyframes (GOP 30), so there is something left to cancel."""
    truth = make_video(tmp_path_factory.mktemp("long") / "long", H264_BFRAMES, frames=180)
    return truth, build_frame_index(truth.path)


def _open_fds_to(path: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target == str(path.resolve()):
            found.append(target)
    return found


def _native_threads() -> int:
    return len(os.listdir("/proc/self/task"))


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")


def test_thumbnail_frames_are_slot_middles() -> None:
    assert thumbnail_frames(100, 4) == [12, 37, 62, 87]
    assert thumbnail_frames(5, 10) == [0, 1, 2, 3, 4]
    assert thumbnail_frames(0, 3) == []
    assert thumbnail_frames(10, 0) == []
    frames = thumbnail_frames(108_000, 200)
    assert len(frames) == 200
    gaps = {b - a for a, b in itertools.pairwise(frames)}
    assert gaps <= {539, 540, 541}


def test_one_thumbnail_per_keyframe_covering_every_requested_frame(
    clips: dict[str, tuple[VideoTruth, FrameIndex]],
) -> None:
    truth, index = clips[H264_BFRAMES]
    wanted = [83, *thumbnail_frames(index.frame_count, 9), 6]  # unsorted, with a repeat
    thumbs = list(iter_thumbnails(truth.path, index, frames=wanted))
    keys = sorted({index.keyframe_at_or_before(f) for f in wanted})
    assert [t.frame for t in thumbs] == keys == [0, 30, 60]
    assert {f for t in thumbs for f in t.requested} == set(wanted)
    for thumb in thumbs:
        assert index.keyframe[thumb.frame]
        assert thumb.requested == tuple(sorted(thumb.requested))
        assert all(index.keyframe_at_or_before(f) == thumb.frame for f in thumb.requested)
        assert thumb.image.shape == (72, 96, 3)  # 320x240 scaled to 72 rows
        assert thumb.image.dtype.name == "uint8"
        assert thumb.image.flags.c_contiguous


@pytest.mark.parametrize("kind", VIDEO_KINDS)
def test_each_thumbnail_shows_the_keyframe_it_reports(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], kind: str
) -> None:
    truth, index = clips[kind]
    upright_h = truth.width if truth.rotation % 180 else truth.height
    wanted = thumbnail_frames(index.frame_count, 6)
    thumbs = list(iter_thumbnails(truth.path, index, frames=wanted, height=upright_h))
    assert thumbs
    assert {f for t in thumbs for f in t.requested} == set(wanted)
    for thumb in thumbs:
        assert index.keyframe[thumb.frame], f"{thumb.frame} is not a keyframe"
        assert thumb.frame <= min(thumb.requested)
        assert read_frame_number(thumb.image) == thumb.frame
        assert marker_corner(thumb.image) == "top-left"


def test_rotated_video_is_upright_and_portrait_at_strip_size(
    clips: dict[str, tuple[VideoTruth, FrameIndex]],
) -> None:
    truth, index = clips[ROTATED_MOV]
    assert truth.rotation % 180 == 90  # stored 320x240 landscape, shown 240x320 portrait
    thumbs = list(iter_thumbnails(truth.path, index, frames=[0, 45], height=72))
    for thumb in thumbs:
        assert thumb.image.shape == (72, 54, 3)
        # The red marker is still about 10 px across at this size: detectable.
        assert marker_corner(thumb.image) == "top-left"


def test_vfr_clip_thumbnails_stay_on_keyframes(
    clips: dict[str, tuple[VideoTruth, FrameIndex]],
) -> None:
    truth, index = clips[VFR_PHONE]
    wanted = list(range(0, FRAMES, 7))
    thumbs = list(iter_thumbnails(truth.path, index, frames=wanted, height=36))
    assert [t.frame for t in thumbs] == sorted({index.keyframe_at_or_before(f) for f in wanted})
    assert all(t.image.shape == (36, 48, 3) for t in thumbs)


@pytest.mark.parametrize("kind", [H264_BFRAMES, VP9_WEBM])
def test_a_false_keyframe_is_left_out_not_shown_as_another_picture(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], kind: str
) -> None:
    truth, index = clips[kind]
    flags = index.keyframe.copy()
    flags[45] = True  # an index (or container) that calls an inter frame a keyframe
    lying = FrameIndex(
        index.stream_index, index.time_base, index.pts, index.dts, flags, index.last_duration
    )
    thumbs = list(iter_thumbnails(truth.path, lying, frames=[10, 50, 70], height=240))
    assert [(t.frame, t.requested) for t in thumbs] == [(0, (10,)), (60, (70,))]
    assert [read_frame_number(t.image) for t in thumbs] == [0, 60]


def test_progress_counts_thumbnails(long_clip: tuple[VideoTruth, FrameIndex]) -> None:
    truth, index = long_clip
    calls: list[tuple[int, int]] = []
    wanted = thumbnail_frames(index.frame_count, 6)
    thumbs = list(
        iter_thumbnails(
            truth.path, index, frames=wanted, progress=lambda d, t: calls.append((d, t))
        )
    )
    assert len(thumbs) == 6
    assert calls == [(n, 6) for n in range(1, 7)]


def test_bad_requests_fail_before_any_file_is_opened(
    clips: dict[str, tuple[VideoTruth, FrameIndex]],
) -> None:
    truth, index = clips[H264_BFRAMES]
    with pytest.raises(FrameOutOfRange, match="frames 0 to 89"):
        iter_thumbnails(truth.path, index, frames=[0, FRAMES])
    with pytest.raises(ValueError, match="height"):
        iter_thumbnails(truth.path, index, frames=[0], height=0)
    assert list(iter_thumbnails(truth.path, index, frames=[])) == []


@needs_proc
def test_cancel_stops_early_and_leaves_nothing_open(
    long_clip: tuple[VideoTruth, FrameIndex],
) -> None:
    truth, index = long_clip
    wanted = thumbnail_frames(index.frame_count, 6)
    list(iter_thumbnails(truth.path, index, frames=wanted))  # warm up OpenCV's thread pool
    threads_before = _native_threads()

    token = CancelToken()
    received: list[Thumbnail] = []

    def show_until_cancelled() -> None:
        for thumb in iter_thumbnails(truth.path, index, frames=wanted, cancel=token):
            received.append(thumb)
            token.cancel()  # as if the person closed the recording

    with pytest.raises(Cancelled):
        show_until_cancelled()
    assert 1 <= len(received) < 6
    assert _open_fds_to(truth.path) == []
    assert _native_threads() == threads_before  # FFmpeg's decoder threads are gone


@needs_proc
def test_stopping_early_closes_the_file(long_clip: tuple[VideoTruth, FrameIndex]) -> None:
    truth, index = long_clip
    wanted = thumbnail_frames(index.frame_count, 6)

    thumbs = iter_thumbnails(truth.path, index, frames=wanted)
    first = next(thumbs)
    assert first.frame == 0
    assert _open_fds_to(truth.path)  # two: one demuxes, one decodes
    thumbs.close()
    assert _open_fds_to(truth.path) == []

    def first_only() -> Iterator[Thumbnail]:
        for thumb in iter_thumbnails(truth.path, index, frames=wanted):
            yield thumb
            return

    assert len(list(first_only())) == 1
    dropped = iter_thumbnails(truth.path, index, frames=wanted)
    next(dropped)
    del dropped
    gc.collect()
    assert _open_fds_to(truth.path) == []

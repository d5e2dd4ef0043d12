"""Shared fixtures: real media made by sample_clips, real workspaces in temp folders."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import AUDIO_ONLY, H264_BFRAMES, KINDS, VideoTruth, make_video
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.workspace import Workspace


@pytest.fixture(scope="session")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    """A 60-frame H.264 clip with B-frames and sound, every frame showing its number."""
    folder = tmp_path_factory.mktemp("media")
    return make_video(folder / "small.mp4", H264_BFRAMES, frames=60)


@pytest.fixture(scope="session")
def every_kind(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[VideoTruth, FrameIndex]]:
    """A 90-frame clip of every video kind (H.264 B-frames, HEVC 10-bit, VP9, MJPEG,
    interlaced TS, rotated MOV, VFR), made once per run, with its frame index."""
    folder = tmp_path_factory.mktemp("every-kind")
    made = {}
    for kind in KINDS:
        if kind == AUDIO_ONLY:
            continue
        truth = make_video(folder / kind, kind, frames=90)
        made[kind] = (truth, build_frame_index(truth.path))
    return made


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail any test that leaves a Python thread running (e.g. an unclosed FrameReader)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        leaked = [
            t for t in threading.enumerate()
            # Qt's own threads show up as never-ending "dummy" threads; the GUI
            # tests check those through vigtool.gui.threads instead.
            if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
        ]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"

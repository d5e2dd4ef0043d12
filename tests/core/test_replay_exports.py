"""Replay clips from an export: the request, the command line, the still each one holds,
and the highlight film, which shows every moment once even when its clips have a replay."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from sample_clips.pattern import read_frame_number
from tests.consent import filmed_case
from vigtool.cli import main
from vigtool.errors import VigtoolError
from vigtool.exports.media_exports import cut_clips, export_reel
from vigtool.exports.request import ExportRequest, run_export
from vigtool.media.cut import CutOptions
from vigtool.media.reader import to_rgb
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
FRAME_NUMBERS = ROOT / "sample_clips" / "frame_numbers.mp4"  # 30 fps, keyframes every 30
MOMENTS = ((45, 110), (160, 200))  # the first has its still at frame 100, the second none
STILL = 100


@pytest.fixture
def case_ws(tmp_path: Path) -> tuple[Path, int]:
    """A workspace whose case has two moments of frame_numbers.mp4 chosen for review."""
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        case_id = filmed_case(ws, "RP-01")
        ws.add_consent(case_id, kind="shared-review", given=True)
        recording = ws.library.import_recording(case_id, path=FRAME_NUMBERS, cycle=1)
        for n, (first, last) in enumerate(MOMENTS, start=1):
            moment = ws.add_moment(recording.id, start_frame=first, end_frame=last,
                                   title=f"Moment {n}", selected_for_review=True)
            if n == 1:
                ws.annotations.set_still(moment.id, STILL)
    return root, case_id


def numbers(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_frame_number(to_rgb(f)) for f in container.decode(video=0)]


def test_a_freeze_export_holds_each_moments_own_still(
    case_ws: tuple[Path, int], tmp_path: Path
) -> None:
    root, case_id = case_ws
    out = tmp_path / "clips"
    request = ExportRequest("clips", case_id, 1, out, replay="freeze", freeze_ms=1000)
    with Workspace.open(root) as ws:
        paths = run_export(ws, request)
    assert len(paths) == 2
    (a, b), (c, d) = MOMENTS
    assert numbers(paths[0]) == [*range(a, b + 1), *[STILL] * 30]
    assert numbers(paths[1]) == [*range(c, d + 1), *[d] * 30]  # no still: where it pauses


def test_the_command_line_asks_for_a_slow_replay_with_its_sound(
    case_ws: tuple[Path, int], tmp_path: Path
) -> None:
    root, _ = case_ws
    out = tmp_path / "cli"
    code = main(["export", "clips", "--workspace", str(root), "--case", "RP-01", "--cycle",
                 "1", "--out", str(out), "--replay", "slow", "--replay-sound", "pitch-kept"])
    assert code == 0
    first = sorted(out.glob("*.mp4"))[0]
    a, b = MOMENTS[0]
    assert numbers(first) == [*range(a, b + 1), *(n for n in range(a, b + 1) for _ in (0, 1))]
    with av.open(str(first)) as container:
        sound = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    slow = sound[round((b - a + 1) / 30 * 48_000) + 4800:]  # from 0.1 s into the slow part
    assert float(np.abs(slow).max()) > 0.2  # the clicks, slowed (frames 60 and 90)


def test_bad_replays_are_refused_before_anything_is_written(
    case_ws: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, case_id = case_ws
    with pytest.raises(VigtoolError, match="held for more than 0"):
        ExportRequest("clips", case_id, 1, tmp_path, replay="freeze", freeze_ms=0)
    with pytest.raises(VigtoolError, match="'silent' or 'pitch-kept'"):
        ExportRequest("clips", case_id, 1, tmp_path, replay="slow",
                      replay_sound="loud")  # type: ignore[arg-type]
    code = main(["export", "clips", "--workspace", str(root), "--case", "RP-01",
                 "--out", str(tmp_path / "x"), "--replay", "freeze", "--freeze", "90s"])
    assert code != 0
    assert "at most 60 seconds" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_highlight_film_shows_each_moment_once_from_replay_clips(
    case_ws: tuple[Path, int], tmp_path: Path
) -> None:
    root, case_id = case_ws
    with Workspace.open(root) as ws:
        clips = cut_clips(ws, case_id, 1, tmp_path / "clips",
                          options=CutOptions(replay="slow"))
        assert all(c.result.frames == 3 * (c.item.moment.frame_count) for c in clips)
        reel = export_reel(ws, case_id, 1, tmp_path / "reel.mp4", title_cards=False,
                           clips=clips)
    assert reel.copied, reel.reason
    (a, b), (c, d) = MOMENTS
    assert numbers(reel.path) == [*range(a, b + 1), *range(c, d + 1)]

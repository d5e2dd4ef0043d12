"""Bad command-line input gets one line and exit 2, and nothing is written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from tests.core.test_cli_errors import assert_one_error_line, clip, run_cli
from vigtool.cli_args import one_line

__all__ = ["clip"]  # the fixture, imported for pytest


@pytest.mark.parametrize(
    ("args", "mention"),
    [
        (["--cycle", "99999999999999999999"], "cycle number"),
        (["--cycle", "0"], "cycle number"),
        (["--cycle", "two"], "whole number"),
    ],
)
def test_a_cycle_number_out_of_range_is_one_line(
    tmp_path: Path, args: list[str], mention: str
) -> None:
    run = run_cli(["export", "csv", "--workspace", "ws", "--case", "X", *args,
                   "--out", "a.csv"], cwd=tmp_path)
    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert mention in run.stderr.splitlines()[-1]
    assert not (tmp_path / "a.csv").exists()


def test_a_huge_frame_number_is_refused(tmp_path: Path, clip: VideoTruth) -> None:
    run = run_cli(["frame", clip.path, "--frame", "9" * 30, "--out", "x.png"], cwd=tmp_path)
    assert run.code == 2
    assert "frame number" in run.stderr.splitlines()[-1]
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_workspace_name_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    run = run_cli(["export", "csv", "--workspace", "w" * 300, "--case", "X",
                   "--out", "a.csv"], cwd=tmp_path)
    line = assert_one_error_line(run, "too long")
    assert len(line) < 200, line


def test_a_file_name_that_is_not_valid_text_is_refused_before_anything_is_written(
    tmp_path: Path, clip: VideoTruth
) -> None:
    out = os.fsdecode(b"still-\xff.png")
    run = run_cli(["frame", clip.path, "--frame", "3", "--out", out], cwd=tmp_path)
    assert_one_error_line(run, "not valid text")
    assert os.listdir(tmp_path) in ([], [".state"])


def test_a_line_break_in_an_output_name_is_refused(tmp_path: Path, clip: VideoTruth) -> None:
    run = run_cli(["frame", clip.path, "--frame", "3", "--out", "two\nlines.png"],
                  cwd=tmp_path)
    assert run.code == 2
    assert "line break" in run.stderr
    assert not list(tmp_path.glob("two*"))


def test_a_line_break_in_an_input_name_keeps_the_error_on_one_line(tmp_path: Path) -> None:
    run = run_cli(["probe", "no\nsuch.mp4"], cwd=tmp_path)
    assert_one_error_line(run, "no such.mp4")


def test_thousands_of_digits_in_a_message_are_shortened() -> None:
    line = one_line("the time slot value " + "9" * 5000 + " is not a number\nat line 3")
    assert "\n" not in line
    assert len(line) < 200
    assert "(5,000 characters)" in line
    assert line.endswith("is not a number at line 3")


def test_the_crash_log_is_private(tmp_path: Path) -> None:
    from vigtool import cli

    state = tmp_path / "state"
    old = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)
    try:
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            log = cli.write_crash_log()
    finally:
        if old is None:
            del os.environ["XDG_STATE_HOME"]
        else:
            os.environ["XDG_STATE_HOME"] = old
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")


def test_a_broken_eaf_is_refused_before_the_film_is_copied_in(
    tmp_path: Path, clip: VideoTruth
) -> None:
    from vigtool import Workspace

    with Workspace.open(tmp_path / "ws") as ws:
        ws.add_consent(ws.add_case("FAM-01").id, kind="filming", given=True)
    broken = tmp_path / "broken.eaf"
    broken.write_text("<ANNOTATION_DOCUMENT><TIME_ORDER>", encoding="utf-8")
    run = run_cli(["import-eaf", broken, "--workspace", "ws", "--case", "FAM-01",
                   "--video", clip.path], cwd=tmp_path)
    assert_one_error_line(run, "broken.eaf")
    assert list((tmp_path / "ws" / "media").iterdir()) == []
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.recordings() == []

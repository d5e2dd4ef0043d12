"""The demo workspace a new user sees first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigtool import Workspace
from vigtool.cli import main
from vigtool.demo import DEMO_CASE, DEMO_TRUTH, SAMPLE_CLIPS, build_demo
from vigtool.errors import VigtoolError


def test_demo_tags_every_chain_and_is_safe_to_build_twice(tmp_path: Path) -> None:
    truth = json.loads((SAMPLE_CLIPS / DEMO_TRUTH).read_text(encoding="utf-8"))
    first = build_demo(tmp_path / "demo")
    second = build_demo(tmp_path / "demo")
    assert first.lines == second.lines
    with Workspace.open(tmp_path / "demo") as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        (recording,) = ws.recordings(case.id)
        moments = ws.moments(recording.id)
        assert [(m.start_frame, m.end_frame) for m in moments] == [
            (c["start_frame"], c["end_frame"]) for c in truth["chains"]
        ]
        chosen = sorted((m for m in moments if m.selected_for_review),
                        key=lambda m: m.review_order or 0)
        assert [m.review_order for m in chosen] == [1, 2, 3]
        assert all(m.strengths.startswith("You") for m in moments)
        assert len(ws.annotations.turns(recording.id)) == len(truth["turns"])


def test_demo_command_prints_what_it_made(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--workspace", str(tmp_path / "w"), "--no-gui"]) == 0
    out = capsys.readouterr().out
    assert "DEMO-01" in out
    assert "moments tagged" in out


def test_a_missing_demo_clip_says_how_to_get_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vigtool.demo.SAMPLE_CLIPS", tmp_path / "empty")
    with pytest.raises(VigtoolError, match=r"reinstall vigtool.*sample_clips\.generate"):
        build_demo(tmp_path / "w")
    assert not (tmp_path / "w").exists()

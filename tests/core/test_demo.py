"""The demo workspace a new user sees first."""

from __future__ import annotations

import json
from pathlib import Path

from vigtool import Workspace
from vigtool.cli import main
from vigtool.demo import DEMO_CASE, SAMPLE_CLIPS, build_demo


def test_demo_tags_every_chain_and_is_safe_to_build_twice(tmp_path: Path) -> None:
    truth = json.loads((SAMPLE_CLIPS / "dyad.truth.json").read_text())
    first = build_demo(tmp_path / "demo")
    second = build_demo(tmp_path / "demo")
    assert first.lines == second.lines
    with Workspace.open(tmp_path / "demo") as ws:
        case = ws.case_by_code(DEMO_CASE)
        (recording,) = ws.recordings(case.id)
        moments = ws.moments(recording.id)
        assert [(m.start_frame, m.end_frame) for m in moments] == [
            (c["start_frame"], c["end_frame"]) for c in truth["chains"]
        ]
        chosen = sorted((m for m in moments if m.selected_for_review),
                        key=lambda m: m.review_order or 0)
        assert [m.review_order for m in chosen] == [1, 2, 3]
        assert all(m.strengths.startswith("You") for m in moments)
        assert len(ws.turns(recording.id)) == len(truth["turns"])


def test_demo_command_prints_what_it_made(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo", "--workspace", str(tmp_path / "w"), "--no-gui"]) == 0
    out = capsys.readouterr().out
    assert "DEMO-01" in out
    assert "moments tagged" in out

"""Suggested moments set aside: kept per recording in the workspace, one undo step each,
listeners told, read-only workspaces refused, and the migration builds the table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.consent import filmed_case
from vigtool.errors import InvalidEdit, NotFound, ReadOnlyWorkspace
from vigtool.store.migrations import known_migration_names
from vigtool.workspace import Changes, Workspace

DYAD = Path(__file__).resolve().parents[2] / "sample_clips" / "demo" / "dyad.mp4"


@dataclass
class Filmed:
    root: Path
    ws: Workspace
    recording_id: int


@pytest.fixture
def filmed(tmp_path: Path) -> Iterator[Filmed]:
    root = tmp_path / "ws"
    ws = Workspace.open(root)
    case_id = filmed_case(ws, "FAM-13")
    recording = ws.import_recording(case_id, path=DYAD)
    yield Filmed(root, ws, recording.id)
    ws.close()


def test_the_migration_makes_one_row_per_recording_and_span(filmed: Filmed) -> None:
    assert "0007_dismissed_suggestions" in known_migration_names()
    conn = sqlite3.connect(filmed.root / "workspace.db")
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(dismissed_suggestions)")]
    finally:
        conn.close()
    assert columns == ["id", "recording_id", "start_ms", "end_ms", "dismissed_at"]


def test_dismissing_is_kept_and_is_one_undo_step(filmed: Filmed) -> None:
    ws, rid = filmed.ws, filmed.recording_id
    assert ws.annotations.dismissed_suggestions(rid) == set()
    heard: list[Changes] = []
    ws.subscribe(heard.append)
    ws.annotations.dismiss_suggestion(rid, 1000, 7480)
    assert ws.annotations.dismissed_suggestions(rid) == {(1000, 7480)}
    assert ws.undo_name == "Dismiss Suggestion"
    assert heard[-1].operation == "Dismiss Suggestion"
    assert heard[-1].touches("dismissed_suggestions")
    ws.annotations.dismiss_suggestion(rid, 9000, 11720)
    assert ws.annotations.dismissed_suggestions(rid) == {(1000, 7480), (9000, 11720)}

    assert ws.undo().operation == "Undo Dismiss Suggestion"
    assert ws.annotations.dismissed_suggestions(rid) == {(1000, 7480)}
    ws.undo()
    assert ws.annotations.dismissed_suggestions(rid) == set()
    assert heard[-1].touches("dismissed_suggestions")
    ws.redo()
    assert ws.annotations.dismissed_suggestions(rid) == {(1000, 7480)}


def test_dismissing_twice_changes_nothing(filmed: Filmed) -> None:
    ws, rid = filmed.ws, filmed.recording_id
    ws.annotations.dismiss_suggestion(rid, 12920, 16960)
    ws.add_moment(rid, start_frame=0, end_frame=10)
    ws.annotations.dismiss_suggestion(rid, 12920, 16960)
    assert ws.undo_name == "Add Moment"  # the second dismissal was no edit
    assert ws.annotations.dismissed_suggestions(rid) == {(12920, 16960)}


def test_dismissals_survive_closing_and_belong_to_their_recording(filmed: Filmed,
                                                                  tmp_path: Path) -> None:
    ws, rid = filmed.ws, filmed.recording_id
    ws.annotations.dismiss_suggestion(rid, 18200, 19920)
    ws.close()
    with Workspace.open(filmed.root) as again:
        assert again.annotations.dismissed_suggestions(rid) == {(18200, 19920)}
        assert again.annotations.dismissed_suggestions(rid + 1) == set()
        with again.snapshot() as snap:  # a long read (an export) sees them too
            assert snap.annotations.dismissed_suggestions(rid) == {(18200, 19920)}
    filmed.ws = Workspace.open(filmed.root)  # the fixture closes it


def test_a_bad_span_or_recording_is_refused_with_one_line(filmed: Filmed) -> None:
    ws, rid = filmed.ws, filmed.recording_id
    with pytest.raises(InvalidEdit, match="runs forwards"):
        ws.annotations.dismiss_suggestion(rid, 5000, 5000)
    with pytest.raises(InvalidEdit, match="runs forwards"):
        ws.annotations.dismiss_suggestion(rid, -1, 400)
    with pytest.raises(NotFound, match="no recording"):
        ws.annotations.dismiss_suggestion(rid + 40, 0, 400)
    assert ws.annotations.dismissed_suggestions(rid) == set()
    assert ws.undo_name == "Add Case"  # nothing was done


def test_a_read_only_workspace_can_look_but_not_dismiss(filmed: Filmed) -> None:
    ws, rid = filmed.ws, filmed.recording_id
    ws.annotations.dismiss_suggestion(rid, 1000, 7480)
    with Workspace.open(filmed.root, read_only=True) as looking:
        assert looking.annotations.dismissed_suggestions(rid) == {(1000, 7480)}
        with pytest.raises(ReadOnlyWorkspace):
            looking.annotations.dismiss_suggestion(rid, 9000, 11720)
    assert ws.annotations.dismissed_suggestions(rid) == {(1000, 7480)}

"""The audit log never misses a file that left: an export records its start before it
writes anything and its outcome after, and says so when the outcome cannot be recorded.

Real workspaces, real files, and real store failures: a SQLite trigger added to
``workspace.db`` through a separate connection makes the audit log refuse one
kind of line, as a full or broken store would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from tests.core.test_cli_errors import assert_one_error_line, run_cli
from vigtool.domain.records import AuditEntry
from vigtool.errors import Cancelled, VigtoolError
from vigtool.exports.audit import ExportNotRecorded
from vigtool.exports.request import ExportRequest, run_export
from vigtool.jobs import CancelToken
from vigtool.workspace import Workspace

CASE = "FAM-21"


@pytest.fixture
def root(tmp_path: Path, small_video: VideoTruth) -> Path:
    """A closed workspace: one case with consent to filming and shared review, a film,
    two moments chosen for the review and one not."""
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        case = ws.add_case(CASE)
        for scope in ("filming", "shared-review"):
            ws.add_consent(case.id, kind=scope, given=True)
        rec = ws.import_recording(case.id, path=small_video.path)
        for n, chosen in ((1, True), (2, False), (3, True)):
            moment = ws.add_moment(rec.id, start_frame=n * 10, end_frame=n * 10 + 5,
                                   title=f"Moment {n}")
            if chosen:
                ws.annotations.choose_for_review(moment.id, True)
    return root


@pytest.fixture
def ws(root: Path) -> Iterator[Workspace]:
    with Workspace.open(root) as ws:
        yield ws


def refuse_audit(root: Path, action: str) -> None:
    """From now on the store refuses every audit line of ``action`` (a real SQLite error)."""
    with sqlite3.connect(root / "workspace.db") as db:
        db.execute(f"CREATE TRIGGER refuse_{action.replace('-', '_')} BEFORE INSERT ON "
                   f"audit_log WHEN NEW.action = '{action}' "
                   "BEGIN SELECT RAISE(ABORT, 'no room'); END")
    db.close()


def exports(ws: Workspace) -> list[AuditEntry]:
    case = ws.caseload.case_by_code(CASE)
    return [e for e in ws.privacy.audit_log(case.id) if e.action.startswith("export")]


def _csv(ws: Workspace, out: Path) -> ExportRequest:
    return ExportRequest("csv", ws.caseload.case_by_code(CASE).id, None, out)


def test_an_export_records_its_start_and_then_its_outcome(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out" / "moments.csv"
    chosen = [m.id for m in ws.annotations.review_moments(ws.caseload.case_by_code(CASE).id)]
    assert run_export(ws, _csv(ws, out)) == [out]
    start, done = exports(ws)
    assert start.action == "export-started"
    assert start.detail == (f"the moments as a spreadsheet (CSV) for the family, all cycles: "
                            f"moments {chosen[0]}, {chosen[1]} to {out}")
    assert done.action == "export"
    assert done.detail.startswith(f"#{start.id} the moments as a spreadsheet (CSV) for the "
                                  "family, all cycles: 1 file written to ")
    assert done.detail.endswith(f"{out.parent}: moments.csv")


def test_nothing_is_written_when_the_start_cannot_be_recorded(
    root: Path, ws: Workspace, tmp_path: Path
) -> None:
    refuse_audit(root, "export-started")
    out = tmp_path / "out" / "moments.csv"
    with pytest.raises(VigtoolError) as caught:
        run_export(ws, _csv(ws, out))
    message = str(caught.value)
    assert message.startswith("nothing was exported: the audit log could not record")
    assert "no room" in message
    assert "\n" not in message
    assert not out.parent.exists()
    assert exports(ws) == []


def test_the_command_line_writes_nothing_without_the_start_line(
    root: Path, tmp_path: Path
) -> None:
    refuse_audit(root, "export-started")
    out = tmp_path / "clips"
    run = run_cli(["export", "clips", "--workspace", root, "--case", CASE, "--out", out],
                  cwd=tmp_path)
    assert_one_error_line(run, "nothing was exported", "audit log")
    assert not out.exists()


def test_files_out_without_an_outcome_line_say_where_they_are(
    root: Path, ws: Workspace, tmp_path: Path
) -> None:
    refuse_audit(root, "export")
    out = tmp_path / "out" / "moments.csv"
    with pytest.raises(ExportNotRecorded) as caught:
        run_export(ws, _csv(ws, out))
    (start,) = exports(ws)
    assert start.action == "export-started"
    assert caught.value.written == [out]
    assert caught.value.intent_id == start.id
    assert out.is_file()
    assert str(out.parent) in str(caught.value)
    assert f"holds the export's start (#{start.id})" in str(caught.value)


def test_the_command_line_exits_3_when_the_outcome_is_not_recorded(
    root: Path, tmp_path: Path
) -> None:
    refuse_audit(root, "export")
    out = tmp_path / "moments.csv"
    run = run_cli(["export", "csv", "--workspace", root, "--case", CASE, "--out", out],
                  cwd=tmp_path)
    assert "Traceback" not in run.stderr
    assert run.code == 3, run.stderr
    (line,) = run.stderr.splitlines()
    assert line.startswith("error: the exported files are in ")
    assert str(tmp_path) in line
    assert "the audit log could not record" in line
    assert "holds the export's start" in line
    assert out.is_file()
    with Workspace.open(root) as ws:
        assert [e.action for e in exports(ws)] == ["export-started"]
        assert str(out) in exports(ws)[0].detail


def test_a_failed_export_records_why_after_its_start(ws: Workspace, tmp_path: Path) -> None:
    case = ws.caseload.case_by_code(CASE)
    out = tmp_path / "summary.pdf"
    with pytest.raises(VigtoolError, match="PDF writer"):
        run_export(ws, ExportRequest("summary", case.id, 1, out))  # no PDF writer given
    start, failed = exports(ws)
    assert start.action == "export-started"
    assert failed.action == "export-failed"
    assert failed.detail.startswith(f"#{start.id} failed: ")
    assert "PDF writer" in failed.detail
    assert not out.exists()


def test_a_cancelled_export_records_the_cancel(ws: Workspace, tmp_path: Path) -> None:
    cancel = CancelToken()
    cancel.cancel()
    out = tmp_path / "clips"
    with pytest.raises(Cancelled):
        run_export(ws, ExportRequest("clips", ws.caseload.case_by_code(CASE).id, 1, out),
                   cancel=cancel)
    start, cancelled = exports(ws)
    assert (start.action, cancelled.action) == ("export-started", "export-cancelled")
    assert cancelled.detail == f"#{start.id} cancelled"
    assert not list(out.glob("*.mp4"))


def test_a_failure_that_also_keeps_the_outcome_out_leaves_the_start_line(
    root: Path, ws: Workspace, tmp_path: Path
) -> None:
    refuse_audit(root, "export-failed")
    case = ws.caseload.case_by_code(CASE)
    with pytest.raises(VigtoolError, match="PDF writer"):  # the export's own error, not the log's
        run_export(ws, ExportRequest("summary", case.id, 1, tmp_path / "summary.pdf"))
    assert [e.action for e in exports(ws)] == ["export-started"]


def test_many_moments_are_counted_and_a_refused_export_records_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    case = ws.caseload.case_by_code(CASE)
    (rec,) = ws.recordings(case.id)
    for n in range(25):
        ws.add_moment(rec.id, start_frame=n, end_frame=n, title=f"m{n}")
    request = ExportRequest("json", case.id, None, tmp_path / "all.json", audience="practitioner")
    run_export(ws, request)
    start = exports(ws)[0]
    assert start.detail.startswith("the session as data (JSON) for the practitioner's record, "
                                   "all cycles: 28 moments to ")
    ws.privacy.withdraw_consent(case.id, kind="shared-review")
    before = exports(ws)
    with pytest.raises(VigtoolError, match="shared review"):
        run_export(ws, _csv(ws, tmp_path / "family.csv"))
    assert exports(ws) == before
    assert not (tmp_path / "family.csv").exists()

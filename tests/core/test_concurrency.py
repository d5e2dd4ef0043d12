"""The threading rule, tested with real concurrent work.

The Workspace is thread-safe: edits on one thread while a worker exports and
another imports lose nothing, keep their undo history, and every export
reads one consistent snapshot.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from vigtool.errors import StoreError
from vigtool.exports.request import ExportRequest, run_export
from vigtool.exports.session import build_session
from vigtool.workspace import Workspace


def _setup(ws: Workspace, video: VideoTruth) -> tuple[int, int]:
    case = ws.add_case("FAM-01")
    ws.add_consent(case.id, kind="filming", given=True)
    ws.add_consent(case.id, kind="shared-review", given=True)
    rec = ws.import_recording(case.id, path=video.path)
    for n in range(4):
        moment = ws.add_moment(rec.id, start_frame=n * 5, end_frame=n * 5 + 4, title=f"m{n}")
        ws.annotations.choose_for_review(moment.id, True)
    return case.id, rec.id


def test_a_snapshot_keeps_seeing_one_state_while_edits_commit(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    case_id, rec_id = _setup(workspace, small_video)
    first = workspace.moments(rec_id)[0]
    with workspace.snapshot() as snap:
        before = build_session(snap, case_id)

        def edit_elsewhere() -> None:
            workspace.add_moment(rec_id, start_frame=30, end_frame=35, title="later")
            workspace.update_moment(first.id, title="renamed")
            workspace.delete_moment(workspace.moments(rec_id)[1].id)

        worker = threading.Thread(target=edit_elsewhere)
        worker.start()
        worker.join()
        after = build_session(snap, case_id)
        assert after.moments == before.moments
        assert [m.title for m in snap.annotations.moments(rec_id)] == ["m0", "m1", "m2", "m3"]
        with pytest.raises(StoreError, match="read-only"):
            snap.annotations.add_moment(rec_id, start_frame=0, end_frame=1)
    now = [m.title for m in workspace.moments(rec_id)]
    assert now == ["renamed", "m2", "m3", "later"]


def test_edits_during_an_export_and_an_import_are_all_kept_with_their_undo_history(
    workspace: Workspace, small_video: VideoTruth, tmp_path: Path
) -> None:
    ws = workspace
    case_id, rec_id = _setup(ws, small_video)
    other = tmp_path / "second-visit.mp4"
    other.write_bytes(Path(small_video.path).read_bytes() + b"\0")  # same film, new content
    errors: list[BaseException] = []
    results: dict[str, object] = {}

    def guarded(name: str, work: object) -> threading.Thread:
        def run() -> None:
            try:
                results[name] = work()  # type: ignore[operator]
            except BaseException as exc:
                errors.append(exc)

        return threading.Thread(target=run, name=name)

    exporting = guarded("export", lambda: run_export(
        ws, ExportRequest("clips", case_id, 1, tmp_path / "clips")))
    importing = guarded("import", lambda: ws.import_recording(case_id, cycle=2, path=other))
    exporting.start()
    importing.start()
    made = []
    while exporting.is_alive() or importing.is_alive() or len(made) < 40:
        n = len(made)
        moment = ws.add_moment(rec_id, start_frame=n % 20, end_frame=n % 20 + 2, title=f"e{n}")
        ws.update_moment(moment.id, note=f"note {n}")
        made.append(moment.id)
    exporting.join()
    importing.join()
    assert errors == []

    kept = {m.id: m for m in ws.moments(rec_id)}
    assert all(kept[i].note == f"note {n}" for n, i in enumerate(made))
    assert len(results["export"]) == 4  # type: ignore[arg-type]  # the four chosen at its start
    log = ws.privacy.audit_log(case_id)
    assert {"import", "export"} <= {entry.action for entry in log}
    assert [r.cycle for r in ws.recordings(case_id)] == [1, 2]

    # Undo walks back every edit made while the others ran, newest first.
    for moment_id in reversed(made):
        assert ws.undo_name == "Edit Moment"
        ws.undo()
        assert ws.undo_name == "Add Moment"
        ws.undo()
        assert moment_id not in {m.id for m in ws.moments(rec_id)}
    assert len(ws.moments(rec_id)) == 4

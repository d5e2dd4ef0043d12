"""Several processes on one workspace: every edit lands, and no raw SQLite error escapes.

One program at a time holds a workspace for writing (an OS lock on
workspace.lock). Two writers and an exporter that each open the workspace
for a batch of work, waiting their turn for the lock, lose nothing; a
program that cannot wait is told in one line who has the workspace; a
killed holder never leaves it stuck; read-only openers see the writer's work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from vigtool.errors import ReadOnlyWorkspace, WorkspaceBusy
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
EDITS = 120
BATCH = 10

WRITER = """
import json, sys
from vigtool import Workspace
from vigtool.errors import VigtoolError
root, rec, name, edits = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
done, errors = 0, []
for batch in range(0, edits, 10):
    # Open for a batch, as a script run now and then does, waiting for the other writer.
    with Workspace.open(root, wait=120) as ws:
        for n in range(batch, min(batch + 10, edits)):
            try:
                moment = ws.add_moment(rec, start_frame=n % 20, end_frame=n % 20 + 2,
                                       title=f"{name}-{n}")
                ws.update_moment(moment.id, note=f"note {name}-{n}")
                done += 1
            except VigtoolError as exc:
                errors.append(str(exc))
print(json.dumps({"done": done, "errors": errors}))
"""

EXPORTER = """
import json, sys
from pathlib import Path
from vigtool import Workspace
from vigtool.exports.request import ExportRequest, run_export
root, case, out, rounds = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
for n in range(rounds):
    with Workspace.open(root, wait=120) as ws:
        run_export(ws, ExportRequest("csv", case, None, out / f"moments-{n}.csv",
                                     audience="practitioner"))
print(json.dumps({"done": rounds, "errors": []}))
"""


def test_two_writers_and_an_exporter_lose_no_edit_and_raise_no_raw_error(
    workspace: Workspace, small_video: VideoTruth, tmp_path: Path
) -> None:
    case = workspace.add_case("FAM-01")
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, path=small_video.path)
    root = str(workspace.root)
    workspace.close()  # the children take turns as the writer
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, root, str(rec.id), name, str(EDITS)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    procs.append(subprocess.Popen(
        [sys.executable, "-c", EXPORTER, root, str(case.id), str(tmp_path), "15"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        results.append(json.loads(out))
    assert [r["errors"] for r in results] == [[], [], []]
    assert [r["done"] for r in results] == [EDITS, EDITS, 15]
    with Workspace.open(root) as ws:
        titles = {m.title: m.note for m in ws.moments(rec.id)}
        assert len(titles) == 2 * EDITS
    for name in ("a", "b"):
        for n in range(EDITS):
            assert titles[f"{name}-{n}"] == f"note {name}-{n}"
    assert len(list(tmp_path.glob("moments-*.csv"))) == 15


HOLDER = """
import sys, time
from vigtool import Workspace
from vigtool.workspace.lock import set_program
set_program("vigtool export")
ws = Workspace.open(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def _hold(root: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding", holder.stderr
    return holder


def test_a_second_writer_is_told_who_holds_the_workspace_and_can_read_alongside(
    workspace: Workspace,
) -> None:
    case = workspace.add_case("FAM-01")
    root = workspace.root
    with pytest.raises(WorkspaceBusy) as busy:
        Workspace.open(root)  # even a second window in the same program
    message = str(busy.value)
    assert "\n" not in message
    assert f"process {os.getpid()}" in message
    assert "read-only" in message
    with Workspace.open(root, read_only=True) as reader:
        assert [c.code for c in reader.cases()] == ["FAM-01"]
        workspace.update_case(case.id, helping_question="How can we play together?")
        assert reader.caseload.case(case.id).helping_question == "How can we play together?"
        with pytest.raises(ReadOnlyWorkspace, match="read-only"):
            reader.add_case("FAM-02")
        with pytest.raises(ReadOnlyWorkspace):
            reader.update_case(case.id, helping_question="")
    workspace.close()
    with Workspace.open(root) as again:  # closing let go of it
        assert again.caseload.case(case.id).helping_question == "How can we play together?"


def test_another_process_is_named_and_a_killed_holder_never_leaves_the_lock_stuck(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    Workspace.open(root).close()
    holder = _hold(root)
    try:
        with pytest.raises(WorkspaceBusy, match=rf"vigtool export \(process {holder.pid}, "):
            Workspace.open(root, wait=0.3)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        started = time.monotonic()
        with Workspace.open(root) as ws:  # at once: the system let go with the process
            ws.add_case("FAM-01")
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def test_a_writer_waits_its_turn_when_asked_to(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    first = Workspace.open(root)
    threading.Timer(0.5, first.close).start()
    started = time.monotonic()
    with Workspace.open(root, wait=30) as second:
        second.add_case("FAM-01")
    assert 0.4 < time.monotonic() - started < 10

"""Several processes on one workspace: every edit lands, and no raw SQLite error escapes.

Writers used to start deferred transactions, which fail at once with
"database is locked" when another process commits between their read and
their write. Edits now take the write lock first and wait their turn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sample_clips.kinds import VideoTruth
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
EDITS = 120

WRITER = """
import json, sys
from vigtool import Workspace
from vigtool.errors import VigtoolError
root, rec, name, edits = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
done, errors = 0, []
with Workspace.open(root) as ws:
    for n in range(edits):
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
with Workspace.open(root) as ws:
    for n in range(rounds):
        run_export(ws, ExportRequest("csv", case, None, out / f"moments-{n}.csv"))
print(json.dumps({"done": rounds, "errors": []}))
"""


def test_two_writers_and_an_exporter_lose_no_edit_and_raise_no_raw_error(
    workspace: Workspace, small_video: VideoTruth, tmp_path: Path
) -> None:
    case = workspace.add_case("FAM-01")
    rec = workspace.import_recording(case.id, path=small_video.path)
    root = str(workspace.root)
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
    titles = {m.title: m.note for m in workspace.moments(rec.id)}
    for name in ("a", "b"):
        for n in range(EDITS):
            assert titles[f"{name}-{n}"] == f"note {name}-{n}"
    assert len(list(tmp_path.glob("moments-*.csv"))) == 15

"""Kill -9 in the middle of an export: no half-written file a person would find, and
the audit log holds the start of every export that may have written a file.

A child exports one kind (clips, the highlight reel, the CSV, everything for
the session) again and again through ``run_export`` and prints a line as each
returns, with what the output folder then holds. The parent SIGKILLs it at a
random instant, aimed in turn early (reading the snapshot, recording the
start, before any file), in the middle of writing, or late (after the last
byte: renames, stale files, the outcome line), then checks:

- the database is intact and the workspace reopens at once (WorkspaceBusy
  right after a kill would be a defect), with nothing left in it (no
  ``.vigtool-partial-*``, no copy in ``media/`` that no recording points to);
- every file a person would see in the output folder is whole (a clip or reel
  decodes with PyAV, a still opens with PIL, the CSV parses, a PDF ends);
- if the output folder changed since the last export the child finished, the
  audit log holds an ``export-started`` line for the export that was killed
  (and one, with its outcome, for every export that finished);
- hidden ``.vigtool-partial-*`` leftovers in the output folder are gone once
  the next export into that folder has run (checked after every kill, and by
  one last export into each folder after the kills).
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from tests.core.kill_children import (
    Tally,
    Trigger,
    check_database,
    child_env,
    incomplete,
    is_tag,
    parse,
    partials,
    progress_where,
    reopen,
    run_and_kill,
    tree,
    visible_files,
)
from vigtool.exports.audit import DONE, STARTED
from vigtool.privacy.files import atomic_output, private_workdir, sweep_partials
from vigtool.workspace import DB_NAME, Workspace

SEED = 3301
PHASES = ("early", "middle", "late")
MOMENTS = ((3, 14, "Her first smile"), (20, 35, "Waiting together"), (40, 55, "A shared look"))
STRENGTHS = "You waited, and she looked back at you and smiled."

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# Another process in the middle of writing a file and a work folder into argv[1]'s folder.
WRITER = """
import sys, time
from pathlib import Path
from vigtool.privacy.files import atomic_output, private_workdir
out = Path(sys.argv[1])
with atomic_output(out) as tmp, private_workdir(out.parent) as work:
    tmp.write_bytes(b"half a clip")
    (work / "moment001.mp4").write_bytes(b"a piece")
    print("writing", flush=True)
    time.sleep(120)
"""


@dataclass
class Target:
    """One kind of export, always to the same place."""

    kind: str
    out: Path  # what the request names: a folder, or the CSV file
    folder: Path  # the folder it writes into, checked after every kill
    left: dict[Path, int] = field(default_factory=dict)  # partials seen -> by which kill


def prepare(root: Path, video: VideoTruth) -> int:
    """A case the family agreed to film and to see in review, three moments chosen."""
    with Workspace.open(root) as ws:
        case = ws.add_case("K-12", helping_question="What helps Ava settle?")
        for scope in ("filming", "shared-review"):
            ws.add_consent(case.id, kind=scope, given=True)
        recording = ws.import_recording(case.id, path=video.path)
        for start, end, title in MOMENTS:
            moment = ws.add_moment(recording.id, start_frame=start, end_frame=end,
                                   title=title, strengths=STRENGTHS)
            ws.annotations.choose_for_review(moment.id, True)
        ws.annotations.set_still(moment.id, end - 2)
        return case.id


def aim(phase: str, earlier: int, rng: random.Random) -> Trigger:
    """Kill in export number ``earlier + 1`` of the child, in ``phase``."""
    steps = [is_tag("intent")] * (earlier + 1)
    if phase == "middle":  # a random share of it is written (progress may jump to the end)
        share = rng.uniform(0.05, 0.95)
        steps.append(progress_where(lambda p: p["done"] >= share * p["total"]))
    elif phase == "late":  # all of it is written: renames, stale files and the audit log next
        steps.append(progress_where(lambda p: p["done"] >= p["total"]))
    return Trigger(steps, rng.uniform(0.0, 0.03))


def child(root: Path, case_id: int, target: Target, rounds: int) -> list[str]:
    return [sys.executable, "-m", "tests.core.kill_children", "exports", str(root),
            str(case_id), target.kind, str(target.out), str(target.folder), str(rounds)]


def audit_since(ws: Workspace, case_id: int, after_id: int) -> tuple[int, int, int]:
    """How many export starts and outcomes were logged after entry ``after_id``; the last id."""
    entries = [e for e in ws.privacy.audit_log(case_id) if e.id > after_id]
    return (sum(e.action == STARTED for e in entries), sum(e.action == DONE for e in entries),
            max((e.id for e in entries), default=after_id))


def kill_exports(tmp_path: Path, video: VideoTruth, kinds: Sequence[str], name: str) -> Tally:
    root = tmp_path / "workspace"
    case_id = prepare(root, video)
    db = root / DB_NAME
    outside = tmp_path / "handed-over"  # outside the workspace: no open sweeps it
    targets = {kind: Target(kind, outside / kind, outside / kind) for kind in kinds}
    for target in targets.values():
        target.folder.mkdir(mode=0o700, parents=True)
    if "csv" in targets:
        targets["csv"].out = outside / "csv" / "moments.csv"
    with Workspace.open(root) as ws:
        last_id = audit_since(ws, case_id, 0)[2]

    rng = random.Random(SEED + len(name))
    tally = Tally(name)
    aimed = dict.fromkeys(PHASES, 0)
    partials_left = partials_swept = 0
    for kill, kind in enumerate(kinds):
        target = targets[kind]
        phase = PHASES[(kill + kill // len(PHASES)) % len(PHASES)]  # each kind in each phase
        trigger = aim(phase, rng.choice([0, 0, 1]), rng)
        before = tree(target.folder)
        session = run_and_kill(child(root, case_id, target, 0), trigger,
                               tmp_path / f"child-{kill}.err")
        tally.kills += 1
        assert session.returncode == -signal.SIGKILL, (
            f"child {kill} ended by itself ({session.returncode}):\n{session.stderr}")
        where = phase if trigger.fired else "never aimed"
        if not trigger.fired:
            tally.problem(kill, f"the {phase} kill was never aimed: no line to aim it at")
        aimed[where] = aimed.get(where, 0) + 1
        acks, in_flight = 0, False
        for line in session.lines:
            tag, payload = parse(line)
            if tag == "intent":
                in_flight = True
            elif tag == "ack":
                acks, in_flight, before = acks + 1, False, payload["tree"]
        tally.acknowledged += acks

        check_database(db)
        with reopen(root, kill) as ws:  # this sweeps leftovers
            started, done, last_id = audit_since(ws, case_id, last_id)
            referenced = sorted(ws.library.media_path(r).name for r in ws.library.recordings())
        if left := partials(root):
            tally.problem(kill, f"left in the workspace: {[str(p) for p in left]}")
        if sorted(p.name for p in (root / "media").iterdir()) != referenced:
            tally.problem(kill, "media/ holds a copy no recording points to")
        if done < acks:
            tally.lost += acks - done
            tally.problem(kill, f"{acks} exports finished, {done} outcome lines logged")
        # Anything changed in the folder since the last finished export: the one in flight
        # did it, and must have recorded its start first.
        wrote = tree(target.folder) != before
        if started < acks + wrote:
            tally.problem(kill, f"{kind} export killed {phase} changed {target.folder.name}/ "
                                f"but the audit log holds {started} starts for {acks} "
                                f"finished exports and {int(in_flight)} in flight")
        for path in visible_files(target.folder):
            if why := incomplete(path):
                tally.problem(kill, f"{kind} killed {phase}: visible {path.name} is not "
                                    f"whole ({why})")
        if acks:  # the next export into the folder has run: earlier leftovers are gone
            for path, by in list(target.left.items()):
                if path.exists():
                    tally.problem(kill, f"{path.relative_to(outside)} (left by kill {by}) is "
                                        "still there after the next export")
                else:
                    partials_swept += 1
                del target.left[path]
        for path in partials(target.folder):
            if path not in target.left:
                target.left[path] = kill
                partials_left += 1

    for target in targets.values():  # one last export into each folder, not killed
        finished = subprocess.run(child(root, case_id, target, 1), env=child_env(),
                                  capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr
        partials_swept += sum(not p.exists() for p in target.left)
        if left := partials(target.folder):
            tally.problem(-1, f"after one last {target.kind} export: "
                              f"{[str(p.relative_to(outside)) for p in left]}")
        for path in visible_files(target.folder):
            if why := incomplete(path):
                tally.problem(-1, f"after one last export: {path.name} is not whole ({why})")
    tally.extra.update(aimed=aimed, partials_left=partials_left, partials_swept=partials_swept)
    tally.report()
    shutil.rmtree(tmp_path / "workspace")
    return tally


def test_sigkill_while_exporting_clips_reel_and_csv(
    tmp_path: Path, small_video: VideoTruth
) -> None:
    tally = kill_exports(tmp_path, small_video, ["clips", "reel", "csv"] * 3 + ["clips"],
                         "exports")
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.kills == 10


def test_sigkill_while_exporting_everything_for_the_session(
    tmp_path: Path, small_video: VideoTruth
) -> None:
    tally = kill_exports(tmp_path, small_video, ["session"] * 3, "session-exports")
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.kills == 3


def test_a_partial_is_swept_only_once_its_writer_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "handed-over"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder / "K-12-c1-clip01.mp4")],
                              stdout=subprocess.PIPE, env=child_env())
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline() == b"writing\n"
        held = partials(folder)
        assert sorted(p.is_dir() for p in held) == [False, True]  # a file and a work folder
        assert sweep_partials(folder) == []  # another process is at work on them
        with atomic_output(folder / "moments.csv") as tmp:  # so is this one, on its own
            tmp.write_text("case,cycle\n", encoding="utf-8")
            assert sweep_partials(folder) == []
            assert tmp.is_file()
        with private_workdir(folder) as work:
            assert sweep_partials(folder) == []
            assert work.is_dir()
        assert partials(folder) == held
    finally:
        writer.kill()
        writer.wait()
    with atomic_output(folder / "moments.csv") as tmp:  # the next write into the folder
        tmp.write_text("case,cycle\n", encoding="utf-8")
    assert partials(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == ["moments.csv"]
    outside = tmp_path / "not-ours.mp4"
    outside.write_bytes(b"footage")
    (folder / ".vigtool-partial-link.mp4").symlink_to(outside)
    assert sweep_partials(folder) == []  # a link by our name is never followed
    assert outside.read_bytes() == b"footage"

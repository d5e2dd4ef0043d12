"""Kill -9 in the middle of importing a film leaves a whole recording or nothing.

A child imports one new film after another (a real H.264 clip, made unique
and 12 MB bigger by a ``free`` box, so the copy takes a while) and prints a
line as each import returns. The parent SIGKILLs it at a random instant,
aimed in turn early (probing, indexing, hashing: before the copy), in the
middle of the copy, or late (after the last byte: the rename, the frame
index, the database row), then checks:

- the database is intact;
- the workspace reopens at once (a killed writer's lock is the system's to
  release, so WorkspaceBusy here is a defect);
- every acknowledged import is a recording whose copy holds exactly the
  film's bytes, and the import in flight is either that too or not there at all;
- after reopening (the open sweeps leftovers) ``media/`` holds exactly the
  files recordings point to, and no ``.vigtool-partial-*`` is left anywhere:
  no stray copy of a family's footage.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import sys
from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, make_video
from tests.consent import filmed_case
from tests.core.kill_children import (
    Tally,
    Trigger,
    check_database,
    is_tag,
    parse,
    partials,
    progress_where,
    reopen,
    run_and_kill,
)
from vigtool.workspace import DB_NAME, Workspace

KILLS = 13
SEED = 2207
PHASES = ("early", "middle", "late")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def aim(phase: str, earlier: int, rng: random.Random) -> Trigger:
    """Kill in import number ``earlier + 1`` of the child, in ``phase``."""
    steps = [is_tag("intent")] * (earlier + 1)
    if phase == "middle":  # a random share of the copy is written
        share = rng.uniform(0.1, 0.9)
        steps.append(progress_where(
            lambda p: p["stage"] == "copy" and p["done"] >= share * p["total"]))
    elif phase == "late":  # every byte is copied: the rename, index and row are next
        steps.append(progress_where(lambda p: p["stage"] == "copy" and p["done"] >= p["total"]))
    return Trigger(steps, rng.uniform(0.0, 0.045))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def test_sigkill_while_importing_leaves_a_whole_recording_or_nothing(tmp_path: Path) -> None:
    base = make_video(tmp_path / "dyad.mp4", H264_BFRAMES, frames=30, seconds_audio=False)
    root, camera = tmp_path / "workspace", tmp_path / "camera"
    camera.mkdir()
    with Workspace.open(root) as ws:
        case_id = filmed_case(ws, "K-11")
    db = root / DB_NAME

    rng = random.Random(SEED)
    tally = Tally("imports")
    acked: dict[str, int] = {}  # sha256 -> recording id, of every acknowledged import
    verified: set[str] = set()  # copies already hashed and found whole
    phases: dict[str, int] = dict.fromkeys(PHASES, 0)
    in_flight_landed = 0
    for kill in range(KILLS):
        phase = PHASES[kill % len(PHASES)]
        trigger = aim(phase, rng.choice([0, 0, 1]), rng)
        session = run_and_kill(
            [sys.executable, "-m", "tests.core.kill_children", "imports", str(root),
             str(case_id), str(base.path), str(camera), str(SEED + kill)],
            trigger, tmp_path / f"child-{kill}.err")
        tally.kills += 1
        assert session.returncode == -signal.SIGKILL, (
            f"child {kill} ended by itself ({session.returncode}):\n{session.stderr}")
        aimed = phase if trigger.fired else "never aimed"
        if not trigger.fired:
            tally.problem(kill, f"the {phase} kill was never aimed: no line to aim it at")
        phases[aimed] = phases.get(aimed, 0) + 1
        pending: str | None = None
        for line in session.lines:
            tag, payload = parse(line)
            if tag == "intent":
                pending = str(payload["name"])
            elif tag == "ack":
                acked[payload["sha"]] = payload["id"]
                tally.acknowledged += 1
                pending = None

        check_database(db)
        with reopen(root, kill) as ws:  # this sweeps leftovers
            recordings = {r.sha256: r for r in ws.library.recordings()}
            imports_logged = sum(e.action == "import" for e in ws.privacy.audit_log(case_id))
            media = {sha: ws.library.media_path(r) for sha, r in recordings.items()}
        for sha, recording_id in acked.items():
            found = recordings.get(sha)
            if found is None or found.id != recording_id:
                tally.lost += 1
                tally.problem(kill, f"acknowledged import {recording_id} is gone")
        if pending is not None:
            film = camera / pending
            film_sha = sha256(film) if film.is_file() else None
            if film_sha is not None and film_sha in recordings and film_sha not in acked:
                in_flight_landed += 1
        for sha, path in media.items():
            if sha in verified:
                continue
            if not path.is_file() or sha256(path) != sha:
                tally.problem(kill, f"the copy of recording {recordings[sha].id} is not whole")
            verified.add(sha)
        in_media = sorted(p.name for p in (root / "media").iterdir())
        if in_media != sorted(p.name for p in media.values()):
            tally.problem(kill, f"media/ holds {in_media}, recordings point to "
                                f"{sorted(p.name for p in media.values())}")
        if left := partials(root):
            tally.problem(kill, f"left after reopening: {[str(p) for p in left]}")
        if imports_logged != len(recordings):
            tally.problem(kill, f"{len(recordings)} recordings, {imports_logged} imports logged")
        shutil.rmtree(camera)  # the films are 12 MB each: keep the disk free
        camera.mkdir()

    # A frame index (not footage: frame times only) of an import killed after it was
    # written stays until the film is imported again; counted, not a failure.
    orphans = [p for p in (root / "index").iterdir() if p.stem not in verified]
    tally.extra.update(phases=phases, in_flight_landed=in_flight_landed,
                       recordings=len(verified), orphan_indexes=len(orphans))
    tally.report()
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.acknowledged >= 3, f"only {tally.acknowledged} imports acknowledged"
    with Workspace.open(root) as ws:  # the workspace still works: a film reads frame-exactly
        last = max(ws.library.recordings(), key=lambda r: r.id)
        with ws.library.open_reader(last.id, prefetch=False) as reader:
            assert reader.frame(last.frame_count - 1).shape[:2] == (base.height, base.width)
    shutil.rmtree(root)

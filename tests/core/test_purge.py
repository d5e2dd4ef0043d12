"""Purging a case: the raw film and every file made from it go; the work and the
clips the family agreed to keep stay; no byte of the film is left anywhere."""

from __future__ import annotations

import random
from pathlib import Path

import av
import pytest

from sample_clips.kinds import VideoTruth
from vigtool.domain.records import RecordingStatus
from vigtool.purge import plan_purge, purge_case
from vigtool.report.pictures import PictureTaker
from vigtool.workspace import Workspace

WINDOW = 24


def film_fingerprints(path: Path, count: int = 96) -> list[bytes]:
    """Byte runs taken from inside the film's own video and sound packets.

    Each is checked to occur in the film file; none is all one byte, so a run
    found elsewhere means a copy of the film's data."""
    payloads: list[bytes] = []
    with av.open(str(path)) as container:
        for packet in container.demux():
            data = bytes(packet)
            if len(data) > 4 * WINDOW:
                payloads.append(data)
    rng = random.Random(7)
    film = path.read_bytes()
    found: list[bytes] = []
    while len(found) < count:
        data = rng.choice(payloads)
        start = rng.randrange(WINDOW, len(data) - 2 * WINDOW)
        run = data[start:start + WINDOW]
        if len(set(run)) > 4 and run in film:
            found.append(run)
    return found


def files_holding(root: Path, runs: list[bytes]) -> dict[str, int]:
    """Each file under ``root`` that holds any of ``runs``, with how many."""
    hits = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            n = sum(run in data for run in runs)
            if n:
                hits[str(path.relative_to(root))] = n
    return hits


def _case(ws: Workspace, video: VideoTruth, *, keep: bool) -> tuple[int, int]:
    case = ws.add_case("FAM-01")
    ws.add_consent(case.id, kind="filming", given=True)
    if keep:
        ws.add_consent(case.id, kind="keep-clips", given=True)
    rec = ws.import_recording(case.id, path=video.path)
    chosen = ws.add_moment(rec.id, start_frame=10, end_frame=29, title="A shared smile",
                           strengths="You waited, and she looked back at you.")
    ws.annotations.choose_for_review(chosen.id, True)
    ws.annotations.set_still(chosen.id, 20)
    ws.add_moment(rec.id, start_frame=40, end_frame=49, title="Not chosen")
    ws.add_reflection(case.id, cycle=1, text="She was watching me all along.")
    (ws.root / "exports" / "FAM-01-c1-clip01.mp4").write_bytes(Path(video.path).read_bytes())
    (ws.root / "exports" / "FAM-01-c1-still01.png").write_bytes(b"a still")
    (ws.root / "exports" / "FAM-02-c1-clip01.mp4").write_bytes(b"another family's clip")
    ws.library.frame_index(rec.id)
    return case.id, rec.id


@pytest.mark.parametrize("keep", [False, True], ids=["no-keep-consent", "keep-clips"])
def test_purge_leaves_no_byte_of_the_film_and_keeps_the_work(
    workspace: Workspace, small_video: VideoTruth, keep: bool
) -> None:
    runs = film_fingerprints(Path(small_video.path))
    case_id, rec_id = _case(workspace, small_video, keep=keep)
    before = files_holding(workspace.root, runs)
    assert any(name.startswith("media/") for name in before)  # the test can see the film
    plan = plan_purge(workspace, case_id)
    assert plan.lines()[-1] == "This cannot be undone."
    result = purge_case(workspace, plan)

    assert files_holding(workspace.root, runs) == {}
    assert not list((workspace.root / "media").iterdir())
    assert not list((workspace.root / "index").iterdir())
    exports = sorted(p.name for p in (workspace.root / "exports").iterdir())
    assert exports == ["FAM-02-c1-clip01.mp4"]  # another case's file is not touched
    recording = workspace.library.recording(rec_id)
    assert recording.status is RecordingStatus.PURGED
    assert recording.purged_at is not None
    assert [m.title for m in workspace.moments(rec_id)] == ["A shared smile", "Not chosen"]
    assert len(workspace.annotations.stills(rec_id)) == 1
    assert workspace.review.reflections(case_id, cycle=1)[0].text.startswith("She was")
    actions = [e.action for e in workspace.privacy.audit_log(case_id)]
    assert actions[-2:] == ["purge-started", "purge"]
    kept = sorted(p.name for p in (workspace.root / "kept").rglob("*") if p.is_file())
    chosen = workspace.moments(rec_id)[0]
    with PictureTaker(workspace) as taker:
        pictures = taker.pictures(chosen)  # what the summary shows for the moment now
    if keep:
        assert [(p.frame, p.width) for p in pictures] == [(20, small_video.width)]
        assert len(kept) == 2
        clip = next(p for p in result.kept if p.suffix == ".mp4")
        with av.open(str(clip)) as container:
            frames = sum(1 for _ in container.decode(video=0))
            assert container.streams.audio, "the kept clip has its sound"
        assert frames == 20
    else:
        assert kept == []
        assert pictures == ()
    assert plan_purge(workspace, case_id).empty


def test_a_purge_cut_short_after_marking_is_finished_by_the_next_open(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    runs = film_fingerprints(Path(small_video.path), count=32)
    case_id, rec_id = _case(workspace, small_video, keep=False)
    # As if the process died right after the recordings were marked purged.
    workspace.library.mark_purged(case_id, [rec_id], "FAM-01: raw film deleted")
    root = workspace.root
    workspace.close()
    with Workspace.open(root) as again:
        held = files_holding(root, runs)
        assert set(held) == {"exports/FAM-01-c1-clip01.mp4"}  # not the workspace's copy
        assert not list((root / "index").iterdir())
        plan = plan_purge(again, case_id)
        assert [p.name for p in plan.remove] == ["FAM-01-c1-clip01.mp4", "FAM-01-c1-still01.png"]
        purge_case(again, plan)
        assert files_holding(root, runs) == {}

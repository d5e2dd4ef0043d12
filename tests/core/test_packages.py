"""Supervision packages, round trip: a trainee's case package opens in the supervisor's
workspace as read-only clips placed in the trainee's films, and the supervisor's comments
come back to the trainee's timeline at the same frames. Real films, real workspaces, real
age encryption (a few seconds of scrypt per package, by design).

The fixtures here (session-wide, built once) also serve test_packages_trust.py and
test_packages_cli.py.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from sample_clips.pattern import read_frame_number
from vigtool.packages import (
    ImportReport,
    PackageError,
    make_case_package,
    make_comments_package,
    open_package,
    received_summary,
)
from vigtool.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
BACK = "a different passphrase for the way back"
CODE = "FAM-ZQ7"
QUESTION = "How can I help Kacper settle at bedtime?"
TITLE = "Kacper reaches for the spoon"
NOTE = "Private note: mum seemed tired after the night feeds"
CAPTION = "Kacper looked up and grinned at you"
REFLECTION = "I never noticed how he waits for me to smile first"
GOAL = "Wait for Kacper to start the game at bathtime"
LEFT_HOME = "A moment outside every clip"
TRAINEE, SUPERVISOR = "Sam Trainee", "Jo Supervisor"


@dataclass(frozen=True)
class Trainee:
    root: Path  # the trainee's workspace
    package: Path  # their case package
    family: VideoTruth
    review: VideoTruth
    family_sha: str
    review_sha: str

    def names(self) -> list[str]:
        """The films' own file names, which no package holds even inside."""
        return [self.family.path.name, self.review.path.name, self.family.path.stem]


WORDS = (CODE, QUESTION, TITLE, NOTE, CAPTION, REFLECTION, GOAL, "Kacper")
"""Family data a package carries inside, never readable without the passphrase."""


@dataclass(frozen=True)
class Supervisor:
    root: Path
    comments_package: Path
    comment_uid: str
    reply_uid: str


@pytest.fixture(scope="session")
def films(tmp_path_factory: pytest.TempPathFactory, small_video: VideoTruth
          ) -> tuple[VideoTruth, VideoTruth]:
    """The family film (the 60-frame clip with sound, under a name a phone would give it)
    and a second film, 45 frames, as the shared review's film."""
    folder = tmp_path_factory.mktemp("films")
    family = folder / "Kacper bathtime VID_20261129.mp4"
    shutil.copyfile(small_video.path, family)
    review = make_video(folder / "Shared review with Kacper's mum.mp4", H264_BFRAMES, frames=45)
    return replace(small_video, path=family), review


@pytest.fixture(scope="session")
def trainee(tmp_path_factory: pytest.TempPathFactory,
            films: tuple[VideoTruth, VideoTruth]) -> Trainee:
    family, review = films
    folder = tmp_path_factory.mktemp("trainee")
    root, out = folder / "ws", folder / "out" / "to-supervisor.vigpack"
    with Workspace.open(root) as ws:
        ws.supervision.set_my_name(TRAINEE)
        case = ws.add_case(CODE, QUESTION, child_name="Kacper", pronoun="he")
        for scope in ("filming", "supervision"):
            ws.add_consent(case.id, kind=scope, given=True, recorded_by=TRAINEE)
        fam = ws.import_recording(case.id, path=family.path)
        rev = ws.import_recording(case.id, path=review.path, kind="shared-review")
        # 12..59 holds a whole GOP (30..59), which the smart cut copies packet for packet.
        smile = ws.add_moment(fam.id, start_frame=12, end_frame=59, codes=["being-attentive"],
                              title=TITLE, note=NOTE, strengths="You waited for him.")
        ws.annotations.choose_for_review(smile.id, True)
        still = ws.annotations.set_still(smile.id, 20)
        ws.annotations.update_still(still.id, caption=CAPTION)
        ws.add_moment(fam.id, start_frame=14, end_frame=18, codes=["receiving-initiatives"],
                      title="Inside the clip")
        ws.add_moment(fam.id, start_frame=2, end_frame=9, title=LEFT_HOME)
        waited = ws.add_moment(rev.id, start_frame=5, end_frame=24,
                               codes=["receiving-initiatives"], title="I let her tell it")
        ws.annotations.choose_for_review(waited.id, True)
        ws.review.add_reflection(case.id, cycle=1, text=REFLECTION, moment_id=smile.id)
        ws.review.add_goal(case.id, cycle=1, text=GOAL)
        ws.supervision.set_self_assessment(case.id, 1, used_well=["being-attentive"],
                                           used_well_note="I gave her time",
                                           to_develop=["deepening-discussion"])
        make_case_package(ws, case.id, None, out, PASSPHRASE)
        return Trainee(root, out, family, review, fam.sha256, rev.sha256)


@pytest.fixture(scope="session")
def supervisor(tmp_path_factory: pytest.TempPathFactory, trainee: Trainee) -> Supervisor:
    """The supervisor opens the package, comments on both clips (with a reply), codes a
    span of their own, and packs the comments back."""
    folder = tmp_path_factory.mktemp("supervisor")
    root, out = folder / "ws", folder / "out" / "back.vigpack"
    with Workspace.open(root) as ws:
        ws.supervision.set_my_name(SUPERVISOR)
        open_package(ws, trainee.package, PASSPHRASE)
        family, review = _clips(ws)
        comment = ws.add_comment(family.id, start_frame=3, end_frame=8,
                                 text="Lovely waiting here: what did you notice?")
        reply = ws.add_comment(family.id, start_frame=0, parent_id=comment.id,
                               text="Look at his hands.")
        ws.add_comment(review.id, start_frame=19, text="You named her initiative here.")
        ws.add_moment(family.id, start_frame=2, end_frame=9, codes=["being-attentive"],
                      title="My coding")
        make_comments_package(ws, family.case_id, out, BACK)
    return Supervisor(root, out, comment.uid, reply.uid)


def _clips(ws: Workspace) -> tuple:  # type: ignore[type-arg]
    by_kind = {r.kind: r for r in ws.library.recordings()}
    return by_kind["family"], by_kind["shared-review"]


def workspace_state(root: Path) -> tuple[str, list[tuple[str, int]]]:
    """Every row (as SQL) and every file with its size: equal means nothing changed."""
    con = sqlite3.connect(f"file:{root / 'workspace.db'}?mode=ro", uri=True)
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    files = sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*")
                   if p.is_file() and not p.name.startswith(("workspace.db", "workspace.lock")))
    return hashlib.sha256(dump.encode()).hexdigest(), files


def test_the_package_opens_as_read_only_clips_placed_in_the_trainees_films(
    trainee: Trainee, supervisor: Supervisor
) -> None:
    with Workspace.open(supervisor.root) as ws:
        (case,) = ws.caseload.cases()
        assert (case.code, case.helping_question, case.supervisee) == (CODE, QUESTION, TRAINEE)
        family, review = _clips(ws)
        assert (family.source_sha256, family.offset_frame, family.frame_count) == (
            trainee.family_sha, 12, 48)
        assert (review.source_sha256, review.offset_frame, review.frame_count) == (
            trainee.review_sha, 5, 20)
        assert family.has_audio  # cut with its sound
        with ws.library.open_reader(family.id, prefetch=False) as reader:  # frame-exact
            assert [read_frame_number(reader.frame(n)) for n in (0, 8, 47)] == [12, 20, 59]
        assert all(trainee.family.path.name not in r.original_name
                   for r in ws.library.recordings())
        theirs = [(m.start_frame, m.end_frame, m.title, m.note, m.coder, m.locked,
                   m.selected_for_review)
                  for m in ws.annotations.moments(family.id) if m.locked]
        assert theirs == [(0, 47, TITLE, NOTE, TRAINEE, True, True),
                          (2, 6, "Inside the clip", "", TRAINEE, True, False)]
        assert LEFT_HOME not in {m.title for r in ws.library.recordings()
                                 for m in ws.annotations.moments(r.id)}
        assert [m.title for m in ws.annotations.moments(review.id)] == ["I let her tell it"]
        (still,) = ws.annotations.stills(family.id)
        assert (still.frame, still.caption) == (8, CAPTION)
        assert ws.library.derived_file(family, "still-8.png").read_bytes().startswith(
            b"\x89PNG")
        (said,) = ws.review.reflections(case.id)
        assert (said.text, ws.annotations.moment(said.moment_id).title) == (  # type: ignore[arg-type]
            REFLECTION, TITLE)
        assert [g.text for g in ws.review.goals(case.id)] == [GOAL]
        mine = ws.supervision.self_assessment(case.id, 1)
        assert mine is not None
        assert mine.to_develop == ("deepening-discussion",)
        summary = received_summary(ws, case.id, 1)
        assert summary is not None
        assert "<html" in summary.read_text()[:400].lower()
        state = ws.privacy.consent_state(case.id)
        assert (state["supervision"].granted, state["supervision"].recorded_by) == (
            True, TRAINEE)
        assert "from their supervision package" in ws.privacy.consents(case.id)[0].note
        assert not state["shared-review"].granted  # only what the trainee recorded
        actions = [e.action for e in ws.privacy.audit_log(case.id)]
        assert actions[-3:] == ["import-package", "package-started", "package"]  # and back


@pytest.fixture(scope="session")
def comments_home(trainee: Trainee, supervisor: Supervisor) -> ImportReport:
    """The trainee opens the supervisor's comments package (once)."""
    with Workspace.open(trainee.root) as ws:
        return open_package(ws, supervisor.comments_package, BACK)


def test_the_comments_come_back_to_the_same_frames(
    trainee: Trainee, supervisor: Supervisor, comments_home: ImportReport
) -> None:
    report = comments_home
    with Workspace.open(trainee.root) as ws:
        assert report.lines() == [f"{SUPERVISOR}'s comments on case {CODE}: 3 comments and "
                                  "replies, 1 code of their own, at the same frames"]
        family = ws.library.recording_by_hash(trainee.family_sha)
        review = ws.library.recording_by_hash(trainee.review_sha)
        assert family is not None
        assert review is not None
        comments = [c for c in ws.supervision.comments(family.id) if c.author == SUPERVISOR]
        assert [(c.uid, c.start_frame, c.end_frame, c.author) for c in comments] == [
            (supervisor.comment_uid, 15, 20, SUPERVISOR),  # frames 3..8 of a clip from 12
            (supervisor.reply_uid, 15, 20, SUPERVISOR)]
        assert comments[1].parent_id == comments[0].id
        assert [(c.start_frame, c.text) for c in ws.supervision.comments(review.id)] == [
            (24, "You named her initiative here.")]  # frame 19 of a clip from 5
        code = [m for m in ws.annotations.moments(family.id) if m.locked]
        assert [(m.start_frame, m.end_frame, m.codes, m.coder) for m in code] == [
            (14, 21, ("being-attentive",), SUPERVISOR)]
    before = workspace_state(trainee.root)
    with Workspace.open(trainee.root) as ws:
        again = open_package(ws, supervisor.comments_package, BACK)
        assert again.lines() == [f"this package was imported on {again.imported_before}; "
                                 "nothing was changed"]
    assert workspace_state(trainee.root) == before


def test_a_reply_and_an_updated_package_go_to_the_supervisor_without_doubling(
    tmp_path: Path, trainee: Trainee, supervisor: Supervisor, comments_home: ImportReport
) -> None:
    """The trainee answers the supervisor's comment and sends the cycle again (the clips
    cut anew): the reply lands in its thread; nothing already there comes twice; opening
    the same package again changes nothing."""
    again = tmp_path / "again.vigpack"
    with Workspace.open(trainee.root) as ws:
        family = ws.library.recording_by_hash(trainee.family_sha)
        assert family is not None
        theirs = ws.supervision.comment_by_uid(supervisor.comment_uid)
        assert theirs is not None
        answer = ws.add_comment(family.id, start_frame=0, parent_id=theirs.id,
                                text="His hands stop, then he looks at her.")
        make_case_package(ws, family.case_id, 1, again, PASSPHRASE)
    with Workspace.open(supervisor.root) as ws:
        report = open_package(ws, again, PASSPHRASE)
        assert (report.clips, report.clips_known, report.moments, report.stills,
                report.reflections, report.goals, report.comments, report.comments_known
                ) == (0, 2, 0, 0, 0, 0, 1, 3)
        clip, _ = _clips(ws)
        assert len(ws.library.recordings()) == 2
        (thread,) = [t for t in ws.supervision.threads(clip.id) if t[0].uid ==
                     supervisor.comment_uid]
        assert [(r.uid, r.start_frame, r.author) for r in thread[1]] == [
            (supervisor.reply_uid, 3, SUPERVISOR), (answer.uid, 3, TRAINEE)]
    before = workspace_state(supervisor.root)
    with Workspace.open(supervisor.root) as ws:
        twice = open_package(ws, again, PASSPHRASE)
    assert twice.lines() == [f"this package was imported on {twice.imported_before}; "
                             "nothing was changed"]
    assert workspace_state(supervisor.root) == before


def test_a_package_does_not_open_where_it_was_made(trainee: Trainee) -> None:
    before = workspace_state(trainee.root)
    with Workspace.open(trainee.root) as ws, pytest.raises(
            PackageError, match="made in this workspace"):
        open_package(ws, trainee.package, PASSPHRASE)
    assert workspace_state(trainee.root) == before


def test_a_clip_cut_anew_is_known_by_where_it_sits_in_the_trainees_film(
    trainee: Trainee, supervisor: Supervisor
) -> None:
    """Another vigtool may cut the same frames into other bytes: the clip is still the one
    already here (same film, same first frame, same length), not a second copy."""
    from vigtool.packages.land_case import _known

    entry = {"file": "clips/1.mp4", "recording": trainee.family_sha, "start_frame": 12,
             "end_frame": 59, "sha256": "0" * 64, "size": 1}
    with Workspace.open(supervisor.root, read_only=True) as ws:
        family, _ = _clips(ws)
        assert _known(ws, entry) == family  # type: ignore[arg-type]
        for moved in ({"start_frame": 11, "end_frame": 58}, {"end_frame": 58},
                      {"recording": trainee.review_sha}):
            assert _known(ws, {**entry, **moved}) is None  # type: ignore[arg-type]

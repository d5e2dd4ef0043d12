"""The supervision data: the shared-review film, comments with replies, self-assessment,
and moments that came in a package (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from tests.consent import filmed_case
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.records import NewMoment
from vigtool.errors import InvalidEdit
from vigtool.exports.request import ExportRequest, run_export
from vigtool.report.summary import build_summary, render_html
from vigtool.workspace import Workspace


@pytest.fixture
def recording(workspace: Workspace, small_video: VideoTruth) -> int:
    case_id = filmed_case(workspace, "FAM-01")
    return workspace.import_recording(case_id, path=small_video.path, kind="shared-review").id


def test_a_shared_review_film_is_its_own_kind(workspace: Workspace, recording: int) -> None:
    assert workspace.library.recording(recording).kind == "shared-review"
    case_id = workspace.library.recording(recording).case_id
    with pytest.raises(InvalidEdit, match="family or shared-review"):
        workspace.import_recording(case_id, path="x.mp4", kind="supervision")


def test_comments_sit_on_frames_with_replies_and_undo_as_one_step(
    workspace: Workspace, recording: int
) -> None:
    workspace.supervision.set_my_name("Jo Supervisor")
    first = workspace.add_comment(recording, start_frame=12, text="Lovely waiting here.")
    assert (first.start_frame, first.end_frame, first.author) == (12, 12, "Jo Supervisor")
    span = workspace.add_comment(recording, start_frame=30, end_frame=41,
                                 text="What did you notice in her face?")
    reply = workspace.add_comment(recording, start_frame=0, parent_id=span.id,
                                  text="She looked back at her mum.", author="Sam Trainee")
    assert (reply.start_frame, reply.end_frame) == (30, 41)  # where the comment it answers is
    assert [(c.text, [r.text for r in rs]) for c, rs in workspace.supervision.threads(recording)] \
        == [("Lovely waiting here.", []),
            ("What did you notice in her face?", ["She looked back at her mum."])]
    assert workspace.supervision.comment_by_uid(reply.uid) == reply
    workspace.supervision.delete_comment(span.id)
    assert [c.id for c in workspace.supervision.comments(recording)] == [first.id]
    workspace.undo()  # the comment and its reply come back, ids and all
    assert [c.id for c in workspace.supervision.comments(recording)] == [
        first.id, span.id, reply.id]
    with pytest.raises(InvalidEdit, match="outside the recording"):
        workspace.add_comment(recording, start_frame=59, end_frame=60, text="Too far")
    with pytest.raises(InvalidEdit, match="needs some words"):
        workspace.add_comment(recording, start_frame=1, text="   ")


def test_a_self_assessment_is_kept_per_cycle_and_replaced(
    workspace: Workspace, recording: int
) -> None:
    case_id = workspace.library.recording(recording).case_id
    assert workspace.supervision.self_assessment(case_id, 1) is None
    workspace.supervision.set_self_assessment(
        case_id, 1, used_well=["being-attentive", "being-attentive", "encouraging-initiatives"],
        used_well_note="I gave her time to answer.", to_develop=["deepening-discussion"])
    mine = workspace.supervision.set_self_assessment(
        case_id, 1, used_well=["being-attentive"], to_develop=["deepening-discussion"],
        to_develop_note="Ask what she noticed before I say what I saw.")
    assert mine.used_well == ("being-attentive",)
    assert mine.to_develop_note.startswith("Ask what she noticed")
    assert workspace.supervision.self_assessment(case_id, 1) == mine
    workspace.undo()
    assert workspace.supervision.self_assessment(case_id, 1).used_well == (  # type: ignore[union-attr]
        "being-attentive", "encouraging-initiatives")


def test_a_moment_from_a_package_is_read_only_but_can_be_commented_on(
    workspace: Workspace, recording: int
) -> None:
    (theirs,), _ = workspace.annotations.add_annotations(
        recording, moments=[NewMoment(5, 20, ("being-attentive",), "Waiting", coder="Sam",
                                      locked=True)])
    assert (theirs.coder, theirs.locked) == ("Sam", True)
    for change in (lambda: workspace.update_moment(theirs.id, title="Mine now"),
                   lambda: workspace.delete_moment(theirs.id),
                   lambda: workspace.annotations.choose_for_review(theirs.id, True)):
        with pytest.raises(InvalidEdit, match="came in Sam's supervision package"):
            change()
    mine = workspace.add_moment(recording, start_frame=6, end_frame=19, codes=["being-attentive"])
    assert (mine.coder, mine.locked) == ("", False)
    workspace.add_comment(recording, start_frame=theirs.start_frame, end_frame=theirs.end_frame,
                          text="Yes: you waited.")


@pytest.fixture(scope="module")
def review_film(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    """A second film: the practitioner's shared review with the parent."""
    return make_video(tmp_path_factory.mktemp("review") / "review.mp4", H264_BFRAMES, frames=40)


def test_the_shared_review_film_never_reaches_the_family_and_the_self_look_is_in_the_record(
    workspace: Workspace, small_video: VideoTruth, review_film: VideoTruth, tmp_path: Path
) -> None:
    case_id = filmed_case(workspace, "FAM-01")
    workspace.add_consent(case_id, kind="shared-review", given=True)
    family = workspace.import_recording(case_id, path=small_video.path)
    review = workspace.import_recording(case_id, path=review_film.path, kind="shared-review")
    theirs = workspace.add_moment(family.id, start_frame=5, end_frame=15, title="You waited",
                                  codes=["being-attentive"])
    mine = workspace.add_moment(review.id, start_frame=3, end_frame=9,
                                title="I asked what she noticed", codes=["deepening-discussion"])
    for moment in (theirs, mine):
        workspace.annotations.choose_for_review(moment.id, True)
    # Numbered apart: each is the first of its own kind.
    assert [workspace.annotations.moment(m.id).review_order for m in (theirs, mine)] == [1, 1]
    assert [m.id for m in workspace.annotations.review_moments(case_id, 1)] == [theirs.id]
    assert [m.id for m in workspace.annotations.review_moments(
        case_id, 1, kind="shared-review")] == [mine.id]
    workspace.supervision.set_self_assessment(
        case_id, 1, used_well=["being-attentive"], used_well_note="I let the film speak.",
        to_develop=["deepening-discussion"])
    book = builtin_codebook(DEFAULT_CODEBOOK_ID)
    family_html = render_html(build_summary(workspace, case_id, 1, audience="family",
                                            codebook=book))
    record_html = render_html(build_summary(workspace, case_id, 1, audience="practitioner",
                                            codebook=book))
    assert "You waited" in family_html
    assert "I asked what she noticed" not in family_html
    assert "I let the film speak." not in family_html
    assert "I let the film speak." in record_html
    assert "Deepening discussion" in record_html
    (csv_file,) = run_export(workspace, ExportRequest("csv", case_id, 1, tmp_path / "m.csv"))
    text = csv_file.read_text(encoding="utf-8-sig")
    assert "You waited" in text
    assert "I asked what she noticed" not in text

"""The Workspace facade: cases, import, moments, turns, undo/redo, persistence."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from vigtool import Workspace
from vigtool.domain.records import Actor, NewMoment, NewTurn, RecordingStatus, TurnKind
from vigtool.errors import InvalidEdit, MediaError, NotFound, NothingToUndo, VigtoolError
from vigtool.workspace import Changes, DuplicateRecording


@pytest.fixture
def imported(workspace: Workspace, small_video: VideoTruth) -> tuple[Workspace, int]:
    case = workspace.add_case("FAM-01", helping_question="Why does he cry when I put him down?")
    workspace.add_consent(case.id, kind="filming", given=True)
    recording = workspace.import_recording(case.id, cycle=1, path=small_video.path)
    return workspace, recording.id


def test_import_probes_indexes_and_copies_into_media(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.add_case("FAM-01")
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, cycle=2, path=small_video.path)
    assert rec.frame_count == small_video.frame_count
    assert rec.cycle == 2
    assert rec.status is RecordingStatus.PRESENT
    assert rec.original_name == "small.mp4"
    stored = workspace.library.media_path(rec)
    assert stored.parent == workspace.root / "media"
    assert stored.read_bytes() == Path(small_video.path).read_bytes()
    assert [c.number for c in workspace.caseload.cycles(case.id)] == [2]
    assert workspace.library.frame_times(rec.id).frame_count == small_video.frame_count
    assert [e.action for e in workspace.privacy.audit_log(case.id)] == ["consent", "import"]


def test_same_content_is_detected_as_a_duplicate(
    imported: tuple[Workspace, int], small_video: VideoTruth, tmp_path: Path
) -> None:
    ws, rec_id = imported
    renamed = tmp_path / "copy-with-another-name.mp4"
    renamed.write_bytes(Path(small_video.path).read_bytes())
    with pytest.raises(DuplicateRecording) as caught:
        ws.import_recording(ws.caseload.case_by_code("FAM-01").id, path=renamed)
    assert caught.value.existing.id == rec_id
    assert len(ws.recordings()) == 1


def test_a_broken_video_is_refused_and_nothing_is_written(
    workspace: Workspace, tmp_path: Path
) -> None:
    case = workspace.add_case("FAM-02")
    workspace.add_consent(case.id, kind="filming", given=True)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    with pytest.raises(MediaError):
        workspace.import_recording(case.id, path=broken)
    assert workspace.recordings() == []
    assert list((workspace.root / "media").iterdir()) == []


def test_missing_media_is_reported_as_missing(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    ws.library.media_path(ws.library.recording(rec_id)).unlink()
    assert ws.library.recording(rec_id).status is RecordingStatus.MISSING


def test_moments_round_trip_through_undo_redo_and_reopen(
    imported: tuple[Workspace, int],
) -> None:
    ws, rec_id = imported
    first = ws.add_moment(rec_id, start_frame=10, end_frame=19, codes=["attentive"])
    second = ws.add_moment(rec_id, start_frame=2, end_frame=5, title="She looks up")
    assert [m.id for m in ws.moments(rec_id)] == [second.id, first.id]  # by start frame
    assert first.frame_count == 10

    moved = ws.update_moment(first.id, start_frame=12, end_frame=25)
    assert (moved.start_frame, moved.end_frame) == (12, 25)
    assert ws.undo_name == "Move Moment"
    ws.undo()
    assert ws.annotations.moment(first.id).start_frame == 10
    ws.redo()
    assert ws.annotations.moment(first.id).end_frame == 25

    ws.delete_moment(second.id)
    with pytest.raises(NotFound):
        ws.annotations.moment(second.id)
    ws.undo()
    restored = ws.annotations.moment(second.id)
    assert restored == second

    root = ws.root
    ws.close()
    with Workspace.open(root) as again:
        assert [(m.id, m.start_frame, m.end_frame, m.codes) for m in again.moments(rec_id)] == [
            (second.id, 2, 5, ()),
            (first.id, 12, 25, ("attentive",)),
        ]
        assert again.undo_name is None  # history is per session; the data is what persists


def test_add_then_undo_then_redo_keeps_the_same_id(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    moment = ws.add_moment(rec_id, start_frame=0, end_frame=9)
    ws.undo()
    assert ws.moments(rec_id) == []
    ws.redo()
    assert ws.moments(rec_id) == [moment]


def test_a_new_edit_clears_redo(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    ws.add_moment(rec_id, start_frame=0, end_frame=9)
    ws.undo()
    ws.add_moment(rec_id, start_frame=20, end_frame=29)
    assert ws.redo_name is None
    with pytest.raises(NothingToUndo):
        ws.redo()


def test_every_edit_is_announced_with_what_it_touched(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    heard: list[Changes] = []
    unsubscribe = ws.subscribe(heard.append)
    moment = ws.add_moment(rec_id, start_frame=0, end_frame=9)
    ws.update_moment(moment.id, codes=["receiving"])
    ws.undo()
    unsubscribe()
    ws.redo()
    assert [c.operation for c in heard] == ["Add Moment", "Change Codes", "Undo Change Codes"]
    assert all(c.ids("moments") == {moment.id} for c in heard)


def test_invalid_spans_and_fields_are_refused(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    last = ws.library.recording(rec_id).frame_count - 1
    with pytest.raises(InvalidEdit, match="before it starts"):
        ws.add_moment(rec_id, start_frame=10, end_frame=9)
    with pytest.raises(InvalidEdit, match="past the end"):
        ws.add_moment(rec_id, start_frame=0, end_frame=last + 1)
    moment = ws.add_moment(rec_id, start_frame=0, end_frame=last)
    with pytest.raises(TypeError, match="colour"):  # and mypy refuses it before it runs
        ws.update_moment(moment.id, colour="red")  # type: ignore[call-arg]
    with pytest.raises(InvalidEdit):
        ws.update_moment(moment.id, codes="attentive")
    assert ws.annotations.moment(moment.id) == moment


def test_turns_belong_to_the_recording_and_show_inside_moments(
    imported: tuple[Workspace, int],
) -> None:
    ws, rec_id = imported
    moment = ws.add_moment(rec_id, start_frame=10, end_frame=30)
    cue = ws.add_turn(rec_id, frame=12, actor="child", kind="initiative")
    reply = ws.add_turn(rec_id, frame=20, actor=Actor.ADULT, kind=TurnKind.RESPONSE)
    ws.add_turn(rec_id, frame=40, actor="child", kind="initiative")
    assert [t.id for t in ws.annotations.turns(rec_id, moment.id)] == [cue.id, reply.id]
    assert len(ws.annotations.turns(rec_id)) == 3
    with pytest.raises(InvalidEdit, match="child or adult"):
        ws.add_turn(rec_id, frame=5, actor="baby", kind="initiative")


def test_deleting_a_moment_keeps_the_parents_words(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    case_id = ws.library.recording(rec_id).case_id
    moment = ws.add_moment(rec_id, start_frame=0, end_frame=9)
    words = ws.add_reflection(case_id, cycle=1, text="He was looking at me!", moment_id=moment.id)
    ws.delete_moment(moment.id)
    kept = ws.review.reflections(case_id)
    assert [(r.id, r.text, r.moment_id) for r in kept] == [(words.id, words.text, None)]
    ws.undo()
    assert ws.review.reflections(case_id)[0].moment_id == moment.id


def test_cases_goals_stills_and_consents(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    case = ws.caseload.case_by_code("FAM-01")
    assert case.helping_question.startswith("Why does he cry")
    ws.update_case(case.id, helping_question="How can I help him settle?")
    assert ws.caseload.case(case.id).helping_question == "How can I help him settle?"
    goal = ws.add_goal(case.id, cycle=1, text="Notice when he looks at you")
    still = ws.add_still(rec_id, frame=12, caption="A shared smile")
    consent = ws.privacy.add_consent(case.id, kind="training", given=True)
    assert ws.review.goals(case.id, cycle=1) == [goal]
    assert ws.annotations.stills(rec_id) == [still]
    assert ws.privacy.consents(case.id)[-1] == consent
    with pytest.raises(InvalidEdit, match="already a case"):
        ws.add_case("FAM-01")
    with pytest.raises(InvalidEdit):
        ws.add_case("   ")


def test_import_keeps_undo_history_but_never_undoes_a_case_that_now_holds_footage(
    imported: tuple[Workspace, int]
) -> None:
    ws, rec_id = imported
    case_id = ws.library.recording(rec_id).case_id
    assert ws.undo_name == "Add Case"  # the import itself is not an undo step
    with pytest.raises(InvalidEdit, match="can no longer be undone"):
        ws.undo()
    assert [c.id for c in ws.cases()] == [case_id]
    assert ws.library.recording(rec_id).case_id == case_id
    assert ws.undo_name is None
    with pytest.raises(NothingToUndo):
        ws.undo()


def test_a_missing_recording_is_relinked_only_to_the_same_content(
    imported: tuple[Workspace, int], small_video: VideoTruth, tmp_path: Path
) -> None:
    ws, rec_id = imported
    ws.library.media_path(ws.library.recording(rec_id)).unlink()
    other = tmp_path / "other.mp4"
    other.write_bytes(Path(small_video.path).read_bytes() + b"\0")
    with pytest.raises(VigtoolError, match="not the same video"):
        ws.library.relink_recording(rec_id, other)
    moved = tmp_path / "moved.mp4"
    moved.write_bytes(Path(small_video.path).read_bytes())
    relinked = ws.library.relink_recording(rec_id, moved)
    assert relinked.status is RecordingStatus.PRESENT
    assert ws.library.media_path(relinked) == moved.resolve()


def test_review_moments_are_only_the_chosen_ones_in_review_order(
    imported: tuple[Workspace, int],
) -> None:
    ws, rec_id = imported
    case_id = ws.library.recording(rec_id).case_id
    later = ws.add_moment(rec_id, start_frame=40, end_frame=50, selected_for_review=True,
                          review_order=1)
    ws.add_moment(rec_id, start_frame=0, end_frame=5)  # not chosen: never shown to the parent
    earlier = ws.add_moment(rec_id, start_frame=10, end_frame=20, selected_for_review=True,
                            review_order=2)
    assert [m.id for m in ws.annotations.review_moments(case_id, cycle=1)] == [later.id, earlier.id]
    assert ws.annotations.review_moments(case_id, cycle=2) == []


def test_reflections_and_goals_are_editable_and_undoable(
    imported: tuple[Workspace, int],
) -> None:
    ws, rec_id = imported
    case_id = ws.library.recording(rec_id).case_id
    words = ws.add_reflection(case_id, cycle=1, text="He looked")
    ws.review.update_reflection(words.id, text="He looked at me and smiled")
    assert ws.review.reflections(case_id)[0].text == "He looked at me and smiled"
    ws.undo()
    assert ws.review.reflections(case_id)[0].text == "He looked"
    goal = ws.add_goal(case_id, cycle=1, text="Wait for his reply")
    ws.review.update_goal(goal.id, text="Wait for his reply, then answer")
    ws.review.delete_goal(goal.id)
    assert ws.review.goals(case_id) == []
    ws.undo()
    assert ws.review.goals(case_id)[0].text == "Wait for his reply, then answer"


def test_many_annotations_are_one_undo_step(imported: tuple[Workspace, int]) -> None:
    ws, rec_id = imported
    moments, turns = ws.annotations.add_annotations(
        rec_id,
        moments=[NewMoment(i, i + 3, ("being-attentive",), f"m{i}") for i in range(0, 40, 5)],
        turns=[NewTurn(i, "child", "initiative") for i in range(0, 40, 7)],
        name="Import ELAN File",
    )
    assert ws.moments(rec_id) == moments
    assert len(moments) == 8
    assert ws.annotations.turns(rec_id) == turns
    assert len(turns) == 6
    assert ws.undo_name == "Import ELAN File"
    ws.undo()
    assert ws.moments(rec_id) == []
    assert ws.annotations.turns(rec_id) == []
    with pytest.raises(InvalidEdit):
        ws.annotations.add_annotations(rec_id, moments=[NewMoment(0, 5), NewMoment(5, 9999)])
    assert ws.moments(rec_id) == []  # nothing of a refused batch is kept


def test_renaming_a_case_to_a_code_in_use_is_refused(workspace: Workspace) -> None:
    workspace.add_case("FAM-01")
    other = workspace.add_case("FAM-02")
    workspace.add_consent(other.id, kind="filming", given=True)
    with pytest.raises(InvalidEdit, match="already a case"):
        workspace.update_case(other.id, code="FAM-01")
    assert workspace.update_case(other.id, code="FAM-02").code == "FAM-02"


def test_review_numbers_run_across_the_recordings_of_a_case_and_cycle(
    imported: tuple[Workspace, int], small_video: VideoTruth, tmp_path: Path
) -> None:
    ws, first = imported
    case_id = ws.library.recording(first).case_id
    other = tmp_path / "later-that-day.mp4"
    other.write_bytes(Path(small_video.path).read_bytes() + b"\0")
    second = ws.import_recording(case_id, cycle=1, path=other).id
    next_cycle = tmp_path / "next-visit.mp4"
    next_cycle.write_bytes(Path(small_video.path).read_bytes() + b"\0\0")
    third = ws.import_recording(case_id, cycle=2, path=next_cycle).id
    a = ws.add_moment(first, start_frame=0, end_frame=4)
    b = ws.add_moment(second, start_frame=0, end_frame=4)
    c = ws.add_moment(first, start_frame=10, end_frame=14)
    d = ws.add_moment(third, start_frame=0, end_frame=4)
    for moment in (a, b, c, d):
        ws.annotations.choose_for_review(moment.id, True)

    def orders() -> list[int | None]:
        return [ws.annotations.moment(m.id).review_order for m in (a, b, c, d)]

    assert orders() == [1, 2, 3, 1]  # cycle 2 has its own review
    assert [m.id for m in ws.annotations.review_moments(case_id, 1)] == [a.id, b.id, c.id]
    ws.annotations.choose_for_review(a.id, False)
    assert orders() == [None, 1, 2, 1]  # no gap: the clips stay numbered 1, 2
    assert ws.undo_name == "Choose for Review"
    ws.undo()
    assert orders() == [1, 2, 3, 1]
    ws.annotations.choose_for_review(a.id, True)  # already chosen: nothing changes
    assert orders() == [1, 2, 3, 1]


def test_a_moments_still_is_set_moved_captioned_and_removed_in_undoable_steps(
    imported: tuple[Workspace, int]
) -> None:
    ws, rec = imported
    moment = ws.add_moment(rec, start_frame=10, end_frame=20)
    with pytest.raises(InvalidEdit, match="outside this moment"):
        ws.annotations.set_still(moment.id, 25)
    still = ws.annotations.set_still(moment.id, 12)
    ws.annotations.update_still(still.id, caption="You waited, and she smiled back.")
    moved = ws.annotations.set_still(moment.id, 18)  # the same still moves, caption kept
    assert (moved.id, moved.frame, moved.caption) == (still.id, 18,
                                                      "You waited, and she smiled back.")
    assert [s.id for s in ws.annotations.stills_in(moment)] == [still.id]
    ws.undo()
    assert ws.annotations.stills_in(moment)[0].frame == 12
    ws.annotations.delete_still(still.id)
    assert ws.annotations.stills_in(moment) == []
    assert ws.undo_name == "Delete Still"
    ws.undo()
    assert ws.annotations.stills_in(moment)[0].caption == "You waited, and she smiled back."


def test_a_review_place_moves_a_clip_and_never_repeats_a_number(
    imported: tuple[Workspace, int]
) -> None:
    ws, rec = imported
    moments = [ws.add_moment(rec, start_frame=n * 5, end_frame=n * 5 + 3) for n in range(4)]
    for m in moments:
        ws.annotations.choose_for_review(m.id, True)
    ws.annotations.set_review_order(moments[3].id, 1)
    order = [m.id for m in ws.annotations.review_moments(ws.library.recording(rec).case_id)]
    assert order == [moments[3].id, moments[0].id, moments[1].id, moments[2].id]
    assert [ws.annotations.moment(i).review_order for i in order] == [1, 2, 3, 4]
    ws.annotations.set_review_order(moments[3].id, 99)  # past the end: last
    assert ws.annotations.moment(moments[3].id).review_order == 4
    ws.annotations.choose_for_review(moments[0].id, False)
    with pytest.raises(InvalidEdit, match="choose the moment"):
        ws.annotations.set_review_order(moments[0].id, 1)


def test_the_childs_name_pronoun_and_filming_date_are_checked(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.add_case("FAM-02", child_name=" Amira ", pronoun="She")
    workspace.add_consent(case.id, kind="filming", given=True)
    assert (case.child_name, case.pronoun) == ("Amira", "she")
    with pytest.raises(InvalidEdit, match="pronoun"):
        workspace.update_case(case.id, pronoun="it")
    with pytest.raises(InvalidEdit, match="not a date"):
        workspace.import_recording(case.id, path=small_video.path, filmed_on="last Tuesday")
    rec = workspace.import_recording(case.id, path=small_video.path, filmed_on="2026-11-29")
    assert rec.filmed_on == "2026-11-29"
    assert workspace.library.set_filmed_on(rec.id, None).filmed_on is None
    workspace.undo()
    assert workspace.library.recording(rec.id).filmed_on == "2026-11-29"


@pytest.mark.parametrize("code", ["FAM\x0001", "FAM\n01", "FAM\t01", "F" * 65])
def test_a_case_code_with_control_characters_or_too_long_is_refused(
    workspace: Workspace, code: str
) -> None:
    with pytest.raises(InvalidEdit, match="case code"):
        workspace.add_case(code)
    assert workspace.cases() == []


def test_an_existing_folder_made_into_a_workspace_becomes_private(tmp_path: Path) -> None:
    folder = tmp_path / "shared-drive-folder"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with Workspace.open(folder):
        pass
    assert folder.stat().st_mode & 0o777 == 0o700


def test_leftovers_of_unfinished_work_are_all_swept_by_the_one_writer_at_open(
    imported: tuple[Workspace, int]
) -> None:
    ws, rec = imported
    root = ws.root
    kept_copy = ws.library.media_path(ws.library.recording(rec))
    ws.close()
    old = time.time() - 2 * 3600
    stray_copy = root / "media" / "0123456789abcdef.mp4"  # copied, never recorded
    stray_copy.write_bytes(b"family footage")
    partial = root / "exports" / ".vigtool-partial-abc.mp4"
    partial.write_bytes(b"half a clip")
    partial_dir = root / "exports" / ".vigtool-partial-session"
    partial_dir.mkdir()
    (partial_dir / "clip01.mp4").write_bytes(b"x")
    for path in (stray_copy, partial, partial_dir):
        os.utime(path, (old, old))
    # Just now, by an import that was killed: no other writer can be running, so it goes too.
    recent = root / "media" / "fedcba9876543210.mp4"
    recent.write_bytes(b"killed a moment ago")
    with Workspace.open(root) as again:
        assert not stray_copy.exists()
        assert not partial.exists()
        assert not partial_dir.exists()
        assert not recent.exists()
        assert kept_copy.exists()
        assert again.privacy.audit_log()[-1].action == "sweep"

"""The inspector edits the real workspace at once and follows it (Undo, keys elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import Codebook, builtin_codebook
from vigtool.domain.clock import player_time as timecode
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.inspector import EMPTY_TEXT, InspectorPanel
from vigtool.gui.still_pictures import StillPictures
from vigtool.report.progress import measure_progress
from vigtool.report.summary import build_summary
from vigtool.wording import VIG_PROMPTS, Child, suggest_strengths
from vigtool.workspace import Workspace


@dataclass
class Setup:
    ws: Workspace
    panel: InspectorPanel
    book: Codebook
    recording_id: int
    moment_id: int
    pictures: StillPictures


@pytest.fixture
def setup(workspace: Workspace, small_video: VideoTruth, qtbot: QtBot) -> Iterator[Setup]:
    case = workspace.add_case("FAM-01", child_name="Maya", pronoun="she")
    workspace.add_consent(case.id, kind="filming", given=True)
    recording = workspace.import_recording(case.id, path=small_video.path)
    moment = workspace.add_moment(recording.id, start_frame=10, end_frame=40)
    bridge = WorkspaceBridge(workspace)
    book = builtin_codebook("vig-principles")
    pictures = StillPictures(workspace)
    panel = InspectorPanel(bridge, book, pictures)
    qtbot.addWidget(panel)
    panel.resize(400, 1400)  # room for every fold
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitActive(panel)
    panel.set_moment(moment.id)
    yield Setup(workspace, panel, book, recording.id, moment.id, pictures)
    panel.close()
    pictures.close()
    bridge.detach()


def _leave(s: Setup, qtbot: QtBot) -> None:
    """Move keyboard focus out of the field being typed in, as a Tab or click would."""
    s.panel.review.check.setFocus()
    qtbot.waitUntil(s.panel.review.check.hasFocus)


def test_without_a_moment_it_says_how_to_make_one(setup: Setup) -> None:
    setup.panel.set_moment(None)
    assert setup.panel.empty_label.isVisible()
    assert setup.panel.empty_label.text() == (
        "Select a moment on the timeline, or press I and O to tag one."
    )
    assert setup.panel.empty_label.text() == EMPTY_TEXT
    assert not setup.panel.title_edit.isVisible()


def test_frames_are_shown_as_frame_numbers_and_times(setup: Setup) -> None:
    times = setup.ws.library.frame_times(setup.recording_id)
    text = setup.panel.timing.text()
    assert "frames 10–40" in text
    assert "31 frames" in text
    assert timecode(times.frame_to_ms(10)) in text
    start, end = times.span_ms(10, 40)
    assert f"{(end - start) / 1000:.2f} s" in text


def test_checking_a_code_stores_it_and_undo_unchecks_it(setup: Setup, qtbot: QtBot) -> None:
    box = setup.panel.codes.box("receiving-initiatives")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    assert box.isChecked()
    assert setup.ws.annotations.moment(setup.moment_id).codes == ("receiving-initiatives",)
    assert setup.ws.undo_name == "Change Codes"

    setup.ws.undo()
    assert not box.isChecked()
    assert setup.ws.annotations.moment(setup.moment_id).codes == ()


def test_a_code_toggled_elsewhere_shows_up_here(setup: Setup) -> None:
    setup.ws.update_moment(setup.moment_id, codes=["guiding", "being-attentive"])
    assert setup.panel.codes.box("guiding").isChecked()
    assert setup.panel.codes.box("being-attentive").isChecked()
    assert not setup.panel.codes.box("deepening-discussion").isChecked()


def test_typing_a_title_and_leaving_the_field_is_one_undo_step(setup: Setup, qtbot: QtBot) -> None:
    title = setup.panel.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClicks(title, "Shared smile at the mirror")
    assert setup.ws.annotations.moment(setup.moment_id).title == ""  # not stored per keystroke

    _leave(setup, qtbot)
    assert setup.ws.annotations.moment(setup.moment_id).title == "Shared smile at the mirror"
    assert setup.ws.undo_name == "Edit Moment"

    setup.ws.undo()
    assert setup.ws.undo_name == "Add Moment"  # the whole title was one step
    assert title.text() == ""


def test_a_refresh_never_overwrites_text_being_typed(setup: Setup, qtbot: QtBot) -> None:
    title = setup.panel.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClicks(title, "Half typ")
    setup.ws.update_moment(setup.moment_id, codes=["guiding"], title="From elsewhere")
    assert title.text() == "Half typ"
    assert setup.panel.codes.box("guiding").isChecked()

    _leave(setup, qtbot)
    assert setup.ws.annotations.moment(setup.moment_id).title == "Half typ"


def test_the_note_is_stored_after_a_pause_in_typing(setup: Setup, qtbot: QtBot) -> None:
    note = setup.panel.note_edit
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "Mum waits; baby looks back")
    qtbot.waitUntil(
        lambda: setup.ws.annotations.moment(setup.moment_id).note == "Mum waits; baby looks back",
        timeout=3000,
    )
    assert note.hasFocus()
    setup.ws.undo()
    assert setup.ws.annotations.moment(setup.moment_id).note == ""


def test_switching_moments_stores_what_was_typed_for_the_last_one(
    setup: Setup, qtbot: QtBot
) -> None:
    other = setup.ws.add_moment(setup.recording_id, start_frame=45, end_frame=55, title="Other")
    title = setup.panel.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClicks(title, "Peekaboo")
    setup.panel.set_moment(other.id)
    assert setup.ws.annotations.moment(setup.moment_id).title == "Peekaboo"
    assert title.text() == "Other"


def test_suggest_fills_an_empty_box_with_wording_true_to_the_clip(
    setup: Setup, qtbot: QtBot
) -> None:
    assert not setup.panel.suggest_button.isEnabled()  # nothing ticked or marked yet
    ws, rec = setup.ws, setup.recording_id
    ws.add_turn(rec, frame=12, actor="child", kind="initiative", note="reached for the ball")
    ws.add_turn(rec, frame=18, actor="adult", kind="response", note="named it")
    codes = ["being-attentive", "receiving-initiatives"]
    ws.update_moment(setup.moment_id, codes=codes)
    assert setup.panel.suggest_button.isEnabled()

    qtbot.mouseClick(setup.panel.suggest_button, Qt.MouseButton.LeftButton)
    expected = suggest_strengths(setup.book, codes, ws.annotations.turns(rec, setup.moment_id),
                                 child=Child("Maya", "she"), times=ws.library.frame_times(rec))
    assert expected.startswith("Maya reached for the ball, and you named it.")
    assert setup.panel.replace_box is None  # an empty box is filled without asking
    assert setup.panel.strengths_edit.toPlainText() == expected
    assert ws.annotations.moment(setup.moment_id).strengths == expected
    assert ws.undo_name == "Edit Moment"
    assert not setup.panel.wording_hint.isVisible()


def test_suggest_asks_before_replacing_the_practitioners_own_words(
    setup: Setup, qtbot: QtBot
) -> None:
    ws = setup.ws
    mine = "You waited so patiently for her."
    ws.update_moment(setup.moment_id, codes=["guiding"], strengths=mine)
    qtbot.mouseClick(setup.panel.suggest_button, Qt.MouseButton.LeftButton)
    box = setup.panel.replace_box
    assert box is not None
    assert box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "Keep My Words")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: setup.panel.replace_box is None)
    assert ws.annotations.moment(setup.moment_id).strengths == mine
    assert setup.panel.strengths_edit.toPlainText() == mine

    qtbot.mouseClick(setup.panel.suggest_button, Qt.MouseButton.LeftButton)
    box = setup.panel.replace_box
    assert box is not None
    replace = next(b for b in box.buttons() if b.text() == "Replace")
    qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: setup.panel.replace_box is None)
    suggestion = ws.annotations.moment(setup.moment_id).strengths
    assert suggestion.startswith("You gave Maya just enough help")
    ws.update_moment(setup.moment_id, codes=["guiding", "being-attentive"])
    qtbot.mouseClick(setup.panel.suggest_button, Qt.MouseButton.LeftButton)
    assert setup.panel.replace_box is None  # replacing its own draft needs no asking
    assert ws.annotations.moment(setup.moment_id).strengths.startswith("You gave Maya your")


def test_deficit_words_in_the_wording_raise_a_gentle_hint(setup: Setup, qtbot: QtBot) -> None:
    setup.ws.update_moment(setup.moment_id, strengths="You missed her first look.")
    assert setup.panel.wording_hint.isVisible()
    assert "“missed”" in setup.panel.wording_hint.text()


def test_the_prompt_offers_vig_questions_and_stores_the_choice(setup: Setup, qtbot: QtBot) -> None:
    box = setup.panel.prompt_box
    assert [box.itemText(i) for i in range(box.count())] == list(VIG_PROMPTS)
    line = box.lineEdit()
    assert line is not None
    line.setFocus()
    qtbot.keyClicks(line, "How did your baby respond to you?")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    prompt = setup.ws.annotations.moment(setup.moment_id).prompt
    assert prompt == "How did your baby respond to you?"


def test_choosing_for_review_takes_the_next_place(setup: Setup, qtbot: QtBot) -> None:
    setup.ws.add_moment(
        setup.recording_id, start_frame=45, end_frame=55, selected_for_review=True, review_order=1
    )
    check = setup.panel.review.check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(10, check.height() // 2))
    moment = setup.ws.annotations.moment(setup.moment_id)
    assert moment.selected_for_review
    assert moment.review_order == 2
    assert setup.panel.review.order.value() == 2
    assert setup.panel.review.order.isEnabled()
    assert setup.ws.undo_name == "Choose for Review"
    setup.ws.undo()
    assert not check.isChecked()


def test_turns_and_chain_numbers_follow_added_turns(setup: Setup) -> None:
    ws, rec = setup.ws, setup.recording_id
    tree = setup.panel.turns.tree
    assert setup.panel.turns.empty_label.isVisible()

    ws.add_turn(rec, frame=12, actor="child", kind="initiative")
    ws.add_turn(rec, frame=18, actor="adult", kind="response")
    ws.add_turn(rec, frame=25, actor="child", kind="initiative")
    ws.add_turn(rec, frame=31, actor="adult", kind="response")
    ws.add_turn(rec, frame=50, actor="child", kind="initiative")  # outside the moment

    assert tree.topLevelItemCount() == 4
    first = tree.topLevelItem(0)
    assert first is not None
    assert [first.text(c) for c in (0, 2, 3)] == ["12", "Child", "Initiative"]
    # A new serve starts a new chain: two chains of two turns each.
    assert setup.panel.turns.chain_label.text() == "2 turns (of 4)"
    times = ws.library.frame_times(rec)
    expected = median(
        [
            times.frame_to_ms(18) - times.frame_to_ms(12),
            times.frame_to_ms(31) - times.frame_to_ms(25),
        ]
    )
    assert f"{round(expected) / 1000:.2f} s median" in setup.panel.turns.latency_label.text()
    assert "2 of 2 child cues" in setup.panel.turns.latency_label.text()

    # The practitioner's record and the progress chart count the same turns the same way.
    case_id = ws.library.recording(rec).case_id
    ws.annotations.choose_for_review(setup.moment_id, True)
    record = build_summary(ws, case_id, 1, audience="practitioner", codebook=setup.book)
    detail = record.moments[0].detail
    assert detail is not None
    assert detail.longest_chain == 2
    progress = measure_progress(ws, case_id, 1, setup.book, known_only=False)
    assert progress.cycles[0].longest_chain == 2
    assert progress.cycles[0].median_latency_ms == pytest.approx(expected)
    ws.undo()

    ws.undo()
    ws.undo()
    assert tree.topLevelItemCount() == 3


def test_deleting_the_moment_shows_the_empty_state(setup: Setup) -> None:
    setup.ws.delete_moment(setup.moment_id)
    assert setup.panel.moment_id is None
    assert setup.panel.empty_label.isVisible()


def test_the_order_box_moves_the_clip_without_duplicate_numbers(
    setup: Setup, qtbot: QtBot
) -> None:
    ws = setup.ws
    first = ws.add_moment(setup.recording_id, start_frame=45, end_frame=50)
    second = ws.add_moment(setup.recording_id, start_frame=51, end_frame=55)
    for moment_id in (first.id, second.id, setup.moment_id):
        ws.annotations.choose_for_review(moment_id, True)
    order = setup.panel.review.order
    assert (order.value(), order.maximum()) == (3, 3)
    order.lineEdit().selectAll()
    qtbot.keyClicks(order, "1")
    qtbot.keyClick(order, Qt.Key.Key_Return)
    places = {m.id: m.review_order for m in ws.moments(setup.recording_id)}
    assert places == {setup.moment_id: 1, first.id: 2, second.id: 3}
    assert ws.undo_name == "Reorder Review"
    assert setup.panel.review.of_label.text() == "of 3"
    ws.undo()
    assert order.value() == 3


def test_a_title_left_for_a_moment_is_saved_while_still_typing(
    setup: Setup, qtbot: QtBot
) -> None:
    title = setup.panel.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClicks(title, "Peekaboo")
    qtbot.waitUntil(
        lambda: setup.ws.annotations.moment(setup.moment_id).title == "Peekaboo", timeout=3000)
    assert title.hasFocus()  # saved as notes are: no need to leave the field


def test_esc_in_the_title_puts_back_what_it_said(setup: Setup, qtbot: QtBot) -> None:
    setup.ws.update_moment(setup.moment_id, title="Shared smile")
    title = setup.panel.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    title.selectAll()
    qtbot.keyClicks(title, "Oops")
    qtbot.waitUntil(  # even after the pause in typing has saved it...
        lambda: setup.ws.annotations.moment(setup.moment_id).title == "Oops", timeout=3000)
    qtbot.keyClick(title, Qt.Key.Key_Escape)
    assert title.text() == "Shared smile"  # ...Esc puts back what it said before
    assert setup.ws.annotations.moment(setup.moment_id).title == "Shared smile"


def test_a_moment_without_a_still_says_where_it_pauses_and_how_to_keep_one(
    setup: Setup, qtbot: QtBot
) -> None:
    still = setup.panel.still
    assert "pauses on its last frame" in still.where.text()
    assert "frame 40" in still.where.text()
    assert "press S" in still.how.text()  # the key, looked up in the keymap
    assert not still.caption.isVisibleTo(still)
    qtbot.waitUntil(still.has_picture, timeout=5000)  # the last frame, small


def test_the_still_shows_its_frame_and_its_caption_is_edited_and_removed(
    setup: Setup, qtbot: QtBot
) -> None:
    ws, still = setup.ws, setup.panel.still
    kept = ws.annotations.set_still(setup.moment_id, 25)
    assert "frame 25" in still.where.text()
    qtbot.waitUntil(lambda: still.has_picture() and still.picture.toolTip() == "frame 25",
                    timeout=5000)
    still.caption.setFocus()
    qtbot.waitUntil(still.caption.hasFocus)
    qtbot.keyClicks(still.caption, "She looks up at you")
    qtbot.keyClick(still.caption, Qt.Key.Key_Return)
    assert ws.annotations.stills_in(ws.annotations.moment(setup.moment_id))[0].caption == (
        "She looks up at you")
    assert ws.undo_name == "Edit Still"

    qtbot.mouseClick(still.remove_button, Qt.MouseButton.LeftButton)
    assert ws.annotations.stills(setup.recording_id) == []
    assert ws.undo_name == "Delete Still"
    assert "last frame" in still.where.text()
    ws.undo()
    assert still.still is not None
    assert still.still.id == kept.id
    assert still.caption.text() == "She looks up at you"


def test_folds_open_when_there_is_room_and_stay_as_the_user_leaves_them(
    setup: Setup, qtbot: QtBot
) -> None:
    panel = setup.panel
    panel.resize(400, 1400)
    qtbot.waitUntil(lambda: all(f.is_open for f in (panel.still_fold, panel.note_fold,
                                                    panel.turns_fold)))
    panel.resize(400, 520)
    qtbot.waitUntil(lambda: not panel.turns_fold.is_open)
    assert not panel.note_fold.is_open
    qtbot.mouseClick(panel.note_fold.header, Qt.MouseButton.LeftButton)
    assert panel.note_fold.is_open
    panel.resize(400, 500)
    qtbot.wait(50)
    assert panel.note_fold.is_open  # opened by hand: it stays open
    panel.note_edit.set_text_quietly("")
    setup.ws.update_moment(setup.moment_id, note="Mum waits; baby looks back")
    qtbot.mouseClick(panel.note_fold.header, Qt.MouseButton.LeftButton)
    assert "Mum waits" in panel.note_fold.summary.full


def test_scrolling_past_the_order_and_question_never_changes_them(
    setup: Setup, qtbot: QtBot
) -> None:
    ws = setup.ws
    other = ws.add_moment(setup.recording_id, start_frame=45, end_frame=50)
    for moment_id in (setup.moment_id, other.id):
        ws.annotations.choose_for_review(moment_id, True)
    setup.panel.title_edit.setFocus()
    for widget in (setup.panel.review.order, setup.panel.prompt_box):
        centre = QPointF(widget.rect().center())
        wheel = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(widget, wheel)
    setup.panel.commit_pending()
    moment = ws.annotations.moment(setup.moment_id)
    assert (moment.review_order, moment.prompt) == (1, "")
    assert setup.panel.review.order.value() == 1

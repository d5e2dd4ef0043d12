"""The inspector edits the real workspace at once and follows it (Undo, keys elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import Codebook, builtin_codebook
from vigtool.domain.clock import player_time as timecode
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.inspector import EMPTY_TEXT, InspectorPanel
from vigtool.report.progress import measure_progress
from vigtool.report.summary import build_summary
from vigtool.wording import VIG_PROMPTS, suggest_strengths
from vigtool.workspace import Workspace


@dataclass
class Setup:
    ws: Workspace
    panel: InspectorPanel
    book: Codebook
    recording_id: int
    moment_id: int


@pytest.fixture
def setup(workspace: Workspace, small_video: VideoTruth, qtbot: QtBot) -> Iterator[Setup]:
    case = workspace.add_case("FAM-01")
    recording = workspace.import_recording(case.id, path=small_video.path)
    moment = workspace.add_moment(recording.id, start_frame=10, end_frame=40)
    bridge = WorkspaceBridge(workspace)
    book = builtin_codebook("vig-principles")
    panel = InspectorPanel(bridge, book)
    qtbot.addWidget(panel)
    panel.resize(400, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitActive(panel)
    panel.set_moment(moment.id)
    yield Setup(workspace, panel, book, recording.id, moment.id)
    panel.close()
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
    assert "frame 10" in text
    assert "frame 40" in text
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


def test_suggest_fills_the_wording_from_the_codebook(setup: Setup, qtbot: QtBot) -> None:
    assert not setup.panel.suggest_button.isEnabled()  # nothing ticked yet
    codes = ["being-attentive", "developing-attuned-interactions"]
    setup.ws.update_moment(setup.moment_id, codes=codes)
    assert setup.panel.suggest_button.isEnabled()

    qtbot.mouseClick(setup.panel.suggest_button, Qt.MouseButton.LeftButton)
    expected = suggest_strengths(setup.book, codes)
    assert expected.startswith(setup.book.code("being-attentive").parent_wording)
    assert setup.panel.strengths_edit.toPlainText() == expected
    assert setup.ws.annotations.moment(setup.moment_id).strengths == expected
    assert setup.ws.undo_name == "Edit Moment"
    assert not setup.panel.wording_hint.isVisible()


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

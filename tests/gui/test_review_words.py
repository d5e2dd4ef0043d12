"""Nothing the parent says in a shared review is lost: on a clip, on the closing page, in the
gallery and in an empty review, the words are saved as they are typed and when it closes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui import review_setup
from tests.gui.review_setup import Prepared, at_size, open_window
from vigtool.workspace import Workspace

prepared = review_setup.prepared  # the fixture, shared with the other review tests


def _words(ws: Workspace, case_id: int) -> list[tuple[str, int | None, int]]:
    return [(r.text, r.moment_id, r.cycle) for r in ws.review.reflections(case_id)]


def test_the_parents_words_are_saved_at_once(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, chosen = prepared
    window = open_window(qtbot, ws, case_id)
    window.notes.words.setFocus()
    qtbot.keyClicks(window.notes.words, "He was looking right at me")
    qtbot.waitUntil(lambda: bool(ws.review.reflections(case_id)), timeout=3000)
    assert _words(ws, case_id) == [("He was looking right at me", chosen[0], 1)]
    assert window.notes.saved.text() == "Saved"
    qtbot.keyClicks(window.notes.words, " and smiling")
    window.go(1)  # changing clip saves what was typed
    assert _words(ws, case_id) == [("He was looking right at me and smiling", chosen[0], 1)]
    window.close()


def test_words_on_the_closing_page_are_kept_when_the_window_closes(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_closing()
    assert window.notes.words.isVisible()
    window.notes.words.setFocus()
    qtbot.keyClicks(window.notes.words, "Overall I feel more confident.")
    window.close()  # at once: before the pause in typing that saves
    assert _words(ws, case_id) == [("Overall I feel more confident.", None, 1)]


def test_closing_words_show_saved_and_come_back_to_be_edited(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, chosen = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_closing()
    qtbot.keyClicks(window.notes.words, "I feel more confident")
    qtbot.waitUntil(lambda: window.notes.saved.text() == "Saved", timeout=3000)
    assert _words(ws, case_id) == [("I feel more confident", None, 1)]
    window.go(0)  # back to a clip: its own, empty box
    assert window.notes.words.toPlainText() == ""
    window.show_closing()  # and back: the words typed here, still being edited
    assert window.notes.words.toPlainText() == "I feel more confident"
    qtbot.keyClicks(window.notes.words, " now")
    window.notes.save_now()
    assert _words(ws, case_id) == [("I feel more confident now", None, 1)]
    window.go(0)
    qtbot.keyClicks(window.notes.words, "She smiled")
    window.close()
    assert sorted(_words(ws, case_id), key=str) == sorted(
        [("I feel more confident now", None, 1), ("She smiled", chosen[0], 1)], key=str)


def test_the_closing_page_reads_back_what_was_said_about_the_clips(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_closing()
    assert not window.closing.said.isVisible()  # nothing said yet: no empty heading
    window.go(0)
    qtbot.keyClicks(window.notes.words, "He was looking right at me")
    window.show_closing()
    assert window.closing.said.text() == "“He was looking right at me”"
    assert window.closing.said.isVisible()
    window.close()


def test_words_in_the_gallery_are_about_the_review_as_a_whole(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_gallery()
    qtbot.keyClicks(window.notes.words, "I love that picture")
    window.close()
    assert _words(ws, case_id) == [("I love that picture", None, 1)]


def test_an_empty_review_is_warm_useful_and_keeps_the_words(qtbot: QtBot, tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "empty")
    case = ws.add_case("FAM-02")
    ws.add_consent(case.id, kind="filming", given=True)
    window = open_window(qtbot, ws, case.id)
    assert window.plan == ()
    assert not window.stage.count.isVisible()
    assert "press R" in window.stage.notice
    assert not any(b.isVisible() for b in window.stage.control_buttons)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # nothing to play: no error
    window.notes.words.setFocus()
    qtbot.keyClicks(window.notes.words, "We just talked today")
    window.close()
    assert _words(ws, case.id) == [("We just talked today", None, 1)]
    ws.close()


def test_the_parents_words_survive_an_undo_and_an_emptied_box_removes_them(
    qtbot: QtBot, prepared: Prepared
) -> None:

    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.notes.words.setPlainText("first words")
    window.notes.save_now()
    ws.undo()  # Ctrl+Z in the main window takes the saved reflection away
    window.notes.words.setPlainText("first words, and more")
    window.notes.save_now()
    assert [r.text for r in ws.review.reflections(case_id)] == ["first words, and more"]
    window.notes.words.setPlainText("")
    window.notes.save_now()
    assert ws.review.reflections(case_id) == []
    window.close()


def test_closing_screen_edits_the_question_and_goals(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_closing()
    question = window.closing.question
    assert question.text() == "How can I help him settle?"
    window.closing.new_goal.setFocus()
    qtbot.keyClicks(window.closing.new_goal, "Wait for his reply")
    qtbot.keyClick(window.closing.new_goal, Qt.Key.Key_Return)
    assert [g.text for g in ws.review.goals(case_id, 1)] == ["Wait for his reply"]
    assert window.closing.new_goal.text() == ""
    question.setFocus()
    qtbot.keyClick(question, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(question, " at night")
    qtbot.keyClick(question, Qt.Key.Key_Return)  # confirms; no new line
    assert ws.caseload.case(case_id).helping_question == "How can I help him settle? at night"
    assert "\n" not in question.text()
    qtbot.keyClicks(window.closing.new_goal, "Name what he looks at")  # not confirmed yet
    window.close()
    assert [g.text for g in ws.review.goals(case_id, 1)] == ["Wait for his reply",
                                                             "Name what he looks at"]


def test_a_long_helping_question_wraps_and_reads_whole(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, _ = prepared
    long_question = ("I'd like to know how to keep our play going when he babbles to me, "
                     "and what to do when he turns away and starts to cry in the evening.")
    ws.update_case(case_id, helping_question=long_question)
    window = open_window(qtbot, ws, case_id)
    at_size(qtbot, window, 1280, 720)
    window.show_closing()
    field = window.closing.question
    qtbot.waitUntil(lambda: field.height() > 2 * field.fontMetrics().lineSpacing(),
                    timeout=3000)
    assert field.verticalScrollBar().maximum() == 0, "part of the question is scrolled away"
    window.close()

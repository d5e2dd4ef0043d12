"""The shared review window: only chosen clips, in order; the parent's words are saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from sample_clips.pattern import read_frame_number
from tests.gui.images import qimage_to_rgb
from vigtool.gui.review_window import NOTHING_CHOSEN, ReviewWindow
from vigtool.gui.video_surface import VideoSurface
from vigtool.workspace import Workspace


@pytest.fixture
def prepared(tmp_path: Path, small_video: VideoTruth) -> Iterator[tuple[Workspace, int, list[int]]]:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-01", helping_question="How can I help him settle?")
    rec = ws.import_recording(case.id, path=small_video.path)
    second = ws.add_moment(rec.id, start_frame=30, end_frame=35, title="Second",
                           selected_for_review=True, review_order=2, prompt="How did he respond?")
    ws.add_moment(rec.id, start_frame=0, end_frame=10, title="Not chosen")
    first = ws.add_moment(rec.id, start_frame=10, end_frame=14, title="First",
                          selected_for_review=True, review_order=1)
    ws.add_still(rec.id, frame=12, caption="A smile")
    yield ws, case.id, [first.id, second.id]
    ws.close()


def _window(qtbot: QtBot, ws: Workspace, case_id: int) -> ReviewWindow:
    window = ReviewWindow(ws, case_id, 1, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _shown_picture(surface: VideoSurface) -> np.ndarray:
    """The picture as it is painted on screen, without the dark ground around it."""
    return qimage_to_rgb(surface.grab(surface.picture_rect()).toImage())


def _shown_frame(surface: VideoSurface) -> int | None:
    if not surface.has_image():
        return None
    try:
        return read_frame_number(_shown_picture(surface))
    except ValueError:
        return None


def _words_band_over(picture: np.ndarray) -> bool:
    """The dark band a question or caption is written on, over the bottom of the picture.

    The sample clips' bottom edge is mid-grey (72); under the band it is far darker.
    """
    bottom_left = picture[-4:, : max(4, picture.shape[1] // 20)]
    return float(bottom_left.mean()) < 48


def test_plays_only_the_chosen_clips_in_review_order(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, chosen = prepared
    window = _window(qtbot, ws, case_id)
    assert [item.moment.id for item in window.plan] == chosen
    assert window.stage.count.text() == "Clip 1 of 2"
    # The first clip plays through and stops on its still, with the default question.
    qtbot.waitUntil(lambda: window.stage.question == "What do you notice here?", timeout=8000)
    assert window.player.frame == 12
    qtbot.waitUntil(lambda: _shown_frame(window.stage.surface) == 12, timeout=5000)
    assert _words_band_over(_shown_picture(window.stage.surface))
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.stage.title.text() == "Second"
    assert window.stage.count.text() == "Clip 2 of 2"
    qtbot.waitUntil(lambda: window.stage.question == "How did he respond?", timeout=8000)
    assert window.player.frame == 35
    qtbot.waitUntil(lambda: _shown_frame(window.stage.surface) == 35, timeout=5000)
    window.close()


def test_the_parents_words_are_saved_at_once(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, chosen = prepared
    window = _window(qtbot, ws, case_id)
    window.notes.words.setFocus()
    qtbot.keyClicks(window.notes.words, "He was looking right at me")
    qtbot.waitUntil(lambda: bool(ws.review.reflections(case_id)), timeout=3000)
    (words,) = ws.review.reflections(case_id)
    assert (words.text, words.moment_id, words.cycle) == ("He was looking right at me",
                                                           chosen[0], 1)
    qtbot.keyClicks(window.notes.words, " and smiling")
    window.go(1)  # changing clip saves what was typed
    (words,) = ws.review.reflections(case_id)
    assert words.text == "He was looking right at me and smiling"
    window.close()


def test_closing_screen_edits_the_question_and_goals(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, _ = prepared
    window = _window(qtbot, ws, case_id)
    window.show_closing()
    assert window.closing.question.text() == "How can I help him settle?"
    window.closing.new_goal.setFocus()
    qtbot.keyClicks(window.closing.new_goal, "Wait for his reply")
    qtbot.keyClick(window.closing.new_goal, Qt.Key.Key_Return)
    assert [g.text for g in ws.review.goals(case_id, 1)] == ["Wait for his reply"]
    window.closing.question.setText("How can I help him settle at night?")
    window.closing.question.editingFinished.emit()
    assert ws.caseload.case(case_id).helping_question == "How can I help him settle at night?"
    window.close()


def test_with_nothing_chosen_it_says_what_to_do(qtbot: QtBot, tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "empty")
    case = ws.add_case("FAM-02")
    window = _window(qtbot, ws, case.id)
    assert window.plan == ()
    assert window.stage.notice == NOTHING_CHOSEN
    assert not window.stage.surface.has_image()
    painted = qimage_to_rgb(window.stage.surface.grab().toImage())
    assert int(painted.max()) > 150  # the words are drawn, light on the dark ground
    assert not window.stage.play_button.isEnabled()
    window.close()
    ws.close()


def test_the_gallery_shows_the_cycles_stills_big(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, _ = prepared
    window = _window(qtbot, ws, case_id)
    window.show_gallery()
    assert [s.caption for s in window.gallery.stills] == ["A smile"]
    qtbot.waitUntil(lambda: window.gallery.picture.has_image(), timeout=5000)
    assert window.gallery.strip.currentItem().text() == "A smile"
    qtbot.waitUntil(lambda: _shown_frame(window.gallery.picture) == 12, timeout=5000)
    assert _words_band_over(_shown_picture(window.gallery.picture))  # its caption, over it
    window.close()


def test_play_after_a_clip_ends_never_runs_into_the_rest_of_the_film(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, _ = prepared
    window = _window(qtbot, ws, case_id)
    qtbot.waitUntil(lambda: window.stage.question != "", timeout=8000)
    shown: list[int] = []
    window.player.frameChanged.connect(shown.append)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # play again from the pause
    assert window.stage.question == ""
    qtbot.waitUntil(lambda: window.stage.question != "", timeout=8000)
    assert shown, "Space did not play"
    assert max(shown) <= 14  # the first clip is frames 10..14
    assert window.player.frame <= 14
    assert not window.player.playing
    window.close()


def test_the_parents_words_survive_an_undo_and_an_emptied_box_removes_them(
    qtbot: QtBot, prepared: tuple[Workspace, int, list[int]]
) -> None:
    ws, case_id, _ = prepared
    window = _window(qtbot, ws, case_id)
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

"""The shared review window: only chosen clips, in order, within their frames; the question
under the picture, never over it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from tests.gui import review_setup
from tests.gui.review_setup import (
    Prepared,
    band_over,
    open_window,
    shown_frame,
    shown_picture,
    wrapped_height,
)
from vigtool.gui.review_window import SLOW_RATE

prepared = review_setup.prepared  # the fixture, shared with the other review tests


def test_plays_only_the_chosen_clips_in_review_order(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, chosen = prepared
    window = open_window(qtbot, ws, case_id)
    assert [item.moment.id for item in window.plan] == chosen
    assert window.stage.count.text() == "Clip 1 of 2"
    # The first clip plays through and stops on its still, with the default question.
    qtbot.waitUntil(lambda: window.stage.question == "What do you notice here?", timeout=8000)
    assert window.player.frame == 12
    qtbot.waitUntil(lambda: shown_frame(window.stage.surface) == 12, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.stage.title.text() == "Second"
    assert window.stage.count.text() == "Clip 2 of 2"
    qtbot.waitUntil(lambda: window.stage.question == "How did he respond?", timeout=8000)
    assert window.player.frame == 35
    qtbot.waitUntil(lambda: shown_frame(window.stage.surface) == 35, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.stage.title.text() == "First"
    window.close()


def test_the_question_is_under_the_picture_whole_and_covers_none_of_it(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, chosen = prepared
    long_question = ("When she reached for the ball and you named it, what did she do next, "
                     "and how did you know she wanted you to carry on with the game? And "
                     "when she looked away for a moment and then back at you, what did you "
                     "do that helped her come back to you?")
    ws.update_moment(chosen[1], prompt=long_question)
    window = open_window(qtbot, ws, case_id, start_moment=chosen[1])
    window.stop_on_question()
    qtbot.waitUntil(lambda: shown_frame(window.stage.surface) == 35, timeout=5000)
    band = window.stage.question_band
    assert band.text() == long_question
    assert band.isVisible()
    # Nothing is painted over the picture: its bottom edge is the clip's own grey.
    assert not band_over(shown_picture(window.stage.surface))
    surface = window.stage.surface
    picture = surface.picture_rect().translated(surface.mapTo(window, surface.rect().topLeft()))
    words = QRect(band.mapTo(window, band.rect().topLeft()), band.size())
    assert words.top() > picture.bottom(), "the question overlaps the picture"
    # Whole: the wrapped words fit the band, in letters no smaller than the floor.
    assert band.contentsRect().height() >= wrapped_height(band)
    assert band.font().pixelSize() >= 18
    window.close()


def test_frame_steps_and_slow_motion_stay_inside_the_clip(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.stop_on_question()  # paused on the still, frame 12 (the clip is 10..14)
    assert window.player.frame == 12
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.player.frame == 11
    qtbot.waitUntil(lambda: shown_frame(window.stage.surface) == 11, timeout=5000)
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.player.frame == 10, "stepped back out of the clip"
    for _ in range(9):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.player.frame == 14, "stepped on past the clip's end"
    assert window.stage.question == "What do you notice here?"  # stepping keeps the question
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert window.player.rate == SLOW_RATE
    assert window.stage.slower_button.isChecked()
    shown: list[int] = []
    window.player.frameChanged.connect(shown.append)
    qtbot.keyClick(window, Qt.Key.Key_R)  # watch again, in slow motion
    qtbot.waitUntil(lambda: window.stage.question != "", timeout=8000)
    assert shown, "R did not play"
    assert min(shown) >= 10
    assert max(shown) <= 14
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert window.player.rate == 1.0
    window.close()


def test_play_after_a_clip_ends_never_runs_into_the_rest_of_the_film(
    qtbot: QtBot, prepared: Prepared
) -> None:

    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
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


@pytest.mark.parametrize("where", ["second", "missing"])
def test_opens_at_the_chosen_start_moment(qtbot: QtBot, prepared: Prepared, where: str) -> None:
    ws, case_id, chosen = prepared
    start = chosen[1] if where == "second" else 9999
    window = open_window(qtbot, ws, case_id, start_moment=start)
    assert window.stage.title.text() == ("Second" if where == "second" else "First")
    assert window.notes.moment_id == (chosen[1] if where == "second" else chosen[0])
    window.close()

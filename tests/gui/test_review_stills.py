"""Stills in the shared review: keeping the picture on screen says so, the clip pauses there
from then on, and the gallery shows it at once, with its caption under the picture."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui import review_setup
from tests.gui.review_setup import (
    Prepared,
    band_over,
    open_window,
    shown_frame,
    shown_picture,
)
from vigtool.gui.review_notes import STILL_KEPT

prepared = review_setup.prepared  # the fixture, shared with the other review tests


def test_keep_this_picture_moves_the_clips_still_and_says_so(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, chosen = prepared
    window = open_window(qtbot, ws, case_id)
    window.stop_on_question()  # on the still at frame 12
    window.show_gallery()  # decoded once already, before the still moves
    qtbot.waitUntil(lambda: shown_frame(window.gallery.picture) == 12, timeout=5000)
    window.go(0)
    window.stop_on_question()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.player.frame == 13
    assert window.notes.still_kept.text() == ""
    window.notes.still_button.click()
    first = ws.annotations.moment(chosen[0])
    assert [(s.frame, s.caption) for s in ws.annotations.stills_in(first)] == [(13, "A smile")]
    assert window.notes.still_kept.text() == STILL_KEPT
    assert window.notes.still_kept.isVisible()
    window.stop_on_question()  # the clip now pauses on the new still
    assert window.player.frame == 13
    window.show_gallery()  # at once, in the same window
    assert [s.frame for s in window.gallery.stills] == [13]
    qtbot.waitUntil(lambda: shown_frame(window.gallery.picture) == 13, timeout=5000)
    window.go(0)
    assert window.notes.still_kept.text() == ""  # said once, for that picture
    window.close()


def test_a_clip_without_a_still_gets_one_and_the_gallery_grows(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, chosen = prepared
    window = open_window(qtbot, ws, case_id, start_moment=chosen[1])
    window.stop_on_question()  # no still in 30..35: its last frame
    assert window.player.frame == 35
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    window.keep_still()
    second = ws.annotations.moment(chosen[1])
    assert [s.frame for s in ws.annotations.stills_in(second)] == [33]
    window.show_gallery()
    assert [s.frame for s in window.gallery.stills] == [12, 33]
    assert window.gallery.strip.count() == 2
    window.gallery.strip.setCurrentRow(1)
    qtbot.waitUntil(lambda: shown_frame(window.gallery.picture) == 33, timeout=5000)
    window.close()


def test_the_gallery_shows_the_cycles_stills_big_with_the_caption_under_them(
    qtbot: QtBot, prepared: Prepared
) -> None:

    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    window.show_gallery()
    assert [s.caption for s in window.gallery.stills] == ["A smile"]
    qtbot.waitUntil(lambda: window.gallery.picture.has_image(), timeout=5000)
    assert window.gallery.strip.currentItem().text() == "A smile"
    qtbot.waitUntil(lambda: shown_frame(window.gallery.picture) == 12, timeout=5000)
    assert window.gallery.caption.text() == "A smile"
    assert window.gallery.caption.isVisible()
    assert not band_over(shown_picture(window.gallery.picture))
    window.close()

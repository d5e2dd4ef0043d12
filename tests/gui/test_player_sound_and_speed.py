"""The player's sound (volume and mute keys, the transport's control, remembered
between runs) and speed (J/K/L shuttling, direction) in the real main window,
offscreen. The sound tests use real libvlc where it is installed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.consent import filmed_case
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.main_window import MainWindow
from vigtool.gui.menus import MENUS
from vigtool.gui.transport import speed_text
from vigtool.gui.vlc_player import load_vlc
from vigtool.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
Opener = Callable[[Any], MainWindow]


@pytest.fixture
def open_window(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> Iterator[Opener]:
    """Opens main windows on one workspace and one settings file (VLC module or None)."""
    ws = Workspace.open(tmp_path / "ws")
    rec = ws.import_recording(filmed_case(ws, "FAM-01"), path=small_video.path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    windows: list[MainWindow] = []

    def opener(vlc: Any) -> MainWindow:
        win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), vlc, "", settings)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)  # window shortcuts need an active window
        win.open_recording(rec.id)
        windows.append(win)
        return win

    yield opener
    for win in windows:
        win.close()
    ws.close()


@pytest.fixture
def vlc() -> Any:
    module, problem = load_vlc()
    if module is None:
        pytest.skip(problem)
    return module


def _vlc_sound(win: MainWindow) -> tuple[int, bool]:
    """What libvlc itself holds (not what the window thinks it set)."""
    return win.player._vlc_player.sound()  # type: ignore[union-attr]


def _vlc_takes(qtbot: QtBot, win: MainWindow, level: int, muted: bool) -> None:
    """VLC's sound output starts (and, with no sound device, retries) on its own
    threads, so a level reaches it within a moment rather than at once."""
    qtbot.waitUntil(lambda: _vlc_sound(win) == (level, muted), timeout=5000)


def test_volume_and_mute_keys_reach_vlc_show_in_the_transport_and_are_remembered(
    qtbot: QtBot, open_window: Opener, vlc: Any
) -> None:
    win = open_window(vlc)
    assert win.transport.volume.isEnabled()
    assert win.transport.mute.isEnabled()
    assert win.transport.volume.value() == 100
    for _ in range(3):
        qtbot.keyClick(win, Qt.Key.Key_Down, CTRL)
    assert win.player.volume == 70
    assert win.transport.volume.value() == 70
    win.player.set_loop((0, win.player.frame_count - 1))  # the 2 s film plays throughout
    qtbot.keyClick(win, Qt.Key.Key_Space)  # a level set before playing is kept by VLC
    _vlc_takes(qtbot, win, 70, False)
    qtbot.keyClick(win, Qt.Key.Key_Up, CTRL)
    _vlc_takes(qtbot, win, 80, False)
    qtbot.keyClick(win, Qt.Key.Key_M)
    assert win.player.muted
    assert win.transport.mute.isChecked()
    _vlc_takes(qtbot, win, 80, True)
    win.transport.volume.setValue(55)  # moving the slider turns the sound back on
    _vlc_takes(qtbot, win, 55, False)
    assert not win.transport.mute.isChecked()
    win.transport.mute.click()
    _vlc_takes(qtbot, win, 55, True)
    qtbot.keyClick(win, Qt.Key.Key_Space)
    win.close()

    again = open_window(vlc)  # the next run starts where this one left off
    assert again.player.volume == 55
    assert again.player.muted
    assert again.transport.volume.value() == 55
    assert again.transport.mute.isChecked()
    qtbot.keyClick(again, Qt.Key.Key_Space)
    _vlc_takes(qtbot, again, 55, True)
    qtbot.keyClick(again, Qt.Key.Key_Space)


def test_volume_never_leaves_zero_to_a_hundred(
    qtbot: QtBot, open_window: Opener, vlc: Any
) -> None:
    win = open_window(vlc)
    qtbot.keyClick(win, Qt.Key.Key_Up, CTRL)
    assert win.player.volume == 100
    for _ in range(12):
        qtbot.keyClick(win, Qt.Key.Key_Down, CTRL)
    assert win.player.volume == 0
    assert win.transport.volume.value() == 0


def test_without_vlc_the_sound_controls_are_disabled_and_say_why(
    qtbot: QtBot, open_window: Opener
) -> None:
    win = open_window(None)
    for action in ("player.volume_up", "player.volume_down", "player.mute"):
        assert action in MENUS["Play"]
        assert not win.actions_by_id[action].isEnabled()
    assert not win.transport.volume.isEnabled()
    assert not win.transport.mute.isEnabled()
    assert "VLC is not installed" in win.transport.volume.toolTip()
    qtbot.keyClick(win, Qt.Key.Key_M)
    qtbot.keyClick(win, Qt.Key.Key_Down, CTRL)
    assert (win.player.volume, win.player.muted) == (100, False)


def test_after_shuttling_space_plays_at_the_speed_chosen_before(
    qtbot: QtBot, open_window: Opener
) -> None:
    win = open_window(None)
    speed = win.transport.speed
    qtbot.keyClick(win, Qt.Key.Key_L)
    qtbot.keyClick(win, Qt.Key.Key_L)
    assert win.player.playing
    assert win.player.rate == 2.0
    assert speed.text() == "2×"
    qtbot.keyClick(win, Qt.Key.Key_K)
    assert not win.player.playing
    assert (win.player.rate, speed.text()) == (1.0, "1×")
    qtbot.keyClick(win, Qt.Key.Key_Space)
    assert win.player.playing
    assert win.player.rate == 1.0
    qtbot.keyClick(win, Qt.Key.Key_Space)

    qtbot.keyClick(win, Qt.Key.Key_BracketLeft)  # a chosen speed outlives a shuttle
    assert win.player.rate == 0.75
    qtbot.keyClick(win, Qt.Key.Key_L)
    qtbot.keyClick(win, Qt.Key.Key_L)
    qtbot.keyClick(win, Qt.Key.Key_Space)  # Space pauses a shuttle too
    assert not win.player.playing
    assert (win.player.rate, speed.text()) == (0.75, "0.75×")


def test_playing_backwards_shows_its_direction(qtbot: QtBot, open_window: Opener) -> None:
    win = open_window(None)
    speed = win.transport.speed
    qtbot.keyClick(win, Qt.Key.Key_End)
    qtbot.keyClick(win, Qt.Key.Key_J)
    assert win.player.playing
    assert win.player.direction == -1
    assert speed.text() == "◀ 1×"
    qtbot.keyClick(win, Qt.Key.Key_J)
    assert speed.text() == "◀ 2×"
    qtbot.keyClick(win, Qt.Key.Key_L)  # the other way: forwards, normal speed
    assert speed.text() == "1×"
    qtbot.keyClick(win, Qt.Key.Key_K)
    assert not win.player.playing
    assert speed.text() == "1×"


def test_the_speed_readout() -> None:
    assert speed_text(1.0, 1, playing=True) == "1×"
    assert speed_text(0.5, -1, playing=True) == "◀ 0.5×"
    assert speed_text(2.0, -1, playing=False) == "2×"

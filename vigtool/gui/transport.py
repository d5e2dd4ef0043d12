"""The bar under the picture: play, step, speed, loop, and where the playhead is.

The time readout shows timecode and the frame number, because the frame
number is the truth and the timecode is what people say out loud.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QToolButton, QWidget

from vigtool.domain.clock import player_time
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.player_controller import PlayerController


class TransportBar(QWidget):
    """GUI thread only."""

    def __init__(self, player: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        self._player = player
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        style = self.style()
        icon = QStyle.StandardPixmap
        self._play_icon = style.standardIcon(icon.SP_MediaPlay)
        self._pause_icon = style.standardIcon(icon.SP_MediaPause)
        self.back = self._button(style.standardIcon(icon.SP_MediaSeekBackward),
                                 "Previous frame (Left)", lambda: player.step(-1))
        self.play = self._button(self._play_icon, "Play / Pause (Space)", player.toggle)
        self.play.setObjectName("playButton")
        self.forward = self._button(style.standardIcon(icon.SP_MediaSeekForward),
                                    "Next frame (Right)", lambda: player.step(1))
        for button in (self.back, self.play, self.forward):
            layout.addWidget(button)
        layout.addSpacing(12)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.time = QLabel()
        self.time.setObjectName("timeReadout")
        self.time.setFont(mono)
        self.time.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.time)
        layout.addStretch(1)
        self.marks = QLabel()
        self.marks.setObjectName("markReadout")
        layout.addWidget(self.marks)
        layout.addSpacing(12)
        self.speed = QLabel()
        self.speed.setObjectName("speedReadout")
        self.speed.setToolTip("Playback speed: [ slower, ] faster, \\ normal")
        layout.addWidget(self.speed)
        self.sound = QLabel()
        layout.addWidget(self.sound)
        player.frameChanged.connect(self._show_time)
        player.playingChanged.connect(self._show_playing)
        player.rateChanged.connect(self._show_rate)
        self._show_rate(player.rate)
        self._show_playing(False)
        self._show_time(0)
        if not player.has_sound:
            self.sound.setText("  silent")
            self.sound.setToolTip("VLC is not installed: stepping works, sound does not")

    def _button(self, icon: QIcon, tip: str, slot) -> QToolButton:  # type: ignore[no-untyped-def]
        button = QToolButton(self)
        button.setIcon(icon)
        button.setIconSize(QSize(22, 22))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _show_time(self, frame: int) -> None:
        times: FrameTimes | None = self._player.times
        if times is None:
            self.time.setText("no video open")
            return
        self.time.setText(
            f"{player_time(times.frame_to_ms(frame))} / {player_time(times.duration_ms)}"
            f"   frame {frame} of {times.frame_count - 1}"
        )

    def _show_playing(self, playing: bool) -> None:
        self.play.setIcon(self._pause_icon if playing else self._play_icon)

    def _show_rate(self, rate: float) -> None:
        self.speed.setText(f"{rate:g}×")

    def show_marks(self, text: str) -> None:
        self.marks.setText(text)

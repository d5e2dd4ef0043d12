"""The bar under the picture: play, step, speed and direction, sound, and where the playhead is.

The time readout shows timecode and the frame number, because the frame
number is the truth and the timecode is what people say out loud. The sound
level and mute are remembered between runs; without VLC there is no sound, so
they are shown disabled with the reason.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QPointF, QRect, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import (
    QFontDatabase,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from vigtool.domain.clock import player_time
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.keymap import binding
from vigtool.gui.player_controller import PlayerController
from vigtool.gui.theme import PaintedIcon

VOLUME_SETTING = "player/volume"
MUTED_SETTING = "player/muted"
REVERSE = "◀"


def speed_text(rate: float, direction: int, playing: bool) -> str:
    """The speed readout: "1×", or "◀ 2×" while playing backwards."""
    return f"{REVERSE} {rate:g}×" if playing and direction < 0 else f"{rate:g}×"


class TransportBar(QWidget):
    """GUI thread only."""

    def __init__(
        self, player: PlayerController, parent: QWidget | None = None, *,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        self._player = player
        self._settings = settings
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
        self.speed.setToolTip("Playback speed: [ slower, ] faster, \\ normal; "
                              f"{REVERSE} when playing backwards (J)")
        layout.addWidget(self.speed)
        layout.addSpacing(8)
        self._build_sound(layout)
        player.frameChanged.connect(self._show_time)
        player.playingChanged.connect(self._show_playing)
        player.rateChanged.connect(self._show_speed)
        player.soundChanged.connect(self._show_sound)
        self._restore_sound()
        self._show_sound(player.volume, player.muted)
        self._show_speed()
        self._show_playing(False)
        self._show_time(0)

    def _build_sound(self, layout: QHBoxLayout) -> None:
        player = self._player
        mute_key = binding("player.mute").keys[0]
        up, down = binding("player.volume_up").keys[0], binding("player.volume_down").keys[0]
        self.mute = self._button(QIcon(_SpeakerEngine()), f"Mute ({mute_key})",
                                 player.toggle_mute)
        self.mute.setObjectName("muteButton")
        self.mute.setCheckable(True)
        self.mute.setIconSize(QSize(20, 20))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volumeSlider")
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume.setFixedWidth(84)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.setAccessibleName("Volume")
        self.volume.valueChanged.connect(player.set_volume)
        layout.addWidget(self.mute)
        layout.addWidget(self.volume)
        if player.has_sound:
            self.volume.setToolTip(f"Volume ({up} louder, {down} quieter, {mute_key} mutes)")
        else:
            why = "No sound: VLC is not installed. Stepping and playing work, silently."
            for widget in (self.mute, self.volume):
                widget.setEnabled(False)
                widget.setToolTip(why)

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
        self._show_speed()

    def _show_speed(self, *_: object) -> None:
        player = self._player
        self.speed.setText(speed_text(player.rate, player.direction, player.playing))

    def _show_sound(self, volume: int, muted: bool) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(volume)
        self.volume.blockSignals(False)
        self.mute.setChecked(muted)
        key = binding("player.mute").keys[0]
        if self._player.has_sound:
            self.mute.setToolTip(f"Sound off: press {key} to hear it" if muted
                                 else f"Mute ({key})")
        self.mute.update()
        if self._settings is not None and self._player.has_sound:
            self._settings.setValue(VOLUME_SETTING, volume)
            self._settings.setValue(MUTED_SETTING, muted)

    def _restore_sound(self) -> None:
        if self._settings is None or not self._player.has_sound:
            return
        volume, muted = self._settings.value(VOLUME_SETTING), self._settings.value(MUTED_SETTING)
        if volume is not None:
            with contextlib.suppress(ValueError):  # a hand-edited setting
                self._player.set_volume(int(str(volume)))
        self._player.set_muted(str(muted).lower() in ("true", "1"))

    def show_marks(self, text: str) -> None:
        self.marks.setText(text)


class _SpeakerEngine(PaintedIcon):
    """A speaker with sound waves, or struck through when muted (the button is
    checked), in the palette's button-text colour when drawn, so it reads on every
    theme like the other media glyphs. GUI thread only."""

    def clone(self) -> QIconEngine:
        return _SpeakerEngine()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        group = (QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled
                 else QPalette.ColorGroup.Active)
        colour = QApplication.palette().color(group, QPalette.ColorRole.ButtonText)
        side = min(rect.width(), rect.height())
        box = QRectF(0, 0, side, side)
        box.moveCenter(QRectF(rect).center())

        def at(x: float, y: float) -> QPointF:
            return QPointF(box.x() + x * side, box.y() + y * side)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = QPainterPath(at(0.12, 0.38))
        for x, y in ((0.30, 0.38), (0.52, 0.18), (0.52, 0.82), (0.30, 0.62), (0.12, 0.62)):
            body.lineTo(at(x, y))
        body.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(body)
        pen = QPen(colour, max(1.5, side / 12))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if state == QIcon.State.On:  # muted
            painter.drawLine(at(0.64, 0.36), at(0.90, 0.64))
            painter.drawLine(at(0.64, 0.64), at(0.90, 0.36))
        else:
            for r in (0.16, 0.30):
                painter.drawArc(QRectF(at(0.52 - r, 0.5 - r), at(0.52 + r, 0.5 + r)),
                                -45 * 16, 90 * 16)
        painter.restore()


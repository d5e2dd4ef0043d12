"""The parent-facing part of the shared review: the clip, its question, big controls.

Nothing here shows the raw film or any practitioner text: only the chosen
clips, their titles and questions. It can live inside the review window or
alone, full screen, on a second screen (a TV). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.words import _


class ReviewStage(QWidget):
    previousClip = Signal()
    nextClip = Signal()
    replay = Signal()
    playPause = Signal()
    slower = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewStage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel()
        self.title.setObjectName("reviewClipTitle")
        self.title.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("reviewClipCount")
        self.surface = VideoSurface()
        self._question = ""
        self._notice = ""
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QHBoxLayout()
        buttons.setSpacing(14)
        self.previous_button = self._button(_("◀  Previous clip"), self.previousClip)
        self.replay_button = self._button(_("Watch again"), self.replay)
        self.play_button = self._button(_("Play"), self.playPause)
        self.play_button.setObjectName("reviewPlay")
        self.slower_button = self._button(_("Slower"), self.slower)
        self.slower_button.setCheckable(True)
        self.next_button = self._button(_("Next clip  ▶"), self.nextClip)
        buttons.addStretch(1)
        for button in (self.previous_button, self.replay_button, self.play_button,
                       self.slower_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 20)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.surface, 1)
        layout.addLayout(buttons)

    def _button(self, text: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(signal.emit)
        return button

    def show_clip(self, number: int, total: int, title: str) -> None:
        self.title.setText(title or f"Clip {number}")
        self.count.setText(f"Clip {number} of {total}")
        self.previous_button.setEnabled(number > 1)
        self.next_button.setText(_("Next clip  ▶") if number < total else "Finish  ▶")

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText(_("Pause") if playing else _("Play"))

    def show_question(self, text: str) -> None:
        """The question over the paused clip, in large words; "" takes it away."""
        self._question = text
        self.surface.set_overlay(text)

    @property
    def question(self) -> str:
        """The question the parent is being asked now ("" while a clip plays)."""
        return self._question

    def show_notice(self, text: str) -> None:
        """Words in place of the picture: nothing to show, or a problem playing it."""
        self._notice = text
        self.surface.show_message(text)

    @property
    def notice(self) -> str:
        """The words shown in place of the picture ("" once a picture is showing)."""
        return "" if self.surface.has_image() else self._notice

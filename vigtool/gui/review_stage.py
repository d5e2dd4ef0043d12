"""The parent-facing part of the shared review: the clip, its question, big controls.

Nothing here shows the raw film or any practitioner text: only the chosen
clips, their titles and questions. The question sits in its own band under
the picture, so it never covers the baby. It can live inside the review
window or alone, full screen, on a second screen (a TV). In presenter mode
(the practitioner's notes hidden), or on a tall screen, the controls grow. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vigtool.gui.review_band import WordsBand
from vigtool.gui.review_keys import PRESENTER_KEY
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.words import _

ROOMY_HEIGHT = 860  # a stage this tall has room for the larger controls
LARGE, NORMAL, SMALL = "large", "normal", "small"  # the controls' sizes, in review.qss
CONTROL_SIZES = (LARGE, NORMAL, SMALL)
ROW_SPACING = 12


def repolish(widget: QWidget) -> None:
    """Apply the stylesheet again after a dynamic property changed (to it and its children)."""
    for each in (widget, *widget.findChildren(QWidget)):
        style = each.style()
        style.unpolish(each)
        style.polish(each)
        each.updateGeometry()  # new sizes from the style: lay out again
        each.update()


class ReviewStage(QWidget):
    previousClip = Signal()
    nextClip = Signal()
    replay = Signal()
    playPause = Signal()
    slower = Signal()
    notesRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewStage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._presenter = False
        self.setProperty("controls", NORMAL)
        self.title = QLabel()
        self.title.setObjectName("reviewClipTitle")
        self.title.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("reviewClipCount")
        self.notes_button = QPushButton(_("Notes") + f"  ({PRESENTER_KEY})")
        self.notes_button.setObjectName("reviewNotesButton")
        self.notes_button.setToolTip(f"Show your notes again ({PRESENTER_KEY})")
        self.notes_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notes_button.clicked.connect(self.notesRequested.emit)
        self.notes_button.hide()
        self.surface = VideoSurface()
        self.question_band = WordsBand()
        self.empty = QLabel()
        self.empty.setObjectName("reviewEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.empty.hide()
        self._question = ""
        self._notice = ""
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.notes_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QHBoxLayout()
        buttons.setSpacing(ROW_SPACING)
        self.previous_button = self._button(_("◀  Previous clip"), self.previousClip)
        self.replay_button = self._button(_("Watch again"), self.replay)
        self.play_button = self._button(_("Play"), self.playPause)
        self.play_button.setObjectName("reviewPlay")
        self.slower_button = self._button(_("Slow motion"), self.slower)
        self.slower_button.setCheckable(True)
        self.next_button = self._button(_("Next clip  ▶"), self.nextClip)
        buttons.addStretch(1)
        for button in self.control_buttons:
            buttons.addWidget(button)
        buttons.addStretch(1)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 16)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.surface, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.question_band)
        layout.addLayout(buttons)

    @property
    def control_buttons(self) -> tuple[QPushButton, ...]:
        return (self.previous_button, self.replay_button, self.play_button,
                self.slower_button, self.next_button)

    def _button(self, text: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(signal.emit)
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.question_band.set_area_height(event.size().height())
        self._set_roomy()

    def _set_roomy(self) -> None:
        """The largest controls that fit the width whole: large in presenter mode or on a tall
        screen, then normal, then small (a screen under 1280 wide)."""
        wanted = LARGE if self._presenter or self.height() >= ROOMY_HEIGHT else NORMAL
        sizes = CONTROL_SIZES[CONTROL_SIZES.index(wanted):]
        margins = self._layout.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        for size in sizes:
            self._apply_controls(size)
            if self._row_width() <= room:
                return

    def _apply_controls(self, size: str) -> None:
        if self.property("controls") != size:
            self.setProperty("controls", size)
            repolish(self)

    def _row_width(self) -> int:
        shown = [b for b in self.control_buttons if not b.isHidden()]
        return sum(b.sizeHint().width() for b in shown) + ROW_SPACING * max(0, len(shown) - 1)

    def show_clip(self, number: int, total: int, title: str) -> None:
        self.title.setText(title or f"Clip {number}")
        self.count.setText(f"Clip {number} of {total}")
        self.count.show()
        self.previous_button.setEnabled(number > 1)
        self.next_button.setText(_("Next clip  ▶") if number < total else _("Finish  ▶"))
        for button in self.control_buttons:
            button.show()
        self._set_roomy()  # "Finish" is shorter than "Next clip"

    def show_empty(self, title: str, notice: str) -> None:
        """No clips to watch: warm words in place of the clip, and no controls to puzzle over."""
        self.title.setText(title)
        self.count.hide()
        for button in self.control_buttons:
            button.hide()
        self.show_question("")
        self.question_band.hide()
        self.surface.hide()
        self._notice = notice
        self.empty.setText(notice)
        self.empty.show()

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText(_("Pause") if playing else _("Play"))

    def show_question(self, text: str) -> None:
        """The question under the paused clip, in large words; "" takes it away."""
        self._question = text
        self.question_band.set_words(text)

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
        return "" if self.surface.has_image() and not self.empty.isVisibleTo(self) \
            else self._notice

    def set_presenter(self, on: bool) -> None:
        """Presenter mode: larger controls, and a quiet way back to the notes."""
        self._presenter = on
        self.notes_button.setVisible(on)
        self._set_roomy()

    @property
    def controls(self) -> str:
        """How large the controls are now: "large", "normal" or "small"."""
        return str(self.property("controls"))

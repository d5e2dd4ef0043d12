"""The practitioner's side of the shared review: the parent's own words, saved as typed.

The words are the parent's, written down as they say them; each clip gets
its own reflection, saved a moment after typing stops (and when the clip
changes), so nothing is lost if the laptop is closed mid-sentence.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.errors import NotFound
from vigtool.review_plan import ReviewItem
from vigtool.workspace import Workspace

SAVE_AFTER_MS = 700


class ReviewNotes(QWidget):
    secondScreenToggled = Signal(bool)
    closingRequested = Signal()
    galleryRequested = Signal()
    stillRequested = Signal()

    def __init__(self, workspace: Workspace, case_id: int, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewNotes")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ws = workspace
        self._case_id = case_id
        self._cycle = cycle
        self._item: ReviewItem | None = None
        self._reflection_id: int | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setObjectName("reflectionSave")
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self.save_now)

        self.heading = QLabel("Shared review")
        self.heading.setProperty("role", "section")
        self.strengths = QLabel()
        self.strengths.setWordWrap(True)
        self.strengths.setProperty("role", "muted")
        self.strengths.setToolTip("Your words for this clip, to say in your own way after "
                                  "the parent has spoken")
        words_label = QLabel("The parent's words")
        words_label.setProperty("role", "section")
        self.words = QPlainTextEdit()
        self.words.setObjectName("parentWords")
        self.words.setPlaceholderText("Write down what they say, in their own words…")
        self.words.textChanged.connect(self._save_timer.start)
        self.saved = QLabel("")
        self.saved.setProperty("role", "muted")
        earlier_label = QLabel("Said earlier about this clip")
        earlier_label.setProperty("role", "muted")
        self.earlier = QListWidget()
        self.earlier.setWordWrap(True)
        self.earlier.setMaximumHeight(140)
        self.still_button = QPushButton("Keep this picture as a still")
        self.still_button.clicked.connect(self.stillRequested.emit)
        self.screen_button = QPushButton("Show clips on a second screen")
        self.screen_button.setCheckable(True)
        self.screen_button.toggled.connect(self.secondScreenToggled.emit)
        self.gallery_button = QPushButton("Pictures from this film")
        self.gallery_button.clicked.connect(self.galleryRequested.emit)
        self.closing_button = QPushButton("Closing: question and next steps")
        self.closing_button.clicked.connect(self.closingRequested.emit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.strengths)
        layout.addSpacing(8)
        layout.addWidget(words_label)
        layout.addWidget(self.words, 2)
        row = QHBoxLayout()
        row.addWidget(self.saved)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(earlier_label)
        layout.addWidget(self.earlier, 1)
        layout.addSpacing(8)
        layout.addWidget(self.still_button)
        layout.addWidget(self.screen_button)
        layout.addWidget(self.gallery_button)
        layout.addWidget(self.closing_button)

    def show_item(self, item: ReviewItem | None) -> None:
        """Save what was typed for the last clip, then start fresh for this one."""
        self.save_now()
        self._item = item
        self._reflection_id = None
        self.words.blockSignals(True)
        self.words.clear()
        self.words.blockSignals(False)
        self.saved.setText("")
        self.earlier.clear()
        if item is None:
            self.heading.setText("Shared review")
            self.strengths.setText("")
            return
        self.heading.setText(item.title or "This clip")
        self.strengths.setText(item.moment.strengths)
        for reflection in self._ws.review.reflections(self._case_id):
            if reflection.moment_id == item.moment.id:
                self.earlier.addItem(f"“{reflection.text}”")

    def save_now(self) -> None:
        """Store the box as this clip's reflection: added, updated, or removed when emptied.

        If the stored reflection has gone (undone from the main window), the
        words are saved as a new one: what is in the box is never lost.
        """
        self._save_timer.stop()
        if self._item is None:
            return
        text = self.words.toPlainText().strip()
        if self._reflection_id is not None:
            try:
                if text:
                    self._ws.review.update_reflection(self._reflection_id, text=text)
                else:
                    self._ws.review.delete_reflection(self._reflection_id)
                    self._reflection_id = None
                    self.saved.setText("")
                    return
            except NotFound:
                self._reflection_id = None
        if self._reflection_id is None and text:
            reflection = self._ws.add_reflection(
                self._case_id, cycle=self._cycle, text=text, moment_id=self._item.moment.id
            )
            self._reflection_id = reflection.id
        self.saved.setText("Saved" if text else "")

    def set_second_screen(self, on: bool) -> None:
        self.screen_button.blockSignals(True)
        self.screen_button.setChecked(on)
        self.screen_button.blockSignals(False)

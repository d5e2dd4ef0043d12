"""The practitioner's side of the shared review: the parent's own words, saved as typed.

The words are the parent's, written down as they say them. On a clip they
are that clip's reflection; on the closing page, the gallery or an empty
review they are a reflection on the cycle as a whole. Either way they are
saved a moment after typing stops (and when the page changes, and when the
window closes), so nothing the parent says is lost. Coming back to a page
shows the words typed there and goes on editing them. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vigtool.errors import NotFound
from vigtool.gui.review_keys import PRESENTER_KEY, help_lines
from vigtool.review_plan import ReviewItem
from vigtool.workspace import Workspace

SAVE_AFTER_MS = 700
ONE_SCREEN_TIP = ("Only one screen is connected. Connect a TV or a second monitor to show "
                  "the clips there while your notes stay on the laptop; on one screen, "
                  f"{PRESENTER_KEY} hides your notes instead.")
STILL_KEPT = "Kept as the still for this clip"
WHOLE_REVIEW = "The review as a whole"


def _wrapping(text: str = "", role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if role:
        label.setProperty("role", role)
    return label


class ReviewNotes(QWidget):
    secondScreenToggled = Signal(bool)
    closingRequested = Signal()
    galleryRequested = Signal()
    stillRequested = Signal()
    presenterRequested = Signal()

    def __init__(self, workspace: Workspace, case_id: int, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewNotes")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ws = workspace
        self._case_id = case_id
        self._cycle = cycle
        self._shown = False  # nothing is written anywhere until a page is shown
        self._moment_id: int | None = None  # None: the cycle as a whole
        self._reflection_ids: dict[int | None, int] = {}  # page -> the reflection typed there
        self._save_timer = QTimer(self)
        self._save_timer.setObjectName("reflectionSave")
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self.save_now)

        self.heading = _wrapping("Shared review", "section")
        self.strengths = _wrapping(role="muted")
        self.strengths.setToolTip("Your words for this clip, to say in your own way after "
                                  "the parent has spoken")
        words_label = _wrapping("The parent's words", "section")
        self.words = QPlainTextEdit()
        self.words.setObjectName("parentWords")
        self.words.setPlaceholderText("Write down what they say, in their own words…")
        self.words.setTabChangesFocus(True)
        self.words.textChanged.connect(self._typed)
        self.saved = _wrapping(role="muted")
        self.earlier_label = _wrapping("Said earlier about this clip", "muted")
        self.earlier = QListWidget()
        self.earlier.setWordWrap(True)
        self.earlier.setFixedHeight(96)
        self.still_button = QPushButton("Keep this picture as a still")
        self.still_button.setToolTip("The clip will pause on this picture, and it goes in "
                                     "the pictures from this film")
        self.still_button.clicked.connect(self.stillRequested.emit)
        self.still_kept = _wrapping(role="muted")
        self.still_kept.setObjectName("stillKept")
        self.screen_button = QPushButton("Show clips on a second screen")
        self.screen_button.setCheckable(True)
        self.screen_button.toggled.connect(self.secondScreenToggled.emit)
        self.gallery_button = QPushButton("Pictures from this film")
        self.gallery_button.clicked.connect(self.galleryRequested.emit)
        self.closing_button = QPushButton("Closing: question and next steps")
        self.closing_button.clicked.connect(self.closingRequested.emit)
        self.presenter_button = QPushButton(f"Hide my notes  ({PRESENTER_KEY})")
        self.presenter_button.setObjectName("presenterButton")
        self.presenter_button.setToolTip(
            f"Presenter mode: the parent sees only the clip, its question and large "
            f"controls. {PRESENTER_KEY} brings your notes back.")
        self.presenter_button.clicked.connect(self.presenterRequested.emit)
        self.keys = _wrapping(f"{PRESENTER_KEY} hides these notes · ← → one frame · "
                              "S slow motion · Page Up/Down clips", "muted")
        self.keys.setObjectName("reviewKeysHelp")
        self.keys.setToolTip("Keys in the review:\n" + "\n".join(help_lines()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.strengths)
        layout.addSpacing(4)
        layout.addWidget(words_label)
        layout.addWidget(self.words, 1)
        row = QHBoxLayout()
        row.addWidget(self.saved, 1)
        layout.addLayout(row)
        layout.addWidget(self.earlier_label)
        layout.addWidget(self.earlier)
        layout.addSpacing(4)
        layout.addWidget(self.still_button)
        layout.addWidget(self.still_kept)
        layout.addWidget(self.gallery_button)
        layout.addWidget(self.closing_button)
        layout.addWidget(self.screen_button)
        layout.addWidget(self.presenter_button)
        layout.addWidget(self.keys)

    # -- which page the words belong to ----------------------------------------------------

    def show_item(self, item: ReviewItem | None, heading: str = WHOLE_REVIEW,
                  hint: str = "") -> None:
        """Save what was typed on the last page, then show this page's words.

        ``item`` None is the review as a whole (closing page, gallery, empty
        review): what is typed is a reflection on the cycle.
        """
        self.save_now()
        self._shown = True
        self._moment_id = item.moment.id if item is not None else None
        self.heading.setText((item.title or "This clip") if item is not None else heading)
        self.strengths.setText(item.moment.strengths if item is not None else hint)
        self.strengths.setVisible(bool(self.strengths.text()))
        self.earlier_label.setText("Said earlier about this clip" if item is not None
                                   else "Said earlier about the review")
        self.still_button.setVisible(item is not None)
        self.still_kept.setText("")
        self.still_kept.setVisible(item is not None)
        stored = self._stored_text()
        self.words.blockSignals(True)
        self.words.setPlainText(stored)
        self.words.moveCursor(QTextCursor.MoveOperation.End)  # go on where they left off
        self.words.blockSignals(False)
        self.saved.setText("Saved" if stored else "")
        self.earlier.clear()
        mine = self._reflection_ids.get(self._moment_id)
        for reflection in self._ws.review.reflections(self._case_id):
            if reflection.id == mine or reflection.moment_id != self._moment_id:
                continue
            if self._moment_id is None and reflection.cycle != self._cycle:
                continue
            self.earlier.addItem(f"“{reflection.text}”")

    def _stored_text(self) -> str:
        """The words typed on this page earlier in this review, if they are still stored."""
        reflection_id = self._reflection_ids.get(self._moment_id)
        if reflection_id is None:
            return ""
        try:
            return self._ws.review.reflection(reflection_id).text
        except NotFound:
            del self._reflection_ids[self._moment_id]
            return ""

    @property
    def moment_id(self) -> int | None:
        """The clip the words are about now (None: the review as a whole)."""
        return self._moment_id

    # -- saving -------------------------------------------------------------------------

    def _typed(self) -> None:
        self.saved.setText("")
        self._save_timer.start()

    def save_now(self) -> None:
        """Store the box as this page's reflection: added, updated, or removed when emptied.

        If the stored reflection has gone (undone from the main window), the
        words are saved as a new one: what is in the box is never lost.
        """
        self._save_timer.stop()
        if not self._shown:
            return
        text = self.words.toPlainText().strip()
        key = self._moment_id
        reflection_id = self._reflection_ids.get(key)
        if reflection_id is not None:
            try:
                if text:
                    self._ws.review.update_reflection(reflection_id, text=text)
                else:
                    self._ws.review.delete_reflection(reflection_id)
                    del self._reflection_ids[key]
                    self.saved.setText("")
                    return
            except NotFound:
                del self._reflection_ids[key]
                reflection_id = None
        if reflection_id is None and text:
            reflection = self._ws.add_reflection(
                self._case_id, cycle=self._cycle, text=text, moment_id=key
            )
            self._reflection_ids[key] = reflection.id
        self.saved.setText("Saved" if text else "")

    # -- the rest of the panel ------------------------------------------------------------

    def show_still_kept(self, text: str) -> None:
        self.still_kept.setText(text)

    def set_screens(self, count: int) -> None:
        """A second screen can be used only when there is one."""
        self.screen_button.setEnabled(count > 1 or self.screen_button.isChecked())
        self.screen_button.setToolTip(
            "Show the clips full screen on the other screen (a TV); your notes stay here"
            if count > 1 else ONE_SCREEN_TIP)

    def set_second_screen(self, on: bool) -> None:
        self.screen_button.blockSignals(True)
        self.screen_button.setChecked(on)
        self.screen_button.blockSignals(False)
        self.presenter_button.setEnabled(not on)

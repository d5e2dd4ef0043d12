"""A cycle's two films side by side in the browser: the family film and the shared review.

When a cycle has a shared-review film (the practitioner's review with the
parent, filmed for supervision), its row in the list shows both films as
two cards, each with its poster and what it is, so the trainee (and the
supervisor, who gets both as clips) sees which is which at a glance. A slot
with no film yet says so. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from vigtool.domain.records import Recording, RecordingStatus

POSTER = QSize(96, 54)
KIND_WORDS = {"family": "Family film", "shared-review": "Shared review"}
MISSING_WORDS = {"family": "No family film", "shared-review": "No shared review filmed"}


def duration(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"


def film_words(rec: Recording) -> str:
    """What a film is, for its card: its kind, whether it is a clip, its length, its state."""
    kind = KIND_WORDS.get(rec.kind, rec.kind)
    clip = " (clip)" if rec.source_sha256 else ""
    state = {RecordingStatus.MISSING: " · missing",
             RecordingStatus.PURGED: " · deleted"}.get(rec.status, "")
    return f"{kind}{clip}\n{duration(rec.duration_ms)}{state}"


def film_tip(rec: Recording) -> str:
    tip = (f"{rec.original_name}: {rec.frame_count} frames, {rec.fps:g} fps"
           f"{', with sound' if rec.has_audio else ', silent'}")
    if rec.source_sha256:
        tip += (f"\nA clip from the trainee's film, from its frame {rec.offset_frame}; "
                "frame numbers here are the clip's")
    if rec.kind == "shared-review":
        tip += "\nThe shared review with the parent, filmed for supervision"
    return tip


def _blank() -> QIcon:
    picture = QPixmap(POSTER)
    picture.fill(QColor(128, 128, 128, 40))
    return QIcon(picture)


class FilmCard(QToolButton):
    """One film: its poster over its kind and length. Click opens it."""

    opened = Signal(int)
    menuRequested = Signal(int, QPoint)

    def __init__(self, rec: Recording, icon: QIcon | None, current: bool) -> None:
        super().__init__()
        self.recording_id = rec.id
        self.setObjectName("filmCard")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setIconSize(POSTER)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setText(film_words(rec))
        self.setToolTip(film_tip(rec))
        self.setAccessibleName(film_words(rec).replace("\n", ", "))
        self.has_poster = icon is not None and rec.status is not RecordingStatus.PURGED
        self.setIcon(icon if icon is not None and self.has_poster
                     else _blank())  # the poster's room is kept until it arrives
        font = self.font()
        font.setBold(current)
        font.setItalic(rec.status is RecordingStatus.PURGED)
        self.setFont(font)
        self.clicked.connect(lambda: self.opened.emit(self.recording_id))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menuRequested.emit(self.recording_id, event.globalPos())


class FilmPair(QWidget):
    """The family film and the shared-review film of one cycle, side by side."""

    opened = Signal(int)
    menuRequested = Signal(int, QPoint)

    def __init__(self, family: Recording | None, review: Recording | None,
                 icons: dict[int, QIcon], current: int | None) -> None:
        super().__init__()
        self.setObjectName("filmPair")
        self.cards: dict[int, FilmCard] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 4, 2)
        row.setSpacing(4)
        for kind, rec in (("family", family), ("shared-review", review)):
            if rec is None:
                empty = QLabel(MISSING_WORDS[kind])
                empty.setProperty("role", "muted")
                empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
                empty.setWordWrap(True)
                empty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                row.addWidget(empty, 1)
                continue
            card = FilmCard(rec, icons.get(rec.id), rec.id == current)
            card.opened.connect(self.opened)
            card.menuRequested.connect(self.menuRequested)
            self.cards[rec.id] = card
            row.addWidget(card, 1)

    def set_icon(self, recording_id: int, icon: QIcon) -> None:
        card = self.cards.get(recording_id)
        if card is not None:
            card.setIcon(icon)
            card.has_poster = True

"""The moment's still in the inspector: the picture its clip pauses on, and its caption.

A moment's still is the first still inside it (``ws.annotations.stills_in``):
the review pauses there and the exports use it. This section shows that
frame small, its caption as an editable field (committed like every other
field: on Return, on leaving it, after a pause in typing) and a button to
remove it. Without a still it says the clip pauses on its last frame and how
to keep a still. It emits what the user changed; ``InspectorPanel`` writes it
through the Workspace. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vigtool.domain.clock import player_time
from vigtool.domain.records import Moment, Still
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.keymap import BINDINGS
from vigtool.gui.still_pictures import StillPictures
from vigtool.gui.text_fields import CommitLineEdit
from vigtool.wording import deficit_words

PICTURE_SIZE = QSize(112, 63)


def still_key_hint() -> str:
    """How to keep a still, naming the key if the keymap has one (e.g. "tag.still")."""
    for b in BINDINGS:
        if b.action.startswith("tag.") and "still" in f"{b.action} {b.label}".lower():
            return (f"To keep a still, put the playhead on the picture you want and press "
                    f"{b.keys[0]} ({b.label}).")
    return ("To keep a still, put the playhead on the picture you want and keep that "
            "frame as the moment's still.")


def _label(text: str, role: str) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(True)
    return widget


class StillView(QWidget):
    caption_committed = Signal(int, str)  # still id, caption
    remove_requested = Signal(int)  # still id

    def __init__(self, pictures: StillPictures | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pictures = pictures
        self._still: Still | None = None
        self._shown: tuple[int, int] | None = None  # recording id, frame in the picture
        self.stored = ""
        self.picture = QLabel()
        self.picture.setFixedSize(PICTURE_SIZE)
        self.picture.setFrameShape(QFrame.Shape.StyledPanel)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName("The picture the clip pauses on")
        self.where = _label("", "muted")
        self.caption = CommitLineEdit("Words under the picture, for the parent")
        self.caption.setAccessibleName("Still caption")
        self.caption.commit_requested.connect(self._commit)
        self.caption.cancel_requested.connect(self._cancel)
        self.caption.textChanged.connect(self._check_wording)
        self.remove_button = QPushButton("Remove Still")
        self.remove_button.setToolTip("The clip pauses on its last frame again (Ctrl+Z undoes)")
        self.remove_button.clicked.connect(self._remove)
        self.how = _label("", "muted")
        self.wording_hint = _label("", "hint")
        if pictures is not None:
            pictures.ready.connect(self._picture_ready)

        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(4)
        side.addWidget(self.where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        side.addStretch(1)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(10)
        top.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.wording_hint)
        layout.addWidget(self.how)

    @property
    def still(self) -> Still | None:
        return self._still

    def typing(self) -> bool:
        return self.caption.hasFocus() and self.caption.text() != self.stored

    def summary(self) -> str:
        """A few words for the folded header."""
        if self._still is None:
            return "pauses on the last frame"
        return f"frame {self._still.frame}" + (f" · {self.stored}" if self.stored else "")

    def show_moment(self, moment: Moment, stills: Sequence[Still],
                    times: FrameTimes | None) -> None:
        """Show the moment's still (the first inside it), or say there is none."""
        still = stills[0] if stills else None
        changed_still = (still.id if still else None) != (self._still.id if self._still else None)
        self._still = still
        frame = still.frame if still else moment.end_frame
        at = f"{player_time(times.frame_to_ms(frame))}, " if times else ""
        if still is None:
            self.where.setText(f"No still yet: the clip pauses on its last frame "
                               f"({at}frame {frame}).")
            self.stored = ""
            self.caption.set_text_quietly("")
        else:
            more = len(stills) - 1
            extra = f" ({more} more still{'s' if more != 1 else ''} inside)" if more else ""
            self.where.setText(f"The clip pauses here ({at}frame {frame}){extra}.")
            if (changed_still or not self.typing()) and self.caption.text() != still.caption:
                self.caption.set_text_quietly(still.caption)
                self.caption.setCursorPosition(0)  # show the caption's start
            self.stored = still.caption
        self.caption.setVisible(still is not None)
        self.remove_button.setVisible(still is not None)
        self.how.setText(still_key_hint())
        self.how.setVisible(still is None)
        self._check_wording()
        self._show_picture(moment.recording_id, frame)

    def commit_pending(self) -> None:
        self._commit()

    # -- the picture -------------------------------------------------------------------

    def _show_picture(self, recording_id: int, frame: int) -> None:
        if self._shown == (recording_id, frame):
            return
        self._shown = (recording_id, frame)
        self.picture.clear()
        self.picture.setToolTip(f"frame {frame}")
        if self._pictures is None:
            return
        image = self._pictures.picture(recording_id, frame, PICTURE_SIZE.height())
        if image is not None:
            self._set_image(image)

    def _picture_ready(self, recording_id: int, frame: int, image: QImage) -> None:
        if self._shown == (recording_id, frame):
            self._set_image(image)

    def _set_image(self, image: QImage) -> None:
        inner = self.picture.contentsRect().size()
        pixmap = QPixmap.fromImage(image).scaled(
            inner, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)

    def has_picture(self) -> bool:
        pixmap = self.picture.pixmap()
        return pixmap is not None and not pixmap.isNull()

    # -- view -> model -----------------------------------------------------------------

    def _commit(self) -> None:
        text = self.caption.text()
        if self._still is None or text == self.stored:
            return
        self.stored = text
        self.caption_committed.emit(self._still.id, text)

    def _cancel(self) -> None:
        """Esc: the caption as it was before this edit, stored again if it was already saved."""
        self._commit()

    def _remove(self) -> None:
        if self._still is not None:
            self.remove_requested.emit(self._still.id)

    def _check_wording(self) -> None:
        words = deficit_words(self.caption.text()) if self._still is not None else ()
        quoted = ", ".join(f"“{w}”" for w in words)
        self.wording_hint.setText(
            f"A parent will read this. Could you say it as a strength, without {quoted}?")
        self.wording_hint.setVisible(bool(words))

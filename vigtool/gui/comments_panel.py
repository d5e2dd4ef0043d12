"""The Comments panel: the open recording's supervision comments, one thread at a time.

The list shows every comment of the film in time order with its reply
count; choosing one (here or on the timeline's Supervision lane) shows its
thread below: the comment and its replies, each with who wrote it and where
it sits, and Edit and Delete on the ones signed with this workspace's name.
The box at the bottom replies to the thread shown, or writes the new
comment that the Comment action (Shift+C) started, or changes one of your
own. Return keeps it (Shift+Return starts a new line), Esc hands the
keyboard back to the player. Every change is one undo step. GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.clock import player_time
from vigtool.domain.records import Comment
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.case_marks import day
from vigtool.gui.text_fields import FieldKeys
from vigtool.workspace import Changes

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY = ("No comments on this film yet. Press Shift+C to comment on the selected moment "
         "or on the frame under the playhead.")
NO_FILM = "Open a recording to see its comments."


@dataclass(frozen=True)
class Draft:
    """What the box at the bottom is writing: a new comment on frames start..end, a reply
    to comment ``parent_id``, or new words for comment ``edit_id``."""

    start: int = 0
    end: int = 0
    parent_id: int | None = None
    edit_id: int | None = None


def replies_words(n: int) -> str:
    return {0: "no replies", 1: "1 reply"}.get(n, f"{n} replies")


class ComposeEdit(QPlainTextEdit):
    """The writing box: Return (or Ctrl+Return) keeps it, Shift+Return starts a new line."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class CommentCard(QFrame):
    """One comment or reply: who, when and where, the words, and (if yours) Edit and Delete."""

    def __init__(self, comment: Comment, where: str, own: bool, reply: bool) -> None:
        super().__init__()
        self.comment = comment
        self.setObjectName("commentCard")
        self.setProperty("reply", reply)
        head = QLabel(f"<b>{_escape(comment.author)}</b> · {_escape(where)}"
                      f" · {_escape(day(comment.created_at))}")
        head.setTextFormat(Qt.TextFormat.RichText)
        head.setProperty("role", "muted")
        head.setWordWrap(True)
        self.text = QLabel(comment.text)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # a person's words are never markup
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.edit_button = QPushButton("Edit")
        self.delete_button = QPushButton("Delete")
        for button in (self.edit_button, self.delete_button):
            button.setFlat(True)
            button.setAutoDefault(False)
        self.delete_button.setToolTip("Delete this comment" + ("" if reply else
                                      " and its replies") + " (Undo brings it back)")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(head, 1)
        row.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(18 if reply else 8, 6, 8, 4)
        column.setSpacing(3)
        column.addLayout(row)
        column.addWidget(self.text)
        for button in (self.edit_button, self.delete_button):
            button.setVisible(own)  # once in the card (shown alone it would be a window)


class CommentsPanel(QWidget):
    """The Comments tab beside the recordings. ``commentChosen`` asks the window to move the
    playhead to a comment and select it on the timeline. GUI thread only."""

    commentChosen = Signal(int)  # comment id
    message = Signal(str)  # one line for the status bar

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self._bridge = bridge
        self._ws = bridge.workspace
        self.recording_id: int | None = None
        self.thread_id: int | None = None
        self.draft: Draft | None = None
        self._times: FrameTimes | None = None
        self.cards: list[CommentCard] = []

        self.signed = QLabel()
        self.signed.setProperty("role", "muted")
        self.signed.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("commentList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setAccessibleName("Comments on this film")
        self.list.itemClicked.connect(self._item_chosen)
        self.list.itemActivated.connect(self._item_chosen)
        self.empty = QLabel(NO_FILM)
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        self.thread_box = QWidget()
        self.thread_layout = QVBoxLayout(self.thread_box)
        self.thread_layout.setContentsMargins(0, 0, 0, 0)
        self.thread_layout.setSpacing(6)
        self.thread_area = QScrollArea()
        self.thread_area.setWidgetResizable(True)
        self.thread_area.setFrameShape(QFrame.Shape.NoFrame)
        self.thread_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.thread_area.setWidget(self.thread_box)
        self.compose_label = QLabel()
        self.compose_label.setProperty("role", "section")
        self.compose_label.setWordWrap(True)
        self.compose = ComposeEdit()
        self.compose.setObjectName("commentBox")
        self.compose.setAccessibleName("Comment")
        self.compose.setTabChangesFocus(True)
        self.compose.setFixedHeight(self.compose.fontMetrics().lineSpacing() * 3 + 16)
        self.compose.submitted.connect(self.submit)
        self.send_button = QPushButton("Reply")
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_draft)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.send_button)
        self.composer = QWidget()
        compose_column = QVBoxLayout(self.composer)
        compose_column.setContentsMargins(0, 4, 0, 0)
        compose_column.addWidget(self.compose_label)
        compose_column.addWidget(self.compose)
        compose_column.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.signed)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.empty)
        layout.addWidget(self.thread_area, 4)
        layout.addWidget(self.composer)
        self.field_keys = FieldKeys(self)
        self.field_keys.watch(self)
        bridge.changed.connect(self._on_changed)
        self.refresh()

    # -- what is shown --------------------------------------------------------------------------

    def show_recording(self, recording_id: int | None) -> None:
        """Show another recording's comments (its first thread is not opened by itself)."""
        if recording_id != self.recording_id:
            self.thread_id, self.draft = None, None
            self.compose.clear()
        self.recording_id = recording_id
        self._times = None
        if recording_id is not None:
            try:
                self._times = self._ws.library.frame_times(recording_id)
            except (VigtoolError, OSError):  # purged or missing film: frames still show
                self._times = None
        self.refresh()

    def show_thread(self, comment_id: int | None) -> None:
        """Open the thread of ``comment_id`` (a reply opens the comment it answers)."""
        if comment_id is not None:
            try:
                comment = self._ws.supervision.comment(comment_id)
            except NotFound:
                comment_id = None
            else:
                comment_id = comment.parent_id or comment.id
        if self.draft is not None and self.draft.parent_id is None and comment_id is not None:
            self.draft = None  # leaving an unsent new comment: its words stay in the box
        self.thread_id = comment_id
        self.refresh()

    def start_comment(self, start: int, end: int) -> None:
        """Begin a new comment on frames start..end: the box says where, and takes the keys."""
        self.thread_id = None
        self.draft = Draft(start, end)
        self.refresh()
        self.compose.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def start_edit(self, comment: Comment) -> None:
        self.draft = Draft(comment.start_frame, comment.end_frame, edit_id=comment.id)
        self.compose.setPlainText(comment.text)
        self.refresh()
        self.compose.setFocus(Qt.FocusReason.OtherFocusReason)
        self.compose.selectAll()

    def cancel_draft(self) -> None:
        self.draft = None
        self.compose.clear()
        self.refresh()

    def where(self, start: int, end: int) -> str:
        """Where a comment sits, as the player shows time: "0:04.20 (frame 105)"."""
        frames = f"frame {start}" if start == end else f"frames {start}–{end}"
        if self._times is None:
            return frames
        try:
            if start == end:
                return f"{player_time(self._times.frame_to_ms(start))} ({frames})"
            return (f"{player_time(self._times.frame_to_ms(start))}–"
                    f"{player_time(self._times.frame_end_ms(end))} ({frames})")
        except (VigtoolError, IndexError):
            return frames

    def when(self, comment: Comment) -> str:
        """Where a comment starts, short: the time (or the frame, without the film)."""
        if self._times is None:
            return f"frame {comment.start_frame}"
        try:
            return player_time(self._times.frame_to_ms(comment.start_frame))
        except (VigtoolError, IndexError):
            return f"frame {comment.start_frame}"

    def refresh(self) -> None:
        ws = self._ws
        me = ws.supervision.my_name
        self.signed.setText(f"You sign as {me}")
        self.signed.setToolTip("Change the name in Supervision > Your Name...")
        threads = ws.supervision.threads(self.recording_id) if self.recording_id else []
        self.list.clear()
        for comment, replies in threads:
            first = " ".join(comment.text.split())
            first = first if len(first) <= 64 else first[:63] + "…"
            item = QListWidgetItem(f"{self.when(comment)} · {comment.author} · "
                                   f"{replies_words(len(replies))}\n{first}")
            item.setData(_ID_ROLE, comment.id)
            item.setToolTip(comment.text)
            self.list.addItem(item)
            if comment.id == self.thread_id:
                self.list.setCurrentItem(item)
        if self.thread_id not in {c.id for c, _ in threads}:
            self.thread_id = None
        self.list.setVisible(bool(threads))
        self.empty.setText(NO_FILM if self.recording_id is None else EMPTY)
        self.empty.setVisible(not threads)
        shown = next(((c, r) for c, r in threads if c.id == self.thread_id), None)
        self._fill_thread(shown, me)
        self._fill_composer(shown)

    def _fill_thread(self, shown: tuple[Comment, list[Comment]] | None, me: str) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        while self.thread_layout.count():
            self.thread_layout.takeAt(0)
        self.thread_area.setVisible(shown is not None)
        if shown is None:
            return
        comment, replies = shown
        read_only = self._ws.read_only
        for c in (comment, *replies):  # a reply sits where its comment sits
            where = "reply" if c is not comment else self.where(c.start_frame, c.end_frame)
            card = CommentCard(c, where, c.author == me and not read_only, c is not comment)
            card.edit_button.clicked.connect(lambda _=False, c=c: self.start_edit(c))
            card.delete_button.clicked.connect(lambda _=False, c=c: self.delete(c.id))
            self.cards.append(card)
            self.thread_layout.addWidget(card)
            card.show()  # now, not once the event loop runs
        self.thread_layout.addStretch(1)

    def _fill_composer(self, shown: tuple[Comment, list[Comment]] | None) -> None:
        draft = self.draft
        if draft is not None and draft.edit_id is not None:
            words, button = "Change your comment", "Save"
        elif draft is not None and draft.parent_id is None:
            words, button = f"New comment at {self.where(draft.start, draft.end)}", "Comment"
        elif shown is not None:
            words, button = f"Reply to {shown[0].author}", "Reply"
        else:
            self.composer.setVisible(False)
            return
        self.composer.setVisible(True)
        self.compose_label.setText(words)
        self.send_button.setText(button)
        self.cancel_button.setVisible(draft is not None)
        self.compose.setPlaceholderText("Return keeps it; Shift+Return starts a new line")
        self.composer.setEnabled(not self._ws.read_only)

    # -- changes --------------------------------------------------------------------------------

    def submit(self) -> None:
        """Keep what the box says: the new comment, the reply or the changed words."""
        text = self.compose.toPlainText()
        if not text.strip() or self.recording_id is None:
            self.message.emit("Write something first")
            return
        draft = self.draft
        sup = self._ws.supervision
        try:
            if draft is not None and draft.edit_id is not None:
                sup.update_comment(draft.edit_id, text=text)
                said = "Comment changed"
            elif draft is not None:
                made = sup.add_comment(self.recording_id, start_frame=draft.start,
                                       end_frame=draft.end, text=text)
                self.thread_id = made.id
                said = f"Comment added at {self.where(draft.start, draft.end)}"
            elif self.thread_id is not None:
                sup.add_comment(self.recording_id, start_frame=0, text=text,
                                parent_id=self.thread_id)
                said = "Reply added"
            else:
                return
        except VigtoolError as exc:
            self.message.emit(str(exc)[:1].upper() + str(exc)[1:])
            return
        self.draft = None
        self.compose.clear()
        self.refresh()
        self.message.emit(said)
        if self.thread_id is not None and draft is not None and draft.edit_id is None \
                and draft.parent_id is None:
            self.commentChosen.emit(self.thread_id)

    def delete(self, comment_id: int) -> None:
        try:
            self._ws.supervision.delete_comment(comment_id)
        except VigtoolError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit("Comment deleted (Undo brings it back)")

    def _item_chosen(self, item: QListWidgetItem) -> None:
        comment_id = int(item.data(_ID_ROLE))
        self.show_thread(comment_id)
        self.commentChosen.emit(comment_id)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("comments") or changes.touches("recordings"):
            if self.draft is not None and self.draft.edit_id is not None and \
                    self._missing(self.draft.edit_id):
                self.draft = None
            self.refresh()

    def _missing(self, comment_id: int) -> bool:
        try:
            self._ws.supervision.comment(comment_id)
        except NotFound:
            return True
        return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

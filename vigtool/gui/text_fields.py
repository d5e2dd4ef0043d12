"""Typing fields that commit themselves, and the keys a field keeps from the window.

The main window binds bare keys (Return describes, Tab jumps to the next
moment, 1-9 toggle codes) as window shortcuts, and Qt offers every key to the
shortcuts before the focused widget. ``FieldKeys`` claims Return, Enter, Tab
and Shift+Tab for a panel's fields, so Return confirms the field it is in
(and nothing else) and Tab moves to the next field, as the shortcuts sheet
says. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

IDLE_COMMIT_MS = 800
"""A pause in typing this long stores the text, so a crash loses at most this much."""

_FIELD_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}
_CONFIRM_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_WHEELED = (QAbstractSpinBox, QComboBox)


class FieldKeys(QObject):
    """Keeps Return/Enter and Tab/Shift+Tab in the fields of the widgets it watches.

    ``except_return`` widgets keep only Tab: there Return is left to the
    window (the title field, where Return means "done describing"). A spin
    box or combo box turns with the mouse wheel only once it has the focus:
    before that the wheel scrolls the panel, so scrolling past the review
    order or the question never changes them.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._return_passes: set[int] = set()

    def watch(self, root: QWidget, *, except_return: tuple[QWidget, ...] = ()) -> None:
        """Watch ``root`` and every widget inside it (call once the panel is built)."""
        for widget in (root, *root.findChildren(QWidget)):
            widget.installEventFilter(self)
        self._return_passes = {id(w) for w in except_return}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, _WHEELED):
            panel = watched.parentWidget()
            if not watched.hasFocus() and panel is not None:
                QApplication.sendEvent(panel, event)  # scroll the panel instead
                return True
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                         | Qt.KeyboardModifier.KeypadModifier)
            key = Qt.Key(event.key())
            # The event climbs to the field's parents, which are watched too: ask
            # about the field that has the keyboard, not the widget seeing the event.
            focus = QApplication.focusWidget()
            passes = key in _CONFIRM_KEYS and id(focus) in self._return_passes
            if key in _FIELD_KEYS and mods == Qt.KeyboardModifier.NoModifier and not passes:
                event.accept()
                return True
        return False


class CommitLineEdit(QLineEdit):
    """A one-line field that asks to be committed when done and after a pause in typing.

    ``commit_requested`` on Return, on leaving the field and ``IDLE_COMMIT_MS``
    after the last keystroke; ``cancel_requested`` on Esc, with the text as
    it was last confirmed (``before``: on entering the field, on Return, on
    leaving it) already put back, so Esc undoes even what a pause in typing
    saved. Esc is then passed on, so the window can hand the keyboard back.
    """

    commit_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.before = ""
        self._idle = QTimer(self, singleShot=True, interval=IDLE_COMMIT_MS)
        self._idle.timeout.connect(self.commit_requested.emit)
        self.textEdited.connect(lambda _text: self._idle.start())
        self.editingFinished.connect(self._finish)

    def set_text_quietly(self, text: str) -> None:
        """Show model text without it counting as typing."""
        self._idle.stop()
        self.setText(text)
        if not self.hasFocus():
            self.before = text

    def _finish(self) -> None:
        self._idle.stop()
        self.before = self.text()
        self.commit_requested.emit()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.before = self.text()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._finish()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._idle.stop()
            if self.text() != self.before:
                self.setText(self.before)
            self.cancel_requested.emit()
            event.ignore()
            return
        super().keyPressEvent(event)


class CommitTextEdit(QPlainTextEdit):
    """A multi-line field that asks to be committed on focus-out, on Return and after a
    pause in typing. Shift+Return starts a new line."""

    commit_requested = Signal()

    def __init__(self, placeholder: str, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * lines + margins.top() + margins.bottom()
        self.setFixedHeight(height + 2 * int(self.document().documentMargin()) + 4)
        self._idle = QTimer(self, singleShot=True, interval=IDLE_COMMIT_MS)
        self._idle.timeout.connect(self.commit_requested.emit)
        self.textChanged.connect(self._idle.start)

    def set_text_quietly(self, text: str) -> None:
        """Show model text without it counting as typing."""
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)

    def replace_text(self, text: str) -> None:
        """Replace everything as one step of the field's own Ctrl+Z history."""
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if event.key() in _CONFIRM_KEYS and plain:
            self._idle.stop()
            self.commit_requested.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._idle.stop()
        self.commit_requested.emit()
        super().focusOutEvent(event)

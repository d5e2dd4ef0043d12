"""The keyboard shortcuts sheet (F1 or ?), and key caps for any view that shows a key.

The sheet is built only from ``keymap.BINDINGS`` plus the active codebook's
keyed codes, so it cannot disagree with the menus or the key handling, and
the number keys read "1 Being attentive" rather than "Toggle Code 1-9":
practitioners learn the principles, not the digits. A filter box narrows it
down; Esc closes it. GUI thread only.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.gui.keymap import BINDINGS, TAGGING, KeyBinding, binding

CODES_GROUP = "Codes"
_CODES_ACTION = "tag.codes"
_ARROWS = {"Left": "←", "Right": "→", "Up": "↑", "Down": "↓"}


@dataclass(frozen=True)
class ShortcutEntry:
    """One row of the sheet. Code rows keep the action id of the binding they expand."""

    action: str
    label: str
    keys: tuple[str, ...]
    group: str
    hint: str = ""

    def matches(self, query: str) -> bool:
        """True when every word of ``query`` appears in the label, hint, group or keys."""
        text = " ".join((self.label, self.hint, self.group, *self.keys)).casefold()
        return all(word in text for word in query.casefold().split())


def shortcut_entries(
    codebook: Codebook | None, bindings: Sequence[KeyBinding] = BINDINGS
) -> tuple[ShortcutEntry, ...]:
    """Every binding as a row, with "Toggle Code 1-9" expanded into one row per
    keyed code of ``codebook`` (in a "Codes" group after Tagging). Without a
    codebook, or one without keys, the binding is listed as it is."""
    keyed = [code for code in codebook.codes if code.key] if codebook else []
    entries: list[ShortcutEntry] = []
    for b in bindings:
        if b.action == _CODES_ACTION and keyed:
            continue
        entries.append(ShortcutEntry(b.action, b.label, b.keys, b.group, b.hint))
    if keyed:
        last_tagging = max(
            (i for i, e in enumerate(entries) if e.group == TAGGING), default=len(entries) - 1
        )
        codes = [
            ShortcutEntry(_CODES_ACTION, code.label, ((code.key or "").upper(),), CODES_GROUP)
            for code in keyed
        ]
        entries[last_tagging + 1 : last_tagging + 1] = codes
    return tuple(entries)


def key_parts(sequence: str) -> list[str]:
    """Split "Ctrl+Shift+Z" into its keys; a lone "+" (zoom in) is a key, not a separator."""
    if sequence == "+":
        return ["+"]
    if sequence.endswith("++"):
        return [*sequence[:-2].split("+"), "+"]
    return sequence.split("+")


def display_key(key: str) -> str:
    """How one key is written on a cap: arrows as arrows, letters upper-case."""
    return _ARROWS.get(key, key.upper() if len(key) == 1 else key)


class KeyCap(QLabel):
    """One key drawn as a small key cap (the theme styles ``QLabel[role="keycap"]``)."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(display_key(key), parent)
        self.setProperty("role", "keycap")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(key)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(self.fontMetrics().height() + 8)


class KeyCombo(QWidget):
    """The keys of one shortcut: caps joined by "+", alternatives by "or"."""

    def __init__(self, keys: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        for n, sequence in enumerate(keys):
            if n:
                layout.addWidget(_muted("or"))
            if sys.platform == "darwin":  # Native text on macOS is "⇧⌘Z", one cap
                native = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)
                layout.addWidget(KeyCap(native or sequence))
                continue
            for m, part in enumerate(key_parts(sequence)):
                if m:
                    layout.addWidget(_muted("+"))
                layout.addWidget(KeyCap(part))


def _entry_text(entry: ShortcutEntry, muted: QColor) -> QLabel:
    """The label, then the binding's hint in muted text on the same line where it fits."""
    text = html.escape(entry.label)
    if entry.hint:
        text += f'<span style="color: {muted.name()}"> · {html.escape(entry.hint)}</span>'
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


class ShortcutsDialog(QDialog):
    """The shortcuts sheet: every binding by group in two columns, with a filter box.

    ``codebook`` is the active one, so its keyed codes appear by name; pass
    None when no workspace is open. Filtering rebuilds the columns from the
    matching rows, so they stay balanced and nothing hidden takes up space.
    GUI thread only.
    """

    def __init__(self, codebook: Codebook | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self._entries = shortcut_entries(codebook)
        self._visible = self._entries
        self._subtitles = (
            {CODES_GROUP: f"Tick or untick a code on the selected moment ({codebook.name})."}
            if codebook
            else {}
        )

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Search shortcuts, e.g. frame, undo or Ctrl")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Search shortcuts")
        self.filter_edit.textChanged.connect(self.set_filter)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._columns(self._entries))

        self.no_match_label = _muted("")
        self.no_match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        opened_by = " or ".join(binding("app.shortcuts").keys)
        footer = QHBoxLayout()
        footer.addWidget(_muted(f"{opened_by} opens this sheet; Esc closes it."))
        footer.addStretch(1)
        footer.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self._scroll, 1)
        layout.addWidget(self.no_match_label)
        layout.addLayout(footer)
        self._fit_to_content()

    def entries(self) -> tuple[ShortcutEntry, ...]:
        """Every row of the sheet, filtered or not."""
        return self._entries

    def visible_entries(self) -> tuple[ShortcutEntry, ...]:
        """The rows the current filter shows."""
        return self._visible

    def set_filter(self, query: str) -> None:
        """Show only the rows matching every word of ``query`` (case-insensitive)."""
        self._visible = tuple(e for e in self._entries if e.matches(query))
        self._scroll.setWidget(self._columns(self._visible))  # the old one is deleted
        self.no_match_label.setText(f"No shortcut matches “{query.strip()}”.")
        self.no_match_label.setVisible(not self._visible)

    def _fit_to_content(self) -> None:
        """Wide enough that most hints sit on one line, tall enough to need no scrolling
        on a common laptop screen; never bigger than 90% of the screen."""
        width, height = 1000, 740
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() * 9 // 10), min(height, room.height() * 9 // 10)
        self.resize(width, height)

    def _columns(self, entries: Sequence[ShortcutEntry]) -> QWidget:
        columns = QWidget()
        layout = QHBoxLayout(columns)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(36)
        groups = _grouped(entries)
        split = _balanced_split([len(rows) + 2 for _, rows in groups])
        for part in (groups[:split], groups[split:]):
            # No stretch: a column of wrapping hints gives way before one of wide key caps.
            layout.addWidget(self._column(part), 0, Qt.AlignmentFlag.AlignTop)
        return columns

    def _column(self, groups: Sequence[tuple[str, list[ShortcutEntry]]]) -> QWidget:
        column = QWidget()
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        grid = QGridLayout(column)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(7)
        grid.setColumnStretch(1, 1)
        row = 0
        for group, entries in groups:
            header = QLabel(group)
            header.setProperty("role", "section")
            if row:
                header.setContentsMargins(0, 12, 0, 0)
            grid.addWidget(header, row, 0, 1, 2)
            row += 1
            if group in self._subtitles:
                subtitle = _muted(self._subtitles[group])
                subtitle.setWordWrap(True)
                grid.addWidget(subtitle, row, 0, 1, 2)
                row += 1
            for entry in entries:
                top_right = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight
                grid.addWidget(KeyCombo(entry.keys), row, 0, top_right)
                grid.addWidget(_entry_text(entry, muted), row, 1, Qt.AlignmentFlag.AlignTop)
                row += 1
        grid.setRowStretch(row, 1)
        return column


def _grouped(entries: Sequence[ShortcutEntry]) -> list[tuple[str, list[ShortcutEntry]]]:
    groups: dict[str, list[ShortcutEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    return list(groups.items())


def _balanced_split(weights: Sequence[int]) -> int:
    """Where to cut an ordered list of groups into two columns of similar height."""
    total = sum(weights)
    best, best_height, running = 0, total, 0
    for cut in range(len(weights) + 1):
        height = max(running, total - running)
        if height < best_height:
            best, best_height = cut, height
        if cut < len(weights):
            running += weights[cut]
    return best


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    return label

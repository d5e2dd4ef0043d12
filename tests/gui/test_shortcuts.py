"""The shortcuts sheet shows every binding and the codebook's keys, and filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from vigtool.codebook import Codebook, builtin_codebook
from vigtool.gui.keymap import BINDINGS
from vigtool.gui.shortcuts import (
    CODES_GROUP,
    KeyCap,
    ShortcutsDialog,
    key_parts,
    shortcut_entries,
)


@pytest.fixture
def book() -> Codebook:
    return builtin_codebook("vig-principles")


@pytest.fixture
def dialog(qtbot: QtBot, book: Codebook) -> ShortcutsDialog:
    sheet = ShortcutsDialog(book)
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    return sheet


def _caps(dialog: ShortcutsDialog) -> list[str]:
    return [cap.accessibleName() for cap in dialog.findChildren(KeyCap) if cap.isVisible()]


def test_every_binding_is_listed_with_its_keys(dialog: ShortcutsDialog) -> None:
    listed = {entry.action: entry for entry in dialog.entries()}
    for b in BINDINGS:
        assert b.action in listed, b.action
        if b.action != "tag.codes":
            assert listed[b.action].label == b.label
            assert listed[b.action].keys == b.keys
            assert listed[b.action].group == b.group
    drawn = _caps(dialog)
    for b in BINDINGS:
        if b.action != "tag.codes":
            for sequence in b.keys:
                for part in key_parts(sequence):
                    assert part in drawn, (b.action, part)


def test_number_keys_show_the_codebook_principles(dialog: ShortcutsDialog, book: Codebook) -> None:
    codes = [e for e in dialog.entries() if e.group == CODES_GROUP]
    assert [(e.keys, e.label) for e in codes] == [
        ((c.key.upper(),), c.label) for c in book.codes if c.key
    ]
    assert all(e.action == "tag.codes" for e in codes)
    assert "Toggle Code 1-9" not in {e.label for e in dialog.entries()}
    assert codes[0].label == "Being attentive"
    assert "1" in _caps(dialog)


def test_without_a_codebook_the_generic_code_binding_is_listed() -> None:
    entries = shortcut_entries(None)
    assert {e.action for e in entries} == {b.action for b in BINDINGS}
    assert "Toggle Code 1-9" in {e.label for e in entries}


def test_codes_follow_the_tagging_group() -> None:
    groups = list(
        dict.fromkeys(e.group for e in shortcut_entries(builtin_codebook("vig-principles")))
    )
    assert groups.index(CODES_GROUP) == groups.index("Tagging") + 1


def test_the_filter_narrows_the_sheet(dialog: ShortcutsDialog, qtbot: QtBot) -> None:
    qtbot.keyClicks(dialog.filter_edit, "undo")
    assert [e.action for e in dialog.visible_entries()] == ["edit.undo"]
    assert sorted(_caps(dialog)) == ["Ctrl", "Z"]

    dialog.filter_edit.setText("ATTENTIVE")
    assert [e.label for e in dialog.visible_entries()] == ["Being attentive"]

    dialog.filter_edit.setText("ctrl shift")
    assert {e.action for e in dialog.visible_entries()} == {
        b.action for b in BINDINGS if any("Ctrl+Shift" in k for k in b.keys)
    }

    dialog.filter_edit.setText("no such thing")
    assert dialog.visible_entries() == ()
    assert dialog.no_match_label.isVisible()
    assert _caps(dialog) == []

    dialog.filter_edit.clear()
    assert dialog.visible_entries() == dialog.entries()
    assert not dialog.no_match_label.isVisible()


def test_escape_closes_the_sheet(dialog: ShortcutsDialog, qtbot: QtBot) -> None:
    dialog.filter_edit.setFocus()
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.parametrize(
    ("sequence", "parts"),
    [
        ("Ctrl+Shift+Z", ["Ctrl", "Shift", "Z"]),
        ("+", ["+"]),
        ("Ctrl++", ["Ctrl", "+"]),
        ("?", ["?"]),
    ],
)
def test_key_parts_keep_a_plus_key(sequence: str, parts: list[str]) -> None:
    assert key_parts(sequence) == parts


def test_no_key_does_two_things() -> None:
    """Each key sequence is bound once (a clash makes Qt run neither action)."""
    seen: dict[str, str] = {}
    for b in BINDINGS:
        for key in b.keys:
            canonical = QKeySequence(key).toString()
            assert canonical not in seen, f"{key} is both {seen[canonical]} and {b.action}"
            seen[canonical] = b.action


def test_the_preparing_keys_are_on_the_sheet(dialog: ShortcutsDialog) -> None:
    shown = {e.action: e.keys for e in dialog.entries()}
    assert shown["tag.still"] == ("S",)
    assert shown["tag.remove_still"] == ("Shift+S",)
    assert shown["tag.trim_start"] == ("Shift+I",)
    assert shown["tag.trim_end"] == ("Shift+O",)
    assert shown["player.mute"] == ("M",)
    assert shown["player.volume_up"] == ("Ctrl+Up",)
    assert shown["player.volume_down"] == ("Ctrl+Down",)

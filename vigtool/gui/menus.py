"""The window's actions and menus, built from the one table of shortcuts (``keymap``).

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from vigtool.codebook import Codebook
from vigtool.gui.keymap import BINDINGS

MENUS: dict[str, list[str | None]] = {
    "File": ["app.new_case", "app.open_video", None, "app.new_workspace",
             "app.open_workspace", None, "app.review", "app.review_list",
             "app.export", None, "app.retention", "app.audit_log", None, "app.quit"],
    "Edit": ["edit.undo", "edit.redo", None, "moment.delete"],
    "Case": ["app.new_case", "case.details", "case.consent", "case.scaling", "case.goals",
             "case.self_assessment", None, "case.purge"],
    "Play": ["player.play", "player.shuttle_back", "player.shuttle_stop",
             "player.shuttle_forward", None, "player.next_frame", "player.prev_frame",
             "player.next_second", "player.prev_second", "player.start", "player.end",
             None, "player.slower", "player.faster", "player.normal_speed", None,
             "player.loop", None, "player.volume_up", "player.volume_down", "player.mute"],
    "Tag": ["tag.in", "tag.out", "tag.quick", None, "tag.trim_start", "tag.trim_end",
            None, "tag.still", "tag.remove_still", None, "tag.child_turn",
            "tag.adult_turn", None, "tag.describe", "tag.review", None, "moment.next",
            "moment.prev"],
    "Suggestions": ["suggest.find", None, "suggest.next", "suggest.prev", "suggest.play", None,
                    "suggest.accept", "suggest.dismiss"],
    "Supervision": ["supervision.comment", None, "supervision.compare", None,
                    "supervision.make_package", "supervision.open_package",
                    "supervision.send_comments", None, "supervision.my_name"],
    "View": ["timeline.zoom_in", "timeline.zoom_out", "timeline.zoom_fit", None],
    "Help": ["app.shortcuts"],
}
"""Each menu's actions by id, in order; None is a separator. Ids are keymap bindings, or
the governance and supervision actions (``governance_commands.GOVERNANCE_ACTIONS``,
``supervision_commands.SUPERVISION_ACTIONS``), which have no keys."""
MNEMONICS = {"Suggestions": "Su&ggestions"}
"""Menu titles whose Alt key is not their first letter (Alt+S is Supervision)."""


def make_actions(
    window: QWidget,
    handlers: Mapping[str, Callable[[], object]],
    codebook: Codebook,
    toggle_code: Callable[[str], object],
) -> dict[str, QAction]:
    """One QAction per binding (and per codebook key), added to ``window``, by action id."""
    actions: dict[str, QAction] = {}
    for b in BINDINGS:
        if b.action == "tag.codes":
            continue
        action = QAction(b.label, window)
        action.setShortcuts([QKeySequence(k) for k in b.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if b.hint:
            action.setStatusTip(b.hint)
        action.triggered.connect(handlers[b.action])
        window.addAction(action)
        actions[b.action] = action
    actions["player.loop"].setCheckable(True)
    for code in codebook.codes:
        if code.key is None:
            continue
        action = QAction(f"{code.label}", window)
        action.setShortcut(QKeySequence(code.key))
        action.setStatusTip(f"Toggle '{code.label}' on the selected moment")
        action.triggered.connect(lambda _=False, key=code.key: toggle_code(key))
        window.addAction(action)
        actions[f"code.{code.id}"] = action
    return actions


def fill_menu_bar(
    bar: QMenuBar, actions: Mapping[str, QAction], codebook: Codebook
) -> dict[str, QMenu]:
    """The menus of ``MENUS`` (the Tag menu with a Codes submenu), by title."""
    menus: dict[str, QMenu] = {}
    for title, ids in MENUS.items():
        menu = menus[title] = bar.addMenu(MNEMONICS.get(title, f"&{title}"))
        for action_id in ids:
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[action_id])
        if title == "Tag":
            codes = menu.addMenu("Codes")
            for code in codebook.codes:
                if f"code.{code.id}" in actions:
                    codes.addAction(actions[f"code.{code.id}"])
    return menus

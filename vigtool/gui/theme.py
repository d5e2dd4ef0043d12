"""Light and dark themes: a complete QPalette (Fusion) plus a stylesheet from ``ui/``.

Both halves are needed. Custom-painted widgets (timeline, swatches, the
player's overlays) read their colours from the palette, so every role is
set for every colour group, disabled included; the ``.qss`` in ``ui/``
(installed as ``vigtool.ui``, where a designer can edit it without touching
Python) adds what a palette cannot say: padding, rounded fields, focus rings
for keyboard users, key caps. Fusion is used on every platform so the
palette is honoured the same way on Windows, macOS and Linux.

The high-contrast review theme is not here yet; it will be a third name.
GUI thread only.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Literal, get_args

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

ThemeName = Literal["light", "dark"]
THEME_PROPERTY = "vigtoolTheme"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Keep these in step with the header comment of ui/<name>.qss.
_ACTIVE: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        Role.Window: "#F3F2EF",
        Role.WindowText: "#22252A",
        Role.Base: "#FFFFFF",
        Role.AlternateBase: "#F7F6F3",
        Role.ToolTipBase: "#2A2D31",
        Role.ToolTipText: "#F3F2EF",
        Role.PlaceholderText: "#6E7279",
        Role.Text: "#22252A",
        Role.Button: "#F8F7F5",
        Role.ButtonText: "#22252A",
        Role.BrightText: "#FFFFFF",
        Role.Light: "#FFFFFF",
        Role.Midlight: "#E4E2DE",
        Role.Mid: "#C8C5BF",
        Role.Dark: "#A09C95",
        Role.Shadow: "#5C5954",
        Role.Highlight: "#A84D27",
        Role.HighlightedText: "#FFFFFF",
        Role.Accent: "#A84D27",
        Role.Link: "#9A4522",
        Role.LinkVisited: "#7A4A66",
    },
    "dark": {
        Role.Window: "#25272A",
        Role.WindowText: "#E8E6E3",
        Role.Base: "#1C1D20",
        Role.AlternateBase: "#222427",
        Role.ToolTipBase: "#E8E6E3",
        Role.ToolTipText: "#1C1D20",
        Role.PlaceholderText: "#8F939A",
        Role.Text: "#E8E6E3",
        Role.Button: "#303237",
        Role.ButtonText: "#E8E6E3",
        Role.BrightText: "#FFFFFF",
        Role.Light: "#45484E",
        Role.Midlight: "#3A3D42",
        Role.Mid: "#4A4D53",
        Role.Dark: "#17181A",
        Role.Shadow: "#0E0F10",
        Role.Highlight: "#E08A5E",
        Role.HighlightedText: "#1C1D20",
        Role.Accent: "#E08A5E",
        Role.Link: "#F0A27E",
        Role.LinkVisited: "#D6A2C4",
    },
}

# Disabled widgets keep their shape but their text and accents recede.
_DISABLED: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        Role.WindowText: "#9A9DA2",
        Role.Text: "#9A9DA2",
        Role.ButtonText: "#9A9DA2",
        Role.PlaceholderText: "#B3B5B9",
        Role.Base: "#F1F0ED",
        Role.Button: "#F1F0ED",
        Role.Highlight: "#C9C6C1",
        Role.HighlightedText: "#FFFFFF",
        Role.Accent: "#C9C6C1",
        Role.Link: "#9A9DA2",
    },
    "dark": {
        Role.WindowText: "#6C7076",
        Role.Text: "#6C7076",
        Role.ButtonText: "#6C7076",
        Role.PlaceholderText: "#55585E",
        Role.Base: "#222427",
        Role.Button: "#2A2C30",
        Role.Highlight: "#4A4D53",
        Role.HighlightedText: "#B9BCC1",
        Role.Accent: "#4A4D53",
        Role.Link: "#6C7076",
    },
}


def available_themes() -> tuple[ThemeName, ...]:
    """The theme names ``apply_theme`` accepts, for menus and settings."""
    return get_args(ThemeName)


def theme_palette(name: ThemeName) -> QPalette:
    """The full palette of a theme: every role, in the active, inactive and disabled groups."""
    _check(name)
    palette = QPalette()
    for role, colour in _ACTIVE[name].items():
        for group in (Group.Active, Group.Inactive, Group.Disabled):
            palette.setColor(group, role, QColor(colour))
    for role, colour in _DISABLED[name].items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def theme_stylesheet(name: ThemeName) -> str:
    """The text of ``ui/<name>.qss`` as installed in the ``vigtool.ui`` package."""
    _check(name)
    return files("vigtool.ui").joinpath(f"{name}.qss").read_text(encoding="utf-8")


def apply_theme(app: QApplication, name: ThemeName) -> None:
    """Switch the whole application to a theme; safe to call again to switch back.

    The palette is set before the stylesheet so the stylesheet's ``palette()``
    lookups, if a designer adds any, see the new colours. The chosen name is
    kept as an application property so ``current_theme`` can report it.
    """
    palette = theme_palette(name)
    stylesheet = theme_stylesheet(name)
    app.setStyle(ThemeStyle())
    app.setPalette(palette)
    app.setStyleSheet(stylesheet)
    app.setProperty(THEME_PROPERTY, name)


def current_theme(app: QApplication) -> ThemeName | None:
    """The theme last applied with ``apply_theme``, or None if none was."""
    name = app.property(THEME_PROPERTY)
    return name if name in available_themes() else None


class ThemeStyle(QProxyStyle):
    """Fusion, with check boxes drawn from the palette: outlined so they show on a
    dark window (Fusion outlines them in a darker shade of the window colour,
    which all but vanishes there) and filled with the accent when ticked, so
    the codes a moment carries read at a glance. GUI thread only."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            _draw_check_box(option, painter)
        else:
            super().drawPrimitive(element, option, painter, widget)


def _draw_check_box(option: QStyleOption, painter: QPainter) -> None:
    palette, state = option.palette, option.state
    side = min(option.rect.width(), option.rect.height()) - 1
    box = QRectF(0, 0, side, side)
    box.moveCenter(QRectF(option.rect).center())
    accent = palette.color(Role.Highlight)
    on = bool(state & QStyle.StateFlag.State_On)
    partly = bool(state & QStyle.StateFlag.State_NoChange)
    border = QColor(palette.color(Role.Text))
    border.setAlpha(150)
    if on or partly or state & QStyle.StateFlag.State_MouseOver:
        border = accent
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1))
    painter.setBrush(accent if on or partly else palette.color(Role.Base))
    painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2)
    mark = QPen(palette.color(Role.HighlightedText), max(1.6, side / 7))
    mark.setCapStyle(Qt.PenCapStyle.RoundCap)
    mark.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(mark)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y, w = box.x(), box.y(), box.width()
    if on:
        tick = QPainterPath(QPointF(x + w * 0.25, y + w * 0.52))
        tick.lineTo(QPointF(x + w * 0.43, y + w * 0.70))
        tick.lineTo(QPointF(x + w * 0.76, y + w * 0.32))
        painter.drawPath(tick)
    elif partly:
        painter.drawLine(QPointF(x + w * 0.28, y + w / 2), QPointF(x + w * 0.72, y + w / 2))
    painter.restore()


def _check(name: str) -> None:
    if name not in available_themes():
        known = ", ".join(available_themes())
        raise ValueError(f"there is no theme called {name!r} (themes: {known})")

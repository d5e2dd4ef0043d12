"""Themes: a complete QPalette (Fusion) and a stylesheet, both made from one set of colours.

A theme is one ``Colours`` record in ``palettes.py``. Both halves are needed.
Custom-painted widgets (timeline, swatches, the player's overlays) read their
colours from the palette, so every role is set for every colour group,
disabled included; the stylesheet template ``ui/app.qss`` (installed as
``vigtool.ui``, where a designer can edit it without touching Python) adds
what a palette cannot say: padding, rounded fields, focus rings for keyboard
users, key caps. Its ``@name`` placeholders are filled from the same record,
so the two halves cannot drift. Fusion is used on every platform so the
palette is honoured the same way on Windows, macOS and Linux.

The chosen theme is remembered under the ``theme`` setting; ``ThemeMenu`` is
the View > Theme menu that chooses it. GUI thread only.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Literal, get_args

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

from vigtool.gui.palettes import PALETTES, Colours, fill_template

ThemeName = Literal["light", "dark", "high-contrast"]
THEME_LABELS: dict[ThemeName, str] = {
    "light": "&Light",
    "dark": "&Dark",
    "high-contrast": "&High Contrast",
}
THEME_PROPERTY = "vigtoolTheme"
THEME_SETTING = "theme"
TEMPLATE = "app.qss"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Which named colour each palette role takes, in the active and inactive groups...
ROLE_COLOURS: dict[QPalette.ColorRole, str] = {
    Role.Window: "window",
    Role.WindowText: "text",
    Role.Base: "base",
    Role.AlternateBase: "alternate_base",
    Role.ToolTipBase: "tooltip",
    Role.ToolTipText: "tooltip_text",
    Role.PlaceholderText: "placeholder",
    Role.Text: "text",
    Role.Button: "button",
    Role.ButtonText: "text",
    Role.BrightText: "bright_text",
    Role.Light: "bevel_light",
    Role.Midlight: "line",
    Role.Mid: "border",
    Role.Dark: "bevel_dark",
    Role.Shadow: "shadow",
    Role.Highlight: "accent",
    Role.HighlightedText: "on_accent",
    Role.Accent: "accent",
    Role.Link: "link",
    Role.LinkVisited: "link_visited",
}

# ...and where disabled widgets differ: they keep their shape, but text and accents recede.
DISABLED_ROLE_COLOURS: dict[QPalette.ColorRole, str] = {
    Role.WindowText: "disabled_text",
    Role.Text: "disabled_text",
    Role.ButtonText: "disabled_text",
    Role.PlaceholderText: "disabled_placeholder",
    Role.Base: "disabled_base",
    Role.Button: "disabled_button",
    Role.Highlight: "disabled_accent",
    Role.HighlightedText: "disabled_on_accent",
    Role.Accent: "disabled_accent",
    Role.Link: "disabled_text",
}


def available_themes() -> tuple[ThemeName, ...]:
    """The theme names ``apply_theme`` accepts, for menus and settings."""
    return get_args(ThemeName)


def theme_colours(name: ThemeName) -> Colours:
    """The named colours of a theme, the one source of its palette and stylesheet."""
    _check(name)
    return PALETTES[name]


def theme_palette(name: ThemeName) -> QPalette:
    """The full palette of a theme: every role, in the active, inactive and disabled groups."""
    named = theme_colours(name).named()
    palette = QPalette()
    for role, colour in ROLE_COLOURS.items():
        for group in (Group.Active, Group.Inactive, Group.Disabled):
            palette.setColor(group, role, QColor(named[colour]))
    for role, colour in DISABLED_ROLE_COLOURS.items():
        palette.setColor(Group.Disabled, role, QColor(named[colour]))
    return palette


def stylesheet_template() -> str:
    """The text of ``ui/app.qss`` as installed in the ``vigtool.ui`` package."""
    return files("vigtool.ui").joinpath(TEMPLATE).read_text(encoding="utf-8")


def theme_stylesheet(name: ThemeName) -> str:
    """The stylesheet template filled with a theme's colours.

    Raises ``palettes.TemplateError`` if the template names a colour that is
    not defined, rather than letting Qt drop the rule without a word.
    """
    return fill_template(stylesheet_template(), theme_colours(name))


def apply_theme(app: QApplication, name: ThemeName) -> None:
    """Switch the whole application to a theme; safe to call again to switch back.

    The sheet is filled before anything changes, so a broken template leaves
    the current look in place. The palette is set before the stylesheet so the
    stylesheet's ``palette()`` lookups (``ui/review.qss`` has some) see the new
    colours. The chosen name is kept as an application property so
    ``current_theme`` can report it.
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


def saved_theme(settings: QSettings) -> ThemeName:
    """The theme the settings remember; light when none is, or the name is unknown."""
    value = settings.value(THEME_SETTING, "light")
    return next((name for name in available_themes() if name == value), "light")


class ThemeMenu(QMenu):
    """View > Theme: one radio item per theme, then ``next_action`` (the keymap's
    "Next Theme", which steps through them in turn).

    Choosing applies the theme to the whole application at once and remembers
    it in the settings. GUI thread only.
    """

    def __init__(
        self, settings: QSettings, next_action: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__("&Theme", parent)
        self._settings = settings
        self._items: dict[ThemeName, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for name in available_themes():
            item = QAction(THEME_LABELS[name], self)
            item.setCheckable(True)
            item.triggered.connect(lambda _checked=False, name=name: self.choose(name))
            group.addAction(item)
            self.addAction(item)
            self._items[name] = item
        self.addSeparator()
        self.addAction(next_action)
        self._items[self.current()].setChecked(True)

    def current(self) -> ThemeName:
        """The theme in use: the one applied, else the one the settings remember."""
        app = QApplication.instance()
        applied = current_theme(app) if isinstance(app, QApplication) else None
        return applied or saved_theme(self._settings)

    def choose(self, name: ThemeName) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self._settings.setValue(THEME_SETTING, name)
        self._items[name].setChecked(True)

    def choose_next(self) -> None:
        names = available_themes()
        self.choose(names[(names.index(self.current()) + 1) % len(names)])


class ThemeStyle(QProxyStyle):
    """Fusion, with check boxes drawn from the palette: outlined so they show on a
    dark window (Fusion outlines them in a darker shade of the window colour,
    which all but vanishes there) and filled with the accent when ticked, so
    the codes a moment carries read at a glance. The media icons (play, pause,
    step) are drawn from the palette too, and dialog buttons carry no icons:
    Fusion's are fixed near-black pictures that vanish on a dark or
    high-contrast ground. GUI thread only."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        # Fusion's dialog-button pictures are near-black too; buttons read fine by their words.
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def standardIcon(
        self,
        standardIcon: QStyle.StandardPixmap,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> QIcon:
        if standardIcon in _MEDIA_GLYPHS:
            return QIcon(_GlyphEngine(standardIcon))
        return super().standardIcon(standardIcon, option, widget)

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


_SP = QStyle.StandardPixmap
# Each glyph as polygons in a unit square (x right, y down).
_MEDIA_GLYPHS: dict[QStyle.StandardPixmap, tuple[tuple[tuple[float, float], ...], ...]] = {
    _SP.SP_MediaPlay: (((0.30, 0.20), (0.80, 0.50), (0.30, 0.80)),),
    _SP.SP_MediaPause: (
        ((0.27, 0.22), (0.43, 0.22), (0.43, 0.78), (0.27, 0.78)),
        ((0.57, 0.22), (0.73, 0.22), (0.73, 0.78), (0.57, 0.78)),
    ),
    _SP.SP_MediaSeekForward: (
        ((0.16, 0.25), (0.50, 0.50), (0.16, 0.75)),
        ((0.50, 0.25), (0.84, 0.50), (0.50, 0.75)),
    ),
    _SP.SP_MediaSeekBackward: (
        ((0.84, 0.25), (0.50, 0.50), (0.84, 0.75)),
        ((0.50, 0.25), (0.16, 0.50), (0.50, 0.75)),
    ),
}


class PaintedIcon(QIconEngine):
    """An icon drawn by its ``paint`` at every size (subclasses paint in the palette's
    colours when drawn, so they follow a later theme switch). GUI thread only."""

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        image = QPixmap(size)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return image


class _GlyphEngine(PaintedIcon):
    """A media glyph painted in the application palette's button-text colour when
    it is drawn, not when the icon is made, so buttons built once follow every
    later theme switch. GUI thread only."""

    def __init__(self, which: QStyle.StandardPixmap) -> None:
        super().__init__()
        self._which = which

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._which)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        disabled = mode == QIcon.Mode.Disabled
        colour = QApplication.palette().color(
            Group.Disabled if disabled else Group.Active, Role.ButtonText
        )
        side = min(rect.width(), rect.height())
        box = QRectF(0, 0, side, side)
        box.moveCenter(QRectF(rect).center())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        for polygon in _MEDIA_GLYPHS[self._which]:
            path = QPainterPath()
            points = [QPointF(box.x() + x * side, box.y() + y * side) for x, y in polygon]
            path.addPolygon(points)
            path.closeSubpath()
            painter.drawPath(path)
        painter.restore()



def _check(name: str) -> None:
    if name not in available_themes():
        known = ", ".join(available_themes())
        raise ValueError(f"there is no theme called {name!r} (themes: {known})")

"""Every theme is one set of named colours; its palette and its filled stylesheet come from it.
Text must read at 4.5:1 (7:1 in high contrast), computed from the colours themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QAction, QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QToolButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from vigtool.gui import theme
from vigtool.gui.palettes import (
    COLOUR_NAMES,
    HIGH_CONTRAST,
    PALETTES,
    PLACEHOLDER,
    TemplateError,
    fill_template,
    template_names,
)
from vigtool.gui.theme import (
    DISABLED_ROLE_COLOURS,
    ROLE_COLOURS,
    ThemeMenu,
    ThemeName,
    ThemeStyle,
    apply_theme,
    available_themes,
    current_theme,
    saved_theme,
    stylesheet_template,
    theme_colours,
    theme_palette,
    theme_stylesheet,
)

THEMES: list[ThemeName] = list(available_themes())
ROLES = [
    role
    for role in QPalette.ColorRole
    if role not in (QPalette.ColorRole.NoRole, QPalette.ColorRole.NColorRoles)
]
GROUPS = [QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled]

# (foreground, background) as drawn by the stylesheet or the palette: text must read on each.
TEXT_PAIRS = [
    ("text", "window"),
    ("text", "base"),
    ("text", "alternate_base"),
    ("text", "button"),
    ("text", "button_hover"),
    ("text", "button_pressed"),
    ("text", "hover"),
    ("text", "popup"),
    ("text", "keycap"),
    ("text", "accent_soft"),
    ("muted", "window"),
    ("muted", "base"),
    ("on_accent", "accent"),
    ("on_accent", "accent_hover"),
    ("tooltip_text", "tooltip"),
    ("hint_text", "hint"),
    ("warning_text", "warning"),
    ("link", "base"),
    ("link", "window"),
    ("link_visited", "base"),
]
# A focus ring is not text, but it must stand out from whatever it is drawn on (WCAG 1.4.11).
RING_PAIRS = [
    ("focus", "window"),
    ("focus", "base"),
    ("focus", "button"),
    ("focus_on_accent", "window"),
]


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with its look restored afterwards for the other tests."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    yield qapp
    if style:  # a style under a stylesheet has no name; then it was left as it was
        qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setProperty("vigtoolTheme", None)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _sample_window(qtbot: QtBot) -> QWidget:
    """One of each widget the stylesheet styles, shown so every rule gets parsed and used."""
    window = QWidget()
    layout = QVBoxLayout(window)
    for widget in (
        QLineEdit("text"),
        QPlainTextEdit("text"),
        QSpinBox(),
        QComboBox(),
        QPushButton("Button"),
        QCheckBox("Check"),
        QTreeWidget(),
        QProgressBar(),
    ):
        layout.addWidget(widget)
    for role in ("section", "muted", "keycap", "hint", "value"):
        label = QLabel(role)
        label.setProperty("role", role)
        layout.addWidget(label)
    QMenu(window).addAction("Item")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _contrast(a: QColor | str, b: QColor | str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        channels = [colour.redF(), colour.greenF(), colour.blueF()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _count(image: QImage, colour: QColor) -> int:
    """How many pixels of the image are exactly this (opaque) colour."""
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return sum(pixel == colour for pixel in pixels)


def _required_contrast(name: ThemeName) -> float:
    return 7.0 if name == "high-contrast" else 4.5


def _rules(sheet: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule, comments removed."""
    sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.DOTALL)
    return [(s.strip(), body) for s, body in re.findall(r"([^{}]+)\{([^{}]*)\}", sheet)]


# ---- the themes and their one set of colours ------------------------------------------


def test_there_are_light_dark_and_high_contrast_themes() -> None:
    assert available_themes() == ("light", "dark", "high-contrast")
    assert tuple(PALETTES) == available_themes()
    assert theme_colours("high-contrast") is HIGH_CONTRAST


def test_every_palette_defines_every_name_the_template_uses() -> None:
    used = template_names(stylesheet_template())
    assert used, "the template uses no named colours"
    assert used <= COLOUR_NAMES, sorted(used - COLOUR_NAMES)
    for name in THEMES:
        named = theme_colours(name).named()
        assert used <= set(named), name
        assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in named.values()), name


def test_every_name_is_used_by_the_template_or_the_palette() -> None:
    """A colour nobody reads would be a trap for whoever edits it."""
    used = template_names(stylesheet_template())
    used |= set(ROLE_COLOURS.values()) | set(DISABLED_ROLE_COLOURS.values())
    assert sorted(COLOUR_NAMES - used) == []


@pytest.mark.parametrize("name", THEMES)
def test_the_template_fills_with_no_placeholder_left(name: ThemeName) -> None:
    sheet = theme_stylesheet(name)
    assert PLACEHOLDER.search(sheet) is None
    assert "@" not in sheet
    colours = theme_colours(name)
    for _, body in _rules(sheet):
        for value in re.findall(r"#[0-9A-Fa-f]+\b", body):
            assert value in colours.named().values(), f"{value} is not one of {name}'s colours"
    assert colours.accent in sheet
    assert colours.focus in sheet


def test_the_template_has_no_literal_colours_or_gradients() -> None:
    """Every colour comes from a palette, so no theme can be left with another's colour."""
    for selector, body in _rules(stylesheet_template()):
        assert not re.search(r"#[0-9A-Fa-f]{3,8}\b|rgba?\(", body), selector
        assert not re.search(r"q(linear|radial|conical)gradient", body, re.IGNORECASE)


def test_an_unknown_placeholder_fails_loudly() -> None:
    template = "QLabel {\n    color: @text;\n    background: @txet;\n}\n"
    with pytest.raises(TemplateError, match=r"@txet \(line 3\)"):
        fill_template(template, PALETTES["light"])
    with pytest.raises(TemplateError, match="stray '@' on line 1"):
        fill_template("QLabel { color: @; }", PALETTES["light"])


def test_a_broken_template_is_refused_and_the_look_is_kept(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_theme(app, "dark")
    before = app.styleSheet()
    monkeypatch.setattr(theme, "stylesheet_template", lambda: "QWidget { color: @nope; }")
    with pytest.raises(TemplateError, match="@nope"):
        apply_theme(app, "light")
    assert app.styleSheet() == before
    assert current_theme(app) == "dark"


def test_every_focus_ring_is_two_or_three_pixels_in_the_focus_colour() -> None:
    rules = _rules(stylesheet_template())
    bodies = dict(rules)
    focus_rules = [(s, b) for s, b in rules if ":focus" in s]
    assert len(focus_rules) >= 6
    for selector, body in focus_rules:
        assert "@focus" in body, selector
        widths = re.findall(r"border:\s*(\d+)px solid @focus", body)
        if widths:
            assert all(2 <= int(w) <= 3 for w in widths), selector
        else:  # only the colour changes: the ring's width is reserved by the plain rule
            plain = selector.replace(":focus", "")
            assert re.search(r"border:\s*[23]px solid transparent", bodies[plain]), selector


# ---- contrast, computed from the colours ------------------------------------------------


@pytest.mark.parametrize("name", THEMES)
def test_text_on_every_background_is_readable(name: ThemeName) -> None:
    colours = theme_colours(name).named()
    need = _required_contrast(name)
    weak = [
        f"{fg} on {bg}: {_contrast(colours[fg], colours[bg]):.2f}"
        for fg, bg in TEXT_PAIRS
        if _contrast(colours[fg], colours[bg]) < need
    ]
    assert weak == [], f"{name} needs {need}:1"


@pytest.mark.parametrize("name", THEMES)
def test_focus_rings_stand_out(name: ThemeName) -> None:
    colours = theme_colours(name).named()
    for ring, ground in RING_PAIRS:
        assert _contrast(colours[ring], colours[ground]) >= 3.0, (ring, ground)


def test_high_contrast_draws_strong_edges_and_readable_prompts() -> None:
    c = HIGH_CONTRAST
    assert _contrast(c.border, c.base) >= 7.0
    assert _contrast(c.button_border, c.button) >= 7.0
    assert _contrast(c.line, c.window) >= 3.0
    assert _contrast(c.scroll_handle, c.window) >= 7.0
    assert _contrast(c.placeholder, c.base) >= 7.0
    assert _contrast(c.disabled_text, c.disabled_base) >= 4.5  # dimmer, still legible
    assert c.focus != c.accent  # a focused list's ring is not its selection


@pytest.mark.parametrize("name", THEMES)
def test_the_palette_roles_are_readable_too(name: ThemeName) -> None:
    palette = theme_palette(name)
    role = QPalette.ColorRole
    pairs = [
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.ToolTipText, role.ToolTipBase),
    ]
    for text, background in pairs:
        ratio = _contrast(palette.color(text), palette.color(background))
        assert ratio >= _required_contrast(name), (text, background)
    assert _contrast(palette.color(role.PlaceholderText), palette.color(role.Base)) >= 3.0


# ---- the palette --------------------------------------------------------------------------


@pytest.mark.parametrize("name", THEMES)
def test_palette_sets_every_role_in_every_group(name: ThemeName) -> None:
    palette = theme_palette(name)
    for group in GROUPS:
        for role in ROLES:
            assert palette.isBrushSet(group, role), (group, role)


@pytest.mark.parametrize("name", THEMES)
def test_palette_roles_take_the_named_colours(name: ThemeName) -> None:
    palette, colours = theme_palette(name), theme_colours(name).named()
    for role, colour in ROLE_COLOURS.items():
        assert palette.color(QPalette.ColorGroup.Active, role) == QColor(colours[colour]), role
    for role, colour in DISABLED_ROLE_COLOURS.items():
        assert palette.color(QPalette.ColorGroup.Disabled, role) == QColor(colours[colour]), role


# ---- applying a theme to the real application ---------------------------------------------


@pytest.mark.parametrize("name", THEMES)
def test_theme_applies_with_a_stylesheet_qt_parses(
    app: QApplication, qtbot: QtBot, qtlog: Any, name: ThemeName
) -> None:
    apply_theme(app, name)
    sheet = app.styleSheet()
    assert sheet.strip()
    assert sheet == theme_stylesheet(name)
    assert app.palette().color(QPalette.ColorRole.Highlight) == QColor(theme_colours(name).accent)
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(theme_colours(name).window)
    assert current_theme(app) == name
    _sample_window(qtbot)
    problems = [r.message for r in qtlog.records if "style" in r.message.lower()]
    assert problems == []


def test_a_broken_stylesheet_would_be_caught(app: QApplication, qtbot: QtBot, qtlog: Any) -> None:
    """Proves the check above can fail: Qt does warn about a sheet it cannot parse."""
    app.setStyleSheet("QLineEdit { color: ")
    _sample_window(qtbot)
    assert any("stylesheet" in r.message.lower() for r in qtlog.records)


def test_the_style_is_fusion_on_every_platform(app: QApplication) -> None:
    apply_theme(app, "dark")
    app.setStyleSheet("")  # under a stylesheet, app.style() is Qt's stylesheet wrapper
    style = app.style()
    assert isinstance(style, ThemeStyle)
    assert style.baseStyle().name().lower() == "fusion"
    # Fusion's dialog-button pictures are near-black: none, rather than invisible ones
    assert style.styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons) == 0


@pytest.mark.parametrize("name", THEMES)
def test_a_ticked_box_is_filled_with_the_accent(
    app: QApplication, qtbot: QtBot, name: ThemeName
) -> None:
    apply_theme(app, name)
    accent = QColor(theme_colours(name).accent)

    def accent_pixels(checked: bool) -> int:
        box = QCheckBox("Being attentive")
        box.setChecked(checked)
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        return _count(box.grab().toImage(), accent)

    assert accent_pixels(True) > 40
    assert accent_pixels(False) == 0


def test_high_contrast_draws_a_focus_ring_around_a_field(app: QApplication, qtbot: QtBot) -> None:
    apply_theme(app, "high-contrast")
    ring = QColor(HIGH_CONTRAST.focus)
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second = QLineEdit("first"), QLineEdit("second")
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    second.setFocus()
    qtbot.waitUntil(second.hasFocus)

    assert _count(first.grab().toImage(), ring) == 0
    # two pixels wide all the way round; only the blended rounded corners fall short
    assert _count(second.grab().toImage(), ring) >= 0.9 * 4 * (second.width() + second.height())


def test_an_unknown_theme_is_refused(app: QApplication) -> None:
    with pytest.raises(ValueError, match="high-contrast"):
        apply_theme(app, "sepia")  # type: ignore[arg-type]


# ---- choosing a theme ------------------------------------------------------------------------


def test_the_saved_theme_is_read_from_the_settings(settings: QSettings) -> None:
    assert saved_theme(settings) == "light"
    settings.setValue("theme", "high-contrast")
    assert saved_theme(settings) == "high-contrast"
    settings.setValue("theme", "sepia")  # an older or newer vigtool's name
    assert saved_theme(settings) == "light"


def test_the_theme_menu_applies_remembers_and_steps_through_every_theme(
    app: QApplication, qtbot: QtBot, settings: QSettings
) -> None:
    apply_theme(app, "light")
    step = QAction("Next Theme")
    menu = ThemeMenu(settings, step)
    qtbot.addWidget(menu)
    items = [a for a in menu.actions() if a.isCheckable()]
    assert [a.text().replace("&", "") for a in items] == ["Light", "Dark", "High Contrast"]
    assert step in menu.actions()
    assert [a.isChecked() for a in items] == [True, False, False]

    items[2].trigger()
    assert current_theme(app) == "high-contrast"
    assert settings.value("theme") == "high-contrast"
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(HIGH_CONTRAST.window)
    assert [a.isChecked() for a in items] == [False, False, True]

    seen = []
    for _ in THEMES:
        menu.choose_next()
        seen.append(current_theme(app))
        assert sum(a.isChecked() for a in items) == 1
    assert seen == ["light", "dark", "high-contrast"]
    assert settings.value("theme") == "high-contrast"


def test_a_new_theme_menu_shows_the_saved_theme(
    app: QApplication, settings: QSettings, qtbot: QtBot
) -> None:
    app.setProperty("vigtoolTheme", None)  # no theme applied yet, as at start-up
    settings.setValue("theme", "dark")
    menu = ThemeMenu(settings, QAction("Next Theme"))
    qtbot.addWidget(menu)
    checked = [a.text().replace("&", "") for a in menu.actions() if a.isChecked()]
    assert checked == ["Dark"]


def test_the_main_window_offers_every_theme_in_the_view_menu(
    app: QApplication, qtbot: QtBot, tmp_path: Path, settings: QSettings
) -> None:
    from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
    from vigtool.gui.main_window import MainWindow
    from vigtool.workspace import Workspace

    apply_theme(app, "light")
    ws = Workspace.open(tmp_path / "ws")
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC here", settings)
    qtbot.addWidget(win)
    try:
        view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
        assert isinstance(view, QMenu)
        submenu = next(a.menu() for a in view.actions() if a.menu() is not None)
        assert isinstance(submenu, ThemeMenu)
        names = [a.text().replace("&", "") for a in submenu.actions() if a.isCheckable()]
        assert names == ["Light", "Dark", "High Contrast"]
        step = win.actions_by_id["app.theme"]
        assert step in submenu.actions()
        assert step.shortcut().toString() == "Ctrl+Shift+D"
        step.trigger()
        assert current_theme(app) == "dark"
        step.trigger()
        assert current_theme(app) == "high-contrast"
        assert settings.value("theme") == "high-contrast"
    finally:
        win.close()
        ws.close()


@pytest.mark.parametrize("name", THEMES)
def test_media_icons_are_drawn_in_the_themes_text_colour(
    app: QApplication, qtbot: QtBot, name: ThemeName
) -> None:
    """Fusion's play/pause pictures are near-black and vanish on a dark ground."""
    apply_theme(app, "light")
    button = QToolButton()
    qtbot.addWidget(button)
    play = button.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
    apply_theme(app, name)  # an icon made before a switch follows it
    text = QColor(theme_colours(name).text)
    ground = QColor(theme_colours(name).button)
    for icon in (play, button.style().standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward)):
        assert _count(icon.pixmap(QSize(22, 22)).toImage(), text) > 40
    assert _contrast(text, ground) >= _required_contrast(name)

"""Both themes apply a complete palette and a stylesheet Qt parses without complaint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
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
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from vigtool.gui.theme import (
    ThemeName,
    ThemeStyle,
    apply_theme,
    available_themes,
    current_theme,
    theme_palette,
    theme_stylesheet,
)

ROLES = [
    role
    for role in QPalette.ColorRole
    if role not in (QPalette.ColorRole.NoRole, QPalette.ColorRole.NColorRoles)
]
GROUPS = [QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled]


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


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(colour: QColor) -> float:
        channels = [colour.redF(), colour.greenF(), colour.blueF()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_there_are_a_light_and_a_dark_theme() -> None:
    assert available_themes() == ("light", "dark")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_theme_applies_with_a_stylesheet_qt_parses(
    app: QApplication, qtbot: QtBot, qtlog: Any, name: ThemeName
) -> None:
    apply_theme(app, name)
    sheet = app.styleSheet()
    assert sheet.strip()
    assert sheet == theme_stylesheet(name)
    assert app.palette().color(QPalette.ColorRole.Highlight) == theme_palette(name).color(
        QPalette.ColorRole.Highlight
    )
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


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_ticked_box_is_filled_with_the_accent(
    app: QApplication, qtbot: QtBot, name: ThemeName
) -> None:
    apply_theme(app, name)
    accent = theme_palette(name).color(QPalette.ColorRole.Highlight)

    def accent_pixels(checked: bool) -> int:
        box = QCheckBox("Being attentive")
        box.setChecked(checked)
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        image = box.grab().toImage()
        return sum(
            image.pixelColor(x, y) == accent
            for x in range(image.width())
            for y in range(image.height())
        )

    assert accent_pixels(True) > 40
    assert accent_pixels(False) == 0


@pytest.mark.parametrize("name", ["light", "dark"])
def test_palette_sets_every_role_in_every_group(name: ThemeName) -> None:
    palette = theme_palette(name)
    for group in GROUPS:
        for role in ROLES:
            assert palette.isBrushSet(group, role), (group, role)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_is_readable_and_the_accent_matches_the_stylesheet(name: ThemeName) -> None:
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
        assert _contrast(palette.color(text), palette.color(background)) >= 4.5, (text, background)
    assert _contrast(palette.color(role.PlaceholderText), palette.color(role.Base)) >= 3.0
    sheet = theme_stylesheet(name).upper()
    accent = palette.color(role.Highlight).name().upper()
    assert accent in sheet
    assert palette.color(role.Base).name().upper() in sheet
    assert not re.search(r"q(linear|radial|conical)gradient", sheet, re.IGNORECASE)


def test_an_unknown_theme_is_refused(app: QApplication) -> None:
    with pytest.raises(ValueError, match="high-contrast"):
        apply_theme(app, "high-contrast")  # type: ignore[arg-type]

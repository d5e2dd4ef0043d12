"""Every theme's colours, named once, and the filler for the ``ui/app.qss`` template.

A theme is one ``Colours`` record. ``theme.py`` builds the QPalette roles from
it and fills the one stylesheet template with it, so a colour is changed in
exactly one place. The template writes a colour as ``@name`` (for example
``color: @text;``); ``@`` has no meaning in Qt style sheets, so a placeholder
can never be mistaken for QSS. Filling refuses a name that is not a field of
``Colours``, so a sheet with a literal placeholder left in can never ship.

Plain Python, no Qt: the records and the filler can be read and tested alone.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

PLACEHOLDER = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Colours:
    """The named colours of one theme, as ``#RRGGBB``. Field names are the template's names."""

    # surfaces and text
    window: str  # the ground of every window and panel
    text: str  # body text, on window, base, button, popup and keycap alike
    base: str  # text fields, lists, trees
    alternate_base: str  # every other row of a list
    muted: str  # secondary text: headers, status bar, group titles
    placeholder: str  # the grey prompt in an empty field
    bright_text: str
    link: str
    link_visited: str
    # lines and borders
    border: str  # around fields, lists and menus
    border_strong: str  # a field under the mouse, the underside of a key cap
    button_border: str
    line: str  # separators, rules, splitters, group boxes
    # controls
    button: str
    button_hover: str
    button_pressed: str
    hover: str  # tool buttons, check boxes and menu bar items under the mouse
    popup: str  # menus
    keycap: str  # the keys drawn in the shortcuts sheet
    scroll_handle: str  # a scroll bar's handle (its groove is the window)
    scroll_handle_hover: str
    # the accent: selection, the one primary button, ticked boxes
    accent: str
    on_accent: str  # text and ticks drawn on the accent
    accent_hover: str
    accent_soft: str  # a checked tool button
    accent_soft_border: str
    focus: str  # the 2 px ring around whatever has keyboard focus
    focus_on_accent: str  # the ring on the accent-filled primary button
    # disabled controls
    disabled_text: str
    disabled_placeholder: str
    disabled_base: str
    disabled_button: str
    disabled_border: str
    disabled_accent: str
    disabled_on_accent: str
    # messages
    tooltip: str
    tooltip_text: str
    hint: str  # a calm hint box in a panel
    hint_text: str
    hint_border: str
    warning: str  # the "VLC is missing" banner
    warning_text: str
    warning_border: str
    # bevels Fusion draws with (QPalette Light, Dark, Shadow)
    bevel_light: str
    bevel_dark: str
    shadow: str

    def named(self) -> dict[str, str]:
        """Name -> colour, for filling the template."""
        return asdict(self)


COLOUR_NAMES: frozenset[str] = frozenset(f.name for f in fields(Colours))

LIGHT = Colours(
    window="#F3F2EF", text="#22252A", base="#FFFFFF", alternate_base="#F7F6F3",
    muted="#5F636A", placeholder="#6E7279", bright_text="#FFFFFF",
    link="#9A4522", link_visited="#7A4A66",
    border="#C8C5BF", border_strong="#A9A59E", button_border="#BDB9B2", line="#E0DDD8",
    button="#FBFAF8", button_hover="#F0EEEA", button_pressed="#E6E3DE",
    hover="#E8E6E2", popup="#FFFFFF", keycap="#FFFFFF",
    scroll_handle="#B5B1AA", scroll_handle_hover="#8F8B84",
    accent="#A84D27", on_accent="#FFFFFF", accent_hover="#954322",
    accent_soft="#F1DDD2", accent_soft_border="#D9B5A3",
    focus="#A84D27", focus_on_accent="#5E2812",
    disabled_text="#9A9DA2", disabled_placeholder="#B3B5B9", disabled_base="#F1F0ED",
    disabled_button="#F1F0ED", disabled_border="#DDDAD5", disabled_accent="#C9C6C1",
    disabled_on_accent="#FFFFFF",
    tooltip="#2A2D31", tooltip_text="#F3F2EF",
    hint="#FBF0E6", hint_text="#7A3A12", hint_border="#EBCDB4",
    warning="#FBEFD9", warning_text="#5A3B12", warning_border="#E7CFA4",
    bevel_light="#FFFFFF", bevel_dark="#A09C95", shadow="#5C5954",
)

DARK = Colours(
    window="#25272A", text="#E8E6E3", base="#1C1D20", alternate_base="#222427",
    muted="#A4A8AE", placeholder="#8F939A", bright_text="#FFFFFF",
    link="#F0A27E", link_visited="#D6A2C4",
    border="#4A4D53", border_strong="#62666D", button_border="#55585E", line="#36393E",
    button="#303237", button_hover="#383B40", button_pressed="#2A2C30",
    hover="#34373C", popup="#2B2D31", keycap="#33363B",
    scroll_handle="#5A5E65", scroll_handle_hover="#7A7E85",
    accent="#E08A5E", on_accent="#1C1D20", accent_hover="#E99B72",
    accent_soft="#4A3429", accent_soft_border="#7A5242",
    focus="#E08A5E", focus_on_accent="#F6D2BF",
    disabled_text="#6C7076", disabled_placeholder="#55585E", disabled_base="#222427",
    disabled_button="#2A2C30", disabled_border="#36393E", disabled_accent="#4A4D53",
    disabled_on_accent="#B9BCC1",
    tooltip="#E8E6E3", tooltip_text="#1C1D20",
    hint="#3A2A22", hint_text="#F3C7AE", hint_border="#6B4533",
    warning="#4A3718", warning_text="#F6E2BF", warning_border="#6E5326",
    bevel_light="#45484E", bevel_dark="#17181A", shadow="#0E0F10",
)

# White on black with a yellow accent and a cyan focus ring: every text pair is
# at least 7:1 (WCAG AAA), every border and ring at least 3:1 against its ground.
HIGH_CONTRAST = Colours(
    window="#000000", text="#FFFFFF", base="#000000", alternate_base="#1A1A1A",
    muted="#D6D6D6", placeholder="#BDBDBD", bright_text="#FFFFFF",
    link="#FFE45C", link_visited="#E7B8FF",
    border="#FFFFFF", border_strong="#FFE45C", button_border="#FFFFFF", line="#A6A6A6",
    button="#000000", button_hover="#262626", button_pressed="#3A3A3A",
    hover="#2E2E2E", popup="#000000", keycap="#000000",
    scroll_handle="#D6D6D6", scroll_handle_hover="#FFE45C",
    accent="#FFD23F", on_accent="#000000", accent_hover="#FFE27A",
    accent_soft="#3D3200", accent_soft_border="#FFD23F",
    focus="#3DE0FF", focus_on_accent="#3DE0FF",
    disabled_text="#A3A3A3", disabled_placeholder="#8C8C8C", disabled_base="#0F0F0F",
    disabled_button="#0F0F0F", disabled_border="#6E6E6E", disabled_accent="#6E6E6E",
    disabled_on_accent="#000000",
    tooltip="#FFFFFF", tooltip_text="#000000",
    hint="#000000", hint_text="#FFE45C", hint_border="#FFE45C",
    warning="#3D3200", warning_text="#FFFFFF", warning_border="#FFD23F",
    bevel_light="#FFFFFF", bevel_dark="#A6A6A6", shadow="#000000",
)

PALETTES: dict[str, Colours] = {
    "light": LIGHT,
    "dark": DARK,
    "high-contrast": HIGH_CONTRAST,
}


class TemplateError(ValueError):
    """A stylesheet template names a colour no theme defines."""


def template_names(template: str) -> set[str]:
    """Every colour name the template uses."""
    return set(PLACEHOLDER.findall(template))


def fill_template(template: str, colours: Colours) -> str:
    """The template with every ``@name`` replaced by that colour.

    Raises ``TemplateError`` naming each unknown placeholder and its line, so a
    misspelt name fails the first time the theme is applied (and in the tests)
    rather than reaching Qt, which would quietly ignore the broken rule.
    """
    named = colours.named()
    unknown = [
        f"@{match.group(1)} (line {template.count(chr(10), 0, match.start()) + 1})"
        for match in PLACEHOLDER.finditer(template)
        if match.group(1) not in named
    ]
    if unknown:
        raise TemplateError("the stylesheet uses colours no theme defines: " + ", ".join(unknown))
    filled = PLACEHOLDER.sub(lambda match: named[match.group(1)], template)
    if "@" in filled:
        line = filled.count("\n", 0, filled.index("@")) + 1
        raise TemplateError(f"the stylesheet has a stray '@' on line {line}")
    return filled

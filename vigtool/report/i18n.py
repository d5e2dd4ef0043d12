"""Translations for every word a parent reads (no Qt).

Templates mark their words with ``_()`` (Jinja2's i18n extension) and Python
code marks them with ``N_()`` and translates them where they are shown;
``extract_messages.py`` collects both into ``locale/vigtool.pot``. A missing
catalogue falls back to the English source strings, so a summary is always
made; with no language given, gettext follows the user's locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

DOMAIN = "vigtool"
LOCALE_DIR = Path(__file__).resolve().with_name("locale")

Gettext = Callable[[str], str]


def translations(language: str | None = None) -> gettext.NullTranslations:
    """The catalogue for ``language`` (e.g. "cy", "pl"), or the user's locale when None."""
    languages = [language] if language else None
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=languages, fallback=True)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet."""
    return message


MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)


def long_date(iso: str, _: Gettext) -> str:
    """"14 March 2025" from an ISO date or timestamp, with the month translated."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return _("%(day)d %(month)s %(year)d") % {"day": day, "month": _(MONTHS[month - 1]),
                                               "year": year}

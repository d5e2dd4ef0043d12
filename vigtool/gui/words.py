"""Translated parent-facing words for the review screens (same catalogue as the summary)."""

from __future__ import annotations

from vigtool.report.i18n import translations

_catalogue = translations()
_ = _catalogue.gettext

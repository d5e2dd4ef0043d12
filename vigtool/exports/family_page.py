"""The page of the family's own copy (``index.html``): its words, and their check. No Qt.

One page that a phone, a tablet or any browser opens from a folder, with
no network: the styles are inline, there is no script, and every picture
and film is a file beside it, named by a relative link. The words are the
family summary's (``report/templates/_words.html.j2``), in the same warm,
plain, second-person strengths language, checked with the summary's own
deficit-word and jargon check before anything is written; the parent's own
words are quoted as they were said and never checked. Laid out for a
360-pixel-wide phone first: large text, films the width of the screen,
tap targets at least 48 pixels high.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from vigtool.report import i18n, summary
from vigtool.report.charts import SVG_NAMESPACE
from vigtool.report.language import (
    FamilyWordingError,
    page_issues,
    wording_issues,
)
from vigtool.report.summary import SummaryData, SummaryMoment

TEMPLATE = "family_folder.html.j2"
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.DOTALL)


@dataclass(frozen=True)
class PageStill:
    file: str
    width: int
    height: int
    caption: str

    @property
    def href(self) -> str:
        return quote(self.file)


@dataclass(frozen=True)
class PageMoment:
    moment: SummaryMoment
    clip: str | None  # the clip's file name, beside the page
    stills: tuple[PageStill, ...]

    @property
    def clip_href(self) -> str:
        return quote(self.clip or "")

    @property
    def poster(self) -> str:
        return self.stills[0].href if self.stills else ""


@dataclass(frozen=True)
class PageSession:
    data: SummaryData
    moments: tuple[PageMoment, ...]


def render_family_page(sessions: Sequence[PageSession], *, all_cycles: bool,
                       language: str | None = None) -> str:
    """``index.html`` for ``sessions`` (one, or every cycle's when ``all_cycles``),
    checked for deficit words and jargon (FamilyWordingError, naming where each
    word came from, when any is found)."""
    if not sessions:
        raise ValueError("the family's page needs at least one session")
    t = i18n.translations(language)
    datas = [s.data for s in sessions]
    last = datas[-1]
    page = summary.environment(language).get_template(TEMPLATE).render(
        sessions=sessions,
        first=datas[0],
        last=last,
        all_cycles=all_cycles,
        question=next((d.helping_question for d in reversed(datas) if d.helping_question), ""),
        earlier=() if all_cycles else last.earlier,
        scales=scale_charts(last, language),
        long_date=lambda iso: i18n.long_date(iso, t.gettext),
        lang=language or "en",
    )
    require_family_page_wording(datas, page)
    return page


@dataclass(frozen=True)
class PageChart:
    """A chart, and its numbers in words (its <desc>): on a phone the chart is small, so
    the page says them in readable text beneath it."""

    title: str
    svg: Markup
    words: str


def scale_charts(data: SummaryData, language: str | None = None) -> tuple[PageChart, ...]:
    """The helping question's scale (and any other measure the parent rated), from the
    first meeting up to ``data``'s cycle, as inline SVG: the family summary's own charts
    (``report.summary.summary_scale_charts`` over ``SummaryData.scales``, the parent's
    ratings only). HOOK: empty when the summary cannot draw them (then the page leaves
    the section out), so the copy never depends on scaling being set up."""
    draw = getattr(summary, "summary_scale_charts", None)
    if draw is None or not getattr(data, "scales", ()):
        return ()
    found = []
    for chart in draw(data, i18n.translations(language)):
        # Safe: charts.py builds the SVG from escaped parts. Inline SVG needs no
        # namespace, so the page holds no URL at all.
        svg = str(chart.svg).replace(f' xmlns="{SVG_NAMESPACE}"', "", 1)
        desc = _DESC.search(svg)
        words = html.unescape(desc.group(1)) if desc else ""
        found.append(PageChart(str(chart.title), Markup(svg), words))
    return tuple(found)


def require_family_page_wording(datas: Sequence[SummaryData], page: str) -> None:
    """Raise FamilyWordingError unless every session's words, and the page's own, are
    strengths words without jargon (the parent's own words are not checked)."""
    issues = [issue for data in datas for issue in wording_issues(data)]
    if not issues:
        issues += page_issues(page, _parent_words(datas), "the page")
    if issues:
        raise FamilyWordingError(
            "the family's copy was not made: " + "; ".join(str(i) for i in issues)
            + " (please reword it in strengths language; the parent's own words are kept "
            "as they said them)")


def _parent_words(datas: Sequence[SummaryData]) -> Iterator[str]:
    for data in datas:
        yield data.helping_question
        yield from data.reflections
        for moment in data.moments:
            yield from moment.reflections
        for session in data.earlier:
            yield from session.words



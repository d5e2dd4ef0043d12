"""Strengths language: no deficit words and no jargon in what a family keeps (no Qt).

The check reads what the practitioner wrote for the family (moment titles,
strengths wording, still captions, goals) and the summary's own fixed
wording (templates and their translations). It does not read the parent's
own words, the helping question and the reflections (this cycle's and
earlier ones'): they are quoted as they were said. "I didn't know he was
watching me so closely" is a parent noticing something new, and we never
edit a parent's words. A problem found is named with where it came from,
so the practitioner can fix it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vigtool.errors import VigtoolError
from vigtool.report.summary import SummaryData
from vigtool.wording import deficit_words

JARGON_WORDS = ("initiative", "attuned", "attunement", "reception", "scaffolding", "dyad")
"""Practitioners' words a parent should not have to decode (the primer's "no jargon")."""

_JARGON = re.compile(
    r"\b(?:initiatives?|attun(?:ed|ement)|receptions?|scaffold(?:s|ed|ing)?|dyads?)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_PREVIEW_CHARS = 30


class FamilyWordingError(VigtoolError):
    """The family's summary would contain a deficit word or jargon; nothing was written."""


@dataclass(frozen=True)
class WordingIssue:
    where: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where} says " + ", ".join(f"'{w}'" for w in self.words)


def check_strengths(text: str) -> list[str]:
    """The deficit words in ``text`` (see ``vigtool.wording.DEFICIT_WORDS``), each once."""
    return list(deficit_words(text))


def check_plain(text: str) -> list[str]:
    """The jargon words in ``text``, lower-cased, each once."""
    return list(dict.fromkeys(m.group(0).lower() for m in _JARGON.finditer(text)))


def wording_issues(data: SummaryData, rendered_html: str = "") -> list[WordingIssue]:
    """Deficit words and jargon in the family's summary, by where they came from.

    ``rendered_html``, when given, is also read, less the parent's own words,
    to catch the templates' and translations' wording; it is reported only
    when the practitioner's text is clean (otherwise it repeats the same words).
    """
    issues = text_issues(_practitioner_text(data))
    if rendered_html and not issues:
        issues += page_issues(rendered_html, _parent_words(data), "the summary")
    return issues


def text_issues(texts: Iterable[tuple[str, str]]) -> list[WordingIssue]:
    """Deficit words and jargon in each (where, text) the practitioner wrote."""
    issues = []
    for where, text in texts:
        words = check_strengths(text) + check_plain(text)
        if words:
            issues.append(WordingIssue(where, tuple(words)))
    return issues


def page_issues(page: str, parent_words: Iterable[str], what: str) -> list[WordingIssue]:
    """Deficit words and jargon in a rendered family page's own wording (its template
    or translation): the page's text less the parent's own words, which are theirs."""
    text = html.unescape(_TAG.sub(" ", page))
    for quoted in sorted({q for q in parent_words if q}, key=len, reverse=True):
        text = text.replace(quoted, " ")
    words = check_strengths(text) + check_plain(text)
    if not words:
        return []
    return [WordingIssue(f"{what}'s own wording (template or translation)", tuple(words))]


def require_family_wording(data: SummaryData, rendered_html: str) -> None:
    """Raise FamilyWordingError, in one line naming every problem, if there is any."""
    issues = wording_issues(data, rendered_html)
    if issues:
        raise FamilyWordingError(
            "the family summary was not made: " + "; ".join(str(i) for i in issues)
            + " (please reword it in strengths language; the parent's own words are kept "
            "as they said them)"
        )


def _practitioner_text(data: SummaryData) -> Iterator[tuple[str, str]]:
    for moment in data.moments:
        name = f"moment '{moment.title}'" if moment.title else f"moment {moment.number}"
        yield f"{name} title", moment.title
        yield f"{name} wording", moment.strengths
        for picture in moment.pictures:
            yield f"{name} still caption", picture.caption
    for n, goal in enumerate(data.goals, start=1):
        yield f"goal {n} ('{_preview(goal)}')", goal


def _parent_words(data: SummaryData) -> Iterator[str]:
    yield data.helping_question
    yield from data.reflections
    for moment in data.moments:
        yield from moment.reflections
    for session in data.earlier:
        yield from session.words


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW_CHARS else flat[: _PREVIEW_CHARS - 1] + "…"

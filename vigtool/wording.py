"""Parent-facing words: suggested strengths wording and open questions (no Qt).

The inspector, the shared review and the session summary all put words in
front of a parent, so the primer's rule ("Words matter": warm, plain,
second person, never a deficit word) is enforced here, once. A suggestion is
only a starting point the practitioner edits; it is built from the codebook's
``parent_wording`` so a service that writes its own codebook gets its own
voice without code changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vigtool.codebook import Codebook


def N_(message: str) -> str:
    """Mark for translation (extracted by vigtool.report.extract_messages)."""
    return message


VIG_PROMPTS: tuple[str, ...] = (
    N_("What do you notice here?"),
    N_("How did your baby respond to you?"),
    N_("What were you doing that made the difference?"),
    N_("What do you think your baby was feeling?"),
)
"""Open, strengths-based questions for the shared review, in the order a
practitioner usually asks them."""

DEFICIT_WORDS: tuple[str, ...] = (
    "failed",
    "poor",
    "wrong",
    "missed",
    "bad",
    "should have",
    "didn't",
    "problem",
    "concern",
)
"""Words that must never reach a parent. ``deficit_words`` also catches their
usual forms (fails, poorly, missing, shouldn't have, did not, concerned...)."""

_DEFICIT = re.compile(
    r"\b(?:"
    r"fail(?:ed|s|ing|ure|ures)?"
    r"|poor(?:ly)?"
    r"|wrong(?:ly)?"
    r"|miss(?:ed|es|ing)"
    r"|bad(?:ly)?"
    r"|should(?:n['’]t|\s+not)?\s+have|should(?:n['’]t)?['’]ve"
    r"|didn['’]?t|did\s+not"
    r"|problem(?:s|atic)?"
    r"|concern(?:s|ed|ing)?"
    r")\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def deficit_words(text: str) -> tuple[str, ...]:
    """The deficit words in ``text``, lower-cased, each once, in order of appearance.

    Whole words only ("badge" and "poorer" are not flagged, "Missed" is), so
    the inspector can warn the practitioner before wording reaches a parent.
    """
    found: dict[str, None] = {}
    for match in _DEFICIT.finditer(text):
        found[" ".join(match.group(0).lower().replace("’", "'").split())] = None
    return tuple(found)


def suggest_strengths(codebook: Codebook, codes: Iterable[str]) -> str:
    """A first draft of the parent-facing strengths wording for a moment.

    Joins the ``parent_wording`` of the given codes in codebook order (the
    principles build on each other, so "attentive" reads before "developing
    attuned interactions" whatever order they were ticked in) into one
    paragraph of whole sentences. Sentences repeated across codes appear once,
    codes the codebook does not know are skipped, and any sentence containing
    a deficit word is dropped, so the result never contains one even when a
    hand-written codebook does. Returns "" when nothing applies.
    """
    wanted = set(codes)
    sentences: dict[str, str] = {}
    for code in codebook.codes:
        if code.id not in wanted:
            continue
        for sentence in _sentences(code.parent_wording):
            if not deficit_words(sentence):
                sentences.setdefault(sentence.casefold(), sentence)
    return " ".join(sentences.values())


def _sentences(paragraph: str) -> list[str]:
    result = []
    for part in _SENTENCE_END.split(" ".join(paragraph.split())):
        sentence = part.strip()
        if not sentence:
            continue
        if sentence[-1] not in ".!?…\"”'’":
            sentence += "."
        result.append(sentence[0].upper() + sentence[1:])
    return result

"""Parent-facing words: suggested strengths wording and open questions (no Qt).

The inspector, the shared review and the session summary all put words in
front of a parent, so the primer's rule ("Words matter": warm, plain,
second person, never a deficit word) is enforced here, once.

A suggestion is only a starting point the practitioner edits, but it must be
true to the clip: it says only what was tagged. The most specific sentences
come from the turns marked inside the moment (a child's cue answered by the
adult, with the practitioner's notes on those turns as the actions: "Maya
reached for the ball, and you named it."); then one sentence per ticked code.
For the built-in codebooks those sentences are the general claim the code
itself makes (``_CODE_SENTENCES``): the codebooks' ``parent_wording`` lists
example behaviours ("you looked back, smiled and echoed their sounds") that a
tag does not prove happened. A service's own codebook speaks in its own
``parent_wording``, with "your baby" replaced by the child's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vigtool.codebook import Codebook
from vigtool.domain.chains import DEFAULT_MAX_GAP_MS, chain_stats, ordered_turns
from vigtool.domain.records import Actor, Case, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes


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

MAX_SENTENCES = 4
"""A suggestion is a short paragraph: the most specific sentences first."""

LONG_CHAIN = 4
"""Goes in one chain (child, you, child, you) that make a "back and forth" worth naming."""


def deficit_words(text: str) -> tuple[str, ...]:
    """The deficit words in ``text``, lower-cased, each once, in order of appearance.

    Whole words only ("badge" and "poorer" are not flagged, "Missed" is), so
    the inspector can warn the practitioner before wording reaches a parent.
    """
    found: dict[str, None] = {}
    for match in _DEFICIT.finditer(text):
        found[" ".join(match.group(0).lower().replace("’", "'").split())] = None
    return tuple(found)


# -- the child, as the words speak of them ---------------------------------------------------

_FORMS = {
    "she": ("she", "her", "her", "was"),
    "he": ("he", "him", "his", "was"),
    "they": ("they", "them", "their", "were"),
}


@dataclass(frozen=True)
class Child:
    """How wording for the parent speaks of the child: a first name (or "your
    baby") and a pronoun ("she", "he", "they"; none given reads as "they")."""

    name: str = ""
    pronoun: str = ""

    @classmethod
    def of(cls, case: Case) -> Child:
        return cls(case.child_name, case.pronoun)

    @property
    def called(self) -> str:
        return " ".join(self.name.split()) or "your baby"

    def fill(self, template: str) -> str:
        they, them, their, was = _FORMS.get(self.pronoun, _FORMS["they"])
        called = self.called
        return template.format(child=called, childs=called + "'s", they=they, them=them,
                               their=their, was=was)


# -- sentences per code ----------------------------------------------------------------------

_CODE_SENTENCES: dict[tuple[str, str], tuple[str, str]] = {
    # (codebook id, code id): (sentence, topic). Each says only what the code itself claims.
    ("vig-principles", "being-attentive"):
        ("You gave {child} your attention and watched with interest.", "attention"),
    ("vig-principles", "encouraging-initiatives"):
        ("You made room for {child} to take the lead.", "lead"),
    ("vig-principles", "receiving-initiatives"):
        ("{child} showed you something, and you let {them} know you had noticed.", "noticed"),
    ("vig-principles", "developing-attuned-interactions"):
        ("You and {child} took turns, like a little conversation.", "turns"),
    ("vig-principles", "guiding"):
        ("You gave {child} just enough help and built on what {they} {was} already doing.",
         "help"),
    ("vig-principles", "deepening-discussion"):
        ("You shared what you saw and what it means to you.", "discussion"),
    ("serve-and-return", "share-the-focus"):
        ("You noticed what caught {childs} interest and shared it with {them}.", "focus"),
    ("serve-and-return", "support-and-encourage"):
        ("{child} told you something in {their} own way, and you answered.", "noticed"),
    ("serve-and-return", "name-it"):
        ("You put words to what {child} was seeing or doing.", "naming"),
    ("serve-and-return", "take-turns-and-wait"):
        ("You and {child} took turns, and you waited for {their} reply.", "turns"),
    ("serve-and-return", "endings-and-beginnings"):
        ("You noticed when {child} was ready for something new, and followed {them} there.",
         "following"),
}  # fmt: skip

_YOUR_BABY = re.compile(r"\byour baby(['’]s)?\b", re.IGNORECASE)


def _code_sentences(codebook: Codebook, codes: Iterable[str], child: Child,
                    covered: set[str]) -> list[str]:
    wanted = set(codes)
    sentences: list[str] = []
    for code in codebook.codes:
        if code.id not in wanted:
            continue
        known = _CODE_SENTENCES.get((codebook.id, code.id))
        if known is not None:
            template, topic = known
            if topic not in covered:
                covered.add(topic)
                sentences.append(child.fill(template))
            continue
        for sentence in _sentences(code.parent_wording):  # a service's own voice
            sentences.append(_name_the_baby(sentence, child))
    return sentences


def _name_the_baby(sentence: str, child: Child) -> str:
    if not child.name.strip():
        return sentence
    possessive = child.fill("{childs}")
    return _YOUR_BABY.sub(lambda m: possessive if m.group(1) else child.called, sentence)


# -- sentences from the turns ----------------------------------------------------------------

_CHILD_SUBJECTS = ("the baby", "baby", "the child", "child", "she", "he", "they")
_ADULT_SUBJECTS = ("the parent", "the adult", "you", "mum", "mummy", "mom", "dad", "daddy",
                   "mother", "father", "parent", "carer", "adult")


def _action(note: str, subjects: Sequence[str], child: Child, *, after_you: bool = False) -> str:
    """A turn's note as an action to follow its subject ("reached for the ball"), or "".

    After "you", a note in the third person ("holds up the ball") is not used:
    "you holds" would not read as the practitioner's own words.
    """
    text = " ".join(note.split()).strip(" .!?;:,")
    names = [child.name.strip()] if child.name.strip() else []
    for subject in (*names, *subjects):
        if text.lower().startswith(subject.lower() + " "):
            text = text[len(subject) + 1:]
            break
    if not text or deficit_words(text):
        return ""
    first = text.split()[0]
    if after_you and _THIRD_PERSON.fullmatch(first):
        return ""
    if first != "I" and not (names and first == names[0]):
        text = text[0].lower() + text[1:]
    return text


_THIRD_PERSON = re.compile(r"[A-Za-z]+[^su']s", re.IGNORECASE)


def _within(a: int, b: int, times: FrameTimes | None) -> bool:
    return times is None or times.frame_to_ms(b) - times.frame_to_ms(a) <= DEFAULT_MAX_GAP_MS


def _answer(ordered: Sequence[Turn], start: int, actor: Actor,
            times: FrameTimes | None) -> int | None:
    """Index of ``actor``'s first reception or response after ``start``, before a new serve."""
    for i in range(start + 1, len(ordered)):
        turn = ordered[i]
        if not _within(ordered[start].frame, turn.frame, times):
            return None
        if turn.kind is TurnKind.INITIATIVE:
            return None
        if turn.actor is actor:
            return i
    return None


def _child_serve_sentence(ordered: Sequence[Turn], child: Child,
                          times: FrameTimes | None) -> list[str]:
    for i, turn in enumerate(ordered):
        if turn.actor is not Actor.CHILD or turn.kind is not TurnKind.INITIATIVE:
            continue
        reply = _answer(ordered, i, Actor.ADULT, times)
        if reply is None:
            continue  # an unanswered serve is not shown to a parent as a strength
        answer = ordered[reply]
        serve = _action(turn.note, _CHILD_SUBJECTS, child) or child.fill("showed you something")
        you = _action(answer.note, _ADULT_SUBJECTS, child, after_you=True) or child.fill(
            "let {them} know you had noticed" if answer.kind is TurnKind.RECEPTION
            else "answered {them}")
        sentences = [f"{child.called} {serve}, and you {you}."]
        back = _answer(ordered, reply, Actor.CHILD, times)
        if back is not None:
            again = _action(ordered[back].note, _CHILD_SUBJECTS, child)
            they = child.fill("{they}")
            sentences.append(f"Then {they} {again}." if again
                             else child.fill("Then {they} answered you back."))
        return sentences
    return []


def _adult_serve_sentence(ordered: Sequence[Turn], child: Child,
                          times: FrameTimes | None) -> list[str]:
    for i, turn in enumerate(ordered):
        if turn.actor is not Actor.ADULT or turn.kind is not TurnKind.INITIATIVE:
            continue
        reply = _answer(ordered, i, Actor.CHILD, times)
        if reply is None:
            continue
        offer = _action(turn.note, _ADULT_SUBJECTS, child, after_you=True)
        back = _action(ordered[reply].note, _CHILD_SUBJECTS, child)
        if offer:
            return [f"You {offer}, and {child.called} {back or 'joined in'}."]
        return [child.fill("You began a little exchange with {child}, and {they} joined in.")
                if not back else f"You began a little exchange, and {child.called} {back}."]
    return []


def _turn_sentences(turns: Sequence[Turn], child: Child, times: FrameTimes | None,
                    covered: set[str]) -> list[str]:
    ordered = ordered_turns(turns)
    sentences = _child_serve_sentence(ordered, child, times)
    if sentences:
        covered.add("noticed")
    else:
        sentences = _adult_serve_sentence(ordered, child, times)
    if times is not None and turns and len({t.recording_id for t in turns}) == 1:
        longest = max((c.exchanges for c in chain_stats(turns, times).chains), default=0)
        if longest >= LONG_CHAIN:
            sentences.append(child.fill(
                "You and {child} kept it going, back and forth, like a little conversation."))
            covered.add("turns")
    return sentences


# -- the suggestion ---------------------------------------------------------------------------


def suggest_strengths(
    codebook: Codebook,
    codes: Iterable[str],
    turns: Sequence[Turn] = (),
    *,
    child: Child | None = None,
    times: FrameTimes | None = None,
) -> str:
    """A first draft of the parent-facing strengths wording for a moment.

    ``turns`` are the turns inside the moment; ``times`` (the recording's
    frame times) lets a long back-and-forth be recognised, by the same chain
    rule as the inspector and the summary. Sentences from the turns come
    first, then one per code in codebook order (the principles build on each
    other), at most ``MAX_SENTENCES``. Nothing is said that the codes and
    turns do not support; a turn's note is used as the action it names. A
    sentence said twice appears once, codes the codebook does not know are
    skipped, and any sentence with a deficit word is dropped, so the result
    never contains one even when a hand-written codebook or note does.
    Returns "" when nothing applies.
    """
    child = child or Child()
    covered: set[str] = set()
    drafted = [*_turn_sentences(turns, child, times, covered),
               *_code_sentences(codebook, codes, child, covered)]
    sentences: dict[str, str] = {}
    for draft in drafted:
        for sentence in _sentences(draft):
            if not deficit_words(sentence):
                sentences.setdefault(sentence.casefold(), sentence)
    return " ".join(list(sentences.values())[:MAX_SENTENCES])


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

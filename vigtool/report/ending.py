"""The ending: every cycle of a case together, as a celebration for the family and a record.

VIG work ends with a look back: the parent's helping question, their own answers
on the scale from the first meeting to the last, a still from each cycle, their
words over time, the goals they reached, and what to keep doing. "The videos
belong to the people in them": the family's version is theirs to keep, warm and
plain, with no notes, codes or counts (``EndingCycle.record`` is None and
``progress`` is empty there, so no template slip can show them). The
practitioner's record adds the codes per cycle, the progress numbers, the
self-assessments and the notes.

"What to keep doing" says only what was tagged: the principles seen most often
in the moments chosen for the review, each in the words ``wording.suggest_strengths``
gives that one code (the claim the code itself makes, with the child's name),
then the goals reached. Each cycle's still is the first one the practitioner
marked in a chosen moment, in review order, else the first chosen moment's
middle frame (``PictureTaker``, which also reads a purged film's kept stills).
Written to a file by ``ending_export.export_ending`` (HTML, PDF, Word). No Qt.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from vigtool.codebook import Codebook
from vigtool.domain.measures import Scale
from vigtool.domain.records import Moment
from vigtool.errors import InvalidEdit, VigtoolError
from vigtool.report import i18n
from vigtool.report.charts import Chart, progress_charts, scale_charts
from vigtool.report.language import WordingIssue, page_issues, text_issues
from vigtool.report.pictures import Picture, PictureTaker
from vigtool.report.progress import Progress, measure_progress
from vigtool.report.summary import (
    AUDIENCES,
    NO_PROGRESS,
    Audience,
    CodeTag,
    SelfLook,
    _clock,
    _code_tag,
    _inline_svg,
    _self_look,
    environment,
)
from vigtool.wording import Child, suggest_strengths
from vigtool.workspace import View

_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
T = TypeVar("T")
MAX_KEEP_DOING = 4
"""The principles the keep-doing list names at most: the few seen most often."""


@dataclass(frozen=True)
class CodeCount:
    code: CodeTag
    moments: int


@dataclass(frozen=True)
class CycleRecord:
    """What only the practitioner's record shows about a cycle."""

    chosen: int  # moments chosen for the review
    codes: tuple[CodeCount, ...]  # tagged on those moments, most often first
    note: str  # the cycle's note
    moment_notes: tuple[tuple[str, str], ...]  # (title, note) of chosen moments with a note
    self_look: SelfLook | None


@dataclass(frozen=True)
class EndingCycle:
    """One cycle as the ending shows it: a still, the moment it is from, the parent's words."""

    cycle: int
    filmed_on: str | None
    picture: Picture | None
    title: str
    strengths: str
    words: tuple[str, ...]  # every reflection of the cycle, in the order written
    record: CycleRecord | None


@dataclass(frozen=True)
class KeepDoing:
    """A principle seen in the chosen moments, in the family's words."""

    code: CodeTag
    words: str
    moments: int
    cycles: tuple[int, ...]
    every_session: bool


@dataclass(frozen=True)
class GoalLine:
    text: str
    cycle: int
    reached_on: str | None


@dataclass(frozen=True)
class ScaleEnds:
    """One rater's first and last answer on one measure."""

    measure: str
    rater: str
    first_cycle: int
    first: int
    last_cycle: int
    last: int


@dataclass(frozen=True)
class EndingData:
    """Everything the ending shows, before it is put into words. ``goals`` are the reached
    ones in the family's version, all of them in the record."""

    audience: Audience
    case_id: int
    case_code: str
    child: str  # the child's first name, or "" ("your baby")
    helping_question: str
    cycles: tuple[EndingCycle, ...]
    scales: tuple[Scale, ...]
    keep_doing: tuple[KeepDoing, ...]
    goals: tuple[GoalLine, ...]
    progress: Progress
    made_at: str
    codebook_name: str

    @property
    def family(self) -> bool:
        return self.audience == "family"

    @property
    def reached(self) -> tuple[GoalLine, ...]:
        return tuple(g for g in self.goals if g.reached_on is not None)

    @property
    def seen_differently(self) -> bool:
        """Whether the keep-doing principles were seen in different sessions (worth saying
        under each one); when all were seen in the same ones, the family's lead says it."""
        return len({k.cycles for k in self.keep_doing}) > 1

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(c.cycle for c in self.cycles)



def scale_ends(scale: Scale) -> tuple[ScaleEnds, ...]:
    """The first and last answers on ``scale``, per rater who answered more than once."""
    found = []
    for rater in ("parent", "practitioner"):
        ratings = sorted(scale.by(rater), key=lambda r: r.cycle)
        if len(ratings) > 1:
            found.append(ScaleEnds(scale.measure.name, rater, ratings[0].cycle,
                                   ratings[0].value, ratings[-1].cycle, ratings[-1].value))
    return tuple(found)


def build_ending(ws: View, case_id: int, *, audience: Audience, codebook: Codebook
                 ) -> EndingData:
    """Gather the ending of a case: every cycle, from the first meeting to the last.

    Raises InvalidEdit when the family's version has no moment chosen for review in
    any cycle (there would be nothing of theirs to celebrate)."""
    if audience not in AUDIENCES:
        raise VigtoolError(f"the ending is for 'family' or 'practitioner', not {audience!r}")
    case = ws.caseload.case(case_id)
    family = audience == "family"
    recordings = [r for r in ws.library.recordings(case_id) if r.kind == "family"]
    numbers = sorted({r.cycle for r in recordings}
                     | {c.number for c in ws.caseload.cycles(case_id)})
    chosen = {n: ws.annotations.review_moments(case_id, n) for n in numbers}
    if family and not any(chosen.values()):
        raise InvalidEdit(f"no moment of case {case.code} is chosen for review in any cycle "
                          "yet: choose the moments to share first")
    reflections = [r for r in ws.review.reflections(case_id) if r.text.strip()]
    notes = {c.number: c.note.strip() for c in ws.caseload.cycles(case_id)}
    cycles = []
    with PictureTaker(ws) as camera:
        for n in numbers:
            moment, picture = _best_still(ws, camera, chosen[n])
            words = tuple(r.text.strip() for r in reflections if r.cycle == n)
            if family and moment is None and not words:
                continue
            filmed = [r.filmed_on for r in recordings if r.cycle == n and r.filmed_on]
            cycles.append(EndingCycle(
                cycle=n,
                filmed_on=min(filmed, default=None),
                picture=picture,
                title=moment.title.strip() if moment else "",
                strengths=moment.strengths.strip() if moment else "",
                words=words,
                record=None if family else _cycle_record(ws, case_id, n, chosen[n],
                                                         notes.get(n, ""), codebook),
            ))
    goals = [GoalLine(g.text.strip(), g.cycle, g.reached_on)
             for g in ws.review.goals(case_id) if g.text.strip()]
    return EndingData(
        audience=audience,
        case_id=case.id,
        case_code=case.code,
        child=" ".join(case.child_name.split()),
        helping_question=case.helping_question.strip(),
        cycles=tuple(cycles),
        scales=ws.measures.scales(case_id, family=family),
        keep_doing=keep_doing(codebook, chosen, Child.of(case)),
        goals=tuple(g for g in goals if g.reached_on is not None or not family),
        progress=NO_PROGRESS if family or not numbers else measure_progress(
            ws, case_id, numbers[-1], codebook, known_only=False),
        made_at=datetime.now().astimezone().isoformat(timespec="minutes"),
        codebook_name=codebook.name,
    )


def keep_doing(codebook: Codebook, chosen: Mapping[int, Sequence[Moment]], child: Child,
               *, most: int = MAX_KEEP_DOING) -> tuple[KeepDoing, ...]:
    """The principles tagged most often on the moments chosen for review (``chosen``: by
    cycle), then those seen in the most cycles, then codebook order, each with the
    sentence that code alone supports. A code the codebook does not know, or that gives
    no sentence, is left out: nothing is said that was not tagged."""
    order = {code.id: i for i, code in enumerate(codebook.codes)}
    sessions = tuple(n for n, moments in sorted(chosen.items()) if moments)
    counts: Counter[str] = Counter()
    cycles_of: dict[str, set[int]] = {}
    for n, moments in chosen.items():
        for moment in moments:
            for code in set(moment.codes) & order.keys():
                counts[code] += 1
                cycles_of.setdefault(code, set()).add(n)
    ranked = sorted(counts, key=lambda c: (-counts[c], -len(cycles_of[c]), order[c]))
    found = []
    for code_id in ranked:
        words = suggest_strengths(codebook, [code_id], child=child)
        if not words:
            continue
        seen = tuple(sorted(cycles_of[code_id]))
        found.append(KeepDoing(_code_tag(codebook, code_id), words, counts[code_id], seen,
                               every_session=len(sessions) > 1 and seen == sessions))
        if len(found) == most:
            break
    return tuple(found)


def _best_still(ws: View, camera: PictureTaker, chosen: list[Moment]
                ) -> tuple[Moment | None, Picture | None]:
    """The first still the practitioner marked in a chosen moment (review order), else the
    first chosen moment's own picture; the moment it is from."""
    marked = [m for m in chosen if ws.annotations.stills_in(m)]
    for moment in [*marked, *(m for m in chosen if m not in marked)]:
        pictures = camera.pictures(moment)
        if pictures:
            return moment, pictures[0]
    return (chosen[0], None) if chosen else (None, None)


def _cycle_record(ws: View, case_id: int, cycle: int, chosen: list[Moment], note: str,
                  codebook: Codebook) -> CycleRecord:
    counts = Counter(code for m in chosen for code in set(m.codes))
    order = {code.id: i for i, code in enumerate(codebook.codes)}
    ranked = sorted(counts, key=lambda c: (-counts[c], order.get(c, len(order)), c))
    return CycleRecord(
        chosen=len(chosen),
        codes=tuple(CodeCount(_code_tag(codebook, c), counts[c]) for c in ranked),
        note=note,
        moment_notes=tuple((m.title.strip(), m.note.strip()) for m in chosen if m.note.strip()),
        self_look=_self_look(ws, case_id, cycle, codebook),
    )


# -- words --------------------------------------------------------------------------------------


def render_ending_html(data: EndingData, *, for_print: bool = False,
                       language: str | None = None) -> str:
    """The ending as one self-contained HTML page (pictures and charts inline, no links);
    ``for_print`` gives the variant Qt lays out for the PDF, as ``render_html`` does."""
    t = i18n.translations(language)
    template = environment(language).get_template(
        "ending_print.html.j2" if for_print else "ending.html.j2")
    return template.render(
        data=data,
        family=data.family,
        charts=() if data.family else progress_charts(data.progress, t),
        scales=scales_with_ends(data, ending_scale_charts(data, t)),
        inline_svg=_inline_svg,
        long_date=lambda iso: i18n.long_date(iso, t.gettext),
        clock=_clock,
        lang=language or "en",
    )


def ending_scale_charts(data: EndingData, t: gettext.NullTranslations
                        ) -> tuple[Chart, ...]:
    """The scale from the first meeting to the last cycle, one chart per measure rated."""
    return scale_charts(data.scales, [n for n in data.numbers if n > 0], family=data.family,
                        t=t)


def scales_with_ends(data: EndingData, charts: Sequence[T]
                     ) -> tuple[tuple[T, tuple[ScaleEnds, ...]], ...]:
    """Each scale's chart with its first and last answers (a chart per scale rated)."""
    if len(charts) != len(data.scales):  # cannot happen: every scale here has ratings
        return tuple((c, ()) for c in charts)
    return tuple((c, scale_ends(s)) for c, s in zip(charts, data.scales, strict=True))


def ending_wording_issues(data: EndingData, page: str = "") -> list[WordingIssue]:
    """Deficit words and jargon in the family's ending, by where they came from (like
    ``language.wording_issues``: the parent's own words are never checked)."""
    issues = text_issues(_practitioner_text(data))
    if page and not issues:
        issues += page_issues(page, _parent_words(data), "the ending")
    return issues


def _practitioner_text(data: EndingData) -> Iterator[tuple[str, str]]:
    for c in data.cycles:
        name = f"cycle {c.cycle}'s moment" + (f" '{c.title}'" if c.title else "")
        yield f"{name} title", c.title
        yield f"{name} wording", c.strengths
        if c.picture is not None:
            yield f"{name} still caption", c.picture.caption
    for item in data.keep_doing:
        yield f"the keep-doing words for '{item.code.label}'", item.words
    for goal in data.goals:
        preview = goal.text if len(goal.text) <= 30 else goal.text[:29] + "…"
        yield f"goal '{preview}'", goal.text


def _parent_words(data: EndingData) -> Iterator[str]:
    yield data.helping_question
    for c in data.cycles:
        yield from c.words

"""The session summary: the data (``build_summary``) and its words (``render_html``). No Qt.

Two audiences. The family's version holds only what a parent should keep:
the helping question and reflections in their own words, the chosen moments
with their pictures and strengths wording, what to look for next time, and
a look back over earlier sessions in the parent's own words. The
practitioner's record adds codes, timings, chains, the practitioner's notes
and the progress charts. The family's data has no place for the notes or
for any number at all (``SummaryMoment.detail`` is None and ``progress`` is
empty): a count of moments per principle or the longest back-and-forth
reads as a score to a parent, so no template slip can show one. The one
exception is the parent's own scaling answers (``scales``: how confident they
feel about their question, 0 to 10, from the first meeting on): those are
theirs, asked of them and given by them, like their words.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal, get_args

import jinja2
from markupsafe import Markup

from vigtool.codebook import Codebook
from vigtool.domain.chains import chain_stats
from vigtool.domain.clock import minutes_time
from vigtool.domain.measures import Scale
from vigtool.domain.records import Moment, Recording
from vigtool.errors import InvalidEdit, NotFound, VigtoolError
from vigtool.report import i18n
from vigtool.report.charts import SVG_NAMESPACE, Chart, progress_charts, scale_charts
from vigtool.report.pictures import Picture, PictureTaker
from vigtool.report.progress import Progress, measure_progress
from vigtool.workspace import View

Audience = Literal["family", "practitioner"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
NO_PROGRESS = Progress(codes=(), cycles=())


@dataclass(frozen=True)
class CodeTag:
    id: str
    label: str
    colour: str


@dataclass(frozen=True)
class SelfLook:
    """The practitioner's self-assessment of their shared review (the record only)."""

    used_well: tuple[str, ...]  # principle labels
    used_well_note: str
    to_develop: tuple[str, ...]
    to_develop_note: str


@dataclass(frozen=True)
class MomentDetail:
    """What only the practitioner's record shows about a moment. Times are None
    when the recording's frame times cannot be read."""

    codes: tuple[CodeTag, ...]
    note: str
    prompt: str
    recording_name: str
    recording_status: str
    start_frame: int
    end_frame: int
    start_ms: int | None
    end_ms: int | None
    turns: int
    longest_chain: int | None


@dataclass(frozen=True)
class SummaryMoment:
    id: int
    number: int
    title: str
    strengths: str
    pictures: tuple[Picture, ...]
    reflections: tuple[str, ...]
    detail: MomentDetail | None


@dataclass(frozen=True)
class EarlierSession:
    """An earlier cycle in the parent's own words, for the family's look back."""

    cycle: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class SummaryData:
    """Everything one summary shows, before it is put into words.

    ``reflections`` are the parent's words that are not about one chosen
    moment; ``reviewed_on`` is the day of the last reflection written down
    (ISO date) or None; ``cycle_note`` is empty in the family version, and
    ``progress`` (the numbers behind the charts) is empty there too.
    ``earlier`` holds the parent's words from earlier cycles, in the family
    version only: how things have gone, told in their words, not in numbers.
    """

    audience: Audience
    case_id: int
    case_code: str
    cycle: int
    helping_question: str
    moments: tuple[SummaryMoment, ...]
    reflections: tuple[str, ...]
    goals: tuple[str, ...]
    progress: Progress
    reviewed_on: str | None
    made_at: str
    codebook_name: str
    cycle_note: str
    earlier: tuple[EarlierSession, ...] = ()
    self_look: SelfLook | None = None
    # Scaling (ws.measures.scales) from the first meeting (cycle 0) up to this cycle. The
    # family's holds only the parent's own ratings: their answers, not a score of them.
    scales: tuple[Scale, ...] = ()

    @property
    def family(self) -> bool:
        return self.audience == "family"


def build_summary(
    ws: View,
    case_id: int,
    cycle: int | None = None,
    *,
    audience: Audience,
    codebook: Codebook,
) -> SummaryData:
    """Gather one cycle's summary (the latest cycle with a recording when ``cycle`` is None).

    Reads pictures from the recordings (readers are closed before returning).
    Raises NotFound for an unknown case or cycle, InvalidEdit when the family
    version has no moment chosen for review.
    """
    if audience not in AUDIENCES:
        raise VigtoolError(f"a summary is for 'family' or 'practitioner', not {audience!r}")
    case = ws.caseload.case(case_id)
    recordings = ws.library.recordings(case_id)
    cycle = _which_cycle(ws, case_id, case.code, recordings, cycle)
    family = audience == "family"
    # The family's films only: a shared review's film is the practitioner's, for supervision.
    chosen = _chosen_moments(ws, [r for r in recordings
                                  if r.cycle == cycle and r.kind == "family"])
    if family and not chosen:
        raise InvalidEdit(
            f"no moment of case {case.code}, cycle {cycle} is chosen for review yet: "
            "choose the moments to share first"
        )
    reflections = [r for r in ws.review.reflections(case_id, cycle) if r.text.strip()]
    chosen_ids = {m.id for m in chosen}
    with PictureTaker(ws) as camera:
        moments = tuple(
            SummaryMoment(
                id=m.id,
                number=n,
                title=m.title.strip(),
                strengths=m.strengths.strip(),
                pictures=camera.pictures(m),
                reflections=tuple(r.text.strip() for r in reflections if r.moment_id == m.id),
                detail=None if family else _detail(ws, m, codebook),
            )
            for n, m in enumerate(chosen, start=1)
        )
    cycle_note = next((c.note for c in ws.caseload.cycles(case_id) if c.number == cycle), "")
    return SummaryData(
        audience=audience,
        case_id=case.id,
        case_code=case.code,
        cycle=cycle,
        helping_question=case.helping_question.strip(),
        moments=moments,
        reflections=tuple(r.text.strip() for r in reflections if r.moment_id not in chosen_ids),
        goals=tuple(g.text.strip() for g in ws.review.goals(case_id, cycle) if g.text.strip()),
        progress=NO_PROGRESS if family else measure_progress(
            ws, case_id, cycle, codebook, known_only=False),
        reviewed_on=max((r.created_at[:10] for r in reflections), default=None),
        made_at=datetime.now().astimezone().isoformat(timespec="minutes"),
        codebook_name=codebook.name,
        cycle_note="" if family else cycle_note.strip(),
        earlier=_earlier_words(ws, case_id, cycle) if family else (),
        self_look=None if family else _self_look(ws, case_id, cycle, codebook),
        scales=ws.measures.scales(case_id, up_to_cycle=cycle, family=family),
    )


def _self_look(ws: View, case_id: int, cycle: int, codebook: Codebook) -> SelfLook | None:
    found = ws.supervision.self_assessment(case_id, cycle)
    if found is None:
        return None

    def labels(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_code_tag(codebook, i).label for i in ids)

    return SelfLook(labels(found.used_well), found.used_well_note,
                    labels(found.to_develop), found.to_develop_note)


def _earlier_words(ws: View, case_id: int, cycle: int) -> tuple[EarlierSession, ...]:
    """Every earlier cycle's reflections, in the order written (cycles without words left out)."""
    by_cycle: dict[int, list[str]] = {}
    for reflection in ws.review.reflections(case_id):
        if reflection.cycle < cycle and reflection.text.strip():
            by_cycle.setdefault(reflection.cycle, []).append(reflection.text.strip())
    return tuple(EarlierSession(n, tuple(by_cycle[n])) for n in sorted(by_cycle))


def _which_cycle(
    ws: View, case_id: int, code: str, recordings: list[Recording], cycle: int | None
) -> int:
    numbers = {r.cycle for r in recordings} | {c.number for c in ws.caseload.cycles(case_id)}
    if cycle is None:
        if not numbers:
            raise NotFound(f"case {code} has no recordings yet: import a film first")
        return max(numbers)
    if cycle not in numbers:
        known = ", ".join(str(n) for n in sorted(numbers)) or "none yet"
        raise NotFound(f"case {code} has no cycle {cycle} (cycles: {known})")
    return cycle


def _chosen_moments(ws: View, recordings: list[Recording]) -> list[Moment]:
    """The cycle's moments chosen for review, in review order (unordered ones last)."""
    chosen = [m for r in recordings for m in ws.annotations.moments(r.id) if m.selected_for_review]
    return sorted(
        chosen,
        key=lambda m: (m.review_order is None, m.review_order or 0, m.recording_id, m.start_frame),
    )


def _detail(ws: View, moment: Moment, codebook: Codebook) -> MomentDetail:
    recording = ws.library.recording(moment.recording_id)
    turns = ws.annotations.turns(recording.id, moment.id)
    start_ms = end_ms = longest = None
    try:
        times = ws.library.frame_times(recording.id)
        after = moment.end_frame + 1
        start_ms = times.frame_to_ms(moment.start_frame)
        end_ms = times.frame_to_ms(after) if after < times.frame_count else times.end_ms
        longest = chain_stats(turns, times).longest_chain if turns else None
    except VigtoolError:
        pass  # the frame index cannot be rebuilt without the media
    return MomentDetail(
        codes=tuple(_code_tag(codebook, c) for c in moment.codes),
        note=moment.note.strip(),
        prompt=moment.prompt.strip(),
        recording_name=recording.original_name,
        recording_status=recording.status.value,
        start_frame=moment.start_frame,
        end_frame=moment.end_frame,
        start_ms=start_ms,
        end_ms=end_ms,
        turns=len(turns),
        longest_chain=longest,
    )


def _code_tag(codebook: Codebook, code_id: str) -> CodeTag:
    try:
        code = codebook.code(code_id)
    except NotFound:
        return CodeTag(code_id, code_id, "#8C8C8C")
    return CodeTag(code.id, code.label, code.colour)


# -- words ------------------------------------------------------------------------------


def render_html(data: SummaryData, *, for_print: bool = False, language: str | None = None) -> str:
    """The summary as one self-contained HTML page (pictures and charts inline, no links).

    ``for_print`` gives the variant Qt's rich-text engine lays out for the PDF:
    tables instead of modern CSS, charts as SVG images rather than inline SVG.
    ``language`` picks the translation (the user's locale when None).
    """
    t = i18n.translations(language)
    family = data.family
    charts = () if family else progress_charts(data.progress, t)
    scales = summary_scale_charts(data, t)
    template = environment(language).get_template(
        "summary_print.html.j2" if for_print else "summary.html.j2"
    )
    return template.render(
        data=data,
        family=family,
        charts=charts,
        scales=scales,
        inline_svg=_inline_svg,
        long_date=lambda iso: i18n.long_date(iso, t.gettext),
        clock=_clock,
        lang=language or "en",
    )


def summary_scale_charts(data: SummaryData, t: gettext.NullTranslations) -> tuple[Chart, ...]:
    """The scaling charts of ``data`` (one per measure rated), for every format: the first
    meeting, if rated, then each cycle up to this one."""
    return scale_charts(data.scales, range(1, data.cycle + 1), family=data.family, t=t)


def _inline_svg(chart: Chart) -> Markup:
    """The chart's SVG inside HTML, where it needs no namespace (so the page holds no URL)."""
    # Safe: charts.py builds the SVG from escaped parts.
    return Markup(chart.svg.replace(f' xmlns="{SVG_NAMESPACE}"', "", 1))


@cache
def environment(language: str | None) -> jinja2.Environment:
    """The report templates' Jinja environment, translated into ``language``."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vigtool.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def _clock(ms: int | None) -> str:
    """"1:04.32" (minutes:seconds.hundredths), or "?" when unknown."""
    return "?" if ms is None else minutes_time(ms)

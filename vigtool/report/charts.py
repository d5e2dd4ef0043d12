"""Progress charts for the practitioner's record, as small, self-contained SVG (no Qt).

Each chart is a grid: one column per cycle, one row per thing measured,
and in each cell a bar with its value written beside it, so nothing is told
by colour alone. Every chart has a <title> and a <desc> that says all its
numbers in words, and every bar has its own <title>, for screen readers.
Rows keep the codebook colours. Words come in already translated.
"""

from __future__ import annotations

import base64
import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from vigtool.domain.measures import FIRST_MEETING, Scale
from vigtool.report.i18n import N_
from vigtool.report.progress import Progress

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
WIDTH = 680
LABEL_WIDTH = 236
HEAD_HEIGHT = 34
ROW_HEIGHT = 34
BAR_HEIGHT = 16
VALUE_ROOM = 58
MAX_LABEL_CHARS = 34
FONT = "'DejaVu Sans', 'Noto Sans', 'Segoe UI', 'Arial Unicode MS', sans-serif"
INK = "#4A3F38"
SOFT_INK = "#7A6D64"
STRIPE = "#F7F1E8"
RULE = "#E6DCD0"
CHAIN_COLOUR = "#C9826B"
LATENCY_COLOUR = "#7E9C8A"


@dataclass(frozen=True)
class ChartRow:
    """One measured thing: a value per cycle (None: nothing to draw) and its written form."""

    label: str
    colour: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]
    scale_max: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def progress_charts(progress: Progress, t: gettext.NullTranslations) -> tuple[Chart, ...]:
    """The moments chart and the chains chart for ``progress``: the practitioner's record only.

    The family's copy has no charts: a count of moments per principle or a
    longest back-and-forth reads as a score to a parent, whatever the words
    around it say (``SummaryData.progress`` is empty there).
    """
    _ = t.gettext
    if not progress.cycles:
        return ()
    heads = tuple(_("Cycle %(n)d") % {"n": c.cycle} for c in progress.cycles)
    top = max((c.count(code.id) for c in progress.cycles for code in progress.codes), default=0)
    rows = [
        ChartRow(
            label=code.label,
            colour=code.colour,
            values=tuple(float(c.count(code.id)) for c in progress.cycles),
            texts=tuple(str(c.count(code.id)) for c in progress.cycles),
            scale_max=top,
        )
        for code in progress.codes
    ]
    charts = []
    if rows:
        charts.append(bar_grid("chart-moments", _("Tagged moments per principle, by cycle"),
                               heads, rows))
    chains = [c.longest_chain for c in progress.cycles]
    chain_rows = []
    if any(chains):
        chain_rows.append(ChartRow(
            label=_("Longest chain (turns)"),
            colour=CHAIN_COLOUR,
            values=tuple(None if n is None else float(n) for n in chains),
            texts=tuple(
                "" if n is None else t.ngettext("%(n)d turn", "%(n)d turns", n) % {"n": n}
                for n in chains
            ),
            scale_max=max(n or 0 for n in chains),
        ))
    latencies = [c.median_latency_ms for c in progress.cycles]
    if any(v is not None for v in latencies):
        chain_rows.append(ChartRow(
            label=_("Median response, child to adult"),
            colour=LATENCY_COLOUR,
            values=tuple(None if v is None else v / 1000 for v in latencies),
            texts=tuple("–" if v is None else _("%(s).1f s") % {"s": v / 1000} for v in latencies),
            scale_max=max(v or 0 for v in latencies) / 1000,
        ))
    if chain_rows:
        charts.append(bar_grid("chart-chains",
                               _("Serve-and-return chains and response times, by cycle"),
                               heads, chain_rows))
    return tuple(charts)


def bar_grid(chart_id: str, title: str, heads: Sequence[str], rows: Sequence[ChartRow]) -> Chart:
    """A grid of bars: ``heads`` are the column (cycle) headings."""
    height = HEAD_HEIGHT + ROW_HEIGHT * len(rows) + 6
    column = (WIDTH - LABEL_WIDTH) / len(heads)
    bar_room = column - VALUE_ROOM - 12
    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(heads, rows))}</desc>',
        f'<g font-family="{FONT}" font-size="13" fill="{INK}">',
    ]
    for i in range(0, len(rows), 2):
        y = HEAD_HEIGHT + i * ROW_HEIGHT
        parts.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="{ROW_HEIGHT}" fill="{STRIPE}"/>')
    parts.append('<g class="labels">')
    for i, row in enumerate(rows):
        baseline = HEAD_HEIGHT + i * ROW_HEIGHT + ROW_HEIGHT / 2 + 5
        parts.append(f'<text x="10" y="{baseline:.1f}">{escape(_short(row.label))}'
                     f"<title>{escape(row.label)}</title></text>")
    parts.append("</g>")
    for col, head in enumerate(heads):
        x0 = LABEL_WIDTH + col * column
        parts.append(f'<g class="cycle" data-cycle="{col + 1}">')
        parts.append(
            f'<line x1="{x0:.1f}" y1="6" x2="{x0:.1f}" y2="{height - 4}" stroke="{RULE}"/>'
        )
        parts.append(f'<text x="{x0 + 12:.1f}" y="22" font-weight="bold" '
                     f'fill="{SOFT_INK}">{escape(head)}</text>')
        for i, row in enumerate(rows):
            parts.append(_cell(row, col, head, x0 + 12, HEAD_HEIGHT + i * ROW_HEIGHT, bar_room))
        parts.append("</g>")
    parts.append("</g></svg>")
    return Chart(chart_id, title, "".join(parts), WIDTH, height)


def _cell(row: ChartRow, col: int, head: str, x: float, y: float, room: float) -> str:
    value, text = row.values[col], row.texts[col]
    if value is None and not text:
        return ""
    tip = escape(f"{row.label}, {head}: {text}")
    width = 0.0 if not value or row.scale_max <= 0 else max(4.0, room * value / row.scale_max)
    bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
    out = ""
    if width:
        out += (f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'rx="3" fill="{row.colour}"><title>{tip}</title></rect>')
    return out + (f'<text x="{x + width + 6:.1f}" y="{y + ROW_HEIGHT / 2 + 5:.1f}">'
                  f"{escape(text)}<title>{tip}</title></text>")


def _describe(heads: Sequence[str], rows: Sequence[ChartRow]) -> str:
    sentences = []
    for col, head in enumerate(heads):
        cells = [f"{r.label} {r.texts[col]}" for r in rows if r.texts[col]]
        if cells:
            sentences.append(f"{head}: {', '.join(cells)}.")
    return " ".join(sentences)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


# -- scaling: one measure across the work ------------------------------------------------------

SCALE_PLOT_TOP = 34
SCALE_PLOT_HEIGHT = 150
SCALE_LEFT = 52
SCALE_RIGHT = 44
SCALE_MAX_STEP = 170
PARENT_COLOUR = "#B5664E"
PRACTITIONER_COLOUR = "#5E7F6C"
GRID = "#EFE7DC"

BUILTIN_WORDS = (
    N_("Helping question"),
    N_("Thinking about your question, how confident do you feel now?"),
    N_("The parent's confidence about their helping question"),
    N_("Not yet"),
    N_("Very confident"),
)
"""The built-in helping-question measure's words (``vigtool.domain.measures``), marked
here so they are in the catalogue; they are translated where they are drawn."""


@dataclass(frozen=True)
class ScaleLine:
    """One rater's points on one measure: value by cycle, drawn as ``marker`` ("dot" or
    "square") so two lines differ by shape and by the words beside them, not colour."""

    label: str
    rater: str
    values: dict[int, int]
    marker: str
    colour: str


def scale_charts(scales: Sequence[Scale], cycles: Sequence[int], *, family: bool,
                 t: gettext.NullTranslations) -> tuple[Chart, ...]:
    """One chart per measure, from the first meeting (cycle 0) across ``cycles``.

    The family's copy holds the parent's own ratings only (``Scale`` already cut
    down by ``ws.measures.scales(family=True)``) and speaks to them: "Our first
    meeting", "Session 2", "You". The practitioner's record shows both raters.
    """
    _ = t.gettext
    charts = []
    for n, scale in enumerate(scales, start=1):
        measure = scale.measure
        columns = sorted(set(cycles) | set(scale.cycles))
        heads = [(c, _column_head(c, family=family, t=t)) for c in columns]
        lines = [ScaleLine(_("You") if family else _("Parent"), "parent",
                           {r.cycle: r.value for r in scale.by("parent")}, "dot",
                           PARENT_COLOUR)]
        if not family and scale.by("practitioner"):
            lines.append(ScaleLine(_("Practitioner"), "practitioner",
                                   {r.cycle: r.value for r in scale.by("practitioner")},
                                   "square", PRACTITIONER_COLOUR))
        lines = [line for line in lines if line.values]
        if not lines:
            continue
        title = _(measure.family_wording) if family else _(measure.for_practitioner)
        ends = _("from %(low)d to %(high)d") % {"low": measure.min, "high": measure.max}
        if measure.min_label and measure.max_label:  # gettext("") would be the header
            ends = _("%(low)d means “%(low_label)s”, %(high)d means “%(high_label)s”") % {
                "low": measure.min, "low_label": _(measure.min_label),
                "high": measure.max, "high_label": _(measure.max_label)}
        charts.append(scale_chart(f"chart-scale-{n}", title, _(measure.name), ends,
                                  (measure.min, measure.max), heads, lines))
    return tuple(charts)


def _column_head(cycle: int, *, family: bool, t: gettext.NullTranslations) -> str:
    _ = t.gettext
    if cycle == FIRST_MEETING:
        return _("Our first meeting") if family else _("First meeting")
    return (_("Session %(n)d") if family else _("Cycle %(n)d")) % {"n": cycle}


def scale_chart(chart_id: str, title: str, name: str, ends: str, scale: tuple[int, int],
                heads: Sequence[tuple[int, str]], lines: Sequence[ScaleLine]) -> Chart:
    """Points joined across columns (a line breaks where a point was skipped), each with
    its value written beside it; ``ends`` says what the ends of the scale mean."""
    low, high = scale
    legend = len(lines) > 1
    plot_bottom = SCALE_PLOT_TOP + SCALE_PLOT_HEIGHT
    height = plot_bottom + 62 + (22 if legend else 0)
    left, right = SCALE_LEFT + 34, WIDTH - SCALE_RIGHT
    step = min(SCALE_MAX_STEP, (right - left) / max(1, len(heads) - 1))
    first = (left + right) / 2 - step * (len(heads) - 1) / 2  # few columns sit together

    def x_of(i: int) -> float:
        return first + i * step

    def y_of(value: int) -> float:
        return plot_bottom - (value - low) * SCALE_PLOT_HEIGHT / (high - low)

    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart scale-chart" '
        f'id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe_scale(name, ends, heads, lines))}'
        "</desc>",
        f'<g font-family="{FONT}" font-size="13" fill="{INK}">',
    ]
    for value in range(low, high + 1):
        edge = value in (low, high)
        y = y_of(value)
        parts.append(f'<line x1="{SCALE_LEFT + 14}" y1="{y:.1f}" x2="{right + 16}" '
                     f'y2="{y:.1f}" stroke="{RULE if edge else GRID}"/>')
        if edge or (high - low >= 4 and value == (low + high) // 2):
            parts.append(f'<text x="{SCALE_LEFT}" y="{y + 4.5:.1f}" text-anchor="end" '
                         f'fill="{SOFT_INK}">{value}</text>')
    for i, (cycle, head) in enumerate(heads):
        parts.append(f'<text x="{x_of(i):.1f}" y="{plot_bottom + 26}" text-anchor="middle" '
                     f'font-weight="bold" fill="{SOFT_INK}" data-cycle="{cycle}">'
                     f"{escape(head)}</text>")
    for line in lines:
        parts.append(_scale_line(line, heads, x_of, y_of))
    parts.append(f'<text x="{SCALE_LEFT + 14}" y="{plot_bottom + 50}" fill="{SOFT_INK}" '
                 f'font-size="12">{escape(ends)}</text>')
    if legend:
        x = SCALE_LEFT + 14
        y = plot_bottom + 74
        for line in lines:
            parts.append(_marker(line, x + 6, y - 4.5, 5.5))
            parts.append(f'<text x="{x + 18}" y="{y}">{escape(line.label)}</text>')
            x += 40 + 8 * len(line.label)
    parts.append("</g></svg>")
    return Chart(chart_id, title, "".join(parts), WIDTH, height)


def _scale_line(line: ScaleLine, heads: Sequence[tuple[int, str]],
                x_of: Callable[[int], float], y_of: Callable[[int], float]) -> str:
    points = [(i, cycle, head, line.values[cycle]) for i, (cycle, head) in enumerate(heads)
              if cycle in line.values]
    dash = ' stroke-dasharray="6 4"' if line.marker == "square" else ""
    out = [f'<g class="scale-line" data-rater="{line.rater}">']
    for (i, _c, _h, value), (j, _c2, _h2, after) in pairwise(points):
        if j == i + 1:  # a skipped point breaks the line: nothing is made up between
            out.append(f'<line x1="{x_of(i):.1f}" y1="{y_of(value):.1f}" x2="{x_of(j):.1f}" '
                       f'y2="{y_of(after):.1f}" stroke="{line.colour}" stroke-width="2.5"'
                       f"{dash}/>")
    below = line.marker == "square"
    for i, cycle, head, value in points:
        x, y = x_of(i), y_of(value)
        tip = escape(f"{line.label}, {head}: {value}")
        out.append(f'<g class="scale-point" data-cycle="{cycle}" data-value="{value}">'
                   f"<title>{tip}</title>{_marker(line, x, y, 7)}"
                   f'<text x="{x:.1f}" y="{y + 24 if below else y - 13:.1f}" '
                   f'text-anchor="middle" font-weight="bold" font-size="15">{value}</text>'
                   "</g>")
    out.append("</g>")
    return "".join(out)


def _marker(line: ScaleLine, x: float, y: float, r: float) -> str:
    if line.marker == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" '
                f'height="{2 * r:.1f}" fill="#FFFFFF" stroke="{line.colour}" '
                'stroke-width="2.5"/>')
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{line.colour}" '
            'stroke="#FFFFFF" stroke-width="2"/>')


def _describe_scale(name: str, ends: str, heads: Sequence[tuple[int, str]],
                    lines: Sequence[ScaleLine]) -> str:
    """Every value in words: "Your question, 0 means “Not yet”, 10 means “Very confident”.
    You: Our first meeting 3, Session 1 5."""
    sentences = [f"{name}, {ends}."]
    for line in lines:
        said = [f"{head} {line.values[cycle]}" for cycle, head in heads if cycle in line.values]
        sentences.append(f"{line.label}: {', '.join(said)}.")
    return " ".join(sentences)

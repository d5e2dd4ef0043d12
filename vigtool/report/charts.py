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
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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

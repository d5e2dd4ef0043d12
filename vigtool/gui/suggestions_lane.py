"""The Suggestions lane: suggested moments on the timeline, plainly not tags yet.

Each suggestion is a hatched block with a dashed edge (a moment is a solid
block), more opaque the higher its score, labelled "Suggested" with its
number of turns. Its turns sit along its foot with the Turns lane's marks
(circle = child, square = adult; filled = starts, ring with a dot = answers),
so who is speaking never rests on colour alone. A status line in the lane says
while the film is being searched, or that nothing was found.

``SuggestionMarks`` only draws what it is given and answers what is under the
pointer; ``TimelineView`` places the lane (under the moment lanes, over Turns)
through ``timeline_lanes``, and ``suggestion_commands`` decides what it shows.
GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from vigtool.analysis.records import Suggestion
from vigtool.domain.clock import ruler_time
from vigtool.domain.records import Actor, TurnKind
from vigtool.gui.keymap import binding
from vigtool.gui.timeline_geometry import Lane, LaneKind, Viewport
from vigtool.gui.timeline_style import SPRITE, TURN_ACTORS, TURN_KINDS, TimelineStyle

LANE_HEIGHT = 32
LANE_LABEL = "Suggestions"
INSET = 3
MIN_WIDTH = 6.0  # a shorter suggestion is drawn this wide, so it can be seen and clicked
HIT_SLACK = 3.0
MARK_SPACING = 7.0  # px between two marks of one person (denser ones are left out)

Key = tuple[int, int]  # a suggestion's span in ms: what a dismissal remembers


def _keys() -> str:
    play, accept, dismiss = (binding(f"suggest.{a}").keys[0]
                             for a in ("play", "accept", "dismiss"))
    return f"{play} plays it, {accept} accepts it as a moment, {dismiss} dismisses it"


def lane_tip() -> str:
    return (f"<b>{LANE_LABEL}</b><br>Stretches where the sound suggests a serve and return: "
            "prompts to look, not tags. Hatched with a dashed edge; the stronger, the darker. "
            "Circle = child, square = adult; filled = starts, ring with a dot = answers."
            f"<br>Click one, then {_keys()}.")


def turn_sprite_index(actor: str, kind: str) -> int:
    """The Turns lane's marker number (``actor * 3 + kind``) for a suggested turn."""
    return TURN_ACTORS.index(Actor(actor)) * 3 + TURN_KINDS.index(TurnKind(kind))


class _Look:
    """The lane's pens and brushes for one timeline style (made once per theme)."""

    def __init__(self, style: TimelineStyle) -> None:
        ink = style.text.color()
        ground = style.track.color()
        self.ink = ink
        self.edge = QPen(ink, 1.2, Qt.PenStyle.DashLine)
        self.edge.setDashPattern([4.0, 3.0])
        self.fill = QBrush(_mix(ground, ink, 0.07))

    def hatch(self, score: float) -> QBrush:
        colour = QColor(self.ink)
        colour.setAlphaF(0.25 + 0.6 * min(max(score, 0.0), 1.0))
        return QBrush(colour, Qt.BrushStyle.BDiagPattern)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                           a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


class SuggestionMarks:
    """The suggestions the lane shows, the selected one, a status line, and whether the
    lane is there at all. GUI thread only."""

    def __init__(self) -> None:
        self.suggestions: tuple[Suggestion, ...] = ()
        self.selected: Key | None = None
        self.status = ""
        self.shown = False
        self._looks: dict[int, _Look] = {}

    # -- what is shown ------------------------------------------------------------------------

    def set(self, suggestions: Sequence[Suggestion], lane: bool, selected: Key | None,
            status: str) -> bool:
        """Show these suggestions (the lane is there when ``lane`` or when there is one),
        ``selected`` ringed and ``status`` written in the lane. True when the lane came or
        went."""
        self.suggestions = tuple(sorted(suggestions, key=lambda s: (s.start_ms, s.end_ms)))
        keys = {s.key for s in self.suggestions}
        self.selected = selected if selected in keys else None
        self.status = status
        shown, self.shown = self.shown, lane or bool(self.suggestions)
        return shown != self.shown

    def extra_height(self) -> int:
        return LANE_HEIGHT if self.shown else 0

    def insert(self, lanes: tuple[Lane, ...]) -> tuple[Lane, ...]:
        """``lanes`` with the Suggestions lane under the moment lanes (over Turns) when
        shown; the lanes below move down by its height."""
        if not self.shown:
            return lanes
        at = next((i for i, lane in enumerate(lanes) if lane.kind is LaneKind.TURNS),
                  len(lanes))
        lane = Lane(LaneKind.SUGGESTIONS, LaneKind.SUGGESTIONS.value, LANE_LABEL,
                    lanes[at - 1].bottom, LANE_HEIGHT)
        below = tuple(replace(x, top=x.top + LANE_HEIGHT) for x in lanes[at:])
        return (*lanes[:at], lane, *below)

    # -- drawing ------------------------------------------------------------------------------

    def _rect(self, s: Suggestion, vp: Viewport, lane: Lane, left: int) -> QRectF:
        end = min(s.end_ms, vp.duration_ms)  # the sound may run a little past the last frame
        x0, x1 = left + vp.ms_to_x(min(s.start_ms, end)), left + vp.ms_to_x(end)
        if end >= vp.duration_ms:  # keep its right edge on screen at the film's end
            x1 = max(x0 + 1, x1 - 1.5)
        if x1 - x0 < MIN_WIDTH:
            x0, x1 = (x0 + x1 - MIN_WIDTH) / 2, (x0 + x1 + MIN_WIDTH) / 2
        return QRectF(x0, lane.top + INSET, x1 - x0, lane.height - 2 * INSET - 1)

    def paint(self, p: QPainter, style: TimelineStyle, lane: Lane, vp: Viewport, left: int,
              right: int) -> None:
        """Each suggestion in view (the selected one last, ringed), then the status line."""
        look = self._looks.get(id(style))
        if look is None:
            self._looks = {id(style): (look := _Look(style))}
        dpr = p.device().devicePixelRatioF()
        order = sorted(self.suggestions, key=lambda s: s.key == self.selected)
        for s in order:
            rect = self._rect(s, vp, lane, left)
            if rect.right() < left - MIN_WIDTH or rect.left() > right + MIN_WIDTH:
                continue
            x0, x1 = max(rect.left(), left - 8.0), min(rect.right(), right + 8.0)
            rect = QRectF(round(x0) + 0.5, rect.top() + 0.5, max(1.0, round(x1) - round(x0)),
                          rect.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(look.fill)
            p.drawRoundedRect(rect, 3, 3)
            p.setBrush(look.hatch(s.score))
            p.setPen(look.edge)
            p.drawRoundedRect(rect, 3, 3)
            self._paint_label(p, style, s, rect, left)
            self._paint_turns(p, style, s, rect, vp, left, dpr)
            if s.key == self.selected:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(style.highlight)
                p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
        if self.status:
            p.setFont(style.small)
            p.setPen(style.muted)
            area = QRectF(left + 8, lane.top, max(0, right - left - 16), lane.height)
            text = style.small_metrics.elidedText(self.status, Qt.TextElideMode.ElideRight,
                                                  area.width())
            p.drawText(area, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
                                 if self.suggestions else Qt.AlignmentFlag.AlignVCenter), text)

    def _paint_label(self, p: QPainter, style: TimelineStyle, s: Suggestion, rect: QRectF,
                     left: int) -> None:
        """"Suggested · 3 turns" on a plate in the block's top half, kept in view."""
        text_left = max(rect.left(), float(left)) + 4
        room = rect.right() - 4 - text_left
        if room < 30:
            return
        count = len(s.turns)
        words = f"Suggested · {count} turn{'' if count == 1 else 's'}"
        text = style.small_metrics.elidedText(words, Qt.TextElideMode.ElideRight, room - 4)
        width = style.small_metrics.horizontalAdvance(text) + 6
        height = style.small_metrics.height()
        plate = QRectF(text_left - 2, rect.top() + 1.5, width, height)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(style.track)
        p.drawRoundedRect(plate, 2, 2)
        p.setFont(style.small)
        p.setPen(style.text)
        p.drawText(plate, int(Qt.AlignmentFlag.AlignCenter), text)

    def _paint_turns(self, p: QPainter, style: TimelineStyle, s: Suggestion, rect: QRectF,
                     vp: Viewport, left: int, dpr: float) -> None:
        """The turns along the block's foot; one mark per person per few pixels."""
        y = rect.bottom() - SPRITE / 2 - 1
        last: dict[str, float] = {}
        for turn in s.turns:
            x = left + vp.ms_to_x(turn.ms)
            x = min(max(x, rect.left() + SPRITE / 2), rect.right() - SPRITE / 2)
            if abs(x - last.get(turn.actor, -1e9)) < MARK_SPACING:
                continue
            last[turn.actor] = x
            sprite = style.turn_sprite(turn_sprite_index(turn.actor, turn.kind), dpr)
            p.drawPixmap(QPointF(round(x) - SPRITE / 2 + 0.5, y - SPRITE / 2), sprite)

    # -- what is under the pointer ------------------------------------------------------------

    def at(self, vp: Viewport, lane: Lane, x: float) -> Key | None:
        """The suggestion drawn at track x (the selected first, then the nearest), or None."""
        found = [s for s in self.suggestions
                 if (r := self._rect(s, vp, lane, 0)).left() - HIT_SLACK <= x
                 <= r.right() + HIT_SLACK]
        if not found:
            return None
        return max(found, key=lambda s: (s.key == self.selected,
                                         -abs(self._rect(s, vp, lane, 0).center().x() - x))).key

    def tooltip(self, vp: Viewport, lane: Lane, x: float) -> str:
        key = self.at(vp, lane, x)
        found = next((s for s in self.suggestions if s.key == key), None)
        return "" if found is None else suggestion_tip(found, vp.duration_ms >= 3_600_000)


def suggestion_tip(s: Suggestion, hours: bool) -> str:
    """What a suggestion holds: its span, score, each turn with its latency, the picture."""
    def at(ms: int) -> str:
        return ruler_time(ms, hours=hours, fraction=True)

    lines = [f"<b>Suggested moment</b> (not tagged yet), {at(s.start_ms)} – {at(s.end_ms)}",
             f"Score {s.score:.2f} of 1 · {len(s.turns)} turns, {s.exchanges} answered"]
    for turn in s.turns:
        who = html.escape(turn.actor.capitalize())
        if turn.kind == "initiative" or turn.latency_ms is None:
            lines.append(f"{at(turn.ms)} {who} starts")
        else:
            lines.append(f"{at(turn.ms)} {who} answers {turn.answer_words()}")
    if s.motion is not None:
        lines.append(f"The picture moves {s.motion:.1f}× as much as usual here")
    lines.append(f"<i>A prompt to look, not a judgement. {_keys()}</i>")
    return "<br>".join(lines)

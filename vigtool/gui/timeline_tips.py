"""What the timeline's tooltips say: a lane's name and codes, a moment, a still, a turn.

Only words (rich text, every stored string escaped); ``TimelineView`` finds
what is under the pointer and asks here what to say about it. GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from vigtool.codebook import Codebook
from vigtool.domain.clock import ruler_time
from vigtool.domain.records import Moment, Still, Turn
from vigtool.gui.suggestions_lane import lane_tip as suggestions_tip
from vigtool.gui.timeline_comments import lane_tip, locked_note
from vigtool.gui.timeline_geometry import Lane, LaneKind, Viewport, moment_ms

STILL_REACH_PX = 6  # a still's tooltip shows this close to its line
TURN_REACH_PX = 6


def label_tip(lane: Lane, codes: Sequence[str], codebook: Codebook | None) -> str:
    """The label column: what the lane holds."""
    if lane.kind is LaneKind.TURNS:
        return ("Turns: circle = child, square = adult; filled = initiative, "
                "ring = reception, ring with dot = response")
    if lane.kind is LaneKind.SUPERVISION:
        return lane_tip()
    if lane.kind is LaneKind.SUGGESTIONS:
        return suggestions_tip()
    if codes and codebook is not None:
        names = "<br>".join(html.escape(codebook.code(c).label) for c in codes)
        return f"<b>{html.escape(lane.label)}</b><br>{names}"
    return html.escape(lane.label)


def code_labeller(codebook: Codebook | None, known: Mapping[str, str]) -> Callable[[str], str]:
    """A code id as its codebook label (an id the codebook does not know as itself)."""
    def label(code_id: str) -> str:
        if codebook is None or code_id not in known:
            return code_id
        return codebook.code(code_id).label
    return label


def moment_tip(m: Moment, vp: Viewport, stills: Sequence[Still], x: float,
               code_label: Callable[[str], str]) -> str:
    """A moment: its title, codes, times and frames, review choice and still; or the
    still itself when the pointer is on the still's line."""
    t0, t1 = moment_ms(vp, m.start_frame, m.end_frame)
    hours = vp.duration_ms >= 3_600_000
    span = (f"{ruler_time(t0, hours=hours, fraction=True)} – "
            f"{ruler_time(t1, hours=hours, fraction=True)}")
    still = next((st for st in stills if m.start_frame <= st.frame <= m.end_frame), None)
    if still is not None and abs(vp.frame_x(still.frame) - x) <= STILL_REACH_PX:
        caption = f"<br>{html.escape(still.caption)}" if still.caption else ""
        return f"<b>Still</b>, frame {still.frame}: the review pauses here{caption}"
    labels = ", ".join(code_label(c) for c in m.codes) or "No code yet"
    title = html.escape(m.title or "Untitled moment")
    return (f"<b>{title}</b><br>{html.escape(labels)}<br>{span} (frames {m.start_frame}–"
            f"{m.end_frame}){'<br>★ Chosen for review' if m.selected_for_review else ''}"
            f"{f'<br>Still at frame {still.frame}' if still is not None else ''}"
            f"{locked_note(m)}")


def turn_tip(turns: Sequence[Turn], turn_ms: np.ndarray, vp: Viewport, x: float) -> str:
    """The turn nearest x, when one is that close."""
    if not len(turn_ms):
        return ""
    xs = turn_ms / vp.ms_per_px - vp.scroll_px
    i = int(np.argmin(np.abs(xs - x)))
    if abs(xs[i] - x) > TURN_REACH_PX:
        return ""
    t = turns[i]
    return f"{t.actor.value.capitalize()} · {t.kind.value}, frame {t.frame}" + (
        f"<br>{html.escape(t.note)}" if t.note else "")

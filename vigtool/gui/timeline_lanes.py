"""The timeline's lanes besides moments, sound and turns: Supervision and Suggestions.

Each comes and goes with what it holds: the Supervision lane of comments
(``timeline_comments``) under the film strip, the Suggestions lane of
suggested moments (``suggestions_lane``) under the moment lanes. ``ExtraLanes``
gives ``TimelineView`` one place to ask where they go, to paint them, and what
is under the pointer in them, so a lane is added here and not in the view.
GUI thread only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import cast

from PySide6.QtCore import QRect, SignalInstance
from PySide6.QtGui import QPainter, QRegion

from vigtool.gui.suggestions_lane import SuggestionMarks
from vigtool.gui.timeline_comments import CommentMarks
from vigtool.gui.timeline_geometry import Lane, LaneKind, Viewport
from vigtool.gui.timeline_style import TimelineStyle


class ExtraLanes:
    """The Supervision and Suggestions lanes. GUI thread only."""

    def __init__(self) -> None:
        self.comments = CommentMarks()
        self.suggestions = SuggestionMarks()

    def extra_height(self) -> int:
        """The height the lanes now shown add to the timeline."""
        return self.comments.extra_height() + self.suggestions.extra_height()

    def layout(self, height: int, groups: Sequence[tuple[str, str]],
               empty: Collection[str]) -> tuple[Lane, ...]:
        """Every lane of the timeline, these two placed where they go when shown."""
        lanes = self.comments.layout(max(0, height - self.suggestions.extra_height()), groups,
                                     empty)
        return self.suggestions.insert(lanes)

    def paint(self, p: QPainter, style: TimelineStyle, lanes: Iterable[Lane], vp: Viewport,
              left: int, right: int) -> None:
        for lane in lanes:
            if lane.kind is LaneKind.SUPERVISION:
                self.comments.paint(p, style, lane, vp, left, right)
            elif lane.kind is LaneKind.SUGGESTIONS:
                self.suggestions.paint(p, style, lane, vp, left, right)

    def click(self, vp: Viewport, lane: Lane | None, x: float, comment: SignalInstance,
              suggestion: SignalInstance) -> bool:
        """A press at track x in ``lane``: on a comment, emit ``comment`` with its id; on a
        suggestion, ``suggestion`` with its (start_ms, end_ms). True when it was on one."""
        if lane is not None and lane.kind is LaneKind.SUPERVISION:
            found: object = self.comments.at(vp, lane, x)
            signal = comment
        elif lane is not None and lane.kind is LaneKind.SUGGESTIONS:
            found, signal = self.suggestions.at(vp, lane, x), suggestion
        else:
            return False
        if found is None:
            return False
        signal.emit(found)
        return True

    def tooltip(self, vp: Viewport, lane: Lane, x: float) -> str:
        """What is under the pointer at track x in one of these lanes ("" elsewhere)."""
        if lane.kind is LaneKind.SUPERVISION:
            return self.comments.tooltip(vp, lane, x)
        if lane.kind is LaneKind.SUGGESTIONS:
            return self.suggestions.tooltip(vp, lane, x)
        return ""


def region_rects(region: QRegion) -> list[QRect]:
    """The rectangles of a region (PySide6 iterates a QRegion; its stubs do not say so)."""
    return list(cast(Iterable[QRect], region))

"""The timeline while preparing a review: stills marked on their moments, titles
readable on every block, empty lanes kept thin, and a dragged edge reported as
it moves (so the player can show the frame). Real widgets, real pixels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from tests.gui.test_timeline import argb, block_rows, rendered
from tests.gui.test_timeline_geometry import cfr, moment
from vigtool.codebook import Codebook, builtin_codebook
from vigtool.domain.records import Still
from vigtool.gui.timeline_geometry import (
    LABEL_WIDTH,
    UNTAGGED_KEY,
    Lane,
    layout_lanes,
    maximum_height,
)
from vigtool.gui.timeline_style import (
    READABLE_CONTRAST,
    SPRITE,
    TimelineStyle,
    contrast,
    over,
)
from vigtool.gui.timeline_view import TimelineView

WHITE = argb("#ffffff")


@pytest.fixture
def book() -> Codebook:
    return builtin_codebook("vig-principles")


@pytest.fixture
def timeline(qtbot: QtBot, book: Codebook) -> TimelineView:
    w = TimelineView()
    qtbot.addWidget(w)
    w.set_recording(cfr(30 * 60), 30.0)  # one minute
    w.set_codebook(book)
    w.set_moments([moment(1, 300, 449, "being-attentive"),
                   moment(2, 900, 1049, "receiving-initiatives")])
    w.resize(LABEL_WIDTH + 1000, w.sizeHint().height())
    w.show()
    qtbot.waitExposed(w)
    return w


def _lane(w: TimelineView, book: Codebook, key: str) -> Lane:
    groups = [(g.id, g.label) for g in book.groups]
    lanes = layout_lanes(w.height(), groups, empty={"guidance", UNTAGGED_KEY})
    return next(lane for lane in lanes if lane.key == key)


def _white_columns(w: TimelineView, lane: Lane) -> set[int]:
    pixels = rendered(w)[block_rows(lane), LABEL_WIDTH:]
    return {LABEL_WIDTH + int(x) for x in np.flatnonzero((pixels == WHITE).any(axis=0))}


def _x(frame: int) -> float:
    """Where a frame starts at whole-film zoom, worked out here, not by the widget."""
    return LABEL_WIDTH + frame * (1000 / 30) * 1000 / 60_000


def test_a_still_is_marked_on_its_moment_at_its_frame_and_nowhere_else(
    timeline: TimelineView, book: Codebook
) -> None:
    attuned = _lane(timeline, book, "attuned")
    before = rendered(timeline)
    assert _white_columns(timeline, attuned) == set()
    timeline.set_stills([Still(1, 1, 360, ""), Still(2, 1, 600, "")])  # 600: in no moment
    x = round(_x(360))
    marked = _white_columns(timeline, attuned)
    assert x in marked
    assert all(abs(c - x) <= SPRITE // 2 + 1 for c in marked), sorted(marked)
    ys, xs = np.nonzero(rendered(timeline) != before)
    assert attuned.top <= ys.min()
    assert ys.max() < attuned.bottom
    assert x - SPRITE <= xs.min()
    assert xs.max() <= x + SPRITE
    timeline.set_selected(1)  # the selected block is drawn again on top: still marked
    assert _white_columns(timeline, attuned) == marked
    timeline.set_stills([])
    assert _white_columns(timeline, attuned) == set()


def test_titles_read_on_every_block_of_the_codebook(book: Codebook) -> None:
    """Black or white, whichever reads on every stripe, on a plate where neither does."""
    style = TimelineStyle(QPalette(), QApplication.font(), book)
    for group in book.groups:
        codes = [c.id for c in book.codes if c.group == group.id]
        for n in (1, 2, 3):
            for signature in itertools.combinations(codes, n):
                look = style.block(signature)
                text = look.title.color()
                for stripe in style.colours(signature):
                    ground = over(look.plate.color(), stripe) if look.plate else stripe
                    assert contrast(text, ground) >= READABLE_CONTRAST, (signature, stripe.name())


def test_a_title_on_yellow_is_dark(qtbot: QtBot, book: Codebook) -> None:
    w = TimelineView()
    qtbot.addWidget(w)
    w.set_recording(cfr(30 * 60), 30.0)
    w.set_codebook(book)
    w.set_moments([moment(1, 300, 1200, "receiving-initiatives")])  # the yellow code
    w.resize(LABEL_WIDTH + 1000, w.sizeHint().height())
    lane = _lane(w, book, "attuned")
    block = rendered(w)[block_rows(lane), round(_x(300)) + 4:round(_x(1200)) - 4]
    yellow = argb(QColor(book.code("receiving-initiatives").colour))
    text = block[block != yellow]
    assert len(text) > 20, "the title was not drawn"
    light = [QColor.fromRgba(int(p)).lightnessF() > 0.8 for p in text]
    assert not any(light)


def test_empty_moment_lanes_are_thin_and_the_timeline_asks_only_for_what_it_needs(
    timeline: TimelineView, book: Codebook
) -> None:
    groups = [(g.id, g.label) for g in book.groups]
    assert timeline.sizeHint().height() == maximum_height(groups, {"guidance", UNTAGGED_KEY})
    assert timeline.sizeHint().height() <= 200  # under a third of a 1280x720 window
    assert _lane(timeline, book, "guidance").height <= 18
    assert _lane(timeline, book, UNTAGGED_KEY).height <= 18
    assert _lane(timeline, book, "attuned").height >= 30
    timeline.set_moments([moment(1, 300, 900, "guiding")])  # Attuned empties, Guidance fills
    assert timeline.sizeHint().height() == maximum_height(groups, {"attuned", UNTAGGED_KEY})
    lanes = {lane.key: lane for lane in layout_lanes(timeline.height(), groups,
                                                     empty={"attuned", UNTAGGED_KEY})}
    assert lanes["attuned"].height <= 18 < lanes["guidance"].height
    guiding = argb(QColor(book.code("guiding").colour))
    pixels = rendered(timeline)
    assert (pixels[block_rows(lanes["guidance"]), round(_x(850))] == guiding).all()


def test_a_dragged_edge_reports_each_frame_it_passes(
    qtbot: QtBot, timeline: TimelineView, book: Codebook
) -> None:
    timeline.zoom_to_frames(1 / 12)
    timeline.set_playhead(440)  # following brings moment 1's end (frame 449) into view
    y = (lambda lane: lane.top + lane.height // 2)(_lane(timeline, book, "attuned"))
    edge = round(timeline.frame_x(450))
    step = timeline.frame_x(451) - timeline.frame_x(450)
    seen: list[int] = []
    timeline.edgeDragged.connect(seen.append)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(edge - 1, y))
    qtbot.mouseMove(timeline, QPoint(edge - 1 + round(3 * step), y))
    qtbot.mouseMove(timeline, QPoint(edge - 1 - round(2 * step), y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton,
                       pos=QPoint(edge - 1 - round(2 * step), y))
    assert seen == [452, 447]


def test_hovering_a_still_names_it_and_its_caption(
    qtbot: QtBot, timeline: TimelineView, book: Codebook
) -> None:
    timeline.set_stills([Still(1, 1, 360, "You waited, and she looked back.")])
    lane = _lane(timeline, book, "attuned")
    y = lane.top + lane.height // 2

    def tip(x: int) -> str:
        pos = QPoint(x, y)
        timeline.event(QHelpEvent(QEvent.Type.ToolTip, pos, timeline.mapToGlobal(pos)))
        return QToolTip.text() if QToolTip.isVisible() else ""

    still = tip(round(_x(360)))
    assert "Still" in still
    assert "frame 360" in still
    assert "You waited, and she looked back." in still
    block = tip(round(_x(420)))  # elsewhere on the moment: the moment, with its still
    assert "Moment 1" in block
    assert "Still at frame 360" in block
    QToolTip.hideText()

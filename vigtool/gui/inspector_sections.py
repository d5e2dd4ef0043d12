"""The inspector's sections: timing, code checklist, the turns with their chain numbers,
and the review choice. Each shows what it is given and emits what the user changed;
``InspectorPanel`` wires them to the Workspace. GUI thread only.
"""


from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Code, Codebook
from vigtool.domain.chains import chain_stats
from vigtool.domain.clock import player_time
from vigtool.domain.records import Moment, Turn
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.keymap import binding
from vigtool.gui.shortcuts import KeyCap


def label(text: str = "", role: str = "value") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    return label


def rule() -> QFrame:
    """A thin line between sections (the theme colours ``QFrame[role="rule"]``)."""
    line = QFrame()
    line.setProperty("role", "rule")
    line.setFixedHeight(1)
    return line


class _Swatch(QWidget):
    """A code's colour as a dot (round, so it never reads as a second check box),
    as on the timeline lanes."""

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)
        self.setFixedSize(QSize(12, 12))

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._colour.darker(125))
        painter.setBrush(self._colour)
        painter.drawEllipse(QRectF(1.5, 1.5, 9, 9))


class CodeChecklist(QWidget):
    """The codebook's codes as check boxes, grouped, each with swatch and key.

    ``toggled`` fires only for the user's own clicks (or Space), never when the
    list is redrawn from the model, so redraws cannot loop back into edits.
    """

    toggled = Signal(str, bool)

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        row = 0
        for group in codebook.groups:
            codes = codebook.codes_in_group(group.id)
            if len(codebook.groups) > 1:
                grid.addWidget(label(group.label, "muted"), row, 0, 1, 3)
                row += 1
            for code in codes:
                box = QCheckBox(code.label)
                box.setToolTip(_code_tooltip(code))
                box.clicked.connect(lambda checked, c=code.id: self.toggled.emit(c, checked))
                self._boxes[code.id] = box
                grid.addWidget(_Swatch(code.colour), row, 0)
                grid.addWidget(box, row, 1)
                if code.key:
                    grid.addWidget(KeyCap(code.key), row, 2)
                row += 1
        self._others = label("", "muted")
        self._others.setWordWrap(True)
        grid.addWidget(self._others, row, 0, 1, 3)

    def box(self, code_id: str) -> QCheckBox:
        return self._boxes[code_id]

    def show_codes(self, codes: Sequence[str]) -> None:
        for code_id, box in self._boxes.items():
            box.setChecked(code_id in codes)
        others = [c for c in codes if c not in self._boxes]
        self._others.setText("Also tagged (another codebook): " + ", ".join(others))
        self._others.setVisible(bool(others))


def _code_tooltip(code: Code) -> str:
    items = "".join(f"<li>{html.escape(e)}</li>" for e in code.elements)
    return f"<p>{html.escape(code.description)}</p>" + (f"<ul>{items}</ul>" if items else "")


class TimingView(QWidget):
    """Where the moment is, on one line: its times and length, then its frames."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.times_label = label()
        self.frames_label = label("", "muted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.times_label)
        row.addWidget(self.frames_label)
        row.addStretch(1)

    def show_moment(self, moment: Moment, times: FrameTimes | None) -> None:
        start, end = moment.start_frame, moment.end_frame
        if times is None:
            self.times_label.setText("time unknown")
        else:
            start_ms, end_ms = times.span_ms(start, end)
            self.times_label.setText(
                f"{player_time(start_ms)} – {player_time(times.frame_to_ms(end))} · "
                f"{(end_ms - start_ms) / 1000:.2f} s")
        self.frames_label.setText(f"frames {start}–{end}")
        self.setToolTip(f"From frame {start} to frame {end}: {moment.frame_count} frames")

    def text(self) -> str:
        return f"{self.times_label.text()} {self.frames_label.text()} ({self.toolTip()})"


class TurnsView(QWidget):
    """The turns inside the moment, with its chain length and response latency."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chain_label, self.latency_label = label(), label()
        self.chain_label.setToolTip("The longest run of turns where child and adult answer")
        self.latency_label.setToolTip("From each child initiative to the adult's next turn")
        self.latency_label.setWordWrap(True)
        numbers = QGridLayout()
        numbers.setHorizontalSpacing(14)
        numbers.setColumnStretch(1, 1)
        numbers.addWidget(label("Longest chain", "muted"), 0, 0)
        numbers.addWidget(self.chain_label, 0, 1)
        numbers.addWidget(label("Response time", "muted"), 1, 0, Qt.AlignmentFlag.AlignTop)
        numbers.addWidget(self.latency_label, 1, 1)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Frame", "Time", "Who", "What"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Turns in this moment")
        self.empty_label = label(
            f"No turns marked in this moment yet. Press {binding('tag.child_turn').keys[0]} at "
            f"the child's cue and {binding('tag.adult_turn').keys[0]} at the adult's response.",
            "muted",
        )
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(numbers)
        layout.addWidget(self.tree)
        layout.addWidget(self.empty_label)

    def summary(self) -> str:
        """A few words for the folded header."""
        count = self.tree.topLevelItemCount()
        if not count:
            return "no turns yet"
        return f"{count} turn{'s' if count != 1 else ''} · longest chain {self.chain_label.text()}"

    def _fit_rows(self, rows: int) -> None:
        """Tall enough for every turn up to eight, so a short list leaves no empty box."""
        row = self.tree.sizeHintForRow(0) if rows else self.tree.fontMetrics().height() + 8
        header = self.tree.header().sizeHint().height()
        frame = 2 * self.tree.frameWidth() + 4
        self.tree.setFixedHeight(header + row * min(max(rows, 1), 8) + frame)

    def show_turns(self, turns: Sequence[Turn], times: FrameTimes | None) -> None:
        self.tree.clear()
        for turn in turns:
            time = player_time(times.frame_to_ms(turn.frame)) if times else ""
            what = turn.kind.value.capitalize() + (f": {turn.note}" if turn.note else "")
            item = QTreeWidgetItem([str(turn.frame), time, turn.actor.value.capitalize(), what])
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self._fit_rows(len(turns))
        self._show_stats(turns, times)
        self.tree.setVisible(bool(turns))
        self.empty_label.setVisible(not turns)


    def _show_stats(self, turns: Sequence[Turn], times: FrameTimes | None) -> None:
        """The core's chain numbers (``domain.chains``), as the summary shows them too."""
        if not turns:
            self.chain_label.setText("no turns yet")
            self.latency_label.setText("no child cue with an adult turn after it yet")
            return
        if times is None:
            self.chain_label.setText(f"{len(turns)} turns (the film's times are not available)")
            self.latency_label.setText("")
            return
        stats = chain_stats(turns, times)
        if stats.longest_chain == len(turns):
            self.chain_label.setText(f"{stats.longest_chain} turns")
        else:
            self.chain_label.setText(f"{stats.longest_chain} turns (of {len(turns)})")
        if stats.median_latency_ms is None:
            self.latency_label.setText("no child cue with an adult turn after it yet")
        else:
            answered = len(stats.response_latencies_ms)
            self.latency_label.setText(
                f"{stats.median_latency_ms / 1000:.2f} s median · "
                f"{answered} of {stats.child_initiatives} child cues answered"
            )


class ReviewControls(QWidget):
    """Whether the moment is shown in the shared review, and its place among the chosen.

    ``place_changed`` fires once per place the user settles on (typing "12" is
    one edit, not "1" then "12"); the place runs 1..clips in the review.
    """

    chosen = Signal(bool)
    place_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox("Choose for review")
        self.check.clicked.connect(lambda checked: self.chosen.emit(checked))
        self.order = QSpinBox()
        self.order.setRange(0, 0)
        self.order.setSpecialValueText("–")
        self.order.setKeyboardTracking(False)
        self.order.setAccessibleName("Order in the shared review")
        self.order.setToolTip("Its place in the shared review; the others make room")
        self.order.valueChanged.connect(lambda v: self.place_changed.emit(v) if v else None)
        self.of_label = label("", "muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addStretch(1)
        layout.addWidget(label("Order", "muted"))
        layout.addWidget(self.order)
        layout.addWidget(self.of_label)

    def show_moment(self, moment: Moment, clips: int) -> None:
        """``clips``: how many moments the review of this moment's cycle shows."""
        self.check.setChecked(moment.selected_for_review)
        self.order.blockSignals(True)
        chosen = moment.selected_for_review and moment.review_order is not None
        self.order.setSpecialValueText("" if chosen else "–")  # shown at the minimum
        self.order.setRange(1 if chosen else 0, max(clips, 1) if chosen else 0)
        self.order.setValue((moment.review_order or 0) if chosen else 0)
        self.order.blockSignals(False)
        self.order.setEnabled(chosen)
        self.of_label.setText(f"of {clips}" if chosen else "")

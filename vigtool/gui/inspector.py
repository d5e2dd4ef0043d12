"""The inspector: everything about the selected moment, edited in place.

Every edit goes straight to ``Workspace.update_moment`` (there is no Save):
check boxes at once, text fields when they lose focus or after a short pause
in typing, so each commit is one undo step ("Edit Moment") and nothing typed
is lost to a crash. The panel redraws from ``WorkspaceBridge.changed`` when
its moment is touched (a code keyed on the timeline, Undo), but never
overwrites a field the practitioner is typing in. GUI thread only.
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QPainter, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Code, Codebook
from vigtool.domain.records import Actor, Moment, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.keymap import binding
from vigtool.gui.shortcuts import KeyCap
from vigtool.store.changes import Changes
from vigtool.wording import VIG_PROMPTS, deficit_words, suggest_strengths

IDLE_COMMIT_MS = 800
EMPTY_TEXT = (
    f"Select a moment on the timeline, or press {binding('tag.in').keys[0]} and "
    f"{binding('tag.out').keys[0]} to tag one."
)


@dataclass(frozen=True)
class ChainStats:
    turns: int
    longest_chain: int  # turns in the longest unbroken serve-and-return run
    initiatives: int  # child initiatives
    answered: int  # child initiatives followed by an adult turn inside the moment
    median_latency_ms: int | None


def chain_stats(turns: Sequence[Turn], times: FrameTimes | None) -> ChainStats:
    """Serve-and-return numbers for one moment's turns (sorted by frame).

    A chain goes on while the other party takes the next turn, or while one
    party follows its own reception with its response (initiative ->
    reception -> response); anything else starts a new chain. Latency is, for
    each child initiative, the time to the next adult turn. One small pure
    function so a core ``vigtool/domain/chains.py`` can replace it.
    """
    longest = run = 0
    previous: Turn | None = None
    for turn in turns:
        goes_on = previous is not None and (
            turn.actor != previous.actor
            or (previous.kind is TurnKind.RECEPTION and turn.kind is TurnKind.RESPONSE)
        )
        run = run + 1 if goes_on else 1
        longest = max(longest, run)
        previous = turn
    initiatives, latencies = 0, []
    for n, turn in enumerate(turns):
        if turn.actor is Actor.CHILD and turn.kind is TurnKind.INITIATIVE:
            initiatives += 1
            reply = next((t for t in turns[n + 1 :] if t.actor is Actor.ADULT), None)
            if reply is not None and times is not None:
                latencies.append(times.frame_to_ms(reply.frame) - times.frame_to_ms(turn.frame))
    median = round(statistics.median(latencies)) if latencies else None
    return ChainStats(len(turns), longest, initiatives, len(latencies), median)


def timecode(ms: float) -> str:
    """A time as the transport bar writes it: 0:04.27, or 1:00:04.27 past an hour.

    Hundredths rather than a frame field: a variable-frame-rate film has no
    fixed number of frames per second."""
    seconds, hundredths = divmod(round(ms / 10), 100)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{hundredths:02d}"
    return f"{minutes}:{seconds:02d}.{hundredths:02d}"


def _label(text: str = "", role: str = "value") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    return label


def _rule() -> QFrame:
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
                grid.addWidget(_label(group.label, "muted"), row, 0, 1, 3)
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
        self._others = _label("", "muted")
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


class CommitTextEdit(QPlainTextEdit):
    """A multi-line field that asks to be committed on focus-out and after a pause in typing."""

    commit_requested = Signal()

    def __init__(self, placeholder: str, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * lines + margins.top() + margins.bottom()
        self.setFixedHeight(height + 2 * int(self.document().documentMargin()) + 10)
        self._idle = QTimer(self, singleShot=True, interval=IDLE_COMMIT_MS)
        self._idle.timeout.connect(self.commit_requested.emit)
        self.textChanged.connect(self._idle.start)

    def set_text_quietly(self, text: str) -> None:
        """Show model text without it counting as typing."""
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)

    def replace_text(self, text: str) -> None:
        """Replace everything as one step of the field's own Ctrl+Z history."""
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.setTextCursor(cursor)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._idle.stop()
        self.commit_requested.emit()
        super().focusOutEvent(event)


class TimingView(QWidget):
    """Start, end and length of a moment, each as timecode and frame number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(3, 1)
        self._cells: list[tuple[QLabel, QLabel]] = []
        for row, name in enumerate(("Start", "End", "Length")):
            grid.addWidget(_label(name, "muted"), row, 0)
            cells = (_label(), _label("", "muted"))
            grid.addWidget(cells[0], row, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(cells[1], row, 2)
            self._cells.append(cells)

    def show_moment(self, moment: Moment, times: FrameTimes | None) -> None:
        start, end = moment.start_frame, moment.end_frame
        if times is None:
            values = ["time unknown"] * 3
        else:
            start_ms, end_ms = times.span_ms(start, end)
            values = [
                timecode(start_ms),
                timecode(times.frame_to_ms(end)),
                f"{(end_ms - start_ms) / 1000:.2f} s",
            ]
        frames = [f"frame {start}", f"frame {end}", f"{moment.frame_count} frames"]
        for (value, frame), value_text, frame_text in zip(self._cells, values, frames, strict=True):
            value.setText(value_text)
            frame.setText(frame_text)

    def text(self) -> str:
        return " ".join(f"{a.text()} {b.text()}" for a, b in self._cells)


class TurnsView(QWidget):
    """The turns inside the moment, with its chain length and response latency."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chain_label, self.latency_label = _label(), _label()
        self.chain_label.setToolTip("The longest run of turns where child and adult answer")
        self.latency_label.setToolTip("From each child initiative to the adult's next turn")
        self.latency_label.setWordWrap(True)
        numbers = QGridLayout()
        numbers.setHorizontalSpacing(14)
        numbers.setColumnStretch(1, 1)
        numbers.addWidget(_label("Longest chain", "muted"), 0, 0)
        numbers.addWidget(self.chain_label, 0, 1)
        numbers.addWidget(_label("Response time", "muted"), 1, 0, Qt.AlignmentFlag.AlignTop)
        numbers.addWidget(self.latency_label, 1, 1)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Frame", "Time", "Who", "What"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Turns in this moment")
        self.empty_label = _label(
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

    def _fit_rows(self, rows: int) -> None:
        """Tall enough for every turn up to eight, so a short list leaves no empty box."""
        row = self.tree.sizeHintForRow(0) if rows else self.tree.fontMetrics().height() + 8
        header = self.tree.header().sizeHint().height()
        frame = 2 * self.tree.frameWidth() + 4
        self.tree.setFixedHeight(header + row * min(max(rows, 1), 8) + frame)

    def show_turns(self, turns: Sequence[Turn], times: FrameTimes | None) -> None:
        self.tree.clear()
        for turn in turns:
            time = timecode(times.frame_to_ms(turn.frame)) if times else ""
            what = turn.kind.value.capitalize() + (f": {turn.note}" if turn.note else "")
            item = QTreeWidgetItem([str(turn.frame), time, turn.actor.value.capitalize(), what])
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self._fit_rows(len(turns))
        stats = chain_stats(turns, times)
        if not turns:
            self.chain_label.setText("no turns yet")
        elif stats.longest_chain == stats.turns:
            self.chain_label.setText(f"{stats.longest_chain} turns")
        else:
            self.chain_label.setText(f"{stats.longest_chain} turns (of {stats.turns})")
        if stats.median_latency_ms is None:
            self.latency_label.setText("no child cue with an adult turn after it yet")
        else:
            self.latency_label.setText(
                f"{stats.median_latency_ms / 1000:.2f} s median · "
                f"{stats.answered} of {stats.initiatives} child cues answered"
            )
        self.tree.setVisible(bool(turns))
        self.empty_label.setVisible(not turns)


class ReviewControls(QWidget):
    """Whether the moment is shown in the shared review, and in which place."""

    chosen = Signal(bool)
    order_changed = Signal(object)  # int, or None for "not set"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox("Choose for the shared review")
        self.check.clicked.connect(lambda checked: self.chosen.emit(checked))
        self.order = QSpinBox()
        self.order.setRange(0, 99)
        self.order.setSpecialValueText("–")
        self.order.setKeyboardTracking(False)  # typing "12" is one edit, not "1" then "12"
        self.order.setAccessibleName("Order in the shared review")
        self.order.valueChanged.connect(lambda v: self.order_changed.emit(v or None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addStretch(1)
        layout.addWidget(_label("Order", "muted"))
        layout.addWidget(self.order)

    def show_moment(self, moment: Moment) -> None:
        self.check.setChecked(moment.selected_for_review)
        self.order.blockSignals(True)
        self.order.setValue(moment.review_order or 0)
        self.order.blockSignals(False)
        self.order.setEnabled(moment.selected_for_review)


@dataclass
class _TextField:
    """A text field bound to one Moment attribute; ``stored`` is what the database holds."""

    name: str
    widget: QWidget
    get: Callable[[], str]
    set: Callable[[str], None]
    stored: str = ""

    def typing(self) -> bool:
        """True while the user has unsaved text here and the field (or its window) has focus."""
        focus = self.widget.window().focusWidget()
        focused = focus is not None and (focus is self.widget or self.widget.isAncestorOf(focus))
        return focused and self.get() != self.stored


class InspectorPanel(QWidget):
    """Shows and edits one moment; ``set_moment(None)`` shows how to make one. GUI thread only."""

    def __init__(
        self, bridge: WorkspaceBridge, codebook: Codebook, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._codebook = codebook
        self._moment_id: int | None = None
        self._build()
        bridge.changed.connect(self._on_changed)
        self.set_moment(None)

    @property
    def moment_id(self) -> int | None:
        return self._moment_id

    def set_moment(self, moment_id: int | None) -> None:
        """Show another moment (or none), first committing what was typed for the last one."""
        self.commit_pending()
        self._moment_id = moment_id
        if moment_id is not None:
            self._reload(force=True)
        else:
            self._stack.setCurrentIndex(0)

    def commit_pending(self) -> None:
        """Store every field that differs from the database (e.g. before quitting)."""
        for field in self._fields:
            self._commit(field)

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumWidth(320)
        self.empty_label = _label(EMPTY_TEXT, "muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Name this moment, e.g. Smiling back at the mirror")
        self.title_edit.setAccessibleName("Moment title")
        font = self.title_edit.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
            self.title_edit.setFont(font)
        self.timing = TimingView()
        self.codes = CodeChecklist(self._codebook)
        self.codes.toggled.connect(self._toggle_code)
        self.note_edit = CommitTextEdit("What you see, for you and your supervisor.", 3)
        self.strengths_edit = CommitTextEdit(
            "Warm, specific, to the parent: “You waited, and she looked back and smiled.”", 4
        )
        self.strengths_edit.textChanged.connect(self._check_wording)
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.setToolTip("Draft wording from the ticked principles, to make your own")
        self.suggest_button.clicked.connect(self._suggest)
        self.wording_hint = _label("", "hint")
        self.wording_hint.setWordWrap(True)
        self.prompt_box = QComboBox()
        self.prompt_box.setEditable(True)
        self.prompt_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prompt_box.addItems(VIG_PROMPTS)
        prompt_line = self.prompt_box.lineEdit()
        assert prompt_line is not None  # an editable combo box always has one
        prompt_line.setPlaceholderText("An open question to ask the parent")
        self.prompt_box.setAccessibleName("Question for the review")
        self.review = ReviewControls()
        self.review.chosen.connect(self._choose)
        self.review.order_changed.connect(lambda order: self._update(review_order=order))
        self.turns = TurnsView()

        title = _TextField("title", self.title_edit, self.title_edit.text, self.title_edit.setText)
        note, strengths = (
            _TextField(name, edit, edit.toPlainText, edit.set_text_quietly)
            for name, edit in (("note", self.note_edit), ("strengths", self.strengths_edit))
        )
        prompt = _TextField("prompt", self.prompt_box, self.prompt_box.currentText,
                            self.prompt_box.setEditText)
        self._fields = [title, note, strengths, prompt]
        self.title_edit.editingFinished.connect(lambda: self._commit(title))
        self.note_edit.commit_requested.connect(lambda: self._commit(note))
        self.strengths_edit.commit_requested.connect(lambda: self._commit(strengths))
        prompt_line.editingFinished.connect(lambda: self._commit(prompt))
        self.prompt_box.activated.connect(lambda _index: self._commit(prompt))

        wording_header = QHBoxLayout()
        wording_header.addWidget(_label("Words for the parent", "section"))
        wording_header.addStretch(1)
        wording_header.addWidget(self.suggest_button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(6)
        for item in (  # a string is a section heading
            self.title_edit, self.timing,
            "Principles", self.codes,
            "Practitioner note", self.note_edit,
            wording_header, self.strengths_edit, self.wording_hint,
            "Question for the review", self.prompt_box,
            "Shared review", self.review,
            "Serve and return", self.turns,
        ):  # fmt: skip
            if isinstance(item, str | QHBoxLayout):
                layout.addSpacing(6)
                layout.addWidget(_rule())
                layout.addSpacing(2)
            if isinstance(item, str):
                layout.addWidget(_label(item, "section"))
            elif isinstance(item, QHBoxLayout):
                layout.addLayout(item)
            else:
                layout.addWidget(item)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty_page())
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        heading = _label("No moment selected", "section")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keys = QHBoxLayout()
        keys.addStretch(1)
        for action in ("tag.in", "tag.out"):
            keys.addWidget(KeyCap(binding(action).keys[0]))
            keys.addWidget(_label(binding(action).label, "muted"))
            keys.addSpacing(10)
        keys.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addStretch(2)
        layout.addWidget(heading)
        layout.addWidget(self.empty_label)
        layout.addLayout(keys)
        layout.addStretch(3)
        return page

    # -- model -> view ---------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if self._moment_id is None:
            return
        if self._moment_id in changes.ids("moments") or changes.touches("turns"):
            self._reload(force=False)

    def _reload(self, *, force: bool) -> None:
        workspace = self._bridge.workspace
        assert self._moment_id is not None
        try:
            moment = workspace.moment(self._moment_id)
        except NotFound:  # deleted, or its Add was undone
            self._moment_id = None
            self._stack.setCurrentIndex(0)
            return
        try:
            times: FrameTimes | None = workspace.frame_times(moment.recording_id)
        except (VigtoolError, OSError):  # purged or missing footage: frames still show
            times = None
        self.timing.show_moment(moment, times)
        self.codes.show_codes(moment.codes)
        for field in self._fields:
            value = getattr(moment, field.name)
            if (force or not field.typing()) and field.get() != value:
                field.set(value)
            field.stored = value
        self._check_wording()
        self.suggest_button.setEnabled(bool(suggest_strengths(self._codebook, moment.codes)))
        self.review.show_moment(moment)
        self.turns.show_turns(workspace.turns(moment.recording_id, moment.id), times)
        self._stack.setCurrentIndex(1)

    def _check_wording(self) -> None:
        words = deficit_words(self.strengths_edit.toPlainText())
        quoted = ", ".join(f"“{w}”" for w in words)
        self.wording_hint.setText(
            f"A parent will read this. Could you say it as a strength, without {quoted}?"
        )
        self.wording_hint.setVisible(bool(words))

    # -- view -> model ---------------------------------------------------------------

    def _update(self, **fields: Any) -> None:
        if self._moment_id is None:
            return
        try:
            self._bridge.workspace.update_moment(self._moment_id, **fields)
        except NotFound:
            self._moment_id = None
            self._stack.setCurrentIndex(0)

    def _commit(self, field: _TextField) -> None:
        text = field.get()
        if self._moment_id is None or text == field.stored:
            return
        field.stored = text
        self._update(**{field.name: text})

    def _toggle_code(self, code_id: str, checked: bool) -> None:
        if self._moment_id is None:
            return
        codes = [c for c in self._bridge.workspace.moment(self._moment_id).codes if c != code_id]
        self._update(codes=[*codes, code_id] if checked else codes)

    def _choose(self, chosen: bool) -> None:
        if self._moment_id is None:
            return
        workspace = self._bridge.workspace
        moment = workspace.moment(self._moment_id)
        fields: dict[str, Any] = {"selected_for_review": chosen}
        if chosen and moment.review_order is None:
            others = workspace.moments(moment.recording_id)
            taken = [m.review_order or 0 for m in others if m.selected_for_review]
            fields["review_order"] = max(taken, default=0) + 1
        self._update(**fields)

    def _suggest(self) -> None:
        if self._moment_id is None:
            return
        codes = self._bridge.workspace.moment(self._moment_id).codes
        text = suggest_strengths(self._codebook, codes)
        if text:
            self.strengths_edit.replace_text(text)
            self._commit(self._fields[2])

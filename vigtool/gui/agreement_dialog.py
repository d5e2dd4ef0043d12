"""Compare Coders: how far two people's coding of one film agrees, in plain words.

For the open recording the practitioner picks two coders among those whose
moments are on it (a trainee and their supervisor, or two researchers; the
workspace's own moments are shown under its name) and a tolerance. The
figures are worked out by ``vigtool.agreement`` (the one home of every
definition): overall and for each code, each with the sentence that says
what it means; and the list of disagreements, where activating one moves
the playhead to it. The first coder is the reference. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vigtool.agreement import DEFAULT_TOLERANCE_MS, Agreement, Disagreement, Event, Figure, compare
from vigtool.codebook import Codebook
from vigtool.domain.clock import player_time
from vigtool.domain.records import Moment
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import VigtoolError
from vigtool.gui.governance_commands import purged_times
from vigtool.workspace import Workspace

_SCOPE_ROLE = Qt.ItemDataRole.UserRole + 1
_FRAME_ROLE = Qt.ItemDataRole.UserRole + 2
MAX_TOLERANCE_MS = 10_000
FIGURE_NAMES = {
    ("event", "precision"): "Precision", ("event", "recall"): "Recall",
    ("event", "f1"): "F1 (moments found by both)",
    ("event", "kappa"): "Kappa (codes of matched moments)",
    ("time", "kappa"): "Kappa over time", ("time", "agreement"): "Agreement over time",
}
OVERALL = "\x00overall"
NOTHING = "(nothing there)"
READ_ME = ("The first coder is the reference. Two moments match when their starts and their "
           "ends are each within the tolerance of each other.")


def coders(ws: Workspace, moments: Sequence[Moment]) -> dict[str, str]:
    """Each coder of these moments (by their ``coder``) and the name shown for them:
    this workspace's own moments ("") show under its name."""
    me = ws.supervision.my_name
    found = sorted({m.coder for m in moments}, key=lambda c: (c != "", c.casefold()))
    return {c: (f"{me} (you)" if c == "" else c) for c in found}


def events(moments: Sequence[Moment], coder: str, times: FrameTimes,
           code_label: Callable[[str], str]) -> list[Event]:
    """One coder's moments as events, timed as the ELAN export times them, with the
    codes under their codebook labels."""
    return [Event.coded(times.frame_to_ms(m.start_frame), times.frame_end_ms(m.end_frame),
                        [code_label(c) for c in m.codes], ref=m.id)
            for m in sorted(moments, key=lambda m: (m.start_frame, m.id)) if m.coder == coder]


def figure_text(figure: Figure) -> str:
    return "–" if figure.value is None else f"{figure.value:.2f}"


class AgreementDialog(QDialog):
    """Not modal: the practitioner moves through the disagreements on the timeline behind.
    ``seekRequested`` asks the window to move the playhead to a frame."""

    seekRequested = Signal(int)

    def __init__(self, workspace: Workspace, recording_id: int, codebook: Codebook,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle("Compare Coders")
        self._ws = workspace
        self._codebook = codebook
        self.recording = workspace.library.recording(recording_id)
        try:
            self.times = workspace.library.frame_times(recording_id)
        except (VigtoolError, OSError):  # a purged film: its frame numbers are still the truth
            self.times = purged_times(self.recording)
        self.agreement: Agreement | None = None

        case = workspace.caseload.case(self.recording.case_id)
        heading = QLabel(f"{self.recording.original_name} · {case.code}, cycle "
                         f"{self.recording.cycle}")
        heading.setProperty("role", "section")
        self.first = QComboBox()
        self.second = QComboBox()
        self.tolerance = QSpinBox()
        self.tolerance.setRange(0, MAX_TOLERANCE_MS)
        self.tolerance.setSingleStep(100)
        self.tolerance.setSuffix(" ms")
        self.tolerance.setValue(DEFAULT_TOLERANCE_MS)
        self.tolerance.setToolTip("How far apart two coders' starts (and ends) may be and "
                                  "still count as the same moment")
        pick = QFormLayout()
        pick.addRow("First coder (reference)", self.first)
        pick.addRow("Second coder", self.second)
        pick.addRow("Tolerance", self.tolerance)
        self.note = QLabel(READ_ME)
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setWordWrap(True)

        self.scopes = QListWidget()
        self.scopes.setObjectName("agreementScopes")
        self.scopes.setAccessibleName("Overall and each code")
        self.scopes.setWordWrap(True)
        self.scopes.currentItemChanged.connect(lambda *_: self._show_scope())
        self.figures = QWidget()
        self.figures.setObjectName("agreementFigures")
        self.figure_grid = QGridLayout(self.figures)
        self.figure_grid.setColumnStretch(0, 1)
        self.figure_grid.setVerticalSpacing(2)
        figures_area = QScrollArea()
        figures_area.setWidgetResizable(True)
        figures_area.setFrameShape(QFrame.Shape.NoFrame)
        figures_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        figures_area.setWidget(self.figures)
        self.disagreement_label = QLabel("Disagreements")
        self.disagreement_label.setProperty("role", "section")
        self.disagreements = QListWidget()
        self.disagreements.setObjectName("disagreementList")
        self.disagreements.setWordWrap(True)
        self.disagreements.setAccessibleName("Disagreements: activate one to go there")
        for view in (self.scopes, self.disagreements):
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.disagreements.itemActivated.connect(self._go)
        self.disagreements.itemClicked.connect(self._go)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.disagreement_label)
        right_column.addWidget(self.disagreements, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.scopes)
        split.addWidget(figures_area)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([190, 480, 330])
        self.split = split

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addLayout(pick)
        top.addSpacing(16)
        top.addWidget(self.note, 1)
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addLayout(top)
        column.addWidget(self.counts)
        column.addWidget(split, 1)
        column.addWidget(buttons)

        self._fill_coders()
        for box in (self.first, self.second):
            box.currentIndexChanged.connect(lambda _i: self.recompute())
        self.tolerance.valueChanged.connect(lambda _v: self.recompute())
        self.recompute()

    # -- choosing ---------------------------------------------------------------------------

    def _fill_coders(self) -> None:
        moments = self._ws.annotations.moments(self.recording.id)
        self._moments = moments
        names = coders(self._ws, moments)
        for box in (self.first, self.second):
            box.clear()
            for key, name in names.items():
                box.addItem(name, key)
        self.first.setCurrentIndex(0)
        self.second.setCurrentIndex(1 if len(names) > 1 else 0)

    def _code_label(self, code_id: str) -> str:
        known = {c.id: c.label for c in self._codebook.codes}
        return known.get(code_id, code_id)

    def recompute(self) -> None:
        """Compare the two chosen coders at the chosen tolerance and show it all."""
        first, second = self.first.currentData(), self.second.currentData()
        self.agreement = None
        if first is None or second is None or first == second:
            self.counts.setText(
                "Only one coder has tagged this film. Comparing needs two coders' moments on "
                "the same film: a supervisor's coding comes back in their comments package."
                if self.first.count() < 2 else "Choose two different coders.")
            self._fill(None)
            return
        mine = events(self._moments, first, self.times, self._code_label)
        theirs = events(self._moments, second, self.times, self._code_label)
        frame_ms = self.times.duration_ms / max(1, self.times.frame_count)
        try:
            self.agreement = compare(mine, theirs, tolerance_ms=self.tolerance.value(),
                                  frame_ms=frame_ms, duration_ms=self.times.duration_ms)
        except VigtoolError as exc:
            self.counts.setText(str(exc)[:1].upper() + str(exc)[1:])
            self._fill(None)
            return
        e = self.agreement.event
        self.counts.setText(
            f"{self.first.currentText()}: {e.first_count} moments · "
            f"{self.second.currentText()}: {e.second_count} moments · matched: {e.matched}")
        self._fill(self.agreement)

    # -- showing ----------------------------------------------------------------------------

    def _fill(self, result: Agreement | None) -> None:
        chosen = self.scopes.currentItem()
        was = chosen.data(_SCOPE_ROLE) if chosen is not None else OVERALL
        self.scopes.blockSignals(True)
        self.scopes.clear()
        if result is not None:
            for scope, event in ((OVERALL, result.event),
                                 *((c.code, c.event) for c in result.per_code)):
                item = QListWidgetItem(f"{'Overall' if scope == OVERALL else scope}\n"
                                       f"F1 {figure_text(event.f1)} · kappa "
                                       f"{figure_text(event.kappa)}")
                item.setData(_SCOPE_ROLE, scope)
                self.scopes.addItem(item)
                if scope == was:
                    self.scopes.setCurrentItem(item)
            if self.scopes.currentItem() is None:
                self.scopes.setCurrentRow(0)
        self.scopes.blockSignals(False)
        self._show_scope()
        self.disagreements.clear()
        found = result.disagreements if result is not None else ()
        self.disagreement_label.setText(f"Disagreements ({len(found)})" if result else
                                        "Disagreements")
        for d in found:
            self.disagreements.addItem(self._disagreement_item(d))
        if result is not None and not found:
            item = QListWidgetItem("None: every moment matched, with the same code.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.disagreements.addItem(item)

    def _disagreement_item(self, d: Disagreement) -> QListWidgetItem:
        frame = self.times.ms_to_frame(d.start_ms)
        item = QListWidgetItem(
            f"{player_time(d.start_ms)}–{player_time(d.end_ms)} (frame {frame})\n"
            f"{self.first.currentText()}: {d.first or NOTHING}\n"
            f"{self.second.currentText()}: {d.second or NOTHING}")
        item.setData(_FRAME_ROLE, frame)
        item.setToolTip("Activate to move the playhead here")
        return item

    def _show_scope(self) -> None:
        while self.figure_grid.count():
            taken = self.figure_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        result, item = self.agreement, self.scopes.currentItem()
        if result is None or item is None:
            return
        scope = item.data(_SCOPE_ROLE)
        if scope == OVERALL:
            title, event, time = "Overall", result.event, result.time
        else:
            code = next(c for c in result.per_code if c.code == scope)
            title, event, time = f"“{code.code}”", code.event, code.time
        row = 0
        heading = QLabel(title)
        heading.setProperty("role", "section")
        self.figure_grid.addWidget(heading, row, 0, 1, 2)
        parts = (("event", "Moments: did they tag the same moments, and code them alike?",
                  event.named()),
                 ("time", "Time: at each instant, did they have the same code on?",
                  time.named()))
        for part, question, figures in parts:
            row += 1
            sub = QLabel(question)
            sub.setProperty("role", "section")
            sub.setContentsMargins(0, 10, 0, 2)
            self.figure_grid.addWidget(sub, row, 0, 1, 2)
            for key, figure in figures:
                row += 1
                name = QLabel(FIGURE_NAMES[(part, key)])
                name.setObjectName(f"figure-{part}-{key}")
                value = QLabel(figure_text(figure))
                value.setObjectName(f"value-{part}-{key}")
                value.setAlignment(Qt.AlignmentFlag.AlignRight)
                font = value.font()
                font.setBold(True)
                value.setFont(font)
                sentence = QLabel(figure.explanation)
                sentence.setObjectName(f"sentence-{part}-{key}")
                sentence.setProperty("role", "muted")
                sentence.setWordWrap(True)
                sentence.setTextFormat(Qt.TextFormat.PlainText)
                sentence.setContentsMargins(0, 0, 0, 6)
                self.figure_grid.addWidget(name, row, 0)
                self.figure_grid.addWidget(value, row, 1)
                row += 1
                self.figure_grid.addWidget(sentence, row, 0, 1, 2)
        self.figure_grid.setRowStretch(row + 1, 1)

    def _go(self, item: QListWidgetItem) -> None:
        frame = item.data(_FRAME_ROLE)
        if frame is not None:
            self.seekRequested.emit(int(frame))


def open_agreement_dialog(parent: QWidget, workspace: Workspace, recording_id: int,
                          codebook: Codebook, seek: Callable[[int], object]) -> AgreementDialog:
    """Show Compare Coders for a recording, beside the window (not modal)."""
    dialog = AgreementDialog(workspace, recording_id, codebook, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.seekRequested.connect(seek)
    screen = parent.screen().availableGeometry()
    dialog.resize(min(1100, screen.width() - 60), min(680, screen.height() - 60))
    dialog.show()
    return dialog

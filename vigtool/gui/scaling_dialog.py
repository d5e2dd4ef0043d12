"""Case > Scaling...: the helping question's scale (and any service measure) across the work.

The practitioner enters what the parent said at the first meeting (cycle 0,
before any filming), at each cycle and at the end, and, if they wish, their
own rating beside it; the chart above shows the scale as the record will.
Every change is saved at once as one undo step ("Add Rating", "Change
Rating", "Delete Rating"); "–" is not asked or skipped. A service's own
measures come from its measures file ("Service measures..."), of which the
workspace keeps a checked copy. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.measures import FIRST_MEETING, Measure, Rater
from vigtool.errors import VigtoolError
from vigtool.report.charts import scale_charts
from vigtool.report.i18n import translations
from vigtool.workspace import Workspace

NOT_RATED = "–"
INTRO = ("What the parent said on the scale at the first meeting, at each cycle and at the "
         "end, in their own numbers (the shared review's closing page asks them too). Your "
         "own rating is optional and stays in your record.")


def point_name(cycle: int) -> str:
    return "First meeting" if cycle == FIRST_MEETING else f"Cycle {cycle}"


class ScalingDialog(QDialog):
    def __init__(self, workspace: Workspace, case_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scalingDialog")
        self._ws, self.case_id = workspace, case_id
        case = workspace.caseload.case(case_id)
        self.setWindowTitle(f"Scaling · {case.code}")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.measure_box = QComboBox()
        self.measure_box.setObjectName("scalingMeasure")
        self.measure_box.currentIndexChanged.connect(lambda _i: self.load())
        self.files = QPushButton("Service measures...")
        self.files.setObjectName("scalingMeasuresFile")
        self.files.setToolTip("Use your service's measures file (JSON); the workspace keeps "
                              "a checked copy")
        self.files.clicked.connect(self.choose_measures_file)
        self.files.setEnabled(not workspace.read_only)
        top = QHBoxLayout()
        top.addWidget(QLabel("Measure:"))
        top.addWidget(self.measure_box, 1)
        top.addWidget(self.files)
        self.wording = QLabel()
        self.wording.setObjectName("scalingWording")
        self.wording.setWordWrap(True)
        self.chart = QSvgWidget()
        self.chart.setObjectName("scalingChart")
        self.chart_note = QLabel("No ratings yet: enter the first below.")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.problem = QLabel()
        self.problem.setObjectName("scalingProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(highlight)")
        self.problem.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(top)
        column.addWidget(self.wording)
        column.addWidget(self.chart)
        column.addWidget(self.chart_note)
        column.addLayout(self.grid)
        column.addWidget(self.problem)
        column.addStretch(1)
        column.addWidget(buttons)
        self.parent_boxes: dict[int, QSpinBox] = {}
        self.own_boxes: dict[int, QSpinBox] = {}
        self.notes: dict[int, QLineEdit] = {}
        self._fill_measures()
        self.resize(760, 640)

    # -- which measure -------------------------------------------------------------------------

    def _fill_measures(self, keep: str | None = None) -> None:
        try:
            measures = self._ws.measures.measures()
        except VigtoolError as exc:
            self.say(str(exc))
            return
        self.measure_box.blockSignals(True)
        self.measure_box.clear()
        for m in measures:
            self.measure_box.addItem(f"{m.name} ({m.min} to {m.max})", m.id)
        index = self.measure_box.findData(keep) if keep else 0
        self.measure_box.setCurrentIndex(max(0, index))
        self.measure_box.blockSignals(False)
        self.measure_box.setEnabled(len(measures) > 1)
        self.load()

    @property
    def measure(self) -> Measure:
        return self._ws.measures.measure(str(self.measure_box.currentData()))

    def choose_measures_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Your service's measures", "", "Measures (*.json);;All files (*)")
        if path:
            self.use_measures_file(path)

    def use_measures_file(self, path: str) -> None:
        try:
            found = self._ws.measures.use_measures_file(path)
        except VigtoolError as exc:
            self.say(str(exc))
            return
        self.say("")
        self._fill_measures(keep=found.measures[0].id if found.measures else None)

    # -- the points ---------------------------------------------------------------------------

    def points(self, measure: Measure) -> list[int]:
        """The first meeting, each cycle (the last is the end), and any point rated."""
        rated = {r.cycle for r in self._ws.measures.ratings(self.case_id, measure.id)}
        cycles = sorted({c.number for c in self._ws.caseload.cycles(self.case_id)} |
                        {r.cycle for r in self._ws.library.recordings(self.case_id)})
        shown = set(rated)
        if measure.asked("start"):
            shown.add(FIRST_MEETING)
        if measure.asked("each-cycle"):
            shown |= set(cycles)
        elif measure.asked("end") and cycles:
            shown.add(cycles[-1])
        return sorted(shown)

    def load(self) -> None:
        if self.measure_box.currentData() is None:
            return
        measure = self.measure
        self.wording.setText(f"{measure.for_practitioner}, from {measure.min} to {measure.max}."
                             f"\nThe parent is asked: “{measure.family_wording}”")
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.parent_boxes.clear()
        self.own_boxes.clear()
        self.notes.clear()
        for column, head in enumerate(("", "The parent's rating", "Your own (optional)",
                                       "Your note")):
            label = QLabel(head)
            label.setProperty("role", "section")
            self.grid.addWidget(label, 0, column)
        for row, cycle in enumerate(self.points(measure), start=1):
            self.grid.addWidget(QLabel(point_name(cycle)), row, 0)
            self.parent_boxes[cycle] = self._box(measure, cycle, "parent")
            self.own_boxes[cycle] = self._box(measure, cycle, "practitioner")
            note = QLineEdit()
            note.setPlaceholderText("A note for your record (optional)")
            note.setAccessibleName(f"Your note, {point_name(cycle)}")
            found = self._ws.measures.rating_at(self.case_id, cycle, measure.id, "parent")
            note.setText(found.note if found else "")
            note.setEnabled(found is not None and not self._ws.read_only)
            note.editingFinished.connect(lambda c=cycle: self._save_note(c))
            self.notes[cycle] = note
            self.grid.addWidget(self.parent_boxes[cycle], row, 1)
            self.grid.addWidget(self.own_boxes[cycle], row, 2)
            self.grid.addWidget(note, row, 3)
        self.grid.setColumnStretch(3, 1)
        self._draw()

    def _box(self, measure: Measure, cycle: int, rated_by: Rater) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(f"scaling-{rated_by}-{cycle}")
        box.setRange(measure.min - 1, measure.max)
        box.setSpecialValueText(NOT_RATED)  # the lowest value: not asked, or skipped
        box.setKeyboardTracking(False)
        box.setAccessibleName(f"{'The parent' if rated_by == 'parent' else 'Your'} rating, "
                              f"{point_name(cycle)}")
        found = self._ws.measures.rating_at(self.case_id, cycle, measure.id, rated_by)
        box.setValue(found.value if found else box.minimum())
        box.setEnabled(not self._ws.read_only)
        box.valueChanged.connect(lambda v, c=cycle, r=rated_by: self._save(c, r, v))
        return box

    def _save(self, cycle: int, rated_by: Rater, value: int) -> None:
        measure = self.measure
        try:
            if value < measure.min:
                found = self._ws.measures.rating_at(self.case_id, cycle, measure.id, rated_by)
                if found is not None:
                    self._ws.measures.delete_rating(found.id)
            else:
                self._ws.add_rating(self.case_id, cycle=cycle, value=value, measure=measure.id,
                                    rated_by=rated_by)
        except VigtoolError as exc:
            self.say(str(exc))
            return
        self.say("")
        if rated_by == "parent":
            found = self._ws.measures.rating_at(self.case_id, cycle, measure.id, "parent")
            self.notes[cycle].setEnabled(found is not None)
            self.notes[cycle].setText(found.note if found else "")
        self._draw()

    def _save_note(self, cycle: int) -> None:
        found = self._ws.measures.rating_at(self.case_id, cycle, self.measure.id, "parent")
        if found is None or found.note == self.notes[cycle].text().strip():
            return
        try:
            self._ws.measures.update_rating(found.id, note=self.notes[cycle].text())
        except VigtoolError as exc:
            self.say(str(exc))

    def _draw(self) -> None:
        measure = self.measure
        scales = [s for s in self._ws.measures.scales(self.case_id)
                  if s.measure.id == measure.id]
        cycles = [c for c in self.points(measure) if c != FIRST_MEETING]
        charts = scale_charts(scales, cycles, family=False, t=translations("en"))
        self.chart.setVisible(bool(charts))
        self.chart_note.setVisible(not charts)
        if charts:
            chart = charts[0]
            self.chart.load(QByteArray(chart.svg.encode("utf-8")))
            self.chart.setFixedSize(QSize(chart.width, chart.height))
            self.chart.setToolTip(chart.title)

    def say(self, text: str) -> None:
        self.problem.setText(text[:1].upper() + text[1:])
        self.problem.setVisible(bool(text))


def open_scaling_dialog(parent: QWidget, workspace: Workspace, case_id: int) -> ScalingDialog:
    dialog = ScalingDialog(workspace, case_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog

"""Import a film: which case it belongs to (or a new one), the cycle, what film it is, and
the day it was filmed.

A cycle's film is the family film (the parent with their child) or the
shared review (the practitioner's review with the parent, filmed for
supervision and coded with the same principles); the browser shows the two
side by side.

The filming date starts as the date the camera wrote into the file, or the
file's own date when the camera wrote none (the dialog says which, so the
practitioner checks it). The dialog is opened window-modal with ``open()``
and hands back an ``ImportChoice``; the import itself runs in the caller's
background job. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import Case
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.case_dialog import open_case_dialog
from vigtool.media.opening import open_video
from vigtool.workspace import Workspace

UNFILED = "Unfiled"
VIDEO_FILTER = "Videos (*.mp4 *.m4v *.mov *.avi *.mkv *.webm *.mts *.m2ts *.ts *.3gp *.mpg *.mpeg)"
MAX_CYCLE = 12
KINDS = (("family", "Family film", "The parent with their child: the film you code and "
          "show in the shared review."),
         ("shared-review", "Shared review (for supervision)", "Your review of the clips with "
          "the parent, filmed so you can code your own guidance and take it to supervision."))
_EARLIEST_YEAR = 2000  # cameras with no clock write 1970 or 1904


@dataclass(frozen=True)
class ImportChoice:
    case_id: int
    cycle: int
    filmed_on: str | None  # ISO date
    kind: str = "family"  # or "shared-review"


def filmed_date(path: Path) -> tuple[date | None, str]:
    """The day ``path`` was filmed as far as the file tells, and where that came from."""
    try:
        with open_video(path) as container:
            stamps = [container.metadata.get("creation_time", ""),
                      container.streams.video[0].metadata.get("creation_time", "")]
    except (VigtoolError, OSError):
        stamps = []
    for stamp in stamps:
        day = _day(stamp)
        if day is not None:
            return day, "The date the camera recorded in the film."
    try:
        return date.fromtimestamp(path.stat().st_mtime), "The file's date: please check it."
    except OSError:
        return None, ""


def _day(stamp: str) -> date | None:
    try:
        day = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return day if day.year >= _EARLIEST_YEAR else None


def suggested_cycle(ws: Workspace, case_id: int) -> int:
    """The case's latest cycle until its review has begun, then the next (1 for a new case)."""
    cycles = {r.cycle for r in ws.library.recordings(case_id)}
    if not cycles:
        return 1
    latest = max(cycles)
    reviewed = bool(ws.review.reflections(case_id, latest))
    return min(MAX_CYCLE, latest + 1) if reviewed else latest


class ImportDialog(QDialog):
    def __init__(self, video: Path, workspace: Workspace, parent: QWidget | None = None,
                 case_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import Video")
        self.setMinimumWidth(460)
        self._ws = workspace
        self._video = video

        name = QLabel(f"<b>{_escape(video.name)}</b>")
        name.setTextFormat(Qt.TextFormat.RichText)
        self.case = QComboBox()
        self.case.setMinimumContentsLength(14)
        self.new_case_button = QPushButton("New Case...")
        self.new_case_button.setAutoDefault(False)
        self.new_case_button.clicked.connect(self._new_case)
        case_row = QHBoxLayout()
        case_row.addWidget(self.case, 1)
        case_row.addWidget(self.new_case_button)
        self.case_hint = _muted("")
        self.cycle = QSpinBox()
        self.cycle.setRange(1, MAX_CYCLE)
        self.cycle.setMaximumWidth(self.cycle.fontMetrics().horizontalAdvance("0") * 10)
        self.cycle_hint = _muted("")
        self.kinds: dict[str, QRadioButton] = {}
        kind_column = QVBoxLayout()
        kind_column.setSpacing(2)
        for kind, words, tip in KINDS:
            button = QRadioButton(words)
            button.setToolTip(tip)
            button.setChecked(kind == "family")
            button.toggled.connect(lambda on, kind=kind: self._kind_chosen(kind) if on else None)
            self.kinds[kind] = button
            kind_column.addWidget(button)
        self.filmed_on = QDateEdit()
        self.filmed_on.setCalendarPopup(True)
        self.filmed_on.setDisplayFormat("d MMMM yyyy")
        self.filmed_on.setMaximumWidth(self.filmed_on.fontMetrics().horizontalAdvance("0") * 24)
        day, where = filmed_date(video)
        self.filmed_on.setDate(_qdate(day or date.today()))
        self.filmed_on.setMaximumDate(_qdate(date.today()))
        self.date_hint = _muted(where)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(name)
        form.addRow("Case", case_row)
        form.addRow("", self.case_hint)
        form.addRow("Cycle", self.cycle)
        form.addRow("", self.cycle_hint)
        form.addRow("Film", kind_column)
        form.addRow("Filmed on", self.filmed_on)
        form.addRow("", self.date_hint)
        note = _muted("vigtool keeps its own copy of the video, so the original can be "
                      "deleted from the camera.")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(note)
        column.addWidget(self.buttons)

        self.case.currentIndexChanged.connect(self._case_chosen)
        self.cycle.valueChanged.connect(self._update_cycle_hint)
        self._fill_cases(case_id)

    def _fill_cases(self, select: int | None) -> None:
        self.case.blockSignals(True)
        self.case.clear()
        cases = self._ws.caseload.cases()
        for case in cases:
            self.case.addItem(case.code, case.id)
        if not cases:
            self.case.setPlaceholderText("No case yet")
        found = self.case.findData(select) if select is not None else -1
        self.case.setCurrentIndex(found if found >= 0 else (0 if cases else -1))
        self.case.blockSignals(False)
        self._case_chosen()

    def _case_chosen(self) -> None:
        case_id = self.case_id()
        self.import_button.setEnabled(case_id is not None)
        if case_id is None:
            self.case_hint.setText("Every film belongs to a case: add one with New Case.")
            self.new_case_button.setDefault(True)
            return
        case = self._ws.caseload.case(case_id)
        self.case_hint.setText(f"“{case.helping_question}”" if case.helping_question
                               else "No helping question yet (Case Details in the list).")
        self._kind_chosen(self.kind())

    def _kind_chosen(self, kind: str) -> None:
        """A shared review belongs with the cycle's family film: the latest cycle."""
        case_id = self.case_id()
        if case_id is not None:
            cycles = {r.cycle for r in self._ws.library.recordings(case_id)}
            self.cycle.setValue(max(cycles) if kind == "shared-review" and cycles
                                else suggested_cycle(self._ws, case_id))
        self._update_cycle_hint()

    def _update_cycle_hint(self) -> None:
        case_id = self.case_id()
        if case_id is None:
            self.cycle_hint.setText("")
            return
        films = [r for r in self._ws.library.recordings(case_id)
                 if r.cycle == self.cycle.value()]
        family = [r for r in films if r.kind != "shared-review"]
        if self.kind() == "shared-review":
            self.cycle_hint.setText(
                f"The shared review of cycle {self.cycle.value()}: it shows beside "
                f"{'the family film' if len(family) == 1 else 'the family films'}."
                if family else f"Cycle {self.cycle.value()} has no family film yet; the "
                "shared review can come first.")
            return
        self.cycle_hint.setText(
            "A new cycle." if not films else
            f"Cycle {self.cycle.value()} already has {len(films)} "
            f"film{'s' if len(films) != 1 else ''}: this one joins "
            f"{'it' if len(films) == 1 else 'them'}."
        )

    def kind(self) -> str:
        """The film chosen: "family" or "shared-review"."""
        return next(kind for kind, button in self.kinds.items() if button.isChecked())

    def _new_case(self) -> None:
        open_case_dialog(self, self._ws, then=lambda case: self._fill_cases(case.id))

    def case_id(self) -> int | None:
        data = self.case.currentData()
        return int(data) if data is not None else None

    def choice(self) -> ImportChoice | None:
        case_id = self.case_id()
        if case_id is None:
            return None
        return ImportChoice(case_id, self.cycle.value(),
                            self.filmed_on.date().toString(Qt.DateFormat.ISODate), self.kind())


def ask_import(parent: QWidget, workspace: Workspace, video: Path, case_id: int | None,
               then: Callable[[ImportChoice], object]) -> ImportDialog:
    """Open the import dialog window-modal; ``then`` gets the choice once accepted."""
    dialog = ImportDialog(video, workspace, parent, case_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def accepted() -> None:
        choice = dialog.choice()
        if choice is not None:
            then(choice)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def unasked_import(workspace: Workspace, case_code: str = UNFILED, cycle: int = 1
                   ) -> ImportChoice:
    """A film opened from the command line: into ``case_code`` (made if new), date unknown."""
    try:
        case: Case = workspace.caseload.case_by_code(case_code)
    except NotFound:
        case = workspace.caseload.add_case(case_code)
    return ImportChoice(case.id, cycle, None)


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a parent's words are never markup
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""Delete Raw Film: the purge of one case, confirmed by typing its code.

Shows what the purge will delete and keep (``plan_purge(...).lines()``),
and does nothing until the practitioner types the case's code: it cannot be
undone. Before it starts, ``release`` lets the window close every player
and reader on the film (VLC must let go of the file); the purge then runs on
a worker thread with progress, and the dialog shows what was done. The plan
is worked out again at the start; if the case changed since it was shown,
nothing is deleted and the new plan is shown instead. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.gui.workers import Job
from vigtool.purge import PurgePlan, PurgeResult, plan_purge, purge_case
from vigtool.workspace import Workspace

CONFIRM = "Type the case code ({code}) to confirm:"


def _nothing_to_release() -> str | None:
    return None


class PurgeDialog(QDialog):
    """``started`` carries the Job (so the window waits for it on close); ``purged``
    the PurgeResult once the film is gone."""

    started = Signal(object)
    purged = Signal(object)

    def __init__(self, workspace: Workspace, case_id: int, parent: QWidget | None = None, *,
                 release: Callable[[], str | None] = _nothing_to_release) -> None:
        super().__init__(parent)
        self.setObjectName("purgeDialog")
        self._ws = workspace
        self.case_id = case_id
        self._release = release
        self.job: Job | None = None
        self.outcome: PurgeResult | None = None
        self.plan: PurgePlan = plan_purge(workspace, case_id)
        code = self.plan.case_code
        self.setWindowTitle(f"Delete Raw Film: {code}")
        self.setMinimumWidth(520)

        self.heading = _label(f"Delete the raw film of case {code}", "section")
        self.plan_text = _label("", "value")
        self.plan_text.setObjectName("purgePlan")
        self.plan_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = _label("", "hint")
        self.warning.setObjectName("purgeWarning")
        self.confirm_label = _label(CONFIRM.format(code=code), "value")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("purgeConfirm")
        self.confirm.setPlaceholderText(code)
        self.confirm.setAccessibleName(CONFIRM.format(code=code))
        self.confirm_label.setBuddy(self.confirm)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.problem = _label("", "hint")
        self.problem.setObjectName("purgeProblem")
        self.problem.hide()
        self.buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Delete Raw Film")
        self.delete_button.setObjectName("purgeButton")
        self.delete_button.setProperty("destructive", True)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setDefault(True)
        self.delete_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.confirm.textChanged.connect(self._update_button)
        self.confirm.returnPressed.connect(self.start)

        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.plan_text)
        column.addWidget(self.warning)
        column.addSpacing(6)
        column.addWidget(self.confirm_label)
        column.addWidget(self.confirm)
        column.addWidget(self.progress)
        column.addWidget(self.problem)
        column.addStretch(1)
        column.addWidget(self.buttons)
        self._show_plan()

    # -- before ---------------------------------------------------------------------------

    def _show_plan(self) -> None:
        if self.plan.empty:
            self.plan_text.setText(f"Case {self.plan.case_code} has no raw film left to "
                                   "delete.")
            for widget in (self.warning, self.confirm_label, self.confirm, self.delete_button):
                widget.hide()
            self.close_button.setText("Close")
            return
        *body, last = self.plan.lines()
        self.plan_text.setText("\n".join(body))
        self.warning.setText(f"{last} The film cannot be brought back, by you or by vigtool.")
        self._update_button()

    def confirmed(self) -> bool:
        return self.confirm.text().strip() == self.plan.case_code

    def _update_button(self) -> None:
        self.delete_button.setEnabled(self.confirmed() and self.job is None
                                      and self.outcome is None)

    # -- the purge ------------------------------------------------------------------------

    def start(self) -> None:
        """Purge, if the code was typed; otherwise say so and delete nothing."""
        if self.job is not None or self.outcome is not None or self.plan.empty:
            return
        if not self.confirmed():
            self._say(f"Type the case code {self.plan.case_code} exactly: nothing was deleted.")
            return
        problem = self._release()
        if problem:
            self._say(problem)
            return
        fresh = plan_purge(self._ws, self.case_id)
        if _what(fresh) != _what(self.plan):
            self.plan = fresh
            self.confirm.clear()
            self._show_plan()
            self._say("The case changed since this was shown; nothing was deleted. Read "
                      "what will be deleted now, then type the code again.")
            return
        ws, plan = self._ws, fresh
        self.problem.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.confirm.setEnabled(False)
        self.close_button.setEnabled(False)
        self.job = Job(lambda progress, cancel: purge_case(ws, plan, progress=progress,
                                                           cancel=cancel), self)
        self.job.progressed.connect(
            lambda done, total: self.progress.setValue(int(100 * done / total) if total else 0))
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(lambda: self._failed("Stopped; nothing was deleted"))
        self.job.finished.connect(self._finished)
        self._update_button()
        self.started.emit(self.job)
        self.job.start()

    def _done(self, result: PurgeResult) -> None:
        self.outcome = result
        self.progress.hide()
        self.heading.setText(f"The raw film of case {result.case_code} is deleted")
        self.plan_text.setText("\n".join(line[:1].upper() + line[1:] for line in result.lines()))
        self.warning.setText("Moments, stills' captions, the parent's words, goals, consents "
                             "and the audit log are kept. The audit log records this purge.")
        for widget in (self.confirm_label, self.confirm, self.delete_button):
            widget.hide()
        self.close_button.setText("Close")
        self.purged.emit(result)

    def _failed(self, line: str) -> None:
        self.progress.hide()
        self.confirm.setEnabled(True)
        self._say(line[:1].upper() + line[1:])

    def _finished(self) -> None:
        self.job = None
        self.close_button.setEnabled(True)
        self._update_button()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def reject(self) -> None:
        if self.job is None:  # never walk away from a purge half-way
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:
            event.ignore()
            return
        super().closeEvent(event)


def _what(plan: PurgePlan) -> tuple[object, ...]:
    """What the practitioner agreed to: which films go and which clips stay. (The files
    made from them may differ by a waveform or a leftover; the fresh plan removes those.)"""
    return (tuple(r.id for r in plan.recordings), plan.keep_clips,
            tuple(m.id for _, m in plan.chosen))


def open_purge_dialog(parent: QWidget, workspace: Workspace, case_id: int, *,
                      release: Callable[[], str | None] = _nothing_to_release) -> PurgeDialog:
    """Open Delete Raw Film for a case, window-modal; it deletes itself once closed."""
    dialog = PurgeDialog(workspace, case_id, parent, release=release)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog


def _label(text: str, role: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label

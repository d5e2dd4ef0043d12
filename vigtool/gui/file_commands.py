"""The window's file commands: importing and locating films, switching workspaces, exporting.

A base of ``MainWindow``, kept apart so the window module stays about
composition. Slow work (import, relink, export) runs in background jobs with
progress; results come back on the GUI thread. Film comes in only with the
family's consent to filming: without it the import asks first. Another
workspace is opened (asking what to do if another program has it) before
this window closes, so a refusal leaves the window as it was. GUI thread only.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from vigtool.errors import VigtoolError
from vigtool.gui.consent_dialog import ask_filming_consent
from vigtool.gui.import_dialog import (
    UNFILED,
    VIDEO_FILTER,
    ImportChoice,
    ask_import,
    unasked_import,
)
from vigtool.gui.media_jobs import MediaJobs
from vigtool.gui.new_workspace import choose_new_workspace
from vigtool.gui.settings import recent_workspaces
from vigtool.gui.workers import Job, run_with_progress
from vigtool.gui.workspace_opening import open_workspace
from vigtool.workspace import DuplicateRecording, Workspace


class FileCommands(QMainWindow):
    """What ``MainWindow`` sets up and these commands use."""

    workspace: Workspace
    settings: QSettings
    media_jobs: MediaJobs
    recent_menu: QMenu
    recording_id: int | None
    switch_to: Path | None
    next_workspace: Workspace | None = None  # opened by the switcher, for run_gui to show
    _jobs: list[Job]

    def open_recording(self, recording_id: int) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        raise NotImplementedError

    # -- importing ---------------------------------------------------------------------------

    def _choose_video(self, case_id: int | None) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import video", "", VIDEO_FILTER)
        if name:
            self.import_video(Path(name), case_id=case_id)

    def import_video(self, path: Path, *, ask: bool = True, case_code: str = UNFILED,
                     cycle: int = 1, case_id: int | None = None) -> None:
        """Import (or, if its content is already here, open) a video: the import dialog
        asks its case, cycle and filming date unless ``ask`` is False."""
        if ask:
            ask_import(self, self.workspace, path, case_id, lambda c: self._import(path, c))
        else:
            self._import(path, unasked_import(self.workspace, case_code, cycle))

    def _import(self, path: Path, choice: ImportChoice) -> None:
        """Import once the family's consent to filming is on record (asking if not)."""
        if not self.workspace.privacy.has_consent(choice.case_id, "filming"):
            ask_filming_consent(self, self.workspace, choice.case_id,
                                lambda: self._start_import(path, choice), self.say)
            return
        self._start_import(path, choice)

    def _start_import(self, path: Path, choice: ImportChoice) -> None:
        ws = self.workspace

        def task(progress, cancel):
            try:
                return ws.import_recording(choice.case_id, cycle=choice.cycle, path=path,
                                           filmed_on=choice.filmed_on, kind=choice.kind,
                                           progress=progress, cancel=cancel)
            except DuplicateRecording as dup:
                return dup.existing

        job = run_with_progress(self, f"Importing {path.name}...", task,
                                lambda rec: self._imported(rec.id), self.say)
        self._track(job)

    def _imported(self, recording_id: int) -> None:
        self.media_jobs.load_posters([recording_id])
        self.open_recording(recording_id)

    def _locate(self, recording_id: int) -> None:
        recording = self.workspace.library.recording(recording_id)
        name, _ = QFileDialog.getOpenFileName(
            self, f"Where is {recording.original_name}?", "", VIDEO_FILTER
        )
        if not name:
            return
        job = run_with_progress(
            self, f"Checking {Path(name).name}...",
            lambda progress, cancel: self.workspace.library.relink_recording(
                recording_id, name, progress=progress, cancel=cancel),
            lambda rec: self.open_recording(rec.id), self.say,
        )
        self._track(job)

    def _track(self, job: Job) -> None:
        self._jobs.append(job)
        job.finished.connect(lambda: self._jobs.remove(job) if job in self._jobs else None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_video(Path(url.toLocalFile()))
                break

    # -- workspaces, themes, help -------------------------------------------------------------

    def _choose_workspace(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open workspace folder")
        if folder:
            self._switch_workspace(folder)

    def _new_workspace(self) -> None:
        folder = choose_new_workspace(self, self.workspace.root.parent)
        if folder is not None:
            self._switch_workspace(str(folder))

    def _switch_workspace(self, folder: str) -> None:
        """Open another workspace, then close this window for it (all work is already
        saved). The same folder opened read-only is opened again for writing."""
        here = self.workspace.root.resolve()
        if Path(folder).resolve() == here and not self.workspace.read_only:
            return
        try:
            ws = open_workspace(Path(folder), self)
        except VigtoolError as exc:
            self.say(str(exc)[:1].upper() + str(exc)[1:])
            return
        if ws is None:
            return
        if ws.root.resolve() == here and ws.read_only:  # still busy: nothing changes
            ws.close()
            return
        self.next_workspace = ws
        self.switch_to = ws.root
        self.close()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()

        recent = recent_workspaces(self.settings)
        for folder in recent:
            self.recent_menu.addAction(folder, partial(self._switch_workspace, folder))
        self.recent_menu.setEnabled(bool(recent))

    def open_export(self) -> None:
        from vigtool.exports.naming import export_folder_name
        from vigtool.exports.request import run_export
        from vigtool.gui.export_dialog import ExportDialog, reveal
        from vigtool.gui.pdf import html_to_pdf

        if self.recording_id is None:
            self.say("Open a recording first: exports are made per case and cycle")
            return
        recording = self.workspace.library.recording(self.recording_id)
        case = self.workspace.caseload.case(recording.case_id)
        folder = self.workspace.root / "exports" / export_folder_name(case.code, recording.cycle)
        dialog = ExportDialog(folder, case.code, recording.cycle, self,
                              workspace=self.workspace.root, settings=self.settings)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        request = dialog.request(case.id)
        ws = self.workspace

        def done(paths: list[Path]) -> None:
            where = paths[0].parent if paths else request.out
            self.say(f"Exported {len(paths)} file{'s' if len(paths) != 1 else ''} to {where}")
            if paths:
                reveal(paths[0])

        job = run_with_progress(
            self, "Exporting...",
            lambda progress, cancel: run_export(ws, request, pdf_writer=html_to_pdf,
                                                progress=progress, cancel=cancel),
            done, self.say,
        )
        job.cancelled.connect(lambda: self.say("Export cancelled; nothing was written"))
        self._track(job)

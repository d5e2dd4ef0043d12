"""The window's supervision commands: comments, package moments, coders, packages.

A base of ``MainWindow`` (like ``GovernanceCommands``), so the window module
stays about composition. It puts the moment inspector and the Comments panel
in tabs on the right ("Moment", "Comments") and keeps the panel, the
timeline's Supervision lane and the playhead in step: a comment chosen in
either moves the playhead to it; Comment (Shift+C) starts
one on the selected moment, from the I mark to the playhead, or on the
frame under it. A moment that came in a supervision package is read-only:
while one is selected its edit actions are off. The Supervision menu
compares two coders, makes and opens packages (their work runs on a worker
thread with progress, like an export) and sets the name comments are signed
with; the Case menu opens the cycle's self-assessment. GUI thread only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.domain.records import RecordingStatus
from vigtool.domain.tagging import span_from_marks
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.agreement_dialog import open_agreement_dialog
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import WorkspaceBrowser
from vigtool.gui.comments_panel import CommentsPanel
from vigtool.gui.governance_commands import FILM_ACTIONS, plain_actions
from vigtool.gui.inspector import InspectorPanel
from vigtool.gui.media_jobs import MediaJobs
from vigtool.gui.package_dialogs import (
    CASE_KIND,
    COMMENTS_KIND,
    PACKAGE_FILTER,
    PackageChoice,
    ask_package,
    consent_line,
    package_folder,
)
from vigtool.gui.passphrase_dialog import PassphraseDialog
from vigtool.gui.player_controller import PlayerController
from vigtool.gui.self_assessment_dialog import open_self_assessment
from vigtool.gui.tagging import Tagger
from vigtool.gui.timeline_view import TimelineView
from vigtool.gui.workers import Job, run_with_progress
from vigtool.workspace import Changes, Workspace

if TYPE_CHECKING:
    from vigtool.packages import ImportReport

SUPERVISION_ACTIONS: dict[str, tuple[str, str]] = {
    "supervision.compare": ("Compare Coders...", "How far two coders' moments on this film "
                            "agree, in figures and plain sentences, with every disagreement"),
    "supervision.make_package": ("Make Supervision Package...", "One encrypted file of a "
                                 "cycle's chosen clips, moments and notes for your supervisor"),
    "supervision.open_package": ("Open Supervision Package...", "Open a trainee's package, or "
                                 "the comments your supervisor sent back"),
    "supervision.send_comments": ("Send Comments Back...", "Your comments and coding on a "
                                  "trainee's clips, as a small encrypted file for them"),
    "supervision.my_name": ("Your Name...", "The name your comments and coding are signed with"),
    "case.self_assessment": ("Self-Assessment...", "Your look back at the shared review of "
                             "this cycle: principles used well and to develop"),
}
"""Action id -> (menu text, status tip). No shortcuts but Comment (in ``keymap``)."""
WRITING_ACTIONS = ("supervision.comment", "supervision.make_package", "supervision.open_package",
                   "supervision.send_comments", "supervision.my_name")
"""Supervision actions that change the workspace (off when it is open read-only)."""
LOCKED_OFF = ("tag.trim_start", "tag.trim_end", "tag.still", "tag.remove_still", "tag.review",
              "tag.describe", "moment.delete")
"""Actions on the selected moment: off while it is one from a supervision package."""


class SupervisionCommands(QMainWindow):
    """What ``MainWindow`` sets up and these commands use."""

    recordingOpened: Signal
    workspace: Workspace
    codebook: Codebook
    settings: QSettings
    bridge: WorkspaceBridge
    browser: WorkspaceBrowser
    player: PlayerController
    media_jobs: MediaJobs
    timeline: TimelineView
    tagger: Tagger
    inspector: InspectorPanel
    top: QSplitter
    actions_by_id: dict[str, QAction]
    recording_id: int | None
    _jobs: list[Job]

    def say(self, text: str) -> None:
        raise NotImplementedError

    def _seek_paused(self, frame: int) -> None:
        raise NotImplementedError

    def _track(self, job: Job) -> None:
        raise NotImplementedError

    def current_case_id(self) -> int | None:
        raise NotImplementedError

    def open_recording(self, recording_id: int) -> None:
        raise NotImplementedError

    def open_consent(self, case_id: int | None = None) -> None:
        raise NotImplementedError

    def supervision_actions(self) -> dict[str, QAction]:
        handlers = {
            "supervision.compare": self.open_compare,
            "supervision.make_package": self.make_package,
            "supervision.open_package": self.open_package,
            "supervision.send_comments": self.send_comments,
            "supervision.my_name": self.ask_my_name,
            "case.self_assessment": self.open_self_assessment,
        }
        return plain_actions(self, SUPERVISION_ACTIONS, handlers)

    def connect_supervision(self) -> None:
        self.comments_panel = CommentsPanel(self.bridge)
        self.right_tabs = QTabWidget()
        self.right_tabs.setObjectName("inspectorTabs")
        self.right_tabs.setDocumentMode(True)
        self.top.insertWidget(self.top.indexOf(self.inspector), self.right_tabs)
        self.right_tabs.addTab(self.inspector, "Moment")
        self.right_tabs.addTab(self.comments_panel, "Comments")
        self.timeline.commentClicked.connect(self.show_comment)
        self.comments_panel.commentChosen.connect(self._go_to_comment)
        self.comments_panel.message.connect(self.say)
        self.recordingOpened.connect(self._show_comments)
        self.browser.recordingActivated.connect(self._show_comments)  # a purged one too
        self.bridge.changed.connect(self._supervision_changed)
        self.tagger.selectionChanged.connect(self._moment_selected)
        if self.workspace.read_only:
            for action_id in (*WRITING_ACTIONS, "case.self_assessment"):
                self.actions_by_id[action_id].setEnabled(False)

    # -- comments -------------------------------------------------------------------------

    def _show_comments(self, *_: object) -> None:
        """The open recording's comments on the timeline and in the Comments tab."""
        self.comments_panel.show_recording(self.recording_id)
        self._comments_on_timeline()

    def _comments_on_timeline(self) -> None:
        if self.recording_id is None:
            return
        ws = self.workspace
        try:
            recording = ws.library.recording(self.recording_id)
        except NotFound:
            return
        threads = ws.supervision.threads(recording.id)
        lane = (recording.kind == "shared-review" or bool(recording.source_sha256)
                or bool(ws.caseload.case(recording.case_id).supervisee))
        self.timeline.set_comments(threads, lane=lane)
        self.right_tabs.setTabText(self.right_tabs.indexOf(self.comments_panel),
                                   f"Comments ({len(threads)})" if threads else "Comments")

    def _supervision_changed(self, changes: Changes) -> None:
        if changes.touches("comments") or changes.touches("recordings"):
            self._comments_on_timeline()
        if changes.touches("moments"):
            self._lock_actions(self.tagger.selected)

    def show_comment(self, comment_id: int) -> None:
        """Open a comment's thread in the Comments tab and move the playhead to it."""
        self.right_tabs.setCurrentWidget(self.comments_panel)
        self.comments_panel.show_thread(comment_id)
        self._go_to_comment(comment_id)

    def _go_to_comment(self, comment_id: int) -> None:
        try:
            comment = self.workspace.supervision.comment(comment_id)
        except NotFound:
            return
        self.timeline.set_selected_comment(comment.parent_id or comment.id)
        self._seek_paused(comment.start_frame)

    def comment_here(self) -> None:
        """Start a comment on the selected moment, else from the I mark to the playhead,
        else on the frame under the playhead; it is typed in the Comments tab."""
        if self.recording_id is None:
            self.say("Open a recording first: a comment sits on its frames")
            return
        if self.workspace.read_only:
            self.say("This workspace is open read-only: comments cannot be added")
            return
        frame = self.player.frame
        if self.tagger.selected is not None:
            moment = self.workspace.annotations.moment(self.tagger.selected)
            span, where = (moment.start_frame, moment.end_frame), "the selected moment"
        elif self.tagger.mark_in is not None:
            span = span_from_marks(self.tagger.mark_in, frame, self.player.frame_count)
            where = "the span from the I mark"
        else:
            span, where = (frame, frame), f"frame {frame}"
        self.right_tabs.setCurrentWidget(self.comments_panel)
        self.comments_panel.start_comment(*span)
        self.say(f"Comment on {where}: type it, then Return (Esc goes back to the film)")

    def show_moment_tab(self) -> None:
        self.right_tabs.setCurrentWidget(self.inspector)

    def _moment_selected(self, moment_id: int | None) -> None:
        if moment_id is not None:
            self.show_moment_tab()
        self._lock_actions(moment_id)

    def _lock_actions(self, moment_id: int | None) -> None:
        """Turn the moment's edit actions off while a package's (read-only) moment is
        selected, and back on (as far as the film and the workspace allow) after."""
        ws = self.workspace
        try:
            moment = ws.annotations.moment(moment_id) if moment_id is not None else None
        except NotFound:
            moment = None
        locked = moment is not None and moment.locked
        purged = self.recording_id is not None and \
            ws.library.recording(self.recording_id).status is RecordingStatus.PURGED
        for action_id, action in self.actions_by_id.items():
            if action_id in LOCKED_OFF or action_id.startswith("code."):
                allowed = not ws.read_only and not (purged and action_id in FILM_ACTIONS)
                action.setEnabled(allowed and not locked)
        if locked and moment is not None:
            who = moment.coder or "the trainee"
            self.say(f"Coded by {who}; it came in a supervision package, so it is read-only "
                     "here. Comment on it (Shift+C) or tag your own moment")

    def ask_my_name(self) -> None:
        box = QInputDialog(self)
        box.setWindowTitle("Your Name")
        box.setLabelText("Your comments and coding are signed with this name:")
        box.setTextValue(self.workspace.supervision.my_name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def chosen(name: str) -> None:
            try:
                self.workspace.supervision.set_my_name(name)
            except VigtoolError as exc:
                self.say(str(exc)[:1].upper() + str(exc)[1:])
                return
            self.comments_panel.refresh()
            self.say(f"Comments and coding are now signed “{self.workspace.supervision.my_name}”")

        box.textValueSelected.connect(chosen)
        box.open()

    # -- coders and the self-assessment ---------------------------------------------------

    def open_compare(self) -> QWidget | None:
        if self.recording_id is None:
            self.say("Open a recording first: Compare Coders looks at the moments on one film")
            return None
        return open_agreement_dialog(self, self.workspace, self.recording_id, self.codebook,
                                     self._seek_paused)

    def _cycle_of(self, case_id: int) -> int | None:
        """The cycle selected in the list, else the open recording's, else the latest."""
        chosen = self.browser.selected_cycle()
        if chosen is not None:
            return chosen
        if self.recording_id is not None:
            recording = self.workspace.library.recording(self.recording_id)
            if recording.case_id == case_id:
                return recording.cycle
        cycles = [c.number for c in self.workspace.caseload.cycles(case_id)]
        return max(cycles) if cycles else None

    def open_self_assessment(self) -> QWidget | None:
        case_id = self.current_case_id()
        if case_id is None:
            self.say("Select a case in the list first")
            return None
        return open_self_assessment(self, self.workspace, case_id,
                                    self._cycle_of(case_id) or 1, self.codebook)

    # -- packages ---------------------------------------------------------------------------

    def make_package(self) -> QWidget | None:
        case_id = self.current_case_id()
        if case_id is not None and self.workspace.caseload.case(case_id).supervisee:
            case_id = None  # a trainee's case goes back with Send Comments Back
        if case_id is not None:
            line = consent_line(self.workspace, case_id)
            if line is not None:
                return self._consent_refusal(case_id, line)
        cycle = self._cycle_of(case_id) if case_id is not None else None
        return ask_package(self, self.workspace, CASE_KIND, case_id, cycle, self.settings,
                           self._write_package)

    def send_comments(self) -> QWidget | None:
        case_id = self.current_case_id()
        if case_id is not None and not self.workspace.caseload.case(case_id).supervisee:
            case_id = None
        return ask_package(self, self.workspace, COMMENTS_KIND, case_id, None, self.settings,
                           self._write_package)

    def _consent_refusal(self, case_id: int, line: str) -> QMessageBox:
        """The one line saying why there is no package, with a way to record the consent."""
        self.say(line)
        box = QMessageBox(QMessageBox.Icon.Information, "Supervision Package",
                          "A supervision package needs the family's consent to supervision.",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("supervisionConsentMissing")
        box.setInformativeText(line)
        consent = box.addButton("Consent...", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.finished.connect(lambda: self.open_consent(case_id)
                             if box.clickedButton() is consent else None)
        box.open()
        return box

    def _write_package(self, choice: PackageChoice) -> Job | None:
        """Make the chosen package on a worker thread (asking before replacing a file)."""
        from vigtool.packages import make_case_package, make_comments_package

        force = False
        if choice.out.exists():
            asked = QMessageBox.question(self, "Replace?", f"{choice.out.name} already exists "
                                         "there. Replace it?")
            if asked != QMessageBox.StandardButton.Yes:
                self.say("Nothing was written")
                return None
            force = True
        ws = self.workspace

        def task(progress, cancel):
            if choice.kind == CASE_KIND:
                return make_case_package(ws, choice.case_id, choice.cycle, choice.out,
                                         choice.passphrase, force=force, progress=progress,
                                         cancel=cancel)
            return make_comments_package(ws, choice.case_id, choice.out, choice.passphrase,
                                         force=force, progress=progress, cancel=cancel)

        def done(path: Path) -> None:
            who = "your supervisor" if choice.kind == CASE_KIND else "the trainee"
            self.say(f"Saved {path}. Give the passphrase to {who} another way, never with "
                     "the file")

        job = run_with_progress(self, "Making the supervision package..." if choice.kind ==
                                CASE_KIND else "Packing your comments...", task, done,
                                lambda line: self._package_problem("Supervision Package", line))
        job.cancelled.connect(lambda: self.say("Cancelled; no package was written"))
        self._track(job)
        return job

    def open_package(self, path: Path | None = None) -> QWidget | None:
        if not isinstance(path, Path):
            name, _ = QFileDialog.getOpenFileName(self, "Open Supervision Package",
                                                  str(package_folder(self.settings)),
                                                  PACKAGE_FILTER)
            if not name:
                return None
            path = Path(name)
        dialog = PassphraseDialog(path.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        chosen = path
        dialog.accepted.connect(lambda: self._read_package(chosen, dialog.passphrase()))
        dialog.open()
        return dialog

    def _read_package(self, path: Path, passphrase: str) -> Job:
        from vigtool.packages import open_package

        ws = self.workspace
        job = run_with_progress(
            self, f"Opening {path.name}...",
            lambda progress, cancel: open_package(ws, path, passphrase, progress=progress,
                                                  cancel=cancel),
            self._package_opened,
            lambda line: self._package_problem("Open Supervision Package", line, retry=path))
        job.cancelled.connect(lambda: self.say("Cancelled; nothing was imported"))
        self._track(job)
        return job

    def _package_opened(self, report: ImportReport) -> None:
        """Say what came in; a trainee's package opens at its first clip."""
        lines = report.lines()
        films = self.workspace.library.recordings()
        self.media_jobs.load_posters([r.id for r in films
                                      if r.status is RecordingStatus.PRESENT])
        clips = [r for r in films if r.case_id == report.case_id]
        if report.kind == CASE_KIND and clips and report.imported_before is None:
            self.open_recording(min(r.id for r in clips))
        if lines:
            self.say(lines[0][:1].upper() + lines[0][1:])
        box = QMessageBox(QMessageBox.Icon.Information, "Supervision Package",
                          "The package is open.", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("packageOpened")
        box.setInformativeText("\n".join(line[:1].upper() + line[1:] for line in lines))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()

    def _package_problem(self, title: str, line: str, retry: Path | None = None) -> None:
        """A package that could not be made or opened: its one line (and Try Again)."""
        line = line[:1].upper() + line[1:]
        self.say(line)
        box = QMessageBox(QMessageBox.Icon.Warning, title, line,
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("packageProblem")
        again = box.addButton("Try Again...", QMessageBox.ButtonRole.ActionRole) \
            if retry is not None else None
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.finished.connect(lambda: self.open_package(retry)
                             if again is not None and box.clickedButton() is again else None)
        box.open()

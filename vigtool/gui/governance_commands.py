"""The window's governance commands: consent, retention, purge, the audit log, read-only.

A base of ``MainWindow`` (like ``FileCommands``), so the window module stays
about composition. The Case menu acts on the case selected in the list (or
the open recording's case). A purge first makes every player and reader on
the film let go of it, then runs in the purge dialog's job; afterwards a
purged recording is shown as its moments on the timeline, without the film.
A workspace opened read-only (another program has it) says so in the title
and the status bar, and its editing actions are off. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from vigtool.domain.records import Recording, RecordingStatus
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.audit_dialog import open_audit_dialog
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import WorkspaceBrowser
from vigtool.gui.case_dialog import open_case_dialog
from vigtool.gui.case_marks import day
from vigtool.gui.consent_dialog import open_consent_dialog
from vigtool.gui.media_jobs import MediaJobs
from vigtool.gui.player_controller import PlayerController
from vigtool.gui.purge_dialog import PurgeDialog, open_purge_dialog
from vigtool.gui.retention_banner import RetentionBanner, RetentionPeriodDialog
from vigtool.gui.still_pictures import StillPictures
from vigtool.gui.tagging import Tagger
from vigtool.gui.timeline_view import TimelineView
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.workers import Job
from vigtool.purge import PurgeResult
from vigtool.workspace import Workspace

GOVERNANCE_ACTIONS: dict[str, tuple[str, str]] = {
    "case.details": ("Case Details...", "The case's code, helping question, child's name and "
                     "retention date"),
    "case.consent": ("Consent...", "What the family agreed to: record, withdraw, history"),
    "case.scaling": ("Scaling...", "The parent's scale for their helping question (and any "
                     "service measure): first meeting, each cycle, the end"),
    "case.goals": ("Goals...", "The goals agreed with the family, cycle by cycle: tick the "
                   "ones they reached (the ending celebrates them)"),
    "case.purge": ("Delete Raw Film...", "Delete the case's raw film and everything made "
                   "from it; moments and the parent's words stay (cannot be undone)"),
    "app.retention": ("Retention Period...", "How long raw film is kept after the last "
                      "filming (the service's default)"),
    "app.audit_log": ("Audit Log...", "What was imported, exported, purged and consented; "
                      "save it as CSV"),
}
"""Action id -> (menu text, status tip). No shortcuts: each is a deliberate step."""

FILM_ACTIONS = ("tag.in", "tag.out", "tag.quick", "tag.trim_start", "tag.trim_end",
                "tag.still", "tag.remove_still", "tag.child_turn", "tag.adult_turn")
"""Actions that need the film on screen (off while a purged recording is shown)."""
EDIT_ACTIONS = (*FILM_ACTIONS, "tag.review", "moment.delete", "app.new_case", "app.open_video",
                "app.review", "app.export", "case.purge")
"""Actions that change the workspace (off when it is open read-only)."""


def purged_times(recording: Recording) -> FrameTimes:
    """Even frame times for a recording whose film (and frame index) is gone: enough to
    place its moments on the timeline, whose frame numbers are the truth."""
    count = max(1, recording.frame_count)
    end = max(recording.duration_ms, count)
    return FrameTimes(tuple(i * end // count for i in range(count)), end)


def plain_actions(
    parent: QMainWindow, table: Mapping[str, tuple[str, str]],
    handlers: Mapping[str, Callable[[], object]],
) -> dict[str, QAction]:
    """The menu actions of ``table`` (id -> text, status tip), each on its handler;
    actions without keys (keyed ones come from keymap.py)."""
    actions = {}
    for action_id, (text, tip) in table.items():
        action = QAction(text, parent)
        action.setStatusTip(tip)
        action.triggered.connect(handlers[action_id])
        actions[action_id] = action
    return actions


class GovernanceCommands(QMainWindow):
    """What ``MainWindow`` sets up and these commands use."""

    workspace: Workspace
    settings: QSettings
    bridge: WorkspaceBridge
    browser: WorkspaceBrowser
    player: PlayerController
    media_jobs: MediaJobs
    pictures: StillPictures
    surface: VideoSurface
    timeline: TimelineView
    tagger: Tagger
    retention_banner: RetentionBanner
    actions_by_id: dict[str, QAction]
    recording_id: int | None
    _review: QWidget | None
    _jobs: list[Job]

    def say(self, text: str) -> None:
        raise NotImplementedError

    def _refresh_timeline(self) -> None:
        raise NotImplementedError

    def _update_title(self) -> None:
        raise NotImplementedError

    def _track(self, job: Job) -> None:
        raise NotImplementedError

    def governance_actions(self) -> dict[str, QAction]:
        """The Case menu's and the workspace's governance actions, by id."""
        handlers = {
            "case.details": self.open_case_details,
            "case.consent": lambda: self.open_consent(),
            "case.scaling": self.open_scaling,
            "case.goals": self.open_goals,
            "case.purge": lambda: self.open_purge(),
            "app.retention": self.open_retention_period,
            "app.audit_log": self.open_audit_log,
        }
        return plain_actions(self, GOVERNANCE_ACTIONS, handlers)

    def connect_governance(self) -> None:
        self.browser.purgeRequested.connect(self.open_purge)
        self.retention_banner.purgeRequested.connect(self.open_purge)
        if self.workspace.read_only:
            self._apply_read_only()

    # -- which case ---------------------------------------------------------------------------

    def current_case_id(self) -> int | None:
        """The case selected in the list, else the open recording's case."""
        selected = self.browser.selected_case_id()
        if selected is not None:
            return selected
        if self.recording_id is not None:
            return self.workspace.library.recording(self.recording_id).case_id
        return None

    def _case_or_say(self, case_id: int | None) -> int | None:
        if case_id is None:
            case_id = self.current_case_id()
        if case_id is None:
            self.say("Select a case in the list first")
        return case_id

    def open_case_details(self) -> None:
        case_id = self._case_or_say(None)
        if case_id is not None:
            open_case_dialog(self, self.workspace, case_id)

    def open_scaling(self) -> QWidget | None:
        case_id = self._case_or_say(None)
        if case_id is None:
            return None
        from vigtool.gui.scaling_dialog import open_scaling_dialog  # loads QtSvg when used

        return open_scaling_dialog(self, self.workspace, case_id)

    def open_goals(self) -> QWidget | None:
        case_id = self._case_or_say(None)
        if case_id is None:
            return None
        from vigtool.gui.goals_dialog import open_goals_dialog

        return open_goals_dialog(self, self.workspace, case_id, self.bridge)

    def open_consent(self, case_id: int | None = None) -> None:
        case_id = self._case_or_say(case_id)
        if case_id is not None:
            open_consent_dialog(self, self.workspace, case_id)

    # -- retention and purge ------------------------------------------------------------------

    def open_retention_period(self) -> None:
        dialog = RetentionPeriodDialog(self.bridge, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(self._retention_changed)
        dialog.open()

    def _retention_changed(self) -> None:  # a setting: no table changes to be told about
        self.browser.refresh()
        self.retention_banner.refresh()
        self.say(f"Raw film is kept {self.workspace.privacy.retention_months} month(s) after "
                 "the last filming unless a case has its own date")

    def open_purge(self, case_id: int | None = None) -> PurgeDialog | None:
        case_id = self._case_or_say(case_id)
        if case_id is None:
            return None
        if self.workspace.read_only:
            self.say("This workspace is open read-only: nothing can be deleted")
            return None
        dialog = open_purge_dialog(self, self.workspace, case_id,
                                   release=lambda: self._release_film(case_id))
        dialog.started.connect(self._track)
        dialog.purged.connect(self._purged)
        return dialog

    def _release_film(self, case_id: int) -> str | None:
        """Make everything that reads the case's film let go of it; a line if it cannot."""
        if self._jobs:
            return ("An import or export is still running: let it finish, then delete the "
                    "raw film")
        review = self._review
        if review is not None and getattr(review, "case_id", None) == case_id:
            review.close()
        if self.recording_id is not None and \
                self.workspace.library.recording(self.recording_id).case_id == case_id:
            self.player.close_media(unload=True)
        self.media_jobs.shutdown()  # thumbnails, waveform and posters: cancelled and joined
        self.pictures.forget({r.id for r in self.workspace.library.recordings(case_id)})
        return None

    def _purged(self, result: PurgeResult) -> None:
        if self.recording_id in result.purged:
            self.show_if_purged(self.recording_id)
        self.media_jobs.load_posters([r.id for r in self.workspace.library.recordings()
                                      if r.status is RecordingStatus.PRESENT])
        self.say(result.lines()[0][:1].upper() + result.lines()[0][1:])

    def show_if_purged(self, recording_id: int) -> bool:
        """Show a purged recording as its moments without the film (True), or make the
        film's actions available again for one that is there (False)."""
        recording = self.workspace.library.recording(recording_id)
        purged = recording.status is RecordingStatus.PURGED
        for action_id in FILM_ACTIONS:
            self.actions_by_id[action_id].setEnabled(not purged and not self.workspace.read_only)
        if not purged:
            return False
        self.player.close_media()
        self.recording_id = recording_id
        self.surface.show_message(
            f"The raw film of {recording.original_name} was deleted on "
            f"{day(recording.purged_at)}.\nIts moments, stills' captions and the parent's "
            "words are kept.")
        self.timeline.set_recording(purged_times(recording), recording.fps)
        self.tagger.set_recording(recording_id)
        self._refresh_timeline()
        self.browser.set_current(recording_id)
        self._update_title()
        return True

    # -- the audit log and the shared review's consent ---------------------------------------

    def open_audit_log(self) -> None:
        selected = self.browser.selected_case_id()
        open_audit_dialog(self, self.workspace, selected)

    def review_allowed(self, case_id: int) -> bool:
        """Whether the family consented to the shared review; if not, say so with a way
        to record their consent."""
        from vigtool.gui.review_window import review_refusal  # the review loads when used

        line = review_refusal(self.workspace, case_id)
        if line is None:
            return True
        self.say(line[:1].upper() + line[1:])
        box = QMessageBox(QMessageBox.Icon.Information, "Shared Review",
                          "The shared review needs the family's consent.",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("reviewConsentMissing")
        box.setInformativeText(line[:1].upper() + line[1:] + ".")
        consent = box.addButton("Consent...", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.finished.connect(lambda: self.open_consent(case_id)
                             if box.clickedButton() is consent else None)
        box.open()
        return False

    # -- read-only --------------------------------------------------------------------------

    def _apply_read_only(self) -> None:
        for action_id in EDIT_ACTIONS:
            self.actions_by_id[action_id].setEnabled(False)
        for action_id, action in self.actions_by_id.items():
            if action_id.startswith("code."):
                action.setEnabled(False)
        self.setAcceptDrops(False)
        note = QLabel("Read-only")
        note.setObjectName("readOnlyNote")
        note.setToolTip("Another program has this workspace open for writing: you can look, "
                        "not change. Open it again once the other program has closed it.")
        self.statusBar().addPermanentWidget(note)
        self.say("Opened read-only: another program has this workspace open for writing")

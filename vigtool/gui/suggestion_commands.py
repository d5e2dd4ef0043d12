"""The window's Suggestions commands: find suggested moments, then look at each one.

A base of ``MainWindow`` (like ``SupervisionCommands``), so the window module
stays about composition. Find Suggested Moments (Ctrl+Shift+F) looks through
the open film's sound on a worker thread (``MediaJobs``: cancelled with the
rest before a purge and at shutdown), with its progress and a Cancel button in
the status bar; the same key again stops it. The result is kept beside the
film's frame index and waveform (``library.derived_file``), so a film is
searched once and its suggestions come back when it is opened again.

The lane shows what the practitioner has not yet dealt with: not the
suggestions dismissed on this film (kept in the workspace) nor those a moment
already holds. A click (or Shift+N / Shift+P) selects one and moves the
playhead to it; Shift+Space plays it; Shift+A accepts it as an uncoded moment
with its turns (one undo step) and selects that moment for coding; Shift+X
dismisses it (one undo step). Nothing becomes a tag without one of those.
A read-only workspace can look and play, not accept or dismiss. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from vigtool.analysis.accept import accepted, still_suggested, suggestion_frames
from vigtool.analysis.records import Suggestion
from vigtool.analysis.suggest import read_cache
from vigtool.domain.clock import ruler_time
from vigtool.domain.records import RecordingStatus
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import WorkspaceBrowser
from vigtool.gui.keymap import binding
from vigtool.gui.media_jobs import MediaJobs
from vigtool.gui.player_controller import PlayerController
from vigtool.gui.tagging import Tagger
from vigtool.gui.timeline_view import TimelineView
from vigtool.gui.workers import Job
from vigtool.jobs import CancelToken, Progress
from vigtool.media.frame_index import FrameIndex
from vigtool.workspace import Changes, Workspace

CACHE_NAME = "suggestions.json"  # beside the film's frame index: a purge removes it too
WRITING_ACTIONS = ("suggest.accept", "suggest.dismiss")
"""Suggestion actions that change the workspace (off when it is open read-only)."""
FIND, STOP = "Find Suggested Moments", "Stop Finding Suggestions"
Key = tuple[int, int]


def _key(action: str) -> str:
    return binding(action).keys[0]


def look_for_suggestions(path: Path, cache: Path, index: FrameIndex, read_only: bool,
                     progress: Progress, cancel: CancelToken) -> list[Suggestion]:
    """The film's suggestions: from its cache, else found now (and cached, unless the
    workspace is only being looked at). Runs on a worker thread."""
    from vigtool.analysis.suggest import load_or_suggest

    return load_or_suggest(path, cache, index=index, progress=progress, cancel=cancel,
                           write=not read_only)


def neighbour(shown: Sequence[Suggestion], after_ms: float, direction: int) -> Suggestion | None:
    """The first suggestion starting after ``after_ms`` (direction 1), or the last one
    starting before it (-1)."""
    if direction > 0:
        return next((s for s in shown if s.start_ms > after_ms), None)
    return next((s for s in reversed(shown) if s.start_ms < after_ms), None)


class SuggestionProgress(QWidget):
    """The status bar's "Finding suggested moments" with a bar and a Cancel button."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("suggestionProgress")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 4, 0)
        self.label = QLabel("Finding suggested moments")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(140)
        self.bar.setAccessibleName("Finding suggested moments")
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip(f"Stop looking ({_key('suggest.find')}); nothing is changed")
        for widget in (self.label, self.bar, self.cancel):
            row.addWidget(widget)
        self.hide()


class SuggestionCommands(QMainWindow):
    """What ``MainWindow`` sets up and these commands use."""

    recordingOpened: Signal
    workspace: Workspace
    settings: QSettings
    bridge: WorkspaceBridge
    browser: WorkspaceBrowser
    player: PlayerController
    media_jobs: MediaJobs
    timeline: TimelineView
    tagger: Tagger
    actions_by_id: dict[str, QAction]
    recording_id: int | None

    def say(self, text: str) -> None:
        raise NotImplementedError

    def _seek_paused(self, frame: int) -> None:
        raise NotImplementedError

    def suggestion_handlers(self) -> dict[str, Callable[[], object]]:
        """The Suggestions menu's keyed actions (``keymap``), by id."""
        return {
            "suggest.find": self.find_suggestions,
            "suggest.next": lambda: self.step_suggestion(1),
            "suggest.prev": lambda: self.step_suggestion(-1),
            "suggest.play": self.play_suggestion,
            "suggest.accept": self.accept_suggestion,
            "suggest.dismiss": self.dismiss_suggestion,
        }

    def connect_suggestions(self) -> None:
        self.suggestion_progress = SuggestionProgress()
        self.statusBar().addPermanentWidget(self.suggestion_progress)
        self.suggestion_progress.cancel.clicked.connect(self.stop_finding_suggestions)
        self._found: list[Suggestion] | None = None  # None: this film not looked through yet
        self._shown: list[Suggestion] = []
        self._chosen: Key | None = None
        self._status = ""
        self._suggestions_of: int | None = None
        self._suggestion_times: FrameTimes | None = None
        self._suggestion_job: Job | None = None
        self.timeline.suggestionClicked.connect(self.select_suggestion)
        self.recordingOpened.connect(self._suggestions_for_film)
        self.browser.recordingActivated.connect(self._suggestions_for_film)  # a purged one too
        self.bridge.changed.connect(self._suggestions_changed)
        self.tagger.selectionChanged.connect(self._moment_chosen)
        if self.workspace.read_only:
            for action_id in WRITING_ACTIONS:
                self.actions_by_id[action_id].setEnabled(False)
        self._suggestions_for_film()

    # -- the open film --------------------------------------------------------------------

    def _film_present(self) -> bool:
        if self.recording_id is None:
            return False
        try:
            recording = self.workspace.library.recording(self.recording_id)
        except NotFound:
            return False
        return recording.status is RecordingStatus.PRESENT

    def _suggestions_for_film(self, *_: object, again: bool = False) -> None:
        """Start over for the film now open: its cached suggestions come back at once (in
        the background); a film not searched yet shows no lane until asked."""
        if self.recording_id == self._suggestions_of and not again:
            return
        self.stop_finding_suggestions(quiet=True)
        self._suggestions_of = self.recording_id
        self._found, self._shown, self._chosen, self._status = None, [], None, ""
        self._suggestion_times = None
        present = self._film_present()
        self.actions_by_id["suggest.find"].setEnabled(present)
        if present and self.recording_id is not None:
            self._suggestion_times = self.workspace.library.frame_index(self.recording_id).times
            # Only a cache this version can read comes back unasked; a stale one
            # would start a whole analysis nobody asked for.
            if read_cache(self._cache_file()) is not None:
                self._start_finding(quiet=True)
        self._show_suggestions()

    def _cache_file(self) -> Path:
        assert self.recording_id is not None
        recording = self.workspace.library.recording(self.recording_id)
        return self.workspace.library.derived_file(recording, CACHE_NAME)

    # -- finding ----------------------------------------------------------------------------

    def find_suggestions(self) -> None:
        """Look through the open film for suggested moments (or stop looking)."""
        if self._suggestion_job is not None:
            self.stop_finding_suggestions()
            return
        if self.recording_id is None:
            self.say("Open a recording first: suggestions come from its sound")
            return
        if not self._film_present():
            self.say("The film is not here, so there is no sound to suggest moments from")
            return
        if self._found is not None:
            self._show_suggestions(lane=True)
            self._say_found()
            return
        self._start_finding(quiet=False)

    def _start_finding(self, *, quiet: bool) -> None:
        assert self.recording_id is not None
        ws, rid = self.workspace, self.recording_id
        recording = ws.library.recording(rid)
        path, cache = ws.library.media_path(recording), self._cache_file()
        index, read_only = ws.library.frame_index(rid), ws.read_only
        job = self.media_jobs.start(lambda progress, cancel: look_for_suggestions(
            path, cache, index, read_only, progress, cancel))
        self._suggestion_job = job
        job.progressed.connect(lambda done, total: self._finding_progress(job, done, total))
        job.succeeded.connect(lambda found: self._found_suggestions(job, rid, found, quiet))
        job.failed.connect(lambda line: self._finding_failed(job, line))
        job.cancelled.connect(lambda: self._finding_stopped(job))
        self.actions_by_id["suggest.find"].setText(STOP)
        self.suggestion_progress.bar.setValue(0)
        if not quiet:  # (a cached film's suggestions come without progress, at once)
            self._finding_progress(job, 0, 1)

    def stop_finding_suggestions(self, *, quiet: bool = False) -> None:
        """Cancel the search; the lane goes back to what it showed before."""
        job, self._suggestion_job = self._suggestion_job, None
        self.suggestion_progress.hide()
        self.actions_by_id["suggest.find"].setText(FIND)
        if job is None:
            return
        job.cancel()
        self._status = ""
        self._show_suggestions()
        if not quiet:
            self.say("Stopped looking for suggested moments; nothing was changed")

    def _finding_progress(self, job: Job, done: int, total: int) -> None:
        """Show how far the search is, in the status bar and in the lane."""
        if job is not self._suggestion_job or total <= 0:
            return
        percent = min(100, 100 * done // total)
        if self.suggestion_progress.isVisible() and percent == \
                self.suggestion_progress.bar.value():
            return
        self.suggestion_progress.bar.setValue(percent)
        self.suggestion_progress.show()
        self._status = f"Finding suggested moments… {percent}%"
        self._show_suggestions(lane=True)

    def _found_suggestions(self, job: Job, recording_id: int, found: list[Suggestion],
                           quiet: bool) -> None:
        if job is not self._suggestion_job or recording_id != self.recording_id:
            return
        self._suggestion_job = None
        self.suggestion_progress.hide()
        self.actions_by_id["suggest.find"].setText(FIND)
        self._found, self._status = list(found), ""
        self._show_suggestions(lane=True)
        if not quiet:
            self._say_found()

    def _finding_failed(self, job: Job, line: str) -> None:
        if job is not self._suggestion_job:
            return
        self._suggestion_job = None
        self.suggestion_progress.hide()
        self.actions_by_id["suggest.find"].setText(FIND)
        self._status = f"No suggestions: {line}"
        self._show_suggestions(lane=True)
        self.say(f"Could not look for suggested moments: {line}")

    def _finding_stopped(self, job: Job) -> None:
        if job is self._suggestion_job:  # stopped from elsewhere (a purge, closing)
            self._suggestion_job = None
            self.suggestion_progress.hide()
            self.actions_by_id["suggest.find"].setText(FIND)
            self._status = ""
            self._show_suggestions()

    def _say_found(self) -> None:
        found, shown = self._found or [], len(self._shown)
        if not found:
            self.say("No suggested moments: no exchange of voices was found in this film")
        elif not shown:
            self.say(f"All {len(found)} suggested moments are tagged or dismissed")
        else:
            self.say(f"{shown} suggested moment{'' if shown == 1 else 's'}: prompts to look, "
                     f"not tags. {_key('suggest.next')} goes to the next")

    # -- what the lane shows ----------------------------------------------------------------

    def _show_suggestions(self, *, lane: bool = False) -> None:
        times, rid = self._suggestion_times, self.recording_id
        if self._found is None or times is None or rid is None:
            self._shown = []
        else:
            self._shown = still_suggested(self._found, self.workspace.annotations.moments(rid),
                                          self.workspace.annotations.dismissed_suggestions(rid),
                                          times)
        if self._chosen not in {s.key for s in self._shown}:
            self._chosen = None
        status = self._status
        if not status and self._found is not None and not self._shown:
            status = ("No suggested moments: no exchange of voices was found in this film"
                      if not self._found else "Every suggested moment here is tagged or "
                      "dismissed")
        self.timeline.set_suggestions(
            self._shown, lane=lane or self._found is not None or bool(self._status),
            selected=self._chosen, status=status)

    def _suggestions_changed(self, changes: Changes) -> None:
        if changes.touches("recordings") and \
                self._film_present() != self.actions_by_id["suggest.find"].isEnabled():
            self._suggestions_for_film(again=True)  # e.g. its film was purged
        if changes.touches("moments") or changes.touches("dismissed_suggestions"):
            self._show_suggestions()

    def _moment_chosen(self, moment_id: int | None) -> None:
        if moment_id is not None and self._chosen is not None:
            self._chosen = None
            self._show_suggestions()

    # -- one suggestion -------------------------------------------------------------------

    def _chosen_suggestion(self, doing: str) -> Suggestion | None:
        found = next((s for s in self._shown if s.key == self._chosen), None)
        if found is None:
            self.say(f"Select a suggestion to {doing} it: click it in the Suggestions lane, or "
                     f"{_key('suggest.next')} for the next")
        return found

    def select_suggestion(self, key: object) -> None:
        """Select a suggestion (by its span in ms) and move the playhead to its start."""
        found = next((s for s in self._shown if s.key == key), None)
        if found is None or self._suggestion_times is None:
            return
        self.tagger.select(None)  # one thing selected at a time
        self._chosen = found.key
        self._show_suggestions()
        start, _ = suggestion_frames(found, self._suggestion_times)
        self.timeline.set_following(True)
        self._seek_paused(start)
        hours = self._suggestion_times.duration_ms >= 3_600_000
        count = len(found.turns)
        self.say(f"Suggested moment at {ruler_time(found.start_ms, hours=hours, fraction=True)}"
                 f", {count} turn{'' if count == 1 else 's'}: {_key('suggest.play')} plays it, "
                 f"{_key('suggest.accept')} accepts, {_key('suggest.dismiss')} dismisses")

    def step_suggestion(self, direction: int) -> None:
        if not self._shown or self._suggestion_times is None:
            self.say("No suggested moments to go to" if self._found is not None else
                     f"Find suggested moments first ({_key('suggest.find')})")
            return
        chosen = next((s for s in self._shown if s.key == self._chosen), None)
        after = chosen.start_ms if chosen is not None else \
            self._suggestion_times.frame_to_ms(self.player.frame)
        target = neighbour(self._shown, after, direction)
        if target is None:
            self.say("No more suggestions that way")
            return
        self.select_suggestion(target.key)

    def play_suggestion(self) -> None:
        chosen = self._chosen_suggestion("play")
        if chosen is None or self._suggestion_times is None:
            return
        self.player.play_span(*suggestion_frames(chosen, self._suggestion_times))

    def accept_suggestion(self) -> None:
        """The selected suggestion becomes a moment (no codes) with its turns: one undo step."""
        if self._refused("accepted"):
            return
        chosen = self._chosen_suggestion("accept")
        if chosen is None or self._suggestion_times is None or self.recording_id is None:
            return
        ws, rid = self.workspace, self.recording_id
        moment, turns = accepted(chosen, self._suggestion_times, ws.annotations.turns(rid))
        try:
            (made,), _ = ws.annotations.add_annotations(
                rid, moments=[moment], turns=turns, name="Accept Suggestion")
        except VigtoolError as exc:
            self.say(str(exc)[:1].upper() + str(exc)[1:])
            return
        self._chosen = None
        self.tagger.select(made.id)
        self.say(f"Accepted as a moment with {len(turns)} turns: code it (1-9) or describe it "
                 "(Return). Ctrl+Z undoes")

    def dismiss_suggestion(self) -> None:
        """Hide the selected suggestion on this film: one undo step."""
        if self._refused("dismissed"):
            return
        chosen = self._chosen_suggestion("dismiss")
        if chosen is None or self.recording_id is None:
            return
        try:
            self.workspace.annotations.dismiss_suggestion(self.recording_id, *chosen.key)
        except VigtoolError as exc:
            self.say(str(exc)[:1].upper() + str(exc)[1:])
            return
        self.say("Suggestion dismissed (Ctrl+Z brings it back)")

    def _refused(self, done: str) -> bool:
        if self.workspace.read_only:
            self.say(f"This workspace is open read-only: suggestions can be looked at, not {done}")
            return True
        return False

    def shown_suggestions(self) -> tuple[Suggestion, ...]:
        """The suggestions the lane shows now, by start."""
        return tuple(self._shown)

    @property
    def chosen_suggestion(self) -> Key | None:
        return self._chosen

    @property
    def finding_suggestions(self) -> bool:
        return self._suggestion_job is not None


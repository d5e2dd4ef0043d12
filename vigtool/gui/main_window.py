"""The annotator window: browser | picture + transport | inspector, timeline below.

It only composes the feature widgets and wires them: the player, timeline,
inspector, browser and tagging each live in their own module. Every edit goes
through a Workspace operation; the bridge tells each view what changed.
GUI thread only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.domain.records import RecordingStatus
from vigtool.errors import VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import WorkspaceBrowser, next_step
from vigtool.gui.file_commands import FileCommands
from vigtool.gui.governance_commands import GovernanceCommands
from vigtool.gui.inspector import InspectorPanel
from vigtool.gui.media_jobs import MediaJobs
from vigtool.gui.menus import fill_menu_bar, make_actions
from vigtool.gui.player_controller import VOLUME_STEP, PlayerController
from vigtool.gui.retention_banner import RetentionBanner
from vigtool.gui.review_list import ReviewList
from vigtool.gui.shortcuts import ShortcutsDialog
from vigtool.gui.still_pictures import StillPictures
from vigtool.gui.suggestion_commands import SuggestionCommands
from vigtool.gui.supervision_commands import SupervisionCommands
from vigtool.gui.tagging import Tagger
from vigtool.gui.theme import ThemeMenu
from vigtool.gui.timeline_view import TimelineView
from vigtool.gui.transport import TransportBar
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.vlc_player import INSTALL_HINT
from vigtool.gui.workers import Job
from vigtool.workspace import Changes, Workspace

_MESSAGE_MS = 6000


class MainWindow(FileCommands, GovernanceCommands, SupervisionCommands, SuggestionCommands):
    recordingOpened = Signal(int)

    def __init__(
        self,
        workspace: Workspace,
        codebook: Codebook,
        vlc: Any | None,
        vlc_problem: str,
        settings: QSettings,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.workspace = workspace
        self.codebook = codebook
        self.settings = settings
        self.bridge = WorkspaceBridge(workspace, self)
        self._vlc = vlc
        self._review: QWidget | None = None
        self.recording_id: int | None = None
        self.switch_to: Path | None = None  # set when the user opens another workspace
        self._jobs: list[Job] = []

        self.surface = VideoSurface()
        self.player = PlayerController(self.surface, vlc, self)
        self.transport = TransportBar(self.player, settings=settings)
        self.timeline = TimelineView()
        self.timeline.set_codebook(codebook)
        self.pictures = StillPictures(workspace, self)
        self.inspector = InspectorPanel(self.bridge, codebook, self.pictures)
        self.browser = WorkspaceBrowser(self.bridge)
        self.review_list = ReviewList(self.bridge, self.pictures)
        self.tagger = Tagger(workspace, self.player, codebook, self)
        self.media_jobs = MediaJobs(workspace, self)

        self.banner = QLabel(INSTALL_HINT if vlc is None else "")
        self.banner.setObjectName("warningBanner")
        self.banner.setWordWrap(True)
        self.banner.setToolTip(vlc_problem)
        self.banner.setVisible(vlc is None)
        self.retention_banner = RetentionBanner(self.bridge)  # warns at start-up

        self._build_layout()
        self.actions_by_id = self._build_actions()
        self._build_menus()
        self._connect()
        self._update_undo_labels()
        self._update_title()
        self._restore_layout()
        self.surface.show_message(next_step(workspace))

    # -- layout ---------------------------------------------------------------------------

    def _build_layout(self) -> None:
        player_area = QWidget()
        column = QVBoxLayout(player_area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.retention_banner)
        column.addWidget(self.surface, 1)
        column.addWidget(self.transport)
        self.top = QSplitter(Qt.Orientation.Horizontal)
        self.top.setObjectName("topSplitter")
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.browser, "Recordings")
        self.side_tabs.addTab(self.review_list, "Review")
        self.top.addWidget(self.side_tabs)
        self.top.addWidget(player_area)
        self.top.addWidget(self.inspector)
        self.top.setStretchFactor(1, 1)
        self.top.setSizes([250, 860, 360])
        self.main = QSplitter(Qt.Orientation.Vertical)
        self.main.setObjectName("mainSplitter")
        self.main.addWidget(self.top)
        self.main.addWidget(self.timeline)
        self.main.setStretchFactor(0, 1)
        self.main.setStretchFactor(1, 0)
        self.main.setSizes([10_000, self._timeline_height()])  # the picture gets the rest
        self.setCentralWidget(self.main)
        self.statusBar().showMessage(
            "Space plays, Left/Right step, I and O tag a moment. F1 lists every key."
        )

    def _timeline_height(self) -> int:
        """The timeline's first height: a quarter of the screen, within what its lanes need,
        so on a laptop the picture and the inspector get most of it."""
        room = self.screen().availableGeometry().height()
        low = self.timeline.minimumSizeHint().height()
        return max(low, min(self.timeline.sizeHint().height(), room // 4))

    def _build_actions(self) -> dict[str, QAction]:
        handlers = {
            "player.play": self.player.toggle,
            "player.next_frame": lambda: self.player.step(1),
            "player.prev_frame": lambda: self.player.step(-1),
            "player.next_second": lambda: self.player.step_seconds(1),
            "player.prev_second": lambda: self.player.step_seconds(-1),
            "player.start": lambda: self._seek_paused(0),
            "player.end": lambda: self._seek_paused(self.player.frame_count - 1),
            "player.shuttle_back": lambda: self.player.shuttle(-1),
            "player.shuttle_stop": self.player.pause,
            "player.shuttle_forward": lambda: self.player.shuttle(1),
            "player.slower": self.player.slower,
            "player.faster": self.player.faster,
            "player.normal_speed": lambda: self.player.set_rate(1.0),
            "player.loop": self._toggle_loop,
            "player.volume_up": lambda: self.player.change_volume(VOLUME_STEP),
            "player.volume_down": lambda: self.player.change_volume(-VOLUME_STEP),
            "player.mute": self.player.toggle_mute,
            "tag.trim_start": self.tagger.trim_start_here,
            "tag.trim_end": self.tagger.trim_end_here,
            "tag.still": self.tagger.keep_still_here,
            "tag.remove_still": self.tagger.remove_still,
            "tag.in": self.tagger.mark_in_here,
            "tag.out": self.tagger.mark_out_here,
            "tag.quick": self.tagger.quick_tag,
            "tag.child_turn": lambda: self.tagger.mark_turn("child", "initiative"),
            "tag.adult_turn": lambda: self.tagger.mark_turn("adult", "response"),
            "tag.review": self.tagger.toggle_review,
            "tag.describe": self._describe,
            "supervision.comment": self.comment_here,
            "moment.next": lambda: self.tagger.jump(1),
            "moment.prev": lambda: self.tagger.jump(-1),
            "moment.delete": self.tagger.delete_selected,
            "timeline.zoom_in": self.timeline.zoom_in,
            "timeline.zoom_out": self.timeline.zoom_out,
            "timeline.zoom_fit": self.timeline.zoom_to_fit,
            "edit.undo": self._undo,
            "edit.redo": self._redo,
            "app.open_video": lambda: self._choose_video(None),
            "app.new_case": self.browser.new_case,
            "app.new_workspace": self._new_workspace,
            "app.open_workspace": self._choose_workspace,
            "app.shortcuts": self._show_shortcuts,
            "app.review": self.open_review,
            "app.review_list": self._show_review_list,
            "app.export": self.open_export,
            "app.theme": self._toggle_theme,
            "app.quit": self.close,
            **self.suggestion_handlers(),
        }
        actions = make_actions(self, handlers, self.codebook, self.tagger.toggle_code_key)
        actions.update(self.governance_actions())
        actions.update(self.supervision_actions())
        for sound in ("player.volume_up", "player.volume_down", "player.mute"):
            actions[sound].setEnabled(self.player.has_sound)  # no VLC, no sound
        return actions

    def _build_menus(self) -> None:
        menus = fill_menu_bar(self.menuBar(), self.actions_by_id, self.codebook)
        self.theme_menu = ThemeMenu(self.settings, self.actions_by_id["app.theme"], menus["View"])
        menus["View"].addMenu(self.theme_menu)
        self.recent_menu = menus["File"].addMenu("Recent Workspaces")
        menus["File"].insertMenu(self.actions_by_id["app.quit"], self.recent_menu)
        self._fill_recent()

    def _connect(self) -> None:
        self.player.frameChanged.connect(self.timeline.set_playhead)
        self.player.problem.connect(self.say)
        self.timeline.seekRequested.connect(self._seek_paused)
        self.timeline.momentClicked.connect(self._moment_clicked)
        self.timeline.momentEdited.connect(self._moment_edited)
        self.timeline.edgeDragged.connect(self._seek_paused)  # show the frame trimmed to
        self.tagger.selectionChanged.connect(self._selection_changed)
        self.tagger.markChanged.connect(self._mark_changed)
        self.tagger.message.connect(self.say)
        self.bridge.changed.connect(self._on_changed)
        self.browser.recordingActivated.connect(self.open_recording)
        self.browser.locateRequested.connect(self._locate)
        self.browser.importRequested.connect(self._choose_video)
        self.recordingOpened.connect(self.review_list.show_recording)
        self.review_list.momentChosen.connect(self._open_moment)
        self.review_list.previewRequested.connect(
            lambda moment_id: self.open_review(start_moment=moment_id))
        self.review_list.countChanged.connect(
            lambda n: self.side_tabs.setTabText(1, f"Review ({n})" if n else "Review"))
        self.media_jobs.thumbnailReady.connect(self._thumbnail_ready)
        self.media_jobs.waveformReady.connect(self._waveform_ready)
        self.media_jobs.posterReady.connect(self.browser.set_thumbnail)
        self.media_jobs.load_posters([r.id for r in self.workspace.library.recordings()])
        self.connect_governance()
        self.connect_supervision()
        self.connect_suggestions()

    # -- opening recordings ----------------------------------------------------------------

    def open_recording(self, recording_id: int) -> None:
        try:
            if self.show_if_purged(recording_id):  # its moments, without the film
                return
            recording = self.workspace.library.recording(recording_id)
            index = self.workspace.library.frame_index(recording_id)
        except VigtoolError as exc:
            self.say(str(exc))
            return
        self.recording_id = recording_id
        self.player.open(self.workspace.library.media_path(recording), index, recording.width,
                         recording.height)
        self.timeline.set_recording(index.times, recording.fps)
        self.tagger.set_recording(recording_id)
        self._refresh_timeline()
        self.browser.set_current(recording_id)
        self.media_jobs.load_strip(recording_id)
        self.recordingOpened.emit(recording_id)
        self._update_title()
        self.say(f"{recording.original_name}: {recording.frame_count} frames"
                 f"{', variable frame rate' if recording.vfr else ''}")

    def _refresh_timeline(self) -> None:
        if self.recording_id is None:
            return
        self.timeline.set_moments(self.workspace.annotations.moments(self.recording_id))
        self.timeline.set_turns(self.workspace.annotations.turns(self.recording_id))
        self.timeline.set_stills(self.workspace.annotations.stills(self.recording_id))

    def _thumbnail_ready(self, recording_id: int, frame: int, image) -> None:  # type: ignore[no-untyped-def]
        if recording_id == self.recording_id:
            self.timeline.add_thumbnail(frame, image)

    def _waveform_ready(self, recording_id: int, waveform) -> None:  # type: ignore[no-untyped-def]
        if recording_id == self.recording_id and waveform is not None:
            self.timeline.set_waveform(waveform.mins, waveform.maxs, waveform.bucket_ms)

    # -- reacting ---------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("moments") or changes.touches("turns") or changes.touches("stills"):
            self.tagger.forget_deleted()
            self._refresh_timeline()
            self._update_loop()
        if self.recording_id is None and changes.touches("cases"):
            self.surface.show_message(next_step(self.workspace))
        self._update_undo_labels()

    def _selection_changed(self, moment_id: int | None) -> None:
        self.timeline.set_selected(moment_id)
        self.review_list.select_moment(moment_id)
        self.inspector.set_moment(moment_id)
        self._update_loop()

    def _mark_changed(self, frame: int | None) -> None:
        self.transport.show_marks("" if frame is None else f"In: frame {frame}  (O to end)")

    def _open_moment(self, recording_id: int, moment_id: int) -> None:
        """Open a moment chosen in the Review list: its recording, then the moment itself."""
        if recording_id != self.recording_id:
            self.open_recording(recording_id)
        if recording_id == self.recording_id:
            self._moment_clicked(moment_id)

    def _show_review_list(self) -> None:
        self.side_tabs.setCurrentWidget(self.review_list)
        self.review_list.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _moment_clicked(self, moment_id: int) -> None:
        self.tagger.select(moment_id)
        self._seek_paused(self.workspace.annotations.moment(moment_id).start_frame)

    def _moment_edited(self, moment_id: int, start: int, end: int) -> None:
        try:
            self.workspace.update_moment(moment_id, start_frame=start, end_frame=end)
        except VigtoolError as exc:
            self.say(str(exc))
            self._refresh_timeline()

    def _describe(self) -> None:
        if self.inspector.title_edit.hasFocus():  # Return again: done describing
            self.inspector.commit_pending()
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if self.tagger.selected is None:
            self.say("Select a moment (Tab) or tag one (I, O) to describe it")
            return
        self.show_moment_tab()
        self.inspector.title_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.inspector.title_edit.selectAll()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Esc anywhere hands the keyboard back to the player and timeline."""
        if event.key() == Qt.Key.Key_Escape:
            self.inspector.commit_pending()
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        super().keyPressEvent(event)

    def _seek_paused(self, frame: int) -> None:
        self.player.pause()
        self.player.seek(frame)

    def _toggle_loop(self) -> None:
        self._update_loop()
        on = self.actions_by_id["player.loop"].isChecked()
        self.say("Looping the selected moment" if on and self.tagger.selected else
                 "Loop is on: select a moment to loop it" if on else "Loop off")

    def _update_loop(self) -> None:
        span = None
        if self.actions_by_id["player.loop"].isChecked() and self.tagger.selected is not None:
            moment = self.workspace.annotations.moment(self.tagger.selected)
            span = (moment.start_frame, moment.end_frame)
        self.player.set_loop(span)

    def _undo(self) -> None:
        self._step_history(undo=True)

    def _redo(self) -> None:
        self._step_history(undo=False)

    def _step_history(self, *, undo: bool) -> None:
        try:
            changes = self.workspace.undo() if undo else self.workspace.redo()
        except VigtoolError as exc:
            self.say(str(exc).capitalize())
            return
        self.say(changes.operation)

    def _update_undo_labels(self) -> None:
        undo, redo = self.workspace.undo_name, self.workspace.redo_name
        self.actions_by_id["edit.undo"].setText(f"Undo {undo}" if undo else "Undo")
        self.actions_by_id["edit.undo"].setEnabled(undo is not None)
        self.actions_by_id["edit.redo"].setText(f"Redo {redo}" if redo else "Redo")
        self.actions_by_id["edit.redo"].setEnabled(redo is not None)

    def _toggle_theme(self) -> None:
        self.theme_menu.choose_next()

    def open_review(self, start_moment: int | None = None) -> None:
        """The shared review for the open recording's case and cycle, full screen on this screen.

        ``start_moment`` opens it at that chosen moment's clip (F5 starts at clip 1).
        """
        from vigtool.gui.review_window import ReviewWindow

        if isinstance(start_moment, bool):  # a QAction's "checked" flag, not a moment
            start_moment = None
        if self.recording_id is None:
            self.say("Open a recording first: the review shows its case's chosen clips")
            return
        self.player.pause()
        recording = self.workspace.library.recording(self.recording_id)
        if not self.review_allowed(recording.case_id):
            return
        open_now = self._review
        if isinstance(open_now, ReviewWindow):  # one review at a time: show it (at that clip)
            if open_now.shows(recording.case_id, recording.cycle):
                open_now.show_moment(start_moment)
                open_now.raise_()
                open_now.activateWindow()
                return
            open_now.destroyed.disconnect(self._review_closed)
            open_now.close()
        self._review = ReviewWindow(self.workspace, recording.case_id, recording.cycle,
                                    self._vlc, None, start_moment=start_moment,
                                    screen=self.screen())
        self._review.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._review.destroyed.connect(self._review_closed)
        self._review.destroyed.connect(self.activateWindow)  # closing returns here
        self._review.show()

    def _review_closed(self) -> None:
        self._review = None

    def _show_shortcuts(self) -> None:
        ShortcutsDialog(self.codebook, self).exec()

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, _MESSAGE_MS)

    def _update_title(self) -> None:
        title = "vigtool"
        if self.recording_id is not None:
            rec = self.workspace.library.recording(self.recording_id)
            case = self.workspace.caseload.case(rec.case_id)
            gone = " (raw film deleted)" if rec.status is RecordingStatus.PURGED else ""
            title = f"{rec.original_name}{gone} · {case.code} cycle {rec.cycle} · vigtool"
        self.setWindowTitle(title + (" (read-only)" if self.workspace.read_only else ""))

    # -- state and shutdown ---------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self._first_size()
        for splitter in (self.top, self.main):
            state = self.settings.value(f"window/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def _first_size(self) -> None:
        """A laptop screen is used whole; a large one gets a roomy window in its middle."""
        screen = self.screen().availableGeometry()
        if screen.width() < 1500 or screen.height() < 960:
            self.setWindowState(Qt.WindowState.WindowMaximized)
            return
        self.resize(1440, 900)
        self.move(screen.center() - self.rect().center())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        for splitter in (self.top, self.main):
            self.settings.setValue(f"window/{splitter.objectName()}", splitter.saveState())
        if self._review is not None and self._review.isVisible():
            self._review.close()
        for job in list(self._jobs):
            job.wait()
        self.media_jobs.shutdown()
        self.pictures.close()
        self.player.shutdown()
        self.bridge.detach()
        event.accept()


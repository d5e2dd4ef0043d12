"""The shared review: chosen clips for the parent, the parent's words for the practitioner.

Plays only the moments chosen for review, in review order. Each clip stops on
its still (or last frame) with its question; the practitioner writes down
what the parent says beside it. The clips can go to a second screen (a TV)
while the notes stay on the laptop. GUI thread only.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from vigtool.gui.player_controller import PlayerController
from vigtool.gui.review_closing import ReviewClosing
from vigtool.gui.review_gallery import ReviewGallery
from vigtool.gui.review_notes import ReviewNotes
from vigtool.gui.review_stage import ReviewStage
from vigtool.gui.words import _
from vigtool.review_plan import ReviewItem, review_plan
from vigtool.workspace import Workspace

SLOW_RATE = 0.5
NOTHING_CHOSEN = ("No clips are chosen for this review yet.\n"
                  "In the annotator, select a moment and press R to choose it.")


def review_stylesheet() -> str:
    return files("vigtool.ui").joinpath("review.qss").read_text(encoding="utf-8")


class ReviewWindow(QWidget):
    def __init__(self, workspace: Workspace, case_id: int, cycle: int, vlc: Any | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(review_stylesheet())
        self.workspace = workspace
        case = workspace.caseload.case(case_id)
        self.setWindowTitle(f"Shared review · {case.code} cycle {cycle} · vigtool")
        self.plan: tuple[ReviewItem, ...] = review_plan(workspace, case_id, cycle)
        self.index = -1
        self._open_recording: int | None = None

        self.stage = ReviewStage()
        self.closing = ReviewClosing(workspace, case_id, cycle)
        self.gallery = ReviewGallery(workspace, case_id, cycle)
        self.notes = ReviewNotes(workspace, case_id, cycle)
        self.player = PlayerController(self.stage.surface, vlc, self)
        self.pages = QStackedWidget()
        self.stage_slot = QWidget()
        self._slot_layout = QVBoxLayout(self.stage_slot)
        self._slot_layout.setContentsMargins(0, 0, 0, 0)
        self._slot_layout.addWidget(self.stage)
        self.away = QLabel("The clips are showing on the second screen.")
        self.away.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.stage_slot)
        self.pages.addWidget(self.closing)
        self.pages.addWidget(self.away)
        self.pages.addWidget(self.gallery)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.notes)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([1100, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._stage_window: QWidget | None = None

        self.stage.previousClip.connect(lambda: self.go(self.index - 1))
        self.stage.nextClip.connect(lambda: self.go(self.index + 1))
        self.stage.replay.connect(self.replay)
        self.stage.playPause.connect(self.play_pause)
        self.stage.slower.connect(self._toggle_slower)
        self.player.playingChanged.connect(self.stage.show_playing)
        self.player.spanFinished.connect(self._clip_finished)
        self.player.problem.connect(self.stage.show_notice)
        self.notes.closingRequested.connect(self.show_closing)
        self.notes.galleryRequested.connect(self.show_gallery)
        self.notes.secondScreenToggled.connect(self.set_second_screen)
        self.notes.stillRequested.connect(self._keep_still)
        self.closing.backRequested.connect(lambda: self.go(max(self.index, 0)))
        self.gallery.backRequested.connect(lambda: self.go(max(self.index, 0)))
        self._add_keys()
        self.resize(1440, 900)
        if self.plan:
            self.go(0)
        else:
            self.stage.show_notice(NOTHING_CHOSEN)
            self.stage.show_clip(0, 0, "")
            for button in (self.stage.play_button, self.stage.replay_button,
                           self.stage.slower_button, self.stage.next_button):
                button.setEnabled(False)

    def _add_keys(self) -> None:
        keys = (
            ("Space", self.play_pause), ("R", self.replay), ("S", self._slower_key),
            ("Right", lambda: self.go(self.index + 1)), ("PgDown", lambda: self.go(self.index + 1)),
            ("Left", lambda: self.go(self.index - 1)), ("PgUp", lambda: self.go(self.index - 1)),
            ("F11", self._toggle_full_screen), ("F", self._toggle_full_screen),
            ("Esc", self._leave_full_screen), ("Ctrl+W", self.close), ("Ctrl+Q", self.close),
        )
        for key, slot in keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # -- clips --------------------------------------------------------------------------

    @property
    def current(self) -> ReviewItem | None:
        return self.plan[self.index] if 0 <= self.index < len(self.plan) else None

    def go(self, index: int) -> None:
        if not self.plan:
            return
        if index >= len(self.plan):
            self.show_closing()
            return
        index = max(0, index)
        self.index = index
        item = self.plan[index]
        if self._stage_window is None:
            self.pages.setCurrentWidget(self.stage_slot)
        if self._open_recording != item.recording.id:
            self.player.open(self.workspace.library.media_path(item.recording),
                             self.workspace.library.frame_index(item.recording.id),
                             item.recording.width, item.recording.height)
            self._open_recording = item.recording.id
        self.stage.show_clip(index + 1, len(self.plan), item.title)
        self.notes.show_item(item)
        self.replay()

    def play_pause(self) -> None:
        """Play on within the clip (never past its end: the rest of the film is not shown)."""
        item = self.current
        if item is None:
            return
        if self.player.playing:
            self.player.pause()
            return
        frame = self.player.frame
        start_frame, end_frame = item.moment.start_frame, item.moment.end_frame
        start = frame if start_frame <= frame < end_frame else start_frame
        self.stage.show_question("")
        self.player.play_span(start, end_frame)

    def replay(self) -> None:
        item = self.current
        if item is None:
            return
        self.stage.show_question("")
        self.player.play_span(item.moment.start_frame, item.moment.end_frame)

    def _clip_finished(self, _frame: int) -> None:
        item = self.current
        if item is None:
            return
        self.player.seek(item.pause_frame)
        self.stage.show_question(_(item.prompt))  # a typed question passes unchanged

    def _toggle_slower(self) -> None:
        self.player.set_rate(SLOW_RATE if self.stage.slower_button.isChecked() else 1.0)

    def _slower_key(self) -> None:
        self.stage.slower_button.toggle()
        self._toggle_slower()

    def _keep_still(self) -> None:
        item = self.current
        if item is not None:
            self.workspace.add_still(item.recording.id, frame=self.player.frame)

    def show_gallery(self) -> None:
        self.player.pause()
        self.gallery.load()
        self.pages.setCurrentWidget(self.gallery)

    def show_closing(self) -> None:
        self.player.pause()
        self.notes.show_item(None)
        self.closing.refresh()
        self.pages.setCurrentWidget(self.closing)

    # -- screens ------------------------------------------------------------------------

    def set_second_screen(self, on: bool) -> None:
        """Move the clips to their own window: full screen on another screen if there is one."""
        if on and self._stage_window is None:
            window = QWidget(None, Qt.WindowType.Window)
            window.setObjectName("reviewWindow")
            window.setStyleSheet(review_stylesheet())
            window.setWindowTitle("vigtool · clips")
            window_layout = QVBoxLayout(window)
            window_layout.setContentsMargins(0, 0, 0, 0)
            window_layout.addWidget(self.stage)
            screens = QGuiApplication.screens()
            others = [s for s in screens if s is not self.screen()]
            if others:
                window.setScreen(others[0])
                window.setGeometry(others[0].geometry())
                window.showFullScreen()
            else:
                window.resize(1280, 800)
                window.show()
            self._stage_window = window
            self.pages.setCurrentWidget(self.away)
        elif not on and self._stage_window is not None:
            self._slot_layout.addWidget(self.stage)
            self._stage_window.close()
            self._stage_window.deleteLater()
            self._stage_window = None
            self.pages.setCurrentWidget(self.stage_slot)
        self.notes.set_second_screen(self._stage_window is not None)

    def _toggle_full_screen(self) -> None:
        target = self._stage_window or self
        if target.isFullScreen():
            target.showNormal()
        else:
            target.showFullScreen()

    def _leave_full_screen(self) -> None:
        target = self._stage_window or self
        if target.isFullScreen():
            target.showNormal()

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            self.notes.save_now()
        finally:
            self.gallery.shutdown()
            if self._stage_window is not None:
                self.set_second_screen(False)
            self.player.shutdown()
        event.accept()

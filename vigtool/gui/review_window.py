"""The shared review: chosen clips for the parent, the parent's words for the practitioner.

Plays only the moments chosen for review, in review order. Each clip stops on
its still (or last frame) with its question under the picture; the
practitioner writes down what the parent says beside it. It opens full
screen on the screen it is given (the main window's). On one screen, F6
(presenter mode) hides the notes so the parent sees only the clip; with a
second screen (a TV) the clips can go there while the notes stay on the
laptop. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from vigtool.errors import ConsentMissing, VigtoolError
from vigtool.gui.player_controller import PlayerController
from vigtool.gui.review_closing import ReviewClosing
from vigtool.gui.review_gallery import ReviewGallery
from vigtool.gui.review_keys import REVIEW_KEYS
from vigtool.gui.review_notes import STILL_KEPT, ReviewNotes
from vigtool.gui.review_stage import ReviewStage
from vigtool.gui.words import _
from vigtool.review_plan import ReviewItem, review_plan
from vigtool.workspace import Workspace

SLOW_RATE = 0.5
NOTHING_CHOSEN_TITLE = "Your clips will be shown here"
NOTHING_CHOSEN = ("No clips have been chosen for this review yet.\n\n"
                  "To choose one, go back to the main window, select a moment you would "
                  "like to show and press R. Its clip will play here, in the order you set.\n\n"
                  "You can still talk together, look at the pictures from this film, and "
                  "write down what the parent says on the right: it is saved.")
CLOSING_HINT = "Ask what they will take away from today, and write it down in their words."
GALLERY_HINT = "Ask what they notice in each picture, and write it down in their words."


def review_refusal(workspace: Workspace, case_id: int) -> str | None:
    """Why the shared review cannot open for the case (one line), or None when the family
    consented to it: the review shows their film to them, so it needs that consent."""
    try:
        workspace.privacy.require_consent(case_id, "shared-review", "open the shared review")
    except ConsentMissing as exc:
        return str(exc)
    return None


def review_stylesheet() -> str:
    return files("vigtool.ui").joinpath("review.qss").read_text(encoding="utf-8")


def notes_width(window_width: int) -> int:
    """One width for the practitioner's panel, whatever the clip (it never jumps)."""
    return max(300, min(420, window_width * 27 // 100))


class ReviewWindow(QWidget):
    def __init__(self, workspace: Workspace, case_id: int, cycle: int, vlc: Any | None,
                 parent: QWidget | None = None, *, start_moment: int | None = None,
                 screen: QScreen | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(review_stylesheet())
        self.workspace = workspace
        self.case_id, self.cycle = case_id, cycle
        case = workspace.caseload.case(case_id)
        self.setWindowTitle(f"Shared review · {case.code} cycle {cycle} · vigtool")
        self.plan: tuple[ReviewItem, ...] = review_plan(workspace, case_id, cycle)
        self.index = -1
        self._open_recording: int | None = None
        self._presenter = False
        self._closed = False
        self._shown_once = False
        self._normal: QRect | None = None  # where it goes on leaving full screen

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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # Below 1280 x 720 the clip side squeezes rather than push the window off the screen.
        self.pages.setMinimumSize(320, 240)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.notes)
        self._stage_window: QWidget | None = None

        self.stage.previousClip.connect(self._previous)
        self.stage.nextClip.connect(lambda: self.go(self.index + 1))
        self.stage.replay.connect(self.replay)
        self.stage.playPause.connect(self.play_pause)
        self.stage.slower.connect(self._toggle_slower)
        self.stage.notesRequested.connect(self.toggle_presenter)
        self.player.playingChanged.connect(self.stage.show_playing)
        self.player.spanFinished.connect(self._clip_finished)
        self.player.problem.connect(self.stage.show_notice)
        self.notes.closingRequested.connect(self.show_closing)
        self.notes.galleryRequested.connect(self.show_gallery)
        self.notes.secondScreenToggled.connect(self.set_second_screen)
        self.notes.stillRequested.connect(self.keep_still)
        self.notes.presenterRequested.connect(self.toggle_presenter)
        self.closing.backRequested.connect(lambda: self.go(max(self.index, 0)))
        self.closing.finishRequested.connect(self.close)
        self.gallery.backRequested.connect(lambda: self.go(max(self.index, 0)))
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._screens_changed)
            app.screenRemoved.connect(self._screens_changed)
        self._screens_changed()
        self._add_keys()
        self._place(screen)
        if self.plan:
            self.go(self._start_index(start_moment))
        else:
            self.stage.show_empty(_(NOTHING_CHOSEN_TITLE), _(NOTHING_CHOSEN))
            self.notes.show_item(None, "Shared review", "")

    def _start_index(self, start_moment: int | None) -> int:
        ids = [item.moment.id for item in self.plan]
        return ids.index(start_moment) if start_moment in ids else 0

    def shows(self, case_id: int, cycle: int) -> bool:
        return (self.case_id, self.cycle) == (case_id, cycle)

    def show_moment(self, moment_id: int | None) -> None:
        """Go to that chosen moment's clip (None: stay where the review is)."""
        if moment_id is not None and self.plan:
            self.go(self._start_index(moment_id))

    def _place(self, screen: QScreen | None) -> None:
        """Full screen on ``screen`` (or the primary one) when shown; a roomy window after."""
        screen = screen or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setScreen(screen)
            area = screen.availableGeometry()
            normal = QRect(0, 0, min(1440, area.width()), min(900, area.height()))
            normal.moveCenter(area.center())
            self.setGeometry(normal)
            self._normal = normal
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)

    def _add_keys(self) -> None:
        slots: dict[str, Callable[[], object]] = {
            "play": self.play_pause, "replay": self.replay, "slow": self._slower_key,
            "frame_back": lambda: self.step(-1), "frame_forward": lambda: self.step(1),
            "previous": self._previous,
            "next": lambda: self.go(self.index + 1),
            "question": self.stop_on_question, "presenter": self.toggle_presenter,
            "full_screen": self._toggle_full_screen,
            "leave_full_screen": self._leave_full_screen, "close": self.close,
        }
        for key in REVIEW_KEYS:
            action = QAction(self)
            action.setObjectName(f"review.{key.action}")
            action.setShortcuts([QKeySequence(k) for k in key.keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slots[key.action])
            self.addAction(action)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.notes.setFixedWidth(notes_width(event.size().width()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.isFullScreen() and not self._shown_once:
            # A window manager makes it full screen; without one (a bare X server), fill it.
            self.setGeometry(self.screen().geometry())
        self._shown_once = True

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

    def _previous(self) -> None:
        """The clip before this one; from the closing page or the gallery, back to this one."""
        self.go(self.index - 1 if self._on_clip() else max(self.index, 0))

    def play_pause(self) -> None:
        """Play on within the clip (never past its end: the rest of the film is not shown)."""
        item = self.current
        if item is None or not self._on_clip():
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
        if item is None or not self._on_clip():
            return
        self.stage.show_question("")
        self.player.play_span(item.moment.start_frame, item.moment.end_frame)

    def step(self, frames: int) -> None:
        """One frame back or on, never outside the clip; the question stays under the picture."""
        item = self.current
        if item is None or not self._on_clip():
            return
        self.player.pause()
        self.player.clear_span()
        target = self.player.frame + frames
        self.player.seek(max(item.moment.start_frame, min(item.moment.end_frame, target)))

    def _on_clip(self) -> bool:
        return self._stage_window is not None or self.pages.currentWidget() is self.stage_slot

    def _clip_finished(self, _frame: int) -> None:
        item = self.current
        if item is None:
            return
        self.player.seek(item.pause_frame)
        self.stage.show_question(_(item.prompt))  # a typed question passes unchanged

    def stop_on_question(self) -> None:
        """End the clip now: pause on its still (or last frame) with its question."""
        if self.current is None or not self._on_clip():
            return
        self.player.pause()
        self.player.clear_span()
        self._clip_finished(self.player.frame)

    def _toggle_slower(self) -> None:
        self.player.set_rate(SLOW_RATE if self.stage.slower_button.isChecked() else 1.0)

    def _slower_key(self) -> None:
        self.stage.slower_button.toggle()
        self._toggle_slower()

    def keep_still(self) -> None:
        """Keep the picture on screen as this clip's still: the clip pauses there from now on."""
        item = self.current
        if item is None:
            return
        self.player.pause()
        try:
            self.workspace.annotations.set_still(item.moment.id, self.player.frame)
        except VigtoolError as exc:
            self.notes.show_still_kept(str(exc))
            return
        self._replan()
        self.notes.show_still_kept(STILL_KEPT)
        self.gallery.load()

    def _replan(self) -> None:
        """Read the plan again (a still moved), staying on the same clip."""
        current = self.current
        self.plan = review_plan(self.workspace, self.case_id, self.cycle)
        ids = [item.moment.id for item in self.plan]
        if current is not None and current.moment.id in ids:
            self.index = ids.index(current.moment.id)

    def show_gallery(self) -> None:
        self.player.pause()
        self.stage.show_question("")
        self.notes.show_item(None, "Pictures from this film", GALLERY_HINT)
        self.gallery.load()
        self.pages.setCurrentWidget(self.gallery)

    def show_closing(self) -> None:
        self.player.pause()
        self.stage.show_question("")
        self.notes.show_item(None, "Closing", CLOSING_HINT)
        self.closing.refresh()
        self.pages.setCurrentWidget(self.closing)

    # -- screens ------------------------------------------------------------------------

    @property
    def presenter(self) -> bool:
        """Presenter mode: the practitioner's notes are hidden; the parent sees only the clip."""
        return self._presenter

    def toggle_presenter(self) -> None:
        self.set_presenter(not self._presenter)

    def set_presenter(self, on: bool) -> None:
        if on and self._stage_window is not None:
            return  # the clips are on their own screen already
        self.notes.save_now()
        self._presenter = on
        self.notes.setVisible(not on)
        self.stage.set_presenter(on)
        if on:
            self.setFocus()

    def _screens_changed(self, *_args: object) -> None:
        count = len(QGuiApplication.screens())
        if count < 2 and self._stage_window is not None:
            self.set_second_screen(False)
        self.notes.set_screens(count)

    def set_second_screen(self, on: bool) -> None:
        """Move the clips full screen onto another screen (a TV); never cover the notes."""
        others = [s for s in QGuiApplication.screens() if s is not self.screen()]
        if on and self._stage_window is None and others:
            self.set_presenter(False)
            window = QWidget(None, Qt.WindowType.Window)
            window.setObjectName("reviewWindow")
            window.setStyleSheet(review_stylesheet())
            window.setWindowTitle("vigtool · clips")
            window_layout = QVBoxLayout(window)
            window_layout.setContentsMargins(0, 0, 0, 0)
            window_layout.addWidget(self.stage)
            window.setScreen(others[0])
            window.setGeometry(others[0].geometry())
            window.showFullScreen()
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
            self._leave_full_screen()
        else:
            target.showFullScreen()

    def _leave_full_screen(self) -> None:
        target = self._stage_window or self
        if target.isFullScreen():
            target.showNormal()
            if target is self and self._normal is not None:
                self.setGeometry(self._normal)  # a roomy window on this screen

    def closeEvent(self, event: QCloseEvent) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and not self._closed:
            app.screenAdded.disconnect(self._screens_changed)
            app.screenRemoved.disconnect(self._screens_changed)
        self._closed = True
        try:
            self.notes.save_now()
            self.closing.save_now()
        finally:
            self.gallery.shutdown()
            if self._stage_window is not None:
                self.set_second_screen(False)
            self.player.shutdown()
        event.accept()

"""Drive the real vigtool app through a practitioner's whole session (run by test_walk.py).

This process *is* the app: it starts it exactly as ``vigtool gui`` does
(``vigtool.cli.main``) and, from a timer on the GUI thread, works it the way
a practitioner would: keys go to the widget that has the keyboard focus
(``QTest`` key events pass through Qt's shortcut map, so ``I`` tags and ``R``
chooses, while in a text field they are typed); a click goes to the innermost
widget under the point, as the window system would send it, and only after
checking that the widget is on the screen and nothing covers it (a panel is
scrolled to it first, as a person would). Where the app does not do what its
own help says, the driver notes a defect and carries on as a person would
(the test fails on it at the end). Nothing here
calls the Workspace: every case, moment, still, caption and word is made by
the app's own dialogs and fields. The words to type come from a JSON script
written by the test; what the driver saw goes into a JSON result. A step
that waits too long saves a screenshot, writes why, and ends the process
with exit code 3.

    python tests/e2e/walk_driver.py SCRIPT.json RESULT.json
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QPushButton, QScrollArea, QWidget

FAILED = 3
TICK_MS = 25
Key = Qt.Key
Mod = Qt.KeyboardModifier


class Stuck(Exception):
    """A step could not be done as a person would (a control hidden, a wait too long)."""


@dataclass
class Wait:
    what: str
    check: Callable[[], Any]
    timeout: float = 10.0
    soft: bool = False  # on timeout go on with False instead of failing


@dataclass
class Later:
    """Run ``act`` from the event loop: it opens a modal dialog whose loop must not block us."""

    act: Callable[[], object]


Steps = Generator[Wait | Later, Any, Any]  # may return what it found


class Driver:
    """Runs a walk (a generator of waits) on the GUI thread, one timer tick at a time."""

    def __init__(self, script: dict[str, Any], result_path: Path) -> None:
        self.script = script
        self.result_path = result_path
        self.result: dict[str, Any] = {"done": False, "phases": {}, "seen": {},
                                       "screenshots": [], "messages": [], "defects": []}
        self.shots = Path(script["screenshots"])
        self.size = script["size"]
        self._walk: Steps | None = None
        self._waiting: Wait | None = None
        self._deadline = 0.0
        self._busy = False
        self._phase = ("start", time.monotonic())
        self._timer: QTimer | None = None

    # -- running ---------------------------------------------------------------------------

    def start(self, walk: Callable[[Driver], Steps]) -> None:
        self._walk = walk(self)
        self._timer = QTimer()
        self._timer.setObjectName("walkDriver")
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        if self._busy or self._walk is None:
            return
        self._busy = True
        try:
            self._advance()
        except Exception as exc:  # a failed step: say what and where, then stop the app
            self.fail(exc)
        finally:
            self._busy = False

    def _advance(self) -> None:
        assert self._walk is not None
        value: Any = None
        while True:
            if self._waiting is not None:
                value = self._waiting.check()
                if not value:
                    if time.monotonic() <= self._deadline:
                        return
                    if not self._waiting.soft:
                        raise Stuck(f"waited {self._waiting.timeout:.0f} s for "
                                    f"{self._waiting.what}")
                    value = False
                self._waiting = None
            try:
                item = self._walk.send(value)
            except StopIteration:
                self._walk = None
                if self._timer is not None:
                    self._timer.stop()
                return
            value = None
            if isinstance(item, Later):
                QTimer.singleShot(0, lambda act=item.act: self._later(act))
            else:
                self._waiting = item
                self._deadline = time.monotonic() + item.timeout

    def _later(self, act: Callable[[], object]) -> None:
        try:
            act()
        except Exception as exc:
            self.fail(exc)

    def fail(self, exc: BaseException) -> None:
        self.result["error"] = f"{self._phase[0]}: {exc}"
        self.result["traceback"] = traceback.format_exc()
        try:
            self.screenshot("failed")
        finally:
            self.save_result()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(FAILED)

    def save_result(self) -> None:
        self.result_path.write_text(json.dumps(self.result, indent=2), encoding="utf-8")

    def phase(self, name: str) -> None:
        """Start timing the next part of the walk (the time of each part goes in the result)."""
        last, began = self._phase
        self.result["phases"][last] = round(time.monotonic() - began, 2)
        self._phase = (name, time.monotonic())

    def defect(self, text: str) -> None:
        """The app did not do what its own help says; the walk goes on as a person would."""
        self.result["defects"].append(f"{self._phase[0]}: {text}")

    def see(self, what: str, value: Any) -> None:
        """Keep something seen on the screen, for the test to check."""
        self.result["seen"][what] = value

    # -- what a person does ----------------------------------------------------------------

    def key(self, key: Key, modifiers: Mod = Mod.NoModifier, times: int = 1) -> None:
        """Press a key: it goes where the keyboard focus is, as from a real keyboard."""
        for _ in range(times):
            QTest.keyClick(self._keyboard(), key, modifiers)

    def write(self, text: str) -> None:
        """Type words into the focused field, one key at a time."""
        target = self._keyboard()
        for ch in text:
            if ch == "\n":
                QTest.keyClick(target, Key.Key_Return)
            else:
                QTest.keyClicks(target, ch)

    @staticmethod
    def _keyboard() -> QWidget:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        if target is None:
            raise Stuck("no window has the keyboard")
        return target

    def click(self, widget: QWidget, point: QPoint | None = None) -> None:
        """Click ``widget`` where a person would see it: scrolled into view, on the screen,
        and not covered by anything else."""
        name = widget.accessibleName() or widget.objectName() or type(widget).__name__
        if not widget.isVisible():
            raise Stuck(f"{name} is not shown")
        self._scroll_to(widget)
        point = point or widget.rect().center()
        window = widget.window()
        inside = widget.mapTo(window, point)
        hit = window.childAt(inside)
        if hit is None or (hit is not widget and not widget.isAncestorOf(hit)):
            cover = "nothing" if hit is None else hit.objectName() or type(hit).__name__
            raise Stuck(f"{name} is not under the pointer: {cover} is")
        screen = window.screen().geometry()
        if not screen.contains(widget.mapToGlobal(point)):
            raise Stuck(f"{name} is off the screen at {widget.mapToGlobal(point)}")
        # The click goes where the window system would send it: the innermost widget there
        # (a date field's text, not the field's frame, which would step the date).
        target = hit
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Mod.NoModifier,
                         target.mapFrom(window, inside))

    @staticmethod
    def _scroll_to(widget: QWidget) -> None:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea) and parent.widget() is not None \
                    and parent.widget().isAncestorOf(widget):
                parent.ensureWidgetVisible(widget, 10, 10)
            parent = parent.parentWidget()

    def screenshot(self, name: str) -> Path:
        """The whole virtual screen, as a person sees it now."""
        QApplication.processEvents()
        screen = QGuiApplication.primaryScreen()
        out = self.shots / f"walk-{self.size}-{name}.png"
        self.shots.mkdir(parents=True, exist_ok=True)
        if screen is None or not screen.grabWindow(0).save(str(out)):
            raise Stuck(f"could not save the screenshot {out.name}")
        self.result["screenshots"].append(str(out))
        return out

    # -- finding what is on the screen ------------------------------------------------------

    @staticmethod
    def shown(kind: type[QWidget], name: str | None = None) -> Any:
        """The visible top-level window of ``kind`` (with that object name), or None."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible() \
                    and (name is None or widget.objectName() == name):
                return widget
        return None

    @staticmethod
    def active(window: QWidget) -> bool:
        return QApplication.activeWindow() is window

    @staticmethod
    def fits(window: QWidget) -> list[str]:
        """The buttons in ``window`` that are off its screen or too narrow for their words."""
        screen: QRect = window.screen().geometry()
        problems = []
        for button in window.findChildren(QPushButton):
            if not button.isVisible() or _scrolled_away(button):
                continue
            rect = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
            if not screen.contains(rect):
                problems.append(f"“{button.text()}” is off the screen ({rect.getRect()})")
            elif button.width() < button.minimumSizeHint().width():
                problems.append(f"“{button.text()}” is cut: {button.width()} px wide, "
                                f"its words need {button.minimumSizeHint().width()} px")
        return problems


def _scrolled_away(widget: QWidget) -> bool:
    """Inside a scroll area that shows another part (a person would scroll to see it)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            viewport = parent.viewport()
            top_left = widget.mapTo(viewport, QPoint(0, 0))
            return not viewport.rect().intersects(QRect(top_left, widget.size()))
        parent = parent.parentWidget()
    return False


def main(argv: list[str]) -> int:
    script_path, result_path = Path(argv[0]), Path(argv[1])
    script = json.loads(script_path.read_text(encoding="utf-8"))
    driver = Driver(script, result_path)

    from tests.e2e.walk_session import walk

    # The app makes its own QApplication inside ``vigtool gui``; a plain thread waits for it
    # and posts the start of the walk to the GUI thread.
    def attach() -> None:
        while QCoreApplication.instance() is None or QCoreApplication.startingUp():
            time.sleep(0.005)
        app = QCoreApplication.instance()
        assert app is not None
        QTimer.singleShot(0, app, lambda: driver.start(walk))

    threading.Thread(target=attach, name="walk-attach", daemon=True).start()
    from vigtool.cli import main as vigtool

    code = vigtool(["gui", "--workspace", script["start_workspace"]])
    driver.phase("end")
    driver.result["done"] = driver._walk is None
    driver.result["exit_code"] = code
    driver.save_result()
    return code


if __name__ == "__main__":  # run as a script: use the module the walk imports, not a copy
    sys.path.append(str(Path(__file__).resolve().parents[2]))  # for ``tests``; vigtool as installed
    from tests.e2e.walk_driver import main as run

    raise SystemExit(run(sys.argv[1:]))

"""Qt widget tests run offscreen with the real widgets, store and media."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_running_qt_threads_or_timers(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Fail a test that leaves a vigtool QThread running or an active timer behind."""
    from PySide6.QtCore import QTimer

    from vigtool.gui import threads

    yield
    qapp.processEvents()
    assert threads.running() == [], "a QThread was left running"
    live = [
        t for w in qapp.topLevelWidgets() if w.isVisible()
        for t in w.findChildren(QTimer) if t.isActive()
    ]
    assert live == [], f"active timers left behind: {[t.objectName() for t in live]}"

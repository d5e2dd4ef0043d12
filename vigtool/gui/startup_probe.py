"""Report when the first video frame reaches the screen (for benchmarks/bench_player.py).

Enabled only by the environment variable VIGTOOL_STARTUP_PROBE=1: prints one
line ``vigtool-first-frame <unix time>`` to stderr when the video surface
first paints a picture.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject

from vigtool.gui.video_surface import VideoSurface


class _FirstPaint(QObject):
    def __init__(self, surface: VideoSurface) -> None:
        super().__init__(surface)
        self._surface = surface

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._surface.has_image():
            # The paint is about to happen; report once it has.
            self._surface.removeEventFilter(self)
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, _report)
        return False


def _report() -> None:
    sys.stderr.write(f"vigtool-first-frame {time.time():.3f}\n")
    sys.stderr.flush()


def install(surface: VideoSurface) -> None:
    if os.environ.get("VIGTOOL_STARTUP_PROBE") == "1":
        surface.installEventFilter(_FirstPaint(surface))

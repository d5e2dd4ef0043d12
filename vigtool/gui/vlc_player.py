"""Sound and smooth playback through libvlc, drawn by Qt (never a native child window).

libvlc decodes and plays audio; its video comes to us through the "vmem"
callbacks into one of three RGB32 buffers (triple buffering: VLC writes one
while Qt paints another, so there is no tearing and no copy). VLC calls the
callbacks on its own threads: they only touch the buffers and emit a queued
signal. Every libvlc call is made on the GUI thread.

If libvlc is not installed, ``load_vlc()`` says why and the app falls back to
silent frame-exact playback from PyAV.
"""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

_VLC_ARGS = (
    "--quiet",
    "--no-video-title-show",
    "--no-stats",
    "--no-snapshot-preview",
    "--no-sub-autodetect-file",
    "--no-xlib",
    "--no-metadata-network-access",
    "--no-lua",
    # Fast bilinear scaling: VLC shrinks HD to the picture size while converting
    # colours; its default (bicubic) cost 10% of a core on 1080p for no visible gain.
    "--swscale-mode=0",
)


def load_vlc() -> tuple[Any | None, str]:
    """Import python-vlc and check libvlc loads: (module, "") or (None, reason to show).

    VIGTOOL_NO_VLC=1 turns VLC off, to try (and test) the silent fallback.
    """
    if os.environ.get("VIGTOOL_NO_VLC") == "1":
        return None, "VLC is turned off (VIGTOOL_NO_VLC=1)"
    try:
        import vlc
    except (ImportError, OSError) as exc:
        return None, f"VLC could not be loaded ({exc})"
    try:
        version = vlc.libvlc_get_version()
    except (AttributeError, OSError, NameError) as exc:
        return None, f"libvlc is missing or broken ({exc})"
    if not version or not version.startswith(b"3."):
        return None, f"vigtool needs VLC 3; found {version!r}"
    return vlc, ""


INSTALL_HINT = (
    "Sound and smooth playback need VLC 3. On Debian/Ubuntu: "
    "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output; "
    "on Windows or macOS install VLC from videolan.org. "
    "Until then, stepping and scrubbing work, silently."
)


class _Buffers:
    """Three RGB32 frame buffers shared with VLC's decoder thread."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pitch = width * 4
        self._buffers = [(ctypes.c_ubyte * (self.pitch * height))() for _ in range(3)]
        self._lock = threading.Lock()
        self._writing = 0
        self._ready: int | None = None
        self._painting: int | None = None

    def begin_write(self) -> int:
        with self._lock:
            free = next(i for i in range(3) if i not in (self._ready, self._painting))
            self._writing = free
            return ctypes.addressof(self._buffers[free])

    def finish_write(self) -> None:
        with self._lock:
            self._ready = self._writing

    def latest_image(self) -> QImage | None:
        """A QImage viewing the newest complete frame; valid until the next call."""
        with self._lock:
            if self._ready is None:
                return None
            self._painting = self._ready
            buffer = self._buffers[self._painting]
        return QImage(
            memoryview(buffer).cast("B"), self.width, self.height, self.pitch,
            QImage.Format.Format_RGB32,
        )


class VlcPlayer(QObject):
    """One libvlc media player rendering into buffers Qt paints. GUI thread only."""

    frameRendered = Signal()
    endReached = Signal()
    failed = Signal(str)
    _vlcFrame = Signal()
    _vlcEnd = Signal()
    _vlcError = Signal()

    def __init__(self, vlc: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._vlc = vlc
        self._instance = vlc.Instance(list(_VLC_ARGS))
        self._player = self._instance.media_player_new()
        self._buffers: _Buffers | None = None
        self._callbacks: tuple[Any, ...] = ()
        self._vlcFrame.connect(self.frameRendered, Qt.ConnectionType.QueuedConnection)
        self._vlcEnd.connect(self.endReached, Qt.ConnectionType.QueuedConnection)
        self._vlcError.connect(
            lambda: self.failed.emit("VLC could not play this file"),
            Qt.ConnectionType.QueuedConnection,
        )
        events = self._player.event_manager()
        self._event_callback = self._on_vlc_event
        events.event_attach(vlc.EventType.MediaPlayerEndReached, self._event_callback)
        events.event_attach(vlc.EventType.MediaPlayerEncounteredError, self._event_callback)

    def _on_vlc_event(self, event: Any) -> None:  # VLC's thread: signals only
        if event.type == self._vlc.EventType.MediaPlayerEndReached:
            self._vlcEnd.emit()
        else:
            self._vlcError.emit()

    def load(self, path: str, width: int, height: int) -> None:
        """Open ``path``, rendering at ``width`` x ``height`` (the upright display size)."""
        self._player.stop()
        vlc = self._vlc
        buffers = _Buffers(max(2, width - width % 2), max(2, height - height % 2))

        @vlc.CallbackDecorators.VideoLockCb
        def lock(_opaque: Any, planes: Any) -> None:
            planes[0] = buffers.begin_write()

        @vlc.CallbackDecorators.VideoUnlockCb
        def unlock(_opaque: Any, _picture: Any, _planes: Any) -> None:
            buffers.finish_write()

        @vlc.CallbackDecorators.VideoDisplayCb
        def display(_opaque: Any, _picture: Any) -> None:
            self._vlcFrame.emit()

        self._callbacks = (lock, unlock, display)  # keep the ctypes thunks alive
        self._buffers = buffers
        self._player.video_set_callbacks(lock, unlock, display, None)
        self._player.video_set_format("RV32", buffers.width, buffers.height, buffers.pitch)
        media = self._instance.media_new_path(path)
        media.add_option(":no-video-title-show")
        self._player.set_media(media)
        media.release()

    def latest_image(self) -> QImage | None:
        return self._buffers.latest_image() if self._buffers else None

    def play(self) -> None:
        if self._player.get_state() in (self._vlc.State.Ended, self._vlc.State.Stopped):
            self._player.stop()  # an ended player only restarts from stopped
        self._player.play()

    def pause(self) -> None:
        self._player.set_pause(1)

    def unload(self) -> None:
        """Stop playback so VLC closes the film file (pausing keeps it open)."""
        self._player.stop()

    @property
    def is_playing(self) -> bool:
        return bool(self._player.is_playing())

    def set_time_ms(self, ms: int) -> None:
        self._player.set_time(int(ms))

    def time_ms(self) -> int:
        """VLC's own clock: coarse, used only to move the playhead while playing."""
        return int(self._player.get_time())

    def set_rate(self, rate: float) -> None:
        self._player.set_rate(float(rate))

    def set_volume(self, percent: int) -> None:
        self._player.audio_set_volume(int(percent))

    def set_mute(self, muted: bool) -> None:
        self._player.audio_set_mute(bool(muted))

    def sound(self) -> tuple[int, bool]:
        """The level (percent) and mute libvlc holds now."""
        return int(self._player.audio_get_volume()), self._player.audio_get_mute() == 1

    def release(self) -> None:
        """Stop and free libvlc before the interpreter exits (it can crash otherwise)."""
        if self._player is None:
            return
        self._player.stop()
        self._player.release()
        self._instance.release()
        self._player = None
        self._instance = None
        self._callbacks = ()
        self._buffers = None

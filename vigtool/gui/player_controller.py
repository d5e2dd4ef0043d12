"""The playhead: a frame number, and the machinery that shows it.

Playing uses VLC (with sound) and moves the playhead from VLC's clock,
smoothed, because that is good enough to follow a film. The moment playback
pauses, the truth is a frame number again and the picture is that exact frame
from the frame reader. Stepping, scrubbing, shuttling backwards and tagging
only ever use frame numbers. Without VLC, playing steps through exact frames
on a timer, silently.

GUI thread only.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from vigtool.domain.timebase import FrameTimes
from vigtool.gui.frame_fetcher import FrameFetcher
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.vlc_player import VlcPlayer
from vigtool.media.frame_index import FrameIndex

SPEEDS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
VOLUME_STEP = 10  # percent per Ctrl+Up / Ctrl+Down
_TICK_MS = 15


def render_size(width: int, height: int, limit: tuple[int, int]) -> tuple[int, int]:
    """The size VLC renders at: the film's, shrunk to fit the screen area it is shown in.

    VLC scales while it converts colours (one pass), which costs far less than
    painting a full 1080p picture and letting Qt shrink it every frame.
    """
    max_w, max_h = limit
    scale = min(1.0, max_w / width, max_h / height) if width and height else 1.0
    return max(2, round(width * scale)), max(2, round(height * scale))


class PlayerController(QObject):
    frameChanged = Signal(int)
    spanFinished = Signal(int)  # the last frame of a play_span() was reached
    playingChanged = Signal(bool)
    rateChanged = Signal(float)
    soundChanged = Signal(int, bool)  # volume in percent, muted
    problem = Signal(str)

    def __init__(
        self, surface: VideoSurface, vlc: Any | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._surface = surface
        self._vlc_player: VlcPlayer | None = VlcPlayer(vlc, self) if vlc is not None else None
        self._fetcher: FrameFetcher | None = None
        self._times: FrameTimes | None = None
        self._frame = 0
        self._playing = False
        self._direction = 1
        self._rate = 1.0
        self._shuttle_base: float | None = None  # the speed to go back to after J/K/L
        self._volume = 100
        self._muted = False
        self._sound_pending = False  # VLC has not taken the level yet (no sound output)
        self._loop: tuple[int, int] | None = None
        self._stop_at: int | None = None
        self._anchor: tuple[float, float] = (0.0, 0.0)  # (media ms, monotonic s)
        self._pending_seek_ms: int | None = None
        self._last_vlc_ms = -1
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        if self._vlc_player is not None:
            self._vlc_player.frameRendered.connect(self._on_vlc_frame)
            self._vlc_player.endReached.connect(self._on_end)
            self._vlc_player.failed.connect(self.problem)

    # -- opening and closing ------------------------------------------------------------

    @property
    def has_sound(self) -> bool:
        return self._vlc_player is not None

    def open(self, path: Path, index: FrameIndex, width: int, height: int) -> None:
        self.close_media()
        self._times = index.times
        self._fetcher = FrameFetcher(path, index, self)
        self._fetcher.frameReady.connect(self._on_exact_frame)
        self._fetcher.failed.connect(self.problem)
        self._surface.set_aspect(width, height)
        if self._vlc_player is not None:
            w, h = render_size(width, height, self._surface.render_limit())
            self._vlc_player.load(str(path), w, h)
        self._frame = 0
        self._fetcher.request(0)
        self.frameChanged.emit(0)

    def close_media(self, *, unload: bool = False) -> None:
        """Stop showing the film; ``unload`` also makes VLC let go of the file (before
        it is deleted), which pausing does not."""
        self._set_playing(False)
        if self._vlc_player is not None:
            if unload:
                self._vlc_player.unload()
            else:
                self._vlc_player.pause()
        if self._fetcher is not None:
            self._fetcher.frameReady.disconnect(self._on_exact_frame)
            self._fetcher.failed.disconnect(self.problem)
            self._fetcher.close()
            self._fetcher.deleteLater()
            self._fetcher = None
        self._times = None

    def shutdown(self) -> None:
        """Stop everything and free libvlc; call before the application quits."""
        self.close_media()
        if self._vlc_player is not None:
            self._vlc_player.release()
            self._vlc_player = None

    # -- state ----------------------------------------------------------------------------

    @property
    def frame(self) -> int:
        return self._frame

    @property
    def frame_count(self) -> int:
        return self._times.frame_count if self._times else 0

    @property
    def times(self) -> FrameTimes | None:
        return self._times

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def direction(self) -> int:
        """1 forwards, -1 backwards (J): the way it plays, or last played."""
        return self._direction

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_loop(self, span: tuple[int, int] | None) -> None:
        """Loop playback over frames start..end inclusive, or stop looping."""
        self._loop = span

    @property
    def loop(self) -> tuple[int, int] | None:
        return self._loop

    def play_span(self, start: int, end: int) -> None:
        """Play frames start..end once and stop on ``end`` (the shared review's clips)."""
        self.pause()
        self._stop_at = end
        self.seek(start)
        self.play()

    def clear_span(self) -> None:
        self._stop_at = None

    # -- commands -------------------------------------------------------------------------

    def seek(self, frame: int) -> None:
        if self._times is None:
            return
        frame = max(0, min(frame, self._times.frame_count - 1))
        if self._playing and self._direction > 0 and self._vlc_player is not None:
            ms = self._times.frame_to_ms(frame)
            if self._pending_seek_ms is not None:
                self._pending_seek_ms = ms  # VLC is still starting: go here once it has
            else:
                self._vlc_player.set_time_ms(ms)
            self._anchor = (float(ms), time.monotonic())
        elif self._playing:
            self._anchor = (float(self._times.frame_to_ms(frame)), time.monotonic())
        else:
            self._request(frame)
        self._set_frame(frame)

    def step(self, frames: int) -> None:
        self.pause()
        self.seek(self._frame + frames)

    def step_seconds(self, seconds: float) -> None:
        if self._times is None:
            return
        self.pause()
        target_ms = self._times.frame_to_ms(self._frame) + seconds * 1000
        self.seek(self._times.ms_to_frame(target_ms))

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def play(self, direction: int = 1) -> None:
        if self._times is None:
            return
        if direction > 0 and self._frame >= self._times.frame_count - 1:
            self.seek(self._loop[0] if self._loop else 0)
        self._direction = direction
        ms = self._times.frame_to_ms(self._frame)
        self._anchor = (float(ms), time.monotonic())
        if direction > 0 and self._vlc_player is not None:
            self._vlc_player.set_rate(self._rate)
            self._vlc_player.play()
            self._apply_sound()
            self._pending_seek_ms = ms
            self._last_vlc_ms = -1
        self._set_playing(True)

    def pause(self) -> None:
        if not self._playing:
            return
        if self._vlc_player is not None:
            self._vlc_player.pause()
        self._set_playing(False)
        self._request(self._frame)
        self._end_shuttle()

    def shuttle(self, direction: int) -> None:
        """J/L: start playing that way, or go faster if already going that way.

        Shuttling is for finding a place: once it stops (K, Space, the end) the
        speed goes back to what it was before, so Space plays as it did.
        """
        if self._playing and self._direction == direction:
            self._set_speed(min(2.0, self._rate * 2 if self._rate >= 1 else 1.0))
            return
        base = self._rate if self._shuttle_base is None else self._shuttle_base
        if self._playing:
            self.pause()
        self._shuttle_base = base
        self._set_speed(1.0)
        self.play(direction)

    def _end_shuttle(self) -> None:
        if self._shuttle_base is not None:
            base, self._shuttle_base = self._shuttle_base, None
            self._set_speed(base)

    def slower(self) -> None:
        lower = [s for s in SPEEDS if s < self._rate - 1e-9]
        if lower:
            self.set_rate(lower[-1])

    def faster(self) -> None:
        higher = [s for s in SPEEDS if s > self._rate + 1e-9]
        if higher:
            self.set_rate(higher[0])

    def set_rate(self, rate: float) -> None:
        """A chosen speed ([, ], \\): it stays for Space after a shuttle ends."""
        self._shuttle_base = None
        self._set_speed(rate)

    def _set_speed(self, rate: float) -> None:
        rate = max(SPEEDS[0], min(SPEEDS[-1], rate))
        if self._playing:
            self._anchor = (self._estimated_ms(), time.monotonic())
        self._rate = rate
        if self._vlc_player is not None:
            self._vlc_player.set_rate(rate)
        self.rateChanged.emit(rate)

    def set_volume(self, percent: int) -> None:
        """Sound level, 0-100; a change of level also turns mute off."""
        percent = max(0, min(100, int(percent)))
        if (percent, False) == (self._volume, self._muted):
            return
        self._volume, self._muted = percent, False
        self._apply_sound()
        self.soundChanged.emit(self._volume, self._muted)

    def change_volume(self, step: int) -> None:
        self.set_volume(self._volume + step)

    def set_muted(self, muted: bool) -> None:
        if muted != self._muted:
            self._muted = muted
            self._apply_sound()
            self.soundChanged.emit(self._volume, self._muted)

    def toggle_mute(self) -> None:
        self.set_muted(not self._muted)

    # -- internals ------------------------------------------------------------------------

    def _apply_sound(self) -> None:
        """Give VLC the level and mute. A stopped VLC has no sound output and drops
        them, so until it reports them back they are given again with each frame."""
        if self._vlc_player is not None:
            self._vlc_player.set_volume(self._volume)
            self._vlc_player.set_mute(self._muted)
            self._sound_pending = self._vlc_player.sound() != (self._volume, self._muted)

    def _set_playing(self, playing: bool) -> None:
        if playing == self._playing:
            return
        self._playing = playing
        if playing:
            self._timer.start()
        else:
            self._timer.stop()
            self._pending_seek_ms = None
        self.playingChanged.emit(playing)

    def _ensure_timer(self) -> None:
        """The timer runs only while VLC's frames cannot drive the playhead."""
        needed = self._playing and (not self._uses_vlc_clock() or self._pending_seek_ms is not None)
        if needed and not self._timer.isActive():
            self._timer.start()
        elif not needed and self._timer.isActive():
            self._timer.stop()

    def _set_frame(self, frame: int) -> None:
        if frame != self._frame:
            self._frame = frame
            self.frameChanged.emit(frame)

    def _request(self, frame: int) -> None:
        if self._fetcher is not None:
            self._fetcher.request(frame)

    def _uses_vlc_clock(self) -> bool:
        return self._direction > 0 and self._vlc_player is not None

    def _estimated_ms(self) -> float:
        media_ms, at = self._anchor
        return media_ms + (time.monotonic() - at) * 1000 * self._rate * self._direction

    def _tick(self) -> None:
        if self._times is None:
            return
        if self._uses_vlc_clock():
            self._follow_vlc_clock()
        ms = self._estimated_ms()
        frame = self._times.ms_to_frame(ms)
        if self._loop and self._direction > 0 and frame > self._loop[1]:
            self.seek(self._loop[0])
            return
        if self._stop_at is not None and self._direction > 0 and frame >= self._stop_at:
            stop, self._stop_at = self._stop_at, None
            self.pause()
            self.seek(stop)
            self.spanFinished.emit(stop)
            return
        if self._direction < 0 and (ms <= 0 or (self._loop and frame < self._loop[0])):
            self.pause()
            self.seek(self._loop[0] if self._loop else 0)
            return
        if not self._uses_vlc_clock():
            if self._direction > 0 and ms >= self._times.duration_ms:
                self._on_end()
                return
            if frame != self._frame:
                self._request(frame)
        self._set_frame(frame)

    def _follow_vlc_clock(self) -> None:
        """Re-anchor the smoothed clock whenever VLC's coarse clock moves."""
        assert self._vlc_player is not None
        if self._pending_seek_ms is not None:
            if not self._vlc_player.is_playing:
                self._anchor = (float(self._pending_seek_ms), time.monotonic())
                return
            self._vlc_player.set_time_ms(self._pending_seek_ms)
            self._anchor = (float(self._pending_seek_ms), time.monotonic())
            self._pending_seek_ms = None
            self._last_vlc_ms = -1
            self._ensure_timer()
            return
        vlc_ms = self._vlc_player.time_ms()
        if vlc_ms >= 0 and vlc_ms != self._last_vlc_ms:
            self._last_vlc_ms = vlc_ms
            estimate = self._estimated_ms()
            # Ignore VLC's clock stepping backwards by less than a tick of jitter.
            if vlc_ms > estimate or estimate - vlc_ms > 120:
                self._anchor = (float(vlc_ms), time.monotonic())

    def _on_vlc_frame(self) -> None:
        # Until VLC has jumped to where playback starts, its pictures are from elsewhere.
        if self._pending_seek_ms is not None:
            return
        if self._playing and self._uses_vlc_clock() and self._vlc_player is not None:
            if self._sound_pending:
                self._apply_sound()
            self._surface.show_image(self._vlc_player.latest_image())
            self._tick()  # each shown frame moves the playhead: no extra timer wake-ups

    def _on_exact_frame(self, frame: int, image: QImage) -> None:
        if not (self._playing and self._uses_vlc_clock()) and frame == self._frame:
            self._surface.show_image(image)

    def _on_end(self) -> None:
        if self._times is None:
            return
        self._set_playing(False)  # VLC has stopped by itself at the end
        if not self._loop:
            self._end_shuttle()
        if self._stop_at is not None:
            stop, self._stop_at = self._stop_at, None
            self.seek(stop)
            self._request(stop)
            self.spanFinished.emit(stop)
            return
        if self._loop:
            self.seek(self._loop[0])
            self.play()
            return
        self.seek(self._times.frame_count - 1)
        self._request(self._frame)

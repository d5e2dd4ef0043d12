"""What the tagging keys do: every change goes through a Workspace operation.

Tagging (I, O, Q), codes, turns, the review choice, keyboard trim (Shift+I,
Shift+O) and the moment's still (S, Shift+S) all act on the selected moment
at the playhead and say in one status-bar line what they did or why not.

Holds the two bits of interaction state that are not data: the pending in
mark and the selected moment. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vigtool.codebook import Codebook
from vigtool.domain.records import Moment
from vigtool.domain.tagging import (
    neighbour_moment,
    quick_span,
    span_from_marks,
    toggle_code,
    trim_end_to,
    trim_start_to,
)
from vigtool.errors import VigtoolError
from vigtool.gui.keymap import binding
from vigtool.gui.player_controller import PlayerController
from vigtool.workspace import Workspace


class Tagger(QObject):
    selectionChanged = Signal(object)  # moment id or None
    markChanged = Signal(object)  # frame of the pending in mark, or None
    message = Signal(str)  # one line for the status bar

    def __init__(
        self, workspace: Workspace, player: PlayerController, codebook: Codebook,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._player = player
        self._codebook = codebook
        self.recording_id: int | None = None
        self.selected: int | None = None
        self.mark_in: int | None = None

    def set_recording(self, recording_id: int | None) -> None:
        self.recording_id = recording_id
        self._set_mark(None)
        self.select(None)

    def select(self, moment_id: int | None) -> None:
        if moment_id != self.selected:
            self.selected = moment_id
            self.selectionChanged.emit(moment_id)

    def _set_mark(self, frame: int | None) -> None:
        self.mark_in = frame
        self.markChanged.emit(frame)

    def _guard(self) -> bool:
        if self.recording_id is None:
            self.message.emit("Open a recording first")
            return False
        return True

    # -- keys -------------------------------------------------------------------------

    def mark_in_here(self) -> None:
        if self._guard():
            self._set_mark(self._player.frame)
            self.message.emit(f"In at frame {self._player.frame}: press O where the moment stops")

    def mark_out_here(self) -> None:
        if not self._guard() or self.recording_id is None:
            return
        if self.mark_in is None:
            self.message.emit("Press I where the moment starts first")
            return
        start, end = span_from_marks(self.mark_in, self._player.frame, self._player.frame_count)
        self._set_mark(None)
        self._add(start, end)

    def quick_tag(self) -> None:
        times = self._player.times
        if self._guard() and times is not None:
            self._add(*quick_span(self._player.frame, times))

    def _add(self, start: int, end: int) -> None:
        assert self.recording_id is not None
        try:
            moment = self._ws.add_moment(self.recording_id, start_frame=start, end_frame=end)
        except VigtoolError as exc:
            self.message.emit(str(exc))
            return
        self.select(moment.id)
        self.message.emit(
            f"Moment tagged: frames {start}-{end} ({end - start + 1} frames). "
            "Press 1-6 to code it."
        )

    def toggle_code_key(self, key: str) -> None:
        code = self._codebook.by_key(key)
        if code is None:
            return
        if self.selected is None:
            self.message.emit("Select a moment (Tab) or tag one (I, O) before coding it")
            return
        moment = self._ws.annotations.moment(self.selected)
        codes = toggle_code(moment.codes, code.id)
        self._ws.update_moment(self.selected, codes=codes)
        self.message.emit(f"{'Added' if code.id in codes else 'Removed'} {code.label}")

    def toggle_review(self) -> None:
        if self.selected is None:
            return
        annotations = self._ws.annotations
        chosen = not annotations.moment(self.selected).selected_for_review
        annotations.choose_for_review(self.selected, chosen)
        self.message.emit("Chosen for the shared review" if chosen else "Taken out of the review")

    def mark_turn(self, actor: str, kind: str) -> None:
        if not self._guard() or self.recording_id is None:
            return
        self._ws.add_turn(self.recording_id, frame=self._player.frame, actor=actor, kind=kind)
        who = "Child's cue" if actor == "child" else "Adult's response"
        self.message.emit(f"{who} marked at frame {self._player.frame}")

    def _selected_moment(self, doing: str) -> Moment | None:
        """The selected moment, or None after saying what to do first."""
        if not self._guard():
            return None
        if self.selected is None:
            self.message.emit(f"Select a moment (Tab) or tag one (I, O) before {doing}")
            return None
        return self._ws.annotations.moment(self.selected)

    def trim_start_here(self) -> None:
        moment = self._selected_moment("trimming it")
        if moment is None:
            return
        span = trim_start_to(moment, self._player.frame)
        if span is None:
            self.message.emit(
                f"Not trimmed: the moment would start after it ends (frame {moment.end_frame}). "
                "Put the playhead before its end to move its start.")
            return
        self._trim(moment, *span)

    def trim_end_here(self) -> None:
        moment = self._selected_moment("trimming it")
        if moment is None:
            return
        span = trim_end_to(moment, self._player.frame, self._player.frame_count)
        if span is None:
            self.message.emit(
                f"Not trimmed: the moment would end before it starts (frame "
                f"{moment.start_frame}). Put the playhead after its start to move its end.")
            return
        self._trim(moment, *span)

    def _trim(self, moment: Moment, start: int, end: int) -> None:
        if (start, end) == (moment.start_frame, moment.end_frame):
            self.message.emit(f"The moment already spans frames {start}-{end}")
            return
        try:  # only the edge that moves, so Undo reads "Undo Trim Moment"
            if start != moment.start_frame:
                self._ws.update_moment(moment.id, start_frame=start)
            else:
                self._ws.update_moment(moment.id, end_frame=end)
        except VigtoolError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(f"Trimmed: frames {start}-{end} ({end - start + 1} frames)")

    def keep_still_here(self) -> None:
        moment = self._selected_moment("keeping a still")
        if moment is None:
            return
        frame = self._player.frame
        if not moment.start_frame <= frame <= moment.end_frame:
            self.message.emit(
                f"The playhead (frame {frame}) is outside the selected moment (frames "
                f"{moment.start_frame}-{moment.end_frame}): move into it to keep a still")
            return
        try:
            self._ws.annotations.set_still(moment.id, frame)
        except VigtoolError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(f"Still kept: frame {frame}. The clip pauses on it in the review.")

    def remove_still(self) -> None:
        moment = self._selected_moment("removing its still")
        if moment is None:
            return
        stills = self._ws.annotations.stills_in(moment)
        if not stills:
            key = binding("tag.still").keys[0]
            self.message.emit(f"This moment has no still: press {key} on the frame to keep")
            return
        self._ws.annotations.delete_still(stills[0].id)
        self.message.emit(f"Still at frame {stills[0].frame} removed (Ctrl+Z brings it back)")

    def delete_selected(self) -> None:
        if self.selected is not None:
            self._ws.delete_moment(self.selected)
            self.select(None)
            self.message.emit("Moment deleted (Ctrl+Z brings it back)")

    def jump(self, direction: int) -> None:
        if not self._guard() or self.recording_id is None:
            return
        frame = self._player.frame
        if self.selected is not None:
            frame = self._ws.annotations.moment(self.selected).start_frame
        target = neighbour_moment(self._ws.annotations.moments(self.recording_id), frame, direction)
        if target is None:
            self.message.emit("No more moments that way")
            return
        self.select(target.id)
        self._player.pause()
        self._player.seek(target.start_frame)

    def forget_deleted(self) -> None:
        """After an undo or redo the selected moment may be gone."""
        if self.selected is None:
            return
        try:
            self._ws.annotations.moment(self.selected)
        except VigtoolError:
            self.select(None)

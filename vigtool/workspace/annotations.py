"""Moments, turns and stills on a recording's frames, and which moments the review shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from vigtool.domain.records import (
    Actor,
    Moment,
    NewMoment,
    NewTurn,
    Recording,
    Still,
    Turn,
    TurnKind,
)
from vigtool.errors import InvalidEdit
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import codes_to_json, from_row
from vigtool.workspace.door import Door, fetch
from vigtool.workspace.library import Library


class Keep(Enum):
    """The default of an ``update_*`` argument: leave that field as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


class Annotations:
    """``ws.annotations``: what the practitioner tags on a film, frame-exactly."""

    def __init__(self, door: Door, library: Library) -> None:
        self._door = door
        self._library = library

    # -- moments ---------------------------------------------------------------------

    def add_moment(
        self,
        recording_id: int,
        *,
        start_frame: int,
        end_frame: int,
        codes: Sequence[str] = (),
        title: str = "",
        note: str = "",
        strengths: str = "",
        prompt: str = "",
        selected_for_review: bool = False,
        review_order: int | None = None,
    ) -> Moment:
        """Tag frames ``start_frame..end_frame`` (inclusive); one undo step."""
        planned = NewMoment(start_frame, end_frame, tuple(codes), title, note, strengths, prompt,
                            selected_for_review, review_order)
        moments, _ = self.add_annotations(recording_id, moments=[planned], name="Add Moment")
        return moments[0]

    def add_annotations(
        self,
        recording_id: int,
        *,
        moments: Sequence[NewMoment] = (),
        turns: Sequence[NewTurn] = (),
        name: str = "Import Annotations",
    ) -> tuple[list[Moment], list[Turn]]:
        """Add many moments and turns as ONE undoable operation (e.g. an ELAN import)."""
        recording = self._library.recording(recording_id)
        moment_rows = [self._moment_row(recording, m) for m in moments]
        turn_rows = [self._turn_row(recording, t) for t in turns]
        with self._door.edit(name) as rec:
            moment_ids = [rec.insert("moments", row) for row in moment_rows]
            turn_ids = [rec.insert("turns", row) for row in turn_rows]
        return [self.moment(i) for i in moment_ids], [self._turn(i) for i in turn_ids]

    def _moment_row(self, recording: Recording, m: NewMoment) -> dict[str, Any]:
        _check_span(recording, m.start_frame, m.end_frame)
        return {
            "recording_id": recording.id,
            "start_frame": m.start_frame,
            "end_frame": m.end_frame,
            "codes": codes_to_json(_clean_codes(m.codes)),
            "title": m.title,
            "note": m.note,
            "strengths": m.strengths,
            "prompt": m.prompt,
            "selected_for_review": int(m.selected_for_review),
            "review_order": m.review_order,
            "coder": m.coder,
            "locked": int(m.locked),
        }

    def update_moment(
        self,
        moment_id: int,
        *,
        start_frame: int | Keep = KEEP,
        end_frame: int | Keep = KEEP,
        codes: Sequence[str] | Keep = KEEP,
        title: str | Keep = KEEP,
        note: str | Keep = KEEP,
        strengths: str | Keep = KEEP,
        prompt: str | Keep = KEEP,
        selected_for_review: bool | Keep = KEEP,
        review_order: int | Keep | None = KEEP,
    ) -> Moment:
        """Change the fields given (the others are kept); one call is one undo step."""
        current = _editable(self.moment(moment_id))
        given = {
            "start_frame": start_frame, "end_frame": end_frame, "codes": codes, "title": title,
            "note": note, "strengths": strengths, "prompt": prompt,
            "selected_for_review": selected_for_review, "review_order": review_order,
        }
        changed = {k: v for k, v in given.items() if v is not KEEP}
        values: dict[str, Any] = {}
        for key, value in changed.items():
            if key == "codes":
                values[key] = codes_to_json(_clean_codes(value))
            elif key == "selected_for_review":
                values[key] = int(bool(value))
            elif key in ("start_frame", "end_frame"):
                values[key] = int(value)  # type: ignore[arg-type]
            else:
                values[key] = value
        start = values.get("start_frame", current.start_frame)
        end = values.get("end_frame", current.end_frame)
        _check_span(self._library.recording(current.recording_id), start, end)
        with self._door.edit(_moment_edit_name(changed)) as rec:
            rec.update("moments", moment_id, values)
        return self.moment(moment_id)

    def choose_for_review(self, moment_id: int, chosen: bool) -> Moment:
        """Show the moment in its cycle's shared review, or take it out; one undo step.

        A chosen moment goes last in the review of its case and cycle (across
        all of that cycle's recordings); taking one out closes the gap, so the
        review always runs 1, 2, 3... as the exported clips are named.
        """
        moment = _editable(self.moment(moment_id))
        recording = self._library.recording(moment.recording_id)
        if chosen == moment.selected_for_review:
            return moment
        in_review = [m for m in self.review_moments(recording.case_id, recording.cycle,
                                                    kind=recording.kind)
                     if m.id != moment_id]
        with self._door.edit("Choose for Review") as rec:
            if chosen:
                last = max((m.review_order or 0 for m in in_review), default=0)
                rec.update("moments", moment_id,
                           {"selected_for_review": 1, "review_order": last + 1})
            else:
                rec.update("moments", moment_id,
                           {"selected_for_review": 0, "review_order": None})
                for order, other in enumerate(in_review, start=1):
                    rec.update("moments", other.id, {"review_order": order})
        return self.moment(moment_id)

    def set_review_order(self, moment_id: int, place: int) -> Moment:
        """Move a chosen moment to ``place`` (1 is first) in its cycle's review.

        The others shift to make room, so the order stays 1, 2, 3 with no two
        clips sharing a number. One undo step.
        """
        moment = _editable(self.moment(moment_id))
        if not moment.selected_for_review:
            raise InvalidEdit("choose the moment for the review before giving it a place")
        recording = self._library.recording(moment.recording_id)
        others = [m for m in self.review_moments(recording.case_id, recording.cycle,
                                                 kind=recording.kind)
                  if m.id != moment_id]
        place = min(max(place, 1), len(others) + 1)
        ordered = [*others[: place - 1], moment, *others[place - 1:]]
        with self._door.edit("Reorder Review") as rec:
            for order, item in enumerate(ordered, start=1):
                rec.update("moments", item.id, {"review_order": order})
        return self.moment(moment_id)

    def delete_moment(self, moment_id: int) -> None:
        """Delete a moment. The parent's reflections on it are kept, unlinked."""
        _editable(self.moment(moment_id))
        with self._door.edit("Delete Moment") as rec:
            for row in self._door.read(queries.reflections_on, moment_id):
                rec.update("reflections", row["id"], {"moment_id": None})
            rec.delete("moments", moment_id)

    def moment(self, moment_id: int) -> Moment:
        """The moment with this id; NotFound if there is none."""
        return fetch(self._door, Moment, "moments", moment_id, "moment")

    def moments(self, recording_id: int) -> list[Moment]:
        """The recording's moments in film order."""
        return [from_row(Moment, r) for r in self._door.read(queries.moments, recording_id)]

    def review_moments(
        self, case_id: int, cycle: int | None = None, *, kind: str = "family"
    ) -> list[Moment]:
        """The moments chosen for the shared review, in review order (then film order).

        Only these are ever shown to the parent: never the raw film, never an
        unchosen moment, never the shared-review film (``kind="shared-review"``
        gives the moments of it the practitioner chose to take to supervision,
        numbered on their own).
        """
        found = self._door.read(queries.review_moments, case_id, cycle, kind)
        return [from_row(Moment, r) for r in found]

    # -- turns -----------------------------------------------------------------------

    def add_turn(
        self,
        recording_id: int,
        *,
        frame: int,
        actor: Actor | str,
        kind: TurnKind | str,
        note: str = "",
    ) -> Turn:
        """Mark one serve-and-return act at a frame (a child's cue, an adult's response...)."""
        _, turns = self.add_annotations(
            recording_id, turns=[NewTurn(frame, str(actor), str(kind), note)], name="Mark Turn"
        )
        return turns[0]

    def _turn_row(self, recording: Recording, t: NewTurn) -> dict[str, Any]:
        _check_span(recording, t.frame, t.frame)
        try:
            actor, kind = Actor(t.actor), TurnKind(t.kind)
        except ValueError as exc:
            raise InvalidEdit(
                "a turn's actor is child or adult, and its kind initiative, reception or response"
            ) from exc
        return {"recording_id": recording.id, "frame": t.frame, "actor": actor.value,
                "kind": kind.value, "note": t.note}

    def _turn(self, turn_id: int) -> Turn:
        return fetch(self._door, Turn, "turns", turn_id, "turn")

    def delete_turn(self, turn_id: int) -> None:
        """Remove one turn; one undo step."""
        self._turn(turn_id)
        with self._door.edit("Delete Turn") as rec:
            rec.delete("turns", turn_id)

    def turns(self, recording_id: int, moment_id: int | None = None) -> list[Turn]:
        """The recording's turns by frame; with ``moment_id``, only those inside that moment."""
        span = None
        if moment_id is not None:
            moment = self.moment(moment_id)
            span = (moment.start_frame, moment.end_frame)
        return [from_row(Turn, r) for r in self._door.read(queries.turns, recording_id, span)]

    # -- stills ----------------------------------------------------------------------

    def add_still(self, recording_id: int, *, frame: int, caption: str = "") -> Still:
        """Keep one frame as a still picture, with an optional caption."""
        _check_span(self._library.recording(recording_id), frame, frame)
        with self._door.edit("Add Still") as rec:
            still_id = rec.insert(
                "stills", {"recording_id": recording_id, "frame": frame, "caption": caption}
            )
        return self._still(still_id)

    def _still(self, still_id: int) -> Still:
        return fetch(self._door, Still, "stills", still_id, "still")

    def set_still(self, moment_id: int, frame: int) -> Still:
        """Make ``frame`` the moment's still: the picture its clip pauses on.

        Moves the moment's first still there (keeping its caption), or adds
        one. The frame must lie inside the moment. One undo step.
        """
        moment = self.moment(moment_id)
        if not moment.start_frame <= frame <= moment.end_frame:
            raise InvalidEdit(
                f"frame {frame} is outside this moment (frames {moment.start_frame}-"
                f"{moment.end_frame}); move the playhead into it first"
            )
        inside = self.stills_in(moment)
        with self._door.edit("Set Still") as rec:
            if inside:
                still_id = inside[0].id
                rec.update("stills", still_id, {"frame": frame})
            else:
                still_id = rec.insert(
                    "stills", {"recording_id": moment.recording_id, "frame": frame, "caption": ""}
                )
        return self._still(still_id)

    def update_still(
        self, still_id: int, *, caption: str | Keep = KEEP, frame: int | Keep = KEEP
    ) -> Still:
        """Change a still's caption (the words under it) or frame; one undo step."""
        still = self._still(still_id)
        values: dict[str, Any] = {}
        if not isinstance(caption, Keep):
            values["caption"] = caption
        if not isinstance(frame, Keep):
            _check_span(self._library.recording(still.recording_id), frame, frame)
            values["frame"] = frame
        with self._door.edit("Edit Still") as rec:
            rec.update("stills", still_id, values)
        return self._still(still_id)

    def delete_still(self, still_id: int) -> None:
        """Remove a still; its moment pauses on its last frame again. One undo step."""
        self._still(still_id)
        with self._door.edit("Delete Still") as rec:
            rec.delete("stills", still_id)

    def stills_in(self, moment: Moment) -> list[Still]:
        """The stills inside a moment, by frame (the first is where its clip pauses)."""
        return [s for s in self.stills(moment.recording_id)
                if moment.start_frame <= s.frame <= moment.end_frame]

    def stills(self, recording_id: int) -> list[Still]:
        """The recording's stills by frame."""
        return [from_row(Still, r) for r in self._door.read(queries.stills, recording_id)]

    # -- suggested moments set aside -------------------------------------------------

    def dismiss_suggestion(self, recording_id: int, start_ms: int, end_ms: int) -> None:
        """Set aside the suggested moment at ``start_ms..end_ms`` (its span as the analysis
        gave it, ms from the first frame): the Suggestions lane hides it from now on. One
        undo step ("Dismiss Suggestion"); undo shows it again. Dismissing one already set
        aside changes nothing."""
        recording = self._library.recording(recording_id)
        start_ms, end_ms = int(start_ms), int(end_ms)
        if start_ms < 0 or end_ms <= start_ms:
            raise InvalidEdit(f"a suggestion's span runs forwards from 0 ms (not {start_ms}-"
                              f"{end_ms} ms)")
        if (start_ms, end_ms) in self.dismissed_suggestions(recording.id):
            return
        with self._door.edit("Dismiss Suggestion") as rec:
            rec.insert("dismissed_suggestions", {
                "recording_id": recording.id, "start_ms": start_ms, "end_ms": end_ms,
                "dismissed_at": utc_now()})

    def dismissed_suggestions(self, recording_id: int) -> set[tuple[int, int]]:
        """The spans (start_ms, end_ms) of the suggested moments set aside on a recording."""
        return {(int(r["start_ms"]), int(r["end_ms"]))
                for r in self._door.read(queries.dismissed_suggestions, recording_id)}


def _check_span(recording: Recording, start: int, end: int) -> None:
    last = recording.frame_count - 1
    if start < 0 or end < 0:
        raise InvalidEdit("frame numbers start at 0")
    if end < start:
        raise InvalidEdit(f"a moment cannot end (frame {end}) before it starts ({start})")
    if end > last:
        raise InvalidEdit(f"frame {end} is past the end of the recording (last frame {last})")


def _clean_codes(codes: Iterable[str] | Any) -> list[str]:
    if isinstance(codes, str) or not all(isinstance(c, str) and c for c in codes):
        raise InvalidEdit("codes are a list of code ids, e.g. ['attentive', 'receiving']")
    return list(dict.fromkeys(codes))


def _moment_edit_name(fields: Iterable[str]) -> str:
    names = set(fields)
    if names <= {"start_frame", "end_frame"}:
        return "Move Moment" if names == {"start_frame", "end_frame"} else "Trim Moment"
    if names == {"codes"}:
        return "Change Codes"
    if names <= {"selected_for_review", "review_order"}:
        return "Choose for Review"
    return "Edit Moment"


def _editable(moment: Moment) -> Moment:
    """``moment``, unless it came in a supervision package (then InvalidEdit)."""
    if moment.locked:
        who = f"{moment.coder}'s" if moment.coder else "a"
        raise InvalidEdit(f"this moment came in {who} supervision package and is read-only "
                          "here; add your own moment or a comment instead")
    return moment

"""Supervision: comments pinned to frames (with replies) and the trainee's self-assessment.

A comment sits on one frame (``start_frame == end_frame``) or a span of a
recording. Its ``uid`` is the same in every workspace it travels to, so a
comment sent back to the trainee lands once, at the same frame, however
often the package is imported. Comments and self-assessments are edits like
any other: one undo step each.
"""

from __future__ import annotations

import getpass
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vigtool.domain.records import Case, Comment, SelfAssessment
from vigtool.errors import InvalidEdit
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import codes_to_json, from_row
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, fetch
from vigtool.workspace.library import Library

NAME_KEY = "my_name"
MAX_COMMENT = 4000
_UID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ReceivedComment:
    """A comment or reply that came in a supervision package, as it was written there:
    its ``uid``, author and time are kept; ``parent_uid`` names the comment it answers."""

    uid: str
    recording_id: int
    start_frame: int
    end_frame: int
    parent_uid: str | None
    author: str
    text: str
    created_at: str


class Supervision:
    """``ws.supervision``: comments and replies on recordings, self-assessments."""

    def __init__(self, door: Door, caseload: Caseload, library: Library) -> None:
        self._door = door
        self._caseload = caseload
        self._library = library

    # -- who is writing -----------------------------------------------------------------------

    @property
    def my_name(self) -> str:
        """The name this workspace signs comments and codes with (default: the login name)."""
        name = self._door.read(queries.setting, NAME_KEY)
        if name:
            return name
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "practitioner"

    def set_my_name(self, name: str) -> None:
        """Set the name comments and codes are signed with."""
        name = " ".join(name.split())
        if not name or len(name) > 80:
            raise InvalidEdit("a name is 1 to 80 characters")
        with self._door.edit("Your Name", undoable=False) as rec:
            rec.put_setting(NAME_KEY, name)

    # -- comments -----------------------------------------------------------------------------

    def add_comment(
        self,
        recording_id: int,
        *,
        start_frame: int,
        end_frame: int | None = None,
        text: str,
        parent_id: int | None = None,
        author: str | None = None,
    ) -> Comment:
        """Pin a comment to frame ``start_frame`` (or the span to ``end_frame``), or reply
        to comment ``parent_id`` (a reply sits where the comment it answers sits)."""
        recording = self._library.recording(recording_id)
        text = _text(text)
        if parent_id is not None:
            parent = self.comment(parent_id)
            if parent.recording_id != recording_id:
                raise InvalidEdit("a reply belongs on the same recording as its comment")
            start_frame, end_frame = parent.start_frame, parent.end_frame
        end = start_frame if end_frame is None else end_frame
        if not 0 <= start_frame <= end < recording.frame_count:
            raise InvalidEdit(f"frames {start_frame}..{end} are outside the recording "
                              f"(0..{recording.frame_count - 1})")
        with self._door.edit("Reply" if parent_id is not None else "Add Comment") as rec:
            comment_id = rec.insert("comments", {
                "uid": uuid.uuid4().hex, "recording_id": recording_id,
                "start_frame": start_frame, "end_frame": end, "parent_id": parent_id,
                "author": self.my_name if author is None else " ".join(author.split()),
                "text": text, "created_at": utc_now()})
        return self.comment(comment_id)

    def receive_comments(self, comments: Sequence[ReceivedComment]) -> list[Comment]:
        """Add comments from a supervision package as ONE undo step ("Receive Comments"),
        keeping each one's uid, author and time; return those added.

        A uid already here is skipped, so a package opened twice adds nothing. A
        reply finds the comment it answers by uid, here or earlier in ``comments``
        (one whose comment is in neither place stands on its own). Raises
        InvalidEdit, adding nothing, if any of them does not fit its recording."""
        rows: list[tuple[ReceivedComment, dict[str, object]]] = []
        seen: set[str] = set()
        for c in comments:
            recording = self._library.recording(c.recording_id)
            if not _UID.fullmatch(c.uid):
                raise InvalidEdit(f"{c.uid!r} is not a comment's uid")
            if not 0 <= c.start_frame <= c.end_frame < recording.frame_count:
                raise InvalidEdit(f"a comment at frames {c.start_frame}..{c.end_frame} is "
                                  f"outside its recording (0..{recording.frame_count - 1})")
            if c.uid in seen or self.comment_by_uid(c.uid) is not None:
                continue
            seen.add(c.uid)
            rows.append((c, {"uid": c.uid, "recording_id": c.recording_id,
                             "start_frame": c.start_frame, "end_frame": c.end_frame,
                             "author": " ".join(c.author.split()), "text": _text(c.text),
                             "created_at": c.created_at}))
        if not rows:
            return []
        rows = _parents_first(rows)
        ids: dict[str, int] = {}
        with self._door.edit("Receive Comments") as rec:
            for c, row in rows:
                parent = None if c.parent_uid is None else ids.get(c.parent_uid)
                if parent is None and c.parent_uid is not None:
                    known = self.comment_by_uid(c.parent_uid)
                    parent = known.id if known is not None else None
                ids[c.uid] = rec.insert("comments", {**row, "parent_id": parent})
        return [self.comment(i) for i in ids.values()]

    def add_supervisee_case(self, code: str, helping_question: str, *, supervisee: str
                            ) -> Case:
        """A case opened from ``supervisee``'s (a trainee's) supervision package. The
        code follows the rules of ``add_case``; marking whose it is is not undoable."""
        supervisee = " ".join(supervisee.split())
        if not supervisee:
            raise InvalidEdit("a trainee's case needs the trainee's name")
        case = self._caseload.add_case(code, helping_question)
        with self._door.edit("Trainee's Case", undoable=False) as rec:
            rec.update("cases", case.id, {"supervisee": supervisee})
        return self._caseload.case(case.id)

    def update_comment(self, comment_id: int, *, text: str) -> Comment:
        """Change a comment's words."""
        self.comment(comment_id)
        with self._door.edit("Edit Comment") as rec:
            rec.update("comments", comment_id, {"text": _text(text)})
        return self.comment(comment_id)

    def delete_comment(self, comment_id: int) -> None:
        """Delete a comment and its replies (one undo step brings them all back)."""
        comment = self.comment(comment_id)
        thread = [c for c in self.comments(comment.recording_id)
                  if c.id == comment_id or c.parent_id == comment_id]
        with self._door.edit("Delete Comment") as rec:
            for c in sorted(thread, key=lambda c: c.parent_id is None):  # replies first
                rec.delete("comments", c.id)

    def comment(self, comment_id: int) -> Comment:
        return fetch(self._door, Comment, "comments", comment_id, "comment")

    def comments(self, recording_id: int) -> list[Comment]:
        """The recording's comments and replies, by frame, replies in the order written."""
        return [from_row(Comment, r) for r in self._door.read(queries.comments, recording_id)]

    def threads(self, recording_id: int) -> list[tuple[Comment, list[Comment]]]:
        """Each comment with its replies."""
        found = self.comments(recording_id)
        replies: dict[int, list[Comment]] = {}
        for c in found:
            if c.parent_id is not None:
                replies.setdefault(c.parent_id, []).append(c)
        return [(c, replies.get(c.id, [])) for c in found if c.parent_id is None]

    def comment_by_uid(self, uid: str) -> Comment | None:
        row = self._door.read(queries.comment_by_uid, uid)
        return None if row is None else from_row(Comment, row)

    # -- self-assessment ----------------------------------------------------------------------

    def set_self_assessment(
        self,
        case_id: int,
        cycle: int,
        *,
        used_well: Iterable[str] = (),
        used_well_note: str = "",
        to_develop: Iterable[str] = (),
        to_develop_note: str = "",
    ) -> SelfAssessment:
        """The trainee's look back at their shared review of ``cycle``: principles used
        well and to develop (codebook ids), with a few words each. Replaces the last."""
        self._caseload.case(case_id)
        if cycle < 1:
            raise InvalidEdit("cycles are numbered from 1")
        values = {"used_well": codes_to_json(_ids(used_well)),
                  "used_well_note": used_well_note.strip(),
                  "to_develop": codes_to_json(_ids(to_develop)),
                  "to_develop_note": to_develop_note.strip(), "updated_at": utc_now()}
        existing = self.self_assessment(case_id, cycle)
        with self._door.edit("Self-Assessment") as rec:
            if existing is None:
                row_id = rec.insert("self_assessments",
                                    {"case_id": case_id, "cycle": cycle, **values})
            else:
                row_id = existing.id
                rec.update("self_assessments", row_id, values)
        return fetch(self._door, SelfAssessment, "self_assessments", row_id, "self-assessment")

    def self_assessment(self, case_id: int, cycle: int) -> SelfAssessment | None:
        row = self._door.read(queries.self_assessment, case_id, cycle)
        return None if row is None else from_row(SelfAssessment, row)


def _parents_first(rows: list[tuple[ReceivedComment, dict[str, object]]]
                   ) -> list[tuple[ReceivedComment, dict[str, object]]]:
    """``rows`` with every comment before the replies to it (otherwise as given)."""
    pending = list(rows)
    coming = {c.uid for c, _ in rows}
    ordered: list[tuple[ReceivedComment, dict[str, object]]] = []
    placed: set[str] = set()
    while pending:
        ready = [r for r in pending
                 if r[0].parent_uid is None or r[0].parent_uid not in coming - placed]
        if not ready:  # a loop of replies (not from vigtool): take them as they come
            ready = pending
        ordered += ready
        placed |= {c.uid for c, _ in ready}
        pending = [r for r in pending if r[0].uid not in placed]
    return ordered


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidEdit("a comment needs some words")
    if len(text) > MAX_COMMENT:
        raise InvalidEdit(f"a comment is at most {MAX_COMMENT} characters")
    return text


def _ids(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in ids if i.strip()))

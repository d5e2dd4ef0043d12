"""What a package's ``manifest.json`` holds, typed (schemas/package-manifest.schema.json is
the contract; these types only let the type checker see the names).

Frames in a manifest are always frames of the trainee's ORIGINAL film, which
is named by its SHA-256, never by a file name. A clip's frame 0 is its
``start_frame``; a supervisor's workspace keeps that as the clip recording's
``offset_frame``, so a frame travels there and back unchanged.
"""

from __future__ import annotations

import uuid
from typing import TypedDict

from vigtool import __version__
from vigtool.domain.records import Comment, Moment
from vigtool.store.changes import utc_now

FORMAT = "vigtool-package"
VERSION = 1
CASE, COMMENTS = "case", "comments"


class CaseEntry(TypedDict):
    code: str
    helping_question: str
    cycles: list[int]


class ConsentEntry(TypedDict):
    kind: str
    status: str  # "given", "not given" or "withdrawn"
    since: str | None
    recorded_by: str


class RecordingEntry(TypedDict):
    sha256: str
    kind: str
    cycle: int
    fps: float
    frame_count: int
    width: int
    height: int


class ClipEntry(TypedDict):
    file: str
    recording: str
    start_frame: int
    end_frame: int
    sha256: str
    size: int


class MomentEntry(TypedDict):
    id: int
    recording: str
    start_frame: int
    end_frame: int
    codes: list[str]
    title: str
    strengths: str
    prompt: str
    note: str
    coder: str
    selected_for_review: bool
    review_order: int | None


class StillEntry(TypedDict):
    file: str
    recording: str
    frame: int
    caption: str


class ReflectionEntry(TypedDict):
    cycle: int
    moment: int | None
    text: str
    created_at: str


class GoalEntry(TypedDict):
    cycle: int
    text: str


class SelfAssessmentEntry(TypedDict):
    cycle: int
    used_well: list[str]
    used_well_note: str
    to_develop: list[str]
    to_develop_note: str
    updated_at: str


class SummaryEntry(TypedDict):
    file: str
    cycle: int


class CommentEntry(TypedDict):
    uid: str
    recording: str
    start_frame: int
    end_frame: int
    parent: str | None
    author: str
    text: str
    created_at: str


Manifest = TypedDict("Manifest", {  # "from" is a Python keyword, hence this spelling
    "format": str,
    "version": int,
    "kind": str,
    "id": str,
    "answers": str | None,
    "created_at": str,
    "vigtool_version": str,
    "from": str,
    "case": CaseEntry,
    "consents": list[ConsentEntry],
    "recordings": list[RecordingEntry],
    "clips": list[ClipEntry],
    "moments": list[MomentEntry],
    "stills": list[StillEntry],
    "reflections": list[ReflectionEntry],
    "goals": list[GoalEntry],
    "self_assessments": list[SelfAssessmentEntry],
    "summary": SummaryEntry | None,
    "comments": list[CommentEntry],
    "codes": list[MomentEntry],
})


def new_manifest(kind: str, sender: str, case: CaseEntry, *, answers: str | None = None
                 ) -> Manifest:
    """An empty manifest of ``kind`` from ``sender`` (``answers``: the case package a
    comments package answers), with a fresh id."""
    return {
        "format": FORMAT, "version": VERSION, "kind": kind, "id": uuid.uuid4().hex,
        "answers": answers, "created_at": utc_now(), "vigtool_version": __version__,
        "from": sender, "case": case, "consents": [], "recordings": [], "clips": [],
        "moments": [], "stills": [], "reflections": [], "goals": [], "self_assessments": [],
        "summary": None, "comments": [], "codes": [],
    }


def moment_entry(moment: Moment, film: str, *, offset: int, coder: str,
                 chosen: bool = True) -> MomentEntry:
    """``moment`` at frames of the film ``film`` (its frames + ``offset``), signed ``coder``."""
    return {
        "id": moment.id, "recording": film, "start_frame": moment.start_frame + offset,
        "end_frame": moment.end_frame + offset, "codes": list(moment.codes),
        "title": moment.title, "strengths": moment.strengths, "prompt": moment.prompt,
        "note": moment.note, "coder": moment.coder or coder,
        "selected_for_review": moment.selected_for_review and chosen,
        "review_order": moment.review_order if chosen else None,
    }


def comment_entry(comment: Comment, film: str, *, offset: int, parent: str | None
                  ) -> CommentEntry:
    """``comment`` at frames of the film ``film``; ``parent`` is its comment's uid."""
    return {
        "uid": comment.uid, "recording": film, "start_frame": comment.start_frame + offset,
        "end_frame": comment.end_frame + offset, "parent": parent, "author": comment.author,
        "text": comment.text, "created_at": comment.created_at,
    }

"""Frozen records handed out by the Workspace.

They are snapshots: editing goes through Workspace operations, which return
fresh records. Frames are 0-based indices in presentation order; a moment's
``end_frame`` is inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Actor(StrEnum):
    CHILD = "child"
    ADULT = "adult"


class TurnKind(StrEnum):
    INITIATIVE = "initiative"
    RECEPTION = "reception"
    RESPONSE = "response"


class RecordingStatus(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    PURGED = "purged"


PRONOUNS = ("she", "he", "they")
"""How suggested wording speaks of the child; "" means by name (or "your baby")."""


@dataclass(frozen=True)
class Case:
    """A family, by pseudonym. ``child_name`` and ``pronoun`` only shape wording
    for the parent; they never appear in a file name or an export's name."""

    id: int
    code: str
    helping_question: str
    created_at: str
    child_name: str = ""
    pronoun: str = ""
    retention_until: str | None = None  # ISO date the raw film is due to be deleted by
    supervisee: str = ""  # a trainee's case opened from a supervision package (read-only)


@dataclass(frozen=True)
class Cycle:
    id: int
    case_id: int
    number: int
    note: str


@dataclass(frozen=True)
class Recording:
    id: int
    case_id: int
    cycle: int
    path: str
    original_name: str
    sha256: str
    duration_ms: int
    frame_count: int
    fps: float
    vfr: bool
    width: int
    height: int
    rotation: int
    has_audio: bool
    video_codec: str
    audio_codec: str
    status: RecordingStatus
    imported_at: str
    filmed_on: str | None = None  # ISO date, when known
    purged_at: str | None = None  # when the raw film and its derived files were deleted
    kind: str = "family"  # "family" film, or the "shared-review" film of the cycle
    source_sha256: str = ""  # a clip from a package: the trainee's film it was cut from
    offset_frame: int = 0  # ... and where: frame 0 here is this frame of that film


@dataclass(frozen=True)
class Moment:
    id: int
    recording_id: int
    start_frame: int
    end_frame: int
    codes: tuple[str, ...]
    title: str
    note: str
    strengths: str
    prompt: str
    selected_for_review: bool
    review_order: int | None
    coder: str = ""  # who tagged it ("" = this workspace's practitioner)
    locked: bool = False  # came in a supervision package: read-only here

    @property
    def frame_count(self) -> int:
        return self.end_frame - self.start_frame + 1


@dataclass(frozen=True)
class NewMoment:
    """A moment to add (no id yet); see Workspace.add_annotations."""

    start_frame: int
    end_frame: int
    codes: tuple[str, ...] = ()
    title: str = ""
    note: str = ""
    strengths: str = ""
    prompt: str = ""
    selected_for_review: bool = False
    review_order: int | None = None
    coder: str = ""
    locked: bool = False


@dataclass(frozen=True)
class NewTurn:
    """A turn to add (no id yet); actor and kind as their string values."""

    frame: int
    actor: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Turn:
    """One act in a serve-and-return chain, at one frame of a recording.

    Turns belong to the recording, not to a moment: a moment shows the turns
    whose frame lies inside it, so dragging a moment's edge never orphans one.
    """

    id: int
    recording_id: int
    frame: int
    actor: Actor
    kind: TurnKind
    note: str


@dataclass(frozen=True)
class Still:
    id: int
    recording_id: int
    frame: int
    caption: str


@dataclass(frozen=True)
class Reflection:
    """The parent's own words, written down during a shared review."""

    id: int
    case_id: int
    cycle: int
    moment_id: int | None
    text: str
    created_at: str


@dataclass(frozen=True)
class Goal:
    id: int
    case_id: int
    cycle: int
    text: str
    reached_on: str | None = None  # ISO date the family reached it; None: not yet


@dataclass(frozen=True)
class Consent:
    id: int
    case_id: int
    kind: str
    given: bool
    recorded_at: str
    retention_until: str | None
    withdrawn_at: str | None
    note: str
    recorded_by: str = ""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    action: str
    case_id: int | None
    detail: str


@dataclass(frozen=True)
class Comment:
    """A supervisor's comment pinned to a frame (start == end) or a span of a
    recording; a reply has the comment it answers as ``parent_id``. ``uid``
    stays the same in every workspace the comment travels to."""

    id: int
    uid: str
    recording_id: int
    start_frame: int
    end_frame: int
    parent_id: int | None
    author: str
    text: str
    created_at: str


@dataclass(frozen=True)
class SelfAssessment:
    """A trainee's look back at their own shared review of one cycle."""

    id: int
    case_id: int
    cycle: int
    used_well: tuple[str, ...]  # principle ids used well
    used_well_note: str
    to_develop: tuple[str, ...]  # principle ids to develop
    to_develop_note: str
    updated_at: str


@dataclass(frozen=True)
class Rating:
    """A point on a scale: how the parent (or the practitioner) rated ``measure`` at
    ``cycle`` (0 is the first meeting, before any filming; N the review of cycle N).
    ``rated_by`` says whose rating it is ("parent" even when the practitioner typed it
    in for them); ``note`` is the practitioner's own and stays in their record."""

    id: int
    case_id: int
    cycle: int
    measure: str
    value: int
    note: str
    rated_by: str
    rated_at: str

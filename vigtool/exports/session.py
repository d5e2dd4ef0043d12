"""A frozen, JSON-ready snapshot of one case (or one cycle of it), for export.

Every writer in ``vigtool.exports`` (CSV, JSON, ELAN, WebVTT) works from the
same ``SessionExport``, so the files of one export agree with each other and
with the moment the snapshot was taken, even if the workspace changes while
they are written. A frame number is the truth; each moment also carries its
milliseconds from the recording's ``FrameTimes``: ``start_ms`` is when its
first frame appears and ``end_ms`` when its last frame is replaced by the next
(end exclusive), so ``duration_ms = end_ms - start_ms`` and a moment of one
frame lasts that frame's display time.

The snapshot is practitioner data: it includes private notes. An export for
anyone else is made from ``for_audience(audience)``, which keeps only what
that audience may see (``vigtool.exports.audience``). No Qt here;
``build_session`` reads a ``View``: give it a ``Snapshot`` (as ``run_export``
does) for one consistent state while the workspace is being edited.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from vigtool import __version__
from vigtool.codebook import DEFAULT_CODEBOOK_ID, Codebook, builtin_codebook
from vigtool.domain.measures import Measure, for_family
from vigtool.domain.plain import plain
from vigtool.domain.records import Moment, Recording
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import InvalidEdit, NotFound, VigtoolError
from vigtool.exports.audience import Audience, holds_everything
from vigtool.privacy.files import atomic_output, file_errors
from vigtool.workspace import View

EXPORT_FORMAT = "vigtool-session-export"
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class CodeRef:
    """A code on a moment. ``group`` is None when the codebook does not know the
    code (tagged with another codebook); its label is then its id."""

    id: str
    label: str
    group: str | None



@dataclass(frozen=True)
class CaseInfo:
    id: int
    code: str
    helping_question: str
    created_at: str



@dataclass(frozen=True)
class CycleInfo:
    number: int
    note: str



@dataclass(frozen=True)
class RecordingInfo:
    """A recording's facts; ``times_known`` is False when neither its footage
    nor its cached frame index is left, so moments of it have no milliseconds."""

    id: int
    cycle: int
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
    status: str
    times_known: bool



@dataclass(frozen=True)
class MomentInfo:
    """A tagged moment: frames ``start_frame..end_frame`` inclusive, shown
    from ``start_ms`` up to (not including) ``end_ms``."""

    id: int
    recording_id: int
    start_frame: int
    end_frame: int
    start_ms: int | None
    end_ms: int | None
    codes: tuple[CodeRef, ...]
    title: str
    note: str
    strengths: str
    prompt: str
    selected_for_review: bool
    review_order: int | None

    COMPUTED: ClassVar[tuple[str, ...]] = ("frame_count", "duration_ms")

    @property
    def frame_count(self) -> int:
        return self.end_frame - self.start_frame + 1

    @property
    def duration_ms(self) -> int | None:
        if self.start_ms is None or self.end_ms is None:
            return None
        return self.end_ms - self.start_ms

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes)



@dataclass(frozen=True)
class TurnInfo:
    """One serve-and-return act at one frame, shown from ``start_ms`` to ``end_ms``."""

    id: int
    recording_id: int
    frame: int
    start_ms: int | None
    end_ms: int | None
    actor: str
    kind: str
    note: str



@dataclass(frozen=True)
class StillInfo:
    id: int
    recording_id: int
    frame: int
    ms: int | None
    caption: str



@dataclass(frozen=True)
class ReflectionInfo:
    """The parent's own words; ``moment_id`` may name a moment outside this export."""

    id: int
    cycle: int
    moment_id: int | None
    text: str
    created_at: str



@dataclass(frozen=True)
class GoalInfo:
    id: int
    cycle: int
    text: str



@dataclass(frozen=True)
class RatingInfo:
    """A point on a scale: ``measure`` rated ``value`` at ``cycle`` (0: the first meeting)
    by the parent or the practitioner; ``note`` is the practitioner's own."""

    id: int
    cycle: int
    measure: str
    value: int
    rated_by: str
    rated_at: str
    note: str



@dataclass(frozen=True)
class SessionExport:
    """One case (all cycles, or the one in ``cycle``) as it was at ``exported_at``.

    ``codebook`` is the whole codebook the labels came from (the ELAN writer
    needs its groups and descriptions); the JSON names it by id, name and version.
    """

    exported_at: str
    vigtool_version: str
    codebook: Codebook
    case: CaseInfo
    cycle: int | None
    cycles: tuple[CycleInfo, ...]
    recordings: tuple[RecordingInfo, ...]
    moments: tuple[MomentInfo, ...]
    turns: tuple[TurnInfo, ...]
    stills: tuple[StillInfo, ...]
    reflections: tuple[ReflectionInfo, ...]
    goals: tuple[GoalInfo, ...]
    # Scaling from the first meeting up to ``cycle`` (every cycle when None), and the
    # measures those ratings are on (their ranges and wording), so the file explains itself.
    ratings: tuple[RatingInfo, ...] = ()
    measures: tuple[Measure, ...] = ()

    def recording(self, recording_id: int) -> RecordingInfo:
        for recording in self.recordings:
            if recording.id == recording_id:
                return recording
        raise NotFound(f"recording {recording_id} is not in this export of case {self.case.code}")

    def moments_of(self, recording_id: int) -> tuple[MomentInfo, ...]:
        return tuple(m for m in self.moments if m.recording_id == recording_id)

    def turns_of(self, recording_id: int) -> tuple[TurnInfo, ...]:
        return tuple(t for t in self.turns if t.recording_id == recording_id)

    def for_audience(self, audience: Audience) -> SessionExport:
        """What ``audience`` may see of this snapshot (``vigtool.exports.audience``).

        The practitioner's record is the whole snapshot. For anyone else: only
        the moments chosen for the review, with the turns, stills and the
        parent's reflections that belong to them (or to the cycle as a whole),
        no private notes (moments', turns' and cycles'), and each film named
        ``recording-<id>`` instead of its original file name.
        """
        if holds_everything(audience):
            return self
        moments = tuple(replace(m, note="") for m in self.moments if m.selected_for_review)
        spans: dict[int, list[tuple[int, int]]] = {}
        for m in moments:
            spans.setdefault(m.recording_id, []).append((m.start_frame, m.end_frame))

        def shown(recording_id: int, frame: int) -> bool:
            return any(a <= frame <= b for a, b in spans.get(recording_id, ()))

        chosen = {m.id for m in moments}
        return replace(
            self,
            cycles=tuple(replace(c, note="") for c in self.cycles),
            recordings=tuple(
                replace(r, original_name=f"recording-{r.id}{_video_suffix(r.original_name)}")
                for r in self.recordings),
            moments=moments,
            turns=tuple(replace(t, note="") for t in self.turns
                        if shown(t.recording_id, t.frame)),
            stills=tuple(s for s in self.stills if shown(s.recording_id, s.frame)),
            reflections=tuple(r for r in self.reflections
                              if r.moment_id is None or r.moment_id in chosen),
            ratings=for_family(self.ratings),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (lists, not tuples), as in ``schemas/session-export.schema.json``."""
        return {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": self.exported_at,
            "vigtool_version": self.vigtool_version,
            "codebook": {
                "id": self.codebook.id,
                "name": self.codebook.name,
                "version": self.codebook.version,
            },
            "case": plain(self.case),
            "cycle": self.cycle,
            "cycles": plain(self.cycles),
            "recordings": plain(self.recordings),
            "moments": plain(self.moments),
            "turns": plain(self.turns),
            "stills": plain(self.stills),
            "reflections": plain(self.reflections),
            "goals": plain(self.goals),
            "ratings": plain(self.ratings),
            "measures": [m.to_dict() for m in self.measures
                         if any(r.measure == m.id for r in self.ratings)],
        }


def build_session(
    ws: View,
    case_id: int,
    cycle: int | None = None,
    *,
    codebook: Codebook | None = None,
    family_films_only: bool = False,
) -> SessionExport:
    """Snapshot ``case_id`` (only cycle ``cycle`` if given) for export.

    ``family_films_only`` leaves out the films of the practitioner's shared
    reviews (supervision material), as every export but the record does.

    ``codebook`` gives the code labels (default: the built-in VIG principles).
    Milliseconds come from each recording's frame index; a recording whose
    footage and index are both gone is still exported, with ``None`` times.
    Raises NotFound for an unknown case and InvalidEdit for a cycle it does not have.
    """
    book = codebook if codebook is not None else builtin_codebook(DEFAULT_CODEBOOK_ID)
    case = ws.caseload.case(case_id)
    all_cycles = ws.caseload.cycles(case_id)
    if cycle is not None and cycle not in {c.number for c in all_cycles}:
        raise InvalidEdit(f"case {case.code} has no cycle {cycle}")
    cycles = tuple(
        CycleInfo(c.number, c.note) for c in all_cycles if cycle is None or c.number == cycle
    )
    recordings: list[RecordingInfo] = []
    moments: list[MomentInfo] = []
    turns: list[TurnInfo] = []
    stills: list[StillInfo] = []
    for rec in ws.library.recordings(case_id):
        if cycle is not None and rec.cycle != cycle:
            continue
        if family_films_only and rec.kind != "family":
            continue
        times = _frame_times(ws, rec)
        recordings.append(_recording_info(rec, times is not None))
        moments.extend(_moment_info(m, times, book) for m in ws.annotations.moments(rec.id))
        for turn in ws.annotations.turns(rec.id):
            start, end = _span(times, turn.frame, turn.frame)
            turns.append(
                TurnInfo(turn.id, rec.id, turn.frame, start, end, turn.actor.value,
                         turn.kind.value, turn.note)
            )
        for still in ws.annotations.stills(rec.id):
            ms = _span(times, still.frame, still.frame)[0]
            stills.append(StillInfo(still.id, rec.id, still.frame, ms, still.caption))
    reflections = tuple(
        ReflectionInfo(r.id, r.cycle, r.moment_id, r.text, r.created_at)
        for r in ws.review.reflections(case_id, cycle)
    )
    goals = tuple(GoalInfo(g.id, g.cycle, g.text) for g in ws.review.goals(case_id, cycle))
    ratings = tuple(
        RatingInfo(r.id, r.cycle, r.measure, r.value, r.rated_by, r.rated_at, r.note)
        for r in ws.measures.ratings(case_id) if cycle is None or r.cycle <= cycle
    )
    return SessionExport(
        exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vigtool_version=__version__,
        codebook=book,
        case=CaseInfo(case.id, case.code, case.helping_question, case.created_at),
        cycle=cycle,
        cycles=cycles,
        recordings=tuple(recordings),
        moments=tuple(moments),
        turns=tuple(turns),
        stills=tuple(stills),
        reflections=reflections,
        goals=goals,
        ratings=ratings,
        measures=ws.measures.measures(),
    )


def code_refs(codes: Iterable[str], codebook: Codebook) -> tuple[CodeRef, ...]:
    """Label each code id from the codebook; unknown ids keep their id as label."""
    known = {code.id: code for code in codebook.codes}
    refs: list[CodeRef] = []
    for code_id in codes:
        code = known.get(code_id)
        refs.append(
            CodeRef(code_id, code.label, code.group) if code else CodeRef(code_id, code_id, None)
        )
    return tuple(refs)


@contextlib.contextmanager
def export_target(out: Path) -> Iterator[Path]:
    """A private temp path that becomes ``out`` only if the block completes.

    Any failure or cancel (``Cancelled`` raised inside the block) removes the
    temp file and leaves ``out`` as it was; an OSError (full disk, a folder in
    the way) becomes a one-line VigtoolError.
    """
    with file_errors(out), atomic_output(out) as tmp:
        yield tmp


def write_export_bytes(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` privately and atomically; return ``out``."""
    with export_target(out) as tmp:
        tmp.write_bytes(data)
    return out


def _video_suffix(name: str) -> str:
    """A file name's extension (``.mp4``) if it looks like one, else nothing."""
    suffix = Path(name).suffix
    return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix) else ""


def _frame_times(ws: View, rec: Recording) -> FrameTimes | None:
    try:
        return ws.library.frame_times(rec.id)
    except VigtoolError:
        return None


def _recording_info(rec: Recording, times_known: bool) -> RecordingInfo:
    """The recording's facts for export: every field the two records share, by name."""
    shared = {f.name: getattr(rec, f.name) for f in fields(RecordingInfo)
              if f.name not in ("status", "times_known")}
    return RecordingInfo(**shared, status=rec.status.value, times_known=times_known)


def _span(times: FrameTimes | None, start: int, end: int) -> tuple[int | None, int | None]:
    if times is None or end >= times.frame_count:
        return None, None
    return times.span_ms(start, end)


def _moment_info(moment: Moment, times: FrameTimes | None, codebook: Codebook) -> MomentInfo:
    start_ms, end_ms = _span(times, moment.start_frame, moment.end_frame)
    return MomentInfo(
        id=moment.id,
        recording_id=moment.recording_id,
        start_frame=moment.start_frame,
        end_frame=moment.end_frame,
        start_ms=start_ms,
        end_ms=end_ms,
        codes=code_refs(moment.codes, codebook),
        title=moment.title,
        note=moment.note,
        strengths=moment.strengths,
        prompt=moment.prompt,
        selected_for_review=moment.selected_for_review,
        review_order=moment.review_order,
    )

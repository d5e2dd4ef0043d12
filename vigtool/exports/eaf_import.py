"""ELAN annotation files (EAF 2.7-3.0) read back as moments and turns.

Three steps, one module each: ``eaf_document.read_eaf`` reads and checks the
file (nothing else touched), ``eaf_plan.plan_import`` works out the moments
and turns it means on the recording's frames (pure), and ``import_eaf`` here
adds what the recording does not have yet. The file is read and checked
completely before anything is added, so a broken file changes nothing.
No Qt here; call ``import_eaf`` on the thread that owns the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vigtool.codebook import DEFAULT_CODEBOOK_ID, Codebook, builtin_codebook
from vigtool.domain.records import Moment, NewMoment, NewTurn, Turn
from vigtool.errors import InvalidEdit
from vigtool.exports.eaf import SHA_PROPERTY
from vigtool.exports.eaf_document import read_eaf
from vigtool.exports.eaf_plan import AnnotationIssue, ImportPlan, plan_import
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.workspace import Workspace


@dataclass(frozen=True)
class ImportReport:
    """What ``import_eaf`` did. ``uncoded`` annotations were imported as code-less
    moments titled with their text; ``skipped`` ones were not imported;
    ``clamped`` ones were cut at the recording's last frame."""

    source: str
    recording_id: int
    moments: tuple[Moment, ...]
    turns: tuple[Turn, ...]
    already_present: int
    uncoded: tuple[AnnotationIssue, ...]
    skipped: tuple[AnnotationIssue, ...]
    clamped: tuple[AnnotationIssue, ...]
    notes: tuple[str, ...]

    def summary(self) -> str:
        """One line for a status bar."""
        parts = [f"{len(self.moments)} moments and {len(self.turns)} turns imported "
                 f"from {self.source}"]
        if self.uncoded:
            parts.append(f"{len(self.uncoded)} without a code")
        if self.clamped:
            parts.append(f"{len(self.clamped)} cut at the end of the video")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.already_present:
            parts.append(f"{self.already_present} already there")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        """The summary, then every note and every annotation that needs a look."""
        out = [self.summary(), *self.notes]
        out += [f"no code: {issue}" for issue in self.uncoded]
        out += [f"cut: {issue}" for issue in self.clamped]
        out += [f"skipped: {issue}" for issue in self.skipped]
        return out


def import_eaf(
    ws: Workspace,
    eaf_path: Path,
    case_id: int,
    recording_id: int,
    codebook: Codebook | None = None,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ImportReport:
    """Add an ELAN file's annotations to ``recording_id`` as moments and turns.

    The file is read and checked completely before anything is added, so a
    broken file (VigtoolError, one line) or a cancel changes nothing. Adding
    is not cancellable. Annotations identical to moments or turns already on
    the recording are not added twice, so importing a file again is harmless.

    Each moment and turn is added with ``Workspace.add_moment``/``add_turn``,
    so each is its own undo step and its own change notification; a batch
    operation on the Workspace would make the whole import one "Import ELAN
    File" step.
    """
    book = codebook if codebook is not None else builtin_codebook(DEFAULT_CODEBOOK_ID)
    recording = ws.library.recording(recording_id)
    if recording.case_id != case_id:
        raise InvalidEdit(f"recording {recording_id} does not belong to case {case_id}")
    document = read_eaf(Path(eaf_path))
    cancel.raise_if_cancelled()
    plan = plan_import(document, ws.library.frame_times(recording_id), book)
    notes = list(plan.notes)
    exported_from = document.property(SHA_PROPERTY)
    if exported_from and exported_from != recording.sha256:
        notes.append(
            f"{document.name} was exported from another video than {recording.original_name}; "
            "its times were used as they are"
        )
    cancel.raise_if_cancelled()

    added_moments, added_turns, already = _apply(ws, recording_id, plan, progress)
    return ImportReport(
        source=document.name,
        recording_id=recording_id,
        moments=added_moments,
        turns=added_turns,
        already_present=already,
        uncoded=plan.uncoded,
        skipped=plan.skipped,
        clamped=plan.clamped,
        notes=tuple(notes),
    )


def _apply(
    ws: Workspace, recording_id: int, plan: ImportPlan, progress: Progress
) -> tuple[tuple[Moment, ...], tuple[Turn, ...], int]:
    """Add what the plan holds and the recording does not have yet, as one undo
    step; returns the added moments, the added turns and how many were already there."""
    existing_moments = {
        (m.start_frame, m.end_frame, frozenset(m.codes), m.title)
        for m in ws.annotations.moments(recording_id)
    }
    existing_turns = {(t.frame, t.actor, t.kind) for t in ws.annotations.turns(recording_id)}
    new_moments = [
        p for p in plan.moments
        if (p.start_frame, p.end_frame, frozenset(p.codes), p.title) not in existing_moments
    ]
    new_turns = [t for t in plan.turns if (t.frame, t.actor, t.kind) not in existing_turns]
    already = len(plan.moments) - len(new_moments) + len(plan.turns) - len(new_turns)
    total = len(new_moments) + len(new_turns)
    added_moments, added_turns = ws.annotations.add_annotations(
        recording_id,
        moments=[NewMoment(p.start_frame, p.end_frame, tuple(p.codes), p.title, p.note)
                 for p in new_moments],
        turns=[NewTurn(t.frame, str(t.actor), str(t.kind), t.note) for t in new_turns],
        name="Import ELAN File",
    )
    progress(total, total)
    moments, turns = added_moments, added_turns
    return tuple(moments), tuple(turns), already

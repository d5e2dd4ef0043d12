"""Deleting a case's raw film when its time is up (or the family asks): the purge.

A purge removes, for one case, every film recording (the workspace's copies,
and the original file for a recording that was only linked), everything
derived from them inside the workspace (frame indexes, waveforms, thumbnails,
the case's exports in ``exports/``, half-written leftovers), and marks the
recordings purged. The practitioner's work stays: moments, turns, stills with
their captions, reflections, goals, consents and the audit log.

When the family consented to keeping clips (``keep-clips``), the moments
chosen for the shared review are first re-encoded from decoded frames (no
byte of the original film is copied) into ``kept/case-<id>/``, with each
chosen moment's still as a picture. Without that consent nothing of the
picture or sound is kept.

Order, so a crash at any point leaves no film behind and nothing half-done:
the audit log notes the intent; kept clips are written beside their final
names and moved in; the recordings are marked purged in one transaction
(with the outcome in the audit log); then the files go. A crash before the
files go leaves only unreferenced files, which the next open sweeps away.
Purging cannot be undone.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from vigtool.domain.records import Moment, Recording, RecordingStatus
from vigtool.errors import VigtoolError
from vigtool.exports.naming import case_exports
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.stills import write_still
from vigtool.privacy.files import TEMP_PREFIX, private_dir
from vigtool.workspace import Workspace


@dataclass(frozen=True)
class PurgePlan:
    """What a purge of one case would do, for the practitioner to confirm."""

    case_id: int
    case_code: str
    root: Path  # the workspace folder
    recordings: tuple[Recording, ...]
    remove: tuple[Path, ...]  # files and folders that will be deleted
    keep_clips: bool
    chosen: tuple[tuple[Recording, Moment], ...]  # clips kept (with keep-clips consent)

    @property
    def empty(self) -> bool:
        return not self.recordings and not self.remove

    def lines(self) -> list[str]:
        """The plan in plain lines (practitioner-facing)."""
        n = len(self.recordings)
        out = [f"Purge case {self.case_code}: delete the raw film of {n} recording(s) "
               f"and {len(self.remove)} file(s) and folder(s) made from it."]
        outside = [p for p in self.remove if self.root not in p.parents]
        out += [f"  The original film outside the workspace: {p}" for p in outside]
        if self.keep_clips:
            out.append(f"The family consented to keeping clips: {len(self.chosen)} chosen "
                       f"clip(s) and their stills are kept in the workspace's kept/ folder.")
        else:
            out.append("No consent to keep clips is recorded: no clip or picture is kept.")
        out.append("Moments, stills' captions, the parent's words, goals, consents and the "
                   "audit log are kept.")
        out.append("This cannot be undone.")
        return out


@dataclass
class PurgeResult:
    case_code: str
    purged: list[int] = field(default_factory=list)  # recording ids
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # files that could not be removed, why

    def lines(self) -> list[str]:
        out = [f"case {self.case_code}: {len(self.purged)} recording(s) purged, "
               f"{len(self.removed)} file(s) removed, {len(self.kept)} kept"]
        out += [f"could not remove {line}" for line in self.left]
        return out


def plan_purge(ws: Workspace, case_id: int) -> PurgePlan:
    """Work out (without changing anything) what purging the case would remove and keep."""
    case = ws.caseload.case(case_id)
    recordings = tuple(r for r in ws.library.recordings(case_id)
                       if r.status is not RecordingStatus.PURGED)
    remove: list[Path] = []
    for rec in recordings:
        film = ws.library.media_path(rec)
        if film.exists():
            remove.append(film)
        remove += sorted((ws.root / "index").glob(f"{rec.sha256}*"))
    remove += case_exports(ws.root / "exports", case.code)
    remove += sorted(p for p in ws.root.rglob(f"{TEMP_PREFIX}*"))
    keep = ws.privacy.has_consent(case_id, "keep-clips")
    chosen: list[tuple[Recording, Moment]] = []
    if keep:
        for rec in recordings:
            chosen += [(rec, m) for m in ws.annotations.moments(rec.id) if m.selected_for_review]
        chosen.sort(key=lambda pair: (pair[0].cycle, pair[1].review_order or 0, pair[1].id))
    return PurgePlan(case_id, case.code, ws.root, recordings, tuple(dict.fromkeys(remove)), keep,
                     tuple(chosen))


def purge_case(
    ws: Workspace,
    plan: PurgePlan,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> PurgeResult:
    """Carry out ``plan`` (from ``plan_purge``, confirmed by the practitioner)."""
    result = PurgeResult(plan.case_code)
    if plan.empty:
        return result
    ws.privacy.record_event(
        "purge-started", plan.case_id,
        f"{plan.case_code}: {len(plan.recordings)} recording(s), "
        f"{len(plan.remove)} file(s); keeping {len(plan.chosen)} clip(s)")
    total = len(plan.chosen) + 1
    if plan.chosen:
        result.kept = _keep_clips(ws, plan, progress, cancel, total)
    cancel.raise_if_cancelled()  # the last point where stopping changes nothing
    ids = [r.id for r in plan.recordings]
    ws.library.mark_purged(plan.case_id, ids, f"{plan.case_code}: raw film of recording(s) "
                           f"{', '.join(map(str, ids)) or 'none'} deleted; "
                           f"{len(result.kept)} kept file(s)")
    result.purged = ids
    for path in plan.remove:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            result.removed.append(path)
        except OSError as exc:
            result.left.append(f"{path}: {exc.strerror or exc}")
    if result.left:
        ws.privacy.record_event("purge", plan.case_id,
                                f"{plan.case_code}: {len(result.left)} file(s) could not be "
                                "removed: " + "; ".join(result.left)[:500])
    progress(total, total)
    return result


def _keep_clips(
    ws: Workspace, plan: PurgePlan, progress: Progress, cancel: CancelToken, total: int
) -> list[Path]:
    """Re-encode each chosen clip (and write its still) into kept/<case>/."""
    private_dir(ws.library.kept_folder(plan.case_id))
    kept: list[Path] = []
    for n, (recording, moment) in enumerate(plan.chosen, start=1):
        cancel.raise_if_cancelled()
        try:
            index = ws.library.frame_index(recording.id)
            film = ws.library.media_path(recording)
            clip = ws.library.kept_clip(recording, moment.id)
            cut_clip(film, index, moment.start_frame, moment.end_frame, clip,
                     options=CutOptions(smart=False), cancel=cancel)
            kept.append(clip)
            for still in ws.annotations.stills_in(moment):
                picture = ws.library.kept_still(recording, moment.id, still.id)
                with ws.library.open_reader(recording.id, prefetch=False) as reader:
                    write_still(reader.frame(still.frame), picture)
                kept.append(picture)
        except OSError as exc:
            raise VigtoolError(f"the clips to keep could not be written ({exc.strerror or exc}); "
                               "nothing was deleted") from exc
        progress(n, total)
    return kept

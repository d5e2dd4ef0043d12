"""Recordings: importing and relinking footage, where it lives, its frame index and readers."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from vigtool.domain.records import Recording, RecordingStatus
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import InvalidEdit, NotFound, VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex, build_frame_index, load_or_build_frame_index
from vigtool.media.ingest import copy_with_hash, hash_file
from vigtool.media.opening import check_readable_file
from vigtool.media.probe import probe_video
from vigtool.media.reader import FrameReader
from vigtool.privacy.files import TEMP_PREFIX, atomic_write_bytes
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, index_file
from vigtool.workspace.privacy import Privacy

RECORDING_KINDS = ("family", "shared-review")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class DuplicateRecording(VigtoolError):
    """The same video (by content) is already in the workspace."""

    def __init__(self, message: str, existing: Recording) -> None:
        super().__init__(message)
        self.existing = existing


class Library:
    """``ws.library``: the workspace's recordings and the media behind them.

    Thread-safe like every manager; importing hashes, copies and indexes
    outside the workspace's lock, so edits go on while a film imports.
    """

    def __init__(self, door: Door, caseload: Caseload, privacy: Privacy) -> None:
        self._door = door
        self._caseload = caseload
        self._privacy = privacy

    def import_recording(
        self,
        case_id: int,
        *,
        path: Path | str,
        cycle: int = 1,
        copy: bool = True,
        filmed_on: str | None = None,
        kind: str = "family",
        source_sha256: str = "",
        offset_frame: int = 0,
        progress: Progress = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> Recording:
        """Probe, index and (by default) copy a video into the workspace's ``media/``.

        ``filmed_on`` is the day of filming as an ISO date ("2026-11-29"), if known.
        ``kind`` is ``"family"`` (the film of parent and child) or ``"shared-review"``
        (the film of the practitioner's shared review with the parent, for supervision).
        ``source_sha256`` and ``offset_frame`` are for a clip from a supervision
        package: its frame 0 is frame ``offset_frame`` of the trainee's film whose
        SHA-256 is ``source_sha256`` (so comments go back to the same frames).

        Raises DuplicateRecording (carrying the existing record) when the same
        bytes are already here, and MediaError for anything that is not a
        readable video, and ConsentMissing when the family's consent to filming
        is not recorded; in all these cases nothing is written. Importing is a file
        operation, not an edit: it is not undone, and edits made while it ran
        keep their undo history.
        """
        source = Path(path).expanduser()
        self._caseload.case(case_id)
        self._privacy.require_consent(case_id, "filming", "import a film")
        if cycle < 1:
            raise InvalidEdit("cycles are numbered from 1")
        if kind not in RECORDING_KINDS:
            raise InvalidEdit(f"a recording is {' or '.join(RECORDING_KINDS)}, not {kind!r}")
        filmed_on = _iso_date(filmed_on)
        if (source_sha256 and not _SHA256.fullmatch(source_sha256)) or offset_frame < 0 or (
                offset_frame and not source_sha256):
            raise InvalidEdit("a clip's source is a film's SHA-256 and a frame from 0")
        check_readable_file(source)
        index = build_frame_index(source, cancel=cancel)
        probe = probe_video(source, index)
        sha = hash_file(source, progress=progress, cancel=cancel)
        self._refuse_duplicate(sha, source)
        if copy:
            stored = Path("media") / f"{sha[:16]}{source.suffix.lower()}"
            copied = copy_with_hash(source, self.root / stored, progress=progress, cancel=cancel)
            if copied != sha:
                (self.root / stored).unlink(missing_ok=True)
                raise VigtoolError(f"{source.name} changed while it was being imported; try again")
            stored_path = stored.as_posix()
        else:
            stored_path = str(source.resolve())
        atomic_write_bytes(index_file(self.root, sha), index.to_bytes())
        values = {
            "case_id": case_id, "cycle": cycle, "path": stored_path,
            "original_name": source.name, "sha256": sha, "duration_ms": probe.duration_ms,
            "frame_count": probe.frame_count, "fps": probe.fps, "vfr": int(probe.vfr),
            "width": probe.width, "height": probe.height, "rotation": probe.rotation,
            "has_audio": int(probe.has_audio), "video_codec": probe.codec,
            "audio_codec": probe.audio_codec, "imported_at": utc_now(), "filmed_on": filmed_on,
            "kind": kind, "source_sha256": source_sha256, "offset_frame": offset_frame,
        }
        with self._door.edit("Import Recording", undoable=False) as rec:
            self._refuse_duplicate(sha, source)  # another import may have won the race
            if cycle not in {c.number for c in self._caseload.cycles(case_id)}:
                rec.insert("cycles", {"case_id": case_id, "number": cycle})
            recording_id = rec.insert("recordings", values)
            rec.log("import", case_id, f"recording {recording_id}, cycle {cycle}")
        self._door.indexes.put(recording_id, index)
        return self.recording(recording_id)

    def _refuse_duplicate(self, sha256: str, source: Path) -> None:
        found = self.recording_by_hash(sha256)
        if found is not None:
            raise DuplicateRecording(
                f"{source.name} is already in this workspace (recording {found.id})", found
            )

    def relink_recording(
        self,
        recording_id: int,
        path: Path | str,
        *,
        progress: Progress = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> Recording:
        """Point a missing recording at a file found elsewhere, if it holds the same bytes."""
        recording = self.recording(recording_id)
        source = Path(path).expanduser()
        check_readable_file(source)
        if hash_file(source, progress=progress, cancel=cancel) != recording.sha256:
            raise VigtoolError(
                f"{source.name} is not the same video as {recording.original_name} "
                "(its content differs)"
            )
        with self._door.edit("Locate Recording", undoable=False) as rec:
            rec.update("recordings", recording_id, {"path": str(source.resolve())})
            rec.log("relink", recording.case_id, f"recording {recording_id}")
        return self.recording(recording_id)

    def set_filmed_on(self, recording_id: int, filmed_on: str | None) -> Recording:
        """Record the day the film was made (ISO date), or None; one undo step."""
        self.recording(recording_id)
        with self._door.edit("Edit Filming Date") as rec:
            rec.update("recordings", recording_id, {"filmed_on": _iso_date(filmed_on)})
        return self.recording(recording_id)

    def mark_purged(self, case_id: int, recording_ids: list[int], detail: str) -> None:
        """Record that these recordings' film is deleted (one transaction, logged as
        "purge"; not undoable). Their files are the caller's to remove: any left
        are swept at the next open, as no recording points to them any more."""
        now = utc_now()
        with self._door.edit("Purge", undoable=False) as rec:
            for recording_id in recording_ids:
                rec.update("recordings", recording_id,
                           {"purged": 1, "purged_at": now})
            rec.log("purge", case_id, detail)

    def sweep_leftovers(self, *, older_than_s: float = 0.0) -> list[Path]:
        """Remove what a killed or failed import or export left behind; return it.

        That is: half-written files (``.vigtool-partial-*``) anywhere in the
        workspace, and copies in ``media/`` that no recording points to (an
        import that died between copying and recording). The workspace's one
        writer runs it as it opens, so nothing removed can belong to work still
        running (``older_than_s`` spares younger things). Folders outside the
        workspace are never touched.
        """
        rows = self._door.read(queries.recordings, None)
        known = {Path(r["path"]).name for r in rows
                 if not Path(r["path"]).is_absolute() and not r["purged"]}
        cutoff = time.time() - older_than_s
        removed: list[Path] = []
        candidates = list(self.root.rglob(f"{TEMP_PREFIX}*"))
        media = self.root / "media"
        if media.is_dir():
            candidates += [p for p in media.iterdir() if p.is_file() and p.name not in known]
        live = {r["sha256"] for r in rows if not r["purged"]}
        index = self.root / "index"
        if index.is_dir():  # frame indexes and waveforms of purged (or never recorded) films
            candidates += [p for p in index.iterdir()
                           if p.is_file() and p.name.split(".")[0] not in live]
        for path in sorted(set(candidates), key=lambda p: len(p.parts), reverse=True):
            try:
                if path.lstat().st_mtime > cutoff:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                continue  # in use or already gone: try again next time
            removed.append(path)
        return removed

    @property
    def root(self) -> Path:
        """The workspace folder (relative media paths start here)."""
        return self._door.root

    def recording(self, recording_id: int) -> Recording:
        """The recording with this id, its status (present, missing, purged) read now."""
        row = self._door.read(queries.by_id, "recordings", recording_id)
        if row is None:
            raise NotFound(f"there is no recording with id {recording_id}")
        return self._record(row)

    def recordings(self, case_id: int | None = None) -> list[Recording]:
        """A case's recordings (every case's with None), by cycle then import."""
        return [self._record(r) for r in self._door.read(queries.recordings, case_id)]

    def find_recording_by_content(
        self, path: Path | str, *, cancel: CancelToken = NEVER_CANCELLED
    ) -> Recording | None:
        """The recording holding exactly this file's bytes, wherever the file now is."""
        source = Path(path).expanduser()
        check_readable_file(source)
        return self.recording_by_hash(hash_file(source, cancel=cancel))

    def recording_by_hash(self, sha256: str) -> Recording | None:
        """The recording whose content has this SHA-256, or None."""
        row = self._door.read(queries.recording_by_hash, sha256)
        return self._record(row) if row is not None else None

    def media_path(self, recording: Recording) -> Path:
        """Where the recording's footage is (the workspace's copy, or the file it links to)."""
        path = Path(recording.path)
        return path if path.is_absolute() else self.root / path

    def derived_file(self, recording: Recording, name: str) -> Path:
        """Where to keep a file made from (or for) this recording's film, such as the
        still picture or the summary a supervision package brought: beside its frame
        index, so it lives as long as the film and a purge removes it with the film.
        ``name`` is a plain file name ("still-12.png"); the file may not exist."""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*\.[a-z0-9]{1,5}", name):
            raise InvalidEdit(f"{name!r} is not a plain file name")
        return self.root / "index" / f"{recording.sha256}.{name}"

    def kept_folder(self, case_id: int) -> Path:
        """Where a purge puts the clips and stills the family consented to keep
        (by case id, so renaming the case does not lose them)."""
        return self.root / "kept" / f"case-{case_id}"

    def kept_clip(self, recording: Recording, moment_id: int) -> Path:
        """The kept clip of a moment of a purged recording (it may not exist)."""
        return self.kept_folder(recording.case_id) / f"c{recording.cycle}-moment{moment_id}.mp4"

    def kept_still(self, recording: Recording, moment_id: int, still_id: int) -> Path:
        """The kept picture of a still of a purged recording (it may not exist)."""
        return (self.kept_folder(recording.case_id)
                / f"c{recording.cycle}-moment{moment_id}-still{still_id}.png")

    def _record(self, row: Mapping[str, Any]) -> Recording:
        if row["purged"]:
            status = RecordingStatus.PURGED
        else:
            path = Path(row["path"])
            present = (path if path.is_absolute() else self.root / path).is_file()
            status = RecordingStatus.PRESENT if present else RecordingStatus.MISSING
        return from_row(Recording, row, status=status)

    def frame_index(self, recording_id: int) -> FrameIndex:
        """The recording's frame index (cached on disk by content hash, and in memory)."""
        recording = self.recording(recording_id)
        return self._door.indexes.get(
            recording_id,
            lambda: load_or_build_frame_index(
                self.media_path(recording), index_file(self.root, recording.sha256)
            ),
        )

    def frame_times(self, recording_id: int) -> FrameTimes:
        """Each frame's start in ms (frame numbers are the truth, ms are derived)."""
        return self.frame_index(recording_id).times

    def open_reader(self, recording_id: int, **options: Any) -> FrameReader:
        """An exact-frame reader on the recording; the caller closes it."""
        recording = self.recording(recording_id)
        return FrameReader(self.media_path(recording), self.frame_index(recording_id), **options)


def _iso_date(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InvalidEdit(f"{text!r} is not a date like 2026-11-29") from None

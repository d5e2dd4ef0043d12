"""The Workspace: the one facade the GUI, the CLI and scripts use (no Qt here).

A workspace is a folder: ``workspace.db`` (SQLite, WAL), ``media/`` (the
workspace's own copies of recordings), ``index/`` (frame indexes by content
hash) and ``exports/``. Folders are 0700 and files 0600: this is family
footage.

Every user edit is a named operation that commits at once (there is no Save
to forget), records an undo entry, and returns fresh records. Listeners
registered with ``subscribe`` hear a ``Changes`` after every edit, undo and
redo, so each view redraws only what was touched. Undo history lives in
memory for the session; everything it would undo is already on disk.

Threading: one thread at a time. Long steps (import) take ``progress`` and
``cancel`` so a GUI worker can run them; never call UI code from here.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from vigtool.domain.records import (
    Actor,
    AuditEntry,
    Case,
    Consent,
    Cycle,
    Goal,
    Moment,
    NewMoment,
    NewTurn,
    Recording,
    RecordingStatus,
    Reflection,
    Still,
    Turn,
    TurnKind,
)
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import InvalidEdit, NotFound, NothingToUndo, StoreError, VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex, build_frame_index, load_or_build_frame_index
from vigtool.media.ingest import copy_with_hash, hash_file
from vigtool.media.opening import check_readable_file
from vigtool.media.probe import probe_video
from vigtool.media.reader import FrameReader
from vigtool.privacy.files import atomic_write_bytes, private_dir
from vigtool.store import rows
from vigtool.store.changes import Changes, Edit, Recorder, read_row, replay
from vigtool.store.database import open_database

DB_NAME = "workspace.db"
UNDO_LIMIT = 500
_MOMENT_TEXT_FIELDS = ("title", "note", "strengths", "prompt")

Listener = Callable[[Changes], None]


class DuplicateRecording(VigtoolError):
    """The same video (by content) is already in the workspace."""

    def __init__(self, message: str, existing: Recording) -> None:
        super().__init__(message)
        self.existing = existing


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Workspace:
    """A vigtool workspace folder. Open with ``Workspace.open(path)``; ``close()`` when done."""

    def __init__(self, root: Path) -> None:
        self.root = root
        private_dir(root)
        for sub in ("media", "index", "exports"):
            private_dir(root / sub)
        self._db = open_database(root / DB_NAME)
        self._lock = threading.RLock()
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []
        self._listeners: list[Listener] = []
        self._indexes: dict[int, FrameIndex] = {}

    @classmethod
    def open(cls, path: Path | str) -> Workspace:
        root = Path(path).expanduser()
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} is a file; a workspace is a folder")
        return cls(root)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._listeners.clear()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- change notification and undo ------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every edit, undo and redo; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @contextlib.contextmanager
    def _edit(self, name: str) -> Iterator[Recorder]:
        """Run one named, undoable operation in one transaction."""
        with self._lock:
            recorder = Recorder(self._db)
            with self._db.atomic():
                yield recorder
            if recorder.changes:
                self._undo.append(Edit(name, tuple(recorder.changes)))
                del self._undo[:-UNDO_LIMIT]
                self._redo.clear()
                self._notify(Changes.of(name, recorder.changes))

    def _notify(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            listener(changes)

    @property
    def undo_name(self) -> str | None:
        """Name of the operation Undo would revert ("Add Moment"), or None."""
        return self._undo[-1].name if self._undo else None

    @property
    def redo_name(self) -> str | None:
        return self._redo[-1].name if self._redo else None

    def undo(self) -> Changes:
        return self._step(self._undo, self._redo, undo=True)

    def redo(self) -> Changes:
        return self._step(self._redo, self._undo, undo=False)

    def _step(self, source: list[Edit], target: list[Edit], *, undo: bool) -> Changes:
        with self._lock:
            if not source:
                raise NothingToUndo("nothing to undo" if undo else "nothing to redo")
            edit = source[-1]
            with self._db.atomic():
                replay(self._db, edit, undo=undo)
            target.append(source.pop())
            changes = Changes.of(("Undo " if undo else "Redo ") + edit.name, edit.rows)
            self._notify(changes)
            return changes

    def _forget_history(self) -> None:
        with self._lock:
            self._undo.clear()
            self._redo.clear()

    # -- reading -------------------------------------------------------------------

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    def _row(self, table: str, row_id: int, what: str) -> dict[str, Any]:
        with self._lock:
            row = read_row(self._db, table, row_id)
        if row is None:
            raise NotFound(f"there is no {what} with id {row_id}")
        return row

    # -- cases and cycles ------------------------------------------------------------

    def add_case(self, code: str, helping_question: str = "") -> Case:
        code = code.strip()
        if not code:
            raise InvalidEdit("a case needs a code (a pseudonym, never the family's name)")
        if self._rows("SELECT id FROM cases WHERE code = ?", [code]):
            raise InvalidEdit(f"there is already a case with the code {code!r}")
        with self._edit("Add Case") as rec:
            case_id = rec.insert(
                "cases",
                {"code": code, "helping_question": helping_question, "created_at": utc_now()},
            )
        return self.case(case_id)

    def update_case(
        self, case_id: int, *, code: str | None = None, helping_question: str | None = None
    ) -> Case:
        self.case(case_id)
        values: dict[str, Any] = {}
        if code is not None:
            values["code"] = code.strip()
            if not values["code"]:
                raise InvalidEdit("a case needs a code")
            if self._rows("SELECT id FROM cases WHERE code = ? AND id != ?",
                          [values["code"], case_id]):
                raise InvalidEdit(f"there is already a case with the code {values['code']!r}")
        if helping_question is not None:
            values["helping_question"] = helping_question
        with self._edit("Edit Case") as rec:
            rec.update("cases", case_id, values)
        return self.case(case_id)

    def case(self, case_id: int) -> Case:
        return rows.case(self._row("cases", case_id, "case"))

    def case_by_code(self, code: str) -> Case:
        found = self._rows("SELECT * FROM cases WHERE code = ?", [code])
        if not found:
            raise NotFound(f"there is no case with the code {code!r}")
        return rows.case(found[0])

    def cases(self) -> list[Case]:
        return [rows.case(r) for r in self._rows("SELECT * FROM cases ORDER BY code")]

    def cycles(self, case_id: int) -> list[Cycle]:
        return [
            rows.cycle(r)
            for r in self._rows("SELECT * FROM cycles WHERE case_id = ? ORDER BY number", [case_id])
        ]

    # -- recordings ------------------------------------------------------------------

    def import_recording(
        self,
        case_id: int,
        *,
        path: Path | str,
        cycle: int = 1,
        copy: bool = True,
        progress: Progress = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> Recording:
        """Probe, index and (by default) copy a video into the workspace's media/.

        Raises DuplicateRecording (carrying the existing record) when the same
        bytes are already here, and MediaError for anything that is not a
        readable video; in both cases nothing is written. Importing is a file
        operation, not an edit: it ends the undo history.
        """
        source = Path(path).expanduser()
        case = self.case(case_id)
        if cycle < 1:
            raise InvalidEdit("cycles are numbered from 1")
        check_readable_file(source)
        index = build_frame_index(source, cancel=cancel)
        probe = probe_video(source, index)
        sha = hash_file(source, progress=progress, cancel=cancel)
        existing = self._rows("SELECT * FROM recordings WHERE sha256 = ?", [sha])
        if existing:
            found = self._recording_from_row(existing[0])
            raise DuplicateRecording(
                f"{source.name} is already in this workspace (recording {found.id})", found
            )
        if copy:
            safe_code = re.sub(r"[^A-Za-z0-9_-]+", "_", case.code)
            stored = Path("media") / f"{safe_code}-c{cycle}-{sha[:12]}{source.suffix.lower()}"
            copied = copy_with_hash(source, self.root / stored, progress=progress, cancel=cancel)
            if copied != sha:
                (self.root / stored).unlink(missing_ok=True)
                raise VigtoolError(f"{source.name} changed while it was being imported; try again")
            stored_path = stored.as_posix()
        else:
            stored_path = str(source.resolve())
        atomic_write_bytes(self._index_file(sha), index.to_bytes())
        with self._lock, self._db.atomic():
            if not self._rows(
                "SELECT id FROM cycles WHERE case_id = ? AND number = ?", [case_id, cycle]
            ):
                self._db.execute(
                    "INSERT INTO cycles (case_id, number) VALUES (?, ?)", [case_id, cycle]
                )
            cursor = self._db.execute(
                """INSERT INTO recordings (case_id, cycle, path, original_name, sha256,
                    duration_ms, frame_count, fps, vfr, width, height, rotation, has_audio,
                    video_codec, audio_codec, imported_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [case_id, cycle, stored_path, source.name, sha, probe.duration_ms,
                 probe.frame_count, probe.fps, int(probe.vfr), probe.width, probe.height,
                 probe.rotation, int(probe.has_audio), probe.codec, probe.audio_codec,
                 utc_now()],
            )
            recording_id = int(cursor.lastrowid or 0)
            self._audit("import", case_id, f"recording {recording_id}, cycle {cycle}")
        self._indexes[recording_id] = index
        self._forget_history()
        recording = self.recording(recording_id)
        self._notify(Changes("Import Recording", {"recordings": frozenset({recording_id})}))
        return recording

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
        with self._lock, self._db.atomic():
            self._db.execute(
                "UPDATE recordings SET path = ? WHERE id = ?", [str(source.resolve()), recording_id]
            )
            self._audit("relink", recording.case_id, f"recording {recording_id}")
        self._notify(Changes("Locate Recording", {"recordings": frozenset({recording_id})}))
        return self.recording(recording_id)

    def recording(self, recording_id: int) -> Recording:
        return self._recording_from_row(self._row("recordings", recording_id, "recording"))

    def recordings(self, case_id: int | None = None) -> list[Recording]:
        if case_id is None:
            found = self._rows("SELECT * FROM recordings ORDER BY case_id, cycle, id")
        else:
            found = self._rows(
                "SELECT * FROM recordings WHERE case_id = ? ORDER BY cycle, id", [case_id]
            )
        return [self._recording_from_row(r) for r in found]

    def find_recording_by_content(
        self, path: Path | str, *, cancel: CancelToken = NEVER_CANCELLED
    ) -> Recording | None:
        """The recording holding exactly this file's bytes, wherever the file now is."""
        source = Path(path).expanduser()
        check_readable_file(source)
        return self.recording_by_hash(hash_file(source, cancel=cancel))

    def recording_by_hash(self, sha256: str) -> Recording | None:
        found = self._rows("SELECT * FROM recordings WHERE sha256 = ?", [sha256])
        return self._recording_from_row(found[0]) if found else None

    def media_path(self, recording: Recording) -> Path:
        path = Path(recording.path)
        return path if path.is_absolute() else self.root / path

    def _recording_from_row(self, row: Mapping[str, Any]) -> Recording:
        if row["purged"]:
            status = RecordingStatus.PURGED
        else:
            path = Path(row["path"])
            present = (path if path.is_absolute() else self.root / path).is_file()
            status = RecordingStatus.PRESENT if present else RecordingStatus.MISSING
        return rows.recording(row, status)

    def _index_file(self, sha256: str) -> Path:
        return self.root / "index" / f"{sha256}.npz"

    def frame_index(self, recording_id: int) -> FrameIndex:
        """The recording's frame index (cached on disk by content hash)."""
        if recording_id not in self._indexes:
            recording = self.recording(recording_id)
            self._indexes[recording_id] = load_or_build_frame_index(
                self.media_path(recording), self._index_file(recording.sha256)
            )
        return self._indexes[recording_id]

    def frame_times(self, recording_id: int) -> FrameTimes:
        return self.frame_index(recording_id).times

    def open_reader(self, recording_id: int, **options: Any) -> FrameReader:
        """An exact-frame reader on the recording; the caller closes it."""
        recording = self.recording(recording_id)
        return FrameReader(
            self.media_path(recording), self.frame_index(recording_id), **options
        )

    # -- moments ---------------------------------------------------------------------

    def add_moment(
        self,
        recording_id: int,
        *,
        start_frame: int,
        end_frame: int,
        codes: tuple[str, ...] | list[str] = (),
        title: str = "",
        note: str = "",
        strengths: str = "",
        prompt: str = "",
        selected_for_review: bool = False,
        review_order: int | None = None,
    ) -> Moment:
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
        recording = self.recording(recording_id)
        moment_rows = [self._moment_row(recording, m) for m in moments]
        turn_rows = [self._turn_row(recording, t) for t in turns]
        with self._edit(name) as rec:
            moment_ids = [rec.insert("moments", row) for row in moment_rows]
            turn_ids = [rec.insert("turns", row) for row in turn_rows]
        return ([self.moment(i) for i in moment_ids],
                [rows.turn(self._row("turns", i, "turn")) for i in turn_ids])

    def _moment_row(self, recording: Recording, m: NewMoment) -> dict[str, Any]:
        self._check_span(recording, m.start_frame, m.end_frame)
        return {
            "recording_id": recording.id,
            "start_frame": m.start_frame,
            "end_frame": m.end_frame,
            "codes": rows.codes_to_json(_clean_codes(m.codes)),
            "title": m.title,
            "note": m.note,
            "strengths": m.strengths,
            "prompt": m.prompt,
            "selected_for_review": int(m.selected_for_review),
            "review_order": m.review_order,
        }

    def _turn_row(self, recording: Recording, t: NewTurn) -> dict[str, Any]:
        self._check_span(recording, t.frame, t.frame)
        try:
            actor, kind = Actor(t.actor), TurnKind(t.kind)
        except ValueError as exc:
            raise InvalidEdit(
                "a turn's actor is child or adult, and its kind initiative, reception or response"
            ) from exc
        return {"recording_id": recording.id, "frame": t.frame, "actor": actor.value,
                "kind": kind.value, "note": t.note}

    def update_moment(self, moment_id: int, **fields: Any) -> Moment:
        """Change any of: start_frame, end_frame, codes, title, note, strengths, prompt,
        selected_for_review, review_order. One call is one undo step."""
        current = self.moment(moment_id)
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name in ("start_frame", "end_frame"):
                values[name] = int(value)
            elif name == "codes":
                values[name] = rows.codes_to_json(_clean_codes(value))
            elif name in _MOMENT_TEXT_FIELDS:
                values[name] = str(value)
            elif name == "selected_for_review":
                values[name] = int(bool(value))
            elif name == "review_order":
                values[name] = None if value is None else int(value)
            else:
                raise InvalidEdit(f"a moment has no field called {name!r}")
        start = values.get("start_frame", current.start_frame)
        end = values.get("end_frame", current.end_frame)
        self._check_span(self.recording(current.recording_id), start, end)
        with self._edit(_moment_edit_name(fields)) as rec:
            rec.update("moments", moment_id, values)
        return self.moment(moment_id)

    def delete_moment(self, moment_id: int) -> None:
        """Delete a moment. The parent's reflections on it are kept, unlinked."""
        self.moment(moment_id)
        linked = self._rows("SELECT id FROM reflections WHERE moment_id = ?", [moment_id])
        with self._edit("Delete Moment") as rec:
            for row in linked:
                rec.update("reflections", row["id"], {"moment_id": None})
            rec.delete("moments", moment_id)

    def moment(self, moment_id: int) -> Moment:
        return rows.moment(self._row("moments", moment_id, "moment"))

    def moments(self, recording_id: int) -> list[Moment]:
        return [
            rows.moment(r)
            for r in self._rows(
                "SELECT * FROM moments WHERE recording_id = ? ORDER BY start_frame, end_frame, id",
                [recording_id],
            )
        ]

    def review_moments(self, case_id: int, cycle: int | None = None) -> list[Moment]:
        """The moments chosen for the shared review, in review order (then film order).

        Only these are ever shown to the parent: never the raw film, never an
        unchosen moment.
        """
        sql = """SELECT m.* FROM moments m JOIN recordings r ON r.id = m.recording_id
                 WHERE r.case_id = ? AND m.selected_for_review = 1"""
        params: list[Any] = [case_id]
        if cycle is not None:
            sql += " AND r.cycle = ?"
            params.append(cycle)
        sql += " ORDER BY m.review_order IS NULL, m.review_order, r.cycle, r.id, m.start_frame"
        return [rows.moment(r) for r in self._rows(sql, params)]

    def _check_span(self, recording: Recording, start: int, end: int) -> None:
        last = recording.frame_count - 1
        if start < 0 or end < 0:
            raise InvalidEdit("frame numbers start at 0")
        if end < start:
            raise InvalidEdit(f"a moment cannot end (frame {end}) before it starts ({start})")
        if end > last:
            raise InvalidEdit(f"frame {end} is past the end of the recording (last frame {last})")

    # -- turns, stills, reflections, goals, consents ------------------------------------

    def add_turn(
        self,
        recording_id: int,
        *,
        frame: int,
        actor: Actor | str,
        kind: TurnKind | str,
        note: str = "",
    ) -> Turn:
        _, turns = self.add_annotations(
            recording_id, turns=[NewTurn(frame, str(actor), str(kind), note)], name="Mark Turn"
        )
        return turns[0]

    def delete_turn(self, turn_id: int) -> None:
        self._row("turns", turn_id, "turn")
        with self._edit("Delete Turn") as rec:
            rec.delete("turns", turn_id)

    def turns(self, recording_id: int, moment_id: int | None = None) -> list[Turn]:
        """The recording's turns by frame; with ``moment_id``, only those inside that moment."""
        sql = "SELECT * FROM turns WHERE recording_id = ?"
        params: list[Any] = [recording_id]
        if moment_id is not None:
            moment = self.moment(moment_id)
            sql += " AND frame BETWEEN ? AND ?"
            params += [moment.start_frame, moment.end_frame]
        return [rows.turn(r) for r in self._rows(sql + " ORDER BY frame, id", params)]

    def add_still(self, recording_id: int, *, frame: int, caption: str = "") -> Still:
        self._check_span(self.recording(recording_id), frame, frame)
        with self._edit("Add Still") as rec:
            still_id = rec.insert(
                "stills", {"recording_id": recording_id, "frame": frame, "caption": caption}
            )
        return rows.still(self._row("stills", still_id, "still"))

    def stills(self, recording_id: int) -> list[Still]:
        return [
            rows.still(r)
            for r in self._rows(
                "SELECT * FROM stills WHERE recording_id = ? ORDER BY frame, id", [recording_id]
            )
        ]

    def add_reflection(
        self, case_id: int, *, cycle: int, text: str, moment_id: int | None = None
    ) -> Reflection:
        self.case(case_id)
        if moment_id is not None:
            self.moment(moment_id)
        with self._edit("Add Reflection") as rec:
            reflection_id = rec.insert(
                "reflections",
                {"case_id": case_id, "cycle": cycle, "moment_id": moment_id, "text": text,
                 "created_at": utc_now()},
            )
        return rows.reflection(self._row("reflections", reflection_id, "reflection"))

    def update_reflection(self, reflection_id: int, *, text: str) -> Reflection:
        """Change the parent's words as written down (e.g. while they are still talking)."""
        self._row("reflections", reflection_id, "reflection")
        with self._edit("Edit Reflection") as rec:
            rec.update("reflections", reflection_id, {"text": text})
        return rows.reflection(self._row("reflections", reflection_id, "reflection"))

    def delete_reflection(self, reflection_id: int) -> None:
        self._row("reflections", reflection_id, "reflection")
        with self._edit("Delete Reflection") as rec:
            rec.delete("reflections", reflection_id)

    def reflections(self, case_id: int, cycle: int | None = None) -> list[Reflection]:
        return [rows.reflection(r) for r in self._by_case("reflections", case_id, cycle)]

    def add_goal(self, case_id: int, *, cycle: int, text: str) -> Goal:
        self.case(case_id)
        with self._edit("Add Goal") as rec:
            goal_id = rec.insert("goals", {"case_id": case_id, "cycle": cycle, "text": text})
        return rows.goal(self._row("goals", goal_id, "goal"))

    def update_goal(self, goal_id: int, *, text: str) -> Goal:
        self._row("goals", goal_id, "goal")
        with self._edit("Edit Goal") as rec:
            rec.update("goals", goal_id, {"text": text})
        return rows.goal(self._row("goals", goal_id, "goal"))

    def delete_goal(self, goal_id: int) -> None:
        self._row("goals", goal_id, "goal")
        with self._edit("Delete Goal") as rec:
            rec.delete("goals", goal_id)

    def goals(self, case_id: int, cycle: int | None = None) -> list[Goal]:
        return [rows.goal(r) for r in self._by_case("goals", case_id, cycle)]

    def add_consent(
        self,
        case_id: int,
        *,
        kind: str,
        given: bool,
        retention_until: str | None = None,
        note: str = "",
    ) -> Consent:
        self.case(case_id)
        with self._edit("Record Consent") as rec:
            consent_id = rec.insert(
                "consents",
                {"case_id": case_id, "kind": kind, "given": int(given),
                 "recorded_at": utc_now(), "retention_until": retention_until,
                 "withdrawn_at": None, "note": note},
            )
            self._audit("consent", case_id, f"{kind}: {'given' if given else 'not given'}")
        return rows.consent(self._row("consents", consent_id, "consent"))

    def consents(self, case_id: int) -> list[Consent]:
        return [rows.consent(r) for r in self._by_case("consents", case_id, None)]

    def _by_case(self, table: str, case_id: int, cycle: int | None) -> list[dict[str, Any]]:
        sql = f"SELECT * FROM {table} WHERE case_id = ?"
        params: list[Any] = [case_id]
        if cycle is not None:
            sql += " AND cycle = ?"
            params.append(cycle)
        return self._rows(sql + " ORDER BY id", params)

    # -- audit -------------------------------------------------------------------------

    def _audit(self, action: str, case_id: int | None, detail: str) -> None:
        """Append to the audit log inside the caller's transaction (not undoable)."""
        self._db.execute(
            "INSERT INTO audit_log (at, action, case_id, detail) VALUES (?, ?, ?, ?)",
            [utc_now(), action, case_id, detail],
        )

    def record_event(self, action: str, case_id: int | None, detail: str) -> None:
        """Add a line to the audit log (exports, purges, consent...): kept, never undone."""
        with self._lock, self._db.atomic():
            self._audit(action, case_id, detail)

    def audit_log(self, case_id: int | None = None) -> list[AuditEntry]:
        if case_id is None:
            found = self._rows("SELECT * FROM audit_log ORDER BY id")
        else:
            found = self._rows("SELECT * FROM audit_log WHERE case_id = ? ORDER BY id", [case_id])
        return [rows.audit_entry(r) for r in found]


def _clean_codes(codes: Any) -> list[str]:
    if isinstance(codes, str) or not all(isinstance(c, str) and c for c in codes):
        raise InvalidEdit("codes are a list of code ids, e.g. ['attentive', 'receiving']")
    return list(dict.fromkeys(codes))


def _moment_edit_name(fields: Mapping[str, Any]) -> str:
    names = set(fields)
    if names <= {"start_frame", "end_frame"}:
        return "Move Moment" if names == {"start_frame", "end_frame"} else "Trim Moment"
    if names == {"codes"}:
        return "Change Codes"
    if names <= {"selected_for_review", "review_order"}:
        return "Choose for Review"
    return "Edit Moment"

"""An export's lines in the audit log: its start before any file is written, its end after.

The audit log must never miss a file that left the workspace. So an export
first records its intent (``export-started``: what, for whom, which cycle,
which moments, where to) and writes nothing if that line cannot be written.
Once the files are in place it records the outcome (``export``), naming the
start line (``#41``) so the two pair up; a failed or cancelled export
records ``export-failed`` or ``export-cancelled`` if it can (the start line
stands either way). If the outcome cannot be written, ``ExportNotRecorded``
says where the files are and that the log holds the export's start (the CLI
exits 3). No Qt here; any thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from vigtool.errors import Cancelled, VigtoolError
from vigtool.workspace import Workspace

STARTED, DONE, FAILED, CANCELLED = "export-started", "export", "export-failed", "export-cancelled"
_LISTED = 20  # moment ids (and file names) listed before the line gives a count instead


class ExportNotRecorded(VigtoolError):
    """The export's files are in place but the audit log could not record their leaving."""

    def __init__(self, message: str, written: Sequence[Path], intent_id: int) -> None:
        super().__init__(message)
        self.written = list(written)
        self.intent_id = intent_id


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _moments(moment_ids: Sequence[int]) -> str:
    if not moment_ids:
        return "no moments"
    if len(moment_ids) > _LISTED:
        return f"{len(moment_ids)} moments"
    word = "moment" if len(moment_ids) == 1 else "moments"
    return f"{word} {', '.join(str(i) for i in moment_ids)}"


def record_start(
    ws: Workspace, case_id: int, what: str, moment_ids: Sequence[int], out: Path
) -> int:
    """The intent line, before anything is written; its id. If it cannot be written,
    a one-line VigtoolError and the export must not go ahead."""
    detail = _one_line(f"{what}: {_moments(moment_ids)} to {out}")
    try:
        return ws.privacy.record_event(STARTED, case_id, detail)
    except VigtoolError as exc:
        raise VigtoolError(f"nothing was exported: the audit log could not record the "
                           f"export's start ({_one_line(str(exc))})") from exc


def record_done(ws: Workspace, case_id: int, intent_id: int, what: str,
                written: Sequence[Path], out: Path) -> None:
    """The outcome line once the files are in place (``what`` as in the start line, so
    each line reads on its own); ``ExportNotRecorded`` if it cannot be written."""
    where = _folder(written, out)
    names = [p.name for p in written[:_LISTED]]
    if len(written) > _LISTED:
        names.append(f"and {len(written) - _LISTED} more")
    count = f"{len(written)} file{'s' if len(written) != 1 else ''}"
    detail = _one_line(f"#{intent_id} {what}: {count} written to {where}: {', '.join(names)}")
    try:
        ws.privacy.record_event(DONE, case_id, detail)
    except VigtoolError as exc:
        raise ExportNotRecorded(
            _one_line(f"the exported files are in {where}, but the audit log could not record "
                      f"that they were written ({exc}); it holds the export's start "
                      f"(#{intent_id})"),
            written, intent_id) from exc


def record_stopped(ws: Workspace, case_id: int, intent_id: int, error: BaseException) -> None:
    """``export-cancelled`` or ``export-failed`` after the start line, if the log can
    take it (best effort: the start line already says what might have left)."""
    if isinstance(error, Cancelled | KeyboardInterrupt):
        action, detail = CANCELLED, f"#{intent_id} cancelled"
    else:
        reason = str(error) if isinstance(error, VigtoolError) else (
            f"{type(error).__name__}: {error}")
        action, detail = FAILED, _one_line(f"#{intent_id} failed: {reason}")
    with contextlib.suppress(VigtoolError):
        ws.privacy.record_event(action, case_id, detail)


def _folder(written: Sequence[Path], out: Path) -> Path:
    """Where the files went: their one folder, or else what was asked for."""
    folders = {p.parent for p in written}
    return folders.pop() if len(folders) == 1 else out

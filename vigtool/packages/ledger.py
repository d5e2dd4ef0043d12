"""A package's lines in the audit log, and what they tell later.

Making a package is an export: its intent (``package-started``: which case,
cycle and moments, where to) is logged before any file is written, and its
outcome (``package``, or ``package-failed``/``package-cancelled``) after, as
``exports/audit.py`` does for exports. Opening one is logged as
``import-package``. Every line starts ``package <id> (<kind>)``, so the log
itself answers "was this package imported here, and when?", "was it made
here?" and "which package does a comments package answer?"; nothing else
keeps that record.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path

from vigtool.domain.records import AuditEntry
from vigtool.errors import Cancelled, VigtoolError
from vigtool.workspace import Workspace

STARTED, MADE, FAILED, CANCELLED = (
    "package-started", "package", "package-failed", "package-cancelled")
IMPORTED = "import-package"
_HEAD = re.compile(r"package ([0-9a-f]{32}) \((case|comments)\)")
_LISTED = 20


def head(package_id: str, kind: str) -> str:
    """How every line about a package begins."""
    return f"package {package_id} ({kind})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def record_start(ws: Workspace, case_id: int, what: str, moment_ids: Sequence[int],
                 out: Path) -> int:
    """The intent line before anything is written; its id. Nothing goes ahead without it."""
    ids = list(moment_ids)
    moments = (f"{len(ids)} moments" if len(ids) > _LISTED else
               "moments " + ", ".join(map(str, ids)) if ids else "no moments")
    try:
        return ws.privacy.record_event(STARTED, case_id, _one_line(f"{what}: {moments} to {out}"))
    except VigtoolError as exc:
        raise VigtoolError(f"no package was made: the audit log could not record its start "
                           f"({_one_line(str(exc))})") from exc


def record_made(ws: Workspace, case_id: int, intent_id: int, what: str, out: Path) -> None:
    """The outcome line once the package is in place."""
    try:
        ws.privacy.record_event(MADE, case_id, _one_line(f"#{intent_id} {what}: written to {out}"))
    except VigtoolError as exc:
        raise VigtoolError(_one_line(
            f"the package is at {out}, but the audit log could not record it ({exc}); it holds "
            f"the package's start (#{intent_id})")) from exc


def record_stopped(ws: Workspace, case_id: int, intent_id: int, error: BaseException) -> None:
    """``package-cancelled`` or ``package-failed`` after the start line (best effort)."""
    if isinstance(error, Cancelled | KeyboardInterrupt):
        action, detail = CANCELLED, f"#{intent_id} cancelled; nothing was written"
    else:
        reason = str(error) if isinstance(error, VigtoolError) else type(error).__name__
        action, detail = FAILED, _one_line(f"#{intent_id} failed: {reason}")
    with contextlib.suppress(VigtoolError):
        ws.privacy.record_event(action, case_id, detail)


def record_import(ws: Workspace, case_id: int | None, package_id: str, kind: str,
                  detail: str) -> None:
    """The ``import-package`` line, written once everything has landed."""
    ws.privacy.record_event(IMPORTED, case_id, _one_line(f"{head(package_id, kind)} {detail}"))


def _about(ws: Workspace, package_id: str, actions: set[str],
           case_id: int | None = None) -> AuditEntry | None:
    found = None
    for entry in ws.privacy.audit_log(case_id):
        if entry.action not in actions:
            continue
        match = _HEAD.search(entry.detail)
        if match is not None and match.group(1) == package_id:
            found = entry
    return found


def imported(ws: Workspace, package_id: str) -> AuditEntry | None:
    """The line recording that this package was imported here, if it was."""
    return _about(ws, package_id, {IMPORTED})


def made_here(ws: Workspace, package_id: str) -> bool:
    """Whether this workspace made the package (then it is not for opening here)."""
    return _about(ws, package_id, {STARTED}) is not None


def answered_package(ws: Workspace, case_id: int) -> str | None:
    """The id of the latest case package imported into this case (what comments answer)."""
    latest = None
    for entry in ws.privacy.audit_log(case_id):
        match = _HEAD.match(entry.detail)
        if entry.action == IMPORTED and match is not None and match.group(2) == "case":
            latest = match.group(1)
    return latest

"""Opening a package into this workspace: a trainee's case package (supervisor's side) or a
supervisor's comments package (trainee's side).

Everything is checked before anything is written: the passphrase and every
byte (age), the manifest (schema), each clip's SHA-256 and that it is a
video of exactly the frames it claims, that the films comments point to are
here. Only then does anything land, and an ``import-package`` line in the
audit log records it; the same package opened again changes nothing and says
when it was imported. Cancel works until the first thing is written.

Threading: a long task for a worker thread (decrypting takes a few seconds
of scrypt by design). No Qt.
"""

from __future__ import annotations

from pathlib import Path

from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.packages import ledger
from vigtool.packages.format import PackageError, read_package_bytes, unseal
from vigtool.packages.land_case import land_case
from vigtool.packages.land_comments import land_comments
from vigtool.packages.manifest import CASE
from vigtool.packages.report import ImportReport, summary_name
from vigtool.workspace import Workspace


def open_package(
    ws: Workspace,
    path: Path | str,
    passphrase: str,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ImportReport:
    """Open the package at ``path`` into this workspace; what it brought.

    A wrong passphrase or a changed file raises PackageError ("this package
    could not be opened: ...; nothing was imported"), as does anything that
    does not fit; in every such case nothing is written."""
    data = read_package_bytes(Path(path))
    progress(0, 100)
    opened = unseal(data, passphrase)
    del data
    cancel.raise_if_cancelled()
    progress(30, 100)
    earlier = ledger.imported(ws, opened.package_id)
    if earlier is not None:
        return ImportReport(opened.kind, opened.package_id, opened.sender,
                            case_id=earlier.case_id, imported_before=earlier.at[:10])
    if ledger.made_here(ws, opened.package_id):
        raise PackageError("this package was made in this workspace; it is for the other "
                           "practitioner to open in theirs")
    land = land_case if opened.kind == CASE else land_comments
    report = land(ws, opened, _part(progress), cancel)
    progress(100, 100)
    return report


def received_summary(ws: Workspace, case_id: int, cycle: int) -> Path | None:
    """The family summary (HTML) a trainee's package brought for ``cycle``, if any."""
    for recording in ws.library.recordings(case_id):
        if recording.cycle == cycle:
            path = ws.library.derived_file(recording, summary_name(cycle))
            if path.is_file():
                return path
    return None


def _part(progress: Progress) -> Progress:
    def step(done: int, total: int) -> None:
        progress(30 + 70 * done // max(total, 1), 100)

    return step

"""Supervision packages: one encrypted file a trainee sends their supervisor, and the
small one that brings the supervisor's comments back. No Qt here.

A ``.vigpack`` file is an age file (age-encryption.org/v1, passphrase =
scrypt, made and opened with pyrage). Inside it: a ZIP with ``manifest.json``
first (valid against ``schemas/package-manifest.schema.json``), the chosen
clips, their stills as PNG and the cycle's family summary. Without the
passphrase only the age header is readable (the scrypt salt and work factor).

Entry points (the app runs them on a worker thread; the Workspace is
thread-safe; none touches the UI):

``make_case_package(ws, case_id, cycle, out, passphrase, *, force=False,
progress=no_progress, cancel=NEVER_CANCELLED) -> Path``
    The trainee's package of one cycle (``cycle=None``: the latest): the
    moments chosen for review on the family film and on the shared-review
    film, cut frame-exactly with sound, their stills, the cycle's moments on
    those clips, notes, the parent's words, goals, the self-assessment and
    the summary. Needs the family's consent to supervision.

``make_comments_package(ws, case_id, out, passphrase, *, force=False,
progress=no_progress, cancel=NEVER_CANCELLED) -> Path``
    The supervisor's answer on a trainee's case: comments, replies and the
    supervisor's own codes, at the frames of the trainee's original films.

``open_package(ws, path, passphrase, *, progress=no_progress,
cancel=NEVER_CANCELLED) -> ImportReport``
    Open either kind into this workspace (``report.lines()`` says what came
    in). Everything is checked before anything is written; a wrong passphrase
    or a changed file raises ``PackageError`` (one line) and imports nothing.

``read_manifest(path, passphrase) -> dict``
    The checked manifest of a package, without importing it.

``suggested_name(kind, today=None) -> str``
    A file name for a new package that says nothing about the family.

``received_summary(ws, case_id, cycle) -> Path | None``
    The family summary a trainee's package brought for that cycle, if any.

Every error is a ``VigtoolError`` (``PackageError`` for the package itself)
whose text is one line to show as it is.
"""

from vigtool.packages.format import MIN_PASSPHRASE, PackageError, read_manifest, suggested_name
from vigtool.packages.make import make_case_package, make_comments_package
from vigtool.packages.open import open_package, received_summary
from vigtool.packages.report import ImportReport

__all__ = [
    "MIN_PASSPHRASE",
    "ImportReport",
    "PackageError",
    "make_case_package",
    "make_comments_package",
    "open_package",
    "read_manifest",
    "received_summary",
    "suggested_name",
]

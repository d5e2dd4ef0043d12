"""One export, described once and run the same way from the command line and the app.

``run_export`` takes one ``Snapshot`` of the workspace, reads from it all
the export needs (so the files agree with each other even while the
practitioner goes on editing), writes the files, and only then adds the
audit log line. Long work: runs with progress and a cancel token, off the
GUI thread in the app; a cancelled or failed export leaves no partial file.

"Everything for this session" (kind ``session``) writes the chosen clips, the
highlight reel (joined from those very clips), the stills, the family's
summary and the practitioner's record into one folder named by case code and
cycle. It writes them all into a hidden folder beside them first and moves
them into place only when every one is done, so a cancel or an error leaves
the folder as it was. ``replaced_files`` says which files an export would
replace, so the app can ask first and the command line can refuse.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vigtool.errors import VigtoolError
from vigtool.exports import naming
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.privacy.files import TEMP_PREFIX, private_dir
from vigtool.privacy.outputs import check_output_folder, check_outputs
from vigtool.report.export import PdfWriter
from vigtool.workspace import View, Workspace

ExportKind = Literal["session", "clips", "reel", "stills", "csv", "json", "eaf", "vtt",
                     "summary"]
EXPORT_KINDS: tuple[ExportKind, ...] = (
    "session", "clips", "reel", "stills", "csv", "json", "eaf", "vtt", "summary")
# How much of one session export's progress bar each part takes (of 1000).
_SESSION_SHARES = (("clips", 550), ("reel", 250), ("stills", 120), ("summary", 50),
                   ("record", 30))
_ABANDONED_S = 3600  # a hidden work folder this old belongs to no running export


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    case_id: int
    cycle: int | None
    out: Path  # a folder for a session, clips, stills and per-recording files; else a file
    captions: Literal["none", "soft", "burn"] = "none"
    pad_ms: int = 0
    fade_ms: int = 0
    everything: bool = False  # clips: every moment, not only those chosen for review
    title_cards: bool = True
    audience: Literal["family", "practitioner"] = "family"

    def replaced_files(self, case_code: str) -> list[Path]:
        """Files there now that this export would replace (or remove, as no longer chosen)."""
        return replaced_files(self.kind, case_code, self.cycle, self.out)


def replaced_files(kind: ExportKind, case_code: str, cycle: int | None, out: Path) -> list[Path]:
    """The existing files an export of ``kind`` to ``out`` would replace or remove.

    Found by name alone (every exported file is named by case code and cycle),
    so the app can ask before it starts."""
    if kind == "session":
        if cycle is None:
            return []
        folder = naming.session_folder(out, case_code, cycle)
        found = [*replaced_files("clips", case_code, cycle, folder),
                 *replaced_files("stills", case_code, cycle, folder),
                 folder / naming.reel_name(case_code, cycle)]
        found += [folder / naming.file_name(case_code, cycle, "summary", ".pdf", audience=a)
                  for a in ("family", "practitioner")]
        return [p for p in found if p.is_file()]
    if kind in ("clips", "stills"):
        what, ext = ("clip", ".mp4") if kind == "clips" else ("still", ".png")
        return naming.earlier_exports(out, case_code, cycle, what, ext)
    if kind == "reel" and out.is_dir():
        out = out / naming.reel_name(case_code, cycle)
    if kind in ("eaf", "vtt") and out.is_dir():
        return sorted(p for p in out.glob(f"recording-*.{kind}") if p.is_file())
    return [out] if out.is_file() else []


def output_paths(
    kind: ExportKind, case_code: str, cycle: int | None, out: Path
) -> tuple[list[Path], list[Path]]:
    """The folders an export writes into and the paths of the files it would write,
    replace or remove that are there now (or, for a one-file export, its file)."""
    if kind == "session":
        if cycle is None:
            return [out], []
        folder = naming.session_folder(out, case_code, cycle)
        files = [*naming.earlier_exports(folder, case_code, cycle, "clip", ".mp4"),
                 *naming.earlier_exports(folder, case_code, cycle, "still", ".png"),
                 folder / naming.reel_name(case_code, cycle)]
        files += [folder / naming.file_name(case_code, cycle, "summary", ".pdf", audience=a)
                  for a in ("family", "practitioner")]
        return [out, folder], files
    if kind in ("clips", "stills") and cycle is not None:
        what, ext = ("clip", ".mp4") if kind == "clips" else ("still", ".png")
        return [out], naming.earlier_exports(out, case_code, cycle, what, ext)
    if kind in ("clips", "stills"):
        return [out], []
    if kind == "reel" and out.is_dir():
        return [out], [out / naming.reel_name(case_code, cycle)]
    if kind in ("eaf", "vtt") and (out.is_dir() or out.suffix.lower() != f".{kind}"):
        return [out], sorted(out.glob(f"recording-*.{kind}")) if out.is_dir() else []
    return [], [out]


def check_export_outputs(ws: View | Workspace, request: ExportRequest, *, force: bool) -> None:
    """Refuse (one line) an export that would write over one of the workspace's
    films, into the workspace (but for its exports/ folder), over anything that is
    not a regular file, or, unless ``force``, over an existing file."""
    case = ws.caseload.case(request.case_id)
    films = [ws.library.media_path(rec) for rec in ws.library.recordings()]
    folders, files = output_paths(request.kind, case.code, request.cycle, request.out)
    for folder in folders:
        check_output_folder(folder, inputs=films, workspace=ws.root,
                            what="the export folder")
    check_outputs(files, inputs=films, workspace=ws.root, force=force, what="the export")


def run_export(
    ws: Workspace,
    request: ExportRequest,
    *,
    pdf_writer: PdfWriter | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """Do the export from one snapshot; returns the files written (recorded in the audit log).

    Safe on a worker thread while the workspace is edited on another.
    ``pdf_writer`` draws a PDF summary (the app and the CLI pass the Qt one).
    """
    with ws.snapshot() as snapshot:
        # The caller has asked (app) or been told --force (CLI) before replacing files.
        check_export_outputs(snapshot, request, force=True)
        written = _export(snapshot, request, pdf_writer, progress, cancel)
    r = request
    what = f"{r.kind} for the {r.audience}" if r.kind == "summary" else r.kind
    if r.kind == "session":
        what = "everything for the session"
    cycle = f"cycle {r.cycle}" if r.cycle is not None else "all cycles"
    ws.privacy.record_event("export", r.case_id,
                            f"{what}, {cycle}: {len(written)} file(s) to {r.out}")
    return written


def _export(
    view: View,
    r: ExportRequest,
    pdf_writer: PdfWriter | None,
    progress: Progress,
    cancel: CancelToken,
) -> list[Path]:
    if r.kind == "session":
        return _session(view, r, pdf_writer, progress, cancel)
    if r.kind in ("clips", "reel", "stills"):
        from vigtool.exports import media_exports
        from vigtool.media.cut import CutOptions

        if r.kind == "clips":
            options = CutOptions(pad_before_ms=r.pad_ms, pad_after_ms=r.pad_ms,
                                 fade_ms=r.fade_ms,
                                 caption_mode="burn" if r.captions == "burn" else "soft")
            return media_exports.export_clips(
                view, r.case_id, r.cycle, r.out, options=options, captions=r.captions != "none",
                everything=r.everything, progress=progress, cancel=cancel)
        if r.kind == "reel":
            return [media_exports.export_reel(view, r.case_id, r.cycle, r.out,
                                              title_cards=r.title_cards, progress=progress,
                                              cancel=cancel).path]
        return media_exports.export_stills(view, r.case_id, r.cycle, r.out, progress=progress,
                                           cancel=cancel)
    if r.kind == "summary":
        from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
        from vigtool.report.export import export_summary

        cancel.raise_if_cancelled()
        return [export_summary(view, r.case_id, r.cycle, r.out, audience=r.audience,
                               codebook=builtin_codebook(DEFAULT_CODEBOOK_ID),
                               pdf_writer=pdf_writer)]
    return _data_export(view, r, progress, cancel)


def _data_export(
    view: View, r: ExportRequest, progress: Progress, cancel: CancelToken
) -> list[Path]:
    from vigtool.exports import eaf, subtitles, tabular
    from vigtool.exports.naming import recording_file_name
    from vigtool.exports.session import build_session

    session = build_session(view, r.case_id, r.cycle)
    if r.kind == "csv":
        return [tabular.write_csv(session, r.out, progress=progress, cancel=cancel)]
    if r.kind == "json":
        return [tabular.write_json(session, r.out, cancel=cancel)]
    recordings = [rec for rec in view.library.recordings(r.case_id)
                  if r.cycle is None or rec.cycle == r.cycle]
    if not recordings:
        raise VigtoolError("this case has no recordings in that cycle")
    single = len(recordings) == 1 and r.out.suffix.lower() in (".eaf", ".vtt")
    written = []
    for rec in recordings:
        target = r.out if single else r.out / recording_file_name(rec.id, r.kind)
        if r.kind == "eaf":
            written.append(eaf.write_eaf(session, rec.id, target, cancel=cancel,
                                         media_path=view.library.media_path(rec)))
        else:
            written.append(subtitles.write_webvtt(session, rec.id, target, cancel=cancel))
    return written


def _share(progress: Progress, part: str) -> Progress:
    """Progress of one part of a session export, as a stretch of the one bar."""
    start = 0
    for name, share in _SESSION_SHARES:
        if name == part:
            break
        start += share

    def step(done: int, total: int) -> None:
        progress(start + share * min(done, total) // max(total, 1), 1000)

    return step


def _session(
    view: View,
    r: ExportRequest,
    pdf_writer: PdfWriter | None,
    progress: Progress,
    cancel: CancelToken,
) -> list[Path]:
    """Clips, reel, stills, the family's summary and the record, moved into place together."""
    from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
    from vigtool.exports import media_exports
    from vigtool.media.cut import CutOptions
    from vigtool.report.export import export_summary

    if r.cycle is None:
        raise VigtoolError("everything for a session is exported one cycle at a time; "
                           "choose the cycle")
    if pdf_writer is None:
        raise VigtoolError("the session's summary and record are PDFs, which need the app's "
                           "PDF writer")
    case = view.caseload.case(r.case_id)
    folder = private_dir(naming.session_folder(r.out, case.code, r.cycle))
    options = CutOptions(pad_before_ms=r.pad_ms, pad_after_ms=r.pad_ms, fade_ms=r.fade_ms,
                         caption_mode="burn" if r.captions == "burn" else "soft")
    codebook = builtin_codebook(DEFAULT_CODEBOOK_ID)
    _clear_abandoned(folder)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, dir=folder) as staging:
        stage = Path(staging)
        clips = media_exports.cut_clips(
            view, r.case_id, r.cycle, stage, options=options, captions=r.captions != "none",
            progress=_share(progress, "clips"), cancel=cancel)
        media_exports.export_reel(
            view, r.case_id, r.cycle, stage / naming.reel_name(case.code, r.cycle),
            title_cards=r.title_cards, clips=clips, progress=_share(progress, "reel"),
            cancel=cancel)
        media_exports.write_stills(view, r.case_id, r.cycle, stage,
                                   progress=_share(progress, "stills"), cancel=cancel)
        audiences: tuple[tuple[Literal["family", "practitioner"], str], ...] = (
            ("family", "summary"), ("practitioner", "record"))
        for audience, part in audiences:
            cancel.raise_if_cancelled()
            name = naming.file_name(case.code, r.cycle, "summary", ".pdf", audience=audience)
            export_summary(view, r.case_id, r.cycle, stage / name, audience=audience,
                           codebook=codebook, pdf_writer=pdf_writer)
            _share(progress, part)(1, 1)
        cancel.raise_if_cancelled()
        written = _move_into(stage, folder)
    stale = [*naming.earlier_exports(folder, case.code, r.cycle, "clip", ".mp4"),
             *naming.earlier_exports(folder, case.code, r.cycle, "still", ".png")]
    for old in stale:
        if old not in written:
            old.unlink(missing_ok=True)
    return written


def _clear_abandoned(folder: Path) -> None:
    """Remove hidden work folders left by an export that was killed (not just cancelled)."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*"):
        if leftover.is_dir() and time.time() - leftover.stat().st_mtime > _ABANDONED_S:
            shutil.rmtree(leftover, ignore_errors=True)


def _move_into(stage: Path, folder: Path) -> list[Path]:
    """Every finished file from ``stage`` into ``folder`` (each rename is atomic)."""
    written = []
    for staged in sorted(p for p in stage.iterdir() if p.is_file()):
        final = folder / staged.name
        os.replace(staged, final)
        written.append(final)
    return written

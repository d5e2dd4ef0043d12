"""One export, described once and run the same way from the command line and the app.

``run_export`` takes one ``Snapshot`` of the workspace, reads from it all
the export needs (so the files agree with each other even while the
practitioner goes on editing), writes the files, and only then adds the
audit log line. Long work: runs with progress and a cancel token, off the
GUI thread in the app; a cancelled or failed export leaves no partial file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vigtool.errors import VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.report.export import PdfWriter
from vigtool.workspace import View, Workspace

ExportKind = Literal["clips", "reel", "stills", "csv", "json", "eaf", "vtt", "summary"]
EXPORT_KINDS: tuple[ExportKind, ...] = (
    "clips", "reel", "stills", "csv", "json", "eaf", "vtt", "summary")


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    case_id: int
    cycle: int | None
    out: Path  # a folder for clips, stills and per-recording files; else a file
    captions: Literal["none", "soft", "burn"] = "none"
    pad_ms: int = 0
    fade_ms: int = 0
    everything: bool = False  # clips: every moment, not only those chosen for review
    title_cards: bool = True
    audience: Literal["family", "practitioner"] = "family"


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
        written = _export(snapshot, request, pdf_writer, progress, cancel)
    r = request
    what = f"{r.kind} for the {r.audience}" if r.kind == "summary" else r.kind
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
                                              cancel=cancel)]
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

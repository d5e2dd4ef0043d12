"""One export, described once and run the same way from the command line and the app.

Long work: runs with progress and a cancel token, off the GUI thread in the
app; a cancelled or failed export leaves no partial file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vigtool.errors import VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.workspace import Workspace

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
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """Do the export; returns the files written (recorded in the audit log)."""
    r = request
    if r.kind in ("clips", "reel", "stills"):
        from vigtool.exports import media_exports
        from vigtool.media.cut import CutOptions

        if r.kind == "clips":
            options = CutOptions(pad_before_ms=r.pad_ms, pad_after_ms=r.pad_ms,
                                 fade_ms=r.fade_ms,
                                 caption_mode="burn" if r.captions == "burn" else "soft")
            return media_exports.export_clips(
                ws, r.case_id, r.cycle, r.out, options=options, captions=r.captions != "none",
                everything=r.everything, progress=progress, cancel=cancel)
        if r.kind == "reel":
            return [media_exports.export_reel(ws, r.case_id, r.cycle, r.out,
                                              title_cards=r.title_cards, progress=progress,
                                              cancel=cancel)]
        return media_exports.export_stills(ws, r.case_id, r.cycle, r.out, progress=progress,
                                           cancel=cancel)
    if r.kind == "summary":
        from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
        from vigtool.report.export import export_summary

        cancel.raise_if_cancelled()
        return [export_summary(ws, r.case_id, r.cycle, r.out, audience=r.audience,
                               codebook=builtin_codebook(DEFAULT_CODEBOOK_ID))]
    written = _data_export(ws, r, progress, cancel)
    ws.record_event("export", r.case_id, f"{r.kind} to {r.out}")
    return written


def _data_export(
    ws: Workspace, r: ExportRequest, progress: Progress, cancel: CancelToken
) -> list[Path]:
    from vigtool.exports import eaf, subtitles, tabular
    from vigtool.exports.session import build_session

    session = build_session(ws, r.case_id, r.cycle)
    if r.kind == "csv":
        return [tabular.write_csv(session, r.out, progress=progress, cancel=cancel)]
    if r.kind == "json":
        return [tabular.write_json(session, r.out, cancel=cancel)]
    recordings = [rec.id for rec in ws.recordings(r.case_id)
                  if r.cycle is None or rec.cycle == r.cycle]
    if not recordings:
        raise VigtoolError("this case has no recordings in that cycle")
    single = len(recordings) == 1 and r.out.suffix.lower() in (".eaf", ".vtt")
    written = []
    for rid in recordings:
        target = r.out if single else r.out / f"recording-{rid}.{r.kind}"
        if r.kind == "eaf":
            written.append(eaf.write_eaf(session, rid, target, cancel=cancel,
                                         media_path=ws.media_path(ws.recording(rid))))
        else:
            written.append(subtitles.write_webvtt(session, rid, target, cancel=cancel))
    return written

"""The export and import commands of ``vigtool`` (``cut``, ``export ...``, ``import-eaf``).

Each opens the workspace, finds the case, runs one core export with a
progress line on the terminal, and prints where the result went. Errors are
VigtoolErrors, which cli.main turns into one ``error: ...`` line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vigtool.errors import VigtoolError
from vigtool.exports.request import EXPORT_KINDS, ExportRequest
from vigtool.report.export import PdfWriter
from vigtool.workspace import DuplicateRecording, Workspace


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("cut", help="cut frames A..B of a video into an MP4 with sound")
    p.add_argument("video", type=Path)
    p.add_argument("--start-frame", type=int, required=True, metavar="A")
    p.add_argument("--end-frame", type=int, required=True, metavar="B", help="inclusive")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-smart", action="store_true", help="re-encode everything")

    p = sub.add_parser("export", help="export a case: clips, reel, stills, summary or data")
    p.add_argument("kind", choices=EXPORT_KINDS)
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--cycle", type=int)
    p.add_argument("--out", type=Path, required=True,
                   help="a folder for clips/stills/eaf, else a file")
    p.add_argument("--captions", choices=("none", "soft", "burn"), default="none",
                   help="clips: the strengths wording as subtitles or burned in")
    p.add_argument("--pad", type=int, default=0, metavar="MS", help="clips: time added each side")
    p.add_argument("--fade", type=int, default=0, metavar="MS", help="clips: fade in and out")
    p.add_argument("--all", action="store_true", help="clips: every moment, not just chosen")
    p.add_argument("--no-titles", action="store_true", help="reel: no title cards")
    p.add_argument("--audience", choices=("family", "practitioner"), default="family",
                   help="summary: the family's version or the practitioner's record")

    p = sub.add_parser("import-eaf", help="import an ELAN .eaf file's annotations as moments")
    p.add_argument("eaf", type=Path)
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--video", type=Path, required=True)
    p.add_argument("--cycle", type=int, default=1)


def run_cut(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.media.cut import CutOptions, cut_clip
    from vigtool.media.frame_index import build_frame_index

    index = build_frame_index(args.video)
    result = cut_clip(args.video, index, args.start_frame, args.end_frame, args.out,
                      options=CutOptions(smart=not args.no_smart), progress=progress)
    how = "smart cut" if result.smart else "re-encoded"
    print(f"{result.frames} frames ({how}, {result.seconds:.2f} s) written to {result.path}")
    return 0


def _open(workspace: Path) -> Workspace:
    if not (workspace / "workspace.db").is_file():
        raise VigtoolError(f"{workspace} is not a vigtool workspace (no workspace.db)")
    return Workspace.open(workspace)


def run_export(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.exports.request import run_export

    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        request = ExportRequest(
            kind=args.kind, case_id=case.id, cycle=args.cycle, out=args.out,
            captions=args.captions, pad_ms=args.pad, fade_ms=args.fade, everything=args.all,
            title_cards=not args.no_titles, audience=args.audience,
        )
        written = run_export(ws, request, pdf_writer=_pdf_writer(request), progress=progress)
    for path in written:
        print(path)
    return 0


def _pdf_writer(request: ExportRequest) -> PdfWriter | None:
    """Qt's PDF writer, loaded only for a PDF summary (it starts a headless Qt)."""
    if request.kind != "summary" or request.out.suffix.lower() != ".pdf":
        return None
    from vigtool.gui.pdf import html_to_pdf

    return html_to_pdf


def run_import_eaf(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.exports.eaf_import import import_eaf

    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        try:
            recording = ws.import_recording(case.id, cycle=args.cycle, path=args.video,
                                            progress=progress)
        except DuplicateRecording as dup:
            recording = dup.existing
        report = import_eaf(ws, args.eaf, case.id, recording.id, progress=progress)
        ws.privacy.record_event("import-eaf", case.id,
                                f"{args.eaf.name} onto recording {recording.id}")
    for line in report.lines():
        print(line)
    return 0

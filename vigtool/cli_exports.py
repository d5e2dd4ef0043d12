"""The export and import commands of ``vigtool`` (``cut``, ``export ...``, ``import-eaf``).

Each opens the workspace, finds the case, runs one core export with a
progress line on the terminal, and prints where the result went. Errors are
VigtoolErrors, which cli.main turns into one ``error: ...`` line. An export
that would replace files refuses (one line) unless given ``--force``. An
export is for the family unless ``--audience`` says otherwise, and needs the
family's consent to that audience. If the files were written but the audit
log could not record it, one line says where they are and the command exits 3.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from vigtool.cli_args import cycle_number, frame_number, output_path, require_workspace
from vigtool.errors import VigtoolError
from vigtool.exports.audience import (
    AUDIENCES,
    CONSENT_SCOPES,
    DEFAULT_AUDIENCE,
    HOLDS,
    Audience,
    holds_everything,
)
from vigtool.exports.audit import ExportNotRecorded
from vigtool.exports.request import EXPORT_KINDS, ExportRequest, check_export_outputs
from vigtool.privacy.outputs import check_output
from vigtool.report.export import PdfWriter
from vigtool.workspace import DuplicateRecording, Workspace

EXIT_NOT_RECORDED = 3  # the files are out but the audit log does not say so (cli.EXIT_INTERNAL)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("cut", help="cut frames A..B of a video into an MP4 with sound")
    p.add_argument("video", type=Path)
    p.add_argument("--start-frame", type=frame_number, required=True, metavar="A")
    p.add_argument("--end-frame", type=frame_number, required=True, metavar="B",
                   help="inclusive")
    p.add_argument("--out", type=output_path, required=True,
                   help="the new MP4 (never the input, nor inside a workspace)")
    p.add_argument("--force", action="store_true", help="replace the file if it is there")
    p.add_argument("--no-smart", action="store_true", help="re-encode everything")

    p = sub.add_parser(
        "export", help="export a case: everything for a session, the family's own copy, "
        "clips, reel, stills, summary or data")
    p.add_argument("kind", choices=EXPORT_KINDS,
                   help="session: the chosen clips, the highlight reel, the stills and the "
                   "summary for the audience (for the practitioner: the record), in one "
                   "folder. family: the family's own copy for a phone, tablet or memory stick "
                   "(index.html that opens offline in any browser, the chosen clips as MP4s "
                   "any phone plays, the stills, the parent's words and the goals; needs the "
                   "family's consent to the shared review and to keeping clips). ending: every "
                   "cycle together, for the family (a celebration) or the practitioner's "
                   "record (--audience practitioner), as .html, .pdf or .docx")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    cycles = p.add_mutually_exclusive_group()
    cycles.add_argument("--cycle", type=cycle_number,
                        help="one cycle (session and family: default the latest)")
    cycles.add_argument("--all-cycles", action="store_true",
                        help="every cycle (family: one folder with every session)")
    p.add_argument("--out", type=output_path, required=True,
                   help="session, family: the folder to put the case-and-cycle folder in; "
                   "a folder "
                   "for clips/stills/eaf, else a file (summary, ending: .html, .pdf or .docx, "
                   "by its extension); never inside the workspace but for its exports/ folder")
    p.add_argument("--force", action="store_true", help="replace files already there")
    p.add_argument("--captions", choices=("none", "soft", "burn"), default="none",
                   help="clips: the strengths wording as subtitles or burned in")
    p.add_argument("--pad", type=milliseconds, default=0, metavar="TIME",
                   help="clips: time added each side, in ms (500) or seconds (0.5s)")
    p.add_argument("--fade", type=milliseconds, default=0, metavar="TIME",
                   help="clips: fade in and out, in ms (300) or seconds (0.3s)")
    p.add_argument("--all", action="store_true",
                   help="clips: every moment, not just chosen (--audience practitioner only)")
    p.add_argument("--no-titles", action="store_true", help="reel: no title cards")
    p.add_argument("--replay", choices=("none", "slow", "freeze"), default="none",
                   help="clips: each moment again after itself, at half speed (slow) or "
                   "held on its still (freeze); the highlight film shows each moment once")
    p.add_argument("--replay-sound", choices=("silent", "pitch-kept"), default="silent",
                   help="clips: the half-speed replay silent, or with its sound slowed at "
                   "its own pitch")
    p.add_argument("--freeze", type=milliseconds, default=3000, metavar="TIME",
                   help="clips: how long --replay freeze holds the still, in ms (3000) or "
                   "seconds (3s)")
    p.add_argument("--audience", choices=AUDIENCES, default=DEFAULT_AUDIENCE,
                   help="who the export is for, and so what it holds. "
                   + " ".join(f"{a}{' (the default)' if a == DEFAULT_AUDIENCE else ''}: "
                              f"{HOLDS[a]}{_consent_needed(a)}." for a in AUDIENCES))

    p = sub.add_parser("import-eaf", help="import an ELAN .eaf file's annotations as moments")
    p.add_argument("eaf", type=Path)
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--video", type=Path, required=True)
    p.add_argument("--cycle", type=cycle_number, default=1)


def _consent_needed(audience: Audience) -> str:
    scope = CONSENT_SCOPES[audience]
    return f" (needs the family's consent: {scope})" if scope else ""


_TIME = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*")


def milliseconds(text: str) -> int:
    """``500`` or ``500ms`` is 500 ms; ``0.5s`` is 500 ms (argparse type)."""
    match = _TIME.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time: write 500 (ms) or 0.5s")
    value, unit = float(match.group(1)), match.group(2)
    if unit != "s" and not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text!r}: milliseconds are whole; or write 0.5s")
    return round(value * 1000) if unit == "s" else int(value)


def run_cut(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.media.cut import CutOptions, cut_clip
    from vigtool.media.frame_index import build_frame_index

    check_output(args.out, inputs=[args.video], force=args.force, what="the cut")
    index = build_frame_index(args.video)
    result = cut_clip(args.video, index, args.start_frame, args.end_frame, args.out,
                      options=CutOptions(smart=not args.no_smart), progress=progress)
    how = "smart cut" if result.smart else "re-encoded"
    print(f"{result.frames} frames ({how}, {result.seconds:.2f} s) written to {result.path}")
    return 0


def _open(workspace: Path) -> Workspace:
    require_workspace(workspace)
    return Workspace.open(workspace, wait=3.0)  # a moment for another program to close it


def run_export(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.exports.request import run_export

    if args.all and not holds_everything(args.audience):
        raise VigtoolError("--all (clips of every moment) is only for the practitioner's own "
                           "record: add --audience practitioner, or leave out --all")
    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        cycle = args.cycle
        if args.all_cycles and args.kind == "session":
            raise VigtoolError("everything for a session is exported one cycle at a time: "
                               "give --cycle, or leave out --all-cycles")
        if args.kind in ("session", "family") and cycle is None and not args.all_cycles:
            cycles = ws.caseload.cycles(case.id)
            if not cycles:
                raise VigtoolError(f"case {case.code} has no recordings yet")
            cycle = max(c.number for c in cycles)
        request = ExportRequest(
            kind=args.kind, case_id=case.id, cycle=cycle, out=args.out,
            captions=args.captions, pad_ms=args.pad, fade_ms=args.fade, everything=args.all,
            title_cards=not args.no_titles, audience=args.audience, replay=args.replay,
            replay_sound=args.replay_sound, freeze_ms=args.freeze,
        )
        check_export_outputs(ws, request, force=args.force)
        try:
            written = run_export(ws, request, pdf_writer=_pdf_writer(request),
                                 progress=progress)
        except ExportNotRecorded as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_NOT_RECORDED
    for path in written:
        print(path)
    return 0


def _pdf_writer(request: ExportRequest) -> PdfWriter | None:
    """Qt's PDF writer, loaded only for a PDF summary (it starts a headless Qt)."""
    pdf_summary = (request.kind in ("summary", "ending")
                   and request.out.suffix.lower() == ".pdf")
    if not pdf_summary and request.kind != "session":
        return None
    from vigtool.gui.pdf import html_to_pdf

    return html_to_pdf


def run_import_eaf(args: argparse.Namespace, progress) -> int:  # type: ignore[no-untyped-def]
    from vigtool.exports.eaf_document import read_eaf
    from vigtool.exports.eaf_import import import_eaf

    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        read_eaf(args.eaf)  # a broken file is refused before the film is copied in
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

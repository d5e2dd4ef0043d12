"""``vigtool`` on the command line.

Contract: exit 0 on success; exit 2 with one line ``error: ...`` on stderr
for bad input; never a traceback (an unexpected failure prints one line and
keeps the details in a log file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from vigtool import (
    __version__,
    cli_agreement,
    cli_exports,
    cli_packages,
    cli_privacy,
    cli_suggest,
)
from vigtool.cli_args import (
    cycle_number,
    frame_number,
    not_text,
    one_line,
    output_path,
    require_workspace,
)
from vigtool.errors import VigtoolError
from vigtool.jobs import Progress, no_progress
from vigtool.privacy.files import file_error

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_CANCELLED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {one_line(message)} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vigtool",
        description="Frame-exact tagging, highlight clips and shared review for "
        "Video Interaction Guidance.",
    )
    parser.add_argument("--version", action="version", version=f"vigtool {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("probe", help="describe a video: frames, duration, size, sound")
    p.add_argument("video", type=Path)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("frame", help="save one exact frame of a video as PNG or JPEG")
    p.add_argument("video", type=Path)
    p.add_argument("--frame", type=frame_number, required=True, metavar="N",
                   help="0-based frame number")
    p.add_argument("--out", type=output_path, required=True, help="output .png or .jpg")
    p.add_argument("--force", action="store_true", help="replace the file if it is there")

    cli_exports.add_parsers(sub)
    cli_privacy.add_parsers(sub)
    cli_agreement.add_parsers(sub)
    cli_packages.add_parsers(sub)
    cli_suggest.add_parsers(sub)

    p = sub.add_parser("gui", help="open the desktop app (the default with no command)")
    p.add_argument("video", type=Path, nargs="?", help="a video to open (imported if new)")
    p.add_argument("--workspace", type=Path, help="workspace folder (default: the last one)")
    p.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)

    p = sub.add_parser("review", help="open the shared review of a case's chosen clips")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--cycle", type=cycle_number, help="cycle number (default: the latest)")

    p = sub.add_parser("demo", help="build a demo workspace from the sample clips and open it")
    p.add_argument("--workspace", type=Path, help="folder (default: the user data folder)")
    p.add_argument("--no-gui", action="store_true", help="build it and print what was made")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    bad = not_text(sys.argv[1:] if argv is None else argv)
    if bad is not None:
        print(f"error: {bad}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    from vigtool.workspace.lock import set_program

    set_program("the vigtool app" if args.command in ("gui", "demo", "review")
                else f"'vigtool {args.command}'")
    try:
        return _run(args)
    except VigtoolError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except OSError as exc:  # the file system said no: a path, a permission, a full disk
        print(f"error: {one_line(str(file_error(exc.filename or '', exc, 'use')))}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        log = write_crash_log()
        what = one_line(f"{type(exc).__name__}: {exc}")
        print(f"error: unexpected failure ({what}); details in {log}", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.command == "probe":
        return _probe(args.video, as_json=args.json)
    if args.command == "frame":
        return _frame(args.video, args.frame, args.out, force=args.force)
    if args.command == "demo":
        return _demo(args.workspace, gui=not args.no_gui)
    if args.command == "cut":
        return cli_exports.run_cut(args, terminal_progress("cutting"))
    if args.command == "export":
        return cli_exports.run_export(args, terminal_progress(f"exporting {args.kind}"))
    if args.command == "import-eaf":
        return cli_exports.run_import_eaf(args, terminal_progress("importing"))
    if args.command == "consent":
        return cli_privacy.run_consent(args)
    if args.command == "cases":
        return cli_privacy.run_cases(args)
    if args.command == "retention":
        return cli_privacy.run_retention(args)
    if args.command == "purge":
        return cli_privacy.run_purge(args, terminal_progress("keeping clips"))
    if args.command == "audit":
        return cli_privacy.run_audit(args)
    if args.command == "agreement":
        return cli_agreement.run_agreement(args)
    if args.command == "package":
        return cli_packages.run_package(args, terminal_progress("packaging"))
    if args.command == "import-package":
        return cli_packages.run_import_package(args, terminal_progress("opening"))
    if args.command == "suggest":
        return cli_suggest.run_suggest(args, terminal_progress("listening"))
    if args.command == "review":
        return _review(args.workspace, args.case, args.cycle)
    if args.command == "gui":
        return _gui(args.workspace, args.video, quit_after=args.quit_after)
    raise AssertionError(args.command)


def _probe(video: Path, *, as_json: bool) -> int:
    from vigtool.media.probe import probe_video

    probe = probe_video(video)
    if as_json:
        print(json.dumps(probe.to_json(), indent=2))
    else:
        for key, value in probe.to_json().items():
            print(f"{key:>12}: {value}")
    return EXIT_OK


def _frame(video: Path, number: int, out: Path, *, force: bool) -> int:
    from vigtool.media.frame_index import build_frame_index
    from vigtool.media.reader import FrameReader
    from vigtool.media.stills import write_still
    from vigtool.privacy.outputs import check_output

    check_output(out, inputs=[video], force=force, what="the frame")
    index = build_frame_index(video)
    index.times.check_frame(number)
    with FrameReader(video, index, prefetch=False) as reader:
        rgb = reader.frame(number)
    write_still(rgb, out)
    print(f"frame {number} of {video.name} ({rgb.shape[1]}x{rgb.shape[0]}) saved to {out}")
    return EXIT_OK


def _demo(workspace: Path | None, *, gui: bool) -> int:
    from vigtool.demo import build_demo, default_demo_workspace

    root = workspace or default_demo_workspace()
    result = build_demo(root, progress=terminal_progress("importing"))
    for line in result.lines:
        print(line)
    if not gui:
        return EXIT_OK
    from vigtool.gui.app import run_gui

    return run_gui(root, recording_id=result.recording_id)


def _review(workspace: Path, case_code: str, cycle: int | None) -> int:
    from vigtool.workspace import Workspace

    require_workspace(workspace)
    with Workspace.open(workspace) as ws:  # a clear error before any window opens
        case = ws.caseload.case_by_code(case_code)
        ws.privacy.require_consent(case.id, "shared-review", "open the shared review")
    from vigtool.gui.app import run_review

    return run_review(workspace, case_code, cycle)


def _gui(workspace: Path | None, video: Path | None, *, quit_after: float | None) -> int:
    if video is not None:
        from vigtool.media.opening import check_readable_file

        check_readable_file(video)
    from vigtool.gui.app import run_gui

    return run_gui(
        workspace, video, quit_after_ms=None if quit_after is None else int(quit_after * 1000)
    )


def terminal_progress(label: str) -> Progress:
    """A progress callback that redraws one line on an interactive terminal."""
    if not sys.stderr.isatty():
        return no_progress

    def show(done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        end = "\n" if done >= total else ""
        print(f"\r{label}: {pct:3d}%", end=end, file=sys.stderr, flush=True)

    return show


def write_crash_log() -> Path:
    from platformdirs import user_log_path

    folder = user_log_path("vigtool", ensure_exists=True)
    log = folder / "crash.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as f:
        f.write(traceback.format_exc())
        f.write("\n")
    os.chmod(log, 0o600)  # a log from an older version may have been 0644
    return log


if __name__ == "__main__":
    raise SystemExit(main())

"""``vigtool package`` and ``vigtool import-package``: supervision packages.

The passphrase is never an argument (it would stay in the shell's history
and show in the list of running programs): it is the first line of
``--passphrase-file``, or typed at the terminal, twice when making a
package. Without a terminal and without a file, one line says so. Both
commands open the workspace as its one writer (they log what left or came
in), waiting a few seconds for another program to close it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from vigtool.cli_args import cycle_number, output_path, require_workspace
from vigtool.errors import VigtoolError
from vigtool.jobs import Progress
from vigtool.privacy.files import file_errors
from vigtool.workspace import Workspace

WRITER_WAIT_S = 3.0


class _NeverOnTheCommandLine(argparse.Action):
    """``--passphrase X`` is refused without repeating X (which would otherwise be taken
    as an abbreviation of ``--passphrase-file`` and echoed back in an error)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        parser.error("a passphrase is never given on the command line (it would stay in the "
                     "shell's history): use --passphrase-file F, or type it when asked")


def _passphrase_options(p: argparse.ArgumentParser, making: bool) -> None:
    typed = "type it, twice" if making else "type it"
    least = " (10 characters or more)" if making else ""
    p.add_argument("--passphrase-file", type=Path, metavar="F",
                   help=f"read the passphrase{least} from the first line of F (default: "
                   f"{typed})")
    p.add_argument("--passphrase", action=_NeverOnTheCommandLine, help=argparse.SUPPRESS)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "package", help="make an encrypted supervision package of a case's cycle (or send a "
        "supervisor's comments back)",
        description="A trainee's package holds the cycle's chosen clips (family film and "
        "shared-review film) with their stills, moments, notes, the parent's words, goals, "
        "the self-assessment and the summary; it needs the family's consent to supervision. "
        "The file is encrypted with the passphrase (age); without it nothing about the "
        "family can be read. Send the passphrase another way than the file.")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--cycle", type=cycle_number, help="the cycle to send (default: the latest)")
    p.add_argument("--out", type=output_path, required=True, metavar="FILE.vigpack",
                   help="the package to write (outside the workspace); a name that does not "
                   "say whose it is")
    _passphrase_options(p, making=True)
    p.add_argument("--comments", action="store_true",
                   help="supervisor: send back your comments, replies and codes on a "
                   "trainee's case")
    p.add_argument("--force", action="store_true", help="replace the file if it is there")

    p = sub.add_parser(
        "import-package", help="open a supervision package (a trainee's case, or a "
        "supervisor's comments) into a workspace",
        description="A trainee's case opens read-only in the supervisor's workspace; a "
        "supervisor's comments land on the trainee's own films at the same frames. A wrong "
        "passphrase or a changed file imports nothing; opening a package twice changes "
        "nothing.")
    p.add_argument("package", type=Path, metavar="FILE", help="the .vigpack file")
    p.add_argument("--workspace", type=Path, required=True)
    _passphrase_options(p, making=False)


def _open(workspace: Path) -> Workspace:
    require_workspace(workspace)
    return Workspace.open(workspace, wait=WRITER_WAIT_S)


def run_package(args: argparse.Namespace, progress: Progress) -> int:
    from vigtool.packages import make_case_package, make_comments_package
    from vigtool.privacy.outputs import check_output

    if args.comments and args.cycle is not None:
        raise VigtoolError("--cycle is for a trainee's package; --comments sends back "
                           "everything on the case")
    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        # The checks that need no passphrase first, so nobody types one in vain.
        ws.privacy.require_consent(case.id, "supervision", "make a supervision package")
        check_output(args.out, workspace=ws.root, force=args.force, what="the package")
        passphrase = read_passphrase(args.passphrase_file, confirm=True)
        if args.comments:
            out = make_comments_package(ws, case.id, args.out, passphrase, force=args.force,
                                        progress=progress)
        else:
            out = make_case_package(ws, case.id, args.cycle, args.out, passphrase,
                                    force=args.force, progress=progress)
    size = out.stat().st_size
    what = "comments package" if args.comments else "supervision package"
    print(f"{out}: encrypted {what} of case {case.code} ({size / 1024**2:.1f} MB)")
    print("send the passphrase another way than the file (say it, or a separate message)")
    return 0


def run_import_package(args: argparse.Namespace, progress: Progress) -> int:
    from vigtool.packages import open_package

    require_workspace(args.workspace)
    passphrase = read_passphrase(args.passphrase_file, confirm=False)
    with _open(args.workspace) as ws:
        report = open_package(ws, args.package, passphrase, progress=progress)
    for line in report.lines():
        print(line)
    return 0


def read_passphrase(file: Path | None, *, confirm: bool) -> str:
    """The first line of ``file``, or typed at the terminal (twice when ``confirm``)."""
    if file is not None:
        with file_errors(file, "read the passphrase from"):
            try:
                text = file.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError:
                raise VigtoolError(f"the passphrase file {file} is not text (UTF-8)") from None
        passphrase = text.splitlines()[0] if text.splitlines() else ""
        if not passphrase:
            raise VigtoolError(f"the passphrase file {file} is empty: put the passphrase on "
                               "its first line")
        return passphrase
    if not sys.stdin.isatty():
        raise VigtoolError("give --passphrase-file F: a passphrase is never given on the "
                           "command line, and there is no terminal to type it at")
    passphrase = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("The same passphrase again: ") != passphrase:
        raise VigtoolError("the two passphrases differ; nothing was made")
    if not passphrase:
        raise VigtoolError("no passphrase was typed")
    return passphrase

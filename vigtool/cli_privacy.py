"""The governance commands of ``vigtool``: ``consent``, ``cases``, ``retention``,
``purge`` and ``audit``.

Listing commands open the workspace read-only, so they work while the app
has it open; commands that change it (or write an audit line) open it as its
one writer, waiting a few seconds for another program to close it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vigtool.cli_args import months, one_line, output_path, require_workspace
from vigtool.domain.consent import SCOPES, SHORT_LABELS
from vigtool.errors import VigtoolError
from vigtool.jobs import Progress
from vigtool.store.database import needs_migration
from vigtool.workspace import DB_NAME, Workspace

WRITER_WAIT_S = 3.0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    scopes = ", ".join(SCOPES)
    p = sub.add_parser("consent", help="show or record what a family consented to",
                       description=f"Consent scopes: {scopes}. With no change given, "
                       "shows the case's consent.")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--give", nargs="+", choices=tuple(SCOPES), default=[], metavar="SCOPE",
                   help="record that the family gave consent to these scopes today")
    p.add_argument("--refuse", nargs="+", choices=tuple(SCOPES), default=[], metavar="SCOPE",
                   help="record that the family did not consent to these scopes")
    p.add_argument("--withdraw", nargs="+", choices=tuple(SCOPES), default=[],
                   metavar="SCOPE", help="the family withdraws consent to these scopes")
    p.add_argument("--by", metavar="NAME", help="who recorded it (default: your login name)")

    p = sub.add_parser("cases", help="list the cases with their consent and retention dates")
    p.add_argument("--workspace", type=Path, required=True)

    p = sub.add_parser("retention", help="show or set when raw film is due to be deleted")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", metavar="CODE", help="the case whose date to set")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--until", metavar="DATE", help="the case's date (2027-01-31)")
    group.add_argument("--default", action="store_true",
                       help="the case follows the service's default period again")
    p.add_argument("--months", type=months, metavar="N",
                   help="the service's default: months after the last filming (1-120)")

    p = sub.add_parser("purge", help="delete a case's raw film and everything made from it "
                       "(cannot be undone)")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", required=True, metavar="CODE")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser("audit", help="show the audit log, or save it as CSV")
    p.add_argument("--workspace", type=Path, required=True)
    p.add_argument("--case", metavar="CODE", help="one case only")
    p.add_argument("--out", type=output_path, help="save as CSV here")
    p.add_argument("--force", action="store_true", help="replace the file if it is there")


def _open(workspace: Path, *, read_only: bool = False) -> Workspace:
    require_workspace(workspace)
    if read_only and not needs_migration(workspace / DB_NAME):
        return Workspace.open(workspace, read_only=True)
    return Workspace.open(workspace, wait=WRITER_WAIT_S)


def run_consent(args: argparse.Namespace) -> int:
    changing = bool(args.give or args.refuse or args.withdraw)
    with _open(args.workspace, read_only=not changing) as ws:
        case = ws.caseload.case_by_code(args.case)
        for scope in args.give:
            ws.add_consent(case.id, kind=scope, given=True, recorded_by=args.by)
        for scope in args.refuse:
            ws.add_consent(case.id, kind=scope, given=False, recorded_by=args.by)
        for scope in args.withdraw:
            ws.withdraw_consent(case.id, kind=scope, recorded_by=args.by)
        state = ws.privacy.consent_state(case.id)
    print(f"consent for case {case.code}:")
    for scope, s in state.items():
        when = f" since {s.since[:10]}" if s.since else ""
        who = f" (recorded by {s.recorded_by})" if s.recorded_by else ""
        print(f"  {SHORT_LABELS[scope]:<14} {s.status}{when}{who}")
    return 0


def run_cases(args: argparse.Namespace) -> int:
    with _open(args.workspace, read_only=True) as ws:
        rows = []
        for case in ws.caseload.cases():
            state = ws.privacy.consent_state(case.id)
            given = [SHORT_LABELS[k] for k, s in state.items() if s.granted]
            retention = ws.privacy.retention(case.id)
            rows.append((case.code, len(ws.library.recordings(case.id)),
                         ", ".join(given), retention.line(case.code)))
    if not rows:
        print("no cases yet")
    for code, films, scopes, line in rows:
        print(f"{code}: {films} recording(s); consent: {scopes or 'none recorded'}")
        print(f"  {line.split(': ', 1)[1]}")
    return 0


def run_retention(args: argparse.Namespace) -> int:
    changing = args.months is not None or args.until is not None or args.default
    if (args.until is not None or args.default) and args.case is None:
        raise VigtoolError("give --case CODE with --until or --default")
    with _open(args.workspace, read_only=not changing) as ws:
        if args.months is not None:
            ws.privacy.set_retention_months(args.months)
        if args.case is not None and (args.until is not None or args.default):
            case = ws.caseload.case_by_code(args.case)
            ws.privacy.set_retention_until(case.id, None if args.default else args.until)
        print(f"raw film is kept {ws.privacy.retention_months} month(s) after the last "
              "filming unless a case has its own date")
        cases = ws.caseload.cases()
        if args.case is not None:
            cases = [ws.caseload.case_by_code(args.case)]
        for case in cases:
            print(ws.privacy.retention(case.id).line(case.code))
    return 0


def run_purge(args: argparse.Namespace, progress: Progress) -> int:
    from vigtool.purge import plan_purge, purge_case

    with _open(args.workspace) as ws:
        case = ws.caseload.case_by_code(args.case)
        plan = plan_purge(ws, case.id)
        if plan.empty:
            print(f"case {case.code} has no raw film left to delete")
            return 0
        for line in plan.lines():
            print(line)
        if not args.yes:
            _confirm(case.code)
        result = purge_case(ws, plan, progress=progress)
    for line in result.lines():
        print(line)
    return 0 if not result.left else 3


def _confirm(code: str) -> None:
    if not sys.stdin.isatty():
        raise VigtoolError("a purge cannot be undone: run it at a terminal to confirm, "
                           "or give --yes")
    answer = input(f"Type the case code ({code}) to delete its raw film: ")
    if answer.strip() != code:
        raise VigtoolError("not confirmed; nothing was deleted")


def run_audit(args: argparse.Namespace) -> int:
    from vigtool.exports.audit_csv import write_audit_csv
    from vigtool.privacy.outputs import check_output

    if args.out is None:
        with _open(args.workspace, read_only=True) as ws:
            case_id = ws.caseload.case_by_code(args.case).id if args.case else None
            codes = {c.id: c.code for c in ws.caseload.cases()}
            for e in ws.privacy.audit_log(case_id):
                code = codes.get(e.case_id, "-") if e.case_id is not None else "-"
                print(f"{e.at}  {e.action:<16} {code:<10} {one_line(e.detail)}")
        return 0
    with _open(args.workspace) as ws:
        check_output(args.out, workspace=ws.root, force=args.force, what="the audit log")
        case_id = ws.caseload.case_by_code(args.case).id if args.case else None
        ws.privacy.record_event("audit-export", case_id, f"audit log saved to {args.out}")
        write_audit_csv(ws, args.out, case_id)
    print(args.out)
    return 0

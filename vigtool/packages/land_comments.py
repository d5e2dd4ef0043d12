"""A supervisor's comments package lands in the trainee's workspace.

Every comment and code names the trainee's original film by its SHA-256
and sits at that film's frames, so it lands at the same frame it was made
on, on the trainee's own timeline. A comment keeps its uid (one already here
is skipped, so opening twice adds nothing) and replies find their comment by
uid. The supervisor's codes land as read-only moments signed with the
supervisor's name, for comparing two coders on one film. If any film is not
in this workspace, nothing is imported.
"""

from __future__ import annotations

from vigtool.domain.records import NewMoment, Recording
from vigtool.jobs import CancelToken, Progress
from vigtool.packages import ledger
from vigtool.packages.format import Opened, PackageError
from vigtool.packages.manifest import COMMENTS, MomentEntry
from vigtool.packages.report import ImportReport
from vigtool.workspace import Workspace
from vigtool.workspace.supervision import ReceivedComment


def land_comments(ws: Workspace, opened: Opened, progress: Progress, cancel: CancelToken
                  ) -> ImportReport:
    m = opened.manifest
    sender = m["from"]
    films: dict[str, Recording] = {}
    missing: set[str] = set()
    spans = [(c["recording"], c["end_frame"]) for c in m["comments"]] + [
        (x["recording"], x["end_frame"]) for x in m["codes"]]
    for sha, end in spans:
        if sha not in films and sha not in missing:
            found = ws.library.recording_by_hash(sha)
            if found is None or found.source_sha256:  # a clip from a package is not the film
                missing.add(sha)
                continue
            films[sha] = found
        if sha in films and end >= films[sha].frame_count:
            raise PackageError("these comments do not fit the film they are on here; nothing "
                               "was imported")
    if missing:
        raise PackageError(f"these comments are on {len(missing)} film(s) this workspace does "
                           "not have; nothing was imported (open them in the workspace that "
                           "made the package)")
    cases = sorted({r.case_id for r in films.values()})
    case_id = cases[0] if len(cases) == 1 else None
    code = ws.caseload.case(case_id).code if case_id is not None else m["case"]["code"]
    cancel.raise_if_cancelled()  # from here on, things are written
    report = ImportReport(COMMENTS, m["id"], sender, case_id=case_id, case_code=code,
                          cycles=tuple(sorted({r.cycle for r in films.values()})))
    incoming = [ReceivedComment(c["uid"], films[c["recording"]].id, c["start_frame"],
                                c["end_frame"], c["parent"], c["author"], c["text"],
                                c["created_at"]) for c in m["comments"]]
    added = ws.supervision.receive_comments(incoming)
    report.comments = len(added)
    report.comments_known = len(incoming) - len(added)
    progress(1, 2)
    for sha, recording in films.items():
        report.codes += _land_codes(ws, recording, [x for x in m["codes"] if x["recording"] == sha],
                                    sender)
    ledger.record_import(ws, case_id, m["id"], COMMENTS,
                         f"from {sender}: case {code}: {report.comments} comment(s), "
                         f"{report.codes} code(s)")
    progress(2, 2)
    return report


def _land_codes(ws: Workspace, recording: Recording, codes: list[MomentEntry], sender: str
                ) -> int:
    """The supervisor's codes on one film, read-only and signed; identical ones once."""
    there = {(x.start_frame, x.end_frame, x.codes, x.title, x.coder)
             for x in ws.annotations.moments(recording.id)}
    new = []
    for e in codes:
        coder = e["coder"] or sender
        key = (e["start_frame"], e["end_frame"], tuple(e["codes"]), e["title"], coder)
        if key in there:
            continue
        there.add(key)
        new.append(NewMoment(e["start_frame"], e["end_frame"], tuple(e["codes"]), e["title"],
                             e["note"], e["strengths"], e["prompt"], coder=coder, locked=True))
    if new:
        ws.annotations.add_annotations(recording.id, moments=new,
                                       name="Open Supervisor's Comments")
    return len(new)

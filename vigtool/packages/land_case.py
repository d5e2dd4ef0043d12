"""A trainee's case package lands in the supervisor's workspace.

The case is the trainee's pseudonym, marked as theirs (``supervisee``);
the same trainee's case is found again by the films its clips came from or
by its code, so a second package for a later cycle joins it. A code already
used here for something else becomes "CODE (from NAME)". The family's
consent is recorded as the trainee recorded it (by them, from the package).
Each clip becomes a recording of the case, placed in the trainee's film
(``source_sha256``, ``offset_frame``); the trainee's moments land on it
read-only (``locked``), signed by who coded them; stills, the parent's
words, goals, the self-assessment and comments follow. Opening an updated
package of a cycle adds only what is not here yet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from vigtool.domain.records import Case, NewMoment, Recording
from vigtool.errors import MediaError, NotFound
from vigtool.jobs import CancelToken, Progress
from vigtool.media.frame_index import build_frame_index
from vigtool.packages import ledger
from vigtool.packages.format import Opened, PackageError
from vigtool.packages.manifest import CASE, ClipEntry, Manifest, RecordingEntry
from vigtool.packages.report import ImportReport, summary_name
from vigtool.privacy.files import atomic_write_bytes, file_errors, private_workdir
from vigtool.workspace import Workspace
from vigtool.workspace.supervision import ReceivedComment

_MAX_CODE = 64
_NEEDED = ("filming", "supervision")


@dataclass(frozen=True)
class _Clip:
    """A clip checked and written to the work folder, and the recording it lands as."""

    entry: ClipEntry
    film: RecordingEntry
    path: Path
    known: Recording | None  # already here from an earlier package

    def holds(self, sha: str, start: int, end: int) -> bool:
        e = self.entry
        return sha == e["recording"] and e["start_frame"] <= start and end <= e["end_frame"]


def land_case(ws: Workspace, opened: Opened, progress: Progress, cancel: CancelToken
              ) -> ImportReport:
    m = opened.manifest
    sender = m["from"]
    for scope in _NEEDED:
        if not any(c["kind"] == scope and c["status"] == "given" for c in m["consents"]):
            raise PackageError(f"the package does not record the family's consent to {scope}; "
                               "nothing was imported")
    with private_workdir(ws.root) as work:
        clips = _checked_clips(ws, opened, work, cancel)
        case, code = _trainee_case(ws, m, clips)
        for clip in clips:
            if clip.known is not None and (case is None or clip.known.case_id != case.id):
                raise PackageError(f"clip {clip.entry['file']} of this package is already in "
                                   "this workspace in another case; nothing was imported")
        cancel.raise_if_cancelled()  # from here on, things are written
        if case is None:
            case = ws.supervision.add_supervisee_case(code, m["case"]["helping_question"],
                                                      supervisee=sender)
        report = ImportReport(CASE, m["id"], sender, case_id=case.id, case_code=case.code,
                              cycles=tuple(m["case"]["cycles"]))
        _record_consents(ws, case, m)
        landed: list[tuple[_Clip, Recording]] = []
        for n, clip in enumerate(clips, start=1):
            landed.append((clip, clip.known or ws.library.import_recording(
                case.id, path=clip.path, cycle=clip.film["cycle"], kind=clip.film["kind"],
                source_sha256=clip.film["sha256"], offset_frame=clip.entry["start_frame"])))
            report.clips_known += clip.known is not None
            progress(n, len(clips) + 1)
        report.clips = len(clips) - report.clips_known
        moment_ids = _land_moments(ws, m, landed, report)
        _land_stills(ws, opened, landed, report)
        _land_words(ws, case, m, moment_ids, report)
        _land_comments(ws, m, landed, report)
        _land_summary(ws, opened, landed, report)
        ledger.record_import(
            ws, case.id, m["id"], CASE,
            f"from {sender}: case {case.code}, cycle "
            f"{', '.join(map(str, report.cycles))}: {report.clips} clip(s), "
            f"{report.moments} moment(s), {report.stills} still(s), "
            f"{report.comments} comment(s)")
    return report


def _checked_clips(ws: Workspace, opened: Opened, work: Path, cancel: CancelToken
                   ) -> list[_Clip]:
    """Each clip's bytes checked against its SHA-256, written to ``work`` and read as a
    video of exactly the frames it claims; nothing is imported yet."""
    m = opened.manifest
    films = {r["sha256"]: r for r in m["recordings"]}
    clips = []
    for n, entry in enumerate(m["clips"], start=1):
        cancel.raise_if_cancelled()
        data = opened.files[entry["file"]]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise PackageError(f"{entry['file']} in this package is not the clip its manifest "
                               "describes; nothing was imported")
        film = films[entry["recording"]]
        path = work / f"c{film['cycle']}-{film['kind']}-clip{n}.mp4"
        with file_errors(path):
            path.write_bytes(data)
        want = entry["end_frame"] - entry["start_frame"] + 1
        try:
            frames = build_frame_index(path, cancel=cancel).frame_count
        except MediaError as exc:
            raise PackageError(f"{entry['file']} in this package is not a video we can read "
                               f"({exc}); nothing was imported") from None
        if frames != want:
            raise PackageError(f"{entry['file']} in this package has {frames} frames, not "
                               f"{want}; nothing was imported")
        clips.append(_Clip(entry, film, path, _known(ws, entry)))
    if not clips:
        raise PackageError("this package holds no clips; nothing was imported")
    return clips


def _known(ws: Workspace, entry: ClipEntry) -> Recording | None:
    """The clip if it is here already: the same bytes, or (cut again for an updated
    package, so not byte for byte the same) the same frames of the same film."""
    same = ws.library.recording_by_hash(entry["sha256"])
    if same is not None:
        return same
    frames = entry["end_frame"] - entry["start_frame"] + 1
    return next((r for r in ws.library.recordings()
                 if r.source_sha256 == entry["recording"]
                 and r.offset_frame == entry["start_frame"] and r.frame_count == frames), None)


def _trainee_case(ws: Workspace, m: Manifest, clips: list[_Clip]) -> tuple[Case | None, str]:
    """The trainee's case here (found by the films its clips came from, or by its code),
    or None and the code a new one gets."""
    sender = m["from"]
    films = {r["sha256"] for r in m["recordings"]}
    for recording in ws.library.recordings():
        if recording.source_sha256 in films:
            case = ws.caseload.case(recording.case_id)
            if case.supervisee == sender:
                return case, case.code
    code = m["case"]["code"]
    short = sender if len(sender) <= 30 else sender[:29] + "…"
    suffix = f" (from {short})"
    candidates = [code, code[: _MAX_CODE - len(suffix)] + suffix]
    candidates += [f"{code[: _MAX_CODE - len(suffix) - 3]}{suffix} {n}" for n in range(2, 100)]
    for candidate in candidates:
        try:
            case = ws.caseload.case_by_code(candidate)
        except NotFound:
            return None, candidate
        if case.supervisee == sender:
            return case, candidate
    raise PackageError(f"no free case code is left for {code}; rename a case and try again")


def _record_consents(ws: Workspace, case: Case, m: Manifest) -> None:
    """The family's consent as the trainee recorded it, where it differs from what is here."""
    sender = m["from"]
    here = ws.privacy.consent_state(case.id)
    for c in m["consents"]:
        if here[c["kind"]].status == c["status"]:
            continue
        when = f" {c['since'][:10]}" if c["since"] else ""
        note = f"recorded by {sender}; from their supervision package ({c['status']}{when})"
        if c["status"] == "withdrawn" and here[c["kind"]].granted:
            ws.privacy.withdraw_consent(case.id, kind=c["kind"], recorded_by=sender)
        else:
            ws.privacy.add_consent(case.id, kind=c["kind"], given=c["status"] == "given",
                                   note=note, recorded_by=sender)


def _land_moments(ws: Workspace, m: Manifest, landed: list[tuple[_Clip, Recording]],
                  report: ImportReport) -> dict[int, int]:
    """The trainee's moments on each clip they lie inside, read-only; manifest id -> id here.
    A moment is chosen for review only on the clip cut for it (so numbers stay unique)."""
    ids: dict[int, int] = {}
    placed: set[int] = set()
    for clip, recording in landed:
        offset = clip.entry["start_frame"]
        own_span = (clip.entry["start_frame"], clip.entry["end_frame"])
        there = {_key(x.start_frame, x.end_frame, x.codes, x.title, x.coder): x.id
                 for x in ws.annotations.moments(recording.id)}
        new: list[tuple[int, NewMoment]] = []
        for e in m["moments"]:
            if not clip.holds(e["recording"], e["start_frame"], e["end_frame"]):
                continue
            placed.add(e["id"])
            start, end, coder = e["start_frame"] - offset, e["end_frame"] - offset, e["coder"]
            key = _key(start, end, tuple(e["codes"]), e["title"], coder or m["from"])
            if key in there:
                ids.setdefault(e["id"], there[key])
                continue
            chosen = e["selected_for_review"] and (e["start_frame"], e["end_frame"]) == own_span
            new.append((e["id"], NewMoment(
                start, end, tuple(e["codes"]), e["title"], e["note"], e["strengths"],
                e["prompt"], chosen, e["review_order"] if chosen else None,
                coder=coder or m["from"], locked=True)))
        if new:
            added, _ = ws.annotations.add_annotations(
                recording.id, moments=[x for _, x in new], name="Open Supervision Package")
            for (manifest_id, _), moment in zip(new, added, strict=True):
                ids.setdefault(manifest_id, moment.id)
            report.moments += len(added)
    report.left_out += sum(e["id"] not in placed for e in m["moments"])
    return ids


def _key(start: int, end: int, codes: tuple[str, ...], title: str, coder: str
         ) -> tuple[int, int, tuple[str, ...], str, str]:
    return start, end, codes, title, coder


def _land_stills(ws: Workspace, opened: Opened, landed: list[tuple[_Clip, Recording]],
                 report: ImportReport) -> None:
    """Each still on the first clip holding its frame, with the trainee's picture kept
    beside the clip (a purge of the case removes it with the clip)."""
    for s in opened.manifest["stills"]:
        found = next(((c, r) for c, r in landed
                      if c.holds(s["recording"], s["frame"], s["frame"])), None)
        if found is None:
            report.left_out += 1
            continue
        clip, recording = found
        frame = s["frame"] - clip.entry["start_frame"]
        if any(x.frame == frame and x.caption == s["caption"]
               for x in ws.annotations.stills(recording.id)):
            continue
        ws.annotations.add_still(recording.id, frame=frame, caption=s["caption"])
        atomic_write_bytes(ws.library.derived_file(recording, f"still-{frame}.png"),
                           opened.files[s["file"]])
        report.stills += 1


def _land_words(ws: Workspace, case: Case, m: Manifest, moment_ids: dict[int, int],
                report: ImportReport) -> None:
    """The parent's words, the goals and the self-assessment, each once."""
    said = {(r.cycle, r.text) for r in ws.review.reflections(case.id)}
    for r in m["reflections"]:
        if (r["cycle"], r["text"]) not in said:
            moment = None if r["moment"] is None else moment_ids.get(r["moment"])
            ws.review.add_reflection(case.id, cycle=r["cycle"], text=r["text"],
                                     moment_id=moment)
            said.add((r["cycle"], r["text"]))
            report.reflections += 1
    goals = {(g.cycle, g.text) for g in ws.review.goals(case.id)}
    for g in m["goals"]:
        if (g["cycle"], g["text"]) not in goals:
            ws.review.add_goal(case.id, cycle=g["cycle"], text=g["text"])
            goals.add((g["cycle"], g["text"]))
            report.goals += 1
    for a in m["self_assessments"]:
        ws.supervision.set_self_assessment(
            case.id, a["cycle"], used_well=a["used_well"], used_well_note=a["used_well_note"],
            to_develop=a["to_develop"], to_develop_note=a["to_develop_note"])
        report.self_assessments += 1


def _land_comments(ws: Workspace, m: Manifest, landed: list[tuple[_Clip, Recording]],
                   report: ImportReport) -> None:
    """Comments already made on these frames (the trainee's replies, say), on the first
    clip that holds them; one already here (by uid) is skipped."""
    incoming = []
    for c in m["comments"]:
        found = next(((clip, r) for clip, r in landed
                      if clip.holds(c["recording"], c["start_frame"], c["end_frame"])), None)
        if found is None:
            report.left_out += 1
            continue
        clip, recording = found
        offset = clip.entry["start_frame"]
        incoming.append(ReceivedComment(
            c["uid"], recording.id, c["start_frame"] - offset, c["end_frame"] - offset,
            c["parent"], c["author"], c["text"], c["created_at"]))
    added = ws.supervision.receive_comments(incoming)
    report.comments += len(added)
    report.comments_known += len(incoming) - len(added)


def _land_summary(ws: Workspace, opened: Opened, landed: list[tuple[_Clip, Recording]],
                  report: ImportReport) -> None:
    """The family summary, kept beside the cycle's first clip (see ``received_summary``)."""
    summary = opened.manifest["summary"]
    if summary is None:
        return
    cycle = summary["cycle"]
    first = next((r for _, r in landed if r.cycle == cycle), None)
    if first is not None:
        atomic_write_bytes(ws.library.derived_file(first, summary_name(cycle)),
                           opened.files[summary["file"]])
        report.summary = True

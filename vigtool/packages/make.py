"""Making packages: the trainee's case package, and the supervisor's comments that go back.

A case package holds one cycle: the moments chosen for review on the family
film and on the shared-review film, each cut frame-exactly with sound and no
padding (a clip's frame 0 is its moment's first frame), their stills as PNG,
the trainee's own moments that lie inside those clips (notes included: a
supervisor is a practitioner), the parent's words, goals, the self-assessment,
comments already on those frames, the family summary, and where the family's
consent stands. It needs the family's consent to supervision. Only what lies
inside a clip travels: nothing the supervisor could not see on their screen.

Like an export, it reads one snapshot, logs its intent before writing and its
outcome after (``ledger``), works in a private folder inside the workspace
(decrypted footage never lands beside the output, which may be a memory
stick) and writes the one file atomically.

Threading: long tasks for a worker thread; ``progress`` and ``cancel`` as in
``vigtool.jobs``. No Qt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.records import Case, Recording, RecordingStatus
from vigtool.errors import VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.frame_index import FrameIndex
from vigtool.media.stills import write_still
from vigtool.packages import ledger
from vigtool.packages.format import SUFFIX, SUMMARY, PackageError, new_passphrase, seal
from vigtool.packages.manifest import (
    CASE,
    COMMENTS,
    Manifest,
    comment_entry,
    moment_entry,
    new_manifest,
)
from vigtool.privacy.files import atomic_output, file_errors, private_workdir
from vigtool.privacy.outputs import check_output
from vigtool.report.export import export_summary
from vigtool.workspace import View, Workspace
from vigtool.workspace.library import RECORDING_KINDS


@dataclass(frozen=True)
class _Clip:
    """One clip to cut: frames ``start..end`` of a film, for the chosen moments ``moments``."""

    number: int
    recording: Recording
    media: Path
    index: FrameIndex
    start: int
    end: int
    moments: tuple[int, ...]

    @property
    def file(self) -> str:
        return f"clips/{self.number}.mp4"

    def holds(self, recording_id: int, start: int, end: int) -> bool:
        return (recording_id == self.recording.id
                and self.start <= start and end <= self.end)


def make_case_package(
    ws: Workspace,
    case_id: int,
    cycle: int | None,
    out: Path,
    passphrase: str,
    *,
    force: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Write the supervision package of ``cycle`` (None: the latest) of the case to ``out``.

    ``force`` replaces an existing file there. Raises a one-line VigtoolError
    (ConsentMissing without the family's consent to supervision), writing nothing."""
    key = new_passphrase(passphrase)
    case = ws.caseload.case(case_id)
    if case.supervisee:
        raise PackageError(f"case {case.code} came from {case.supervisee}'s supervision "
                           "package: send your comments back instead (a comments package)")
    ws.privacy.require_consent(case_id, "supervision", "make a supervision package")
    out = _check_out(ws, case_id, out, force)
    sender = ws.supervision.my_name
    with ws.snapshot() as snap:
        cycle = _cycle(snap, case, cycle)
        clips = _clips(snap, case, cycle)
        manifest = new_manifest(CASE, sender, {"code": case.code, "cycles": [cycle],
                                               "helping_question": case.helping_question})
        _add_data(snap, case, cycle, clips, manifest, sender)
        what = (f"{ledger.head(manifest['id'], CASE)} of case {case.code}, cycle {cycle}, "
                "for supervision")
        intent = ledger.record_start(ws, case_id, what, [i for c in clips for i in c.moments],
                                     out)
        try:
            with private_workdir(ws.root) as work:
                members = _media(snap, case, cycle, clips, manifest, work, progress, cancel)
                _write(out, seal(manifest, members, key), cancel)
        except BaseException as exc:
            ledger.record_stopped(ws, case_id, intent, exc)
            raise
    ledger.record_made(ws, case_id, intent, what, out)
    progress(1, 1)
    return out


def make_comments_package(
    ws: Workspace,
    case_id: int,
    out: Path,
    passphrase: str,
    *,
    force: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Write the comments, replies and own codes on a trainee's case to ``out``, at the
    frames of the trainee's original films, for the trainee to open. Small: no film."""
    key = new_passphrase(passphrase)
    case = ws.caseload.case(case_id)
    if not case.supervisee:
        raise PackageError(f"case {case.code} is your own, not one from a trainee's package; "
                           "send it for supervision as a case package instead")
    ws.privacy.require_consent(case_id, "supervision", "send comments back to the trainee")
    answers = ledger.answered_package(ws, case_id)
    if answers is None:
        raise PackageError(f"no trainee's package is recorded as opened into case {case.code}")
    out = _check_out(ws, case_id, out, force)
    sender = ws.supervision.my_name
    with ws.snapshot() as snap:
        films = [r for r in snap.library.recordings(case_id) if r.source_sha256]
        manifest = new_manifest(COMMENTS, sender, {
            "code": case.code, "helping_question": "",
            "cycles": sorted({r.cycle for r in films})}, answers=answers)
        for film in films:
            comments = snap.supervision.comments(film.id)
            uids = {c.id: c.uid for c in comments}
            manifest["comments"] += [
                comment_entry(c, film.source_sha256, offset=film.offset_frame,
                              parent=None if c.parent_id is None else uids.get(c.parent_id))
                for c in comments]
            manifest["codes"] += [
                moment_entry(m, film.source_sha256, offset=film.offset_frame, coder=sender,
                             chosen=False)
                for m in snap.annotations.moments(film.id) if not m.locked]
    if not manifest["comments"] and not manifest["codes"]:
        raise PackageError(f"there are no comments or codes on case {case.code} to send back "
                           "yet")
    what = f"{ledger.head(manifest['id'], COMMENTS)} on case {case.code} for {case.supervisee}"
    intent = ledger.record_start(ws, case_id, what, [m["id"] for m in manifest["codes"]], out)
    try:
        _write(out, seal(manifest, [], key), cancel)
    except BaseException as exc:
        ledger.record_stopped(ws, case_id, intent, exc)
        raise
    ledger.record_made(ws, case_id, intent, what, out)
    progress(1, 1)
    return out


# -- what goes in ----------------------------------------------------------------------------

def _check_out(ws: Workspace, case_id: int, out: Path, force: bool) -> Path:
    out = Path(out).expanduser()
    if out.suffix.lower() != SUFFIX:
        raise PackageError(f"a supervision package is saved as a {SUFFIX} file, not "
                           f"{' '.join(out.name.splitlines())}")
    films = [ws.library.media_path(r) for r in ws.library.recordings(case_id)]
    return check_output(out, inputs=films, workspace=ws.root, force=force, what="the package")


def _cycle(view: View, case: Case, cycle: int | None) -> int:
    numbers = sorted({r.cycle for r in view.library.recordings(case.id)})
    if not numbers:
        raise PackageError(f"case {case.code} has no film yet")
    if cycle is None:
        return numbers[-1]
    if cycle not in numbers:
        raise PackageError(f"case {case.code} has no film in cycle {cycle} (cycles: "
                           f"{', '.join(map(str, numbers))})")
    return cycle


def _clips(view: View, case: Case, cycle: int) -> list[_Clip]:
    """One clip per distinct span chosen in the cycle: the family film's in review order,
    then the shared-review film's in the order chosen for supervision."""
    spans: dict[tuple[int, int, int], list[int]] = {}
    recordings: dict[int, Recording] = {}
    chosen = [m for kind in RECORDING_KINDS
              for m in view.annotations.review_moments(case.id, cycle, kind=kind)]
    for moment in chosen:
        if moment.recording_id not in recordings:
            recording = view.library.recording(moment.recording_id)
            if recording.status is not RecordingStatus.PRESENT:
                raise PackageError(f"the {recording.kind} film {recording.original_name} is "
                                   f"{recording.status.value}; locate it before packaging")
            recordings[moment.recording_id] = recording
        key = (moment.recording_id, moment.start_frame, moment.end_frame)
        spans.setdefault(key, []).append(moment.id)
    if not spans:
        raise PackageError(f"no moment of case {case.code}, cycle {cycle} is chosen yet: "
                           "choose the moments your supervisor should see (R)")
    return [_Clip(n, recordings[rid], view.library.media_path(recordings[rid]),
                  view.library.frame_index(rid), start, end, tuple(ids))
            for n, ((rid, start, end), ids) in enumerate(spans.items(), start=1)]


def _add_data(view: View, case: Case, cycle: int, clips: list[_Clip], manifest: Manifest,
              sender: str) -> None:
    """Everything but the files: films, consent, moments and comments inside the clips,
    the parent's words, goals and the self-assessment of the cycle."""
    films = {c.recording.id: c.recording for c in clips}
    manifest["recordings"] = [
        {"sha256": r.sha256, "kind": r.kind, "cycle": r.cycle, "fps": r.fps,
         "frame_count": r.frame_count, "width": r.width, "height": r.height}
        for r in films.values()]
    manifest["consents"] = [
        {"kind": scope, "status": s.status, "since": s.since, "recorded_by": s.recorded_by}
        for scope, s in view.privacy.consent_state(case.id).items() if s.status != "not asked"]

    def inside(recording_id: int, start: int, end: int) -> bool:
        return any(c.holds(recording_id, start, end) for c in clips)

    for film in films.values():
        manifest["moments"] += [
            moment_entry(m, film.sha256, offset=0, coder=sender)
            for m in view.annotations.moments(film.id)
            if not m.locked and inside(film.id, m.start_frame, m.end_frame)]
        comments = view.supervision.comments(film.id)
        uids = {c.id: c.uid for c in comments}
        manifest["comments"] += [
            comment_entry(c, film.sha256, offset=0,
                          parent=None if c.parent_id is None else uids.get(c.parent_id))
            for c in comments if inside(film.id, c.start_frame, c.end_frame)]
    sent = {m["id"] for m in manifest["moments"]}
    manifest["reflections"] = [
        {"cycle": r.cycle, "moment": r.moment_id if r.moment_id in sent else None,
         "text": r.text, "created_at": r.created_at}
        for r in view.review.reflections(case.id, cycle) if r.text.strip()]
    manifest["goals"] = [{"cycle": g.cycle, "text": g.text}
                         for g in view.review.goals(case.id, cycle) if g.text.strip()]
    mine = view.supervision.self_assessment(case.id, cycle)
    if mine is not None:
        manifest["self_assessments"] = [{
            "cycle": cycle, "used_well": list(mine.used_well),
            "used_well_note": mine.used_well_note, "to_develop": list(mine.to_develop),
            "to_develop_note": mine.to_develop_note, "updated_at": mine.updated_at}]


def _media(view: View, case: Case, cycle: int, clips: list[_Clip], manifest: Manifest,
           work: Path, progress: Progress, cancel: CancelToken) -> list[tuple[str, bytes]]:
    """Cut the clips, take the stills, make the summary; the files for the ZIP."""
    stills = {s.id: (clip, s) for clip in clips
              for s in view.annotations.stills(clip.recording.id)
              if clip.start <= s.frame <= clip.end}
    total = 100 * len(clips) + len(stills) + 2
    members: list[tuple[str, bytes]] = []
    for n, clip in enumerate(clips):
        cancel.raise_if_cancelled()
        path = work / f"{clip.number}.mp4"
        result = cut_clip(clip.media, clip.index, clip.start, clip.end, path,
                          options=CutOptions(), progress=_part(progress, 100 * n, 100, total),
                          cancel=cancel)
        if result.frames != clip.end - clip.start + 1:
            raise VigtoolError(f"clip {clip.number} came out {result.frames} frames long, not "
                               f"{clip.end - clip.start + 1}; nothing was written")
        data = _read(path)
        manifest["clips"].append({
            "file": clip.file, "recording": clip.recording.sha256, "start_frame": clip.start,
            "end_frame": clip.end, "sha256": _sha256(data), "size": len(data)})
        members.append((clip.file, data))
        path.unlink()
    done = 100 * len(clips)
    for number, (clip, still) in enumerate(stills.values(), start=1):
        cancel.raise_if_cancelled()
        path = work / f"still-{number}.png"
        with view.library.open_reader(clip.recording.id, prefetch=False) as reader:
            write_still(reader.frame(still.frame), path)
        name = f"stills/{number}.png"
        manifest["stills"].append({"file": name, "recording": clip.recording.sha256,
                                   "frame": still.frame, "caption": still.caption})
        members.append((name, _read(path)))
        done += 1
        progress(done, total)
    summary = _summary(view, case, cycle, work)
    if summary is not None:
        manifest["summary"] = {"file": SUMMARY, "cycle": cycle}
        members.append((SUMMARY, summary))
    progress(done + 1, total)
    return members


def _summary(view: View, case: Case, cycle: int, work: Path) -> bytes | None:
    """The family summary of the cycle as HTML, or None when it cannot be made (no moment
    of the family film chosen, or wording that would need changing first)."""
    try:
        path = export_summary(view, case.id, cycle, work / SUMMARY, audience="family",
                              codebook=builtin_codebook(DEFAULT_CODEBOOK_ID))
    except VigtoolError:
        return None
    return _read(path)


def _part(progress: Progress, before: int, span: int, total: int) -> Progress:
    def step(done: int, of: int) -> None:
        progress(before + span * done // max(of, 1), total)

    return step


def _read(path: Path) -> bytes:
    with file_errors(path, "read"):
        return path.read_bytes()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(out: Path, data: bytes, cancel: CancelToken) -> None:
    cancel.raise_if_cancelled()  # the last moment a cancel leaves nothing behind
    with file_errors(out), atomic_output(out) as tmp:
        tmp.write_bytes(data)


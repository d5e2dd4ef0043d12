"""The family's own copy: one folder a parent keeps on a phone, a tablet or a memory stick.

"The videos belong to the people in them." The folder holds ``index.html``
(one page that works offline in any browser: no network, no script, nothing
fetched from anywhere else), the chosen clips as MP4s any phone plays
(``phone_video``), the stills large with their captions, the parent's own
words, the goals and, once the scale is recorded, the chart of the helping
question's scale (``family_page``). One cycle or every cycle of a case.
It holds only what the family's summary holds: the moments chosen for the
review, from the family's films, in strengths words (checked, like the
summary, before anything is written); file names say the case code and
cycle, never a name (``naming``).

It needs the family's consent to the shared review and to keeping clips
(``FAMILY_SCOPES``). ``run_export`` (``vigtool.exports.request``) checks it,
reads everything from one snapshot through ``plan_family_copy``, records the
audit log's intent and outcome, and calls ``write_family_copy``, which
builds the folder in a hidden work folder beside it and moves it into place
only when every file is done: a cancel or an error leaves nothing. A film
that was purged gives its kept clip (kept with the same consent). Long
work: runs on a worker thread, with progress and cancel; no Qt.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.consent import missing_consent_message
from vigtool.domain.records import Moment, RecordingStatus
from vigtool.errors import ConsentMissing, VigtoolError
from vigtool.exports import naming
from vigtool.exports.family_page import PageMoment, PageSession, PageStill, render_family_page
from vigtool.exports.phone_video import phone_copy
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.frame_index import FrameIndex
from vigtool.privacy.files import file_errors, make_private, private_dir, private_workdir
from vigtool.report.summary import SummaryData, build_summary
from vigtool.workspace import View, Workspace

FAMILY_SCOPES = ("shared-review", "keep-clips")
NO_FILM = "moment {n} of cycle {cycle} has no film to copy: {why}"
WHY_NO_FILM = {
    RecordingStatus.PURGED: "its film was deleted and no clip of it was kept; take the "
                            "moment out of the review, or export the other cycles",
    RecordingStatus.MISSING: "its film is missing; locate it, or take the moment out of "
                             "the review",
}


def require_family_consent(ws: View | Workspace, case_id: int, doing: str) -> None:
    """Raise ConsentMissing, one line naming every consent missing, unless the family
    consented both to the shared review and to keeping the clips."""
    states = ws.privacy.consent_state(case_id)
    missing = [states[scope] for scope in FAMILY_SCOPES if not states[scope].granted]
    if not missing:
        return
    code = ws.caseload.case(case_id).code
    line = missing_consent_message(code, missing[0], doing)
    for state in missing[1:]:
        # "cannot X: for case C, <why>; record ..." -> "..., <why>, and <why 2>; record ..."
        head, sep, tail = line.partition("; record")
        why = missing_consent_message(code, state, doing).partition(f"for case {code}, ")[2]
        line = f"{head}, and {why.partition('; record')[0]}{sep}{tail}"
    raise ConsentMissing(line)


@dataclass(frozen=True)
class FamilyClip:
    """One chosen moment's clip: cut from its film (``index``), or its kept clip."""

    moment: Moment
    cycle: int
    number: int  # its place in the cycle's review, as the summary numbers it
    source: Path
    index: FrameIndex | None  # None: ``source`` is the clip kept after a purge
    name: str


@dataclass(frozen=True)
class FamilyPlan:
    """Everything the family's copy holds, read from one snapshot before any writing."""

    case_code: str
    cycle: int | None  # None: every cycle
    folder: Path
    sessions: tuple[SummaryData, ...]
    clips: tuple[FamilyClip, ...]

    @property
    def moment_ids(self) -> list[int]:
        return [m.id for s in self.sessions for m in s.moments]


def family_cycles(view: View, case_id: int) -> list[int]:
    """The cycles of a case that have moments chosen for the review, in order."""
    moments = view.annotations.review_moments(case_id, None)
    return sorted({view.library.recording(m.recording_id).cycle for m in moments})


def plan_family_copy(view: View, case_id: int, cycle: int | None, out: Path) -> FamilyPlan:
    """Read the family's copy of ``cycle`` (None: every cycle) from ``view``.

    Raises VigtoolError (one line) when nothing is chosen, or a chosen
    moment's film is missing (or purged with no clip kept)."""
    case = view.caseload.case(case_id)
    cycles = [cycle] if cycle is not None else family_cycles(view, case_id)
    codebook = builtin_codebook(DEFAULT_CODEBOOK_ID)
    sessions = []
    clips: list[FamilyClip] = []
    for n in cycles:
        if not view.annotations.review_moments(case_id, n):
            continue
        data = build_summary(view, case_id, n, audience="family", codebook=codebook)
        if cycle is None:
            data = replace(data, earlier=())  # every session is on the page in full
        sessions.append(data)
        moments = {m.id: m for m in view.annotations.review_moments(case_id, n)}
        clips += [_clip(view, case.code, n, s.number, moments[s.id]) for s in data.moments]
    if not sessions:
        raise VigtoolError("no moments are chosen for review in this case"
                           + (f" and cycle {cycle}" if cycle is not None else "")
                           + " (select a moment and press R to choose it)")
    folder = naming.family_copy_folder(out, case.code, cycle)
    return FamilyPlan(case.code, cycle, folder, tuple(sessions), tuple(clips))


def _clip(view: View, code: str, cycle: int, number: int, moment: Moment) -> FamilyClip:
    recording = view.library.recording(moment.recording_id)
    name = naming.clip_name(code, cycle, number)
    if recording.status is RecordingStatus.PRESENT:
        return FamilyClip(moment, cycle, number, view.library.media_path(recording),
                          view.library.frame_index(recording.id), name)
    if recording.status is RecordingStatus.PURGED:
        kept = view.library.kept_clip(recording, moment.id)
        if kept.is_file():
            return FamilyClip(moment, cycle, number, kept, None, name)
    raise VigtoolError(NO_FILM.format(n=number, cycle=cycle,
                                      why=WHY_NO_FILM.get(recording.status, "it is not here")))


def write_family_copy(
    plan: FamilyPlan,
    *,
    options: CutOptions | None = None,
    captions: bool = False,
    language: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """Write the folder of ``plan``; return its files (the page last).

    ``options`` say how clips are cut (padding, fades, how words go on them);
    ``captions`` puts each moment's strengths wording on its clip. The page's
    words are checked first (FamilyWordingError: nothing is written). Files
    of an earlier copy in the folder that this one does not hold are removed.
    """
    options = options or CutOptions()
    stills = _still_names(plan)
    page = render_family_page(_page_sessions(plan, stills), all_cycles=plan.cycle is None,
                              language=language)
    folder = plan.folder
    total = len(plan.clips) * 1000 + 100
    with private_workdir(folder.parent) as work:
        stage = private_dir(work / folder.name)
        for n, clip in enumerate(plan.clips):
            cancel.raise_if_cancelled()

            def step(done: int, whole: int, n: int = n) -> None:
                progress(n * 1000 + 1000 * min(done, whole) // max(whole, 1), total)

            _write_clip(clip, stage, options, captions, step, cancel)
        for session in plan.sessions:
            for moment in session.moments:
                for picture, name in zip(moment.pictures, stills[moment.id], strict=True):
                    _write_private(stage / name, picture.jpeg)
        _write_private(stage / naming.FAMILY_PAGE, page.encode("utf-8"))
        cancel.raise_if_cancelled()
        written = _move_into_place(stage, folder, plan)
    progress(total, total)
    return written


def _write_clip(clip: FamilyClip, stage: Path, options: CutOptions, captions: bool,
                progress: Progress, cancel: CancelToken) -> None:
    """Cut (or take the kept) clip, then make it phone-ready, into ``stage``."""
    out = stage / clip.name
    if clip.index is None:
        phone_copy(clip.source, out, keep_source=True, progress=progress, cancel=cancel)
        return
    wording = clip.moment.strengths.strip()
    if captions and wording:
        options = replace(options, caption=wording)
    cut = stage / f"cut-{clip.name}"

    def half(done: int, whole: int) -> None:  # the cut is half; a re-encode the other half
        progress(done, 2 * max(whole, 1))

    cut_clip(clip.source, clip.index, clip.moment.start_frame, clip.moment.end_frame, cut,
             options=options, progress=half, cancel=cancel)
    phone_copy(cut, out, progress=lambda d, w: progress(w + d, 2 * max(w, 1)), cancel=cancel)


def _write_private(path: Path, data: bytes) -> None:
    """A file of the work folder (it is moved into place with the rest, or goes with it)."""
    with file_errors(path.name):
        path.write_bytes(data)
    make_private(path)


def _still_names(plan: FamilyPlan) -> dict[int, list[str]]:
    """Each moment's pictures' file names: ``FAM-01-c2-still03.jpg``, numbered per cycle."""
    names: dict[int, list[str]] = {}
    for session in plan.sessions:
        count = 0
        for moment in session.moments:
            names[moment.id] = []
            for _ in moment.pictures:
                count += 1
                names[moment.id].append(naming.still_name(plan.case_code, session.cycle,
                                                          count, ".jpg"))
    return names


def _page_sessions(plan: FamilyPlan, stills: dict[int, list[str]]) -> list[PageSession]:
    clips = {c.moment.id: c.name for c in plan.clips}
    return [
        PageSession(session, tuple(
            PageMoment(m, clips.get(m.id), tuple(
                PageStill(name, p.width, p.height, p.caption)
                for p, name in zip(m.pictures, stills[m.id], strict=True)))
            for m in session.moments))
        for session in plan.sessions
    ]


def _move_into_place(stage: Path, folder: Path, plan: FamilyPlan) -> list[Path]:
    """The finished folder into place: renamed whole when there is none yet; else file by
    file, the page last (so it never names a clip that is not there yet), and then the
    clips and stills of an earlier copy that this one does not hold are removed."""
    names = sorted(p.name for p in stage.iterdir() if p.is_file())
    ordered = [n for n in names if n != naming.FAMILY_PAGE] + [naming.FAMILY_PAGE]
    with file_errors(folder):
        if not os.path.lexists(folder):
            os.rename(stage, folder)
            return [folder / n for n in ordered]
        earlier = naming.family_copy_files(folder, plan.case_code, plan.cycle)
        for name in ordered:
            os.replace(stage / name, folder / name)
        for old in earlier:
            if old.name not in names:
                old.unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)
    return [folder / n for n in ordered]

"""One export, described once and run the same way from the command line and the app.

Every export is for an audience (``vigtool.exports.audience``; the family by
default) and holds what that audience may see. ``run_export`` first checks
the family's consent to that audience, then takes one ``Snapshot`` of the
workspace and reads from it all the export needs (so the files agree with
each other even while the practitioner goes on editing), records the
export's start in the audit log, writes the files, and records the outcome
(``vigtool.exports.audit``): the audit log never misses a file that left.
Long work: runs with progress and a cancel token, off the GUI thread in the
app; a cancelled or failed export leaves no partial file.

"Everything for this session" (kind ``session``) writes the chosen clips, the
highlight reel (joined from those very clips), the stills and the summary
for the audience (for the practitioner: the record) into one folder named by
case code, cycle and audience. It writes them all into a hidden folder
beside them first and moves them into place only when every one is done, so
a cancel or an error leaves the folder as it was. ``replaced_files`` says
which files an export would replace, so the app can ask first and the
command line can refuse.

"The family's own copy" (kind ``family``, for the family only) is one folder
for a phone or a memory stick, one cycle or every cycle: a page that opens
offline, the chosen clips as MP4s any phone plays, the stills and the
words (``vigtool.exports.family_folder``). Besides the shared review it
needs the family's consent to keeping clips; it is made in a hidden folder
and moved into place the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from vigtool.errors import VigtoolError
from vigtool.exports import audit, naming
from vigtool.exports.audience import (
    CONSENT_SCOPES,
    DEFAULT_AUDIENCE,
    FOR_WHOM,
    Audience,
    check_audience,
    holds_everything,
    summary_version,
)
from vigtool.exports.session import SessionExport
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.privacy.files import private_dir, private_workdir
from vigtool.privacy.outputs import check_output_folder, check_outputs
from vigtool.report.export import PdfWriter
from vigtool.workspace import View, Workspace

if TYPE_CHECKING:
    from vigtool.media.cut import CutOptions

ExportKind = Literal["session", "clips", "reel", "stills", "csv", "json", "eaf", "vtt",
                     "summary", "family", "ratings", "ending"]
EXPORT_KINDS: tuple[ExportKind, ...] = (
    "session", "clips", "reel", "stills", "csv", "json", "eaf", "vtt", "summary", "family",
    "ratings", "ending")
DATA_KINDS: frozenset[ExportKind] = frozenset({"csv", "json", "eaf", "vtt", "ratings"})
# What each kind is called in the audit log and in a refusal ("export clips for the family").
WHAT: dict[ExportKind, str] = {
    "session": "everything for the session", "clips": "clips", "reel": "the highlight film",
    "stills": "stills", "csv": "the moments as a spreadsheet (CSV)",
    "json": "the session as data (JSON)", "eaf": "ELAN files", "vtt": "subtitles (WebVTT)",
    "summary": "the session summary",
    "family": "the family's own copy (for a phone or memory stick)",
    "ratings": "the scaling ratings as a spreadsheet (CSV)",
    "ending": "the ending (every cycle together)"}
NOTHING_CHOSEN = ("no moments are chosen for review in this case and cycle "
                  "(select a moment and press R to choose it)")
NO_RATINGS = ("no ratings are recorded for this case yet (the parent's scale on the review's "
              "closing page, or Case > Scaling...)")
# How much of one session export's progress bar each part takes (of 1000).
_SESSION_SHARES = (("clips", 550), ("reel", 250), ("stills", 120), ("summary", 80))


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    case_id: int
    cycle: int | None
    out: Path  # a folder for a session, clips, stills and per-recording files; else a file
    captions: Literal["none", "soft", "burn"] = "none"
    pad_ms: int = 0
    fade_ms: int = 0
    everything: bool = False  # clips: every moment (the practitioner's record only)
    title_cards: bool = True
    audience: Audience = DEFAULT_AUDIENCE
    # clips: each moment again after itself, at half speed or as its still held (replay.py)
    replay: Literal["none", "slow", "freeze"] = "none"
    replay_sound: Literal["silent", "pitch-kept"] = "silent"
    freeze_ms: int = 3000

    def __post_init__(self) -> None:
        check_audience(self.audience)
        if (self.replay, self.replay_sound, self.freeze_ms) != ("none", "silent", 3000):
            from vigtool.media.replay import check_replay

            check_replay(self.replay, 0.5, self.freeze_ms / 1000, self.replay_sound)
        if self.everything and not holds_everything(self.audience):
            raise VigtoolError("clips of every moment are for the practitioner's own record "
                               "only; for anyone else, only the chosen moments leave")
        if self.kind == "family" and self.audience != "family":
            raise VigtoolError("the family's own copy is for the family only; for anyone "
                               "else, export everything for the session")
        if self.kind == "ending" and self.audience not in ("family", "practitioner"):
            raise VigtoolError("the ending is for the family or the practitioner's record")
        if self.kind == "ending" and self.cycle is not None:
            raise VigtoolError("the ending brings every cycle together: leave out the cycle")

    def cut_options(self) -> CutOptions:
        """How each clip of this export is cut: padding, fades, words and replay."""
        from vigtool.media.cut import CutOptions

        return CutOptions(pad_before_ms=self.pad_ms, pad_after_ms=self.pad_ms,
                          fade_ms=self.fade_ms,
                          caption_mode="burn" if self.captions == "burn" else "soft",
                          replay=self.replay, freeze_s=self.freeze_ms / 1000,
                          replay_sound=self.replay_sound)

    @property
    def doing(self) -> str:
        """What this export does, in a few words: "export clips for the family"."""
        what = WHAT[self.kind]
        if self.kind == "clips" and self.everything:
            what = "clips of every moment"
        if self.kind == "family":
            return f"export {what}"
        return f"export {what} {FOR_WHOM[self.audience]}"

    def replaced_files(self, case_code: str) -> list[Path]:
        """Files there now that this export would replace (or remove, as no longer chosen)."""
        return replaced_files(self.kind, case_code, self.cycle, self.out, self.audience)


def replaced_files(kind: ExportKind, case_code: str, cycle: int | None, out: Path,
                   audience: Audience = DEFAULT_AUDIENCE) -> list[Path]:
    """The existing files an export of ``kind`` for ``audience`` to ``out`` would replace
    or remove.

    Found by name alone (every exported file is named by case code, cycle and
    audience), so the app can ask before it starts."""
    if kind == "session":
        if cycle is None:
            return []
        folder = naming.session_folder(out, case_code, cycle, audience)
        found = [*replaced_files("clips", case_code, cycle, folder, audience),
                 *replaced_files("stills", case_code, cycle, folder, audience),
                 folder / naming.reel_name(case_code, cycle, audience),
                 folder / naming.file_name(case_code, cycle, "summary", ".pdf",
                                           audience=audience)]
        return [p for p in found if p.is_file()]
    if kind == "family":
        folder = naming.family_copy_folder(out, case_code, cycle)
        return naming.family_copy_files(folder, case_code, cycle)
    if kind in ("clips", "stills"):
        what, ext = ("clip", ".mp4") if kind == "clips" else ("still", ".png")
        return naming.earlier_exports(out, case_code, cycle, what, ext, audience)
    if kind == "reel" and out.is_dir():
        out = out / naming.reel_name(case_code, cycle, audience)
    if kind in ("eaf", "vtt") and out.is_dir():
        return naming.recording_files(out, kind, audience)
    return [out] if out.is_file() else []


def output_paths(
    kind: ExportKind, case_code: str, cycle: int | None, out: Path,
    audience: Audience = DEFAULT_AUDIENCE,
) -> tuple[list[Path], list[Path]]:
    """The folders an export writes into and the paths of the files it would write,
    replace or remove that are there now (or, for a one-file export, its file)."""
    if kind == "session":
        if cycle is None:
            return [out], []
        folder = naming.session_folder(out, case_code, cycle, audience)
        files = [*naming.earlier_exports(folder, case_code, cycle, "clip", ".mp4", audience),
                 *naming.earlier_exports(folder, case_code, cycle, "still", ".png", audience),
                 folder / naming.reel_name(case_code, cycle, audience),
                 folder / naming.file_name(case_code, cycle, "summary", ".pdf",
                                           audience=audience)]
        return [out, folder], files
    if kind == "family":
        folder = naming.family_copy_folder(out, case_code, cycle)
        return [out, folder], naming.family_copy_files(folder, case_code, cycle)
    if kind in ("clips", "stills") and cycle is not None:
        what, ext = ("clip", ".mp4") if kind == "clips" else ("still", ".png")
        return [out], naming.earlier_exports(out, case_code, cycle, what, ext, audience)
    if kind in ("clips", "stills"):
        return [out], []
    if kind == "reel" and out.is_dir():
        return [out], [out / naming.reel_name(case_code, cycle, audience)]
    if kind in ("eaf", "vtt") and (out.is_dir() or out.suffix.lower() != f".{kind}"):
        return [out], naming.recording_files(out, kind, audience)
    return [], [out]


def check_export_outputs(ws: View | Workspace, request: ExportRequest, *, force: bool) -> None:
    """Refuse (one line) an export that would write over one of the workspace's
    films, into the workspace (but for its exports/ folder), over anything that is
    not a regular file, or, unless ``force``, over an existing file."""
    case = ws.caseload.case(request.case_id)
    films = [ws.library.media_path(rec) for rec in ws.library.recordings()]
    folders, files = output_paths(request.kind, case.code, request.cycle, request.out,
                                  request.audience)
    for folder in folders:
        check_output_folder(folder, inputs=films, workspace=ws.root,
                            what="the export folder")
    check_outputs(files, inputs=films, workspace=ws.root, force=force, what="the export")


def run_export(
    ws: Workspace,
    request: ExportRequest,
    *,
    pdf_writer: PdfWriter | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """Do the export from one snapshot; returns the files written.

    Refuses (ConsentMissing, one line) an export for an audience the family
    has not consented to, and writes nothing unless the audit log has taken
    the export's start; raises ``audit.ExportNotRecorded`` if the files are in
    place but the log could not take the outcome. Safe on a worker thread
    while the workspace is edited on another. ``pdf_writer`` draws a PDF
    summary (the app and the CLI pass the Qt one).
    """
    r = request
    if r.kind == "family":  # keeping clips, as well as the shared review: one line for both
        from vigtool.exports.family_folder import require_family_consent

        require_family_consent(ws, r.case_id, r.doing)
    scope = CONSENT_SCOPES[r.audience]
    if scope is not None:
        ws.privacy.require_consent(r.case_id, scope, r.doing)
    with ws.snapshot() as snapshot:
        # The caller has asked (app) or been told --force (CLI) before replacing files.
        check_export_outputs(snapshot, r, force=True)
        moment_ids, session = _leaving(snapshot, r)
        cycle = f"cycle {r.cycle}" if r.cycle is not None else "all cycles"
        what = f"{r.doing.removeprefix('export ')}, {cycle}"
        intent = audit.record_start(ws, r.case_id, what, moment_ids, r.out)
        try:
            written = _export(snapshot, r, session, pdf_writer, progress, cancel)
        except BaseException as exc:
            audit.record_stopped(ws, r.case_id, intent, exc)
            raise
    audit.record_done(ws, r.case_id, intent, what, written, r.out)
    return written


def _leaving(view: View, r: ExportRequest) -> tuple[list[int], SessionExport | None]:
    """The ids of the moments this export lets leave (and, for a data export, the
    snapshot it writes), read before anything is written."""
    from vigtool.exports.media_exports import chosen_moments
    from vigtool.exports.session import build_session

    session = None
    if r.kind in DATA_KINDS:
        session = build_session(
            view, r.case_id, r.cycle, family_films_only=not holds_everything(r.audience)
        ).for_audience(r.audience)
        if r.kind == "ratings":  # the parent's answers leave, no moment does
            if not session.ratings:
                raise VigtoolError(NO_RATINGS)
            return [], session
        ids = [m.id for m in session.moments]
    elif r.kind == "summary":
        ids = [m.id for m in view.annotations.review_moments(r.case_id, _summary_cycle(view, r))]
    elif r.kind == "ending":  # a still from every cycle
        ids = [m.id for m in view.annotations.review_moments(r.case_id)]
    elif r.kind == "family":  # a purged film's kept clip goes too: read in _family
        ids = [m.id for m in view.annotations.review_moments(r.case_id, r.cycle)]
    else:
        everything = r.everything and r.kind == "clips"
        ids = [c.moment.id for c in chosen_moments(view, r.case_id, r.cycle,
                                                   everything=everything)]
    if not ids and not holds_everything(r.audience):
        raise VigtoolError(NOTHING_CHOSEN)
    return ids, session


def _summary_cycle(view: View, r: ExportRequest) -> int | None:
    """The cycle a summary is of: the one asked for, else the latest."""
    if r.cycle is not None:
        return r.cycle
    numbers = {rec.cycle for rec in view.library.recordings(r.case_id)}
    numbers |= {c.number for c in view.caseload.cycles(r.case_id)}
    return max(numbers, default=None)


def _export(
    view: View,
    r: ExportRequest,
    session: SessionExport | None,
    pdf_writer: PdfWriter | None,
    progress: Progress,
    cancel: CancelToken,
) -> list[Path]:
    if r.kind == "session":
        return _session(view, r, pdf_writer, progress, cancel)
    if r.kind == "family":
        return _family(view, r, progress, cancel)
    if r.kind in ("clips", "reel", "stills"):
        from vigtool.exports import media_exports

        if r.kind == "clips":
            return media_exports.export_clips(
                view, r.case_id, r.cycle, r.out, options=r.cut_options(),
                captions=r.captions != "none", everything=r.everything, audience=r.audience,
                progress=progress, cancel=cancel)
        if r.kind == "reel":
            return [media_exports.export_reel(view, r.case_id, r.cycle, r.out,
                                              title_cards=r.title_cards, audience=r.audience,
                                              progress=progress, cancel=cancel).path]
        return media_exports.export_stills(view, r.case_id, r.cycle, r.out,
                                           audience=r.audience, progress=progress,
                                           cancel=cancel)
    if r.kind == "summary":
        from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
        from vigtool.report.export import export_summary

        cancel.raise_if_cancelled()
        return [export_summary(view, r.case_id, r.cycle, r.out,
                               audience=summary_version(r.audience),
                               codebook=builtin_codebook(DEFAULT_CODEBOOK_ID),
                               pdf_writer=pdf_writer)]
    if r.kind == "ending":
        from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
        from vigtool.report.ending_export import export_ending

        cancel.raise_if_cancelled()
        return [export_ending(view, r.case_id, r.out, audience=summary_version(r.audience),
                              codebook=builtin_codebook(DEFAULT_CODEBOOK_ID),
                              pdf_writer=pdf_writer)]
    assert session is not None
    return _data_export(view, r, session, progress, cancel)


def _data_export(
    view: View, r: ExportRequest, session: SessionExport, progress: Progress,
    cancel: CancelToken,
) -> list[Path]:
    """CSV, JSON, ELAN or WebVTT from ``session`` (already cut down to the audience)."""
    from vigtool.exports import eaf, subtitles, tabular

    if r.kind == "csv":
        return [tabular.write_csv(session, r.out, progress=progress, cancel=cancel)]
    if r.kind == "json":
        return [tabular.write_json(session, r.out, cancel=cancel)]
    if r.kind == "ratings":
        return [tabular.write_ratings_csv(session, r.out, cancel=cancel)]
    shown = {m.recording_id for m in session.moments}
    recordings = [rec for rec in view.library.recordings(r.case_id)
                  if (r.cycle is None or rec.cycle == r.cycle)
                  and (holds_everything(r.audience) or rec.id in shown)]
    if not recordings:
        raise VigtoolError("this case has no recordings in that cycle")
    single = len(recordings) == 1 and r.out.suffix.lower() in (".eaf", ".vtt")
    written = []
    for rec in recordings:
        name = naming.recording_file_name(rec.id, r.kind, r.audience)
        target = r.out if single else r.out / name
        if r.kind == "eaf":
            # Only the practitioner's record names the film as the workspace holds it.
            media = view.library.media_path(rec) if holds_everything(r.audience) else None
            written.append(eaf.write_eaf(session, rec.id, target, cancel=cancel,
                                         media_path=media))
        else:
            written.append(subtitles.write_webvtt(session, rec.id, target, cancel=cancel))
    return written


def _share(progress: Progress, part: str) -> Progress:
    """Progress of one part of a session export, as a stretch of the one bar."""
    start = 0
    for name, share in _SESSION_SHARES:
        if name == part:
            break
        start += share

    def step(done: int, total: int) -> None:
        progress(start + share * min(done, total) // max(total, 1), 1000)

    return step


def _session(
    view: View,
    r: ExportRequest,
    pdf_writer: PdfWriter | None,
    progress: Progress,
    cancel: CancelToken,
) -> list[Path]:
    """Clips, reel, stills and the audience's summary, moved into place together."""
    from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
    from vigtool.exports import media_exports
    from vigtool.report.export import export_summary

    if r.cycle is None:
        raise VigtoolError("everything for a session is exported one cycle at a time; "
                           "choose the cycle")
    if pdf_writer is None:
        raise VigtoolError("the session's summary is a PDF, which needs the app's PDF writer")
    case = view.caseload.case(r.case_id)
    folder = private_dir(naming.session_folder(r.out, case.code, r.cycle, r.audience))
    options = r.cut_options()
    with private_workdir(folder) as stage:  # a killed export's work folder goes first
        clips = media_exports.cut_clips(
            view, r.case_id, r.cycle, stage, options=options, captions=r.captions != "none",
            audience=r.audience, progress=_share(progress, "clips"), cancel=cancel)
        media_exports.export_reel(
            view, r.case_id, r.cycle, stage / naming.reel_name(case.code, r.cycle, r.audience),
            title_cards=r.title_cards, clips=clips, progress=_share(progress, "reel"),
            cancel=cancel)
        media_exports.write_stills(view, r.case_id, r.cycle, stage, audience=r.audience,
                                   progress=_share(progress, "stills"), cancel=cancel)
        cancel.raise_if_cancelled()
        name = naming.file_name(case.code, r.cycle, "summary", ".pdf", audience=r.audience)
        export_summary(view, r.case_id, r.cycle, stage / name,
                       audience=summary_version(r.audience),
                       codebook=builtin_codebook(DEFAULT_CODEBOOK_ID), pdf_writer=pdf_writer)
        _share(progress, "summary")(1, 1)
        cancel.raise_if_cancelled()
        written = _move_into(stage, folder)
    stale = [*naming.earlier_exports(folder, case.code, r.cycle, "clip", ".mp4", r.audience),
             *naming.earlier_exports(folder, case.code, r.cycle, "still", ".png", r.audience)]
    for old in stale:
        if old not in written:
            old.unlink(missing_ok=True)
    return written


def _family(view: View, r: ExportRequest, progress: Progress, cancel: CancelToken
            ) -> list[Path]:
    """The family's own copy: one folder for a phone or memory stick, moved into place whole."""
    from vigtool.exports.family_folder import plan_family_copy, write_family_copy

    plan = plan_family_copy(view, r.case_id, r.cycle, r.out)
    return write_family_copy(plan, options=r.cut_options(), captions=r.captions != "none",
                             progress=progress, cancel=cancel)


def _move_into(stage: Path, folder: Path) -> list[Path]:
    """Every finished file from ``stage`` into ``folder`` (each rename is atomic)."""
    written = []
    for staged in sorted(p for p in stage.iterdir() if p.is_file()):
        final = folder / staged.name
        os.replace(staged, final)
        written.append(final)
    return written

"""Export a case's chosen moments as clips, one highlight reel, or stills.

What leaves the laptop is what the parent may see: only the moments chosen
for the shared review, in review order, named by case code, cycle and order
(never a family's name) and by audience when it is not the family. Only the
practitioner's own record may hold clips of every moment. Every file is
written atomically.

Each export first reads everything it needs from a ``View`` (in the app and
the CLI, a ``Snapshot`` taken by ``run_export``, which also writes the audit
log line) into a plain list of ``Chosen`` items, then cuts from those alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vigtool.domain.records import Moment, Recording, RecordingStatus
from vigtool.errors import VigtoolError
from vigtool.exports.audience import DEFAULT_AUDIENCE, Audience, holds_everything
from vigtool.exports.naming import clip_name, earlier_exports, reel_name, still_name
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.cut import CutOptions, CutResult, cut_clip, padded_span
from vigtool.media.frame_index import FrameIndex
from vigtool.media.reader import FrameReader
from vigtool.media.reel import ReelResult, ReelSegment, make_reel
from vigtool.media.stills import STILL_FORMATS, with_caption, write_still
from vigtool.privacy.files import private_dir
from vigtool.review_plan import review_plan
from vigtool.workspace import View


@dataclass(frozen=True)
class Chosen:
    """One moment to export, with its place in the review order and its footage."""

    order: int
    moment: Moment
    recording: Recording
    media: Path
    index: FrameIndex


def chosen_moments(
    view: View, case_id: int, cycle: int | None, *, everything: bool = False
) -> list[Chosen]:
    """The moments chosen for review (or, with ``everything``, all of them), in order."""
    library = view.library
    if everything:
        moments = [m for r in library.recordings(case_id)
                   if (cycle is None or r.cycle == cycle) and r.kind == "family"
                   for m in view.annotations.moments(r.id)]
    else:
        moments = view.annotations.review_moments(case_id, cycle)
    chosen = []
    for order, moment in enumerate(moments, start=1):
        recording = library.recording(moment.recording_id)
        if recording.status is not RecordingStatus.PRESENT:
            raise VigtoolError(
                f"the film for moment {order} ({recording.original_name}) is "
                f"{recording.status.value}; locate it before exporting"
            )
        chosen.append(Chosen(order, moment, recording, library.media_path(recording),
                             library.frame_index(recording.id)))
    if not chosen:
        raise VigtoolError("no moments are chosen for review in this case and cycle "
                           "(select a moment and press R to choose it)")
    return chosen


@dataclass(frozen=True)
class CutClip:
    """A clip written for a chosen moment: what was cut, and how (a reel may reuse it)."""

    item: Chosen
    result: CutResult
    options: CutOptions


def export_clips(
    view: View,
    case_id: int,
    cycle: int | None,
    folder: Path,
    *,
    options: CutOptions | None = None,
    captions: bool = False,
    everything: bool = False,
    audience: Audience = DEFAULT_AUDIENCE,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """One MP4 per chosen moment; ``captions`` puts each moment's strengths wording on it.

    This case's clips for ``audience`` of an earlier export that this one did not
    rewrite are removed."""
    case = view.caseload.case(case_id)
    cut = cut_clips(view, case_id, cycle, folder, options=options, captions=captions,
                    everything=everything, audience=audience, progress=progress,
                    cancel=cancel)
    written = [c.result.path for c in cut]
    _remove_stale(earlier_exports(folder, case.code, cycle, "clip", ".mp4", audience), written)
    return written


def cut_clips(
    view: View,
    case_id: int,
    cycle: int | None,
    folder: Path,
    *,
    options: CutOptions | None = None,
    captions: bool = False,
    everything: bool = False,
    audience: Audience = DEFAULT_AUDIENCE,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[CutClip]:
    """The clips of ``export_clips``, written into ``folder``, with how each was cut.

    ``everything`` (every moment, not only the chosen ones) is for the
    practitioner's own record only. A replay that holds a still (``options.replay``
    "freeze") holds each moment's own: where its clip pauses in the review."""
    if everything and not holds_everything(audience):
        raise VigtoolError("clips of every moment are for the practitioner's own record "
                           "only: export them for the practitioner, or only the chosen ones")
    options = options or CutOptions()
    case = view.caseload.case(case_id)
    chosen = chosen_moments(view, case_id, cycle, everything=everything)
    private_dir(folder)
    written: list[CutClip] = []
    for n, item in enumerate(chosen):
        cancel.raise_if_cancelled()
        out = folder / clip_name(case.code, item.recording.cycle, item.order, audience)
        clip_options = options
        if captions and item.moment.strengths.strip():
            clip_options = replace(options, caption=item.moment.strengths)
        if options.replay == "freeze" and options.still_frame is None:
            clip_options = replace(clip_options, still_frame=_pause_frame(view, item.moment))

        def step(done: int, total: int, n: int = n) -> None:
            progress(n * 1000 + (1000 * done // max(total, 1)), len(chosen) * 1000)

        result = cut_clip(item.media, item.index, item.moment.start_frame,
                          item.moment.end_frame, out, options=clip_options, progress=step,
                          cancel=cancel)
        written.append(CutClip(item, result, clip_options))
    return written


def _pause_frame(view: View, moment: Moment) -> int:
    """Where the moment's clip pauses in the shared review: its still, else its last frame."""
    stills = view.annotations.stills_in(moment)
    return stills[0].frame if stills else moment.end_frame


def _remove_stale(earlier: list[Path], written: Sequence[Path]) -> None:
    """Remove this case's files from an earlier export that this one did not rewrite.

    A moment taken out of the review since then must not stay in the folder a
    parent may be given. Only files named as this case's exports are touched.
    """
    keep = set(written)
    for old in earlier:
        if old not in keep:
            old.unlink(missing_ok=True)


def export_reel(
    view: View,
    case_id: int,
    cycle: int | None,
    out: Path,
    *,
    title_cards: bool = True,
    clips: Sequence[CutClip] = (),
    audience: Audience = DEFAULT_AUDIENCE,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ReelResult:
    """The chosen moments, in review order, as one MP4 with title cards between them.

    ``clips`` (from ``cut_clips``, same case and cycle) are joined as they are,
    padding and words included, so their pictures are not cut again; but a
    clip with a replay is not (the film shows each moment once): its moment is
    cut again for the reel, with the same padding and words."""
    case = view.caseload.case(case_id)
    if out.is_dir():
        out = out / reel_name(case.code, cycle, audience)
    segments = [_segment(c.item, c) for c in clips] if clips else [
        _segment(c, None) for c in chosen_moments(view, case_id, cycle)]
    plain = [c.options.replay == "none" for c in clips]
    if clips and (not all(plain) or len({c.result.smart for c in clips}) > 1):
        # Smart-cut and re-encoded clips hold different H.264 settings: the reel cuts the
        # re-encoded ones again, its own way, so that every piece joins; and those with a
        # replay, so that the film shows each moment once.
        segments = [s if p and c.result.smart else ReelSegment(**{**s.__dict__, "clip": None})
                    for s, c, p in zip(segments, clips, plain, strict=True)]
    return make_reel(segments, out, title_cards=title_cards, progress=progress, cancel=cancel)


def _segment(item: Chosen, clip: CutClip | None) -> ReelSegment:
    moment = item.moment
    title = moment.title or f"Moment {item.order}"
    if clip is None:
        return ReelSegment(item.media, item.index, moment.start_frame, moment.end_frame, title)
    options = clip.options
    first, last = padded_span(item.index, moment.start_frame, moment.end_frame,
                              options.pad_before_ms, options.pad_after_ms)
    burnt = options.caption if options.caption_mode == "burn" else None
    return ReelSegment(item.media, item.index, first, last, title, burnt, clip.result.path,
                       options.fade_ms / 1000)


@dataclass(frozen=True)
class _StillJob:
    recording: Recording
    media: Path
    index: FrameIndex
    frame: int
    caption: str


def export_stills(
    view: View,
    case_id: int,
    cycle: int | None,
    folder: Path,
    *,
    fmt: str = ".png",
    captions: bool = True,
    audience: Audience = DEFAULT_AUDIENCE,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """The stills chosen inside each review moment (or where each clip pauses), full size.

    This case's stills for ``audience`` of an earlier export that this one did not
    rewrite are removed."""
    case = view.caseload.case(case_id)
    written = write_stills(view, case_id, cycle, folder, fmt=fmt, captions=captions,
                           audience=audience, progress=progress, cancel=cancel)
    _remove_stale(earlier_exports(folder, case.code, cycle, "still", fmt, audience), written)
    return written


def write_stills(
    view: View,
    case_id: int,
    cycle: int | None,
    folder: Path,
    *,
    fmt: str = ".png",
    captions: bool = True,
    audience: Audience = DEFAULT_AUDIENCE,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Path]:
    """The stills of ``export_stills``, written into ``folder``."""
    if fmt not in STILL_FORMATS:
        raise VigtoolError("stills are saved as .png or .jpg")
    case = view.caseload.case(case_id)
    plan = review_plan(view, case_id, cycle)
    if not plan:
        raise VigtoolError("no moments are chosen for review in this case and cycle")
    wanted: list[_StillJob] = []
    for item in plan:
        media = view.library.media_path(item.recording)
        index = view.library.frame_index(item.recording.id)
        stills = [s for s in view.annotations.stills(item.recording.id)
                  if item.moment.start_frame <= s.frame <= item.moment.end_frame]
        picks = [(s.frame, s.caption or item.moment.strengths) for s in stills] or [
            (item.pause_frame, item.moment.strengths)]
        wanted += [_StillJob(item.recording, media, index, f, c) for f, c in picks]
    private_dir(folder)
    written = []
    readers: dict[int, FrameReader] = {}
    try:
        for n, job in enumerate(wanted, start=1):
            cancel.raise_if_cancelled()
            if job.recording.id not in readers:
                readers[job.recording.id] = FrameReader(job.media, job.index, prefetch=False)
            rgb = readers[job.recording.id].frame(job.frame)
            if captions:
                rgb = with_caption(rgb, job.caption)
            out = folder / still_name(case.code, job.recording.cycle, n, fmt, audience)
            write_still(rgb, out)
            written.append(out)
            progress(n, len(wanted))
    finally:
        for reader in readers.values():
            reader.close()
    return written

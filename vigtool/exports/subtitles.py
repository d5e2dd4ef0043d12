"""WebVTT subtitles of a recording's moments: one cue per moment.

A cue runs from the moment's first frame appearing to its last frame being
replaced (``start_ms`` to ``end_ms``, the same times as every other export),
written ``HH:MM:SS.mmm --> HH:MM:SS.mmm``. Cues are in start order, as WebVTT
requires. The text is the moment's title, its strengths wording or both
(``CueText``); a moment with no such text shows its code labels, so no cue is
empty. Cue text is escaped (``&``, ``<``, ``>``) and blank lines inside it are
dropped, because a blank line ends a cue. No NOTE blocks: a subtitle file may
be shown to the family, so it carries nothing but the cue text (no case code,
no practitioner note). No Qt here; any thread.
"""

from __future__ import annotations

import enum
from pathlib import Path

from vigtool.domain.clock import exact_timecode
from vigtool.errors import VigtoolError
from vigtool.exports.session import MomentInfo, SessionExport, export_target
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress


class CueText(enum.StrEnum):
    TITLE = "title"
    STRENGTHS = "strengths"
    TITLE_AND_STRENGTHS = "title_and_strengths"


def write_webvtt(
    session: SessionExport,
    recording_id: int,
    out: Path,
    *,
    text: CueText = CueText.TITLE_AND_STRENGTHS,
    selected_only: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Write the recording's moments (only those chosen for review if
    ``selected_only``) as a WebVTT file; return ``out``."""
    recording = session.recording(recording_id)
    if not recording.times_known:
        raise VigtoolError(
            f"{recording.original_name} cannot be subtitled: its footage and frame index "
            "are gone, so its moments have no times"
        )
    moments = [
        m for m in session.moments_of(recording_id) if m.selected_for_review or not selected_only
    ]
    moments.sort(key=lambda m: (m.start_frame, m.end_frame, m.id))
    with export_target(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as f:
        f.write("WEBVTT\n")
        for done, moment in enumerate(moments, start=1):
            cancel.raise_if_cancelled()
            f.write("\n" + cue(moment, text))
            progress(done, len(moments))
    return out


def cue(moment: MomentInfo, text: CueText = CueText.TITLE_AND_STRENGTHS) -> str:
    """One cue block (identifier, timing line, text), ending in a newline."""
    if moment.start_ms is None or moment.end_ms is None:
        raise VigtoolError(f"moment {moment.id} has no times")
    lines = _cue_lines(moment, text)
    timing = f"{exact_timecode(moment.start_ms)} --> {exact_timecode(moment.end_ms)}"
    return f"moment-{moment.id}\n{timing}\n" + "".join(line + "\n" for line in lines)


def _cue_lines(moment: MomentInfo, text: CueText) -> list[str]:
    parts: list[str] = []
    if text in (CueText.TITLE, CueText.TITLE_AND_STRENGTHS):
        parts.append(moment.title)
    if text in (CueText.STRENGTHS, CueText.TITLE_AND_STRENGTHS):
        parts.append(moment.strengths)
    lines = [_escape(line) for part in parts for line in part.splitlines() if line.strip()]
    if not lines:
        labels = "; ".join(code.label for code in moment.codes)
        lines = [_escape(labels or "Moment")]
    return lines


def _escape(line: str) -> str:
    return line.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

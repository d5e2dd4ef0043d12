"""What the shared review shows, in what order, and where each clip pauses.

Only moments the practitioner chose are in the plan (never the raw film,
never an unchosen moment). Each clip pauses at the end on a still the
practitioner picked inside it, or on its last frame, with its question.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigtool.domain.records import Moment, Recording, RecordingStatus
from vigtool.wording import VIG_PROMPTS
from vigtool.workspace import View

DEFAULT_PROMPT = VIG_PROMPTS[0]


@dataclass(frozen=True)
class ReviewItem:
    moment: Moment
    recording: Recording
    pause_frame: int
    prompt: str

    @property
    def title(self) -> str:
        return self.moment.title


def review_plan(ws: View, case_id: int, cycle: int | None) -> tuple[ReviewItem, ...]:
    items = []
    recordings: dict[int, Recording] = {}
    for moment in ws.annotations.review_moments(case_id, cycle):
        if moment.recording_id not in recordings:
            recordings[moment.recording_id] = ws.library.recording(moment.recording_id)
        recording = recordings[moment.recording_id]
        if recording.status is not RecordingStatus.PRESENT:
            continue
        stills = [s.frame for s in ws.annotations.stills(recording.id)
                  if moment.start_frame <= s.frame <= moment.end_frame]
        items.append(ReviewItem(
            moment=moment,
            recording=recording,
            pause_frame=stills[0] if stills else moment.end_frame,
            prompt=moment.prompt.strip() or DEFAULT_PROMPT,
        ))
    return tuple(items)

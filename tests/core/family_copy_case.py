"""A two-cycle case for the family's own copy, in real films and a real workspace.

Cycle 1 is the small H.264 test film (320x240, B-frames, sound): its clips are
smart-cut and already phone-ready. Cycle 2 is a film larger than 1080p
(2400x1350), so its clip must be scaled down. The child's name is in the case,
never in a file name; a practitioner's note and a moment left out of the
review must never reach the family.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from sample_clips.kinds import AudioSettings, VideoSettings, tone, write_media
from sample_clips.pattern import draw_frame
from vigtool.workspace import Workspace

CODE = "FAM-07"
CHILD = "Amira"
QUESTION = "How can I tell what Amira wants when she looks at me?"
TITLES = ("Your smile", "Taking turns", "Peekaboo")
STRENGTHS = (
    "You waited, and she looked back at you and smiled.",
    "You answered her sounds, and she answered you back.",
    "You named what she saw, and she laughed with you.",
)
CAPTION = "She looks up at you, and you smile back."
PARENT_ON_MOMENT = "I didn't know she was watching me so closely."
PARENT_GENERAL = "I feel calmer at bath time now."
PARENT_CYCLE_2 = "She laughed with me!"
GOALS = ("Wait a little longer after she babbles.", "Notice when she looks up at you.")
PRIVATE_NOTE = "PRIVATE-NOTE: tired today, raise sleep in supervision"
LEFT_OUT = "Left-out moment"
FAMILY_SCOPES = ("filming", "shared-review", "keep-clips")
RATINGS = {0: 3, 1: 5, 2: 7}  # the parent's: the first meeting, then each review
BIG = (2400, 1350)
BIG_FRAMES = 16


@dataclass(frozen=True)
class FamilyCase:
    root: Path
    case_id: int
    chosen: tuple[int, ...]  # moment ids chosen for the review, cycle 1 then cycle 2
    left_out: int
    frames: dict[int, int]  # moment id -> frames in its clip


def write_big_film(out: Path, *, frames: int = BIG_FRAMES) -> Path:
    """A film larger than 1080p (H.264 High, sound), every frame showing its number."""
    width, height = BIG
    video = VideoSettings("libx264", width, height, Fraction(25),
                          options={"preset": "veryfast", "crf": "32"}, gop=25)
    pictures = (draw_frame(n, width, height) for n in range(frames))
    write_media(out, video=video, pictures=pictures, audio=AudioSettings("aac", 48_000),
                samples=tone(frames / 25, 48_000))
    return out


def write_baseline_film(out: Path, *, frames: int = 30) -> Path:
    """A small H.264 Constrained Baseline film with sound (an old camera's, or a webcam's)."""
    video = VideoSettings("libx264", 320, 240, Fraction(25),
                          options={"preset": "veryfast", "profile": "baseline", "crf": "30"})
    write_media(out, video=video, pictures=(draw_frame(n, 320, 240) for n in range(frames)),
                audio=AudioSettings("aac", 48_000), samples=tone(frames / 25, 48_000))
    return out


def build_family_case(root: Path, small: Path, big: Path) -> FamilyCase:
    """The case in a new (closed) workspace at ``root``."""
    with Workspace.open(root) as ws:
        case = ws.add_case(CODE, helping_question=QUESTION, child_name=CHILD, pronoun="she")
        for scope in FAMILY_SCOPES:
            ws.add_consent(case.id, kind=scope, given=True)
        rec1 = ws.import_recording(case.id, path=small, cycle=1)
        rec2 = ws.import_recording(case.id, path=big, cycle=2)
        spans = ((rec1.id, 5, 24), (rec1.id, 30, 44), (rec2.id, 2, 13))
        chosen = []
        for (rec_id, first, last), title, words in zip(spans, TITLES, STRENGTHS, strict=True):
            moment = ws.add_moment(rec_id, start_frame=first, end_frame=last, title=title,
                                   strengths=words)
            ws.annotations.choose_for_review(moment.id, True)
            chosen.append(moment.id)
        left_out = ws.add_moment(rec1.id, start_frame=46, end_frame=55, title=LEFT_OUT,
                                 strengths="You held her close.")
        ws.update_moment(chosen[0], note=PRIVATE_NOTE)
        ws.add_still(rec1.id, frame=12, caption=CAPTION)
        ws.add_reflection(case.id, cycle=1, moment_id=chosen[0], text=PARENT_ON_MOMENT)
        ws.add_reflection(case.id, cycle=1, text=PARENT_GENERAL)
        ws.add_reflection(case.id, cycle=2, moment_id=chosen[2], text=PARENT_CYCLE_2)
        for goal in GOALS:
            ws.add_goal(case.id, cycle=1, text=goal)
        for cycle, value in RATINGS.items():  # "how confident do you feel?", 0 to 10
            ws.add_rating(case.id, cycle=cycle, value=value)
        ws.add_rating(case.id, cycle=1, value=9, rated_by="practitioner")  # never theirs
        frames = {m: last - first + 1 for m, (_, first, last) in zip(chosen, spans, strict=True)}
        return FamilyCase(root, case.id, tuple(chosen), left_out.id, frames)


def copy_workspace(case: FamilyCase, to: Path) -> FamilyCase:
    """A copy of the (closed) workspace, for a test that changes it."""
    shutil.copytree(case.root, to, symlinks=True)
    return FamilyCase(to, case.case_id, case.chosen, case.left_out, case.frames)


def artifacts() -> Path:
    """Where screenshots go for a person to look at (as tests/e2e/test_real_window.py)."""
    root = Path(__file__).resolve().parents[2]
    folder = Path(os.environ.get("VIGTOOL_ARTIFACTS", root / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

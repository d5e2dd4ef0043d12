"""A realistic three-cycle VIG case for the session-summary tests.

Cycle 1 is the demo workspace (``sample_clips/dyad.mp4`` with its truth
chains). Cycles 2 and 3 are the same cartoon dyad re-encoded (a shorter cut
and a different quality, so their bytes, and so their content hashes, differ),
tagged from the same truth file, with a little more marked each cycle: the
kind of progress a family sees over three cycles.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from sample_clips.kinds import VideoSettings, write_media, x264_options
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.demo import DEMO_CASE, SAMPLE_CLIPS, build_demo
from vigtool.wording import suggest_strengths
from vigtool.workspace import Workspace

CODEBOOK = builtin_codebook(DEFAULT_CODEBOOK_ID)
HELPING_QUESTION = "I'd like to know how to keep our play going when he babbles to me."
PARENT_QUOTE = "I didn't know he was watching me so closely."
GENERAL_QUOTE = "I feel calmer about bath time now."
STILL_CAPTION = "He looks up at you, and you smile back."
PRACTITIONER_NOTE = (
    "Mum seemed tired at the start; we missed the first babble. Raise sleep at supervision."
)
GOALS = (
    "Wait a little longer after he babbles, and see what he says next.",
    "Notice the moment he looks up at you.",
)
TITLES = ("Babbling together", "Your turn, his turn", "Peekaboo on the rug")


@dataclass(frozen=True)
class SummaryCase:
    root: Path
    case_id: int
    chosen_moment_ids: tuple[int, ...]  # cycle 3's moments chosen for review, in review order


def truth() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLE_CLIPS / "dyad.truth.json").read_text())
    return data


def _dyad_frames(last_frame: int) -> Iterator[np.ndarray]:
    with av.open(str(SAMPLE_CLIPS / "dyad.mp4")) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n > last_frame:
                return
            yield frame.to_ndarray(format="rgb24")


def write_dyad_cut(out: Path, *, last_frame: int, crf: int) -> Path:
    """The dyad clip's frames 0..last_frame, re-encoded (silent, GOP 2 s)."""
    video = VideoSettings(
        "libx264", 640, 360, Fraction(25), options=x264_options(50, crf=crf), gop=50
    )
    write_media(out, video=video, pictures=_dyad_frames(last_frame))
    return out


def build_summary_case(root: Path, clips: Path) -> SummaryCase:
    """Build the case in a new workspace at ``root``; ``clips`` is a folder for the cuts."""
    build_demo(root)
    data = truth()
    cycle2 = write_dyad_cut(clips / "cycle2.mp4", last_frame=299, crf=27)
    cycle3 = write_dyad_cut(clips / "cycle3.mp4", last_frame=499, crf=24)
    with Workspace.open(root) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        (first,) = ws.recordings(case.id)
        _cycle_one(ws, case.id, first.id, data)
        rec2 = ws.import_recording(case.id, path=cycle2, cycle=2)
        _tag(ws, rec2.id, data, chains=(1, 2), drop_last_turn_of=1, chosen=(1, 2))
        ws.add_reflection(case.id, cycle=2, text="He really does wait for me!")
        ws.add_goal(case.id, cycle=2, text="Keep waiting for his reply.")
        rec3 = ws.import_recording(case.id, path=cycle3, cycle=3)
        moments = _tag(ws, rec3.id, data, chains=(1, 2, 3, 4), drop_last_turn_of=None,
                       chosen=(1, 3, 4))
        first_chosen = moments[0]
        middle = (first_chosen.start_frame + first_chosen.end_frame) // 2
        ws.add_still(rec3.id, frame=middle, caption=STILL_CAPTION)
        ws.update_moment(first_chosen.id, note=PRACTITIONER_NOTE)
        ws.add_reflection(case.id, cycle=3, moment_id=first_chosen.id, text=PARENT_QUOTE)
        ws.add_reflection(case.id, cycle=3, moment_id=moments[2].id,
                          text="She's copying my sounds, like a real conversation.")
        ws.add_reflection(case.id, cycle=3, text=GENERAL_QUOTE)
        for goal in GOALS:
            ws.add_goal(case.id, cycle=3, text=goal)
        chosen = sorted((m for m in ws.moments(rec3.id) if m.selected_for_review),
                        key=lambda m: m.review_order or 0)
        return SummaryCase(root, case.id, tuple(m.id for m in chosen))


def _cycle_one(ws: Workspace, case_id: int, recording_id: int, data: dict[str, Any]) -> None:
    """The demo tags every turn; in the first film only part of the first chain was marked."""
    chain_one = [t for t in data["turns"] if t["chain"] == 1]
    late = {t["start_frame"] for t in chain_one[4:]}
    for turn in ws.annotations.turns(recording_id):
        if turn.frame in late:
            ws.annotations.delete_turn(turn.id)
    ws.add_reflection(case_id, cycle=1, text="I never noticed how much he talks to me.")
    ws.add_goal(case_id, cycle=1, text="Look for the moments he starts a conversation.")


_CODES = {
    1: ("being-attentive", "receiving-initiatives", "developing-attuned-interactions"),
    2: ("encouraging-initiatives", "receiving-initiatives"),
    3: ("being-attentive", "developing-attuned-interactions", "guiding"),
    4: ("encouraging-initiatives", "developing-attuned-interactions"),
}


def _tag(
    ws: Workspace,
    recording_id: int,
    data: dict[str, Any],
    *,
    chains: tuple[int, ...],
    drop_last_turn_of: int | None,
    chosen: tuple[int, ...],
) -> list[Any]:
    moments = []
    for chain in data["chains"]:
        if chain["id"] not in chains:
            continue
        codes = _CODES[chain["id"]]
        order = chosen.index(chain["id"]) + 1 if chain["id"] in chosen else None
        moments.append(ws.add_moment(
            recording_id,
            start_frame=chain["start_frame"],
            end_frame=chain["end_frame"],
            codes=codes,
            title=TITLES[order - 1] if order else f"Chain {chain['id']}",
            strengths=suggest_strengths(CODEBOOK, codes),
            prompt="What do you notice here?",
            selected_for_review=order is not None,
            review_order=order,
        ))
        turns = [t for t in data["turns"] if t["chain"] == chain["id"]]
        if chain["id"] == drop_last_turn_of:
            turns = turns[:-1]
        for turn in turns:
            ws.add_turn(recording_id, frame=turn["start_frame"], actor=turn["actor"],
                        kind=turn["kind"])
    return moments


def copy_case(case: SummaryCase, root: Path) -> SummaryCase:
    """A private copy of the case's workspace, for a test that edits it."""
    shutil.copytree(case.root, root)
    return SummaryCase(root, case.case_id, case.chosen_moment_ids)


@pytest.fixture(scope="module")
def summary_case(tmp_path_factory: pytest.TempPathFactory) -> SummaryCase:
    """The three-cycle case, built once per test module; tests that edit it use copy_case."""
    folder = tmp_path_factory.mktemp("summary")
    return build_summary_case(folder / "ws", folder)

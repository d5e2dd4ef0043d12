"""Build a demo workspace from the sample clips, so a new user sees real work at once.

The demo case uses ``dyad.mp4`` (two animated figures taking turns) and its
ground truth ``dyad.truth.json``, which ship inside vigtool as the data
package ``vigtool.demo_clips`` (``sample_clips/demo/`` in a source checkout):
every serve-and-return chain becomes a tagged moment with its turns, the
first three chosen for review. Building twice is safe: what is already there
is kept and nothing is duplicated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import as_file
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.errors import NotFound, VigtoolError
from vigtool.jobs import Progress, no_progress
from vigtool.resources import DEMO_PACKAGE, demo_data
from vigtool.workspace import DuplicateRecording, Workspace

DEMO_CASE = "DEMO-01"
DEMO_QUESTION = "I'd like to know how to keep our play going when he babbles to me."
# The folder holding the demo clip and its truth: a Path on disk, unless vigtool
# itself runs from a zip file (then use importlib.resources.as_file).
SAMPLE_CLIPS: Traversable = demo_data()
DEMO_CLIP = "dyad.mp4"
DEMO_TRUTH = "dyad.truth.json"
_REVIEW_PROMPT = "What do you notice here?"
# Which principles each demo chain shows, by chain number in the truth file.
_CHAIN_CODES = {
    1: ("being-attentive", "receiving-initiatives", "developing-attuned-interactions"),
    2: ("encouraging-initiatives", "receiving-initiatives"),
    3: ("being-attentive", "developing-attuned-interactions"),
}
_DEFAULT_CODES = ("receiving-initiatives",)


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    recording_id: int
    lines: tuple[str, ...]


def default_demo_workspace() -> Path:
    return user_data_path("vigtool") / "demo-workspace"


def build_demo(root: Path, *, progress: Progress = no_progress) -> DemoResult:
    clip_file, truth_file = SAMPLE_CLIPS / DEMO_CLIP, SAMPLE_CLIPS / DEMO_TRUTH
    if not clip_file.is_file() or not truth_file.is_file():
        raise VigtoolError(
            f"the demo clip is missing ({DEMO_CLIP} and {DEMO_TRUTH} in {DEMO_PACKAGE}); "
            "reinstall vigtool, or in a source checkout run 'python -m sample_clips.generate'"
        )
    truth: dict[str, Any] = json.loads(truth_file.read_text(encoding="utf-8"))
    # import_recording copies the clip into the workspace, so a temporary file is enough.
    with as_file(clip_file) as clip, Workspace.open(root) as ws:
        try:
            case = ws.caseload.case_by_code(DEMO_CASE)
        except NotFound:
            case = ws.add_case(DEMO_CASE, helping_question=DEMO_QUESTION)
            for scope in ("filming", "shared-review"):
                ws.add_consent(case.id, kind=scope, given=True, note="demo")
        try:
            recording = ws.import_recording(case.id, cycle=1, path=clip, progress=progress)
        except DuplicateRecording as dup:
            recording = dup.existing
        if not ws.annotations.moments(recording.id):
            _tag_chains(ws, recording.id, truth)
        moments = ws.annotations.moments(recording.id)
        turns = ws.annotations.turns(recording.id)
        chosen = [m for m in moments if m.selected_for_review]
        lines = (
            f"workspace: {ws.root}",
            f"case {case.code}, cycle {recording.cycle}: {recording.original_name} "
            f"({recording.frame_count} frames, {recording.duration_ms / 1000:.1f} s, "
            f"{recording.fps:g} fps, {'sound' if recording.has_audio else 'silent'})",
            f"{len(moments)} moments tagged ({len(chosen)} chosen for review), "
            f"{len(turns)} serve-and-return turns marked",
        )
    return DemoResult(root, recording.id, lines)


def _tag_chains(ws: Workspace, recording_id: int, truth: dict[str, Any]) -> None:
    codebook = builtin_codebook(DEFAULT_CODEBOOK_ID)
    for order, chain in enumerate(truth["chains"], start=1):
        codes = _CHAIN_CODES.get(int(chain["id"]), _DEFAULT_CODES)
        chosen = order <= 3
        ws.add_moment(
            recording_id,
            start_frame=int(chain["start_frame"]),
            end_frame=int(chain["end_frame"]),
            codes=codes,
            title=f"Back-and-forth {order}",
            strengths=codebook.code(codes[-1]).parent_wording,
            prompt=_REVIEW_PROMPT,
            selected_for_review=chosen,
            review_order=order if chosen else None,
        )
    for turn in truth["turns"]:
        ws.add_turn(
            recording_id, frame=int(turn["start_frame"]), actor=turn["actor"], kind=turn["kind"]
        )

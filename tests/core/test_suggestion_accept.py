"""Accepting a suggested moment: ms become the frames on screen then, the moment gets a plain
title and no codes, its turns land on their frames (never twice), and a moment that holds
a suggestion, or a dismissal, takes it off the lane."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.consent import filmed_case
from vigtool.analysis.accept import (
    accepted,
    covered,
    still_suggested,
    suggestion_frames,
    suggestion_title,
)
from vigtool.analysis.records import SuggestedTurn, Suggestion
from vigtool.domain.records import Actor, Moment, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.workspace import Workspace

DYAD = Path(__file__).resolve().parents[2] / "sample_clips" / "demo" / "dyad.mp4"
FPS25 = FrameTimes(tuple(range(0, 20_000, 40)), 20_000)  # the demo clip: 500 frames at 25 fps
# A phone's variable frame rate: frames of 30, 50 and 20 ms in turn.
VFR = FrameTimes(tuple(sum((30, 50, 20)[i % 3] for i in range(n)) for n in range(60)), 2000)


def chain(start: int, end: int, *turns: tuple[str, str, int]) -> Suggestion:
    return Suggestion(start, end, 0.8, tuple(
        SuggestedTurn(actor, kind, ms, ms + 300, None if kind == "initiative" else 200)  # type: ignore[arg-type]
        for actor, kind, ms in turns))


FIRST = chain(1000, 7480, ("child", "initiative", 1000), ("adult", "response", 2560),
              ("child", "response", 4560), ("adult", "response", 6160))


def moment(start: int, end: int) -> Moment:
    return Moment(id=1, recording_id=1, start_frame=start, end_frame=end, codes=(), title="",
                  note="", strengths="", prompt="", selected_for_review=False,
                  review_order=None)


def test_a_span_becomes_the_frames_on_screen_during_it() -> None:
    assert suggestion_frames(FIRST, FPS25) == (25, 186)  # 1000 ms is frame 25; 7480 ends 186
    assert suggestion_frames(chain(1010, 1030), FPS25) == (25, 25)  # inside one frame
    assert suggestion_frames(chain(19_990, 25_000), FPS25) == (499, 499)  # past the end
    # VFR: frame n starts at VFR.starts_ms[n]; the frame on screen at 95 ms began at 80 ms
    start, end = suggestion_frames(chain(95, 301), VFR)
    assert VFR.starts_ms[start] <= 95 < VFR.frame_end_ms(start)
    assert VFR.starts_ms[end] <= 300 < VFR.frame_end_ms(end)


def test_accepting_gives_a_plain_titled_uncoded_moment_with_its_turns() -> None:
    new_moment, turns = accepted(FIRST, FPS25)
    assert (new_moment.start_frame, new_moment.end_frame) == (25, 186)
    assert new_moment.title == "Suggested: 4 turns, child starts"
    assert new_moment.codes == ()
    assert not new_moment.selected_for_review
    assert [(t.frame, t.actor, t.kind) for t in turns] == [
        (25, "child", "initiative"), (64, "adult", "response"), (114, "child", "response"),
        (154, "adult", "response")]
    assert all(t.note == "" for t in turns)  # a note would become words for the parent


def test_titles_say_how_many_turns_and_who_starts() -> None:
    assert suggestion_title(chain(0, 900, ("adult", "initiative", 0))) == \
        "Suggested: 1 turn, adult starts"
    assert suggestion_title(chain(0, 900)) == "Suggested: 0 turns"


def test_a_turn_already_marked_is_not_marked_again() -> None:
    marked = [Turn(id=5, recording_id=1, frame=64, actor=Actor.ADULT, kind=TurnKind.RESPONSE,
                   note="")]
    _, turns = accepted(FIRST, FPS25, marked)
    assert [t.frame for t in turns] == [25, 114, 154]
    twice = chain(0, 400, ("child", "initiative", 0), ("child", "response", 10))
    assert len(accepted(twice, FPS25)[1]) == 1  # one person, one frame: one turn


def test_a_moment_holding_half_a_suggestion_or_more_covers_it() -> None:
    assert covered(FIRST, [moment(25, 186)], FPS25)
    assert covered(FIRST, [moment(100, 400)], FPS25)  # 4000-7480 ms: more than half
    assert not covered(FIRST, [moment(150, 400)], FPS25)  # 6000-7480 ms: less
    assert not covered(FIRST, [moment(300, 400)], FPS25)
    assert not covered(FIRST, [], FPS25)


def test_the_lane_shows_what_is_neither_dismissed_nor_tagged() -> None:
    second = chain(9000, 11_720, ("child", "initiative", 9000), ("adult", "response", 10_200))
    third = chain(12_920, 16_960, ("adult", "initiative", 12_920))
    found = [FIRST, second, third]
    assert still_suggested(found, [], set(), FPS25) == found
    assert still_suggested(found, [moment(25, 186)], {third.key}, FPS25) == [second]


def test_a_dismissal_holds_when_a_newer_analysis_moves_the_edges_a_little() -> None:
    moved = chain(1040, 7400, ("child", "initiative", 1040))
    assert still_suggested([moved], [], {FIRST.key}, FPS25) == []
    elsewhere = chain(6000, 11_000)  # shares 1480 ms of 10 s: another exchange
    assert still_suggested([elsewhere], [], {FIRST.key}, FPS25) == [elsewhere]


def test_accepting_in_a_workspace_is_one_undo_step(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        recording = ws.import_recording(filmed_case(ws, "FAM-13"), path=DYAD)
        times = ws.library.frame_index(recording.id).times
        new_moment, turns = accepted(FIRST, times, ws.annotations.turns(recording.id))
        (made,), marked = ws.annotations.add_annotations(
            recording.id, moments=[new_moment], turns=turns, name="Accept Suggestion")
        assert ws.undo_name == "Accept Suggestion"
        assert (made.start_frame, made.end_frame, made.codes) == (25, 186, ())
        assert [t.frame for t in ws.annotations.turns(recording.id, made.id)] == \
            [t.frame for t in marked]
        assert still_suggested([FIRST], ws.annotations.moments(recording.id), set(), times) \
            == []
        ws.undo()
        assert ws.annotations.moments(recording.id) == []
        assert ws.annotations.turns(recording.id) == []
        assert still_suggested([FIRST], [], set(), times) == [FIRST]


@pytest.mark.parametrize("times", [FPS25, VFR], ids=["25fps", "vfr"])
def test_every_turn_lands_inside_its_moment(times: FrameTimes) -> None:
    end = times.end_ms
    s = chain(end // 4, end // 2, ("child", "initiative", end // 4 - 5),
              ("adult", "response", end // 2 + 50))  # a turn's start a little outside
    new_moment, turns = accepted(s, times)
    assert all(new_moment.start_frame <= t.frame <= new_moment.end_frame for t in turns)

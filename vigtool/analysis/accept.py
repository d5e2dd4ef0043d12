"""From a suggested moment to what the practitioner tags: frames, a plain title, turns.

A suggestion is in milliseconds (the analysis reads the sound); the workspace
keeps frames. Each time becomes the frame on screen at that time
(``FrameTimes.ms_to_frame``); a span's end is exclusive, so its last frame is
the one on screen just before it ends. Accepting gives a moment with a plain
title and no codes (coding is the practitioner's), and one turn per suggested
turn that is not already marked. Which suggestions the lane still shows is
decided here too: not those set aside, nor those a moment already holds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from vigtool.analysis.records import Suggestion
from vigtool.domain.records import Moment, NewMoment, NewTurn, Turn
from vigtool.domain.timebase import FrameTimes

COVERED_SHARE = 0.5
"""A moment holding at least this share of a suggestion's span has already tagged it."""
SAME_SPAN = 0.5
"""A dismissed span sharing this much (of the two spans together) with a suggestion is that
suggestion, so a dismissal still holds when a newer analysis moves its edges a little."""


def suggestion_frames(suggestion: Suggestion, times: FrameTimes) -> tuple[int, int]:
    """The first and last frame (inclusive) on screen during the suggestion's span."""
    start = times.ms_to_frame(suggestion.start_ms)
    end = times.ms_to_frame(max(suggestion.start_ms, suggestion.end_ms - 1))
    return start, max(start, end)


def suggestion_title(suggestion: Suggestion) -> str:
    """A plain title saying where it came from: "Suggested: 3 turns, child starts"."""
    count = len(suggestion.turns)
    turns = "1 turn" if count == 1 else f"{count} turns"
    if not suggestion.turns:
        return f"Suggested: {turns}"
    return f"Suggested: {turns}, {suggestion.turns[0].actor} starts"


def accepted(
    suggestion: Suggestion, times: FrameTimes, marked: Iterable[Turn] = ()
) -> tuple[NewMoment, tuple[NewTurn, ...]]:
    """The moment and turns that accepting ``suggestion`` adds: the moment over its frames
    with a plain title and no codes, and a turn at the frame of each suggested turn
    (skipping one the practitioner already marked for that person at that frame)."""
    start, end = suggestion_frames(suggestion, times)
    taken = {(t.frame, str(t.actor)) for t in marked}
    turns: list[NewTurn] = []
    for turn in suggestion.turns:
        frame = min(max(times.ms_to_frame(turn.ms), start), end)
        if (frame, turn.actor) in taken:
            continue
        taken.add((frame, turn.actor))
        turns.append(NewTurn(frame, turn.actor, turn.kind))
    return NewMoment(start, end, title=suggestion_title(suggestion)), tuple(turns)


def covered(suggestion: Suggestion, moments: Iterable[Moment], times: FrameTimes) -> bool:
    """Whether a moment already holds at least half of the suggestion's span."""
    length = max(1, suggestion.end_ms - suggestion.start_ms)
    last = times.frame_count - 1
    for moment in moments:
        start = min(max(moment.start_frame, 0), last)
        end = min(max(moment.end_frame, start), last)
        t0, t1 = times.span_ms(start, end)
        overlap = min(t1, suggestion.end_ms) - max(t0, suggestion.start_ms)
        if overlap >= COVERED_SHARE * length:
            return True
    return False


def dismissed_already(suggestion: Suggestion, dismissed: Collection[tuple[int, int]]) -> bool:
    """Whether the suggestion was set aside: its span, or one that is mostly the same."""
    if suggestion.key in dismissed:
        return True
    start, end = suggestion.key
    for d_start, d_end in dismissed:
        shared = min(end, d_end) - max(start, d_start)
        if shared > 0 and shared >= SAME_SPAN * (max(end, d_end) - min(start, d_start)):
            return True
    return False


def still_suggested(
    suggestions: Sequence[Suggestion], moments: Sequence[Moment],
    dismissed: Collection[tuple[int, int]], times: FrameTimes,
) -> list[Suggestion]:
    """The suggestions to show: not set aside, and not already tagged as a moment."""
    return [s for s in suggestions
            if not dismissed_already(s, dismissed) and not covered(s, moments, times)]

"""From voices to exchanges: turns, who answers whom, and the spans worth a look.

* A **turn** is one partner's voice, stretches closer than
  :data:`MERGE_GAP_MS` joined (a phrase, a pause for breath, the next
  phrase).
* A turn **answers** the one before when the other partner takes it, it
  starts no later than :data:`RESPONSE_WINDOW_MS` after the previous turn
  ends (and no earlier than :data:`MAX_OVERLAP_MS` before: partners do
  start a little early). Voices in the background (a television, someone
  in the next room) are neither turns nor interruptions. As in LENA's
  conversational turns, but with a window of seconds that matches how
  quickly parents answer babies (Gratier et al. report 0.5-1.2 s).
* A **chain** is a run of answers; its first turn is the initiative, the
  others responses. A chain of one turn (an unanswered call) is not
  suggested.
* The **score** (0..1) rises with the number of answers, with prompt
  answers (about 0.3-1.2 s), with how sure the voices' labels are and with
  movement in the picture (a reach, a turn towards).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from vigtool.analysis.records import SuggestedActor, SuggestedTurn, Suggestion
from vigtool.analysis.voices import Stretch

MERGE_GAP_MS: Final = 700
LEAST_TURN_MS: Final = 150
RESPONSE_WINDOW_MS: Final = 2000
_WINDOW_RANGE: Final = (1200, 2500)
_RHYTHM_FROM_MS: Final = 250
_RHYTHM_RATIO: Final = 1.4
MAX_OVERLAP_MS: Final = 1500
_IDEAL_LATENCY: Final = (250, 1200)


@dataclass(frozen=True)
class VoiceTurn:
    """One partner's turn: merged stretches of the same voice."""

    actor: SuggestedActor
    start_ms: int
    end_ms: int
    confidence: float


def voice_turns(stretches: Sequence[Stretch]) -> list[VoiceTurn]:
    """The partners' turns in order; voices in the background are not turns, and
    neither is a blip under :data:`LEAST_TURN_MS` (nor does it part the turns
    around it)."""
    heard = [
        VoiceTurn("child" if s.speaker == "child" else "adult", s.start_ms, s.end_ms,
                  s.confidence)
        for s in stretches
        if s.speaker not in ("other", "cry")
    ]
    turns = [t for t in _merged(heard) if t.end_ms - t.start_ms >= LEAST_TURN_MS]
    return _merged(turns)


def _merged(turns: Sequence[VoiceTurn]) -> list[VoiceTurn]:
    """Join a partner's turns less than :data:`MERGE_GAP_MS` apart."""
    out: list[VoiceTurn] = []
    for t in turns:
        last = out[-1] if out else None
        if last is not None and last.actor == t.actor and t.start_ms - last.end_ms <= MERGE_GAP_MS:
            weight = (last.end_ms - last.start_ms, t.end_ms - t.start_ms)
            both = last.confidence * weight[0] + t.confidence * weight[1]
            out[-1] = VoiceTurn(t.actor, last.start_ms, max(last.end_ms, t.end_ms),
                                both / max(sum(weight), 1))
        else:
            out.append(t)
    return out


def _answers(previous: VoiceTurn, turn: VoiceTurn, window_ms: int) -> bool:
    if turn.actor == previous.actor:
        return False
    latency = turn.start_ms - previous.end_ms
    return -MAX_OVERLAP_MS <= latency <= window_ms and turn.start_ms > previous.start_ms


def response_window(turns: Sequence[VoiceTurn]) -> int:
    """How soon an answer must come, in ms, from this film's own rhythm.

    Families differ: some answer in a quarter of a second, some take two.
    The pauses between one partner's turn and the other's are sorted; where
    they fall into answers and lulls there is a clear gap between the
    longest answers and the shortest lulls, and the window goes in the
    middle of it (on a log scale). Without such a gap, or with too few
    pauses to tell, it is :data:`RESPONSE_WINDOW_MS`. Always within
    1.2-2.5 s.
    """
    pauses: list[int] = []
    for a, b in itertools.pairwise(turns):
        if a.actor != b.actor:
            pauses.append(b.start_ms - a.end_ms)
    lo, hi = _WINDOW_RANGE
    ordered = sorted(p for p in pauses if p >= _RHYTHM_FROM_MS)
    if len([p for p in pauses if p < lo]) < 4 or len(ordered) < 2:
        return RESPONSE_WINDOW_MS
    best_ratio, best = _RHYTHM_RATIO, RESPONSE_WINDOW_MS
    for shorter, longer in itertools.pairwise(ordered):
        if shorter >= hi or longer <= lo:
            continue
        ratio = longer / max(shorter, 1)
        if ratio > best_ratio:
            middle = math.sqrt(shorter * longer)
            best_ratio = ratio
            best = int(min(max(middle, lo, shorter + 1), hi, longer - 1))
    return best


def chains(turns: Sequence[VoiceTurn]) -> list[list[VoiceTurn]]:
    """Runs of turns each answering the one before (single turns included)."""
    window = response_window(turns)
    found: list[list[VoiceTurn]] = []
    current: list[VoiceTurn] = []
    for turn in turns:
        if current and _answers(current[-1], turn, window):
            current.append(turn)
        else:
            if current:
                found.append(current)
            current = [turn]
    if current:
        found.append(current)
    return found


@dataclass(frozen=True)
class Candidate:
    """A chain with at least one answer, before the picture is read."""

    turns: tuple[SuggestedTurn, ...]
    start_ms: int
    end_ms: int
    confidence: float

    def suggestion(self, motion: float | None = None) -> Suggestion:
        """The suggestion, scored (with the picture's movement when it was read)."""
        score = _score(self.turns, self.confidence, motion)
        return Suggestion(self.start_ms, self.end_ms, score, self.turns, motion)


def candidates(
    turns: Sequence[VoiceTurn], *, duration_ms: int | None = None
) -> list[Candidate]:
    """One candidate per chain with at least one answer, in time order.

    With ``duration_ms`` (where the picture ends), sound after the last
    frame is not suggested: a turn must start on screen, and ends with it.
    """
    if duration_ms is not None:
        turns = [
            replace(t, end_ms=min(t.end_ms, duration_ms)) for t in turns if t.start_ms < duration_ms
        ]
    out: list[Candidate] = []
    for chain in chains(turns):
        if len(chain) < 2:
            continue
        made = tuple(
            SuggestedTurn(
                actor=t.actor,
                kind="response" if i else "initiative",
                ms=t.start_ms,
                end_ms=t.end_ms,
                latency_ms=t.start_ms - chain[i - 1].end_ms if i else None,
            )
            for i, t in enumerate(chain)
        )
        # From the first voice to the last: exports add their own lead-in.
        start = chain[0].start_ms
        end = max(start + 1, max(t.end_ms for t in chain))
        out.append(Candidate(made, start, end, min(t.confidence for t in chain)))
    return out


def _score(turns: Sequence[SuggestedTurn], confidence: float, motion: float | None) -> float:
    answers = sum(1 for t in turns if t.kind == "response")
    length = 1 - math.exp(-answers / 2.5)  # 1 answer 0.33, 3 answers 0.70, 6 answers 0.91
    latencies = [t.latency_ms for t in turns if t.latency_ms is not None]
    prompt = sum(_promptness(x) for x in latencies) / len(latencies) if latencies else 0.0
    score = 0.5 * length + 0.3 * prompt + 0.2 * confidence
    if motion is not None:
        score = 0.85 * score + 0.15 * min(1.0, max(0.0, (motion - 0.8) / 1.2))
    return round(min(1.0, max(0.0, score)), 3)


def _promptness(latency_ms: int) -> float:
    lo, hi = _IDEAL_LATENCY
    if lo <= latency_ms <= hi:
        return 1.0
    if latency_ms < lo:
        return max(0.4, 1 - (lo - latency_ms) / 2000)
    return max(0.0, 1 - (latency_ms - hi) / (_WINDOW_RANGE[1] - hi))

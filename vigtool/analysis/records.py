"""What the suggestion analysis hands out: candidate exchanges and the turns inside them.

These are prompts to look, never tags: a suggestion becomes a moment only
when the practitioner accepts it. Times are milliseconds from the video's
first frame (the clock of the frame index and the waveform).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

SuggestedActor = Literal["child", "adult"]
SuggestedKind = Literal["initiative", "response"]


@dataclass(frozen=True)
class SuggestedTurn:
    """One vocal turn: who, whether it opens the exchange or answers, and when.

    ``ms`` is where the voice starts, ``end_ms`` where it stops;
    ``latency_ms`` is how long after the previous turn ended a response
    began (None for an initiative).
    """

    actor: SuggestedActor
    kind: SuggestedKind
    ms: int
    end_ms: int
    latency_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"actor": self.actor, "kind": self.kind, "ms": self.ms}

    def answer_words(self) -> str:
        """How soon this turn answered, in plain words ("" for an initiative).

        "after 0.6 s", or for a partner who started before the other had
        finished, "0.4 s before the other finished".
        """
        if self.latency_ms is None:
            return ""
        if self.latency_ms < 0:
            return f"{-self.latency_ms / 1000:.1f} s before the other finished"
        return f"after {self.latency_ms / 1000:.1f} s"


@dataclass(frozen=True)
class Suggestion:
    """A candidate serve-and-return exchange: a span, a 0..1 score and its turns.

    ``motion`` is how much the picture moved in the span, as a multiple of
    the usual across the film's suggested spans (1.0 = as usual; None when
    there is no picture to read).
    """

    start_ms: int
    end_ms: int
    score: float
    turns: tuple[SuggestedTurn, ...]
    motion: float | None = None

    @property
    def exchanges(self) -> int:
        """How many answers the span holds (each response returns the serve before it)."""
        return sum(1 for t in self.turns if t.kind == "response")

    @property
    def key(self) -> tuple[int, int]:
        """What a dismissal remembers: the span, which stays the same between runs."""
        return (self.start_ms, self.end_ms)

    def to_json(self) -> dict[str, Any]:
        return {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "score": round(self.score, 3),
            "turns": [t.to_json() for t in self.turns],
        }

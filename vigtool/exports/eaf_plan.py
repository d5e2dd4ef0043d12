"""What an ELAN document means on one recording: the moments and turns to add.

Pure (reads and writes nothing), so a plan can be checked, shown or tested
before anything changes. Each time-aligned annotation becomes a moment: its
value is matched against the codebook's code ids and labels
(case-insensitive; ``a; b`` lists too); values matching no code become the
moment's title and are reported. Annotations of other tiers with exactly the
same frames are merged into one moment (codes and titles together), so a file
with one tier per code imports as one moment per segment. A REF_ANNOTATION
belongs to the time-aligned annotation it finally refers to: its codes join
that moment, and text that is no code is kept in the moment's note as
``tier: text`` lines. Tiers named ``Child``/``Adult`` (optionally with a
number) hold turns: a value that is a turn kind becomes a turn at the frame on
screen at the annotation's start; anything else there is imported as a moment.
Annotations past the end of the recording are skipped, those running past it
are cut at its last frame; both are reported.

ms -> frames is the exact inverse of the export: start = ``ms_to_frame(start)``,
end = ``ms_to_frame(end - 0.5)`` (the frame still on screen just before the
end), so export then import gives back the same frames on any frame rate.
No Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from vigtool.codebook import Codebook
from vigtool.domain.records import Actor, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.exports.eaf import MOMENT_TYPE, OTHER_CODES_TYPE
from vigtool.exports.eaf_document import EafAnnotation, EafDocument, EafTier

_TURN_TIER = re.compile(r"\s*(child|adult)(?:\s+\d+)?\s*", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[;,]")


@dataclass(frozen=True)
class AnnotationIssue:
    """An annotation import could not take as it was, and why."""

    tier: str
    annotation_id: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:39] + "…"
        return f"{self.tier} {self.annotation_id} {shown!r}: {self.reason}"


@dataclass(frozen=True)
class PlannedMoment:
    start_frame: int
    end_frame: int
    codes: tuple[str, ...]
    title: str
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PlannedTurn:
    frame: int
    actor: Actor
    kind: TurnKind
    note: str
    source: str


@dataclass(frozen=True)
class ImportPlan:
    """What importing a document onto a recording would add, computed without
    touching the workspace (so it can be checked, shown or tested first)."""

    moments: tuple[PlannedMoment, ...]
    turns: tuple[PlannedTurn, ...]
    uncoded: tuple[AnnotationIssue, ...]
    skipped: tuple[AnnotationIssue, ...]
    clamped: tuple[AnnotationIssue, ...]
    notes: tuple[str, ...]


@dataclass
class _Candidate:
    start_frame: int
    end_frame: int
    from_moment_tier: bool
    codes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def add_codes(self, codes: Iterable[str]) -> None:
        for code in codes:
            if code not in self.codes:
                self.codes.append(code)

    def add_title(self, title: str) -> None:
        if title and title not in self.titles:
            self.titles.append(title)

    def absorb(self, other: _Candidate) -> None:
        self.from_moment_tier = self.from_moment_tier or other.from_moment_tier
        self.add_codes(other.codes)
        for title in other.titles:
            self.add_title(title)
        for tier, texts in other.notes.items():
            self.notes.setdefault(tier, []).extend(texts)
        self.sources.extend(other.sources)

    def planned(self) -> PlannedMoment:
        note = "\n".join(f"{tier}: {' '.join(texts)}" for tier, texts in self.notes.items())
        return PlannedMoment(
            self.start_frame, self.end_frame, tuple(self.codes), " / ".join(self.titles), note,
            tuple(self.sources),
        )


def plan_import(document: EafDocument, times: FrameTimes, codebook: Codebook) -> ImportPlan:
    """Turn a parsed EAF document into the moments and turns it means on a
    recording with these frame times (pure: reads and writes nothing)."""
    return _Planner(document, times, codebook).plan()


class _Planner:
    """One pass over the time-aligned annotations (moments and turns), one over the
    REF_ANNOTATIONs (joined to their host), then same-frame moments merged."""

    def __init__(self, document: EafDocument, times: FrameTimes, codebook: Codebook) -> None:
        self.document = document
        self.times = times
        self.codebook_ids = {code.id for code in codebook.codes}
        self.match_codes = _code_matcher(codebook)
        self.uncoded: list[AnnotationIssue] = []
        self.skipped: list[AnnotationIssue] = []
        self.clamped: list[AnnotationIssue] = []
        self.candidates: dict[str, _Candidate] = {}
        self.turns: dict[str, PlannedTurn] = {}
        self.turn_notes: dict[str, list[str]] = {}

    def plan(self) -> ImportPlan:
        for tier in self.document.tiers:
            for ann in tier.annotations:
                if ann.ref is None:
                    self._aligned(tier, ann)
        for tier in self.document.tiers:
            for ann in tier.annotations:
                if ann.ref is not None:
                    self._attach(tier, ann)
        turns = [
            replace(turn, note="\n".join(self.turn_notes.get(turn.source, [])))
            for turn in self.turns.values()
        ]
        turns.sort(key=lambda turn: (turn.frame, turn.actor.value))
        notes: list[str] = []
        if self.document.interpolated_slots:
            notes.append(
                f"{self.document.interpolated_slots} unaligned time slots were given times "
                "between their aligned neighbours, as ELAN shows them"
            )
        return ImportPlan(
            moments=tuple(candidate.planned() for candidate in self._merged()),
            turns=tuple(turns),
            uncoded=tuple(self.uncoded),
            skipped=tuple(self.skipped),
            clamped=tuple(self.clamped),
            notes=tuple(notes),
        )

    def _aligned(self, tier: EafTier, ann: EafAnnotation) -> None:
        span = self._frames(ann)
        if span is None:
            return
        value = ann.value.strip()
        actor = _turn_actor(tier.id)
        if actor is not None:
            kind = _turn_kind(value)
            if kind is not None:
                self.turns[ann.id] = PlannedTurn(span[0], actor, kind, "", ann.id)
                return
        moment_tier = tier.linguistic_type == MOMENT_TYPE
        candidate = _Candidate(span[0], span[1], moment_tier, sources=[ann.id])
        codes = None if moment_tier else self._codes(tier, ann)
        if codes:
            candidate.add_codes(codes)
        elif value:
            candidate.add_title(value)
            if not moment_tier:
                what = "a turn kind" if actor is not None else "the name of a code"
                self.uncoded.append(
                    _issue(ann, f"not {what}; imported as a moment without a code")
                )
        self.candidates[ann.id] = candidate

    def _attach(self, tier: EafTier, ann: EafAnnotation) -> None:
        value = ann.value.strip()
        if not value or ann.host is None:
            return
        host = self.candidates.get(ann.host)
        if host is None:
            if ann.host in self.turns:
                self.turn_notes.setdefault(ann.host, []).append(f"{tier.id}: {value}")
            return  # its time-aligned annotation was skipped, and reported
        codes = self._codes(tier, ann)
        if codes:
            host.add_codes(codes)
        else:
            host.notes.setdefault(tier.id, []).append(value)

    def _codes(self, tier: EafTier, ann: EafAnnotation) -> tuple[str, ...] | None:
        """Codes by id or label; on vigtool's "Other codes" tier the value is the
        id of a code from another codebook; else an ELAN CV entry id that is a code
        id (a CV value shown in another language)."""
        value = ann.value.strip()
        if tier.linguistic_type == OTHER_CODES_TYPE and value:
            return (value,)
        codes = self.match_codes(value)
        if codes is None and ann.cve_ref in self.codebook_ids:
            return (str(ann.cve_ref),)
        return codes

    def _frames(self, ann: EafAnnotation) -> tuple[int, int] | None:
        """(start, end) frames, end inclusive; None (and reported) if not on the video."""
        video_end = self.times.end_ms
        if ann.start_ms is None or ann.end_ms is None:
            self.skipped.append(
                _issue(ann, "its time slots have no time and none can be worked out")
            )
            return None
        if ann.end_ms < ann.start_ms:
            self.skipped.append(_issue(ann, "it ends before it starts"))
            return None
        if ann.start_ms >= video_end:
            self.skipped.append(_issue(
                ann, f"it starts at {ann.start_ms:.0f} ms, after the end of the video "
                     f"({video_end} ms)"))
            return None
        end_ms = ann.end_ms
        if end_ms > video_end:
            self.clamped.append(_issue(
                ann, f"it ends at {end_ms:.0f} ms, after the end of the video ({video_end} ms); "
                     "cut at the last frame"))
            end_ms = video_end
        start = self.times.ms_to_frame(ann.start_ms)
        return start, max(start, self.times.ms_to_frame(end_ms - 0.5))

    def _merged(self) -> list[_Candidate]:
        """Annotations with the same frames become one moment, except two from
        vigtool's own Moments tiers (two moments may share frames)."""
        merged: list[_Candidate] = []
        by_frames: dict[tuple[int, int], _Candidate] = {}
        for candidate in self.candidates.values():
            key = (candidate.start_frame, candidate.end_frame)
            first = by_frames.get(key)
            if first is not None and not (first.from_moment_tier and candidate.from_moment_tier):
                first.absorb(candidate)
                continue
            by_frames.setdefault(key, candidate)
            merged.append(candidate)
        merged.sort(key=lambda c: (c.start_frame, c.end_frame))
        return merged


def _issue(ann: EafAnnotation, reason: str) -> AnnotationIssue:
    return AnnotationIssue(ann.tier, ann.id, ann.value.strip(), reason)


def _code_matcher(codebook: Codebook) -> Callable[[str], tuple[str, ...] | None]:
    table: dict[str, str] = {}
    for code in codebook.codes:
        table.setdefault(_normal(code.label), code.id)
        table[_normal(code.id)] = code.id

    def match(value: str) -> tuple[str, ...] | None:
        whole = _normal(value)
        if not whole:
            return None
        if whole in table:
            return (table[whole],)
        parts = [_normal(part) for part in _LIST_SEPARATORS.split(value)]
        parts = [part for part in parts if part]
        if len(parts) > 1 and all(part in table for part in parts):
            return tuple(dict.fromkeys(table[part] for part in parts))
        return None

    return match


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _turn_actor(tier_id: str) -> Actor | None:
    found = _TURN_TIER.fullmatch(tier_id)
    return Actor(found.group(1).lower()) if found else None


def _turn_kind(value: str) -> TurnKind | None:
    try:
        return TurnKind(_normal(value))
    except ValueError:
        return None

"""ELAN annotation files (EAF 2.7-3.0) read back as moments and turns.

Files are read leniently (not schema-validated: ELAN files of other versions
differ in details that do not matter here). Each time-aligned annotation
becomes a moment: its value is matched against the codebook's code ids and
labels (case-insensitive; ``a; b`` lists too); values matching no code become
the moment's title and are reported. Annotations of other tiers with exactly
the same frames are merged into one moment (codes and titles together), so a
file with one tier per code imports as one moment per segment. A
REF_ANNOTATION (symbolic subdivision or association) belongs to the
time-aligned annotation it finally refers to: its codes join that moment, and
text that is no code is kept in the moment's note as ``tier: text`` lines.
Tiers named ``Child``/``Adult`` (optionally with a number) hold turns: a value
that is a turn kind becomes a turn at the frame on screen at the annotation's
start; anything else there is imported as a moment. Unaligned time slots get
ELAN's even spacing between the aligned slots around them on the same tier.
Annotations past the end of the recording are skipped, those running past it
are cut at its last frame; both are reported.

ms -> frames is the exact inverse of the export: start = ``ms_to_frame(start)``,
end = ``ms_to_frame(end - 0.5)`` (the frame still on screen just before the
end), so export then import gives back the same frames on any frame rate.

The parser resolves no entities and fetches nothing from the network, so a
file from elsewhere cannot read local files or expand into gigabytes.
No Qt here; call ``import_eaf`` on the thread that owns the workspace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from vigtool.codebook import DEFAULT_CODEBOOK_ID, Codebook, builtin_codebook
from vigtool.domain.records import Actor, Moment, NewMoment, NewTurn, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import InvalidEdit, VigtoolError
from vigtool.exports.eaf import (
    MOMENT_TYPE,
    OTHER_CODES_TYPE,
    SHA_PROPERTY,
    one_line,
    safe_xml_parser,
)
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.workspace import Workspace

_TURN_TIER = re.compile(r"\s*(child|adult)(?:\s+\d+)?\s*", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[;,]")


@dataclass(frozen=True)
class EafAnnotation:
    """One annotation. Time-aligned ones have ``ref`` None; a REF_ANNOTATION names
    its parent in ``ref`` and the time-aligned annotation it finally hangs on in
    ``host``. Times are ms (interpolated for unaligned slots), None if unknown."""

    id: str
    tier: str
    value: str
    start_ms: float | None
    end_ms: float | None
    ref: str | None = None
    host: str | None = None
    cve_ref: str | None = None


@dataclass(frozen=True)
class EafTier:
    id: str
    linguistic_type: str
    parent: str | None
    annotations: tuple[EafAnnotation, ...]


@dataclass(frozen=True)
class EafDocument:
    """The parts of an EAF file that import needs, times resolved to ms."""

    name: str
    tiers: tuple[EafTier, ...]
    properties: tuple[tuple[str, str], ...]
    interpolated_slots: int
    unresolved_slots: int

    def property(self, name: str) -> str | None:
        for key, value in self.properties:
            if key == name:
                return value
        return None


def read_eaf(path: Path) -> EafDocument:
    """Parse an EAF file. A file that is not EAF raises VigtoolError with one line."""
    name = path.name or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise VigtoolError(f"the ELAN file {name} was not found") from None
    except OSError as exc:
        raise VigtoolError(f"the ELAN file {name} cannot be read: {exc.strerror or exc}") from None
    return parse_eaf(data, name)


def parse_eaf(data: bytes, name: str) -> EafDocument:
    """Parse EAF bytes; ``name`` is used in error messages."""
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        detail = one_line(str(exc.msg or exc))
        raise VigtoolError(f"{name} is not an ELAN file: it is not well-formed XML ({detail})"
                           ) from None
    if root is None or not isinstance(root.tag, str):
        raise VigtoolError(f"{name} is not an ELAN file: it has no XML elements")
    tag = etree.QName(root).localname
    if tag != "ANNOTATION_DOCUMENT":
        raise VigtoolError(
            f"{name} is not an ELAN annotation file: it starts with <{tag}>, "
            "not <ANNOTATION_DOCUMENT>"
        )
    header = root.find("HEADER")
    units = header.get("TIME_UNITS", "milliseconds") if header is not None else "milliseconds"
    if units != "milliseconds":
        raise VigtoolError(
            f"{name} counts time in {units}; only ELAN files in milliseconds can be imported"
        )
    properties = tuple(
        (prop.get("NAME", ""), (prop.text or "").strip())
        for prop in (header.findall("PROPERTY") if header is not None else [])
    )
    time_order = root.find("TIME_ORDER")
    if time_order is None:
        raise VigtoolError(f"{name} is not a complete ELAN file: it has no TIME_ORDER")
    slot_ids, slot_values = _read_time_slots(time_order, name)

    raw_tiers = _raw_tiers(root, name)
    aligned_slots, parents, chains = _index_annotations(raw_tiers, slot_values, name)
    times, interpolated = _resolve_times(slot_ids, slot_values, chains)

    tiers: list[EafTier] = []
    for tier_id, type_ref, parent_ref, anns in raw_tiers:
        annotations: list[EafAnnotation] = []
        for ann in anns:
            ann_id = ann.get("ANNOTATION_ID") or ""
            value = _one_value(ann)
            cve_ref = ann.get("CVE_REF")
            if ann_id in aligned_slots:
                first, second = aligned_slots[ann_id]
                annotations.append(
                    EafAnnotation(ann_id, tier_id, value, times[first], times[second],
                                  cve_ref=cve_ref)
                )
            else:
                host = _host(ann_id, parents, aligned_slots, name)
                first, second = aligned_slots[host]
                annotations.append(
                    EafAnnotation(ann_id, tier_id, value, times[first], times[second],
                                  ref=parents[ann_id], host=host, cve_ref=cve_ref)
                )
        tiers.append(EafTier(tier_id, type_ref, parent_ref, tuple(annotations)))
    unresolved = sum(1 for value in times.values() if value is None)
    return EafDocument(name, tuple(tiers), properties, interpolated, unresolved)


_RawTier = tuple[str, str, str | None, list[etree._Element]]


def _raw_tiers(root: etree._Element, name: str) -> list[_RawTier]:
    """(id, linguistic type, parent, annotation elements) of every tier."""
    raw: list[_RawTier] = []
    seen: set[str] = set()
    for tier in root.iterfind("TIER"):
        tier_id = tier.get("TIER_ID")
        if not tier_id:
            raise VigtoolError(f"{name} is not a valid ELAN file: a tier has no TIER_ID")
        if tier_id in seen:
            raise VigtoolError(f"{name} is not a valid ELAN file: two tiers are called {tier_id!r}")
        seen.add(tier_id)
        anns = [child for wrapper in tier.iterfind("ANNOTATION") for child in wrapper
                if isinstance(child.tag, str)]
        raw.append((tier_id, tier.get("LINGUISTIC_TYPE_REF", ""), tier.get("PARENT_REF"), anns))
    return raw


def _index_annotations(
    raw_tiers: Sequence[_RawTier], slot_values: Mapping[str, float | None], name: str
) -> tuple[dict[str, tuple[str, str]], dict[str, str], list[list[tuple[str, str]]]]:
    """Time-aligned annotations' slots, REF annotations' parents, and each tier's
    chain of slot pairs (for ELAN-style interpolation); broken references raise."""
    aligned_slots: dict[str, tuple[str, str]] = {}
    parents: dict[str, str] = {}
    chains: list[list[tuple[str, str]]] = []
    for tier_id, _type, _parent, anns in raw_tiers:
        chain: list[tuple[str, str]] = []
        for ann in anns:
            ann_id = ann.get("ANNOTATION_ID") or ""
            if not ann_id:
                raise VigtoolError(
                    f"{name}: an annotation on tier {tier_id!r} has no ANNOTATION_ID"
                )
            if ann_id in aligned_slots or ann_id in parents:
                raise VigtoolError(f"{name}: two annotations have the id {ann_id!r}")
            if ann.tag == "ALIGNABLE_ANNOTATION":
                pair = (ann.get("TIME_SLOT_REF1") or "", ann.get("TIME_SLOT_REF2") or "")
                for slot in pair:
                    if slot not in slot_values:
                        raise VigtoolError(
                            f"{name} is broken: annotation {ann_id} refers to time slot "
                            f"{slot or '(none)'}, which is not in its TIME_ORDER"
                        )
                aligned_slots[ann_id] = pair
                chain.append(pair)
            elif ann.tag == "REF_ANNOTATION":
                parents[ann_id] = ann.get("ANNOTATION_REF") or ""
            else:
                unknown = etree.QName(ann).localname
                raise VigtoolError(f"{name}: tier {tier_id!r} holds an unknown <{unknown}>")
        chains.append(chain)
    return aligned_slots, parents, chains


def _read_time_slots(
    time_order: etree._Element, name: str
) -> tuple[list[str], dict[str, float | None]]:
    ids: list[str] = []
    values: dict[str, float | None] = {}
    for slot in time_order.iterfind("TIME_SLOT"):
        slot_id = slot.get("TIME_SLOT_ID") or ""
        if not slot_id or slot_id in values:
            raise VigtoolError(f"{name} is broken: a time slot id is missing or used twice "
                               f"({slot_id or 'no id'})")
        raw = slot.get("TIME_VALUE")
        if raw is None:
            values[slot_id] = None
        else:
            try:
                ms = int(raw.strip())
            except ValueError:
                raise VigtoolError(
                    f"{name} is broken: time slot {slot_id} has the time {raw!r}, "
                    "not a whole number of milliseconds"
                ) from None
            if ms < 0:
                raise VigtoolError(f"{name} is broken: time slot {slot_id} is negative ({ms})")
            values[slot_id] = float(ms)
        ids.append(slot_id)
    return ids, values


def _resolve_times(
    slot_ids: Sequence[str],
    values: Mapping[str, float | None],
    chains: Sequence[Sequence[tuple[str, str]]],
) -> tuple[dict[str, float | None], int]:
    """Give unaligned slots a time, as ELAN draws them: evenly spaced between the
    aligned slots before and after them along a tier's chain of annotations; failing
    that, along the TIME_ORDER. Slots with no aligned slot on one side stay None."""
    resolved: dict[str, float | None] = dict(values)
    limit = len(slot_ids) + 1
    for chain in chains:
        following = dict(chain)
        preceding = {b: a for a, b in chain}
        for first, second in chain:
            for slot in (first, second):
                if resolved[slot] is not None:
                    continue
                back = _walk(slot, preceding, values, limit)
                ahead = _walk(slot, following, values, limit)
                if back is None or ahead is None:
                    continue
                (start, steps_back), (end, steps_ahead) = back, ahead
                resolved[slot] = start + (end - start) * steps_back / (steps_back + steps_ahead)
    for position, slot in enumerate(slot_ids):
        if resolved[slot] is not None:
            continue
        before = _aligned_near(slot_ids, values, range(position - 1, -1, -1))
        after = _aligned_near(slot_ids, values, range(position + 1, len(slot_ids)))
        if before is not None and after is not None:
            (i, start), (j, end) = before, after
            resolved[slot] = start + (end - start) * (position - i) / (j - i)
    interpolated = sum(
        1 for slot in slot_ids if values[slot] is None and resolved[slot] is not None
    )
    return resolved, interpolated


def _aligned_near(
    slot_ids: Sequence[str], values: Mapping[str, float | None], positions: Iterable[int]
) -> tuple[int, float] | None:
    for position in positions:
        value = values[slot_ids[position]]
        if value is not None:
            return position, value
    return None


def _walk(
    slot: str, links: Mapping[str, str], values: Mapping[str, float | None], limit: int
) -> tuple[float, int] | None:
    steps = 0
    current = slot
    while steps < limit:
        nxt = links.get(current)
        if nxt is None:
            return None
        steps += 1
        value = values.get(nxt)
        if value is not None:
            return value, steps
        current = nxt
    return None


def _host(
    ann_id: str, parents: Mapping[str, str], aligned: Mapping[str, tuple[str, str]], name: str
) -> str:
    current = ann_id
    for _ in range(len(parents) + 1):
        parent = parents[current]
        if parent in aligned:
            return parent
        if parent not in parents:
            raise VigtoolError(
                f"{name} is broken: annotation {current} refers to annotation "
                f"{parent or '(none)'}, which is not in the file"
            )
        current = parent
    raise VigtoolError(f"{name} is broken: annotation {ann_id} refers to itself in a loop")


def _one_value(ann: etree._Element) -> str:
    value = ann.find("ANNOTATION_VALUE")
    return "" if value is None else "".join(value.itertext())


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


@dataclass(frozen=True)
class ImportReport:
    """What ``import_eaf`` did. ``uncoded`` annotations were imported as code-less
    moments titled with their text; ``skipped`` ones were not imported;
    ``clamped`` ones were cut at the recording's last frame."""

    source: str
    recording_id: int
    moments: tuple[Moment, ...]
    turns: tuple[Turn, ...]
    already_present: int
    uncoded: tuple[AnnotationIssue, ...]
    skipped: tuple[AnnotationIssue, ...]
    clamped: tuple[AnnotationIssue, ...]
    notes: tuple[str, ...]

    def summary(self) -> str:
        """One line for a status bar."""
        parts = [f"{len(self.moments)} moments and {len(self.turns)} turns imported "
                 f"from {self.source}"]
        if self.uncoded:
            parts.append(f"{len(self.uncoded)} without a code")
        if self.clamped:
            parts.append(f"{len(self.clamped)} cut at the end of the video")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.already_present:
            parts.append(f"{self.already_present} already there")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        """The summary, then every note and every annotation that needs a look."""
        out = [self.summary(), *self.notes]
        out += [f"no code: {issue}" for issue in self.uncoded]
        out += [f"cut: {issue}" for issue in self.clamped]
        out += [f"skipped: {issue}" for issue in self.skipped]
        return out


def import_eaf(
    ws: Workspace,
    eaf_path: Path,
    case_id: int,
    recording_id: int,
    codebook: Codebook | None = None,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ImportReport:
    """Add an ELAN file's annotations to ``recording_id`` as moments and turns.

    The file is read and checked completely before anything is added, so a
    broken file (VigtoolError, one line) or a cancel changes nothing. Adding
    is not cancellable. Annotations identical to moments or turns already on
    the recording are not added twice, so importing a file again is harmless.

    Each moment and turn is added with ``Workspace.add_moment``/``add_turn``,
    so each is its own undo step and its own change notification; a batch
    operation on the Workspace would make the whole import one "Import ELAN
    File" step.
    """
    book = codebook if codebook is not None else builtin_codebook(DEFAULT_CODEBOOK_ID)
    recording = ws.recording(recording_id)
    if recording.case_id != case_id:
        raise InvalidEdit(f"recording {recording_id} does not belong to case {case_id}")
    document = read_eaf(Path(eaf_path))
    cancel.raise_if_cancelled()
    plan = plan_import(document, ws.frame_times(recording_id), book)
    notes = list(plan.notes)
    exported_from = document.property(SHA_PROPERTY)
    if exported_from and exported_from != recording.sha256:
        notes.append(
            f"{document.name} was exported from another video than {recording.original_name}; "
            "its times were used as they are"
        )
    cancel.raise_if_cancelled()

    added_moments, added_turns, already = _apply(ws, recording_id, plan, progress)
    return ImportReport(
        source=document.name,
        recording_id=recording_id,
        moments=added_moments,
        turns=added_turns,
        already_present=already,
        uncoded=plan.uncoded,
        skipped=plan.skipped,
        clamped=plan.clamped,
        notes=tuple(notes),
    )


def _apply(
    ws: Workspace, recording_id: int, plan: ImportPlan, progress: Progress
) -> tuple[tuple[Moment, ...], tuple[Turn, ...], int]:
    """Add what the plan holds and the recording does not have yet, as one undo
    step; returns the added moments, the added turns and how many were already there."""
    existing_moments = {
        (m.start_frame, m.end_frame, frozenset(m.codes), m.title)
        for m in ws.moments(recording_id)
    }
    existing_turns = {(t.frame, t.actor, t.kind) for t in ws.turns(recording_id)}
    new_moments = [
        p for p in plan.moments
        if (p.start_frame, p.end_frame, frozenset(p.codes), p.title) not in existing_moments
    ]
    new_turns = [t for t in plan.turns if (t.frame, t.actor, t.kind) not in existing_turns]
    already = len(plan.moments) - len(new_moments) + len(plan.turns) - len(new_turns)
    total = len(new_moments) + len(new_turns)
    added_moments, added_turns = ws.add_annotations(
        recording_id,
        moments=[NewMoment(p.start_frame, p.end_frame, tuple(p.codes), p.title, p.note)
                 for p in new_moments],
        turns=[NewTurn(t.frame, str(t.actor), str(t.kind), t.note) for t in new_turns],
        name="Import ELAN File",
    )
    progress(total, total)
    moments, turns = added_moments, added_turns
    return tuple(moments), tuple(turns), already


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

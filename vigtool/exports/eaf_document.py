"""Reading an ELAN annotation file (EAF 2.7-3.0) into an ``EafDocument``.

Files are read leniently (not schema-validated: ELAN files of other versions
differ in details that do not matter here), but every reference is checked:
a broken file raises VigtoolError with one line naming what is wrong.
Unaligned time slots get ELAN's even spacing between the aligned slots around
them on the same tier; a REF_ANNOTATION (symbolic subdivision or association)
is resolved to the time-aligned annotation it finally refers to.

The parser resolves no entities and fetches nothing from the network, so a
file from elsewhere cannot read local files or expand into gigabytes; a file
that declares a document type or entities (which ELAN never writes) is refused.
Only a regular file is read (a named pipe would wait for ever), and a time
more than a week into the film is refused as broken.
No Qt and no workspace here: ``eaf_plan`` says what a document means on a
recording, ``eaf_import`` adds it.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from vigtool.errors import VigtoolError
from vigtool.exports.eaf import one_line, safe_xml_parser
from vigtool.privacy.files import file_errors

MAX_TIME_MS = 7 * 24 * 3600 * 1000  # a week: far past any recording
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


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
    with file_errors(f"the ELAN file {name}", "read"):
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise VigtoolError(f"the ELAN file {name} was not found") from None
        if stat.S_ISDIR(mode):
            raise VigtoolError(f"the ELAN file {name} is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise VigtoolError(f"the ELAN file {name} is not a regular file (it is a pipe "
                               "or a device); save it as a file and choose that")
        data = path.read_bytes()
    return parse_eaf(data, name)


def parse_eaf(data: bytes, name: str) -> EafDocument:
    """Parse EAF bytes; ``name`` is used in error messages."""
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        if _DTD.search(data[:65536]) and b"ANNOTATION_DOCUMENT" in data[:65536]:
            raise _declares_dtd(name) from None
        detail = one_line(str(exc.msg or exc))
        raise VigtoolError(f"{name} is not an ELAN file: it is not well-formed XML ({detail})"
                           ) from None
    if root is None or not isinstance(root.tag, str):
        raise VigtoolError(f"{name} is not an ELAN file: it has no XML elements")
    tag = etree.QName(root).localname
    if tag != "ANNOTATION_DOCUMENT":
        raise VigtoolError(
            f"{name} is not an ELAN annotation file: it starts with <{_shown(tag)}>, "
            "not <ANNOTATION_DOCUMENT>"
        )
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype or info.system_url:
        raise _declares_dtd(name)
    header = root.find("HEADER")
    units = header.get("TIME_UNITS", "milliseconds") if header is not None else "milliseconds"
    if units != "milliseconds":
        raise VigtoolError(
            f"{name} counts time in {_shown(units)}; only ELAN files in milliseconds can be "
            "imported"
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
    tier_ids = {tier_id for tier_id, *_ in raw_tiers}
    for tier_id, _type, parent_ref, _anns in raw_tiers:
        if parent_ref is not None and parent_ref not in tier_ids:
            raise VigtoolError(f"{name} is broken: tier {tier_id!r} depends on tier "
                               f"{_shown(parent_ref)!r}, which is not in the file")
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


def _declares_dtd(name: str) -> VigtoolError:
    return VigtoolError(
        f"{name} was not read: it declares a document type or entities (a DTD), which "
        "ELAN never writes and which can be used to reach other files")


def _shown(text: str) -> str:
    """A value from the file, short enough for one line."""
    text = " ".join(text.split())
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text):,} characters)"


def _raw_tiers(root: etree._Element, name: str) -> list[_RawTier]:
    """(id, linguistic type, parent, annotation elements) of every tier."""
    raw: list[_RawTier] = []
    seen: set[str] = set()
    for tier in root.iterfind("TIER"):
        tier_id = tier.get("TIER_ID")
        if not tier_id:
            raise VigtoolError(f"{name} is not a valid ELAN file: a tier has no TIER_ID")
        if tier_id in seen:
            raise VigtoolError(f"{name} is not a valid ELAN file: two tiers are called "
                               f"{_shown(tier_id)!r}")
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
            if ann.tag not in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
                unknown = etree.QName(ann).localname
                raise VigtoolError(f"{name}: tier {_shown(tier_id)!r} holds an unknown "
                                   f"<{_shown(unknown)}>")
            ann_id = ann.get("ANNOTATION_ID") or ""
            if not ann_id:
                raise VigtoolError(
                    f"{name}: an annotation on tier {_shown(tier_id)!r} has no ANNOTATION_ID"
                )
            if ann_id in aligned_slots or ann_id in parents:
                raise VigtoolError(f"{name}: two annotations have the id {_shown(ann_id)!r}")
            if ann.tag == "ALIGNABLE_ANNOTATION":
                pair = (ann.get("TIME_SLOT_REF1") or "", ann.get("TIME_SLOT_REF2") or "")
                for slot in pair:
                    if slot not in slot_values:
                        raise VigtoolError(
                            f"{name} is broken: annotation {_shown(ann_id)} refers to time slot "
                            f"{_shown(slot) or '(none)'}, which is not in its TIME_ORDER"
                        )
                aligned_slots[ann_id] = pair
                chain.append(pair)
            else:
                parents[ann_id] = ann.get("ANNOTATION_REF") or ""
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
                               f"({_shown(slot_id) or 'no id'})")
        raw = slot.get("TIME_VALUE")
        if raw is None:
            values[slot_id] = None
        else:
            values[slot_id] = float(_milliseconds(raw, _shown(slot_id), name))
        ids.append(slot_id)
    return ids, values


def _milliseconds(raw: str, slot: str, name: str) -> int:
    """A slot's TIME_VALUE: whole milliseconds from 0 to a week (checked as text first,
    so 5,000 digits are refused without being turned into a number)."""
    if not _WHOLE.fullmatch(raw):
        raise VigtoolError(f"{name} is broken: time slot {slot} has the time "
                           f"{_shown(raw)!r}, not a whole number of milliseconds")
    digits = raw.strip().lstrip("+-").lstrip("0")
    if raw.strip().startswith("-") and digits:
        raise VigtoolError(f"{name} is broken: time slot {slot} is negative "
                           f"({_shown(raw.strip())})")
    if len(digits) > len(str(MAX_TIME_MS)) or int(digits or "0") > MAX_TIME_MS:
        raise VigtoolError(f"{name} is broken: time slot {slot} is at {_shown(digits)} ms, "
                           "more than a week into the film")
    return int(digits or "0")


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
                f"{name} is broken: annotation {_shown(current)} refers to annotation "
                f"{_shown(parent) or '(none)'}, which is not in the file"
            )
        current = parent
    raise VigtoolError(f"{name} is broken: annotation {_shown(ann_id)} refers to itself in a "
                       "loop")


def _one_value(ann: etree._Element) -> str:
    value = ann.find("ANNOTATION_VALUE")
    return "" if value is None else "".join(value.itertext())

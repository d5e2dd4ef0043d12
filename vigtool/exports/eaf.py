"""ELAN annotation files (EAF 3.0): export one recording's moments and turns.

Layout of an exported file, chosen so that ELAN's own tools work on it:

* ``Moments``: a top-level, time-aligned tier, one annotation per moment
  (value: its title). Times are TIME_SLOTs in ms: ``frame_to_ms(start)`` to
  ``frame_end_ms(end)``, end exclusive; every annotation has its own two
  slots, because ELAN treats a shared slot as a link that moves both ends.
* One tier per codebook group (``Attuned interactions``, ``Guidance``),
  dependent on ``Moments`` with the ``Symbolic_Subdivision`` constraint: one
  annotation per code, each exactly one entry of the group's CONTROLLED_VOCABULARY
  (CVE_REF = code id, descriptions from the codebook). One code per annotation
  is what ELAN users expect: ELAN's CV drop-down, annotation statistics, search
  by CV entry and inter-rater agreement all count single CV values, and a
  "Being attentive; Guiding" string would be none of them. Subdividing the
  moment (rather than separate time-aligned annotations) keeps codes attached
  to their moment and never puts two annotations of one tier on top of each
  other, which ELAN does not allow. (ELAN draws the subdivisions side by
  side; they carry no time of their own.) Codes the codebook does not know
  go, by id, on an ``Other codes`` tier without a vocabulary.
* ``Child`` and ``Adult``: time-aligned tiers of turns, each one frame long,
  value = its kind from the ``Turn kinds`` vocabulary.
* Moments (or turns) that overlap in time go on extra tiers ``Moments 2``,
  ``Attuned interactions 2``..., because one ELAN tier cannot hold overlaps.

Every exported file is validated against ``schemas/EAFv3.0.xsd`` before it is
written, and written atomically. ``vigtool.exports.eaf_import`` reads files
back. No Qt here; any thread.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from vigtool.codebook import Codebook
from vigtool.domain.records import Actor, TurnKind
from vigtool.errors import VigtoolError
from vigtool.exports.session import (
    MomentInfo,
    SessionExport,
    TurnInfo,
    write_export_bytes,
)
from vigtool.jobs import NEVER_CANCELLED, CancelToken
from vigtool.resources import schema_file

EAF_SCHEMA_NAME = "EAFv3.0.xsd"
EAF_SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
MOMENTS_TIER = "Moments"
OTHER_CODES_TIER = "Other codes"
TURN_TIERS: Mapping[Actor, str] = {Actor.CHILD: "Child", Actor.ADULT: "Adult"}
TURN_KINDS_CV = "Turn kinds"
MOMENT_TYPE = "vig-moment"
TURN_TYPE = "vig-turn"
OTHER_CODES_TYPE = "vig-other-codes"
CODE_TYPE_PREFIX = "vig-codes-"
SHA_PROPERTY = "vigtool-recording-sha256"
CODEBOOK_PROPERTY = "vigtool-codebook"

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_LANG_ID = "eng"
_LANG_DEF = "http://cdb.iso.org/lg/CDB-00138502-001"
_CONSTRAINTS = (
    ("Time_Subdivision", "Time subdivision of parent annotation's time interval, "
     "no time gaps allowed within this interval"),
    ("Symbolic_Subdivision", "Symbolic subdivision of a parent annotation. "
     "Annotations refering to the same parent are ordered"),
    ("Symbolic_Association", "1-1 association with a parent annotation"),
    ("Included_In", "Time alignable annotations within the parent annotation's time "
     "interval, gaps are allowed"),
)
_TURN_KIND_WORDING = {
    TurnKind.INITIATIVE: "The child or the adult starts something: a look, a sound, a gesture.",
    TurnKind.RECEPTION: "The other shows the initiative was noticed.",
    TurnKind.RESPONSE: "The other answers, keeping the interaction going.",
}
# ELAN plays only these types as video (MediaDescriptorUtility.isVideoType);
# anything else is its generic "video/*".
_MIME_TYPES = {
    ".mp4": "video/mp4", ".mpg4": "video/mp4", ".m4v": "video/mp4",
    ".mpg": "video/mpeg", ".mpeg": "video/mpeg",
    ".mov": "video/quicktime", ".qt": "video/quicktime",
    ".wav": "audio/x-wav",
}
_GENERIC_VIDEO = "video/*"
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RESERVED_TIERS = frozenset({MOMENTS_TIER, OTHER_CODES_TIER, *TURN_TIERS.values()})


def write_eaf(
    session: SessionExport,
    recording_id: int,
    out: Path,
    *,
    media_path: Path | None = None,
    author: str = "",
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Write ``recording_id``'s moments and turns as an EAF 3.0 file; return ``out``.

    ``media_path`` is where the video is (``Workspace.media_path(recording)``):
    the file names it by its file name alone (``./name``, as MEDIA_URL and
    RELATIVE_MEDIA_URL), never by the laptop's folders, so ELAN finds it when
    the film is put next to the EAF. Without it, the recording's name in
    ``session`` is used (``recording-<id>.mp4`` in an export for anyone but the
    practitioner). Raises VigtoolError if the recording's times are unknown
    (footage and frame index both gone).
    """
    data = eaf_bytes(session, recording_id, media_path=media_path, author=author,
                     cancel=cancel)
    cancel.raise_if_cancelled()
    return write_export_bytes(out, data)


def eaf_bytes(
    session: SessionExport,
    recording_id: int,
    *,
    media_path: Path | None = None,
    author: str = "",
    cancel: CancelToken = NEVER_CANCELLED,
) -> bytes:
    """The EAF document ``write_eaf`` writes, validated against the XSD."""
    recording = session.recording(recording_id)
    if not recording.times_known:
        raise VigtoolError(
            f"{recording.original_name} cannot be exported for ELAN: its footage and frame "
            "index are gone, so its moments have no times"
        )
    builder = _EafBuilder(session.codebook)
    moments = session.moments_of(recording_id)
    turns = session.turns_of(recording_id)
    builder.add_moments(moments, cancel)
    builder.add_turns(turns, cancel)
    root = builder.document(
        date=session.exported_at,
        author=author,
        media=_media_descriptor(recording.original_name, media_path),
        properties=(
            (SHA_PROPERTY, recording.sha256),
            (CODEBOOK_PROPERTY, f"{session.codebook.id} v{session.codebook.version}"),
        ),
    )
    validate_eaf(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def validate_eaf(document: etree._Element | etree._ElementTree) -> None:
    """Raise VigtoolError unless ``document`` is valid EAF 3.0 (a vigtool bug if so)."""
    schema = _eaf_schema()
    if not schema.validate(document):
        error = schema.error_log.last_error
        detail = f"line {error.line}: {error.message}" if error is not None else "no detail"
        raise VigtoolError(
            f"vigtool made an ELAN file that is not valid EAF 3.0 ({one_line(detail)}); "
            "please report this"
        )


@cache
def _eaf_schema() -> etree.XMLSchema:
    try:
        data = schema_file(EAF_SCHEMA_NAME).read_bytes()
    except OSError as exc:
        raise VigtoolError(
            f"the ELAN schema {EAF_SCHEMA_NAME} is missing from this vigtool installation"
        ) from exc
    return etree.XMLSchema(etree.fromstring(data, safe_xml_parser()))


@dataclass
class _Aligned:
    ann_id: str
    start_ms: int
    end_ms: int
    value: str
    cve_ref: str | None = None
    slots: tuple[str, str] = ("", "")


@dataclass
class _Ref:
    ann_id: str
    parent_id: str
    previous_id: str | None
    value: str
    cve_ref: str | None


@dataclass
class _Tier:
    tier_id: str
    linguistic_type: str
    parent: str | None = None
    annotations: list[_Aligned | _Ref] = field(default_factory=list)


class _EafBuilder:
    """Collects tiers and annotations, then lays out time slots and XML."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.tiers: list[_Tier] = []
        self._names: set[str] = set()
        self._count = 0
        self._cv_names: dict[str, str] = {}  # group id -> CV_ID
        used_cvs = {TURN_KINDS_CV}
        for group in codebook.groups:
            self._cv_names[group.id] = _unique(group.label, used_cvs)
            used_cvs.add(self._cv_names[group.id])
        self._other_codes = False

    def _next_id(self) -> str:
        self._count += 1
        return f"a{self._count}"

    def _tier(
        self, name: str, linguistic_type: str, parent: str | None = None, *, exact: bool = False
    ) -> _Tier:
        """A new tier. Only vigtool's own tiers (``exact``) may take the names import
        looks for (Moments, Child, Adult...); a codebook group called "Child" becomes
        "Child (2)", so it is never read back as turns."""
        if exact and name.casefold() not in {used.casefold() for used in self._names}:
            self._names.add(name)
            tier_id = name
        else:
            tier_id = _unique(name, self._names | _RESERVED_TIERS)
            self._names.add(tier_id)
        tier = _Tier(tier_id, linguistic_type, parent)
        self.tiers.append(tier)
        return tier

    def add_moments(self, moments: Sequence[MomentInfo], cancel: CancelToken) -> None:
        lanes = _lanes([(m.start_ms or 0, m.end_ms or 0) for m in moments])
        lane_count = max(lanes, default=0) + 1
        self._other_codes = any(code.group is None for m in moments for code in m.codes)
        moment_tiers: list[_Tier] = []
        group_tiers: list[dict[str | None, _Tier]] = []
        for lane in range(lane_count):
            suffix = "" if lane == 0 else f" {lane + 1}"
            parent = self._tier(MOMENTS_TIER + suffix, MOMENT_TYPE, exact=True)
            moment_tiers.append(parent)
            by_group: dict[str | None, _Tier] = {}
            for group in self.codebook.groups:
                by_group[group.id] = self._tier(
                    group.label + suffix, CODE_TYPE_PREFIX + group.id, parent.tier_id
                )
            if self._other_codes:
                by_group[None] = self._tier(
                    OTHER_CODES_TIER + suffix, OTHER_CODES_TYPE, parent.tier_id, exact=True
                )
            group_tiers.append(by_group)
        for moment, lane in zip(moments, lanes, strict=True):
            cancel.raise_if_cancelled()
            host = _Aligned(
                self._next_id(), moment.start_ms or 0, moment.end_ms or 0, _xml_text(moment.title)
            )
            moment_tiers[lane].annotations.append(host)
            previous: dict[str | None, str] = {}
            for code in moment.codes:
                tier = group_tiers[lane][code.group]
                ref = _Ref(
                    self._next_id(),
                    host.ann_id,
                    previous.get(code.group),
                    _xml_text(code.label),
                    code.id if code.group is not None else None,
                )
                tier.annotations.append(ref)
                previous[code.group] = ref.ann_id

    def add_turns(self, turns: Sequence[TurnInfo], cancel: CancelToken) -> None:
        for actor, name in TURN_TIERS.items():
            mine = [t for t in turns if t.actor == actor.value]
            lanes = _lanes([(t.start_ms or 0, t.end_ms or 0) for t in mine])
            tiers = [
                self._tier(name + ("" if lane == 0 else f" {lane + 1}"), TURN_TYPE, exact=True)
                for lane in range(max(lanes, default=0) + 1)
            ]
            for turn, lane in zip(mine, lanes, strict=True):
                cancel.raise_if_cancelled()
                tiers[lane].annotations.append(
                    _Aligned(self._next_id(), turn.start_ms or 0, turn.end_ms or 0, turn.kind,
                             turn.kind)
                )

    def _time_slots(self) -> list[tuple[str, int]]:
        """One slot per annotation boundary, numbered in time order."""
        ends: list[tuple[int, int, int, _Aligned]] = []
        order = 0
        for tier in self.tiers:
            for ann in tier.annotations:
                if isinstance(ann, _Aligned):
                    ends.append((ann.start_ms, order, 0, ann))
                    ends.append((ann.end_ms, order, 1, ann))
                    order += 1
        ends.sort(key=lambda item: (item[0], item[1], item[2]))
        slots: list[tuple[str, int]] = []
        starts: dict[int, str] = {}
        for number, (ms, _order, which, ann) in enumerate(ends, start=1):
            slot_id = f"ts{number}"
            slots.append((slot_id, ms))
            if which == 0:
                starts[id(ann)] = slot_id
            else:
                ann.slots = (starts[id(ann)], slot_id)
        return slots

    def document(
        self,
        *,
        date: str,
        author: str,
        media: tuple[str, str | None, str],
        properties: Iterable[tuple[str, str]],
    ) -> etree._Element:
        root = etree.Element(
            "ANNOTATION_DOCUMENT",
            {"AUTHOR": _xml_text(author), "DATE": date, "FORMAT": "3.0", "VERSION": "3.0"},
            nsmap={"xsi": _XSI},
        )
        root.set(f"{{{_XSI}}}noNamespaceSchemaLocation", EAF_SCHEMA_URL)
        header = etree.SubElement(
            root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
        )
        media_url, relative_url, mime = media
        descriptor = {"MEDIA_URL": media_url, "MIME_TYPE": mime}
        if relative_url is not None:
            descriptor["RELATIVE_MEDIA_URL"] = relative_url
        etree.SubElement(header, "MEDIA_DESCRIPTOR", descriptor)
        for name, value in (
            ("URN", f"urn:nl-mpi-tools-elan-eaf:{uuid.uuid4()}"),
            ("lastUsedAnnotationId", str(self._count)),
            *properties,
        ):
            etree.SubElement(header, "PROPERTY", {"NAME": name}).text = value
        time_order = etree.SubElement(root, "TIME_ORDER")
        for slot_id, ms in self._time_slots():
            etree.SubElement(
                time_order, "TIME_SLOT", {"TIME_SLOT_ID": slot_id, "TIME_VALUE": str(ms)}
            )
        for tier in self.tiers:
            attributes = {"LINGUISTIC_TYPE_REF": tier.linguistic_type, "TIER_ID": tier.tier_id}
            if tier.parent is not None:
                attributes["PARENT_REF"] = tier.parent
            tier_element = etree.SubElement(root, "TIER", attributes)
            for ann in tier.annotations:
                wrapper = etree.SubElement(tier_element, "ANNOTATION")
                if isinstance(ann, _Aligned):
                    element = etree.SubElement(
                        wrapper,
                        "ALIGNABLE_ANNOTATION",
                        {"ANNOTATION_ID": ann.ann_id, "TIME_SLOT_REF1": ann.slots[0],
                         "TIME_SLOT_REF2": ann.slots[1]},
                    )
                else:
                    element = etree.SubElement(
                        wrapper, "REF_ANNOTATION",
                        {"ANNOTATION_ID": ann.ann_id, "ANNOTATION_REF": ann.parent_id},
                    )
                    if ann.previous_id is not None:
                        element.set("PREVIOUS_ANNOTATION", ann.previous_id)
                if ann.cve_ref is not None:
                    element.set("CVE_REF", ann.cve_ref)
                etree.SubElement(element, "ANNOTATION_VALUE").text = ann.value
        self._linguistic_types(root)
        etree.SubElement(
            root, "LANGUAGE",
            {"LANG_DEF": _LANG_DEF, "LANG_ID": _LANG_ID, "LANG_LABEL": "English (eng)"},
        )
        for stereotype, description in _CONSTRAINTS:
            etree.SubElement(
                root, "CONSTRAINT", {"DESCRIPTION": description, "STEREOTYPE": stereotype}
            )
        self._vocabularies(root)
        return root

    def _linguistic_types(self, root: etree._Element) -> None:
        def add(type_id: str, *, aligned: bool, cv: str | None = None) -> None:
            attributes = {
                "GRAPHIC_REFERENCES": "false",
                "LINGUISTIC_TYPE_ID": type_id,
                "TIME_ALIGNABLE": "true" if aligned else "false",
            }
            if not aligned:
                attributes["CONSTRAINTS"] = "Symbolic_Subdivision"
            if cv is not None:
                attributes["CONTROLLED_VOCABULARY_REF"] = cv
            etree.SubElement(root, "LINGUISTIC_TYPE", attributes)

        add(MOMENT_TYPE, aligned=True)
        for group in self.codebook.groups:
            add(CODE_TYPE_PREFIX + group.id, aligned=False, cv=self._cv_names[group.id])
        if self._other_codes:
            add(OTHER_CODES_TYPE, aligned=False)
        add(TURN_TYPE, aligned=True, cv=TURN_KINDS_CV)

    def _vocabularies(self, root: etree._Element) -> None:
        def vocabulary(
            cv_id: str, description: str, entries: Iterable[tuple[str, str, str]]
        ) -> None:
            cv = etree.SubElement(root, "CONTROLLED_VOCABULARY", {"CV_ID": cv_id})
            etree.SubElement(cv, "DESCRIPTION", {"LANG_REF": _LANG_ID}).text = _xml_text(
                description
            )
            for entry_id, value, wording in entries:
                entry = etree.SubElement(cv, "CV_ENTRY_ML", {"CVE_ID": entry_id})
                etree.SubElement(
                    entry, "CVE_VALUE", {"DESCRIPTION": _xml_text(wording), "LANG_REF": _LANG_ID}
                ).text = _xml_text(value)

        for group in self.codebook.groups:
            vocabulary(
                self._cv_names[group.id],
                f"{self.codebook.name}: {group.label}",
                ((c.id, c.label, c.description) for c in self.codebook.codes_in_group(group.id)),
            )
        vocabulary(
            TURN_KINDS_CV,
            "Serve and return: who starts, who notices, who answers",
            ((kind.value, kind.value, _TURN_KIND_WORDING[kind]) for kind in TurnKind),
        )


def _lanes(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Greedy lanes so that no two spans in one lane overlap (touching is fine)."""
    lane_ends: list[int] = []
    lanes = [0] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: spans[i]):
        start, end = spans[index]
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= start:
                lanes[index] = lane
                lane_ends[lane] = end
                break
        else:
            lanes[index] = len(lane_ends)
            lane_ends.append(end)
    return lanes


def _unique(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... whichever is not taken (ignoring case)."""
    folded = {t.casefold() for t in taken}
    candidate = _xml_text(name).strip() or "Tier"
    base, number = candidate, 1
    while candidate.casefold() in folded:
        number += 1
        candidate = f"{base} ({number})"
    return candidate


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters; drop them rather than fail."""
    return _NOT_XML_CHARS.sub("", text)


def _media_descriptor(original_name: str, media_path: Path | None) -> tuple[str, str, str]:
    """(MEDIA_URL, RELATIVE_MEDIA_URL, MIME_TYPE) for the recording: its file name
    only, next to the EAF (an absolute path would tell where the laptop keeps it)."""
    name = media_path.name if media_path is not None else Path(original_name).name
    mime = _MIME_TYPES.get(Path(name).suffix.lower(), _GENERIC_VIDEO)
    url = "./" + quote(name)
    return url, url, mime


def safe_xml_parser() -> etree.XMLParser:
    """A parser for files from elsewhere: no entities, no DTD, no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


def one_line(text: str) -> str:
    """Any text (a parser's message, a file name) as one line."""
    return " ".join(text.split())

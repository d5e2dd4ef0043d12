"""Scaling measures: what a parent (or practitioner) rates at the start, each cycle and the end.

Every workspace has the built-in ``helping-question`` measure: how confident
the parent feels about their own helping question, 0 to 10. A service may add
its own measures in a JSON file checked against ``schemas/measures.schema.json``
(closed objects, so a misspelt field is an error) and then against the rules
JSON Schema cannot say: ids are unique and never the built-in's, ``min`` is
below ``max``, and a range has at most 11 points (the parent taps one of them
on a screen). Like a codebook, only a regular file of at most
``MAX_MEASURES_BYTES`` is read, and every failure is one line naming the file
and the JSON path (``MeasuresError``).

Whose rating a family may keep is decided here (``for_family``): the parent's
own ratings are the parent's own words and go wherever the parent's words
go; the practitioner's ratings and notes stay in the practitioner's record.
No Qt here; the records are frozen, so one set can be shared by every thread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast, get_args

from vigtool import json_file
from vigtool.domain.records import Rating
from vigtool.errors import InvalidEdit, VigtoolError

SCHEMA_NAME = "measures.schema.json"
HELPING_QUESTION = "helping-question"
MAX_MEASURES_BYTES = 256 * 1024
MAX_POINTS = 11
FIRST_MEETING = 0
"""The cycle number of the first meeting, before anything is filmed."""

Rater = Literal["parent", "practitioner"]
RATERS: tuple[Rater, ...] = get_args(Rater)
When = Literal["start", "each-cycle", "end"]
WHEN: tuple[When, ...] = get_args(When)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class MeasuresError(VigtoolError):
    """A measures file (or the copy a workspace keeps) cannot be used; one line says why."""


def _range_problem(measure_id: str, low: int, high: int) -> tuple[str, str] | None:
    if not _SLUG.fullmatch(measure_id):
        return "id", f"{measure_id!r} is not a lower-case-hyphenated id"
    if low >= high:
        return "max", f"the highest point ({high}) must be above the lowest ({low})"
    if high - low + 1 > MAX_POINTS:
        return "max", (f"{low} to {high} is {high - low + 1} points; a scale has at "
                       f"most {MAX_POINTS} (a parent taps one on the screen)")
    return None


def _measure_problem(m: Measure) -> tuple[str, str] | None:
    problem = _range_problem(m.id, m.min, m.max)
    if problem is not None:
        return problem
    if not m.name.strip() or not m.family_wording.strip():
        return "name", "a measure needs a name and the question for the family"
    if not m.when or any(w not in WHEN for w in m.when):
        return "when", f"say when it is asked: {', '.join(WHEN)}"
    return None


@dataclass(frozen=True, slots=True)
class Measure:
    """One scale. ``family_wording`` is the question as the parent is asked it;
    ``practitioner_wording`` as the practitioner reads it (default: the name);
    ``min_label`` and ``max_label`` say what the ends mean, in the family's words."""

    id: str
    name: str
    min: int
    max: int
    family_wording: str
    practitioner_wording: str = ""
    min_label: str = ""
    max_label: str = ""
    when: tuple[When, ...] = WHEN

    def __post_init__(self) -> None:
        problem = _measure_problem(self)
        if problem is not None:
            raise MeasuresError(f"measure {self.id!r} is not valid: {problem[1]}")

    @property
    def values(self) -> range:
        """Every point of the scale, lowest first."""
        return range(self.min, self.max + 1)

    @property
    def for_practitioner(self) -> str:
        return self.practitioner_wording or self.name

    def check(self, value: int) -> int:
        """``value`` if it is a point of this scale; else InvalidEdit in one line."""
        if isinstance(value, bool) or not isinstance(value, int) or value not in self.values:
            raise InvalidEdit(f"a rating on '{self.id}' is a whole number from {self.min} "
                              f"to {self.max}, not {value!r}")
        return value

    def asked(self, when: When) -> bool:
        return when in self.when

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, as in the schema (optional fields only when set)."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "min": self.min,
                                "max": self.max, "family_wording": self.family_wording}
        for name in ("practitioner_wording", "min_label", "max_label"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        data["when"] = list(self.when)
        return data


BUILTIN_MEASURE = Measure(
    id=HELPING_QUESTION,
    name="Helping question",
    min=0,
    max=10,
    family_wording="Thinking about your question, how confident do you feel now?",
    practitioner_wording="The parent's confidence about their helping question",
    min_label="Not yet",
    max_label="Very confident",
)
"""The helping question's own scale. Its words are translated where they are shown
(``vigtool.report.charts`` marks them for the catalogue)."""


@dataclass(frozen=True, slots=True)
class MeasureSet:
    """A service's measures (``name`` may be empty). ``all`` puts the built-in first."""

    name: str
    measures: tuple[Measure, ...]

    def __post_init__(self) -> None:
        problem = _set_problem(self.measures)
        if problem is not None:
            raise MeasuresError(f"the measures are not valid: at {problem[0]}, {problem[1]}")

    @property
    def all(self) -> tuple[Measure, ...]:
        return (BUILTIN_MEASURE, *self.measures)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name} if self.name else {}
        data["measures"] = [m.to_dict() for m in self.measures]
        return data

    def to_json(self) -> str:
        """Canonical text (what a workspace keeps); ``measures_from_text`` reads it back."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Scale:
    """One measure's ratings in a case, by cycle (the parent's before the practitioner's)."""

    measure: Measure
    ratings: tuple[Rating, ...]

    def by(self, rated_by: Rater) -> tuple[Rating, ...]:
        return tuple(r for r in self.ratings if r.rated_by == rated_by)

    @property
    def cycles(self) -> tuple[int, ...]:
        return tuple(sorted({r.cycle for r in self.ratings}))


class Rated(Protocol):
    """A rating as any record holds it (``Rating``, an export's ``RatingInfo``)."""

    @property
    def rated_by(self) -> str: ...

    @property
    def note(self) -> str: ...


RatedT = TypeVar("RatedT", bound=Rated)


def for_family(ratings: Iterable[RatedT]) -> tuple[RatedT, ...]:
    """What a family (or anyone but the practitioner) may hold: the parent's own ratings,
    without the practitioner's notes on them. ``ratings`` are frozen dataclasses."""
    return tuple(replace(r, note="") for r in ratings  # type: ignore[type-var]
                 if r.rated_by == "parent")


def check_rater(rated_by: str) -> Rater:
    for known in RATERS:
        if rated_by == known:
            return known
    raise InvalidEdit(f"a rating is the parent's or the practitioner's, not {rated_by!r}")


# -- reading a measures file ----------------------------------------------------------------


def load_measures(path: Path) -> MeasureSet:
    """Read and check a measures file. Any problem raises ``MeasuresError`` (one line)."""
    text = json_file.read_text(path, what="measures file", max_bytes=MAX_MEASURES_BYTES,
                               error=MeasuresError)
    return measures_from_text(text, path.name or str(path))


def measures_from_text(text: str, source: str) -> MeasureSet:
    """Parse strict JSON (no repeated names, no NaN, no 1000-digit numbers) and check it."""
    data = json_file.parse_strict(text, what="measures file", source=source,
                                  error=MeasuresError)
    return measures_from_dict(data, source)


def measures_from_dict(data: object, source: str) -> MeasureSet:
    """Check parsed JSON against the schema and the rules, and build the set."""
    json_file.check_schema(data, SCHEMA_NAME, what="measures file", source=source,
                           error=MeasuresError)
    found = cast(dict[str, Any], data)  # the schema guarantees the shape used below
    items: list[dict[str, Any]] = found["measures"]
    for index, item in enumerate(items):
        problem = _range_problem(item["id"], int(item["min"]), int(item["max"]))
        if problem is not None:
            raise _invalid(source, f"measures[{index}].{problem[0]}", problem[1])
    measures = tuple(_measure(item) for item in items)
    problem = _set_problem(measures)
    if problem is not None:
        raise _invalid(source, *problem)
    return MeasureSet(name=str(found.get("name", "")).strip(), measures=measures)


def measure_by_id(measures: Sequence[Measure], measure_id: str) -> Measure | None:
    return next((m for m in measures if m.id == measure_id), None)


# -- rules ------------------------------------------------------------------------------------


def _measure(item: dict[str, Any]) -> Measure:
    return Measure(
        id=item["id"], name=item["name"].strip(), min=int(item["min"]), max=int(item["max"]),
        family_wording=item["family_wording"].strip(),
        practitioner_wording=item.get("practitioner_wording", "").strip(),
        min_label=item.get("min_label", "").strip(),
        max_label=item.get("max_label", "").strip(),
        when=tuple(w for w in WHEN if w in item["when"]),  # JSON Schema counts 2.0 as 2
    )


def _set_problem(measures: Sequence[Measure]) -> tuple[str, str] | None:
    seen: dict[str, int] = {}
    for index, measure in enumerate(measures):
        where = f"measures[{index}].id"
        if measure.id == HELPING_QUESTION:
            return where, (f"'{HELPING_QUESTION}' is the built-in helping-question scale; "
                           "give this measure another id")
        if measure.id in seen:
            return where, f"id {measure.id!r} is used twice (also measures[{seen[measure.id]}])"
        seen[measure.id] = index
    return None




def _invalid(source: str, path: str, detail: str) -> VigtoolError:
    return json_file.invalid(MeasuresError, "measures file", source, path, detail)

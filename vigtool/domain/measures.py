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
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast, get_args

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vigtool.domain.records import Rating
from vigtool.errors import InvalidEdit, VigtoolError
from vigtool.privacy.files import file_errors
from vigtool.resources import schema_file

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
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_DIGITS = 30
_MAX_DETAIL_CHARS = 200


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
    name = path.name or str(path)
    with file_errors(f"the measures file {name}", "read", error=MeasuresError):
        try:
            info = path.stat()
        except FileNotFoundError:
            raise _error(f"measures file {name} was not found (looked for {path})") from None
        if stat.S_ISDIR(info.st_mode):
            raise _error(f"measures file {name} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _error(f"measures file {name} is not a regular file (it is a pipe or a "
                         "device)")
        if info.st_size > MAX_MEASURES_BYTES:
            raise _error(f"measures file {name} is too big to be a measures file "
                         f"({info.st_size / 1024:.0f} KB; one is a few kilobytes)")
        try:
            text = path.read_text(encoding="utf-8-sig")  # Notepad may add a byte-order mark
        except UnicodeDecodeError as err:
            raise _error(f"measures file {name} is not UTF-8 text (byte {err.start} cannot "
                         "be read)") from None
    return measures_from_text(text, name)


def measures_from_text(text: str, source: str) -> MeasureSet:
    """Parse strict JSON (no repeated names, no NaN, no 1000-digit numbers) and check it."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_reject_constant, parse_int=_whole_number)
    except json.JSONDecodeError as err:
        raise _error(f"measures file {source} is not valid JSON: {err.msg} at line "
                     f"{err.lineno}, column {err.colno}") from None
    except _NotStrictJson as err:
        raise _error(f"measures file {source} is not valid JSON: {err}") from None
    except RecursionError:
        raise _error(f"measures file {source} is not valid: it is nested too deeply") from None
    return measures_from_dict(data, source)


def measures_from_dict(data: object, source: str) -> MeasureSet:
    """Check parsed JSON against the schema and the rules, and build the set."""
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        raise _invalid(source, _json_path(error.absolute_path), _detail(error))
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


@cache
def _validator() -> Any:
    schema = json.loads(schema_file(SCHEMA_NAME).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


class _NotStrictJson(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _NotStrictJson(f"the name {json.dumps(name)} appears twice in one object")
        result[name] = value
    return result


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise _NotStrictJson(f"a number has {len(text.lstrip('-')):,} digits")
    return int(text)


def _reject_constant(name: str) -> Any:
    raise _NotStrictJson(f"{name} is not allowed in JSON")


def _json_path(parts: Iterable[object]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(str(part))}]"
    return path or "the top level"


_KINDS = {"object": "an object", "array": "an array", "string": "a string",
          "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "null": "null"}


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    for name, kind in (("object", dict), ("array", list), ("string", str), ("integer", int),
                       ("number", float)):
        if isinstance(value, kind):
            return name
    return "null"


def _detail(error: Any) -> str:
    """jsonschema's message, but for type errors (whose message repeats the whole value)."""
    if error.validator == "type":
        wanted = error.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_KINDS.get(n, n) for n in names)
        return f"expected {expected}, found {_KINDS[_kind(error.instance)]}"
    if error.validator == "pattern" and error.validator_value == "\\S":
        return "it is empty"
    return str(error.message)


def _invalid(source: str, path: str, detail: str) -> MeasuresError:
    if len(detail) > _MAX_DETAIL_CHARS:
        detail = detail[: _MAX_DETAIL_CHARS - 1] + "…"
    return _error(f"measures file {source} is not valid: at {path}, {detail}")


def _error(message: str) -> MeasuresError:
    return MeasuresError(" ".join(message.splitlines()))  # one line whatever a name holds

"""Codebooks: the sets of codes a practitioner tags moments with.

A codebook is JSON checked in two steps: first against
``schemas/codebook.schema.json`` (closed objects, so a misspelt field is an
error rather than silently ignored), then against the rules JSON Schema cannot
say: group ids, code ids and keys are unique and every code names a group.
Every failure is a ``CodebookError`` whose message is one line naming the file
and the JSON path, e.g. ``at codes[2].colour``. Only a regular file of at most
``MAX_CODEBOOK_BYTES`` is read (a named pipe would wait for ever; a codebook is
a few kilobytes, so a bigger file is the wrong one).

The records are frozen and hold tuples, so one loaded codebook can be shared
by every view and worker thread without copying. No Qt here.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vigtool.errors import CodebookError, NotFound
from vigtool.privacy.files import file_errors
from vigtool.resources import schema_file

DEFAULT_CODEBOOK_ID = "vig-principles"
SCHEMA_NAME = "codebook.schema.json"
BUILTIN_FOLDER = "codebooks"
MAX_CODEBOOK_BYTES = 1024 * 1024
_MAX_DIGITS = 30  # a version number; a longer number is a broken file

# fullmatch() rather than the schema's ^...$: Python's "$" also matches before
# a final newline, so "guiding\n" would pass the schema pattern.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_KEY = re.compile(r"[1-9a-z]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_DETAIL_CHARS = 200


@dataclass(frozen=True, slots=True)
class CodeGroup:
    """A timeline lane. Groups keep the order they have in the codebook."""

    id: str
    label: str
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class Code:
    """One code. ``description`` is for the practitioner; ``parent_wording`` is
    the warm, second-person default caption a parent may see."""

    id: str
    label: str
    group: str
    colour: str
    description: str
    parent_wording: str
    key: str | None = None
    elements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Codebook:
    """A validated codebook. Building one by hand runs the same uniqueness and
    group checks as loading one, so a ``Codebook`` is always consistent."""

    id: str
    name: str
    version: int
    description: str
    groups: tuple[CodeGroup, ...]
    codes: tuple[Code, ...]

    def __post_init__(self) -> None:
        problem = _rule_violation(self.id, self.groups, self.codes)
        if problem is not None:
            raise _invalid(self.id, *problem)

    def code(self, code_id: str) -> Code:
        """The code with this id; ``NotFound`` if the codebook has none."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise NotFound(f"codebook {self.id} has no code '{code_id}'")

    def by_key(self, key: str) -> Code | None:
        """The code tagged by this keyboard key, or None. Letters match in
        either case, so Caps Lock does not stop tagging."""
        wanted = key.lower()
        for code in self.codes:
            if code.key == wanted:
                return code
        return None

    def group(self, group_id: str) -> CodeGroup:
        """The group with this id; ``NotFound`` if the codebook has none."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise NotFound(f"codebook {self.id} has no group '{group_id}'")

    def codes_in_group(self, group_id: str) -> tuple[Code, ...]:
        """The codes drawn in one lane, in codebook order."""
        self.group(group_id)
        return tuple(code for code in self.codes if code.group == group_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data that ``codebook_from_dict`` loads back unchanged
        (e.g. to keep a copy of the codebook in a workspace)."""
        groups: list[dict[str, Any]] = []
        for group in self.groups:
            group_data: dict[str, Any] = {"id": group.id, "label": group.label}
            if group.colour is not None:
                group_data["colour"] = group.colour
            groups.append(group_data)
        codes: list[dict[str, Any]] = []
        for code in self.codes:
            code_data: dict[str, Any] = {
                "id": code.id,
                "label": code.label,
                "group": code.group,
            }
            if code.key is not None:
                code_data["key"] = code.key
            code_data["colour"] = code.colour
            code_data["description"] = code.description
            code_data["parent_wording"] = code.parent_wording
            if code.elements:
                code_data["elements"] = list(code.elements)
            codes.append(code_data)
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "groups": groups,
            "codes": codes,
        }


def load_codebook(path: Path) -> Codebook:
    """Read and check a codebook file. Any problem raises ``CodebookError``."""
    name = path.name or str(path)
    with file_errors(f"the codebook {name}", "read", error=CodebookError):
        try:
            info = path.stat()
        except FileNotFoundError:
            raise _error(f"codebook {name} was not found (looked for {path})") from None
        if stat.S_ISDIR(info.st_mode):
            raise _error(f"codebook {name} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _error(f"codebook {name} is not a regular file (it is a pipe or a device)")
        if info.st_size > MAX_CODEBOOK_BYTES:
            raise _error(f"codebook {name} is too big to be a codebook "
                         f"({info.st_size / 1024 / 1024:.1f} MB; one is a few kilobytes)")
        try:
            # utf-8-sig: Windows Notepad may save UTF-8 with a byte-order mark.
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise _error(
                f"codebook {name} is not UTF-8 text (byte {err.start} cannot be read)"
            ) from None
    return _codebook_from_text(text, name)


def codebook_from_dict(data: object, source: str) -> Codebook:
    """Check already-parsed JSON (e.g. stored in a workspace) and build the
    codebook. ``source`` names it in error messages, like a file name would."""
    validator = _validator()
    error = best_match(validator.iter_errors(data))
    if error is not None:
        raise _invalid(source, _json_path(error.absolute_path), _detail(error))
    # The schema guarantees the shape and types used below.
    book = cast(dict[str, Any], data)
    groups = tuple(
        CodeGroup(id=item["id"], label=item["label"], colour=item.get("colour"))
        for item in book["groups"]
    )
    codes = tuple(
        Code(
            id=item["id"],
            label=item["label"],
            group=item["group"],
            colour=item["colour"],
            description=item["description"],
            parent_wording=item["parent_wording"],
            key=item.get("key"),
            elements=tuple(item.get("elements", ())),
        )
        for item in book["codes"]
    )
    problem = _rule_violation(book["id"], groups, codes)
    if problem is not None:
        raise _invalid(source, *problem)
    return Codebook(
        id=book["id"],
        name=book["name"],
        version=int(book["version"]),  # JSON Schema counts 2.0 as an integer
        description=book["description"],
        groups=groups,
        codes=codes,
    )


@cache
def builtin_codebooks() -> tuple[Codebook, ...]:
    """The codebooks shipped in ``schemas/codebooks/``: the default first,
    then the rest by id. Loaded once per process."""
    books: list[Codebook] = []
    folder = schema_file(BUILTIN_FOLDER)
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            books.append(_codebook_from_text(entry.read_text(encoding="utf-8-sig"), entry.name))
    books.sort(key=lambda book: (book.id != DEFAULT_CODEBOOK_ID, book.id))
    return tuple(books)


def builtin_codebook(codebook_id: str) -> Codebook:
    """One built-in codebook by id; ``NotFound`` names the ones that exist."""
    books = builtin_codebooks()
    for book in books:
        if book.id == codebook_id:
            return book
    known = ", ".join(book.id for book in books)
    raise NotFound(f"there is no built-in codebook '{codebook_id}' (built-in: {known})")


@cache
def _validator() -> Any:
    schema = json.loads(schema_file(SCHEMA_NAME).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


class _NotStrictJson(ValueError):
    pass


def _codebook_from_text(text: str, source: str) -> Codebook:
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
            parse_int=_whole_number,
        )
    except json.JSONDecodeError as err:
        raise _error(
            f"codebook {source} is not valid JSON: {err.msg} "
            f"at line {err.lineno}, column {err.colno}"
        ) from None
    except _NotStrictJson as err:
        raise _error(f"codebook {source} is not valid JSON: {err}") from None
    except RecursionError:
        raise _error(f"codebook {source} is not valid: it is nested too deeply") from None
    return codebook_from_dict(data, source)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal names silently; a codebook edited by
    # hand may well have a pasted field twice, so say so instead.
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


def _rule_violation(
    codebook_id: str, groups: Sequence[CodeGroup], codes: Sequence[Code]
) -> tuple[str, str] | None:
    """The first (path, detail) breaking a rule the schema cannot express, in
    document order, or None."""
    if not _SLUG.fullmatch(codebook_id):
        return "id", f"{codebook_id!r} is not a lower-case-hyphenated id"
    group_at: dict[str, int] = {}
    for index, group in enumerate(groups):
        where = f"groups[{index}]"
        if not _SLUG.fullmatch(group.id):
            return f"{where}.id", f"{group.id!r} is not a lower-case-hyphenated id"
        if group.id in group_at:
            first = group_at[group.id]
            return f"{where}.id", f"group id {group.id!r} is used twice (also groups[{first}])"
        if group.colour is not None and not _COLOUR.fullmatch(group.colour):
            return f"{where}.colour", f"{group.colour!r} is not a colour like '#1a2b3c'"
        group_at[group.id] = index
    code_at: dict[str, int] = {}
    key_at: dict[str, int] = {}
    for index, code in enumerate(codes):
        where = f"codes[{index}]"
        if not _SLUG.fullmatch(code.id):
            return f"{where}.id", f"{code.id!r} is not a lower-case-hyphenated id"
        if code.id in code_at:
            first = code_at[code.id]
            return f"{where}.id", f"code id {code.id!r} is used twice (also codes[{first}])"
        code_at[code.id] = index
        if code.group not in group_at:
            known = ", ".join(repr(group_id) for group_id in group_at)
            return f"{where}.group", f"{code.group!r} is not one of the groups ({known})"
        if not _COLOUR.fullmatch(code.colour):
            return f"{where}.colour", f"{code.colour!r} is not a colour like '#1a2b3c'"
        if code.key is not None:
            if not _KEY.fullmatch(code.key):
                return f"{where}.key", f"{code.key!r} is not a digit 1-9 or a lower-case letter"
            if code.key in key_at:
                other = codes[key_at[code.key]]
                return (
                    f"{where}.key",
                    f"key {code.key!r} of code {code.id!r} is already used by code {other.id!r}",
                )
            key_at[code.key] = index
    return None


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


_JSON_KIND_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "null"


def _detail(error: Any) -> str:
    """jsonschema's message, except for type errors, whose message repeats the
    whole offending value (possibly a whole codebook)."""
    if error.validator == "type":
        wanted = error.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_JSON_KIND_NAMES.get(name, name) for name in names)
        found = _JSON_KIND_NAMES[_json_kind(error.instance)]
        return f"expected {expected}, found {found}"
    return str(error.message)


def _invalid(source: str, path: str, detail: str) -> CodebookError:
    if len(detail) > _MAX_DETAIL_CHARS:
        detail = detail[: _MAX_DETAIL_CHARS - 1] + "…"
    return _error(f"codebook {source} is not valid: at {path}, {detail}")


def _error(message: str) -> CodebookError:
    # One line whatever a file name or a stored value contains.
    return CodebookError(" ".join(message.splitlines()))

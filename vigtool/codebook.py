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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from vigtool import json_file
from vigtool.errors import CodebookError, NotFound, VigtoolError
from vigtool.resources import schema_file

DEFAULT_CODEBOOK_ID = "vig-principles"
SCHEMA_NAME = "codebook.schema.json"
BUILTIN_FOLDER = "codebooks"
MAX_CODEBOOK_BYTES = 1024 * 1024

# fullmatch() rather than the schema's ^...$: Python's "$" also matches before
# a final newline, so "guiding\n" would pass the schema pattern.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_KEY = re.compile(r"[1-9a-z]")


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
    text = json_file.read_text(path, what="codebook", max_bytes=MAX_CODEBOOK_BYTES,
                               error=CodebookError)
    return _codebook_from_text(text, path.name or str(path))


def codebook_from_dict(data: object, source: str) -> Codebook:
    """Check already-parsed JSON (e.g. stored in a workspace) and build the
    codebook. ``source`` names it in error messages, like a file name would."""
    json_file.check_schema(data, SCHEMA_NAME, what="codebook", source=source,
                           error=CodebookError)
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


def _codebook_from_text(text: str, source: str) -> Codebook:
    data = json_file.parse_strict(text, what="codebook", source=source, error=CodebookError)
    return codebook_from_dict(data, source)


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




def _invalid(source: str, path: str, detail: str) -> VigtoolError:
    return json_file.invalid(CodebookError, "codebook", source, path, detail)


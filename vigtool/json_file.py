"""Reading a small JSON file a person wrote (a codebook, a service's measures) safely.

One home for the rules both follow: only a regular file is read (a FIFO
would hang), and only up to a size; the text is UTF-8 (a byte-order mark
allowed: Notepad adds one); the JSON is strict (no name twice in one
object, no NaN, no 1,000-digit numbers, no nesting deep enough to break the
parser); and a schema failure names where it is ("at codes[2].key") in a
plain sentence. Every failure is one line, raised as the caller's error
class with the caller's words for the file ("codebook", "measures file").
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vigtool.errors import VigtoolError
from vigtool.privacy.files import file_errors
from vigtool.resources import schema_file

MAX_DIGITS = 30  # a version or a range end; a longer number is a broken file
_MAX_DETAIL_CHARS = 200
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KIND_NAMES = {"object": "an object", "array": "an array", "string": "a string",
               "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "null": "null"}


def one_line(error: type[VigtoolError], message: str) -> VigtoolError:
    """``error(message)`` on one line, whatever a file name or a stored value holds."""
    return error(" ".join(message.splitlines()))


def read_text(path: Path, *, what: str, max_bytes: int, error: type[VigtoolError]) -> str:
    """The text of the file at ``path`` (``what`` names it: "codebook"), or one line why not."""
    name = path.name or str(path)
    with file_errors(f"the {what} {name}", "read", error=error):
        try:
            info = path.stat()
        except FileNotFoundError:
            raise one_line(error, f"{what} {name} was not found (looked for {path})") from None
        if stat.S_ISDIR(info.st_mode):
            raise one_line(error, f"{what} {name} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise one_line(error, f"{what} {name} is not a regular file (it is a pipe or a "
                           "device)")
        if info.st_size > max_bytes:
            size = (f"{info.st_size / 1024 / 1024:.1f} MB" if info.st_size >= 1024 * 1024
                    else f"{info.st_size / 1024:.0f} KB")
            raise one_line(error, f"{what} {name} is too big to be a {what} ({size}; one is "
                           "a few kilobytes)")
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise one_line(error, f"{what} {name} is not UTF-8 text (byte {err.start} cannot "
                           "be read)") from None


def parse_strict(text: str, *, what: str, source: str, error: type[VigtoolError]) -> Any:
    """Strict JSON from ``text``, or one line naming what is wrong and where."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_reject_constant, parse_int=_whole_number)
    except json.JSONDecodeError as err:
        raise one_line(error, f"{what} {source} is not valid JSON: {err.msg} at line "
                       f"{err.lineno}, column {err.colno}") from None
    except _NotStrictJson as err:
        raise one_line(error, f"{what} {source} is not valid JSON: {err}") from None
    except RecursionError:
        raise one_line(error, f"{what} {source} is not valid: it is nested too deeply") from None


@cache
def validator(schema_name: str) -> Any:
    """The checked Draft 2020-12 validator of one of the packaged schemas."""
    schema = json.loads(schema_file(schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_schema(
    data: object, schema_name: str, *, what: str, source: str, error: type[VigtoolError]
) -> None:
    """Raise one line at the best-matching place ``data`` breaks the schema, if it does."""
    found = best_match(validator(schema_name).iter_errors(data))
    if found is not None:
        raise invalid(error, what, source, json_path(found.absolute_path), _detail(found))


def invalid(error: type[VigtoolError], what: str, source: str, path: str,
            detail: str) -> VigtoolError:
    """"<what> <source> is not valid: at <path>, <detail>", the detail cut to a line."""
    if len(detail) > _MAX_DETAIL_CHARS:
        detail = detail[: _MAX_DETAIL_CHARS - 1] + "…"
    return one_line(error, f"{what} {source} is not valid: at {path}, {detail}")


def json_path(parts: Iterable[object]) -> str:
    """Where in the document: ``codes[2].key``, or "the top level"."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(str(part))}]"
    return path or "the top level"


class _NotStrictJson(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal names silently; a file edited by hand may
    # well have a pasted field twice, so say so instead.
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _NotStrictJson(f"the name {json.dumps(name)} appears twice in one object")
        result[name] = value
    return result


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NotStrictJson(f"a number has {len(text.lstrip('-')):,} digits")
    return int(text)


def _reject_constant(name: str) -> Any:
    raise _NotStrictJson(f"{name} is not allowed in JSON")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    for name, kind in (("object", dict), ("array", list), ("string", str), ("integer", int),
                       ("number", float)):
        if isinstance(value, kind):
            return name
    return "null"


def _detail(error: Any) -> str:
    """jsonschema's message, but for type errors (whose message repeats the whole value)
    and an empty text (a pattern asking for one non-space character)."""
    if error.validator == "type":
        wanted = error.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_KIND_NAMES.get(n, n) for n in names)
        return f"expected {expected}, found {_KIND_NAMES[_kind(error.instance)]}"
    if error.validator == "pattern" and error.validator_value == "\\S":
        return "it is empty"
    return str(error.message)

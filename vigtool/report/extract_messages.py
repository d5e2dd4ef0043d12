"""Collect every translatable parent-facing string (summaries, review screens) into the .pot.

Usage: ``python -m vigtool.report.extract_messages [--check]``. Strings come
from the templates (``_()`` and ``ngettext()`` through Jinja2's i18n
extension) and from this package's Python code (``_()``, ``N_()``,
``gettext()``, ``ngettext()`` with literal arguments). The catalogue has no
creation date and names files without line numbers, so it changes only when
the words do, and ``--check`` (run by the tests) can tell when it is out of
date. Translators copy it to
``locale/<lang>/LC_MESSAGES/vigtool.po`` and compile a ``.mo`` beside it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.ext

from vigtool.report.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"
_SINGULAR_CALLS = {"_", "N_", "gettext"}
_PLURAL_CALLS = {"ngettext"}
_HEADER = (
    '# Words a family or a practitioner reads in a vigtool session summary.\n'
    "# Keep them warm, plain and in the second person; never a deficit word.\n"
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: vigtool\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)


def extract() -> list[Message]:
    """Every message, in order of first appearance (templates, then Python)."""
    found: dict[tuple[str, str | None], Message] = {}
    for place, msgid, plural in [*_from_templates(), *_from_python()]:
        places = found.setdefault((msgid, plural), Message(msgid, plural)).places
        if place not in places:
            places.append(place)
    return list(found.values())


def render_pot(messages: Sequence[Message]) -> str:
    parts = [_HEADER]
    for message in messages:
        lines = [f"#: {place}" for place in message.places]
        if "%(" in message.msgid or (message.plural and "%(" in message.plural):
            lines.append("#, python-format")
        lines.append(f"msgid {_quote(message.msgid)}")
        if message.plural is None:
            lines.append('msgstr ""')
        else:
            lines += [f"msgid_plural {_quote(message.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    pot = render_pot(extract())
    if args == ["--check"]:
        current = POT_FILE.read_text(encoding="utf-8") if POT_FILE.is_file() else ""
        if current != pot:
            sys.stderr.write(
                f"{POT_FILE} is out of date: run python -m vigtool.report.extract_messages\n"
            )
            return 1
        return 0
    if args:
        sys.stderr.write("usage: python -m vigtool.report.extract_messages [--check]\n")
        return 2
    POT_FILE.parent.mkdir(parents=True, exist_ok=True)
    POT_FILE.write_text(pot, encoding="utf-8")
    return 0


def _from_templates() -> Iterator[tuple[str, str, str | None]]:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted(TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        for _line, function, message in jinja2.ext.extract_from_ast(env.parse(source)):
            # Babel style: a call with keyword arguments gives a tuple, None for each.
            strings: tuple[str | None, ...] = (
                message if isinstance(message, tuple) else (message,)
            )
            place = _relative(path)
            singular, plural = strings[0], strings[1] if len(strings) > 1 else None
            if singular is None:
                continue
            yield place, singular, plural if function in _PLURAL_CALLS else None


# Python files outside this package whose parent-facing words are translated too:
# the shared review screens and the review questions.
_OTHER_SOURCES = ("wording.py", "gui/review_*.py")


def _python_sources() -> list[Path]:
    root = PACKAGE.parent
    found = set(PACKAGE.glob("*.py"))
    for pattern in _OTHER_SOURCES:
        found.update(root.glob(pattern))
    return sorted(found)


def _from_python() -> Iterator[tuple[str, str, str | None]]:
    for path in _python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node.func)
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)]
            place = _relative(path)
            if name in _SINGULAR_CALLS and len(literals) == 1 and len(node.args) == 1:
                yield place, literals[0], None
            elif name in _PLURAL_CALLS and len(literals) == 2:
                yield place, literals[0], literals[1]


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parents[1]).as_posix()


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


if __name__ == "__main__":
    raise SystemExit(main())

"""What the command line accepts as numbers, and how an error is kept to one line."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from vigtool.errors import VigtoolError

MAX_FRAME = 10**15  # far past any film: the film itself then says its own range
MAX_CYCLE = 999
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_LONG_RUN = re.compile(r"[^\s:;,]{81,}")
MAX_LINE = 400


def _whole_number(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        shown = text if len(text) <= 20 else f"{text[:17]}..."
        try:
            value = int(text)
        except ValueError:  # also for thousands of digits (Python's int() limit)
            raise argparse.ArgumentTypeError(f"{name} is a whole number from {low:,} to "
                                             f"{high:,}, not {shown!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} is from {low:,} to {high:,}")
        return value

    parse.__name__ = name.replace(" ", "_")
    return parse


frame_number = _whole_number("a frame number", -MAX_FRAME, MAX_FRAME)
cycle_number = _whole_number("a cycle number", 1, MAX_CYCLE)
months = _whole_number("a number of months", 1, 120)


def require_workspace(folder: Path) -> Path:
    """``folder`` if it holds a workspace (a non-empty workspace.db); else one line."""
    db = folder / "workspace.db"
    if not db.is_file() or db.stat().st_size == 0:
        raise VigtoolError(f"{folder} is not a vigtool workspace (no workspace.db); "
                           "open or make one with the app first")
    return folder


def one_line(text: str) -> str:
    """``text`` on one line of readable length: line breaks and control characters
    become spaces, and a very long run (5,000 digits from a broken file) is shortened."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    text = _LONG_RUN.sub(lambda m: f"{m.group(0)[:40]}...({len(m.group(0)):,} characters)", text)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."


def output_path(text: str) -> Path:
    """An output's name may not hold line breaks or control characters."""
    if _CONTROL.search(text):
        raise argparse.ArgumentTypeError(
            "the output's name holds a line break or a control character; choose another name")
    return Path(text)


def not_text(argv: Sequence[str]) -> str | None:
    """Why an argument is not valid text (a non-UTF-8 file name), or None."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            return one_line(f"{shown} is not valid text (UTF-8); rename it and try again")
    return None

"""Export file names: case code, cycle and order, never anything that could name a family.

Moment titles are free text a practitioner types ("Amira laughs") and
original file names come from phones ("Emma_bath.mp4"), so neither is used.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_code(case_code: str) -> str:
    return _UNSAFE.sub("_", case_code).strip("_") or "case"


def clip_name(case_code: str, cycle: int, order: int) -> str:
    return f"{safe_code(case_code)}-c{cycle}-clip{order:02d}.mp4"


def reel_name(case_code: str, cycle: int | None) -> str:
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-highlights.mp4"


def still_name(case_code: str, cycle: int, order: int, ext: str = ".png") -> str:
    return f"{safe_code(case_code)}-c{cycle}-still{order:02d}{ext}"

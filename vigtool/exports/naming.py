"""Every exported file's name: case code, cycle and order, never anything that could name a family.

Moment titles are free text a practitioner types ("Amira laughs") and
original file names come from phones ("Emma_bath.mp4"), so neither is used.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# A readable part that could be read as another case's name plus a suffix this
# module adds: "A-c1" (case "A", cycle 1) or "FAM_1-3fa2c1" (a hashed code).
_AMBIGUOUS = re.compile(r".*-(c\d+|[0-9a-f]{6})", re.IGNORECASE)
_LONGEST = 64  # characters of the code kept, so every name fits a file system's 255


def safe_code(case_code: str) -> str:
    """The case code as it appears in file names: a different name for every code.

    A code of ASCII capitals, digits, ``_`` and ``-`` is kept as it is
    ("FAM-01"). Any other code keeps its readable ASCII part (accents dropped,
    the rest ``_``) and gains six hex digits of the SHA-256 of the exact code,
    so codes that read alike stay apart: "FAM 1" -> "FAM_1-<hash>" next to
    "FAM_1", two non-Latin codes -> "case-<hash>" each, "fam-1" -> "fam-1-<hash>"
    next to "FAM-1" (macOS and Windows do not tell "fam" from "FAM"). A code
    that already looks like such a name, or like another case's name with a
    cycle ("A-c1", as case "A" cycle 1), is hashed too, and so is a code
    longer than 64 characters (its first 64 kept).
    """
    ascii_only = unicodedata.normalize("NFKD", case_code).encode("ascii", "ignore").decode()
    readable = _UNSAFE.sub("_", ascii_only).strip("_").lstrip("-")
    kept = (readable == case_code and 0 < len(readable) <= _LONGEST
            and readable == readable.upper() and not _AMBIGUOUS.fullmatch(readable))
    if kept:
        return readable
    digest = hashlib.sha256(case_code.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{readable[:_LONGEST].rstrip('_-') or 'case'}-{digest}"


def clip_name(case_code: str, cycle: int, order: int) -> str:
    return f"{safe_code(case_code)}-c{cycle}-clip{order:02d}.mp4"


def reel_name(case_code: str, cycle: int | None) -> str:
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-highlights.mp4"


def still_name(case_code: str, cycle: int, order: int, ext: str = ".png") -> str:
    return f"{safe_code(case_code)}-c{cycle}-still{order:02d}{ext}"


def export_folder_name(case_code: str, cycle: int) -> str:
    """The app's default folder for one case and cycle's exports (inside the workspace)."""
    return f"{safe_code(case_code)}-c{cycle}"


def session_folder(out: Path, case_code: str, cycle: int) -> Path:
    """Where "everything for this session" goes: the folder named by case code and cycle
    inside ``out`` (or ``out`` itself when it already has that name)."""
    name = export_folder_name(case_code, cycle)
    return out if out.name == name else out / name


def recording_file_name(recording_id: int, kind: str) -> str:
    """One file per recording for the per-recording formats (ELAN, WebVTT)."""
    return f"recording-{recording_id}.{kind}"


_ONE_FILE = {"csv": "moments", "json": "session", "eaf": "annotations", "vtt": "captions",
             "summary": "summary"}


def file_name(
    case_code: str, cycle: int | None, kind: str, ext: str, *, audience: str = "family"
) -> str:
    """A one-file export: ``FAM-01-c2-moments.csv``, ``FAM-01-c2-summary.pdf``; the
    practitioner's version of the summary is the ``record``."""
    what = "record" if kind == "summary" and audience == "practitioner" else _ONE_FILE[kind]
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-{what}{ext}"


def earlier_exports(
    folder: Path, case_code: str, cycle: int | None, what: str, ext: str
) -> list[Path]:
    """Files in ``folder`` that an export of this case (and cycle) named ``what`` made.

    Exact: case "A" never claims case "A-c1"'s files.
    """
    cycles = str(cycle) if cycle is not None else r"\d+"
    own = re.compile(rf"{re.escape(safe_code(case_code))}-c{cycles}-{what}\d+{re.escape(ext)}")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if own.fullmatch(p.name))

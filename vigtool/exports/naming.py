"""Every exported file's name: case code, cycle and order, never anything that could name a family.

Moment titles are free text a practitioner types ("Amira laughs") and
original file names come from phones ("Emma_bath.mp4"), so neither is used.
An export for anyone but the family (the default) says so at the end of its
name (``FAM-01-c2-clip01-intervision.mp4``, ``FAM-01-c2-moments-practitioner.csv``),
so two audiences' exports never share a name, and one audience's cleanup
never removes another's files. The practitioner's summary is the ``record``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from vigtool.exports.audience import AUDIENCES, DEFAULT_AUDIENCE, Audience, name_suffix

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


def clip_name(case_code: str, cycle: int, order: int,
              audience: Audience = DEFAULT_AUDIENCE) -> str:
    return f"{safe_code(case_code)}-c{cycle}-clip{order:02d}{name_suffix(audience)}.mp4"


def reel_name(case_code: str, cycle: int | None, audience: Audience = DEFAULT_AUDIENCE) -> str:
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-highlights{name_suffix(audience)}.mp4"


def still_name(case_code: str, cycle: int, order: int, ext: str = ".png",
               audience: Audience = DEFAULT_AUDIENCE) -> str:
    return f"{safe_code(case_code)}-c{cycle}-still{order:02d}{name_suffix(audience)}{ext}"


def export_folder_name(case_code: str, cycle: int,
                       audience: Audience = DEFAULT_AUDIENCE) -> str:
    """The folder for one case and cycle's exports (the app's default is the family's,
    inside the workspace); ``FAM-01-c2-intervision`` for another audience."""
    return f"{safe_code(case_code)}-c{cycle}{name_suffix(audience)}"


def session_folder(out: Path, case_code: str, cycle: int,
                   audience: Audience = DEFAULT_AUDIENCE) -> Path:
    """Where "everything for this session" goes: the folder named by case code, cycle
    (and audience) inside ``out``, or ``out`` itself when it already has that name.
    When ``out`` is this case and cycle's folder for another audience, the folder
    goes beside it, never inside it: a folder handed to the family must not hold
    the practitioner's record."""
    name = export_folder_name(case_code, cycle, audience)
    if out.name == name:
        return out
    if out.name in {export_folder_name(case_code, cycle, other) for other in AUDIENCES}:
        return out.parent / name
    return out / name


FAMILY_PAGE = "index.html"  # the family's copy opens from this page
_FAMILY_COPY = "family-copy"


def family_copy_folder_name(case_code: str, cycle: int | None) -> str:
    """The folder of the family's own copy: ``FAM-01-c2-family-copy`` for one cycle,
    ``FAM-01-family-copy`` for every cycle of the case."""
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-{_FAMILY_COPY}"


def family_copy_folder(out: Path, case_code: str, cycle: int | None) -> Path:
    """Where the family's own copy goes: its named folder inside ``out``, or ``out``
    itself when it already has that name (like ``session_folder``)."""
    name = family_copy_folder_name(case_code, cycle)
    return out if out.name == name else out / name


def family_copy_files(folder: Path, case_code: str, cycle: int | None) -> list[Path]:
    """The page, clips and stills an earlier family's copy of this case (and cycle)
    left in ``folder``: what a new one there replaces or removes. Exact, like
    ``earlier_exports``: never another case's files, never anything else there."""
    page = folder / FAMILY_PAGE
    return [*([page] if page.is_file() else []),
            *earlier_exports(folder, case_code, cycle, "clip", ".mp4"),
            *earlier_exports(folder, case_code, cycle, "still", ".jpg")]


def recording_file_name(recording_id: int, kind: str,
                        audience: Audience = DEFAULT_AUDIENCE) -> str:
    """One file per recording for the per-recording formats (ELAN, WebVTT)."""
    return f"recording-{recording_id}{name_suffix(audience)}.{kind}"


def recording_files(folder: Path, kind: str, audience: Audience = DEFAULT_AUDIENCE
                    ) -> list[Path]:
    """The per-recording files of ``kind`` for ``audience`` in ``folder`` (those an export
    there would replace)."""
    own = re.compile(rf"recording-\d+{re.escape(name_suffix(audience))}\.{re.escape(kind)}")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if own.fullmatch(p.name))


_ONE_FILE = {"csv": "moments", "json": "session", "eaf": "annotations", "vtt": "captions",
             "summary": "summary", "ending": "ending"}


def file_name(
    case_code: str, cycle: int | None, kind: str, ext: str, *,
    audience: Audience = DEFAULT_AUDIENCE,
) -> str:
    """A one-file export: ``FAM-01-c2-moments.csv``, ``FAM-01-c2-summary.pdf``,
    ``FAM-01-c2-moments-practitioner.csv``; the practitioner's summary is the
    ``record`` (``FAM-01-c2-record.pdf``). The ending has no cycle: ``FAM-01-ending.pdf``,
    ``FAM-01-ending-practitioner.pdf``."""
    record = kind == "summary" and audience == "practitioner"
    what = "record" if record else _ONE_FILE[kind] + name_suffix(audience)
    suffix = f"-c{cycle}" if cycle is not None else ""
    return f"{safe_code(case_code)}{suffix}-{what}{ext}"


def earlier_exports(
    folder: Path, case_code: str, cycle: int | None, what: str, ext: str,
    audience: Audience = DEFAULT_AUDIENCE,
) -> list[Path]:
    """Files in ``folder`` that an export of this case (and cycle) for ``audience``
    named ``what`` made.

    Exact: case "A" never claims case "A-c1"'s files, the family's export never
    claims the practitioner's.
    """
    cycles = str(cycle) if cycle is not None else r"\d+"
    own = re.compile(rf"{re.escape(safe_code(case_code))}-c{cycles}-{what}\d+"
                     rf"{re.escape(name_suffix(audience))}{re.escape(ext)}")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if own.fullmatch(p.name))


_KINDS = (r"(clip\d+|still\d+|highlights|moments|session|annotations|captions|summary|record"
          r"|ending)")


def case_exports(folder: Path, case_code: str) -> list[Path]:
    """Every file and case-and-cycle folder directly in ``folder`` that an export of this
    case made, for any cycle and audience (what a purge removes from the workspace's
    exports/ folder). Exact like ``earlier_exports``: never another case's."""
    code = re.escape(safe_code(case_code))
    audiences = "|".join(re.escape(name_suffix(a)) for a in AUDIENCES if name_suffix(a))
    own_file = re.compile(rf"{code}(-c\d+)?-{_KINDS}({audiences})?\.\w+")
    own_folder = re.compile(rf"{code}(-c\d+({audiences})?|(-c\d+)?-{_FAMILY_COPY})")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if (p.is_dir() and own_folder.fullmatch(p.name))
                  or (not p.is_dir() and own_file.fullmatch(p.name)))

"""The ``.vigpack`` file: a ZIP with its manifest first, encrypted as an age file.

Why age (age-encryption.org/v1) through pyrage: a published, small, audited
format (the passphrase goes through scrypt; the file key through
ChaCha20-Poly1305 in 64 KiB chunks, with a MAC over the header), which the
standard ``age`` tool also opens, kept by a maintained library. No crypto is
written here. The age header holds only the scrypt salt and work factor, so
without the passphrase nothing about the family can be read: not the case
code, not a note, not a file name (those live in the ZIP, inside).

A wrong passphrase and a changed byte anywhere (header, middle, a cut-off
end) both fail age's authentication; either way the same one line says so
and nothing is imported. pyrage works on bytes in memory, which suits a
cycle's chosen clips (tens of MB); a package over ``MAX_PACKAGE_BYTES`` is
refused with one line.
"""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, cast

import pyrage
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vigtool.errors import VigtoolError
from vigtool.packages.manifest import FORMAT, Manifest
from vigtool.privacy.files import file_errors
from vigtool.resources import schema_file

SUFFIX = ".vigpack"
MANIFEST = "manifest.json"
SUMMARY = "summary.html"
SCHEMA_NAME = "package-manifest.schema.json"
MIN_PASSPHRASE = 10
MAX_PACKAGE_BYTES = 1024**3  # held in memory about three times while opening: a laptop copes
_AGE_MAGIC = b"age-encryption.org/"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # no time of making inside, either
UNREADABLE = ("this package could not be opened: the passphrase is wrong or the file has "
              "been changed; nothing was imported")


class PackageError(VigtoolError):
    """A package cannot be made or opened; ``str(err)`` is the one line to show."""


# -- the passphrase --------------------------------------------------------------------------

def new_passphrase(passphrase: str) -> str:
    """The passphrase to make a package with, or one line saying why it will not do."""
    key = _normal(passphrase)
    if any(c in key for c in "\r\n"):
        raise PackageError("a passphrase is one line")
    if len(key) < MIN_PASSPHRASE:
        raise PackageError(f"a passphrase is at least {MIN_PASSPHRASE} characters "
                           "(a few words are easy to say and hard to guess)")
    return key


def _normal(passphrase: str) -> str:
    """The same passphrase typed on any system (composed accents) gives the same key."""
    return unicodedata.normalize("NFC", passphrase)


# -- sealing and opening ---------------------------------------------------------------------

def seal(manifest: Manifest, members: list[tuple[str, bytes]], passphrase: str) -> bytes:
    """The encrypted package: ``manifest.json`` first, then ``members`` (name, bytes).

    Video and pictures are stored as they are (already compressed); JSON and HTML
    are deflated. The manifest is checked against the schema first."""
    validate_manifest(manifest, making=True)
    size = sum(len(data) for _, data in members)
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(f"the package would hold {size / 1024**3:.1f} GB, more than the "
                           f"{MAX_PACKAGE_BYTES // 1024**3} GB a package can: choose fewer or "
                           "shorter moments")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        for name, data in [(MANIFEST, text), *members]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o600 << 16
            packed = name.endswith((".json", ".html"))
            info.compress_type = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
            archive.writestr(info, data)
    return bytes(pyrage.passphrase.encrypt(buffer.getvalue(), new_passphrase(passphrase)))


@dataclass(frozen=True)
class Opened:
    """A package decrypted and checked: its manifest and the files it lists."""

    manifest: Manifest
    files: dict[str, bytes]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def package_id(self) -> str:
        return self.manifest["id"]

    @property
    def sender(self) -> str:
        return self.manifest["from"]


def read_package_bytes(path: Path) -> bytes:
    """The bytes of the package file at ``path`` (one line if it cannot be read)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise PackageError(f"{_line(path)}: no such file")
    if not path.is_file():
        raise PackageError(f"{_line(path)} is not a file (a package is one .vigpack file)")
    with file_errors(path, "read"):
        size = path.stat().st_size
        if size == 0:
            raise PackageError(f"{_line(path)} is empty (0 bytes)")
        if size > MAX_PACKAGE_BYTES + 1024**2:
            raise PackageError(f"{_line(path)} is too large to be a supervision package")
        return path.read_bytes()


def _line(path: Path) -> str:
    return " ".join(str(path).splitlines())


def unseal(data: bytes, passphrase: str) -> Opened:
    """Decrypt and check a package; ``PackageError`` (one line) if it is not whole and ours.

    Nothing is written anywhere: the caller writes only after this returned."""
    if not data.startswith(_AGE_MAGIC) and not data.startswith(b"-----BEGIN AGE"):
        raise PackageError("this file is not a supervision package (.vigpack); nothing was "
                           "imported")
    try:
        plain = bytes(pyrage.passphrase.decrypt(data, _normal(passphrase)))
    except (pyrage.DecryptError, ValueError):
        raise PackageError(UNREADABLE) from None
    foreign = PackageError("this file opened with the passphrase but was not made by vigtool "
                           "(no manifest); nothing was imported")
    try:
        archive = zipfile.ZipFile(io.BytesIO(plain))
    except zipfile.BadZipFile:
        raise foreign from None
    with archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        if not names or names[0] != MANIFEST or len(set(names)) != len(names):
            raise foreign
        if sum(i.file_size for i in infos) > MAX_PACKAGE_BYTES:
            raise PackageError("this package unpacks to more than a package may hold; "
                               "nothing was imported")
        try:
            files = {i.filename: archive.read(i) for i in infos}
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            raise PackageError(f"this package is damaged inside ({exc}); nothing was "
                               "imported") from None
    manifest = _parse(files.pop(MANIFEST))
    listed = _listed_files(manifest)
    if set(files) != set(listed):
        raise PackageError("this package's files do not match its manifest; nothing was "
                           "imported")
    return Opened(manifest, files)


def read_manifest(path: Path | str, passphrase: str) -> Manifest:
    """The checked manifest of the package at ``path``, importing nothing."""
    return unseal(read_package_bytes(Path(path)), passphrase).manifest


def _listed_files(manifest: Manifest) -> list[str]:
    names = [c["file"] for c in manifest["clips"]] + [s["file"] for s in manifest["stills"]]
    if manifest["summary"] is not None:
        names.append(manifest["summary"]["file"])
    return names


# -- the manifest ----------------------------------------------------------------------------

def _parse(raw: bytes) -> Manifest:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("a name appears twice in one object")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")

    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates,
                          parse_constant=no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageError(f"this package's manifest is not valid JSON ({exc}); nothing was "
                           "imported") from None
    validate_manifest(data)
    return cast(Manifest, data)


def validate_manifest(data: Any, *, making: bool = False) -> None:
    """Raise PackageError (one line naming the JSON path) unless ``data`` is a valid
    manifest: against the schema, then the rules a schema cannot say."""
    error = best_match(_validator().iter_errors(data))
    if error is None:
        error_text = _cross_check(data)
    else:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                        for p in error.absolute_path).lstrip(".") or "the top"
        message = " ".join(str(error.message).split())
        error_text = f"{where}: {message[:200]}"
    if error_text is None:
        return
    if making:
        raise PackageError(f"the package's manifest would not be valid ({error_text}); "
                           "nothing was written")
    if isinstance(data, dict) and data.get("format") != FORMAT:
        raise PackageError("this file opened with the passphrase but is not a vigtool package; "
                           "nothing was imported")
    raise PackageError(f"this package's manifest is not valid at {error_text}; nothing was "
                       "imported")


def _cross_check(m: Manifest) -> str | None:
    """What the schema cannot say: spans run forward, clips and stills lie in their film,
    files and ids are not listed twice."""
    films = {r["sha256"]: r for r in m["recordings"]}
    if len(films) != len(m["recordings"]):
        return "recordings: a film is listed twice"
    spans = [("clips", c) for c in m["clips"]] + [("moments", x) for x in m["moments"]] + [
        ("comments", c) for c in m["comments"]] + [("codes", x) for x in m["codes"]]
    for key, item in spans:
        if item["end_frame"] < item["start_frame"]:
            return f"{key}: a span ends before it starts"
    placed = [(c["file"], c["recording"], c["end_frame"]) for c in m["clips"]] + [
        (s["file"], s["recording"], s["frame"]) for s in m["stills"]]
    for name, sha, last in placed:
        film = films.get(sha)
        if film is None or last >= film["frame_count"]:
            return f"{name} is not inside a film the package lists"
    files = [c["file"] for c in m["clips"]] + [s["file"] for s in m["stills"]]
    if len(set(files)) != len(files):
        return "a file is listed twice"
    ids = [x["id"] for x in m["moments"]] + [x["id"] for x in m["codes"]]
    if len(set(ids)) != len(ids):
        return "moments: an id is listed twice"
    if any(not c["text"].strip() for c in m["comments"]):
        return "comments: a comment has no words"
    uids = [c["uid"] for c in m["comments"]]
    if len(set(uids)) != len(uids):
        return "comments: a uid is listed twice"
    return None


@cache
def _validator() -> Any:
    schema = json.loads(schema_file(SCHEMA_NAME).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def suggested_name(kind: str, today: date | None = None) -> str:
    """A name for a new package file that tells nobody whose it is (no case code)."""
    day = (today or date.today()).isoformat()
    return f"supervision-comments-{day}{SUFFIX}" if kind == "comments" else (
        f"supervision-{day}{SUFFIX}")

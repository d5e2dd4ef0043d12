"""Open a media file with PyAV and turn every way it can fail into one clear line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.container

from vigtool.errors import MediaError

# First bytes of files that are plainly not videos, so a renamed photo gets a useful
# message (FFmpeg would happily open a PNG as a one-frame "video").
_NOT_VIDEO_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"BM": "a BMP image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
}
_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


def check_readable_file(path: Path) -> None:
    """Raise MediaError unless ``path`` is a non-empty regular file we may read."""
    name = path.name or str(path)
    if not path.exists():
        if path.is_symlink():  # a link to a file that was moved, or to itself
            raise MediaError(f"{path} is a symbolic link to a file that is not there")
        raise MediaError(f"{path}: no such file")
    if path.is_dir():
        raise MediaError(f"{path} is a folder, not a video file")
    if not path.is_file():
        raise MediaError(f"{path} is not a regular file")
    if not os.access(path, os.R_OK):
        raise MediaError(f"{name}: permission denied")
    if path.stat().st_size == 0:
        raise MediaError(f"{name} is empty (0 bytes)")


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(512)


def _image_or_document(head: bytes) -> str | None:
    for magic, what in _NOT_VIDEO_MAGIC.items():
        if head.startswith(magic):
            return what
    if head[4:12] == b"ftypheic" or head[4:12] == b"ftypavif":
        return "a still photo (HEIC/AVIF)"
    return None


def _text(head: bytes) -> str | None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "a text file"
    return None


def _looks_like_video_container(head: bytes) -> bool:
    """MP4/MOV, Matroska/WebM, AVI, MPEG-TS or MPEG-PS by their first bytes."""
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")
        or head.startswith((b"\x1a\x45\xdf\xa3", b"\x00\x00\x01\xba"))
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or (len(head) > 188 and head[0] == 0x47 and head[188] == 0x47)
    )


@contextmanager
def open_video(path: Path) -> Iterator[av.container.InputContainer]:
    """Open ``path`` for reading; raise MediaError (one line) if it is not a readable video."""
    check_readable_file(path)
    head = _head(path)
    what = _image_or_document(head)
    if what:
        raise MediaError(f"{path.name} is {what}, not a video")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        if _looks_like_video_container(head):
            raise MediaError(
                f"{path.name} is damaged or incomplete (was a copy interrupted?): "
                f"{_short(exc)}"
            ) from exc
        what = _text(head)
        if what:
            raise MediaError(f"{path.name} is {what}, not a video") from exc
        raise MediaError(
            f"{path.name} is not a video file vigtool can read ({_short(exc)})"
        ) from exc
    try:
        if not container.streams.video:
            kind = "an audio-only file" if container.streams.audio else "a file with no video"
            raise MediaError(f"{path.name} is {kind}; it has no picture to show")
        yield container
    finally:
        container.close()


def _short(exc: BaseException) -> str:
    """FFmpeg's reason in plain words: no errno, no repeated path, lower case."""
    if isinstance(exc, av.FFmpegError) and exc.strerror:
        text = str(exc.strerror)
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        text = _ERRNO_PREFIX.sub("", text).split(": '")[0]
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]

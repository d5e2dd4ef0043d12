"""Open a media file with PyAV and turn every way it can fail into one clear line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.container

from vigtool.errors import MediaError

# A few bytes that name still images and text, so a renamed photo gets a useful message.
_IMAGE_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
}


def check_readable_file(path: Path) -> None:
    """Raise MediaError unless ``path`` is a non-empty regular file we may read."""
    name = path.name or str(path)
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    if path.is_dir():
        raise MediaError(f"{path} is a folder, not a video file")
    if not path.is_file():
        raise MediaError(f"{path} is not a regular file")
    if not os.access(path, os.R_OK):
        raise MediaError(f"{name}: permission denied")
    if path.stat().st_size == 0:
        raise MediaError(f"{name} is empty (0 bytes)")


def describe_non_video(path: Path) -> str | None:
    """If the file is plainly not a video (an image, text), say what it is."""
    with path.open("rb") as f:
        head = f.read(512)
    for magic, what in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            return what
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "a text file"
    return None


@contextmanager
def open_video(path: Path) -> Iterator[av.container.InputContainer]:
    """Open ``path`` for reading; raise MediaError (one line) if it is not a readable video."""
    check_readable_file(path)
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        what = describe_non_video(path)
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
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # PyAV repeats the path in its messages; keep the part after it.
    return text.split(": '")[0].strip()

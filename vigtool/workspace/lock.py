"""One writer per workspace: an operating-system lock on ``workspace.lock``.

Two programs editing one workspace lose work: each keeps its own undo
history, and undoing in one writes old rows over the other's later edits.
So whoever opens a workspace for writing holds an exclusive lock on the
file ``workspace.lock`` in it until they close it. The lock belongs to the
open file, not to the file's contents: when a process ends, however it ends
(a crash, a kill, a power cut), the system lets go of it, so it can never be
left stuck. The file's text only says who holds it, for the message others see.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from datetime import datetime
from pathlib import Path

from vigtool.errors import WorkspaceBusy
from vigtool.privacy.files import PRIVATE_FILE_MODE

LOCK_NAME = "workspace.lock"
_POLL_S = 0.1
_program = ""


def set_program(name: str) -> None:
    """Say what this process is ("the vigtool app", "vigtool export"), for others' messages."""
    global _program
    _program = name


def _this_program() -> str:
    if _program:
        return _program
    script = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return f"a Python script ({script})" if script and script != "-c" else "a Python script"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


class WorkspaceLock:
    """The writer's lock on one workspace folder; ``release()`` (or exit) lets it go."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, root: Path, *, wait: float = 0.0) -> WorkspaceLock:
        """Take the lock, waiting up to ``wait`` seconds for another holder to let go.

        Raises WorkspaceBusy (one line naming who holds it) when it stays taken.
        """
        path = root / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        deadline = time.monotonic() + max(wait, 0.0)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = describe_holder(path)
                os.close(fd)
                raise WorkspaceBusy(
                    f"{root} is already open in {holder}; close it there first, or open it "
                    "read-only to look without changing anything"
                )
            time.sleep(_POLL_S)
        lock = cls(path, fd)
        lock._say_who()
        return lock

    def _say_who(self) -> None:
        assert self._fd is not None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "program": _this_program(),
                "since": datetime.now().astimezone().isoformat(timespec="seconds")}
        data = json.dumps(info).encode()
        with contextlib.suppress(OSError):  # the lock holds even if the note cannot be written
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        """Let go of the lock (the holder note stays; it means nothing without the lock)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _unlock(fd)
        os.close(fd)


def describe_holder(path: Path) -> str:
    """Who holds the lock at ``path``, in a few words, from the note they left."""
    try:
        info = json.loads(path.read_bytes()[:4096].decode("utf-8", "replace"))
        program = " ".join(str(info["program"]).split())[:80]
        pid = int(info["pid"])
        since = datetime.fromisoformat(str(info["since"]))
        host = str(info.get("host", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return "another vigtool window or script"
    where = "" if host in ("", socket.gethostname()) else f" on {host[:60]}"
    day = "" if since.date() == datetime.now().date() else f" {since:%d %b}"
    return f"{program} (process {pid}{where}, open since{day} {since:%H:%M})"

"""What the kill tests share: children that import or export until killed, the killing,
and the checks made after each kill.

A child opens the workspace with ``Workspace.open`` (so it is the one writer),
prints ``ready {}``, then works in a loop, printing one line per step the
moment it happens: ``intent {...}`` before each call, ``p {...}`` for each
progress report, ``ack {...}`` once the call has returned. The parent reads
those lines as they come and SIGKILLs the child at a random instant chosen
relative to them (a ``Trigger``), so a kill can be aimed early in an import or
export (before anything is copied or written), in the middle, or late (after
the last byte, while the file is renamed into place and the database and
audit log are written).

Run a child with ``python -m tests.core.kill_children imports|exports ...``.
"""

from __future__ import annotations

import csv
import json
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigtool.privacy.files import TEMP_PREFIX

if TYPE_CHECKING:
    from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
PAD_BYTES = 12 * 1024 * 1024  # each imported film is this much bigger: a copy takes a while
_MAX_WAIT_S = 20.0  # a trigger that never fires kills the child after this long

Line = Callable[[str], bool]


def say(tag: str, payload: dict[str, Any] | None = None) -> None:
    sys.stdout.write(f"{tag} {json.dumps(payload or {}, sort_keys=True)}\n")
    sys.stdout.flush()


def parse(line: str) -> tuple[str, dict[str, Any]]:
    tag, _, payload = line.partition(" ")
    return tag, json.loads(payload) if payload else {}


# -- children ----------------------------------------------------------------------------


def unique_film(base: Path, out: Path, tag: str) -> Path:
    """``base`` with a ``free`` box of ``PAD_BYTES`` after it: a valid MP4, unique by ``tag``
    (the workspace refuses the same bytes twice) and big enough that copying it takes time."""
    payload = tag.encode() + bytes(PAD_BYTES)
    with out.open("wb") as f:
        f.write(base.read_bytes())
        f.write((8 + len(payload)).to_bytes(4, "big") + b"free" + payload)
    return out


def import_child(root: str, case_id: str, base: str, camera: str, seed: str) -> None:
    """Import one new film after another into case ``case_id``, acknowledging each."""
    from vigtool.workspace import Workspace

    ws = Workspace.open(root)
    say("ready")
    step = 0
    while True:
        step += 1
        film = unique_film(Path(base), Path(camera) / f"film-{seed}-{step}.mp4", f"{seed}-{step}")
        say("intent", {"name": film.name})
        stage = ["hash"]

        def progress(done: int, total: int, stage: list[str] = stage) -> None:
            say("p", {"stage": stage[0], "done": done, "total": total})
            if done >= total:
                stage[0] = "copy" if stage[0] == "hash" else "after"

        recording = ws.import_recording(int(case_id), path=film, progress=progress)
        say("ack", {"id": recording.id, "sha": recording.sha256, "path": recording.path})


def export_child(root: str, case_id: str, kind: str, out: str, folder: str, rounds: str) -> None:
    """Export ``kind`` of cycle 1 to ``out`` again and again (``rounds`` times, or until killed,
    with 0), acknowledging each with what the output ``folder`` then holds."""
    from vigtool.exports.request import ExportRequest, run_export
    from vigtool.workspace import Workspace

    pdf_writer = None
    if kind == "session":
        from vigtool.gui.pdf import html_to_pdf

        pdf_writer = html_to_pdf
    ws = Workspace.open(root)
    say("ready")
    request = ExportRequest(kind, int(case_id), 1, Path(out))  # type: ignore[arg-type]
    done = 0
    while not int(rounds) or done < int(rounds):
        say("intent", {"kind": kind})

        def progress(part: int, total: int) -> None:
            say("p", {"done": part, "total": total})

        written = run_export(ws, request, pdf_writer=pdf_writer, progress=progress)
        done += 1
        say("ack", {"files": sorted(p.name for p in written), "tree": tree(Path(folder))})
    ws.close()


# -- killing -----------------------------------------------------------------------------


@dataclass
class Trigger:
    """Kill ``delay_s`` after the child has printed lines matching ``steps`` in turn
    (after it started, with no steps). ``fired`` names the step that set the clock."""

    steps: Sequence[Line]
    delay_s: float
    fired: str = ""
    _next: int = 0

    def feed(self, line: str) -> bool:
        """Take one line; True when this line starts the clock."""
        if self._next < len(self.steps) and self.steps[self._next](line):
            self._next += 1
            if self._next == len(self.steps):
                self.fired = line.partition(" ")[0]
                return True
        return False


@dataclass
class Session:
    lines: list[str]
    returncode: int
    stderr: str
    killed_before_ready: bool


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_and_kill(argv: Sequence[str], trigger: Trigger, stderr_file: Path) -> Session:
    """Run one child; SIGKILL it as ``trigger`` says. Every complete line it printed counts."""
    with stderr_file.open("wb") as err:
        child = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=err,
                                 env=child_env(), cwd=ROOT, bufsize=0)
    assert child.stdout is not None
    fd = child.stdout.fileno()
    buffer = b""
    seen = 0
    started = time.monotonic()
    deadline = started + (trigger.delay_s if not trigger.steps else _MAX_WAIT_S)
    ready = False
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not sel.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break  # the child ended by itself: the caller reports it
            buffer += chunk
            *complete, _ = buffer.split(b"\n")
            for raw in complete[seen:]:
                line = raw.decode("utf-8")
                ready = ready or line == "ready {}"
                if trigger.feed(line):
                    deadline = time.monotonic() + trigger.delay_s
            seen = len(complete)
    child.send_signal(signal.SIGKILL)
    while chunk := os.read(fd, 65536):  # acks printed before the kill still count
        buffer += chunk
    child.stdout.close()
    returncode = child.wait(timeout=30)
    lines = buffer.decode("utf-8").split("\n")[:-1]  # drop a torn last line
    return Session(lines, returncode, stderr_file.read_text(encoding="utf-8", errors="replace"),
                   killed_before_ready=not ready)


def is_tag(tag: str) -> Line:
    return lambda line: line.startswith(tag + " ")


def progress_where(test: Callable[[dict[str, Any]], bool]) -> Line:
    """A progress line whose payload passes ``test``."""
    return lambda line: line.startswith("p ") and test(json.loads(line[2:]))


# -- checks ------------------------------------------------------------------------------


def check_database(db: Path) -> None:
    """The database is intact (read with plain sqlite3, read-only)."""
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], db
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], db
    finally:
        conn.close()


def reopen(root: Path, kill: int) -> Workspace:
    """The workspace, opened as its writer right after kill ``kill`` (this runs the sweep).

    The killed child's lock went with it, so WorkspaceBusy here is a defect."""
    from vigtool.errors import WorkspaceBusy
    from vigtool.workspace import Workspace

    try:
        return Workspace.open(root)
    except WorkspaceBusy as exc:
        raise AssertionError(f"kill {kill}: the workspace is still busy right after the "
                             f"kill: {exc}") from exc


def partials(folder: Path) -> list[Path]:
    """Every ``.vigtool-partial-*`` file or folder under ``folder`` (not those inside one)."""
    found = sorted(folder.rglob(f"{TEMP_PREFIX}*"))
    return [p for p in found if not any(q in p.parents for q in found)]


def tree(folder: Path) -> dict[str, list[int]]:
    """What ``folder`` holds, hidden files too: path -> [inode, size, mtime_ns]."""
    found: dict[str, list[int]] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if path.is_file():
            found[path.relative_to(folder).as_posix()] = [info.st_ino, info.st_size,
                                                          info.st_mtime_ns]
    return found


def visible_files(folder: Path) -> list[Path]:
    """The files a person would see in ``folder`` (nothing hidden, nothing in a hidden folder)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(folder).parts))


def incomplete(path: Path) -> str | None:
    """Why ``path`` is not a whole file of its kind, or None if it is."""
    try:
        if path.suffix == ".mp4":
            import av

            with av.open(str(path)) as container:
                frames = sum(1 for _ in container.decode(video=0))
            return None if frames else "no frames"
        if path.suffix == ".png":
            from PIL import Image

            with Image.open(path) as image:
                image.load()
            return None
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f, strict=True))
            return None if rows and rows[0][:2] == ["case", "cycle"] and len(rows) > 1 \
                else f"{len(rows)} rows"
        if path.suffix == ".pdf":
            data = path.read_bytes()
            return None if data.startswith(b"%PDF-") and b"%%EOF" in data[-64:] else "cut short"
    except Exception as exc:  # any failure to read it is the finding
        return f"{type(exc).__name__}: {exc}"
    return f"unexpected file {path.name}"


@dataclass
class Tally:
    """The counts a kill test reports (and the lead quotes)."""

    name: str
    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def problem(self, kill: int, text: str) -> None:
        self.problems.append(f"kill {kill}: {text}")

    def report(self) -> str:
        """One line on stdout (seen with ``pytest -s``) and the same as JSON in the temp folder."""
        counts = {"kills": self.kills, "acknowledged": self.acknowledged, "lost": self.lost,
                  "problems": len(self.problems), **self.extra}
        line = f"kill test ({self.name}): " + ", ".join(f"{k} {v}" for k, v in counts.items())
        sys.stdout.write(f"\n{line}\n")
        folder = Path(tempfile.gettempdir()) / "vigtool-kill-summary"
        folder.mkdir(exist_ok=True)
        (folder / f"{self.name}.json").write_text(
            json.dumps({**counts, "problem_list": self.problems[:50]}, indent=1),
            encoding="utf-8")
        return line


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "imports":
        import_child(*args)
    else:
        export_child(*args)

"""No network use anywhere: the whole command line, run with sockets disabled.

Each command runs as its own process with a ``sitecustomize.py`` on PYTHONPATH
that Python loads before anything else. It replaces ``socket.socket`` (for
AF_INET and AF_INET6), ``socket.create_connection``, ``getaddrinfo`` and the
host-name lookups with functions that write the attempt to a record file and
raise. A realistic session (build the demo, probe, suggest, a frame, a cut, every kind
of export, the ELAN file imported back, consent, cases, retention, the audit log
saved, a purge) must exit 0 every time with nothing in
the record; and every process must show that it loaded the guard, so a guard
that silently failed to load cannot pass the test. A deliberate
``urllib.request.urlopen`` proves the guard records what it refuses.

Local sockets (AF_UNIX, socketpair) stay allowed: they are not the network.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, make_video

ROOT = Path(__file__).resolve().parents[2]
CASE = "DEMO-01"

GUARD = '''\
"""Loaded by Python at start-up (sitecustomize): no network for this process."""
import os
import socket
import sys

_RECORD = os.environ["VIGTOOL_NETWORK_RECORD"]
_WHO = " ".join(sys.argv)[:120] or "python"


def _record(what):
    with open(_RECORD, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {what}\\n")
    return OSError(f"network use is disabled in this test ({what})")


class _GuardedSocket(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        network = (socket.AF_INET, socket.AF_INET6)
        if fileno is None and (family == -1 or family in network):
            raise _record(f"socket({family!r}, {type!r})")
        super().__init__(family, type, proto, fileno)


def _refusing(name):
    def refuse(*args, **kwargs):
        raise _record(f"{name}{args[:2]!r}")
    return refuse


socket.socket = _GuardedSocket
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr"):
    setattr(socket, _name, _refusing(_name))
with open(os.environ["VIGTOOL_NETWORK_LOADED"], "a", encoding="utf-8") as _f:
    _f.write(f"{os.getpid()}\\n")
'''


class Guarded:
    """Runs Python processes with the guard loaded; says what they tried."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.guard = folder / "guard"
        self.guard.mkdir()
        (self.guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        self.record = folder / "network-attempts.txt"
        self.loaded = folder / "guard-loaded.txt"
        self.started = 0

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(filter(None, [str(self.guard), str(ROOT),
                                             os.environ.get("PYTHONPATH")]))
        home = self.folder / "home"
        return {**os.environ, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen",
                "VIGTOOL_NETWORK_RECORD": str(self.record),
                "VIGTOOL_NETWORK_LOADED": str(self.loaded),
                "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
                "XDG_CACHE_HOME": str(home / "cache")}

    def python(self, args: Sequence[str | Path]) -> subprocess.CompletedProcess[str]:
        self.started += 1
        return subprocess.run([sys.executable, *map(str, args)], cwd=self.folder,
                              env=self.env(), capture_output=True, text=True, timeout=300,
                              check=False)

    def vigtool(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return self.python(["-m", "vigtool.cli", *args])

    def attempts(self) -> list[str]:
        return self.record.read_text(encoding="utf-8").splitlines() if self.record.exists() \
            else []

    def processes_guarded(self) -> int:
        return len(self.loaded.read_text(encoding="utf-8").splitlines())


def test_the_guard_records_and_refuses_a_connection(tmp_path: Path) -> None:
    guarded = Guarded(tmp_path)
    run = guarded.python(["-c", "import urllib.request; "
                                "urllib.request.urlopen('http://example.com', timeout=5)"])
    assert run.returncode != 0
    assert "network use is disabled" in run.stderr
    assert guarded.attempts(), "the attempt was not recorded"
    assert "example.com" in "\n".join(guarded.attempts())
    assert guarded.processes_guarded() == 1


@pytest.mark.slow
def test_the_whole_command_line_runs_without_the_network(tmp_path: Path) -> None:
    guarded = Guarded(tmp_path)
    clip = make_video(tmp_path / "visit.mp4", H264_BFRAMES, frames=30).path
    ws, out = tmp_path / "ws", tmp_path / "out"

    def ok(*args: str | Path) -> str:
        run = guarded.vigtool(*args)
        assert run.returncode == 0, (args, run.stderr)
        assert "Traceback" not in run.stderr, run.stderr
        return run.stdout

    ok("demo", "--workspace", ws, "--no-gui")
    ok("probe", clip, "--json")
    ok("suggest", clip, "--json")
    ok("frame", clip, "--frame", "7", "--out", out / "frame.png")
    ok("cut", clip, "--start-frame", "2", "--end-frame", "12", "--out", out / "cut.mp4")
    exports = {"csv": "moments.csv", "json": "moments.json", "eaf": "eaf", "vtt": "vtt",
               "clips": "clips", "reel": "reel.mp4", "stills": "stills",
               "summary": "summary.html", "session": "session"}
    for kind, name in exports.items():
        ok("export", kind, "--workspace", ws, "--case", CASE, "--cycle", "1",
           "--out", out / name)
    ok("export", "summary", "--workspace", ws, "--case", CASE, "--cycle", "1",
       "--out", out / "summary.pdf")
    (eaf,) = (out / "eaf").glob("*.eaf")
    (film,) = (ws / "media").iterdir()
    imported = ok("import-eaf", eaf, "--workspace", ws, "--case", CASE, "--video", film)
    ok("consent", "--workspace", ws, "--case", CASE, "--give", "supervision")
    ok("cases", "--workspace", ws)
    ok("retention", "--workspace", ws, "--case", CASE, "--until", "2027-01-31")
    ok("audit", "--workspace", ws, "--out", out / "audit.csv")
    purged = ok("purge", "--workspace", ws, "--case", CASE, "--yes")

    assert guarded.attempts() == []
    assert guarded.processes_guarded() == guarded.started == 21
    assert not list((ws / "media").iterdir()), purged
    assert "already there" in imported
    assert (out / "summary.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.suffix for p in (out / "clips").iterdir()) != []

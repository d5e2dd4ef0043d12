"""Running the bad-input corpus: every case in its own copy of the prepared folder,
the disk hashed before and after, many cases at once.

Two ways to start the command, same result:

- ``fork`` (the default): one helper process imports vigtool once, then forks a
  fresh child per case that sets ``sys.argv`` and runs ``vigtool.cli.main()``
  exactly as ``python -m vigtool.cli`` does (an uncaught exception prints its
  traceback and exits 1, as Python would). Forking skips the second of import
  time each command would otherwise spend, so the corpus stays fast on 2 cores.
- ``exec``: ``python -m vigtool.cli ...`` per case (``VIGTOOL_CORPUS=exec``);
  ``test_fork_and_exec_agree`` checks both give the same answers.

Count: ``python -m tests.core.test_bad_input_corpus``; run everything and print
the totals (inputs tried, tracebacks seen): ``... --run``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from tests.core.bad_inputs import MEDIA, Case, media_copy

ROOT = Path(__file__).resolve().parents[2]
# The writer's lock file says who holds it (a pid, a time): what it says may change.
CONTENT_NOT_COMPARED = ("workspace.lock",)
Entry = tuple[object, ...]


class Job(TypedDict):
    argv: list[str]
    cwd: str
    env: dict[str, str]
    timeout: float
    stdout: str
    stderr: str


class Result(TypedDict):
    code: int
    timed_out: bool
    seconds: float


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    changes: tuple[str, ...]  # what differs on disk, one line each


def snapshot(root: Path) -> dict[str, Entry]:
    """Every name under ``root`` with its kind, mode and content (sha256 for files,
    the target for links); FIFOs and devices are never opened."""
    found: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            rel = os.path.relpath(path, root)
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISREG(info.st_mode):
                if name in CONTENT_NOT_COMPARED:
                    found[rel] = ("file", mode)
                    continue
                with open(path, "rb") as f:
                    digest = hashlib.file_digest(f, "sha256").hexdigest()
                found[rel] = ("file", mode, info.st_size, digest)
            elif stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[rel] = ("folder", mode)
            else:
                found[rel] = ("special", stat.S_IFMT(info.st_mode), mode, info.st_rdev)
    found["."] = ("folder", stat.S_IMODE(os.lstat(root).st_mode))
    return found


def differences(before: Mapping[str, Entry], after: Mapping[str, Entry]) -> tuple[str, ...]:
    lines = [f"new: {name!r} {after[name][0]}" for name in sorted(after.keys() - before.keys())]
    lines += [f"gone: {name!r}" for name in sorted(before.keys() - after.keys())]
    lines += [f"changed: {name!r} {before[name]} -> {after[name]}"
              for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    return tuple(lines)


def case_env(folder: Path) -> dict[str, str]:
    home = folder / ".home"
    return {
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"), "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def run_cases(cases: Sequence[Case], base: Path, work: Path, *, mode: str | None = None,
              parallel: int | None = None) -> dict[str, Outcome]:
    """Run each case in its own copy of ``base`` under ``work``; what each did, by id."""
    mode = mode or os.environ.get("VIGTOOL_CORPUS", "fork")
    parallel = parallel or max(2, os.cpu_count() or 2)
    media = media_copy(base)
    folders = [work / f"{number:03d}" for number in range(len(cases))]

    def prepare(item: Case, folder: Path) -> dict[str, Entry]:
        copy_for(item, base, folder)
        if item.setup is not None:
            item.setup(folder)
        return snapshot(folder)

    with ThreadPoolExecutor(parallel * 2) as pool:
        before = list(pool.map(prepare, cases, folders))
    jobs = [Job(argv=[a.replace(MEDIA, media) for a in item.argv], cwd=str(folder),
                env=case_env(folder), timeout=item.timeout,
                stdout=f"{folder}.out", stderr=f"{folder}.err")
            for item, folder in zip(cases, folders, strict=True)]
    results = _fork_all(jobs, work, parallel) if mode == "fork" else _exec_all(jobs, parallel)
    with ThreadPoolExecutor(parallel * 2) as pool:
        after = list(pool.map(snapshot, folders))
    return {
        item.id: Outcome(
            code=result["code"], timed_out=result["timed_out"], seconds=result["seconds"],
            stdout=Path(job["stdout"]).read_text(encoding="utf-8", errors="replace"),
            stderr=Path(job["stderr"]).read_text(encoding="utf-8", errors="replace"),
            changes=differences(was, now),
        )
        for item, job, result, was, now in zip(cases, jobs, results, before, after, strict=True)
    }


ALWAYS = ("in/clip.mp4", "in/other.mp4", "in/good.eaf")


def copy_for(item: Case, base: Path, folder: Path) -> None:
    """Copy what the case can reach: everything but the inputs and the not-workspaces,
    and of those only what its command line names (copying all is most of the run)."""
    named = {os.path.normpath(arg) for arg in item.argv}
    shutil.copytree(base, folder, symlinks=True,
                    ignore=lambda where, names: _skip(base, Path(where), names, named))


def _skip(base: Path, where: Path, names: list[str], named: set[str]) -> set[str]:
    rel = where.relative_to(base)
    if rel == Path("."):
        return {n for n in names if n.startswith("wsx-") and n not in named}
    if rel.parts[0] != "in":
        return set()
    keep = {*ALWAYS, *named}
    return {n for n in names
            if (rel / n).as_posix() not in keep
            and not any(k.startswith(f"{(rel / n).as_posix()}/") for k in keep)}


def _command(argv: Sequence[str]) -> list[str]:
    if argv and argv[0] == "codebook":
        return [sys.executable, "-m", "tests.core.corpus_runner", "--codebook", *argv[1:]]
    return [sys.executable, "-m", "vigtool.cli", *argv]


def _exec_all(jobs: Sequence[Job], parallel: int) -> list[Result]:
    def one(job: Job) -> Result:
        start = time.monotonic()
        with open(job["stdout"], "wb") as out, open(job["stderr"], "wb") as err:
            try:
                code = subprocess.run(
                    _command(job["argv"]), cwd=job["cwd"], env={**os.environ, **job["env"]},
                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=job["timeout"],
                    check=False).returncode
                timed_out = False
            except subprocess.TimeoutExpired:
                code, timed_out = -9, True
        return Result(code=code, timed_out=timed_out, seconds=time.monotonic() - start)

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, jobs))


def _fork_all(jobs: Sequence[Job], work: Path, parallel: int) -> list[Result]:
    jobs_file, results_file = work / "jobs.json", work / "results.json"
    jobs_file.write_text(json.dumps({"parallel": parallel, "jobs": list(jobs)}),
                         encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": case_env(work)["PYTHONPATH"]}
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.corpus_runner", "--serve", str(jobs_file),
         str(results_file)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=sum(job["timeout"] for job in jobs) + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the corpus runner failed: {done.stderr}")
    results: list[Result] = json.loads(results_file.read_text(encoding="utf-8"))
    return results


# -- the helper process ----------------------------------------------------------------------


def _warm_imports() -> None:
    """Everything a command imports lazily, so a forked child does not import it again."""
    import vigtool.cli
    import vigtool.codebook
    import vigtool.demo
    import vigtool.exports.eaf_document
    import vigtool.exports.eaf_import
    import vigtool.exports.request
    import vigtool.media.cut
    import vigtool.media.frame_index
    import vigtool.media.probe
    import vigtool.media.reader
    import vigtool.media.stills
    import vigtool.workspace  # noqa: F401


def serve(jobs_file: Path, results_file: Path) -> None:
    """Run every job in a forked child, ``parallel`` at a time; write what each did."""
    _warm_imports()
    spec = json.loads(jobs_file.read_text(encoding="utf-8"))
    jobs: list[Job] = spec["jobs"]
    parallel: int = spec["parallel"]
    results: list[Result | None] = [None] * len(jobs)
    waiting = list(reversed(range(len(jobs))))
    running: dict[int, tuple[int, float]] = {}
    killed: set[int] = set()
    while waiting or running:
        while waiting and len(running) < parallel:
            number = waiting.pop()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(jobs[number])
            running[pid] = (number, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for child, (number, started) in running.items():
                if now - started > jobs[number]["timeout"] and child not in killed:
                    os.kill(child, 9)
                    killed.add(child)
            time.sleep(0.002)
            continue
        number, started = running.pop(pid)
        results[number] = Result(code=os.waitstatus_to_exitcode(status),
                                 timed_out=pid in killed, seconds=time.monotonic() - started)
    results_file.write_text(json.dumps(results), encoding="utf-8")


def _child(job: Job) -> None:
    code = 1
    try:
        os.chdir(job["cwd"])
        os.environ.update(job["env"])
        for fd, name, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            opened = os.open(name, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        code = _main(job["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _main(argv: list[str]) -> int:
    """``argv`` run as its command would be: the exit code Python would give."""
    try:
        if argv and argv[0] == "codebook":
            return codebook_main(argv[1])
        from vigtool import cli

        sys.argv = ["vigtool", *argv]
        return cli.main()
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        sys.stderr.write(f"{stop.code}\n")
        return 1
    except BaseException:
        traceback.print_exc()
        return 1


def codebook_main(path: str) -> int:
    """The codebook entry point (no command reads a codebook yet): the error as the
    app would show it, unchanged (so a second line would show as one)."""
    from vigtool.codebook import load_codebook
    from vigtool.errors import VigtoolError

    try:
        book = load_codebook(Path(path))
    except VigtoolError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(f"{book.id}\n")
    return 0


def run_all(cases: Iterable[Case]) -> dict[str, Outcome]:
    """Prepare a folder and run ``cases`` outside pytest (for ``--run``)."""
    from tests.core.bad_inputs import prepare_base

    with tempfile.TemporaryDirectory(prefix="vigtool-corpus-") as tmp:
        base = prepare_base(Path(tmp) / "base")
        work = Path(tmp) / "runs"
        work.mkdir()
        return run_cases(list(cases), base, work)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--codebook"]:
        raise SystemExit(codebook_main(sys.argv[2]))
    else:
        raise SystemExit("usage: corpus_runner --serve JOBS RESULTS | --codebook PATH")

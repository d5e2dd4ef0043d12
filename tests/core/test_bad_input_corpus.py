"""Bad input at every entry point of ``vigtool``: one ``error:`` line, exit 2, never a
traceback or exit 3, and nothing changed on disk.

``CASES`` (tests/core/bad_input_cases.py) is the corpus: broken videos for every
command that reads one, hostile and broken ELAN files, codebooks, folders that are
not a workspace, bad arguments, the governance commands (consent, cases, retention,
purge, audit) and dangerous output paths. Each runs the real command line in its own
copy of a prepared folder (tests/core/bad_inputs.py); every file there is hashed
(name, kind, mode, size, sha256) before and after. The whole corpus runs once per
module, many cases at a time (tests/core/corpus_runner.py); each case is then one
test. ``test_cli_errors.py`` and ``test_cli_bad_input.py`` hold the cases that
check the wording of one message in detail; kinds they cover are not repeated here.

Count the inputs: ``python -m tests.core.test_bad_input_corpus`` (by entry point).
Run the corpus outside pytest and print inputs tried and tracebacks seen:
``python -m tests.core.test_bad_input_corpus --run [PART-OF-AN-ID ...]``.

A case that fails today because of code this corpus may not fix is marked in
``bad_input_cases.KNOWN_FAULTS`` (a strict xfail: it must fail, so a fix shows up at once).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.core.bad_input_cases import CASES
from tests.core.bad_inputs import Case, prepare_base
from tests.core.corpus_runner import Outcome, run_cases

EXIT_BAD_INPUT = 2


def _param(item: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=item.xfail)] if item.xfail else []
    return pytest.param(item, id=item.id, marks=marks)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> dict[str, Outcome]:
    """Every selected case, run once, many at a time."""
    selected = set()
    for test in request.session.items:  # only those chosen (e.g. with -k) are run
        spec = getattr(test, "callspec", None)
        if getattr(test, "module", None) is sys.modules[__name__] and spec is not None \
                and "item" in spec.params:
            selected.add(spec.params["item"].id)
    base = prepare_base(tmp_path_factory.mktemp("corpus") / "base")
    work = tmp_path_factory.mktemp("corpus-runs")
    return run_cases([c for c in CASES if c.id in selected], base, work)


def problems(item: Case, outcome: Outcome) -> list[str]:
    """What is wrong with how the command took this bad input (empty: nothing)."""
    found = []
    if outcome.timed_out:
        found.append(f"still running after {outcome.seconds:.0f} s (killed)")
    if "Traceback" in outcome.stdout + outcome.stderr:
        found.append("a traceback")
    if outcome.code != EXIT_BAD_INPUT:
        found.append(f"exit {outcome.code}, not {EXIT_BAD_INPUT}")
    lines = outcome.stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith("error: "):
        found.append(f"{len(lines)} lines on stderr, not one 'error: ...' line")
    line = lines[0] if lines else ""
    if len(line) > 500:
        found.append(f"a {len(line)}-character line")
    found += [f"{words!r} not in the line" for words in item.mentions
              if words.lower() not in line.lower()]
    found += list(outcome.changes)
    return found


@pytest.mark.parametrize("item", [_param(c) for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(item: Case,
                                                   corpus: dict[str, Outcome]) -> None:
    outcome = corpus[item.id]
    found = problems(item, outcome)
    assert not found, f"{item.argv}: {'; '.join(found)}\nstderr: {outcome.stderr[-2000:]}"


def test_every_case_has_its_own_name() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


# One of each kind: a broken file, a hostile file, a codebook, a folder that is not a
# workspace, an argument that is not text, a name with a line break, an output path.
AGREE = ("probe/huge-box.mp4", "import-eaf/xxe.eaf", "codebook/digits-5000.json",
         "export-csv/workspace-wsx-newer", "export-csv/case-not-utf8",
         "import-eaf/video-two-newline-lines.mp4", "frame/out-is-the-input",
         "export-csv/out-link-to-the-db")


def test_fork_and_exec_agree(tmp_path: Path) -> None:
    """The forked runner answers exactly as ``python -m vigtool.cli`` started afresh."""
    chosen = [c for c in CASES if c.id in AGREE]
    assert len(chosen) == len(AGREE)
    base = prepare_base(tmp_path / "base")
    execs = run_cases(chosen, base, tmp_path / "runs", mode="exec")
    forks = run_cases(chosen, base, tmp_path / "forks", mode="fork")
    for item in chosen:
        def seen(outcome: Outcome, where: str) -> tuple[object, ...]:
            text = outcome.stderr.replace(str(tmp_path / where), "<work>")
            return outcome.code, outcome.stdout, re.sub(r"<work>/\d+", "<case>", text)

        assert seen(forks[item.id], "forks") == seen(execs[item.id], "runs"), item.id
        assert not problems(item, execs[item.id]), item.id


def counts() -> Counter[str]:
    return Counter(c.entry for c in CASES)


def say(text: str) -> None:
    sys.stdout.write(f"{text}\n")


if __name__ == "__main__":
    from tests.core.corpus_runner import run_all

    for entry, number in sorted(counts().items()):
        say(f"{number:4d}  {entry}")
    say(f"{len(CASES):4d}  bad inputs in all")
    if sys.argv[1:2] == ["--run"]:  # --run [PART-OF-AN-ID ...]: run them and print totals
        chosen = [c for c in CASES if not sys.argv[2:] or any(p in c.id for p in sys.argv[2:])]
        outcomes = run_all(chosen)
        failing = {c.id: problems(c, outcomes[c.id]) for c in chosen
                   if problems(c, outcomes[c.id])}
        for c in chosen:
            mark = "FAIL" if c.id in failing else "ok  "
            say(f"{mark} {c.id} [{outcomes[c.id].seconds:.1f}s] "
                f"{outcomes[c.id].stderr.strip()[:300]!r}")
            if c.id in failing:
                say("     " + "; ".join(failing[c.id])[:600])
        tracebacks = sum("Traceback" in o.stdout + o.stderr for o in outcomes.values())
        say(f"{len(chosen)} bad inputs tried, {tracebacks} tracebacks seen, "
            f"{sum(o.code == 3 for o in outcomes.values())} exits 3, "
            f"{sum(bool(o.changes) for o in outcomes.values())} changed the disk, "
            f"{len(failing)} failing ({sum(1 for c in chosen if c.xfail)} known)")

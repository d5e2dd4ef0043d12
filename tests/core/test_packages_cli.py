"""``vigtool package`` and ``vigtool import-package``: the passphrase never on the command
line, one line for every refusal (exit 2), and the round trip from the terminal."""

from __future__ import annotations

import getpass
import io
import sys
from pathlib import Path

import pytest

from tests.core.test_packages import (
    CODE,
    PASSPHRASE,
    Trainee,
    films,  # noqa: F401  (session fixtures, shared with test_packages.py)
    trainee,  # noqa: F401
    workspace_state,
)
from vigtool.cli import main
from vigtool.workspace import Workspace


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(argv: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err: str, *mentions: str) -> str:
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: "), err
    for words in mentions:
        assert words in err, (words, err)
    return err


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def test_a_trainees_package_opens_from_the_command_line_and_comments_go_back(
    tmp_path: Path, trainee: Trainee, secret: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str], no_terminal: None,
) -> None:
    root = tmp_path / "supervisor"
    Workspace.open(root).close()
    code, out, err = run(["import-package", trainee.package, "--workspace", root,
                          "--passphrase-file", secret], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [f"Sam Trainee's supervision package: case {CODE}, cycle 1",
                                    "  2 clips to watch, read-only"]
    with Workspace.open(root) as ws:
        recording = ws.library.recordings()[0]
        ws.add_comment(recording.id, start_frame=4, text="Here he waits for you.")
    back = tmp_path / "out" / "back.vigpack"
    code, out, err = run(["package", "--comments", "--workspace", root, "--case", CODE,
                          "--out", back, "--passphrase-file", secret], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"{back}: encrypted comments package of case {CODE} (")
    assert "send the passphrase another way" in out
    assert back.read_bytes().startswith(b"age-encryption.org/v1\n")
    code, _, err = run(["package", "--comments", "--workspace", root, "--case", CODE,
                        "--out", back, "--passphrase-file", secret], capsys)
    one_error(err, f"{back} already exists; add --force")
    assert code == 2


def test_no_passphrase_on_the_command_line_and_none_without_a_terminal(
    tmp_path: Path, trainee: Trainee, capsys: pytest.CaptureFixture[str],  # noqa: F811
    no_terminal: None,
) -> None:
    out = tmp_path / "p.vigpack"
    code, _, err = run(["package", "--workspace", trainee.root, "--case", CODE, "--out", out],
                       capsys)
    assert code == 2
    one_error(err, "give --passphrase-file F", "no terminal")
    with pytest.raises(SystemExit) as exited:  # argparse's own way out, as for any bad option
        main(["package", "--workspace", str(trainee.root), "--case", CODE, "--out", str(out),
              "--passphrase", PASSPHRASE])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    one_error(err, "never given on the command line")
    assert PASSPHRASE not in err
    short = tmp_path / "short.txt"
    short.write_text("too short\n")
    code, _, err = run(["package", "--workspace", trainee.root, "--case", CODE, "--out", out,
                        "--passphrase-file", short], capsys)
    assert code == 2
    one_error(err, "at least 10 characters")
    assert not out.exists()


def test_a_passphrase_typed_at_the_terminal_is_asked_twice(
    tmp_path: Path, trainee: Trainee, capsys: pytest.CaptureFixture[str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed = iter(["one passphrase here", "another one here"])
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(typed))
    out = tmp_path / "p.vigpack"
    code, _, err = run(["package", "--workspace", trainee.root, "--case", CODE, "--out", out],
                       capsys)
    assert code == 2
    one_error(err, "the two passphrases differ; nothing was made")
    assert not out.exists()


def test_what_import_package_refuses_in_one_line(
    tmp_path: Path, trainee: Trainee, secret: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str], no_terminal: None,
) -> None:
    root = tmp_path / "supervisor"
    Workspace.open(root).close()
    before = workspace_state(root)
    cases: list[tuple[list[str | Path], tuple[str, ...]]] = [
        ([trainee.family.path], ("not a supervision package (.vigpack); nothing was imported",)),
        ([tmp_path / "nowhere.vigpack"], ("nowhere.vigpack: no such file",)),
        ([tmp_path], ("is not a file",)),
    ]
    for argv, mentions in cases:
        code, _, err = run(["import-package", *argv, "--workspace", root,
                            "--passphrase-file", secret], capsys)
        assert code == 2
        one_error(err, *mentions)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = run(["import-package", trainee.package, "--workspace", root,
                        "--passphrase-file", empty], capsys)
    one_error(err, "is empty: put the passphrase on its first line")
    code, _, err = run(["import-package", trainee.package, "--workspace", tmp_path / "none",
                        "--passphrase-file", secret], capsys)
    one_error(err, "is not a vigtool workspace")
    assert workspace_state(root) == before


def test_what_package_refuses_in_one_line(
    tmp_path: Path, trainee: Trainee, secret: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str], no_terminal: None,
) -> None:
    base = ["package", "--workspace", trainee.root, "--passphrase-file", secret]
    cases: list[tuple[list[str | Path], tuple[str, ...]]] = [
        (["--case", CODE, "--out", trainee.root / "p.vigpack"], ("inside the workspace",)),
        (["--case", CODE, "--out", tmp_path / "p.zip"], ("saved as a .vigpack file",)),
        (["--case", "NOPE", "--out", tmp_path / "p.vigpack"], ("no case with the code 'NOPE'",)),
        (["--case", CODE, "--cycle", "3", "--out", tmp_path / "p.vigpack"],
         ("has no film in cycle 3",)),
        (["--case", CODE, "--comments", "--cycle", "1", "--out", tmp_path / "p.vigpack"],
         ("--cycle is for a trainee's package",)),
        (["--case", CODE, "--comments", "--out", tmp_path / "p.vigpack"], ("is your own",)),
    ]
    for argv, mentions in cases:
        code, _, err = run([*base, *argv], capsys)
        assert code == 2
        one_error(err, *mentions)
    assert not list(tmp_path.glob("p.*"))

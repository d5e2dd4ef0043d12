"""docs/cli.md and the README's command list are what ``vigtool --help`` says today."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_build() -> ModuleType:
    """docs/build.py, loaded by path (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("vigtool_docs_build", ROOT / "docs" / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = load_build()


def test_generated_docs_are_up_to_date() -> None:
    stale = build.outdated(build.expected())
    names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
    assert not stale, f"{names} out of date with the command line; run: {build.COMMAND}"


def test_the_docs_do_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = build.expected()
    monkeypatch.setenv("COLUMNS", "37")
    assert build.expected() == wide


def test_every_command_and_option_is_documented() -> None:
    page = build.render_cli_page()
    commands = build.render_cli_commands()
    parser = build.vigtool_parser()
    for name, sub, _ in build.subcommands(parser):
        assert f"## `vigtool {name}`" in page
        assert f"- `vigtool {name} " in commands
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue
            for option in action.option_strings:
                assert option in page, (name, option)
    for option in (
        "--captions",
        "--pad",
        "--fade",
        "--all",
        "--no-titles",
        "--audience",
        "--no-smart",
    ):
        assert option in commands


def test_the_readme_keeps_its_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("    ./dev.sh run\n") == 1
    assert readme.count("    ./dev.sh test\n") == 1
    assert readme.count("<!-- cli-commands:start -->") == readme.count("<!-- cli-commands:end -->")


def test_a_missing_marker_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="cli-commands:start"):
        build.replace_block("no markers here\n", "cli-commands", "x\n", tmp_path / "README.md")

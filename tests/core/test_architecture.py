"""Rules about the code's shape that reviews alone would let slip."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "vigtool"


def _core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if rel.parts[1:2] == ("gui",):
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        names.append(".".join(parts))
    return names


def test_core_never_imports_qt_or_vlc() -> None:
    """Import every module outside vigtool/gui in a fresh interpreter; Qt and VLC stay out."""
    modules = _core_modules()
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('PySide6', 'shiboken6', 'vlc'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
    assert len(modules) > 10


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in PACKAGE.rglob("__init__.py")
    }
    assert found <= listed
    assert "vigtool.schemas" in listed


def test_no_module_is_a_god_module() -> None:
    """Small modules named for what they do; the timeline's view is the one allowed exception."""
    allowed = {"vigtool/gui/timeline_view.py"}
    too_big = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 500
        and str(p.relative_to(ROOT)) not in allowed
    }
    assert too_big == {}


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "4 kept, 0 broken" in result.stdout


def test_the_import_contracts_see_a_qt_import_hidden_inside_a_function(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "vigtool", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    core = tmp_path / "vigtool" / "review_plan.py"
    core.write_text(core.read_text() + "\n\ndef _later() -> None:\n    import PySide6\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "vigtool.review_plan -> PySide6" in result.stdout

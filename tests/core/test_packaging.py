"""vigtool works when installed from its wheel, not only from this checkout.

pyproject.toml lists vigtool's packages by hand (three live outside
vigtool/), so a forgotten folder or data file would only show up on a user's
machine. These tests read pyproject.toml, and one builds the wheel, installs
it into a fresh virtual environment and runs ``vigtool demo`` and
``vigtool probe`` from there, all without network.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vigtool.demo import DEMO_CASE, DEMO_CLIP, DEMO_TRUTH, SAMPLE_CLIPS

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS: dict[str, Any] = PYPROJECT["tool"]["setuptools"]
PACKAGES: list[str] = SETUPTOOLS["packages"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS.get("package-dir", {})


def canonical(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def source_dir(package: str) -> Path:
    """Where a listed package's files are in this checkout."""
    return ROOT / PACKAGE_DIR.get(package, package.replace(".", "/"))


def code_folders() -> Iterator[Path]:
    """vigtool/ and every folder under it holding Python code."""
    top = ROOT / "vigtool"
    for folder in [top, *sorted(p for p in top.rglob("*") if p.is_dir())]:
        if folder.name != "__pycache__" and any(folder.glob("*.py")):
            yield folder


def third_party_imports() -> set[str]:
    """Top-level names of every module vigtool/ imports that is not vigtool or stdlib."""
    names: set[str] = set()
    for path in (ROOT / "vigtool").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names - set(sys.stdlib_module_names) - {"vigtool"}


# -- pyproject.toml ----------------------------------------------------------------------


def test_every_package_folder_is_listed_in_pyproject() -> None:
    found = {".".join(folder.relative_to(ROOT).parts) for folder in code_folders()}
    missing = sorted(found - set(PACKAGES))
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"


def test_every_listed_package_is_a_folder_with_an_init() -> None:
    for package in PACKAGES:
        assert (source_dir(package) / "__init__.py").is_file(), package


def test_every_third_party_import_is_a_declared_dependency() -> None:
    declared = {
        canonical(re.split(r"[ <>=!~;\[]", dep, maxsplit=1)[0])
        for dep in PYPROJECT["project"]["dependencies"]
    }
    distributions = importlib.metadata.packages_distributions()
    undeclared = {
        module: distributions.get(module, ["?"])
        for module in sorted(third_party_imports())
        if not declared & {canonical(d) for d in distributions.get(module, [])}
    }
    assert not undeclared, (
        f"vigtool imports {undeclared} (module: distributions) but pyproject.toml's "
        "[project] dependencies do not list them"
    )


# -- the wheel, installed ----------------------------------------------------------------


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def offline_env() -> dict[str, str]:
    """The environment for every subprocess: no index, no user site, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_ROOT_USER_ACTION="ignore",
        PYTHONNOUSERSITE="1",
    )
    return env


def copy_sources(to: Path) -> Path:
    """pyproject.toml, the readme and every package folder: what the wheel is built from.

    Building from a copy keeps setuptools' build/ and egg-info out of the
    checkout, where another test run may be building at the same time.
    """
    to.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", to)
    shutil.copy2(ROOT / PYPROJECT["project"]["readme"], to)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        relative = source_dir(package).relative_to(ROOT)
        if not (to / relative).exists():
            shutil.copytree(ROOT / relative, to / relative, ignore=ignore)
    return to


def expected_wheel_files() -> Iterator[str]:
    """Every file in a listed package's folder, as named in the wheel.

    A file that is in a package folder but not in the wheel is almost always
    a new kind of data file that pyproject's package-data does not match yet.
    """
    for package in PACKAGES:
        folder = source_dir(package)
        inner = {source_dir(p) for p in PACKAGES if p != package}
        for path in sorted(folder.rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and not any(path.is_relative_to(d) for d in inner if d.is_relative_to(folder))
            ):
                yield "/".join([*package.split("."), *path.relative_to(folder).parts])


def scripts(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def build_wheel(tmp_path: Path, env: dict[str, str]) -> Path:
    """The wheel, built by this venv's setuptools (no build isolation: nothing downloaded)."""
    wheels, sources = tmp_path / "wheels", copy_sources(tmp_path / "src")
    pip_wheel: list[str | Path] = [
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        wheels,
    ]
    run(sys.executable, "-m", "pip", *pip_wheel, sources, cwd=tmp_path, env=env)
    (wheel,) = wheels.glob("vigtool-*.whl")
    return wheel


def install_in_fresh_venv(wheel: Path, venv: Path, env: dict[str, str]) -> Path:
    """A new venv holding only the wheel; returns its python.

    The dependencies come from this venv's site-packages through a .pth file.
    A .pth line only adds a folder to sys.path (the .pth files inside it do not
    run), so this venv's editable vigtool cannot leak in.
    """
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent, env=env)
    python = scripts(venv) / ("python.exe" if os.name == "nt" else "python")
    pip_install: list[str | Path] = ["install", "-q", "--no-deps", "--no-index", wheel]
    run(sys.executable, "-m", "pip", "--python", python, *pip_install, cwd=venv.parent, env=env)
    query = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(run(python, "-c", query, cwd=venv.parent, env=env).stdout.strip())
    ours = {sysconfig.get_path(kind) for kind in ("purelib", "platlib")}
    (site / "vigtool-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


@pytest.mark.slow
def test_the_installed_wheel_builds_the_demo_and_probes_its_clip(tmp_path: Path) -> None:
    env = offline_env()
    wheel = build_wheel(tmp_path, env)
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(set(expected_wheel_files()) - names)
    assert not missing, f"not in the wheel (see package-data in pyproject.toml): {missing}"
    assert f"vigtool/demo_clips/{DEMO_CLIP}" in names
    assert not [n for n in names if not n.startswith(("vigtool/", "vigtool-"))]

    venv = tmp_path / "venv"
    python = install_in_fresh_venv(wheel, venv, env)
    where = "import vigtool, vigtool.demo_clips as d; print(vigtool.__file__); print(d.__file__)"
    locations = run(python, "-c", where, cwd=tmp_path, env=env).stdout.split()
    for location in locations:
        assert Path(location).resolve().is_relative_to(venv.resolve()), locations

    # demo's lines are read back from the workspace it built; the second run
    # finds the case, clip and moments already there and reports the same.
    vigtool, workspace = scripts(venv) / "vigtool", tmp_path / "workspace"
    demo = [
        run(vigtool, "demo", "--no-gui", "--workspace", workspace, cwd=tmp_path, env=env).stdout
        for _ in range(2)
    ]
    truth = json.loads((SAMPLE_CLIPS / DEMO_TRUTH).read_text(encoding="utf-8"))
    assert demo[0] == demo[1]
    assert f"case {DEMO_CASE}, cycle 1: {DEMO_CLIP} ({truth['frame_count']} frames" in demo[0]
    assert f"{len(truth['chains'])} moments tagged" in demo[0]
    assert (workspace / "workspace.db").is_file()

    installed_clip = Path(locations[1]).parent / DEMO_CLIP
    probe = run(vigtool, "probe", installed_clip, "--json", cwd=tmp_path, env=env).stdout
    assert json.loads(probe)["frame_count"] == truth["frame_count"]

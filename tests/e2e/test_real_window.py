"""End to end: the real window, real VLC, on a virtual X display, driven by real key presses.

Opens a sample clip, plays a second with sound, pauses, steps, tags a moment
with I / O / 1, takes a screenshot (saved under artifacts/), and quits with
Ctrl+Q, which must exit 0 with no traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigtool import Workspace

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "sample_clips" / "frame_numbers.mp4"
ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS", ROOT / "artifacts"))

pytestmark = pytest.mark.e2e


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (./dev.sh installs it)")
    return path


@pytest.fixture
def display() -> Iterator[str]:
    xvfb = _need("Xvfb")
    number = 90 + os.getpid() % 400
    while Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    proc = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def _xdotool(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                         timeout=40)
    return out.stdout.strip()


@pytest.fixture
def env(display: str, tmp_path: Path) -> dict[str, str]:
    """A real X display (Xvfb), real VLC, and settings kept inside the test's folder."""
    _need("xdotool")
    _need("import")
    pytest.importorskip("vlc")
    values = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA")}
    values.update(DISPLAY=display, XDG_CONFIG_HOME=str(tmp_path / "config"),
                  XDG_DATA_HOME=str(tmp_path / "data"), QT_QPA_PLATFORM="xcb",
                  PULSE_SERVER="none")
    return values


def _screenshot(env: dict[str, str], name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True, timeout=30)
    assert shot.stat().st_size > 10_000


def _finish(app: subprocess.Popen[str]) -> None:
    """Ctrl+Q was pressed: the app must exit 0 with no traceback."""
    out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err
    assert "Traceback" not in out + err


def test_play_pause_step_tag_screenshot_and_quit(env: dict[str, str], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    app = subprocess.Popen(
        [sys.executable, "-m", "vigtool.cli", "gui", "--workspace", str(workspace), str(CLIP)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        window = _xdotool(env, "search", "--sync", "--onlyvisible", "--name", "frame_numbers")
        assert window, "the window with the clip did not appear"
        # No window manager on Xvfb: give the window keyboard focus directly.
        _xdotool(env, "windowfocus", "--sync", window.splitlines()[0])
        time.sleep(1.5)

        def keys(*names: str) -> None:
            _xdotool(env, "key", "--delay", "80", *names)

        keys("space")
        time.sleep(1.0)
        keys("space")
        time.sleep(0.5)
        keys("Home", "Right", "Right", "i", *["Right"] * 10, "o", "1")
        time.sleep(1.5)
        _screenshot(env, "e2e-main-window.png")
        keys("ctrl+q")
        _finish(app)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
            app.wait()
    with Workspace.open(workspace) as ws:
        (recording,) = ws.recordings()
        (moment,) = ws.moments(recording.id)
        assert (moment.start_frame, moment.end_frame) == (2, 11)
        assert moment.codes == ("being-attentive",)


def test_shared_review_plays_the_chosen_clips_and_quits(
    env: dict[str, str], tmp_path: Path
) -> None:
    workspace = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "vigtool.cli", "demo", "--workspace", str(workspace),
                    "--no-gui"], env=env, cwd=ROOT, check=True, capture_output=True)
    app = subprocess.Popen(
        [sys.executable, "-m", "vigtool.cli", "review", "--workspace", str(workspace),
         "--case", "DEMO-01"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        window = _xdotool(env, "search", "--sync", "--onlyvisible", "--name", "Shared review")
        assert window, "the review window did not appear"
        _xdotool(env, "windowfocus", "--sync", window.splitlines()[0])
        time.sleep(13)  # the first chosen clip (6.5 s) plays with sound and stops on its question
        _screenshot(env, "e2e-review-mode.png")
        _xdotool(env, "key", "ctrl+q")
        _finish(app)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
            app.wait()

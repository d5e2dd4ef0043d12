"""End to end: the real window, real VLC, on a virtual X display, driven by real key presses.

Opens a sample clip, plays a second with sound, pauses, steps, tags a moment
with I / O / 1, and quits with Ctrl+Q, which must exit 0 with no traceback.
The shared review plays the demo's first chosen clip, saves the parent's
words typed beside it, and stops on its question. What the tests check is
what a person would see (the screen, read back from screenshots saved under
artifacts/) and what the app stored (the workspace, read after it quits).
Waits poll for a condition with a timeout; nothing sleeps "long enough".
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
import pytest

from sample_clips.pattern import read_frame_number
from vigtool import Workspace
from vigtool.gui.import_dialog import UNFILED

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "sample_clips" / "frame_numbers.mp4"
ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS", ROOT / "artifacts"))

pytestmark = pytest.mark.e2e
T = TypeVar("T")
DEMO_CASE = "DEMO-01"
PARENT_WORDS = "He looked right at me"


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


def _screen(env: dict[str, str]) -> np.ndarray:
    """What is on the virtual screen now, as RGB pixels."""
    png = subprocess.run(["import", "-window", "root", "png:-"], env=env, check=True,
                         capture_output=True, timeout=30).stdout
    picture = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None, "the screenshot could not be read"
    return np.ascontiguousarray(picture[:, :, ::-1])


def _save(screen: np.ndarray, name: str) -> None:
    """Keep a screenshot under artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    assert cv2.imwrite(str(ARTIFACTS / name), screen[:, :, ::-1])


def _wait_for(what: str, app: subprocess.Popen[bytes], check: Callable[[], T | None],
              timeout: float) -> T:
    """Poll ``check`` until it gives something; fail if the app exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if app.poll() is not None:
            pytest.fail(f"the app exited ({app.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.2)


def _screen_when(env: dict[str, str], app: subprocess.Popen[bytes], what: str,
                 condition: Callable[[np.ndarray], bool], timeout: float) -> np.ndarray:
    """Take screenshots until one shows ``condition``; returns that one."""

    last: list[np.ndarray] = []

    def shows_it() -> np.ndarray | None:
        last[:] = [_screen(env)]
        return last[0] if condition(last[0]) else None

    try:
        return _wait_for(what, app, shows_it, timeout)
    except pytest.fail.Exception:
        if last:
            _save(last[0], f"e2e-failed-waiting-for-{'-'.join(what.split())}.png")
        raise


def _largest_region(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """x, y, width, height of the largest connected area of ``mask``."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    if count < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[biggest, :4])
    return x, y, w, h


def _frame_on_screen(screen: np.ndarray) -> int | None:
    """The frame number the player shows, read from the picture of frame_numbers.mp4.

    The sample clip's ground is mid-grey (72), unlike anything else in the window.
    """
    grey = np.abs(screen.astype(np.int16) - 72).max(axis=2) < 14
    region = _largest_region(grey)
    if region is None or region[2] < 320:
        return None
    x, y, w, h = region
    try:
        return read_frame_number(np.ascontiguousarray(screen[y:y + h, x:x + w]))
    except ValueError:
        return None


def _film_on_screen(screen: np.ndarray) -> tuple[int, int, int, int] | None:
    """Where the demo film's picture is: its cream ground is its own colour."""
    rgb = screen.astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    cream = (r > 235) & (g > 225) & (b > 200) & (r - b > 15)
    region = _largest_region(cream)
    if region is None or region[2] < 480:
        return None
    x, y, w, _ = region
    return x, y, w, round(w * 9 / 16)  # the demo film is 640x360


def _question_shown(screen: np.ndarray) -> bool:
    """The question in large light words on the dark ground just under the film."""
    film = _film_on_screen(screen)
    if film is None:
        return False
    x, y, w, h = film
    under = screen[y + h + 4: y + h + max(40, h // 5), x: x + w]
    light_words = int((under.min(axis=2) > 225).sum())
    return float(under.mean()) < 100 and light_words > 1000


def _film_uncovered(screen: np.ndarray) -> bool:
    """Nothing is painted over the bottom of the film: it is the film's own light picture."""
    film = _film_on_screen(screen)
    if film is None:
        return False
    x, y, w, h = film
    return float(screen[y + int(h * 0.85): y + h - 2, x: x + w].mean()) > 150


def _review_colours(screen: np.ndarray) -> tuple[int, int]:
    """Pixels of the review's dark ground (#141517) and of its orange Play button (#C8602F)."""
    rgb = screen.astype(np.int16)
    ground = (np.abs(rgb - (20, 21, 23)).max(axis=2) <= 1).sum()  # not the picture's (18,18,20)
    play = (np.abs(rgb - (200, 96, 47)).max(axis=2) <= 12).sum()
    return int(ground), int(play)


def _window_geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    shell = _xdotool(env, "getwindowgeometry", "--shell", window)
    values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def _start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start ``vigtool <args>``, its output going to ``log``.

    Not to a pipe: VLC and ALSA write hundreds of kilobytes of warnings, and a
    pipe nobody reads until the end fills up and stalls the app mid-clip.
    """
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "vigtool.cli", *args], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)


def _finish(app: subprocess.Popen[bytes], log: Path) -> None:
    """Ctrl+Q was pressed: the app must exit 0 with no traceback."""
    app.wait(timeout=30)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert app.returncode == 0, output[-4000:]
    assert "Traceback" not in output, output[output.index("Traceback"):][:4000]


def test_play_pause_step_tag_screenshot_and_quit(env: dict[str, str], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    with Workspace.open(workspace) as ws:  # the family agreed to be filmed (asked otherwise)
        ws.add_consent(ws.add_case(UNFILED).id, kind="filming", given=True)
    log = tmp_path / "app.log"
    app = _start(env, log, "gui", "--workspace", str(workspace), str(CLIP))
    try:
        window = _xdotool(env, "search", "--sync", "--onlyvisible", "--name", "frame_numbers")
        assert window, "the window with the clip did not appear"
        # No window manager on Xvfb: give the window keyboard focus directly.
        _xdotool(env, "windowfocus", "--sync", window.splitlines()[0])
        _screen_when(env, app, "the clip's first frame",
                     lambda screen: _frame_on_screen(screen) == 0, timeout=20)

        def keys(*names: str) -> None:
            _xdotool(env, "key", "--delay", "80", *names)

        keys("space")
        time.sleep(1.0)  # play for a second, with sound
        keys("space")
        time.sleep(0.5)
        keys("Home", "Right", "Right", "i", *["Right"] * 10, "o", "1")
        # I at frame 2, ten steps, O: the playhead (and the picture) is on frame 12.
        screen = _screen_when(env, app, "frame 12",
                              lambda screen: _frame_on_screen(screen) == 12, timeout=10)
        _save(screen, "e2e-main-window.png")
        keys("ctrl+q")
        _finish(app, log)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
            app.wait()
    with Workspace.open(workspace) as ws:
        (recording,) = ws.recordings()
        (moment,) = ws.moments(recording.id)
        assert (moment.start_frame, moment.end_frame) == (2, 11)
        assert moment.codes == ("being-attentive",)


def test_shared_review_plays_a_chosen_clip_keeps_the_parents_words_and_quits(
    env: dict[str, str], tmp_path: Path
) -> None:
    workspace = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "vigtool.cli", "demo", "--workspace", str(workspace),
                    "--no-gui"], env=env, cwd=ROOT, check=True, capture_output=True)
    log = tmp_path / "app.log"
    app = _start(env, log, "review", "--workspace", str(workspace), "--case", DEMO_CASE)

    def saved_words() -> list[tuple[str, int | None, int]]:
        with Workspace.open(workspace, read_only=True) as ws:  # the app is the writer
            case = ws.caseload.case_by_code(DEMO_CASE)
            return [(r.text, r.moment_id, r.cycle) for r in ws.review.reflections(case.id)]

    try:
        window = _xdotool(env, "search", "--sync", "--onlyvisible", "--name", "Shared review")
        assert window, "the review window did not appear"
        window = window.splitlines()[0]
        _xdotool(env, "windowfocus", "--sync", window)
        # It opens full screen: the whole virtual screen (1600x1000), nothing off its edges.
        assert _wait_for("the review full screen", app,
                         lambda: _window_geometry(env, window) == (0, 0, 1600, 1000) or None,
                         timeout=10)
        x, y, width, height = _window_geometry(env, window)
        playing = _screen_when(env, app, "the first chosen clip",
                               lambda screen: _film_on_screen(screen) is not None, timeout=20)
        assert not _question_shown(playing), "the question shows while the clip plays"
        ground, play_button = _review_colours(playing)
        assert ground > width * height // 20, "the review's dark ground is missing"
        assert play_button > 2_000, "the review's orange Play/Pause button is missing"

        # The practitioner clicks the parent's words box (right-hand panel) and types.
        _xdotool(env, "mousemove", "--sync", str(x + width - 170), str(y + height * 3 // 8),
                 "click", "1")
        _xdotool(env, "type", "--delay", "20", PARENT_WORDS)
        assert _wait_for("the parent's words in the workspace", app,
                         lambda: saved_words() or None, timeout=10)[0][0] == PARENT_WORDS

        # The clip plays to its end and stops there with its question.
        paused = _screen_when(env, app, "the question under the paused clip", _question_shown,
                              timeout=15)
        assert _film_uncovered(paused), "something is painted over the film"
        _save(paused, "e2e-review-mode.png")
        _xdotool(env, "key", "ctrl+q")
        _finish(app, log)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
            app.wait()
    with Workspace.open(workspace) as ws:
        first_chosen = ws.annotations.review_moments(ws.caseload.case_by_code(DEMO_CASE).id, 1)[0]
    assert saved_words() == [(PARENT_WORDS, first_chosen.id, 1)]

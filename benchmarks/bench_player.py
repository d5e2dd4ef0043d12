"""Player benchmarks: playback of 1080p30 through the Qt surface, and start to first frame.

    python -m benchmarks.bench_player [--quick] [--json]

Needs a display: if DISPLAY is unset it starts its own Xvfb. Each measurement
runs in a fresh subprocess next to its baseline in the same run:

* playback: the full vigtool window playing a 1080p30 H.264 clip with sound
  through VLC into the Qt-painted surface, vs bare libvlc decoding the same
  clip into memory buffers with nothing painted (what VLC alone costs).
  Reported: frames shown per second and CPU as % of one core (all threads).
* start to first frame: process start until the first video frame is painted
  (``vigtool gui`` on the sample clip, VIGTOOL_STARTUP_PROBE), vs a bare
  PySide6 window's first paint.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from benchmarks.synth import ClipSpec, ensure_clip

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(__file__).resolve().parent / ".media"
SAMPLE = ROOT / "sample_clips" / "demo" / "dyad.mp4"
PLAY_SPEC = ClipSpec("play1080", 1920, 1080, 14, fps=30, gop=60, preset="veryfast",
                     bframes=2, bit_rate=8_000_000, textured=True)

_PLAY_PROBE = r'''
import os, resource, sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

mode, clip, seconds, work = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
app = QApplication(sys.argv[:1])
import vlc

def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

counts = {"frames": 0}
if mode == "vigtool":
    from vigtool import Workspace
    from vigtool.codebook import builtin_codebook
    from vigtool.gui.main_window import MainWindow
    from vigtool.gui.theme import apply_theme
    apply_theme(app, "light")
    ws = Workspace.open(work / "ws")
    case = ws.add_case("BENCH")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=clip)
    settings = QSettings(str(work / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook("vig-principles"), vlc, "", settings)
    win.resize(1440, 900)
    win.show()
    win.open_recording(rec.id)

    class Count(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and win.player.playing:
                counts["frames"] += 1
            return False
    counter = Count()
    win.surface.installEventFilter(counter)
    start = lambda: win.player.play()
    stop = lambda: win.close()
else:
    import ctypes
    inst = vlc.Instance(["--quiet", "--no-xlib", "--no-video-title-show"])
    mp = inst.media_player_new()
    W, H = 1920, 1080
    buf = (ctypes.c_ubyte * (W * H * 4))()
    @vlc.CallbackDecorators.VideoLockCb
    def lock(o, planes):
        planes[0] = ctypes.addressof(buf)
    @vlc.CallbackDecorators.VideoUnlockCb
    def unlock(o, p, planes):
        pass
    @vlc.CallbackDecorators.VideoDisplayCb
    def display(o, p):
        counts["frames"] += 1
    mp.video_set_callbacks(lock, unlock, display, None)
    mp.video_set_format("RV32", W, H, W * 4)
    mp.set_media(inst.media_new_path(str(clip)))
    start = mp.play
    def stop():
        mp.stop(); mp.release(); inst.release(); app.quit()

state = {}
def begin():
    start()
    QTimer.singleShot(1500, measure_from)   # let playback settle
def measure_from():
    state["frames0"], state["cpu0"], state["t0"] = counts["frames"], cpu(), time.monotonic()
    QTimer.singleShot(int(seconds * 1000), finish)
def finish():
    wall = time.monotonic() - state["t0"]
    frames = counts["frames"] - state["frames0"]
    used = cpu() - state["cpu0"]
    print(f"RESULT {frames / wall:.2f} {100 * used / wall:.1f}", flush=True)
    stop()
QTimer.singleShot(800, begin)
app.exec()
'''

_BARE_WINDOW = r'''
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel("hello")
label.resize(640, 360)
class First(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            label.removeEventFilter(self)
            QTimer.singleShot(0, lambda: print(f"vigtool-first-frame {time.time():.3f}",
                                              file=sys.stderr, flush=True))
        return False
f = First()
label.installEventFilter(f)
label.show()
app.exec()
'''


@contextmanager
def display() -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    if env.get("DISPLAY"):
        yield env
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("bench_player needs a display or Xvfb (apt-get install xvfb)")
    number = 300 + os.getpid() % 300
    while Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1600x1000x24"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.05)
        env["DISPLAY"] = f":{number}"
        yield env
    finally:
        proc.terminate()
        proc.wait()


def playback(env: dict[str, str], mode: str, clip: Path, seconds: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as work:
        env = {**env, "XDG_CONFIG_HOME": work, "PULSE_SERVER": "none"}
        out = subprocess.run(
            [sys.executable, "-c", _PLAY_PROBE, mode, str(clip), str(seconds), work],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
        )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            fps, cpu = line.split()[1:]
            return float(fps), float(cpu)
    raise RuntimeError(f"{mode} playback probe failed:\n{out.stderr[-2000:]}")


def first_frame(env: dict[str, str], command: list[str]) -> float:
    with tempfile.TemporaryDirectory() as work:
        env = {**env, "XDG_CONFIG_HOME": work, "XDG_DATA_HOME": work,
               "VIGTOOL_STARTUP_PROBE": "1", "PULSE_SERVER": "none"}
        started = time.time()
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True)
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if line.startswith("vigtool-first-frame "):
                    return float(line.split()[1]) - started
            raise RuntimeError("the first frame was never reported")
        finally:
            proc.kill()
            proc.wait()


def prepare_workspace(env: dict[str, str], folder: Path) -> None:
    """Import the sample clip once, so the timed start measures opening, not importing."""
    subprocess.run([sys.executable, "-m", "vigtool.cli", "demo", "--workspace", str(folder),
                    "--no-gui"], env=env, cwd=ROOT, check=True, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    seconds = 3.0 if args.quick else 8.0
    starts = 2 if args.quick else 5
    clip, _ = ensure_clip(PLAY_SPEC, MEDIA)
    rows = []
    with display() as env, tempfile.TemporaryDirectory() as tmp:
        ours = playback(env, "vigtool", clip, seconds)
        base = playback(env, "baseline", clip, seconds)
        rows.append(("playback 1080p30: frames shown per second", ours[0], base[0], "30 fps",
                     ours[0] >= 29.0))
        rows.append(("playback 1080p30: CPU, % of one core", ours[1], base[1], "<= 40 %",
                     ours[1] <= 40.0))
        ws = Path(tmp) / "ws"
        prepare_workspace(env, ws)
        app_cmd = [sys.executable, "-m", "vigtool.cli", "gui", "--workspace", str(ws)]
        ours_start = statistics.median(first_frame(env, app_cmd) for _ in range(starts))
        bare = statistics.median(
            first_frame(env, [sys.executable, "-c", _BARE_WINDOW]) for _ in range(starts))
        rows.append(("start to first frame, s (median)", ours_start, bare, "<= 2 s",
                     ours_start <= 2.0))
    if args.json:
        print(json.dumps([dict(zip(("measure", "vigtool", "baseline", "goal", "pass"), r,
                                   strict=True)) for r in rows], indent=2))
        return 0
    print(f"{'measurement':<44} {'vigtool':>9} {'baseline':>9}  {'goal':<9} result")
    for name, ours_v, base_v, goal, ok in rows:
        print(f"{name:<44} {ours_v:>9.2f} {base_v:>9.2f}  {goal:<9} {'pass' if ok else 'FAIL'}")
    print("baselines: bare libvlc decoding into memory (no painting); a bare PySide6 window's"
          " first paint")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The command line on bad input: exit 2, one specific ``error:`` line, never a traceback.

Every case runs the real CLI in a child process, the way a practitioner or a
script would, on real files: clips from the sample generator, a renamed photo,
a text file, random bytes, copies cut short the way an interrupted copy from a
camera card leaves them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from sample_clips.kinds import AUDIO_ONLY, H264_BFRAMES, VideoTruth, make_video
from sample_clips.pattern import read_frame_number
from vigtool.privacy.files import TEMP_PREFIX

ROOT = Path(__file__).resolve().parents[2]
FRAMES = 30
EXIT_BAD_INPUT = 2
PROBE_KEYS = {
    "duration_ms", "frame_count", "fps", "vfr", "width", "height", "rotation", "has_audio",
    "codec",
}


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str | Path], *, cwd: Path) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # An unexpected failure writes a crash log; keep it out of the real home folder.
    env["XDG_STATE_HOME"] = str(cwd / ".state")
    done = subprocess.run(
        [sys.executable, "-m", "vigtool.cli", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_error_line(run: Run, *mentions: str) -> str:
    """Exit 2, exactly one ``error: ...`` line on stderr naming each of ``mentions``."""
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.code == EXIT_BAD_INPUT, (run.code, run.stderr)
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert run.stderr.endswith("\n"), run.stderr
    line = run.stderr.rstrip("\n")
    assert line.startswith("error: "), line
    for words in mentions:
        assert words.lower() in line.lower(), f"{words!r} not in {line!r}"
    # One plain sentence for a person: no raw library error numbers.
    assert "errno" not in line.lower(), line
    return line


def assert_no_partial_files(folder: Path) -> None:
    leftovers = sorted(p.name for p in folder.rglob(f"{TEMP_PREFIX}*"))
    assert leftovers == [], leftovers


def remux_faststart(source: Path, target: Path) -> None:
    """Copy the streams into an MP4 whose index (moov) comes before the media data."""
    with av.open(str(source)) as src, av.open(
        str(target), "w", options={"movflags": "faststart"}
    ) as out:
        streams = {
            s.index: out.add_stream_from_template(s)
            for s in src.streams
            if s.type in ("video", "audio")
        }
        for packet in src.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            out.mux(packet)


def truncated_copy(source: Path, target: Path, percent: int) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) * percent // 100])
    return target


def moov_before_mdat(path: Path) -> bool:
    data = path.read_bytes()
    return data.index(b"moov") < data.index(b"mdat")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    folder = tmp_path_factory.mktemp("clips")
    truth = make_video(folder / "dyad.mp4", H264_BFRAMES, frames=FRAMES)
    # Cameras and make_video write the index at the end, after the media data.
    assert not moov_before_mdat(truth.path)
    return truth


@pytest.fixture(scope="module")
def faststart_clip(clip: VideoTruth) -> Path:
    target = clip.path.with_name("dyad-faststart.mp4")
    remux_faststart(clip.path, target)
    assert moov_before_mdat(target)
    return target


# -- bad video inputs ---------------------------------------------------------------


def _missing(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    return folder / "missing.mp4"


def _folder(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    path = folder / "visit.mp4"
    path.mkdir()
    return path


def _empty(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    path = folder / "empty.mp4"
    path.write_bytes(b"")
    return path


def _text(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    path = folder / "notes.mp4"
    path.write_text("Session notes: baby smiled at 00:42, mum followed.\n", encoding="utf-8")
    return path


def _renamed_image(ext: str, name: str) -> Callable[[Path, VideoTruth, Path], Path]:
    def make(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
        image = folder / f"{name}{ext}"
        picture = np.zeros((48, 64, 3), np.uint8)
        picture[:, :32] = (40, 120, 200)
        assert cv2.imwrite(str(image), picture)
        return image.rename(folder / f"{name}.mp4")

    return make


def _random_bytes(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    path = folder / "noise.mp4"
    path.write_bytes(random.Random(20240611).randbytes(64 * 1024))
    return path


def _audio_only(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
    return make_video(folder / "voice.m4a", AUDIO_ONLY, frames=FRAMES).path


def _cut(percent: int, *, index_first: bool) -> Callable[[Path, VideoTruth, Path], Path]:
    def make(folder: Path, clip: VideoTruth, faststart: Path) -> Path:
        source = faststart if index_first else clip.path
        layout = "faststart" if index_first else "camera"
        return truncated_copy(source, folder / f"cut-{layout}-{percent}.mp4", percent)

    return make


BAD_VIDEOS = [
    pytest.param(_missing, ["missing.mp4", "no such file"], id="missing"),
    pytest.param(_folder, ["visit.mp4", "folder"], id="folder"),
    pytest.param(_empty, ["empty.mp4", "empty"], id="zero-bytes"),
    pytest.param(_text, ["notes.mp4", "text file", "not a video"], id="text-renamed"),
    pytest.param(_renamed_image(".png", "still"), ["still.mp4", "PNG image", "not a video"],
                 id="png-renamed"),
    pytest.param(_renamed_image(".jpg", "photo"), ["photo.mp4", "JPEG image", "not a video"],
                 id="jpeg-renamed"),
    pytest.param(_random_bytes, ["noise.mp4", "not a video"], id="random-bytes"),
    pytest.param(_audio_only, ["voice.m4a", "audio-only"], id="audio-only"),
    *(
        pytest.param(
            _cut(percent, index_first=True),
            [f"cut-faststart-{percent}.mp4", "damaged or incomplete"],
            id=f"truncated-faststart-{percent}",
        )
        for percent in (30, 60, 90)
    ),
    *(
        pytest.param(
            _cut(percent, index_first=False),
            [f"cut-camera-{percent}.mp4", "damaged or incomplete"],
            id=f"truncated-camera-{percent}",
        )
        for percent in (30, 60, 90)
    ),
]


@pytest.mark.parametrize(("make_input", "mentions"), BAD_VIDEOS)
def test_probe_rejects_bad_video_with_one_line(
    tmp_path: Path,
    clip: VideoTruth,
    faststart_clip: Path,
    make_input: Callable[[Path, VideoTruth, Path], Path],
    mentions: list[str],
) -> None:
    video = make_input(tmp_path, clip, faststart_clip)
    run = run_cli(["probe", video, "--json"], cwd=tmp_path)
    assert_one_error_line(run, *mentions)
    assert run.stdout == ""


@pytest.mark.parametrize(("make_input", "mentions"), BAD_VIDEOS)
def test_frame_rejects_bad_video_with_one_line(
    tmp_path: Path,
    clip: VideoTruth,
    faststart_clip: Path,
    make_input: Callable[[Path, VideoTruth, Path], Path],
    mentions: list[str],
) -> None:
    video = make_input(tmp_path, clip, faststart_clip)
    out = tmp_path / "shots" / "still.png"
    run = run_cli(["frame", video, "--frame", "0", "--out", out], cwd=tmp_path)
    assert_one_error_line(run, *mentions)
    assert not out.exists()
    assert_no_partial_files(tmp_path)


# -- bad frame numbers and arguments ----------------------------------------------------


@pytest.mark.parametrize("number", [-1, FRAMES, 10**12], ids=["minus-one", "frame-count", "huge"])
def test_frame_out_of_range_says_the_valid_range(
    tmp_path: Path, clip: VideoTruth, number: int
) -> None:
    out = tmp_path / "still.png"
    run = run_cli(["frame", clip.path, "--frame", str(number), "--out", out], cwd=tmp_path)
    line = assert_one_error_line(run, "out of range", str(number), f"0 to {FRAMES - 1}")
    assert "frame" in line
    assert not out.exists()
    assert_no_partial_files(tmp_path)


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        pytest.param(["frame", "{clip}", "--frame", "abc", "--out", "x.png"],
                     ["--frame", "abc"], id="frame-not-a-number"),
        pytest.param(["frame", "{clip}", "--out", "x.png"], ["--frame", "required"],
                     id="frame-missing"),
        pytest.param(["probe"], ["video", "required"], id="probe-no-video"),
        pytest.param(["transcode", "{clip}"], ["transcode"], id="unknown-command"),
    ],
)
def test_bad_arguments_give_one_line(
    tmp_path: Path, clip: VideoTruth, args: list[str], mentions: list[str]
) -> None:
    run = run_cli([a.format(clip=clip.path) for a in args], cwd=tmp_path)
    assert_one_error_line(run, *mentions)


# -- bad output paths ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["still.gif", "still", "still.mp4"])
def test_frame_refuses_unsupported_still_format(
    tmp_path: Path, clip: VideoTruth, name: str
) -> None:
    out = tmp_path / name
    run = run_cli(["frame", clip.path, "--frame", "3", "--out", out], cwd=tmp_path)
    assert_one_error_line(run, name, ".png", ".jpg")
    assert not out.exists()
    assert_no_partial_files(tmp_path)


def test_frame_out_inside_a_file_says_it_is_not_a_folder(
    tmp_path: Path, clip: VideoTruth
) -> None:
    (tmp_path / "notes").write_text("not a folder\n", encoding="utf-8")
    run = run_cli(["frame", clip.path, "--frame", "3", "--out", "notes/still.png"],
                  cwd=tmp_path)
    assert_one_error_line(run, "notes", "not a folder")
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "not a folder\n"
    assert_no_partial_files(tmp_path)


def test_frame_out_that_is_a_folder_says_so(tmp_path: Path, clip: VideoTruth) -> None:
    (tmp_path / "still.png").mkdir()
    run = run_cli(["frame", clip.path, "--frame", "3", "--out", "still.png"], cwd=tmp_path)
    line = assert_one_error_line(run, "still.png")
    assert "folder" in line.lower() or "directory" in line.lower(), line
    assert_no_partial_files(tmp_path)


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user"
)
def test_frame_out_in_read_only_folder_says_permission_denied(
    tmp_path: Path, clip: VideoTruth
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        run = run_cli(["frame", clip.path, "--frame", "3", "--out", locked / "still.png"],
                      cwd=tmp_path)
        assert_one_error_line(run, "still.png", "permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_frame_out_creates_missing_folders(tmp_path: Path, clip: VideoTruth) -> None:
    out = tmp_path / "exports" / "visit-1" / "still.png"
    run = run_cli(["frame", clip.path, "--frame", "5", "--out", out], cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "")
    rgb = cv2.cvtColor(cv2.imread(str(out)), cv2.COLOR_BGR2RGB)
    assert read_frame_number(rgb) == 5
    assert_no_partial_files(tmp_path)


# -- the happy path, for contrast -----------------------------------------------------------


def test_probe_json_describes_the_clip(tmp_path: Path, clip: VideoTruth) -> None:
    run = run_cli(["probe", clip.path, "--json"], cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "")
    info = json.loads(run.stdout)
    assert set(info) >= PROBE_KEYS
    assert info["frame_count"] == FRAMES == clip.frame_count
    assert (info["width"], info["height"], info["rotation"]) == (clip.width, clip.height, 0)
    assert info["fps"] == pytest.approx(30.0)
    assert info["duration_ms"] == 1000
    assert info["vfr"] is False
    assert info["has_audio"] is True
    assert info["codec"] == clip.codec == "h264"


@pytest.mark.parametrize(("name", "number"), [("still.png", 17), ("still.jpg", FRAMES - 1)])
def test_frame_writes_that_exact_frame(
    tmp_path: Path, clip: VideoTruth, name: str, number: int
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / name
    run = run_cli(["frame", clip.path, "--frame", str(number), "--out", out], cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "")
    assert len(run.stdout.splitlines()) == 1
    picture = cv2.imread(str(out))
    assert picture is not None
    assert picture.shape == (clip.height, clip.width, 3)
    assert read_frame_number(cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)) == number
    assert sorted(p.name for p in out_dir.iterdir()) == [name]


def test_frame_png_is_a_real_png(tmp_path: Path, clip: VideoTruth) -> None:
    out = tmp_path / "still.png"
    run = run_cli(["frame", clip.path, "--frame", "0", "--out", out], cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# -- exporting over earlier exports ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vigtool.demo import build_demo

    root = tmp_path_factory.mktemp("demo") / "ws"
    build_demo(root)
    return root


def test_export_session_refuses_to_replace_files_unless_forced(
    tmp_path: Path, demo_workspace: Path
) -> None:
    args = ["export", "session", "--workspace", demo_workspace, "--case", "DEMO-01",
            "--out", tmp_path / "out", "--pad", "0.5s"]
    first = run_cli(args, cwd=tmp_path)
    assert first.code == 0, first.stderr
    folder = tmp_path / "out" / "DEMO-01-c1"
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 8  # the family's session: no practitioner's record
    assert first.stdout.splitlines() == [str(folder / name) for name in written]
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    again = run_cli(args, cwd=tmp_path)
    assert_one_error_line(again, "8 files", str(folder), "would be replaced", "--force")
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before

    forced = run_cli([*args, "--force"], cwd=tmp_path)
    assert forced.code == 0, forced.stderr
    assert sorted(p.name for p in folder.iterdir()) == written
    assert all(p.stat().st_mtime_ns > before[p.name] for p in folder.iterdir())
    assert_no_partial_files(tmp_path / "out")


@pytest.mark.parametrize(("pad", "mentions"), [("half", ["half", "0.5s"]),
                                               ("0.5", ["milliseconds are whole"])])
def test_a_time_that_is_not_one_is_one_line(tmp_path: Path, pad: str, mentions: list[str]) -> None:
    run = run_cli(["export", "clips", "--workspace", tmp_path, "--case", "X", "--out",
                   tmp_path / "o", "--pad", pad], cwd=tmp_path)
    assert_one_error_line(run, "--pad", *mentions)

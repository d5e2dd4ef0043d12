"""Write the committed sample clips and their truth files.

Usage: ``python -m sample_clips.generate [--out DIR]`` (default: this folder;
``DIR`` gets the same layout).

* ``demo/dyad.mp4`` - a cartoon parent and baby taking vocal turns (made by
  :mod:`sample_clips.dyad`), for the demo workspace and for tagging tests that
  need real "serve and return" timing with sound; ``demo/dyad.truth.json``
  lists every turn and chain. ``demo/`` ships inside vigtool as the data
  package ``vigtool.demo_clips``.
* ``frame_numbers.mp4`` - every frame shows its number (see
  :mod:`sample_clips.pattern`), H.264 with B-frames, a click every second;
  for frame-exact seeking and audio/video sync tests.
* ``vfr.mp4`` - variable frame rate with the frame pattern; the truth file
  holds every frame's presentation time.

Everything is synthesised from a fixed seed and encoded with deterministic
settings, so rerunning the script reproduces the committed bytes (with the
same PyAV/FFmpeg build) and a diff in git means the generator changed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np

from sample_clips.dyad import (
    DYAD_FPS,
    DYAD_FRAMES,
    HEIGHT,
    SAMPLE_RATE,
    SEED,
    WIDTH,
    dyad_pictures,
    dyad_sound,
    dyad_truth,
    dyad_turns,
)
from sample_clips.kinds import (
    VFR_TIME_BASE,
    AudioSettings,
    Mono,
    VideoSettings,
    phone_gaps,
    tone,
    write_media,
    x264_options,
)
from sample_clips.pattern import draw_frame

DEMO: Final = "demo"  # the demo clip's folder inside the output folder (vigtool.demo_clips)

# B-frames in frame_numbers.mp4 and vfr.mp4: presentation order differs from
# decode order, the case frame-exact readers most often get wrong.
B_FRAMES: Final = 3
NUMBERS_FPS: Final = 30
NUMBERS_FRAMES: Final = 10 * NUMBERS_FPS
VFR_SECONDS: Final = 8.0


def write_dyad(out: Path) -> list[Path]:
    """``dyad.mp4`` (H.264 + AAC, GOP 2 s) and ``dyad.truth.json``."""
    turns = dyad_turns()
    samples, envelopes = dyad_sound(turns, DYAD_FRAMES * SAMPLE_RATE // DYAD_FPS)
    video = VideoSettings(
        "libx264",
        WIDTH,
        HEIGHT,
        Fraction(DYAD_FPS),
        options=x264_options(2 * DYAD_FPS, crf=25),
        gop=2 * DYAD_FPS,
    )
    clip, truth = out / "dyad.mp4", out / "dyad.truth.json"
    write_media(
        clip,
        video=video,
        pictures=dyad_pictures(turns, envelopes),
        audio=AudioSettings("aac", SAMPLE_RATE, 64_000),
        samples=samples,
    )
    _write_json(truth, dyad_truth(turns))
    return [clip, truth]


def _clicks(frames: Sequence[int], fps: int, total: int) -> Mono:
    """10 ms, 2 kHz Hann-windowed bursts starting exactly on the given frames."""
    burst_n = SAMPLE_RATE // 100
    t = np.arange(burst_n) / SAMPLE_RATE
    burst = 0.7 * np.hanning(burst_n) * np.sin(2 * np.pi * 2000 * t)
    wave = np.zeros(total)
    for f in frames:
        start = f * SAMPLE_RATE // fps
        wave[start : start + burst_n] += burst[: total - start]
    return wave.astype(np.float32)


def write_frame_numbers(out: Path) -> list[Path]:
    """``frame_numbers.mp4`` and its truth: numbered frames, a click each second."""
    clicks = list(range(0, NUMBERS_FRAMES, NUMBERS_FPS))
    video = VideoSettings(
        "libx264",
        WIDTH,
        HEIGHT,
        Fraction(NUMBERS_FPS),
        options=x264_options(NUMBERS_FPS, bframes=B_FRAMES),
        gop=NUMBERS_FPS,
    )
    clip, truth_path = out / "frame_numbers.mp4", out / "frame_numbers.truth.json"
    write_media(
        clip,
        video=video,
        pictures=(draw_frame(i, WIDTH, HEIGHT) for i in range(NUMBERS_FRAMES)),
        audio=AudioSettings("aac", SAMPLE_RATE),
        samples=_clicks(clicks, NUMBERS_FPS, NUMBERS_FRAMES * SAMPLE_RATE // NUMBERS_FPS),
    )
    truth = {
        "clip": "frame_numbers.mp4",
        "fps": NUMBERS_FPS,
        "frame_count": NUMBERS_FRAMES,
        "width": WIDTH,
        "height": HEIGHT,
        "gop_frames": NUMBERS_FPS,
        "b_frames": B_FRAMES,
        "audio_sample_rate": SAMPLE_RATE,
        "click_frames": clicks,
        "click_ms": [round(f * 1000 / NUMBERS_FPS, 3) for f in clicks],
    }
    _write_json(truth_path, truth)
    return [clip, truth_path]


def write_vfr(out: Path) -> list[Path]:
    """``vfr.mp4`` and its truth: numbered frames at phone-like uneven times."""
    limit = round(VFR_SECONDS / VFR_TIME_BASE)
    gaps = phone_gaps(round(VFR_SECONDS * 30), seed=SEED)
    ticks = [0]
    for gap in gaps:
        if ticks[-1] + gap >= limit:
            break
        ticks.append(ticks[-1] + gap)
    end = ticks[-1] + gaps[len(ticks) - 1]
    video = VideoSettings(
        "libx264",
        WIDTH,
        HEIGHT,
        Fraction(30),
        options=x264_options(30, bframes=B_FRAMES),
        time_base=VFR_TIME_BASE,
    )
    clip, truth_path = out / "vfr.mp4", out / "vfr.truth.json"
    write_media(
        clip,
        video=video,
        pictures=(draw_frame(i, WIDTH, HEIGHT) for i in range(len(ticks))),
        pts=ticks,
        audio=AudioSettings("aac", SAMPLE_RATE),
        samples=tone(float(end * VFR_TIME_BASE), SAMPLE_RATE),
    )
    truth = {
        "clip": "vfr.mp4",
        "frame_count": len(ticks),
        "width": WIDTH,
        "height": HEIGHT,
        "time_base": f"{VFR_TIME_BASE.numerator}/{VFR_TIME_BASE.denominator}",
        "b_frames": B_FRAMES,
        "pts": ticks,
        "pts_ms": [
            round(t * 1000 * VFR_TIME_BASE.numerator / VFR_TIME_BASE.denominator, 3) for t in ticks
        ],
    }
    _write_json(truth_path, truth)
    return [clip, truth_path]


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m sample_clips.generate``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent, help="output folder"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    for write, folder in ((write_dyad, out / DEMO), (write_frame_numbers, out), (write_vfr, out)):
        folder.mkdir(parents=True, exist_ok=True)
        for path in write(folder):
            print(f"{path.stat().st_size:>9,d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

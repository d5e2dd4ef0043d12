"""A corpus of parent-baby recordings with ground truth, for the suggestion harness.

Usage::

    python -m sample_clips.conversations --out DIR [--seed N] [--scenario NAME ...]
    python -m sample_clips.conversations --list

Each scenario is one recording (60-120 s): ``NAME.mp4`` (H.264 + AAC 48 kHz
mono) and ``NAME.truth.json`` (turns, serve->return pairs, chains, reaches;
format and definitions in sample_clips/README.md, "Conversation corpus").
The parent speaks through espeak-ng (:mod:`sample_clips.voices`), the baby is
synthesised (:mod:`sample_clips.conv_child`), the room is added by
:mod:`sample_clips.conv_acoustics`, the script and truth come from
:mod:`sample_clips.conv_script` and the picture from
:mod:`sample_clips.conv_picture`. Same seed, same truth and same sound.
"""

from __future__ import annotations

import argparse
import json
import os
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import av
import cv2
import numpy as np
import numpy.typing as npt

from sample_clips import conv_acoustics as room
from sample_clips.conv_picture import Stage, pictures
from sample_clips.conv_script import MS, Scenario, choose_cast, write_script
from sample_clips.voices import MIX_RATE, Speaker, Wave

SEED: Final = 1307
SAMPLE_RATE: Final = 48_000
REFERENCE: Final = 0.08  # the parent's speech, active RMS (about -22 dBFS)
_CHAINS_ONLY: Final = {"chain_child": 5.0, "chain_adult": 3.0, "lone_child": 1.0, "lone_adult": 1.0}

SCENARIOS: Final[tuple[Scenario, ...]] = (
    Scenario("clean", "a mother and baby in a quiet room", duration_s=(120, 120)),
    Scenario("quiet_child", "the baby vocalises 12-18 dB below the mother", child_db=(-18, -12)),
    Scenario("pink_noise", "pink background noise at 10 dB SNR, swelling +-3 dB, one appliance",
             noise=("pink", 10.0), swell_db=3.0, appliances=1),
    Scenario("brown_noise", "brown (rumbling) noise at 8 dB SNR, two appliances",
             noise=("brown", 8.0), appliances=2, child_right=True),
    Scenario("television", "a television (speech and music, band-limited) 14 dB below",
             tv_db=-14.0, duration_s=(120, 120)),
    Scenario("reverberant", "a bare room, RT60 0.5-0.8 s", rt60_s=(0.5, 0.8)),
    Scenario("overlapping", "half the answers start before the other has finished",
             overlap=0.5, latency_s=(0.2, 1.2)),
    Scenario("long_silences", "long quiet stretches (9-25 s) between exchanges",
             gap_s=(9.0, 25.0), duration_s=(100, 120)),
    Scenario("second_adult", "the mother also talks with another adult, not to the baby",
             weights={"chain_child": 3, "chain_adult": 2, "lone_child": 1, "lone_adult": 1,
                      "adults": 2}, must=("adults",)),
    Scenario("sibling", "a big sister talks with the mother (not to the baby)",
             weights={"chain_child": 3, "chain_adult": 2, "lone_child": 1, "lone_adult": 1,
                      "sibling": 2}, must=("sibling",)),
    Scenario("crying", "a crying stretch with the mother soothing", must=("cry",),
             duration_s=(90, 120)),
    Scenario("ids_mother", "strongly infant-directed speech: high, gliding pitch",
             parent="ids_mother", size=(640, 360)),
    Scenario("father", "a father's voice", parent="father", child_right=True),
    Scenario("fast_turns", "quick answers, 0.2-0.5 s", latency_s=(0.2, 0.5),
             weights=_CHAINS_ONLY, duration_s=(120, 120)),
    Scenario("slow_turns", "slow answers, 1.4-1.8 s, a French-speaking mother",
             latency_s=(1.4, 1.8), language="fr"),
    Scenario("busy_home", "television, a second adult, clatter, some echo, a quieter baby, "
             "handheld camera", tv_db=-18.0, tv_language="de", noise=("brown", 18.0),
             rt60_s=(0.3, 0.5), clatter_per_min=4.0, child_db=(-12, -6), overlap=0.2,
             weights={"chain_child": 3, "chain_adult": 3, "lone_child": 1.5, "lone_adult": 1,
                      "adults": 1.5}, must=("adults",), handheld=True, size=(640, 360), fps=30,
             duration_s=(120, 120)),
)
SCENARIO_NAMES: Final = tuple(s.name for s in SCENARIOS)


@dataclass(frozen=True)
class Recording:
    """A rendered recording before encoding."""

    scenario: Scenario
    truth: dict[str, Any]
    samples: npt.NDArray[np.float32]  # mono at SAMPLE_RATE
    loudness: dict[str, npt.NDArray[np.float64]]  # actor -> 0..1 per video frame
    frames: int


def scenario(name: str) -> Scenario:
    """The scenario called ``name``."""
    for s in SCENARIOS:
        if s.name == name:
            return s
    raise KeyError(f"no scenario {name!r}; there are: {', '.join(SCENARIO_NAMES)}")


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def build_recording(spec: Scenario, seed: int = SEED) -> Recording:
    """Script, voices, room and truth of one recording (no encoding)."""
    rng = _rng(seed, spec.name)
    cast = choose_cast(spec, rng)
    cast.prefetch(spec)
    script = write_script(spec, rng, cast)
    n = script.duration_ms * MS
    dry = {actor: np.zeros(n) for actor in ("child", "adult", "other")}
    for sound in script.sounds:
        piece = sound.wave[: n - sound.start]
        dry[sound.actor][sound.start : sound.start + len(piece)] += piece * REFERENCE
    conditions: dict[str, Any] = {
        "about": spec.about,
        "parent": vars(cast.parent),
        "other_adult": vars(cast.other),
        "child_f0_hz": round(cast.child_f0),
        "child_db": round(cast.child_db, 1),
    }
    if "sibling" in spec.weights:
        conditions["sibling"] = vars(cast.sibling)
    wet = dict(dry)
    extra_turns: list[dict[str, Any]] = []
    background = np.zeros(n)
    if spec.tv_db is not None:
        tv_voice = Speaker("de+m2" if spec.tv_language == "de" else "en-us+m7", 175, 45, "medium")
        tv, sections = room.television(rng, n / MIX_RATE, tv_voice, spec.tv_language)
        wet["tv"] = tv * REFERENCE * room.db(spec.tv_db)
        extra_turns += [{"actor": "tv", "kind": "background", "start_ms": a // MS,
                         "end_ms": b // MS, "content": what} for a, b, what in sections]
        conditions["tv"] = {"db": spec.tv_db, "voice": tv_voice.voice}
    if spec.rt60_s is not None:
        rt60s = {}
        for actor in list(wet):
            rt60 = float(rng.uniform(*spec.rt60_s))
            response = room.room_response(rng, rt60, float(rng.uniform(-2.0, 4.0)))
            wet[actor] = room.convolve(wet[actor], response)
            rt60s[actor] = round(rt60, 2)
        conditions["rt60_s"] = rt60s
    if spec.noise is not None:
        colour, snr = spec.noise
        noise = room.coloured_noise(rng, n, colour) * REFERENCE * room.db(-snr)
        if spec.swell_db:
            noise *= room.swelling(rng, n, spec.swell_db)
        machines: list[dict[str, Any]] = []
        if spec.appliances:
            machine, spans = room.appliances(rng, n, spec.appliances)
            noise += machine * REFERENCE * room.db(-snr)
            machines = [{"what": what, "start_ms": a // MS, "end_ms": b // MS}
                        for a, b, what in spans]
        background += noise
        conditions["noise"] = {"colour": colour, "snr_db": snr, "swell_db": spec.swell_db,
                               "appliances": machines}
    if spec.clatter_per_min:
        background += room.clatter(rng, n, spec.clatter_per_min) * REFERENCE * room.db(6)
    mix = room.upsample(sum(wet.values()) + background)
    mix += rng.normal(0.0, REFERENCE * room.db(-46), len(mix))  # the microphone's own hiss
    peak = float(np.abs(mix).max())
    if peak > 0.95:
        mix *= 0.95 / peak
    frames = -(-script.duration_ms * spec.fps // 1000)
    truth = {
        "scenario": spec.name,
        "seed": seed,
        "duration_ms": script.duration_ms,
        "fps": spec.fps,
        "width": spec.size[0],
        "height": spec.size[1],
        "sample_rate": SAMPLE_RATE,
        "conditions": conditions,
        "turns": sorted(script.truth["turns"] + extra_turns,
                        key=lambda t: (t["start_ms"], t["actor"])),
        "pairs": script.truth["pairs"],
        "chains": script.truth["chains"],
        "reaches": script.truth["reaches"],
    }
    loud = {actor: _frame_loudness(wave, frames, spec.fps) for actor, wave in dry.items()}
    return Recording(spec, truth, mix.astype(np.float32), loud, frames)


def _frame_loudness(wave: Wave, frames: int, fps: int) -> npt.NDArray[np.float64]:
    """0..1 per video frame: the voice's RMS against its own loud level."""
    edges = (np.arange(frames + 1) * MIX_RATE // fps).clip(0, len(wave))
    energy = np.concatenate(([0.0], np.cumsum(wave**2)))
    counts = np.maximum(np.diff(edges), 1)
    rms = np.sqrt(np.maximum(np.diff(energy[edges]), 0) / counts)
    voiced = rms[rms > 0]
    top = float(np.percentile(voiced, 90)) if len(voiced) else 1.0
    return np.asarray(np.clip(rms / max(top, 1e-12), 0, 1))


def write_recording(recording: Recording, out_dir: Path) -> Path:
    """Encode ``NAME.mp4`` and write ``NAME.truth.json`` into ``out_dir``."""
    spec = recording.scenario
    width, height = spec.size
    third = next((k for k in ("adults", "sibling") if k in spec.weights), None)
    stage = Stage(width, height, spec.fps, spec.child_right, spec.handheld,
                  spec.tv_db is not None, third)
    path = out_dir / f"{spec.name}.mp4"
    rng = _rng(recording.truth["seed"] + 1, spec.name)
    frames = pictures(stage, recording.loudness, recording.truth["reaches"], rng)
    encode(path, frames, recording.samples, width, height, spec.fps)
    truth_path = out_dir / f"{spec.name}.truth.json"
    truth_path.write_text(json.dumps(recording.truth, indent=1) + "\n", encoding="utf-8")
    return path


def encode(path: Path, frames: Iterable[npt.NDArray[np.uint8]], samples: npt.NDArray[np.float32],
           width: int, height: int, fps: int) -> None:
    """H.264 (x264 ultrafast, keyframe every 2 s) + AAC 48 kHz mono in MP4, interleaved.

    Speed over bytes: the picture is a cartoon, and the AAC encoder's "fast"
    coder halves its time at no cost to what the harness measures."""
    with av.open(str(path), mode="w") as out:
        video = out.add_stream("libx264", rate=fps, options={
            "preset": "ultrafast", "crf": "26", "g": str(2 * fps), "sc_threshold": "0"})
        assert isinstance(video, av.VideoStream)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.thread_count = 1
        audio = out.add_stream("aac", rate=SAMPLE_RATE, options={"aac_coder": "fast"})
        assert isinstance(audio, av.AudioStream)
        audio.layout = "mono"
        audio.bit_rate = 96_000
        chunk, sent = 1024, 0
        for index, rgb in enumerate(frames):
            # OpenCV's colour conversion is several times faster than the encoder's.
            yuv = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
            due = min(len(samples), (index + 1) * SAMPLE_RATE // fps)
            while sent + chunk <= due or (sent < due == len(samples)):
                sent = _send_audio(out, audio, samples, sent, chunk)
        out.mux(video.encode(None))
        while sent < len(samples):
            sent = _send_audio(out, audio, samples, sent, chunk)
        out.mux(audio.encode(None))


def _send_audio(out: av.container.OutputContainer, stream: av.AudioStream,
                samples: npt.NDArray[np.float32], at: int, chunk: int) -> int:
    piece = np.ascontiguousarray(samples[at : at + chunk]).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(piece, format="flt", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    frame.pts = at
    frame.time_base = Fraction(1, SAMPLE_RATE)
    out.mux(stream.encode(frame))
    return at + piece.shape[1]


def _make(args: tuple[Scenario, int, str]) -> str:
    spec, seed, out = args
    return str(write_recording(build_recording(spec, seed), Path(out)))


def generate_corpus(out_dir: Path, seed: int = SEED,
                    scenarios: Iterable[str | Scenario] | None = None,
                    workers: int | None = None) -> list[Path]:
    """Write every scenario's recording and truth into ``out_dir``; return the mp4 paths
    in scenario order. ``scenarios`` are names (or :class:`Scenario` variants);
    ``workers`` processes (default: one per CPU) share the work."""
    chosen = list(scenarios) if scenarios is not None else list(SCENARIO_NAMES)
    # Unknown names fail here, before any work.
    specs = [s if isinstance(s, Scenario) else scenario(s) for s in chosen]
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(spec, seed, str(out_dir)) for spec in specs]
    count = min(len(jobs), workers or os.cpu_count() or 1)
    if count <= 1:
        return [Path(_make(job)) for job in jobs]
    with ProcessPoolExecutor(max_workers=count) as pool:
        return [Path(p) for p in pool.map(_make, jobs)]


def variant(name: str, **changes: Any) -> Scenario:
    """A scenario with some fields changed (for tests that want a shorter film)."""
    return replace(scenario(name), **changes)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m sample_clips.conversations``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scenario", action="append", choices=SCENARIO_NAMES,
                        help="only this scenario (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    args = parser.parse_args(argv)
    if args.list or args.out is None:
        for s in SCENARIOS:
            print(f"{s.name:<15} {s.about}")
        return 0 if args.list else 2
    for path in generate_corpus(args.out, args.seed, args.scenario):
        truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        print(f"{path.stat().st_size:>9,d}  {path}  {truth['duration_ms'] / 1000:.1f} s, "
              f"{len(truth['pairs'])} pairs, {len(truth['chains'])} chains")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

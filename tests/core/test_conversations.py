"""The conversation corpus generator (sample_clips.conversations) tells the truth.

The suggestion harness trusts these truth files, so they are checked here
against the definitions in sample_clips/README.md ("Conversation corpus"),
and the encoded films are decoded with plain PyAV: right length, sound where
the truth says somebody speaks, and motion where it says the parent reaches.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest

from benchmarks.suggest_score import score_recording, truth_as_suggestions
from sample_clips.conversations import (
    SCENARIO_NAMES,
    SEED,
    Recording,
    build_recording,
    generate_corpus,
    main,
    variant,
)

pytestmark = pytest.mark.slow
DYAD = ("child", "adult")
OVERLAPPING = {"overlapping", "busy_home"}


@pytest.fixture(scope="module")
def recordings() -> dict[str, Recording]:
    """Every scenario, shortened to 60 s (the script, voices and room; no encoding)."""
    return {name: build_recording(variant(name, duration_s=(60, 60))) for name in SCENARIO_NAMES}


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two recordings (one small, one 640x360 at 30 fps, both cut to 60 s) encoded by
    the public entry point, in two processes."""
    short = [variant(name, duration_s=(60, 60)) for name in ("father", "busy_home")]
    return generate_corpus(tmp_path_factory.mktemp("corpus"), scenarios=short, workers=2)


def test_every_condition_of_the_issue_has_a_scenario() -> None:
    assert set(SCENARIO_NAMES) >= {
        "clean", "quiet_child", "pink_noise", "brown_noise", "television", "reverberant",
        "overlapping", "long_silences", "second_adult", "crying", "ids_mother", "father",
        "fast_turns", "slow_turns", "sibling", "busy_home",
    }


def test_same_seed_same_truth_and_sound_other_seed_other_truth() -> None:
    spec = variant("overlapping", duration_s=(60, 60))
    first, again = build_recording(spec), build_recording(spec)
    assert first.truth == again.truth
    assert np.array_equal(first.samples, again.samples)
    other = build_recording(spec, seed=SEED + 1)
    assert other.truth["turns"] != first.truth["turns"]


def _dyad_turns(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in truth["turns"] if t["actor"] in DYAD]


def test_truth_is_consistent(recordings: dict[str, Recording]) -> None:
    for name, rec in recordings.items():
        truth = rec.truth
        assert truth["scenario"] == name
        assert truth["duration_ms"] == 60_000
        starts = [(t["start_ms"], t["actor"]) for t in truth["turns"]]
        assert starts == sorted(starts), name
        for turn in truth["turns"]:
            assert 0 <= turn["start_ms"] < turn["end_ms"] <= truth["duration_ms"], (name, turn)
        assert truth["pairs"], f"{name} has no pairs"
        onsets = {(t["actor"], t["start_ms"]) for t in truth["turns"]}
        for pair in truth["pairs"]:
            assert (pair["serve_actor"], pair["serve_ms"]) in onsets
            assert (pair["return_actor"], pair["return_ms"]) in onsets
            assert pair["serve_actor"] != pair["return_actor"]
            assert pair["serve_ms"] < pair["return_ms"]
            low = -700 if name in OVERLAPPING else 200
            assert low <= pair["latency_ms"] <= 1800, (name, pair)
            if name not in OVERLAPPING:
                assert pair["latency_ms"] >= 200
            # Nobody else starts to speak between a serve and its return.
            between = [t for t in truth["turns"] if t["actor"] != "tv"
                       and pair["serve_ms"] < t["start_ms"] < pair["return_ms"]]
            assert between == [], (name, pair)
            inside = [c for c in truth["chains"]
                      if c["start_ms"] <= pair["serve_ms"] and pair["return_ms"] < c["end_ms"]]
            assert len(inside) == 1, (name, pair)


def test_chains_are_three_seconds_from_any_other_dyad_voice(
    recordings: dict[str, Recording],
) -> None:
    for name, rec in recordings.items():
        truth = rec.truth
        chains = truth["chains"]
        assert sum(c["turns"] - 1 for c in chains) == len(truth["pairs"]), name
        for index, chain in enumerate(chains):
            for turn in _dyad_turns(truth):
                if turn.get("chain") == index:
                    assert chain["start_ms"] <= turn["start_ms"] < turn["end_ms"] <= chain["end_ms"]
                else:
                    gap_after = turn["start_ms"] - chain["end_ms"]
                    gap_before = chain["start_ms"] - turn["end_ms"]
                    assert max(gap_after, gap_before) >= 3000, (name, chain, turn)


def test_what_is_not_a_pair_is_there(recordings: dict[str, Recording]) -> None:
    every = [t for rec in recordings.values() for t in rec.truth["turns"]]
    # Unanswered bids by both, followed by at least 3 s of quiet (checked above).
    for actor in DYAD:
        assert any(t["actor"] == actor and t["kind"] == "initiative" and "chain" not in t
                   for t in every)
    for name in ("second_adult", "sibling"):
        talk = recordings[name].truth["turns"]
        assert any(t["actor"] == "other" for t in talk)
        assert any(t["actor"] == "adult" and t["kind"] == "solo" for t in talk)
    crying = recordings["crying"].truth["turns"]
    assert any(t["kind"] == "cry" and t["end_ms"] - t["start_ms"] >= 5000 for t in crying)
    tv = recordings["television"].truth["turns"]
    assert sum(t["end_ms"] - t["start_ms"] for t in tv if t["actor"] == "tv") == 60_000


def test_conditions_are_what_the_scenario_says(recordings: dict[str, Recording]) -> None:
    assert -18 <= recordings["quiet_child"].truth["conditions"]["child_db"] <= -12
    noise = recordings["pink_noise"].truth["conditions"]["noise"]
    assert (noise["colour"], noise["snr_db"], len(noise["appliances"])) == ("pink", 10.0, 1)
    rt60 = recordings["reverberant"].truth["conditions"]["rt60_s"]
    assert all(0.5 <= v <= 0.8 for v in rt60.values())
    assert recordings["father"].truth["conditions"]["parent"]["voice"].startswith("en+m") or \
        "+m" in recordings["father"].truth["conditions"]["parent"]["voice"]
    fast = [p["latency_ms"] for p in recordings["fast_turns"].truth["pairs"]]
    slow = [p["latency_ms"] for p in recordings["slow_turns"].truth["pairs"]]
    assert max(fast) <= 500
    assert min(slow) >= 1400
    overlapped = [p for p in recordings["overlapping"].truth["pairs"] if p["latency_ms"] < 0]
    assert overlapped


def _level_db(samples: npt.NDArray[np.float32], spans: list[tuple[int, int]],
              percentile: float = 50) -> float:
    """A percentile (default the median) of the 10 ms levels (dBFS) over the given
    spans (ms) of 48 kHz samples."""
    hop = 480
    frames = len(samples) // hop
    rms = np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    mask = np.zeros(frames, dtype=bool)
    for start, end in spans:
        mask[start // 10 : end // 10] = True
    return float(20 * np.log10(np.percentile(rms[mask], percentile)))


def _quiet_spans(truth: dict[str, Any]) -> list[tuple[int, int]]:
    """Stretches with no voice at all, 300 ms clear of every turn."""
    voiced = sorted((t["start_ms"], t["end_ms"]) for t in truth["turns"] if t["actor"] != "tv")
    spans, at = [], 0
    for start, end in voiced:
        if start - 300 > at + 300:
            spans.append((at + 300, start - 300))
        at = max(at, end)
    return spans


def test_the_sound_follows_the_truth(recordings: dict[str, Recording]) -> None:
    clean = recordings["clean"]
    adult = [(t["start_ms"], t["end_ms"]) for t in clean.truth["turns"] if t["actor"] == "adult"]
    speech = _level_db(clean.samples, adult)
    assert speech - _level_db(clean.samples, _quiet_spans(clean.truth)) > 35
    noisy = recordings["pink_noise"]
    noisy_adult = [(t["start_ms"], t["end_ms"]) for t in noisy.truth["turns"]
                   if t["actor"] == "adult"]
    gap = _level_db(noisy.samples, noisy_adult) - _level_db(noisy.samples,
                                                            _quiet_spans(noisy.truth))
    assert 5 < gap < 16  # 10 dB SNR against active speech; pauses inside turns pull it down
    quiet = recordings["quiet_child"]
    child = [(t["start_ms"], t["end_ms"]) for t in quiet.truth["turns"] if t["actor"] == "child"]
    loud = [(t["start_ms"], t["end_ms"]) for t in quiet.truth["turns"] if t["actor"] == "adult"]
    # Loud moments against loud moments (the median would count the pauses in speech).
    assert _level_db(quiet.samples, loud, 90) - _level_db(quiet.samples, child, 90) > 10


def test_truth_written_as_suggestions_scores_perfectly(recordings: dict[str, Recording]) -> None:
    for rec in recordings.values():
        score = score_recording(rec.truth, truth_as_suggestions(rec.truth))
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
        assert score.boundary.matched == len(rec.truth["chains"])


def test_films_decode_with_the_right_length_sound_and_motion(films: list[Path]) -> None:
    assert [p.name for p in films] == ["father.mp4", "busy_home.mp4"]
    for path in films:
        truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        with av.open(str(path)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            assert video.codec_context.name == "h264"
            assert audio.codec_context.name == "aac"
            assert audio.sample_rate == 48_000
            assert audio.layout.name == "mono"
            size = (video.codec_context.width, video.codec_context.height)
            pictures: list[npt.NDArray[np.int16]] = []  # every 4th pixel is plenty for motion
            times: list[float] = []
            for frame in container.decode(video):
                pictures.append(frame.to_ndarray(format="gray")[::4, ::4].astype(np.int16))
                times.append(float(frame.time or 0.0))
        with av.open(str(path)) as container:
            sound = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
        assert size == (truth["width"], truth["height"])
        assert len(pictures) == math.ceil(truth["duration_ms"] * truth["fps"] / 1000)
        assert times[0] == 0.0
        assert abs(len(sound) - truth["duration_ms"] * 48) <= 1024
        speech = [(t["start_ms"], t["end_ms"]) for t in _dyad_turns(truth)]
        assert _level_db(sound, speech) - _level_db(sound, _quiet_spans(truth)) > 6, path.name
        _check_reaches_move(truth, np.stack(pictures), path.name)


def _check_reaches_move(truth: dict[str, Any], frames: npt.NDArray[np.int16], name: str) -> None:
    """The picture changes more while the parent reaches than while nobody does."""
    motion = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    ms = np.arange(1, len(frames)) * 1000 / truth["fps"]
    reaching = np.zeros(len(motion), dtype=bool)
    for reach in truth["reaches"]:
        reaching |= (ms >= reach["start_ms"]) & (ms < reach["end_ms"])
    assert reaching.any(), name
    assert motion[reaching].mean() > 1.3 * np.median(motion[~reaching]), name


def test_command_line_lists_the_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(SCENARIO_NAMES)

"""Suggested moments: found in the real demo film's sound, on its clock, cancellable, cached.

The demo clip's truth file says, frame-exactly, who serves and who returns;
the analysis must find its four chains with every turn, by the right
partner, within a tenth of a second. Synthetic voices check each stage.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from sample_clips.kinds import AUDIO_ONLY, H264_BFRAMES, make_video
from vigtool.analysis.exchanges import (
    VoiceTurn,
    candidates,
    chains,
    response_window,
    voice_turns,
)
from vigtool.analysis.records import SuggestedTurn
from vigtool.analysis.sound import RATE, sound_features
from vigtool.analysis.suggest import ANALYSIS_VERSION, load_or_suggest, suggest_moments
from vigtool.analysis.voices import Stretch, find_stretches
from vigtool.errors import Cancelled, MediaError
from vigtool.jobs import CancelToken
from vigtool.media.placed_sound import decode_mono

CLIPS = Path(__file__).resolve().parents[2] / "sample_clips"
DYAD = CLIPS / "demo" / "dyad.mp4"
NUMBERS = CLIPS / "frame_numbers.mp4"


def _truth_chains() -> list[list[dict[str, Any]]]:
    truth = json.loads((CLIPS / "demo" / "dyad.truth.json").read_text())
    turns = [t for t in truth["turns"] if t["kind"] != "reception"]
    return [[t for t in turns if t["chain"] == c["id"]] for c in truth["chains"]]


def test_the_demo_films_four_chains_are_found_turn_by_turn() -> None:
    found = suggest_moments(DYAD)
    truth = _truth_chains()
    assert len(found) == len(truth) == 4
    for suggestion, chain in zip(found, truth, strict=True):
        assert [t.actor for t in suggestion.turns] == [t["actor"] for t in chain]
        assert [t.kind for t in suggestion.turns] == [t["kind"] for t in chain]
        for turn, want in zip(suggestion.turns, chain, strict=True):
            assert abs(turn.ms - want["start_ms"]) <= 100
            assert abs(turn.end_ms - want["end_ms"]) <= 150
        assert abs(suggestion.start_ms - chain[0]["start_ms"]) <= 100
        assert abs(suggestion.end_ms - chain[-1]["end_ms"]) <= 150
        assert 0 < suggestion.score <= 1
        assert suggestion.motion is not None
        assert suggestion.motion > 0
    # Longer chains with prompt answers score higher.
    assert found[0].score > found[1].score


def test_the_sound_is_read_on_the_videos_clock() -> None:
    """frame_numbers.mp4 clicks at the start of every second: the clicks land there."""
    samples = decode_mono(NUMBERS, rate=RATE)
    assert samples is not None
    loud = np.flatnonzero(np.abs(samples) > 0.5 * np.abs(samples).max())
    onsets = loud[np.concatenate([[True], np.diff(loud) > RATE // 2])] * 1000 / RATE
    assert len(onsets) == 10
    assert np.all(np.abs(onsets - 1000 * np.arange(10)) <= 25)


Samples = npt.NDArray[np.float32]


def _voice(hz: float, seconds: float, harmonics: int, level: float = 0.3) -> Samples:
    t = np.arange(int(seconds * RATE)) / RATE
    wave = sum(np.sin(2 * np.pi * hz * (k + 1) * t) / (k + 1) for k in range(harmonics))
    env = np.sin(np.pi * np.linspace(0, 1, t.size)) ** 0.3
    return np.asarray(level * wave * env / harmonics, dtype=np.float32)


def _quiet(seconds: float) -> npt.NDArray[np.float32]:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_a_high_voice_is_the_childs_a_low_one_the_adults_and_noise_is_no_one() -> None:
    rng = np.random.default_rng(3)
    parts = [_quiet(0.5), _voice(480, 0.8, 3), _quiet(0.6), _voice(170, 1.2, 12),
             _quiet(0.5), (0.05 * rng.standard_normal(int(1.5 * RATE))).astype(np.float32),
             _quiet(0.5)]
    stretches = find_stretches(sound_features(np.concatenate(parts)))
    assert [s.speaker for s in stretches] == ["child", "adult"]
    assert abs(stretches[0].start_ms - 500) <= 60
    assert abs(stretches[1].start_ms - 1900) <= 60
    assert 450 < stretches[0].f0 < 510
    assert 160 < stretches[1].f0 < 180


def _turns(*spec: tuple[str, int, int]) -> list[VoiceTurn]:
    return [VoiceTurn("child" if a == "c" else "adult", s, e, 1.0) for a, s, e in spec]


def test_an_answer_must_come_within_the_window_and_from_the_other_partner() -> None:
    turns = _turns(("c", 0, 800), ("a", 1300, 2500), ("a", 6000, 7000), ("c", 7400, 8000),
                   ("c", 14000, 14500))
    found = chains(turns)
    assert [[t.start_ms for t in c] for c in found] == [[0, 1300], [6000, 7400], [14000]]
    made = candidates(turns)
    assert [c.turns[1].latency_ms for c in made] == [500, 400]
    assert [c.turns[0].kind for c in made] == ["initiative", "initiative"]


def test_a_voice_in_the_background_is_neither_a_turn_nor_an_interruption() -> None:
    parent = [Stretch(0, 60, "child", 480.0, -20.0, 0.9),
              Stretch(80, 90, "other", 110.0, -34.0, 0.9),
              Stretch(110, 200, "adult", 210.0, -21.0, 0.9)]
    turns = voice_turns(parent)
    assert [(t.actor, t.start_ms) for t in turns] == [("child", 0), ("adult", 1100)]
    assert len(candidates(turns)) == 1


def test_the_window_follows_the_films_own_rhythm() -> None:
    # Quick answers (0.3-0.6 s) and lulls of 1.6 s: the window falls between.
    quick = _turns(("c", 0, 500), ("a", 800, 1500), ("c", 1900, 2400), ("a", 2800, 3500),
                   ("c", 5100, 5600), ("a", 6000, 6500), ("c", 7000, 7500),
                   ("a", 9100, 9600), ("c", 9900, 10400))
    window = response_window(quick)
    assert 1200 <= window < 1600
    assert len(chains(quick)) == 3
    # Too few pauses to tell: the default two seconds.
    assert response_window(_turns(("c", 0, 500), ("a", 800, 1500))) == 2000


def test_a_film_without_sound_has_no_suggestions(tmp_path: Path) -> None:
    silent = make_video(tmp_path / "silent", H264_BFRAMES, frames=30, seconds_audio=False)
    assert suggest_moments(silent.path) == []


def test_a_file_that_is_not_a_video_gets_one_line(tmp_path: Path) -> None:
    sound = make_video(tmp_path / "sound", AUDIO_ONLY, frames=30)
    with pytest.raises(MediaError):
        suggest_moments(sound.path)
    text = tmp_path / "notes.mp4"
    text.write_text("not a film")
    with pytest.raises(MediaError):
        suggest_moments(text)


def test_cancelling_stops_the_analysis_at_once() -> None:
    cancel = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > 0:
            cancel.cancel()

    before = threading.active_count()
    with pytest.raises(Cancelled):
        suggest_moments(DYAD, progress=progress, cancel=cancel)
    assert seen
    assert seen[-1] < 100  # it stopped before the end
    assert threading.active_count() == before


def test_suggestions_are_cached_and_a_bad_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "index" / "suggestions.json"
    cache.parent.mkdir()
    first = load_or_suggest(DYAD, cache)
    assert cache.is_file()
    assert load_or_suggest(DYAD, cache) == first
    # The cache is what is read: a changed score shows.
    data = json.loads(cache.read_text())
    data["suggestions"][0]["score"] = 0.123
    cache.write_text(json.dumps(data))
    assert load_or_suggest(DYAD, cache)[0].score == 0.123
    strange_turn = {"turns": [["cat", "x", 1, 2, 0]]}
    for damaged in ("{", json.dumps({"version": 999, "suggestions": []}),
                    json.dumps({"version": ANALYSIS_VERSION, "suggestions": [strange_turn]})):
        cache.write_text(damaged)
        assert load_or_suggest(DYAD, cache) == first


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigtool.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_command_prints_exactly_the_promised_json() -> None:
    done = _cli("suggest", str(DYAD), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 4
    for s in found:
        assert set(s) == {"start_ms", "end_ms", "score", "turns"}
        assert all(set(t) == {"actor", "kind", "ms"} for t in s["turns"])
        assert all(t["actor"] in ("child", "adult") for t in s["turns"])
        assert all(isinstance(t["ms"], int) for t in s["turns"])
    plain = _cli("suggest", str(DYAD), "--min-score", "0.8")
    assert plain.returncode == 0
    assert "prompts to look" in plain.stdout
    assert plain.stdout.count("score ") == sum(1 for s in found if s["score"] >= 0.8)


@pytest.mark.parametrize("args", [("suggest", "missing.mp4"), ("suggest", str(CLIPS / "README.md")),
                                  ("suggest", "x.mp4", "--min-score", "2"),
                                  ("suggest", "x.mp4", "--min-score", "lots")])
def test_bad_input_gets_one_line(args: tuple[str, ...]) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_cache_that_cannot_be_written_loses_nothing_but_the_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache's folder should be")
    found = load_or_suggest(DYAD, blocked / "suggestions.json")
    assert len(found) == 4
    looked = load_or_suggest(DYAD, tmp_path / "look.json", write=False)
    assert looked == found
    assert not (tmp_path / "look.json").exists()


def test_sound_that_starts_late_does_not_turn_the_room_into_voices() -> None:
    """Digital silence before the sound is no room: a hum stays a hum."""
    rng = np.random.default_rng(1)
    t = np.arange(40 * RATE) / RATE
    hum = (0.02 * np.sin(2 * np.pi * 120 * t) + 0.01 * rng.standard_normal(t.size))
    late = np.concatenate([np.zeros(15 * RATE), hum]).astype(np.float32)
    assert find_stretches(sound_features(late)) == []
    assert find_stretches(sound_features(np.zeros(10 * RATE, dtype=np.float32))) == []


def test_a_blip_between_two_phrases_of_one_partner_does_not_part_them() -> None:
    def stretch(who: str, a: int, b: int) -> Stretch:
        return Stretch(a, b, "child" if who == "c" else "adult", 300.0, -20.0, 0.9)

    heard = [stretch("c", 0, 80), stretch("a", 100, 200), stretch("c", 220, 230),
             stretch("a", 250, 350), stretch("c", 380, 450)]
    found = candidates(voice_turns(heard))
    assert [[(t.actor, t.ms) for t in c.turns] for c in found] == [
        [("child", 0), ("adult", 1000), ("child", 3800)]
    ]


def test_sound_after_the_last_frame_is_not_suggested() -> None:
    turns = _turns(("c", 0, 800), ("a", 1300, 2500), ("c", 2900, 3600), ("a", 4000, 5000))
    found = candidates(turns, duration_ms=3000)
    assert len(found) == 1
    assert [t.ms for t in found[0].turns] == [0, 1300, 2900]
    assert found[0].end_ms == 3000
    assert found[0].turns[-1].end_ms == 3000
    assert candidates(turns, duration_ms=1000) == []


def test_an_answer_that_starts_early_says_so_in_plain_words() -> None:
    early = SuggestedTurn("adult", "response", 1000, 2000, -400)
    late = SuggestedTurn("child", "response", 3000, 3500, 600)
    assert early.answer_words() == "0.4 s before the other finished"
    assert late.answer_words() == "after 0.6 s"
    assert SuggestedTurn("child", "initiative", 0, 500).answer_words() == ""


def test_a_film_of_a_few_seconds_is_read_without_fault(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "short", H264_BFRAMES, frames=45).path  # 1.5 s with a tone
    assert isinstance(suggest_moments(clip), list)
    samples = np.zeros(RATE, dtype=np.float32)
    samples[: RATE // 2] = 0.3 * np.sin(2 * np.pi * 450 * np.arange(RATE // 2) / RATE)
    assert [s.speaker for s in find_stretches(sound_features(samples))] in (["child"], [])

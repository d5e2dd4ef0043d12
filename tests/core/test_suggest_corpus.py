"""Suggested moments against recordings with ground truth: lower bounds on a fixed seed.

Six scenarios of the conversation corpus (sample_clips/conversations.py),
each a minute long, are generated, encoded as real MP4 films and analysed by
the real pipeline; the serve->return pairs found are scored against the
truth with the benchmark's own scorer. The bounds sit below what the
analysis reaches today, so a regression fails here while the benchmark
(``python -m benchmarks.bench_suggest``) prints the full numbers.
"""

from __future__ import annotations

import pytest

from benchmarks.suggest_score import RecordingScore, score_recording, totals
from sample_clips.conversations import build_recording, variant, write_recording
from vigtool.analysis.suggest import suggest_moments

pytestmark = pytest.mark.slow
SEED = 20261129
SCENARIOS = ("clean", "quiet_child", "television", "crying", "ids_mother", "reverberant")


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RecordingScore]:
    folder = tmp_path_factory.mktemp("corpus")
    out: dict[str, RecordingScore] = {}
    for name in SCENARIOS:
        recording = build_recording(variant(name, duration_s=(60.0, 60.0)), seed=SEED)
        film = write_recording(recording, folder)
        found = [s.to_json() for s in suggest_moments(film)]
        out[name] = score_recording(recording.truth, found, name)
    return out


def test_the_pairs_found_are_mostly_right_and_most_are_found(
    scores: dict[str, RecordingScore],
) -> None:
    total = totals(list(scores.values()))
    assert total.truth_pairs >= 30  # enough to mean something
    assert total.matched_pairs / total.detected_pairs >= 0.85  # precision
    assert total.matched_pairs / total.truth_pairs >= 0.80  # recall


def test_a_quiet_room_with_a_mother_and_baby_is_read_almost_perfectly(
    scores: dict[str, RecordingScore],
) -> None:
    clean = scores["clean"]
    assert clean.matched_pairs >= clean.truth_pairs - 1
    assert clean.detected_pairs <= clean.matched_pairs + 1


def test_every_condition_keeps_most_of_its_pairs(scores: dict[str, RecordingScore]) -> None:
    for name, score in scores.items():
        if score.truth_pairs:
            assert score.matched_pairs / score.truth_pairs >= 0.6, name
        assert score.detected_pairs - score.matched_pairs <= max(2, score.truth_pairs // 3), name


def test_a_cry_and_the_soothing_over_it_are_never_suggested(
    scores: dict[str, RecordingScore],
) -> None:
    crying = scores["crying"]
    assert crying.detected_pairs - crying.matched_pairs <= 1


def test_suggestions_begin_and_end_near_the_exchanges(scores: dict[str, RecordingScore]) -> None:
    total = totals(list(scores.values()))
    assert total.boundary.start_ms is not None
    assert total.boundary.end_ms is not None
    assert total.boundary.start_ms <= 400
    assert total.boundary.end_ms <= 600

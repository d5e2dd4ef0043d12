"""The waveform: loud where the truth says someone speaks, on the video's clock, at any zoom."""

from __future__ import annotations

import json
import math
import stat
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_clips.kinds import (
    AUDIO_ONLY,
    H264_BFRAMES,
    AudioSettings,
    VideoSettings,
    make_video,
    write_media,
    x264_options,
)
from sample_clips.pattern import draw_frame
from vigtool.errors import Cancelled, MediaError
from vigtool.jobs import CancelToken
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.waveform import (
    Waveform,
    compute_waveform,
    load_or_compute_waveform,
)

CLIPS = Path(__file__).resolve().parents[2] / "sample_clips"
DYAD = CLIPS / "demo" / "dyad.mp4"
NUMBERS = CLIPS / "frame_numbers.mp4"
RATE = 48_000
# Voices peak at 0.3-0.35 and the room-noise floor at about 0.01.
LOUD = 0.05
FloatArray = npt.NDArray[np.float32]


def _peak(waveform: Waveform) -> FloatArray:
    return np.maximum(waveform.maxs, -waveform.mins)


def _onsets_ms(waveform: Waveform, *, min_quiet_ms: int = 100) -> list[int]:
    """Start times of loud stretches separated by at least ``min_quiet_ms`` of quiet."""
    loud = np.flatnonzero(_peak(waveform) > LOUD)
    if loud.size == 0:
        return []
    starts = loud[np.r_[True, np.diff(loud) > min_quiet_ms // waveform.bucket_ms]]
    return [int(k) * waveform.bucket_ms for k in starts]


@pytest.fixture(scope="module")
def dyad() -> tuple[Waveform, FrameIndex, dict[str, Any]]:
    waveform = compute_waveform(DYAD)
    assert waveform is not None
    truth = json.loads((CLIPS / "demo" / "dyad.truth.json").read_text())
    return waveform, build_frame_index(DYAD), truth


def test_voices_line_up_with_the_truths_turns_within_a_frame(
    dyad: tuple[Waveform, FrameIndex, dict[str, Any]],
) -> None:
    waveform, index, truth = dyad
    times = index.times
    frame_ms = 1000 // truth["fps"]
    vocal = [t for t in truth["turns"] if t["kind"] != "reception"]
    assert len(vocal) == 11
    peak = _peak(waveform)
    for turn in vocal:
        start = times.frame_to_ms(turn["start_frame"])
        end = times.frame_end_ms(turn["end_frame"])
        # Neighbouring turns are at least 300 ms away; look 250 ms either side.
        lo, hi = (start - 250) // waveform.bucket_ms, (end + 250) // waveform.bucket_ms
        loud = lo + np.flatnonzero(peak[lo:hi] > LOUD)
        heard_from = int(loud[0]) * waveform.bucket_ms
        heard_to = (int(loud[-1]) + 1) * waveform.bucket_ms
        assert abs(heard_from - start) <= frame_ms, turn
        assert abs(heard_to - end) <= frame_ms, turn


def test_quiet_stretches_are_quiet(dyad: tuple[Waveform, FrameIndex, dict[str, Any]]) -> None:
    waveform, index, truth = dyad
    assert abs(waveform.duration_ms - index.times.duration_ms) <= 25  # AAC's last frame
    peak = _peak(waveform)
    for quiet in truth["quiet"]:
        lo = (quiet["start_ms"] + 50) // waveform.bucket_ms
        hi = (quiet["end_ms"] - 50) // waveform.bucket_ms
        assert peak[lo:hi].max() < LOUD / 2, quiet
        assert waveform.rms[lo:hi].max() < 0.01


def test_clicks_on_frame_starts_land_on_those_frames() -> None:
    truth = json.loads((CLIPS / "frame_numbers.truth.json").read_text())
    index = build_frame_index(NUMBERS)
    waveform = compute_waveform(NUMBERS, index=index)
    assert waveform is not None
    expected = [index.times.frame_to_ms(f) for f in truth["click_frames"]]
    onsets = _onsets_ms(waveform)
    assert len(onsets) == len(expected)
    for got, want in zip(onsets, expected, strict=True):
        assert abs(got - want) <= waveform.bucket_ms


def _clicks(seconds: float, at: list[float]) -> FloatArray:
    samples = np.zeros(round(seconds * RATE), dtype=np.float32)
    burst = 0.5 * np.sin(2 * np.pi * 2000 * np.arange(480) / RATE)
    for t in at:
        i = round(t * RATE)
        samples[i : i + burst.size] = burst
    return samples


@pytest.mark.parametrize("suffix", [".mp4", ".ts"])
def test_audio_before_the_first_picture_is_cut_off(tmp_path: Path, suffix: str) -> None:
    """The first picture comes 480 ms after the first sample: time 0 is the picture."""
    clip = tmp_path / f"late_video{suffix}"
    fps, late_frames = 25, 12
    write_media(
        clip,
        video=VideoSettings("libx264", 160, 120, Fraction(fps), options=x264_options(25)),
        pictures=(draw_frame(i, 160, 120) for i in range(50)),
        pts=[late_frames + i for i in range(50)],
        audio=AudioSettings("aac", RATE),
        samples=_clicks(3.0, [0.2, 1.0, 2.0]),
    )
    index = build_frame_index(clip)
    with_index = compute_waveform(clip, index=index)
    without = compute_waveform(clip)
    assert with_index is not None
    assert without is not None
    assert np.array_equal(with_index.maxs, without.maxs)
    late_ms = 1000 * late_frames // fps
    onsets = _onsets_ms(with_index)
    assert len(onsets) == 2  # the click at 200 ms came before any picture
    for got, click_s in zip(onsets, [1.0, 2.0], strict=True):
        assert abs(got - (round(click_s * 1000) - late_ms)) <= with_index.bucket_ms


def _write_pcm(
    path: Path, left: FloatArray, right: FloatArray | None = None, *, delay_s: float = 0.0
) -> None:
    """One second of black video and PCM sound (stereo if ``right``), the sound ``delay_s`` late.

    PCM has no encoder priming, so sample 0 sits exactly at its pts.
    """
    with av.open(str(path), mode="w") as out:
        video = out.add_stream("libx264", rate=25)
        assert isinstance(video, av.VideoStream)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("pcm_s16le", rate=RATE)
        assert isinstance(audio, av.AudioStream)
        audio.layout = "mono" if right is None else "stereo"
        for i in range(25):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        channels = [left] if right is None else [left, right]
        chunk = 1024
        for start in range(0, left.size, chunk):
            planes = np.stack([c[start : start + chunk] for c in channels])
            sound = av.AudioFrame.from_ndarray(planes, format="fltp", layout=audio.layout)
            sound.sample_rate = RATE
            sound.pts = start + round(delay_s * RATE)
            sound.time_base = Fraction(1, RATE)
            out.mux(audio.encode(sound))
        out.mux(audio.encode(None))


@pytest.mark.parametrize(("delay_s", "onsets"), [(0.3, [400, 800]), (0.015, [110, 510])])
def test_sound_that_starts_after_the_first_picture_is_preceded_by_silence(
    tmp_path: Path, delay_s: float, onsets: list[int]
) -> None:
    """Clicks 100 and 500 ms into sound that starts ``delay_s`` after the first picture."""
    clip = tmp_path / "late_sound.mkv"
    _write_pcm(clip, _clicks(1.0, [0.1, 0.5]), delay_s=delay_s)
    waveform = compute_waveform(clip)
    assert waveform is not None
    assert _onsets_ms(waveform) == onsets  # exact to the bucket, even for a 15 ms delay
    assert not waveform.maxs[: round(delay_s * 100)].any()
    assert waveform.duration_ms == round(1000 + delay_s * 1000)


def test_stereo_is_mixed_down_without_leaving_minus_one_to_one(tmp_path: Path) -> None:
    sine = (0.9 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)).astype(np.float32)
    both, one = tmp_path / "both.mkv", tmp_path / "one.mkv"
    _write_pcm(both, sine, sine)
    _write_pcm(one, sine, np.zeros_like(sine))
    loud = compute_waveform(both)
    half = compute_waveform(one)
    assert loud is not None
    assert half is not None
    assert 0.88 < float(loud.maxs.max()) <= 0.91
    assert -0.91 <= float(loud.mins.min()) < -0.88
    assert 0.43 < float(half.maxs.max()) < 0.46
    assert abs(float(loud.rms[10:90].mean()) - 0.9 / math.sqrt(2)) < 0.01


def test_a_video_without_sound_has_no_waveform(tmp_path: Path) -> None:
    silent = make_video(tmp_path / "silent", H264_BFRAMES, frames=30, seconds_audio=False)
    assert compute_waveform(silent.path) is None


def test_an_audio_only_file_is_refused_like_any_non_video(tmp_path: Path) -> None:
    sound = make_video(tmp_path / "sound", AUDIO_ONLY, frames=30)
    with pytest.raises(MediaError, match="audio-only"):
        compute_waveform(sound.path)


def test_progress_and_cancel() -> None:
    calls: list[tuple[int, int]] = []
    compute_waveform(DYAD, progress=lambda d, t: calls.append((d, t)))
    assert len(calls) > 3
    assert calls[-1][0] == calls[-1][1] >= 20_000
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        compute_waveform(DYAD, cancel=token)


def test_cache_round_trip_and_reuse(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "waveform.npz"
    first = load_or_compute_waveform(NUMBERS, cache)
    assert first is not None
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    # The cache answers without touching the video.
    again = load_or_compute_waveform(tmp_path / "gone.mp4", cache)
    assert again is not None
    assert again.bucket_ms == first.bucket_ms
    assert again.duration_ms == first.duration_ms
    for name in ("mins", "maxs", "rms"):
        assert np.array_equal(getattr(again, name), getattr(first, name))
    coarser = load_or_compute_waveform(NUMBERS, cache, bucket_ms=20)
    assert coarser is not None
    assert coarser.bucket_ms == 20
    assert coarser.bucket_count == (first.bucket_count + 1) // 2

    cache.write_bytes(b"not a waveform")
    assert load_or_compute_waveform(NUMBERS, cache) is not None
    assert Waveform.from_bytes(cache.read_bytes()).bucket_ms == 10


def test_no_sound_is_cached_and_cancel_writes_nothing(tmp_path: Path) -> None:
    silent = make_video(tmp_path / "silent", H264_BFRAMES, frames=30, seconds_audio=False)
    cache = tmp_path / "silent.npz"
    assert load_or_compute_waveform(silent.path, cache) is None
    assert load_or_compute_waveform(tmp_path / "gone.mp4", cache) is None
    with pytest.raises(ValueError, match="without sound"):
        Waveform.from_bytes(cache.read_bytes())

    token = CancelToken()
    token.cancel()
    cancelled = tmp_path / "cancelled.npz"
    with pytest.raises(Cancelled):
        load_or_compute_waveform(DYAD, cancelled, cancel=token)
    assert list(tmp_path.glob("cancelled*")) == []


def _waveform(mins: list[float], bucket_ms: int = 10) -> Waveform:
    low = np.asarray(mins, dtype=np.float32)
    return Waveform(bucket_ms, low, -low, np.abs(low), len(mins) * bucket_ms)


def test_peaks_between_at_one_bucket_per_column_and_zoomed_out() -> None:
    wf = _waveform([-0.1, -0.5, -0.2, -0.9, -0.3, -0.4])
    mins, maxs = wf.peaks_between(0, 60, 6)
    assert mins.tolist() == pytest.approx([-0.1, -0.5, -0.2, -0.9, -0.3, -0.4])
    assert maxs.tolist() == pytest.approx([0.1, 0.5, 0.2, 0.9, 0.3, 0.4])
    mins, _ = wf.peaks_between(0, 60, 2)
    assert mins.tolist() == pytest.approx([-0.5, -0.9])
    mins, _ = wf.peaks_between(0, 60, 4)  # 15 ms columns: boundary buckets count twice
    assert mins.tolist() == pytest.approx([-0.5, -0.5, -0.9, -0.4])
    mins, _ = wf.peaks_between(5, 35, 12)  # zoomed in: 2.5 ms per column
    assert mins.tolist() == pytest.approx([-0.1] * 2 + [-0.5] * 4 + [-0.2] * 4 + [-0.9] * 2)
    mins, _ = wf.peaks_between(-20, 80, 10)  # before the start and after the end: 0
    assert mins.tolist() == pytest.approx([0, 0, -0.1, -0.5, -0.2, -0.9, -0.3, -0.4, 0, 0])
    assert wf.peaks_between(10, 10, 5)[0].tolist() == [0.0] * 5
    assert wf.peaks_between(0, 60, 0)[0].shape == (0,)


def _reference_peaks(
    wf: Waveform, start: float, end: float, columns: int
) -> tuple[list[float], list[float]]:
    """One column at a time, straight from the definition."""
    mins, maxs = [], []
    width = (end - start) / columns
    for c in range(columns):
        a, b = start + c * width, start + (c + 1) * width
        under = [
            k
            for k in range(wf.bucket_count)
            if k * wf.bucket_ms < b and (k + 1) * wf.bucket_ms > a
        ]
        mins.append(float(min(wf.mins[under])) if under else 0.0)
        maxs.append(float(max(wf.maxs[under])) if under else 0.0)
    return mins, maxs


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.floats(-1, 0, width=32), min_size=1, max_size=60),
    bucket_ms=st.sampled_from([1, 10, 40]),
    start=st.integers(-500, 2000),
    length=st.integers(1, 3000),
    columns=st.integers(1, 80),
)
def test_peaks_between_matches_the_definition(
    values: list[float], bucket_ms: int, start: int, length: int, columns: int
) -> None:
    wf = _waveform(values, bucket_ms)
    mins, maxs = wf.peaks_between(start, start + length, columns)
    want_mins, want_maxs = _reference_peaks(wf, start, start + length, columns)
    assert mins.tolist() == pytest.approx(want_mins)
    assert maxs.tolist() == pytest.approx(want_maxs)

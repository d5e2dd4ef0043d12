"""Replay clips: the moment at its own pace, then again at half speed or held on its still.

Every frame shows its own number (sample_clips.pattern), so the tests read
what each clip shows, frame by frame and when: the moment's part must hold
exactly its frames with the source's timing (as every clip does), the slow
part every one of them again for twice as long, the held still its frame for
the time asked. Sound is checked as plain clips' is (test_cut.py): the clicks
of frame_numbers.mp4 (one a second) must fall on their frames in the moment's
part; the slow part is silent, or the moment's own sound stretched at its own
pitch (the sample clips' 440 Hz tone) over twice the time. ``FIGURES`` lines
are printed for the report (run with ``-s``).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from sample_clips.kinds import (
    AUDIO_ONLY,
    H264_BFRAMES,
    KINDS,
    ROTATED_MOV,
    VFR_PHONE,
    VideoTruth,
    make_video,
)
from sample_clips.pattern import read_frame_number
from vigtool.errors import VigtoolError
from vigtool.media.cut import CutOptions, CutResult, cut_clip
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.probe import probe_video
from vigtool.media.reader import FrameReader, to_rgb
from vigtool.media.replay import plan_replay
from vigtool.media.smartcut import AvcConfig, parameter_set_id, plan_smart

ROOT = Path(__file__).resolve().parents[2]
FRAME_NUMBERS = ROOT / "sample_clips" / "frame_numbers.mp4"  # 30 fps, GOP 30, clicks each 1 s
FPS = 30
# 45..150: a head (45..59), copied GOPs and a one-frame tail that is a keyframe (150);
# 47..139: a head, copied GOPs and a 20-frame tail (120..139).
SPANS = [(45, 150), (47, 139)]
TONE_HZ = 440.0  # make_video's sound (sample_clips.kinds.tone)

Floats = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def numbers_index() -> FrameIndex:
    return build_frame_index(FRAME_NUMBERS)


def shown(path: Path) -> list[tuple[int, float, float]]:
    """(frame number drawn, start s, duration s) of every frame of ``path``, in order."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        tb = stream.time_base
        assert tb is not None
        end = float(stream.duration * tb) if stream.duration else None
        frames = [(read_frame_number(to_rgb(f)), float((f.pts or 0) * tb))
                  for f in container.decode(stream)]
    ends = [t for _, t in frames[1:]] + [end if end is not None else frames[-1][1] + 1 / FPS]
    return [(n, t, e - t) for (n, t), e in zip(frames, ends, strict=True)]


def sound(path: Path) -> tuple[float, Floats, int]:
    """(start s of the first sample, the first channel's samples, sample rate)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        blocks, start = [], None
        for frame in container.decode(stream):
            if start is None:
                assert frame.pts is not None
                assert frame.time_base is not None
                start = float(frame.pts * frame.time_base)
            blocks.append(frame.to_ndarray().reshape(frame.layout.nb_channels, -1)[0])
    assert start is not None
    return start, np.concatenate(blocks).astype(np.float64), stream.rate


def click_onsets(path: Path) -> list[float]:
    """Seconds (from the first video frame) where each loud burst begins (as test_cut)."""
    start, samples, rate = sound(path)
    loud = np.flatnonzero(np.abs(samples) > 0.2)
    firsts = [int(loud[0])] + [int(b) for a, b in itertools.pairwise(loud) if b - a > rate // 4]
    return [start + i / rate for i in firsts]


def part(path: Path, from_s: float, to_s: float) -> tuple[Floats, int]:
    start, samples, rate = sound(path)
    return samples[round((from_s - start) * rate): round((to_s - start) * rate)], rate


def rms(samples: Floats) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def dominant_hz(samples: Floats, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def ffprobe_clean(path: Path, frames: int) -> None:
    """FFmpeg decodes every frame of ``path`` without a complaint (where ffprobe is here)."""
    if not shutil.which("/usr/bin/ffprobe"):
        return
    run = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True)
    assert (run.stderr.strip(), int(run.stdout.strip().split(",")[0])) == ("", frames)


def like_every_clip(path: Path, result: CutResult) -> None:
    """H.264 yuv420p + AAC, its index at the front (faststart), decoded cleanly."""
    probe = probe_video(path)
    assert (probe.codec, probe.pixel_format, probe.audio_codec) == ("h264", "yuv420p", "aac")
    assert probe.frame_count == result.frames
    head = path.read_bytes()
    assert 0 < head.find(b"moov") < head.find(b"mdat")
    ffprobe_clean(path, result.frames)


def figures(line: str) -> None:
    print(f"FIGURES {line}")  # noqa: T201 - the report quotes these


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "re-encoded"])
@pytest.mark.parametrize(("first", "last"), SPANS)
def test_slow_replay_shows_the_moment_then_each_frame_twice_as_long(
    numbers_index: FrameIndex, first: int, last: int, smart: bool, tmp_path: Path
) -> None:
    out = tmp_path / "slow.mp4"
    result = cut_clip(FRAME_NUMBERS, numbers_index, first, last, out,
                      options=CutOptions(smart=smart, replay="slow"))
    assert result.smart is smart
    like_every_clip(out, result)
    frames = shown(out)
    moment = list(range(first, last + 1))
    count = len(moment)
    assert [n for n, _, _ in frames] == moment + [n for n in moment for _ in (0, 1)]
    assert result.frames == 3 * count
    assert result.replay_at_s == pytest.approx(count / FPS)
    assert result.seconds == pytest.approx(3 * count / FPS)
    normal, slow = frames[:count], frames[count:]
    for k, (_, at, lasts) in enumerate(normal):  # the source's own timing
        assert at == pytest.approx(k / FPS, abs=1e-6)
        assert lasts == pytest.approx(1 / FPS, abs=1e-6)
    for k, (_, at, lasts) in enumerate(slow):  # constant frame rate: one frame step each
        assert at == pytest.approx((count + k) / FPS, abs=1e-6)
        assert lasts == pytest.approx(1 / FPS, abs=1e-6)
    held = {n: sum(d for m, _, d in slow if m == n) for n in moment}
    assert set(np.round(list(held.values()), 6)) == {round(2 / FPS, 6)}
    figures(f"slow {first}..{last} {'smart' if smart else 're-encoded'}: moment frames "
            f"{normal[0][0]}..{normal[-1][0]} ({count}), slow part {slow[0][0]},{slow[1][0]},"
            f"{slow[2][0]}...{slow[-1][0]} ({len(slow)} frames), each source frame "
            f"{held[first] * 1000:.1f} ms against {1000 / FPS:.1f} ms, "
            f"clip {result.seconds:.3f} s, replay from {result.replay_at_s:.3f} s")


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "re-encoded"])
def test_freeze_holds_the_still_for_the_time_asked(
    numbers_index: FrameIndex, smart: bool, tmp_path: Path
) -> None:
    out = tmp_path / "freeze.mp4"
    first, last, still = SPANS[0][0], SPANS[0][1], 100
    result = cut_clip(FRAME_NUMBERS, numbers_index, first, last, out,
                      options=CutOptions(smart=smart, replay="freeze", still_frame=still,
                                         freeze_s=1.5))
    assert result.smart is smart
    like_every_clip(out, result)
    frames = shown(out)
    count = last - first + 1
    assert [n for n, _, _ in frames] == [*range(first, last + 1), *[still] * 45]
    held = sum(d for _, _, d in frames[count:])
    assert held == pytest.approx(1.5, abs=1e-6)
    assert frames[count][1] == pytest.approx(count / FPS, abs=1e-6)
    quiet, samples_rate = part(out, result.replay_at_s or 0, result.seconds)
    assert rms(quiet) < 1e-4
    figures(f"freeze {'smart' if smart else 're-encoded'}: frame {still} shown "
            f"{len(frames) - count} times from {frames[count][1]:.3f} s for {held:.3f} s; "
            f"RMS under it {rms(quiet):.2g} ({samples_rate} Hz)")


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "re-encoded"])
@pytest.mark.parametrize("replay", ["slow", "freeze"])
def test_sound_stays_in_sync_in_the_moment_and_the_replay_is_silent(
    numbers_index: FrameIndex, replay: str, smart: bool, tmp_path: Path
) -> None:
    """Clicks on frames 0, 30, 60...; cut from frame 45, they fall on 15, 45, 75, 105."""
    out = tmp_path / "sync.mp4"
    result = cut_clip(FRAME_NUMBERS, numbers_index, 45, 150, out,
                      options=CutOptions(smart=smart, replay=replay))  # type: ignore[arg-type]
    assert result.smart is smart
    onsets = [t * FPS for t in click_onsets(out)]
    assert len(onsets) == 4  # none in the replay
    offsets = [got - want for got, want in zip(onsets, (15, 45, 75, 105), strict=True)]
    assert max(abs(o) for o in offsets) < 1
    replay_at = result.replay_at_s
    assert replay_at is not None
    quiet, _ = part(out, replay_at, result.seconds)
    assert len(quiet) > 0.95 * (result.seconds - replay_at) * 48_000
    assert rms(quiet) < 1e-4
    figures(f"sync {replay} {'smart' if smart else 're-encoded'}: clicks at frames "
            f"{', '.join(f'{o:.3f}' for o in onsets)} (offsets "
            f"{', '.join(f'{o * 1000 / FPS:+.1f}' for o in offsets)} ms); replay RMS "
            f"{rms(quiet):.2g}")


def test_pitch_kept_replay_keeps_the_clicks_at_twice_their_distance(
    numbers_index: FrameIndex, tmp_path: Path
) -> None:
    out = tmp_path / "stretched.mp4"
    result = cut_clip(FRAME_NUMBERS, numbers_index, 45, 150, out,
                      options=CutOptions(replay="slow", replay_sound="pitch-kept"))
    assert result.smart
    onsets = [t * FPS for t in click_onsets(out)]
    start = 106  # the slow part begins after the moment's 106 frames
    want = (15, 45, 75, 105, *(start + 2 * f for f in (15, 45, 75, 105)))
    assert len(onsets) == len(want)
    offsets = [got - w for got, w in zip(onsets, want, strict=True)]
    assert max(abs(o) for o in offsets[:4]) < 1
    assert max(abs(o) for o in offsets[4:]) < 1
    figures("pitch-kept clicks (frames): " + ", ".join(f"{o:.2f}" for o in onsets)
            + " against " + ", ".join(map(str, want)) + "; slow-part offsets "
            + ", ".join(f"{o * 1000 / FPS:+.1f}" for o in offsets[4:]) + " ms")


@pytest.fixture(scope="module")
def toned(tmp_path_factory: pytest.TempPathFactory) -> tuple[VideoTruth, FrameIndex]:
    """A 120-frame H.264 clip with B-frames and a 440 Hz tone (keyframes every 30)."""
    truth = make_video(tmp_path_factory.mktemp("toned") / "toned.mp4", H264_BFRAMES,
                       frames=120)
    return truth, build_frame_index(truth.path)


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "re-encoded"])
def test_pitch_kept_replay_keeps_the_tone_over_twice_the_time(
    toned: tuple[VideoTruth, FrameIndex], smart: bool, tmp_path: Path
) -> None:
    truth, index = toned
    out = tmp_path / "tone.mp4"
    result = cut_clip(truth.path, index, 17, 100, out,
                      options=CutOptions(smart=smart, replay="slow", replay_sound="pitch-kept"))
    assert result.smart is smart
    moment_s = result.replay_at_s
    assert moment_s is not None
    normal, rate = part(out, 0.05, moment_s - 0.05)
    slow, _ = part(out, moment_s + 0.05, result.seconds - 0.05)
    assert result.seconds - moment_s == pytest.approx(2 * moment_s, abs=1e-6)
    hz_normal, hz_slow = dominant_hz(normal, rate), dominant_hz(slow, rate)
    assert hz_slow == pytest.approx(TONE_HZ, abs=3)
    assert hz_normal == pytest.approx(TONE_HZ, abs=3)
    tenth = len(slow) // 10
    loudness = [rms(slow[:tenth]), rms(slow[-tenth:])]
    assert min(loudness) > 0.6 * rms(normal)  # sound under all of the slow part
    figures(f"pitch-kept {'smart' if smart else 're-encoded'}: moment {moment_s:.3f} s at "
            f"{hz_normal:.1f} Hz (RMS {rms(normal):.4f}); slow part "
            f"{result.seconds - moment_s:.3f} s at {hz_slow:.1f} Hz (RMS first/last tenth "
            f"{loudness[0]:.4f}/{loudness[1]:.4f})")


def test_smart_replay_copies_the_moments_whole_gops_bit_for_bit(
    numbers_index: FrameIndex, tmp_path: Path
) -> None:
    first, last = SPANS[1]
    plan = plan_smart(numbers_index, first, last)
    assert plan is not None
    out = tmp_path / "smart.mp4"
    assert cut_clip(FRAME_NUMBERS, numbers_index, first, last, out,
                    options=CutOptions(replay="slow")).smart
    with av.open(str(out)) as container:
        config = AvcConfig.parse(container.streams.video[0].codec_context.extradata)
        decoded = [f.to_ndarray(format="yuv420p") for f in container.decode(video=0)]
    ids = [parameter_set_id(nal) for nal in config.sps]
    assert len(ids) == len(set(ids)) == 3  # the source's, the head's, the replay's
    copied = 0
    with FrameReader(FRAME_NUMBERS, numbers_index, prefetch=False) as reader:
        for n in range(plan.copy_from, plan.copy_to):
            source = reader.av_frame(n).to_ndarray(format="yuv420p")
            assert np.array_equal(decoded[n - first], source), f"copied frame {n} differs"
            copied += 1
    assert copied == 60


def test_a_fade_ends_with_the_replay_and_words_last_the_whole_clip(
    numbers_index: FrameIndex, tmp_path: Path
) -> None:
    out = tmp_path / "faded.mp4"
    result = cut_clip(FRAME_NUMBERS, numbers_index, 45, 105, out,
                      options=CutOptions(replay="slow", fade_ms=400, caption="You waited."))
    assert not result.smart
    with av.open(str(out)) as container:
        luma = [float(f.to_ndarray(format="gray").mean()) for f in container.decode(video=0)]
    with av.open(str(out)) as container:
        (words,) = container.streams.subtitles
        cue = next(p for p in container.demux(words) if p.size)
        assert cue.duration is not None
        assert cue.time_base is not None
        cue_s = float(cue.duration * cue.time_base)
    count = 105 - 45 + 1
    assert luma[0] < 20 < luma[count - 1]  # no fade where the moment ends
    assert luma[-1] < 0.25 * luma[count + 10]
    assert cue_s == pytest.approx(result.seconds, abs=0.002)


def test_a_variable_frame_rate_moment_is_slowed_exactly(tmp_path: Path) -> None:
    truth = make_video(tmp_path / "vfr.mp4", VFR_PHONE, frames=90)
    index = build_frame_index(truth.path)
    out = tmp_path / "slow.mp4"
    result = cut_clip(truth.path, index, 10, 70, out, options=CutOptions(replay="slow"))
    frames = shown(out)
    count = 61
    assert [n for n, _, _ in frames[:count]] == list(range(10, 71))
    slow = frames[count:]
    assert [n for n, _ in itertools.groupby(m for m, _, _ in slow)] == list(range(10, 71))
    tb = Fraction(*index.time_base)
    for n in (10, 33, 70):
        source_s = float(sum(_durations(index, n)) * tb)
        assert sum(d for m, _, d in slow if m == n) == pytest.approx(2 * source_s, abs=1e-3)
    moment_s = result.replay_at_s
    assert moment_s is not None
    assert result.seconds - moment_s == pytest.approx(2 * moment_s, abs=1e-3)


def _durations(index: FrameIndex, n: int) -> list[int]:
    ends = index.pts[n + 1] if n + 1 < index.frame_count else index.pts[n] + index.last_duration
    return [int(ends) - int(index.pts[n])]


def test_a_plan_at_other_speeds_and_bad_replays_are_refused(
    numbers_index: FrameIndex, tmp_path: Path
) -> None:
    quarter = plan_replay(numbers_index, 45, 54, kind="slow", speed=0.25)
    assert [s.frame for s in quarter.shown] == [n for n in range(45, 55) for _ in range(4)]
    assert quarter.ticks == 4 * 10 * 512
    held = plan_replay(numbers_index, 45, 54, kind="freeze", freeze_s=3.0)
    assert {s.frame for s in held.shown} == {54}  # the last frame unless told
    assert held.seconds == 3
    out = tmp_path / "bad.mp4"
    unread = tmp_path / "not-there.mp4"  # refused before the film is opened
    for options, words in (
        (CutOptions(replay="slow", replay_speed=1.0), "0.1 to under 1 times the speed"),
        (CutOptions(replay="freeze", freeze_s=0), "held for more than 0"),
        (CutOptions(replay="backwards"), "'none', 'slow' or 'freeze'"),  # type: ignore[arg-type]
        (CutOptions(replay_sound="loud"), "'silent' or 'pitch-kept'"),  # type: ignore[arg-type]
    ):
        with pytest.raises(VigtoolError, match=words):
            cut_clip(unread, numbers_index, 45, 150, out, options=options)
    with pytest.raises(VigtoolError, match=r"\(frame 200\) is not inside the clip"):
        cut_clip(FRAME_NUMBERS, numbers_index, 45, 150, out,
                 options=CutOptions(replay="freeze", still_frame=200))
    assert not out.exists()


def test_progress_counts_the_replay_too(numbers_index: FrameIndex, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = cut_clip(FRAME_NUMBERS, numbers_index, 47, 139, tmp_path / "c.mp4",
                      options=CutOptions(replay="slow"), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (result.frames, result.frames)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != AUDIO_ONLY])
def test_every_kind_of_film_replays_frame_exactly(
    every_kind: dict[str, tuple[VideoTruth, FrameIndex]], kind: str, tmp_path: Path
) -> None:
    truth, index = every_kind[kind]
    out = tmp_path / "slow.mp4"
    result = cut_clip(truth.path, index, 17, 71, out, options=CutOptions(replay="slow"))
    moment = list(range(17, 72))
    numbers = [n for n, _, _ in shown(out)]
    assert numbers[: len(moment)] == moment
    slow = numbers[len(moment):]
    assert [n for n, _ in itertools.groupby(slow)] == moment
    if kind != VFR_PHONE:  # there, a frame twice as long shows four times (one step each)
        assert slow == [n for n in moment for _ in (0, 1)]
    assert result.smart is (kind in (H264_BFRAMES, ROTATED_MOV, VFR_PHONE))
    ffprobe_clean(out, result.frames)

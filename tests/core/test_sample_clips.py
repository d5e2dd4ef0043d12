"""The sample-media generator tells the truth.

Every media test in vigtool trusts sample_clips: the frame-number pattern,
the clip of each kind with its VideoTruth, and the committed clips with their
truth json. These tests check that trust with plain PyAV decoding, so a bug
in the generator cannot hide behind a matching bug in vigtool's reader.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_clips.dyad import dyad_truth, dyad_turns
from sample_clips.generate import DEMO
from sample_clips.kinds import (
    AUDIO_ONLY,
    H264_BFRAMES,
    HEVC10,
    INTERLACED_TS,
    KINDS,
    ROTATED_MOV,
    VideoTruth,
    make_video,
)
from sample_clips.pattern import MAX_FRAME_NUMBER, draw_frame, marker_corner, read_frame_number
from vigtool.resources import demo_data

CLIPS = Path(__file__).resolve().parents[2] / "sample_clips"
DEMO_CLIPS = CLIPS / DEMO  # shipped inside vigtool as vigtool.demo_clips
VIDEO_KINDS = [k for k in KINDS if k != AUDIO_ONLY]
SIZES = [(320, 240), (640, 360), (720, 576), (240, 320)]


class Decoded:
    """A clip decoded sequentially with PyAV, pictures turned upright by the truth."""

    def __init__(self, path: Path, rotation: int = 0) -> None:
        self.numbers: list[int] = []
        self.pts_ms: list[float] = []
        self.rotations: set[int] = set()
        self.corners: set[str] = set()
        self.pict_types: list[int] = []
        self.interlaced: list[bool] = []
        self.formats: set[str] = set()
        with av.open(str(path)) as container:
            self.has_audio = bool(container.streams.audio)
            stream = container.streams.video[0]
            self.codec = stream.codec_context.name
            for frame in container.decode(stream):
                upright = np.rot90(frame.to_ndarray(format="rgb24"), rotation // 90)
                self.numbers.append(read_frame_number(upright))
                self.corners.add(marker_corner(upright))
                assert frame.pts is not None
                assert frame.time_base is not None
                self.pts_ms.append(float(frame.pts * frame.time_base * 1000))
                self.rotations.add(frame.rotation)
                self.pict_types.append(int(frame.pict_type))
                self.interlaced.append(frame.interlaced_frame)
                self.formats.add(frame.format.name)
        self.relative_ms = [t - self.pts_ms[0] for t in self.pts_ms]


def audio_samples(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """All of a file's first audio track as mono float samples, and its rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = list(container.decode(stream))
    chunks = [
        f.to_ndarray().astype(np.float32).reshape(len(f.layout.channels), -1)[0] for f in frames
    ]
    return np.concatenate(chunks), frames[0].sample_rate


def pitch_hz(samples: npt.NDArray[np.float32], rate: int, start_ms: float, end_ms: float) -> float:
    """Fundamental frequency (80-800 Hz) of the middle 100 ms, by autocorrelation."""
    middle = round((start_ms + end_ms) / 2 * rate / 1000)
    part = samples[middle - rate // 20 : middle + rate // 20].astype(np.float64)
    part -= part.mean()
    corr = np.correlate(part, part, "full")[len(part) - 1 :]
    shortest, longest = rate // 800, rate // 80
    return rate / (shortest + int(np.argmax(corr[shortest:longest])))


def rms(samples: npt.NDArray[np.float32], rate: int, start_ms: float, end_ms: float) -> float:
    part = samples[round(start_ms * rate / 1000) : round(end_ms * rate / 1000)]
    return float(np.sqrt(np.mean(np.square(part))))


# -- pattern ---------------------------------------------------------------------------


@given(st.integers(0, MAX_FRAME_NUMBER), st.sampled_from(SIZES))
def test_pattern_round_trips_every_number(n: int, size: tuple[int, int]) -> None:
    rgb = draw_frame(n, *size)
    assert rgb.shape == (size[1], size[0], 3)
    assert rgb.dtype == np.uint8
    assert read_frame_number(rgb) == n
    assert marker_corner(rgb) == "top-left"


@settings(max_examples=60)
@given(st.integers(0, MAX_FRAME_NUMBER), st.sampled_from(SIZES))
def test_pattern_survives_jpeg_at_quality_60(n: int, size: tuple[int, int]) -> None:
    bgr = cv2.cvtColor(draw_frame(n, *size), cv2.COLOR_RGB2BGR)
    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    lossy = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert lossy is not None
    assert read_frame_number(cv2.cvtColor(lossy, cv2.COLOR_BGR2RGB)) == n


@pytest.mark.parametrize(
    ("k", "corner"), [(1, "bottom-left"), (2, "bottom-right"), (3, "top-right")]
)
@pytest.mark.parametrize("n", [0, 1, 0x5A5A, MAX_FRAME_NUMBER])
def test_a_turned_picture_is_refused_and_its_marker_moves(n: int, k: int, corner: str) -> None:
    turned = np.rot90(draw_frame(n, 320, 240), k)
    with pytest.raises(ValueError, match="pattern"):
        read_frame_number(turned)
    assert marker_corner(turned) == corner


def test_a_picture_without_the_pattern_is_refused() -> None:
    grey = np.full((240, 320, 3), 128, dtype=np.uint8)
    with pytest.raises(ValueError, match="pattern"):
        read_frame_number(grey)
    with pytest.raises(ValueError, match="marker"):
        marker_corner(grey)


@pytest.mark.parametrize("n", [-1, MAX_FRAME_NUMBER + 1])
def test_numbers_outside_sixteen_bits_are_refused(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        draw_frame(n, 320, 240)


# -- make_video --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, VideoTruth]:
    folder = tmp_path_factory.mktemp("kinds")
    return {kind: make_video(folder / kind, kind) for kind in KINDS}


@pytest.fixture(scope="module")
def decoded(made: dict[str, VideoTruth]) -> dict[str, Decoded]:
    return {k: Decoded(made[k].path, made[k].rotation) for k in VIDEO_KINDS}


@pytest.mark.parametrize("kind", VIDEO_KINDS)
def test_every_frame_reads_back_its_number_at_its_time(
    kind: str, made: dict[str, VideoTruth], decoded: dict[str, Decoded]
) -> None:
    truth, clip = made[kind], decoded[kind]
    assert truth.path.is_file()
    assert truth.path.stat().st_size < 1_000_000
    assert truth.frame_count == len(truth.pts_ms) == 90
    assert clip.numbers == list(range(truth.frame_count))
    assert clip.corners == {"top-left"}
    assert truth.pts_ms[0] == 0
    assert np.allclose(clip.relative_ms, truth.pts_ms, rtol=0, atol=1), kind
    assert clip.rotations == {truth.rotation}
    assert clip.codec == truth.codec
    assert clip.has_audio is truth.has_audio is True


@pytest.mark.parametrize("kind", VIDEO_KINDS)
def test_truth_reports_the_stored_size(kind: str, made: dict[str, VideoTruth]) -> None:
    truth = made[kind]
    with av.open(str(truth.path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (
            truth.width,
            truth.height,
        )


def test_rotated_mov_is_stored_sideways_and_shown_upright(
    made: dict[str, VideoTruth], decoded: dict[str, Decoded]
) -> None:
    truth = made[ROTATED_MOV]
    assert truth.rotation == 90
    assert (truth.width, truth.height) == (320, 240)
    with av.open(str(truth.path)) as container:
        stored = next(container.decode(video=0)).to_ndarray(format="rgb24")
    # Without the rotation the marker is elsewhere and the number unreadable.
    assert marker_corner(stored) != "top-left"
    with pytest.raises(ValueError, match="pattern"):
        read_frame_number(stored)


def test_h264_and_hevc_really_have_b_frames(decoded: dict[str, Decoded]) -> None:
    b_frame = int(av.video.frame.PictureType.B)
    for kind in (H264_BFRAMES, HEVC10):
        assert b_frame in decoded[kind].pict_types, kind


def test_hevc_is_ten_bit(decoded: dict[str, Decoded]) -> None:
    assert decoded[HEVC10].formats == {"yuv420p10le"}


def test_interlaced_ts_is_interlaced_with_one_packet_per_frame(
    made: dict[str, VideoTruth], decoded: dict[str, Decoded]
) -> None:
    assert all(decoded[INTERLACED_TS].interlaced)
    with av.open(str(made[INTERLACED_TS].path)) as container:
        packets = [p for p in container.demux(video=0) if p.size > 0]
    assert len(packets) == made[INTERLACED_TS].frame_count


def test_audio_only_has_no_video(made: dict[str, VideoTruth]) -> None:
    truth = made[AUDIO_ONLY]
    assert truth.path.suffix == ".m4a"
    assert (truth.frame_count, truth.pts_ms, truth.has_audio) == (0, (), True)
    with av.open(str(truth.path)) as container:
        assert not container.streams.video
        assert container.streams.audio[0].codec_context.name == "aac"
    samples, _ = audio_samples(truth.path)
    assert np.abs(samples).max() > 0.01


def test_make_video_refuses_a_lying_suffix_and_unknown_kinds(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.webm"):
        make_video(tmp_path / "clip.mp4", "vp9_webm")
    with pytest.raises(ValueError, match="unknown kind"):
        make_video(tmp_path / "clip.mp4", "betamax")


def test_make_video_without_sound(tmp_path: Path) -> None:
    truth = make_video(tmp_path / "quiet.mp4", H264_BFRAMES, frames=12, seconds_audio=False)
    assert not truth.has_audio
    clip = Decoded(truth.path)
    assert not clip.has_audio
    assert clip.numbers == list(range(12))


# -- committed clips ---------------------------------------------------------------------


def load_truth(name: str, folder: Path = CLIPS) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return data


def test_committed_clips_are_small() -> None:
    paths = [DEMO_CLIPS / "dyad.mp4", CLIPS / "frame_numbers.mp4", CLIPS / "vfr.mp4"]
    assert sum(path.stat().st_size for path in paths) < 3_000_000


def test_the_generator_writes_the_demo_clip_where_vigtool_reads_it() -> None:
    assert Path(str(demo_data())).resolve() == DEMO_CLIPS.resolve()
    assert (DEMO_CLIPS / "__init__.py").is_file()


def test_frame_numbers_clip_matches_its_truth() -> None:
    truth = load_truth("frame_numbers.truth.json")
    clip = Decoded(CLIPS / truth["clip"])
    assert clip.has_audio
    assert clip.numbers == list(range(truth["frame_count"]))
    expected_ms = [n * 1000 / truth["fps"] for n in range(truth["frame_count"])]
    assert np.allclose(clip.relative_ms, expected_ms, rtol=0, atol=1)
    assert int(av.video.frame.PictureType.B) in clip.pict_types
    samples, rate = audio_samples(CLIPS / truth["clip"])
    # Each click starts within 5 ms of its frame's time; between clicks, silence.
    window = rate // 20
    between = np.ones(len(samples), dtype=bool)
    for click_ms in truth["click_ms"]:
        at = round(click_ms * rate / 1000)
        start = max(0, at - window)
        first_loud = start + int(np.argmax(np.abs(samples[start : at + window]) > 0.2))
        assert abs(first_loud * 1000 / rate - click_ms) <= 5, click_ms
        between[start : at + window] = False
    assert np.abs(samples[between]).max() < 0.05


def test_vfr_clip_matches_its_truth() -> None:
    truth = load_truth("vfr.truth.json")
    clip = Decoded(CLIPS / truth["clip"])
    assert clip.has_audio
    assert clip.numbers == list(range(truth["frame_count"]))
    assert np.allclose(clip.relative_ms, truth["pts_ms"], rtol=0, atol=1)
    gaps = np.diff(truth["pts_ms"])
    # Gaps vary like a phone's: steady 33 ms runs broken by slower frames.
    assert gaps.min() < 34
    assert gaps.max() > 40


def test_dyad_truth_is_what_the_generator_says() -> None:
    assert load_truth("dyad.truth.json", DEMO_CLIPS) == dyad_truth(dyad_turns())


def test_dyad_clip_has_the_promised_turn_taking() -> None:
    truth = load_truth("dyad.truth.json", DEMO_CLIPS)
    with av.open(str(DEMO_CLIPS / truth["clip"])) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == truth["frame_count"]
    assert len(truth["chains"]) >= 3
    vocal = [t for t in truth["turns"] if t["kind"] != "reception"]
    for turn in truth["turns"]:
        assert 0 <= turn["start_frame"] <= turn["end_frame"] < truth["frame_count"]
        assert turn["start_ms"] == turn["start_frame"] * 40
        assert turn["end_ms"] == (turn["end_frame"] + 1) * 40
    for chain in truth["chains"]:
        voices = [t for t in vocal if t["chain"] == chain["id"]]
        assert voices[0]["kind"] == "initiative"
        assert voices[0]["actor"] == chain["initiator"]
        for before, after in itertools.pairwise(voices):
            assert after["actor"] != before["actor"]
            assert 300 <= after["start_ms"] - before["end_ms"] <= 1200
    samples, rate = audio_samples(DEMO_CLIPS / truth["clip"])
    for turn in vocal:
        assert rms(samples, rate, turn["start_ms"], turn["end_ms"]) > 0.05, turn
        pitch = pitch_hz(samples, rate, turn["start_ms"], turn["end_ms"])
        assert (pitch > 400) if turn["actor"] == "child" else (140 < pitch < 260), turn
    for quiet in truth["quiet"]:
        assert rms(samples, rate, quiet["start_ms"], quiet["end_ms"]) < 0.01, quiet

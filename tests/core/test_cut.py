"""Clip export: exactly frames A..B, with sound in sync, on every kind of video.

Every generated frame shows its own number (sample_clips.pattern), so each
test reads the numbers back out of the exported clip: a cut that is one frame
off, drops a frame or repeats one fails here. Smart-cut clips are also
checked frame by frame against the source: the copied GOPs must decode to the
very same pictures.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
from sample_clips.pattern import marker_corner, read_frame_number
from vigtool.errors import Cancelled, FrameOutOfRange, VigtoolError
from vigtool.jobs import CancelToken
from vigtool.media import cut as cut_module
from vigtool.media.cut import CutOptions, CutResult, cut_clip, padded_span
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.probe import probe_video
from vigtool.media.reader import FrameReader, to_rgb
from vigtool.media.smartcut import AvcConfig, plan_smart, split_annexb
from vigtool.media.textdraw import caption_strip
from vigtool.privacy.files import TEMP_PREFIX

ROOT = Path(__file__).resolve().parents[2]
FRAME_NUMBERS = ROOT / "sample_clips" / "frame_numbers.mp4"
VIDEO_KINDS = [k for k in KINDS if k != AUDIO_ONLY]
SMART_KINDS = {H264_BFRAMES, ROTATED_MOV, VFR_PHONE}  # progressive 8-bit H.264
FRAMES = 90
A, B = 17, 71  # mid-GOP to mid-GOP: head 17..29 (or ..24), copied GOPs, tail

Gray = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def clips(
    every_kind: dict[str, tuple[VideoTruth, FrameIndex]],
) -> dict[str, tuple[VideoTruth, FrameIndex]]:
    return every_kind


def clip_numbers(path: Path) -> list[int]:
    """The frame number drawn in every frame of ``path``, display rotation applied."""
    with av.open(str(path)) as container:
        return [read_frame_number(to_rgb(f)) for f in container.decode(video=0)]


def cut(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], kind: str, out: Path,
    first: int = A, last: int = B, **options: Any,
) -> CutResult:
    truth, index = clips[kind]
    return cut_clip(truth.path, index, first, last, out, options=CutOptions(**options))


def ffprobe_errors(path: Path) -> tuple[str, int]:
    """FFmpeg's own complaints while decoding every frame, and how many frames it read."""
    run = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    )
    return run.stderr.strip(), int(run.stdout.strip().split(",")[0])


@pytest.mark.parametrize("kind", VIDEO_KINDS)
def test_clip_holds_exactly_the_frames_asked_for(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], kind: str, tmp_path: Path
) -> None:
    out = tmp_path / "clip.mp4"
    result = cut(clips, kind, out)
    assert clip_numbers(out) == list(range(A, B + 1))
    assert result.frames == B - A + 1
    assert result.smart is (kind in SMART_KINDS)
    probe = probe_video(out)
    assert (probe.codec, probe.pixel_format, probe.audio_codec) == ("h264", "yuv420p", "aac")
    assert probe.frame_count == B - A + 1
    assert result.has_audio
    assert probe.has_audio
    if shutil.which("/usr/bin/ffprobe"):
        assert ffprobe_errors(out) == ("", B - A + 1)


def test_smart_cut_copies_middle_gops_bit_for_bit(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    truth, index = clips[H264_BFRAMES]
    plan = plan_smart(index, A, B)
    assert plan is not None
    assert plan.head
    assert plan.tail
    out = tmp_path / "smart.mp4"
    assert cut(clips, H264_BFRAMES, out).smart
    with av.open(str(out)) as container:
        decoded = [f.to_ndarray(format="yuv420p") for f in container.decode(video=0)]
    with FrameReader(truth.path, index, prefetch=False) as reader:
        for n in range(A, B + 1):
            source = reader.av_frame(n).to_ndarray(format="yuv420p")
            if plan.copy_from <= n < plan.copy_to:
                assert np.array_equal(decoded[n - A], source), f"copied frame {n} differs"
            else:
                assert psnr(decoded[n - A], source) > 32, f"re-encoded frame {n} too unlike"


def psnr(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * float(np.log10(255**2 / mse))


def test_smart_cut_output_carries_both_parameter_sets(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    out = tmp_path / "smart.mp4"
    cut(clips, H264_BFRAMES, out)
    with av.open(str(out)) as container:
        config = AvcConfig.parse(container.streams.video[0].codec_context.extradata)
    assert len(config.sps) == 2
    assert len(config.pps) == 2


@pytest.mark.parametrize("smart", [True, False])
def test_sound_stays_in_sync_with_the_picture(smart: bool, tmp_path: Path) -> None:
    """frame_numbers.mp4 clicks on frames 0, 30, 60...; cut from frame 45, they fall on 15, 45..."""
    index = build_frame_index(FRAME_NUMBERS)
    out = tmp_path / "sync.mp4"
    result = cut_clip(FRAME_NUMBERS, index, 45, 150, out, options=CutOptions(smart=smart))
    assert result.smart is smart
    onsets = [t * 30 for t in click_onsets(out)]
    assert len(onsets) == 4
    for got, want in zip(onsets, (15, 45, 75, 105), strict=True):
        assert abs(got - want) < 1, f"click at frame {got:.2f}, expected {want}"


def click_onsets(path: Path) -> list[float]:
    """Seconds (from the first video frame) where each loud burst begins."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        blocks, start = [], None
        for frame in container.decode(stream):
            if start is None:
                start = float(frame.pts * frame.time_base)
            blocks.append(frame.to_ndarray().reshape(frame.layout.nb_channels, -1)[0])
    assert start is not None
    loud = np.flatnonzero(np.abs(np.concatenate(blocks)) > 0.2)
    rate = stream.rate
    firsts = [int(loud[0])] + [int(b) for a, b in itertools.pairwise(loud) if b - a > rate // 4]
    return [start + i / rate for i in firsts]


@pytest.mark.parametrize("smart", [True, False])
def test_display_rotation_is_kept(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], smart: bool, tmp_path: Path
) -> None:
    out = tmp_path / "rotated.mp4"
    assert cut(clips, ROTATED_MOV, out, smart=smart).smart is smart
    probe = probe_video(out)
    assert probe.rotation == 90
    assert (probe.width, probe.height) == (240, 320)
    with av.open(str(out)) as container:
        assert marker_corner(to_rgb(next(container.decode(video=0)))) == "top-left"


@pytest.mark.parametrize("smart", [True, False])
def test_variable_frame_rate_timestamps_are_kept(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], smart: bool, tmp_path: Path
) -> None:
    _truth, index = clips[VFR_PHONE]
    out = tmp_path / "vfr.mp4"
    assert cut(clips, VFR_PHONE, out, smart=smart).smart is smart
    made = build_frame_index(out)
    tb_out = made.time_base[0] / made.time_base[1]
    tb_src = index.time_base[0] / index.time_base[1]
    got = (made.pts - made.pts[0]) * tb_out * 1000
    want = (index.pts[A : B + 1] - index.pts[A]) * tb_src * 1000
    assert np.max(np.abs(got - want)) < 1.0
    assert probe_video(out, made).vfr


def test_silent_source_gives_a_silent_clip(tmp_path: Path) -> None:
    truth = make_video(tmp_path / "silent.mp4", H264_BFRAMES, frames=60, seconds_audio=False)
    out = tmp_path / "clip.mp4"
    result = cut_clip(truth.path, build_frame_index(truth.path), 5, 50, out)
    assert not result.has_audio
    with av.open(str(out)) as container:
        assert not container.streams.audio
    assert clip_numbers(out) == list(range(5, 51))


def test_padding_widens_the_span_and_stops_at_the_ends(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    _, index = clips[H264_BFRAMES]
    assert padded_span(index, A, B, 200, 300) == (A - 6, B + 9)
    assert padded_span(index, 3, FRAMES - 3, 10_000, 10_000) == (0, FRAMES - 1)
    out = tmp_path / "padded.mp4"
    result = cut(clips, H264_BFRAMES, out, pad_before_ms=200, pad_after_ms=300)
    assert clip_numbers(out) == list(range(A - 6, B + 10))
    assert result.frames == B + 9 - (A - 6) + 1


def test_fade_starts_and_ends_in_black_and_silence(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    out = tmp_path / "faded.mp4"
    result = cut(clips, H264_BFRAMES, out, fade_ms=400)
    assert not result.smart
    with av.open(str(out)) as container:
        luma = [float(f.to_ndarray(format="gray").mean()) for f in container.decode(video=0)]
    middle = luma[len(luma) // 2]
    assert luma[0] < 20 < middle
    assert luma[-1] < 0.25 * middle
    assert luma[6] < luma[12]
    assert len(luma) == B - A + 1
    with av.open(str(out)) as container:
        sound = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
    rate = 48_000
    edge = np.sqrt(np.mean(sound[: rate // 50] ** 2))
    mid = np.sqrt(np.mean(sound[len(sound) // 2 - rate // 10 : len(sound) // 2 + rate // 10] ** 2))
    assert edge < 0.1 * mid


def test_soft_caption_is_a_subtitle_track(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    words = "Sam looks up; Mum smiles back. Schön! 😊"
    out = tmp_path / "captioned.mp4"
    result = cut(clips, H264_BFRAMES, out, caption=words)
    assert result.smart
    with av.open(str(out)) as container:
        (stream,) = container.streams.subtitles
        assert stream.codec_context.name == "mov_text"
        # A tx3g sample is a 16-bit length and the UTF-8 text.
        packets = [p for p in container.demux(stream) if p.size]
        shown = [(bytes(p), float(p.duration * p.time_base)) for p in packets if p.time_base]
    cues = {s[2 : 2 + int.from_bytes(s[:2], "big")].decode(): d for s, d in shown}
    assert cues[words] == pytest.approx(result.seconds, abs=0.002)


LONG_WORDS = (
    "Mum waits while Sam reaches for the ball, and then they take turns, like a real "
    "conversation: Sam babbles, Mum answers, and Sam smiles back at her — مرحبا — again "
    "and again, for a long and happy minute on the rug."
)


@pytest.mark.parametrize("kind", [ROTATED_MOV, H264_BFRAMES])
def test_burnt_caption_goes_below_the_upright_picture_whole(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], kind: str, tmp_path: Path
) -> None:
    plain, burnt = tmp_path / "plain.mp4", tmp_path / "burnt.mp4"
    cut(clips, kind, plain, smart=False)
    result = cut(clips, kind, burnt, caption=LONG_WORDS, caption_mode="burn")
    assert not result.smart
    assert result.caption_at == "below"
    pictures = list(upright_frames(plain))
    height, width = pictures[0].shape[:2]
    band = caption_strip(LONG_WORDS, width, height)
    assert band.shape[0] % 2 == 0
    with av.open(str(burnt)) as container:
        stored = container.streams.video[0].codec_context
        assert stored.width % 2 == 0
        assert stored.height % 2 == 0
    numbers = []
    for a, b in zip(pictures, upright_frames(burnt), strict=True):
        assert b.shape == (height + band.shape[0], width, 3)  # the same for every frame
        assert np.abs(a.astype(np.int16) - b[:height]).mean() < 3  # the picture untouched
        assert np.abs(band.astype(np.int16) - b[height:]).mean() < 4  # every word, below
        numbers.append(read_frame_number(b[:height]))
    assert numbers == list(range(A, B + 1))


def test_words_over_the_picture_only_where_they_cover_nothing(tmp_path: Path) -> None:
    """Over a letterboxed film the words lie on the black bar; over the demo film, whose
    parent's head is near the top and baby near the bottom, they go below it."""
    demo = ROOT / "sample_clips" / "demo" / "dyad.mp4"
    boxed = tmp_path / "letterboxed.mp4"
    with av.open(str(demo)) as source, av.open(str(boxed), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 600, "yuv420p"
        for i, frame in enumerate(source.decode(video=0)):
            if i == 40:
                break
            rgb = np.pad(frame.to_ndarray(format="rgb24"), ((120, 120), (0, 0), (0, 0)))
            out.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        out.mux(stream.encode(None))
    words = "You waited, and Sam smiled."
    over = CutOptions(caption=words, caption_mode="burn", caption_place="over")
    index = build_frame_index(boxed)
    result = cut_clip(boxed, index, 0, 39, tmp_path / "over.mp4", options=over)
    assert result.caption_at == "bottom"
    cut_clip(boxed, index, 0, 39, tmp_path / "plain.mp4", options=CutOptions(smart=False))
    for a, b in zip(upright_frames(tmp_path / "plain.mp4"), upright_frames(tmp_path / "over.mp4"),
                    strict=True):
        assert b.shape == a.shape == (600, 640, 3)
        diff = np.abs(a.astype(np.int16) - b).mean(axis=(1, 2))
        assert diff[:480].max() < 3  # the picture (it ends at row 480) untouched
        assert diff[480:].max() > 20  # the words are on the bar
    demo_index = build_frame_index(demo)
    result = cut_clip(demo, demo_index, 0, 39, tmp_path / "demo.mp4", options=over)
    assert result.caption_at == "below"
    with av.open(str(tmp_path / "demo.mp4")) as container:
        assert container.streams.video[0].codec_context.height > 360


def upright_frames(path: Path) -> Iterator[npt.NDArray[np.uint8]]:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield to_rgb(frame)


@pytest.mark.parametrize("smart", [True, False])
def test_cancel_leaves_no_file_behind(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], smart: bool, tmp_path: Path
) -> None:
    truth, index = clips[H264_BFRAMES]
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 20:
            token.cancel()

    out = tmp_path / "out" / "clip.mp4"
    with pytest.raises(Cancelled):
        cut_clip(truth.path, index, 0, FRAMES - 1, out, options=CutOptions(smart=smart),
                 progress=progress, cancel=token)
    assert seen
    assert not out.exists()
    assert not list(out.parent.glob(f"{TEMP_PREFIX}*"))


def test_progress_counts_up_to_every_frame(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    truth, index = clips[H264_BFRAMES]
    calls: list[tuple[int, int]] = []
    out = tmp_path / "c.mp4"
    cut_clip(truth.path, index, A, B, out, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (B - A + 1, B - A + 1)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_bad_spans_are_refused_in_one_line(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path
) -> None:
    truth, index = clips[H264_BFRAMES]
    out = tmp_path / "bad.mp4"
    with pytest.raises(VigtoolError, match=r"^frame 500 is past the end of the recording"):
        cut_clip(truth.path, index, 10, 500, out)
    with pytest.raises(VigtoolError, match=r"ends .* before it starts"):
        cut_clip(truth.path, index, 40, 20, out)
    with pytest.raises(VigtoolError, match="negative"):
        cut_clip(truth.path, index, 1, 2, out, options=CutOptions(pad_before_ms=-1))
    assert not out.exists()
    assert not issubclass(FrameOutOfRange, Cancelled)


def test_plan_copies_only_whole_closed_gops(
    clips: dict[str, tuple[VideoTruth, FrameIndex]],
) -> None:
    _, index = clips[H264_BFRAMES]  # keyframes every 30 frames
    plan = plan_smart(index, 17, 71)
    assert plan is not None
    assert (plan.decode_from, plan.copy_from, plan.copy_to) == (0, 30, 60)
    assert list(plan.head) == list(range(17, 30))
    assert list(plan.tail) == list(range(60, 72))
    aligned = plan_smart(index, 30, 59)
    assert aligned is not None
    assert not aligned.head
    assert not aligned.tail
    assert plan_smart(index, 31, 58) is None  # no whole GOP inside
    one_frame_head = plan_smart(index, 29, 89)  # would put two IDR pictures side by side
    assert one_frame_head is not None
    assert one_frame_head.copy_from == 60


def test_annexb_split_handles_three_and_four_byte_start_codes() -> None:
    data = b"\x00\x00\x00\x01\x67\x64\x00\x00\x01\x68\xee\x00\x00\x00\x01\x65\x88"
    assert split_annexb(data) == [b"\x67\x64", b"\x68\xee", b"\x65\x88"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_full_disk_is_one_line_and_leaves_nothing(
    clips: dict[str, tuple[VideoTruth, FrameIndex]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every write fails with ENOSPC, as on a full disk (/dev/full stands in for the file)."""
    real_open = cut_module.open_mp4
    monkeypatch.setattr(cut_module, "open_mp4", lambda path: real_open(Path("/dev/full")))
    out = tmp_path / "clip.mp4"
    with pytest.raises(VigtoolError, match=r"^could not write clip\.mp4: the disk is full$"):
        cut(clips, H264_BFRAMES, out)
    assert list(tmp_path.iterdir()) == []

"""Clips any phone plays: what is checked (codec, profile, pixels, size, sound, index first)
and what a re-encode makes of a clip that falls short, on real files."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from sample_clips.kinds import VideoTruth
from tests.core.family_copy_case import write_baseline_film, write_big_film
from vigtool.exports.phone_video import (
    clip_facts,
    fits_1080p,
    fitted_size,
    moov_before_mdat,
    phone_copy,
)
from vigtool.media.encode import open_mp4


@pytest.mark.parametrize(("size", "fitted"), [
    ((320, 240), (320, 240)),
    ((1920, 1080), (1920, 1080)),
    ((1080, 1920), (1080, 1920)),  # a phone held upright: 1080p too
    ((3840, 2160), (1920, 1080)),
    ((2160, 3840), (1080, 1920)),
    ((2400, 1350), (1920, 1080)),
    ((1440, 1440), (1080, 1080)),
    ((4000, 1000), (1920, 480)),
    ((1921, 1081), (1918, 1080)),  # never one pixel over, and even
])
def test_fitted_size_keeps_the_aspect_within_1080p(size: tuple[int, int],
                                                  fitted: tuple[int, int]) -> None:
    assert fitted_size(*size) == fitted
    assert fits_1080p(*fitted)
    assert fits_1080p(*size) == (size == fitted)


def frames_and_audio(path: Path) -> tuple[int, list[str]]:
    with av.open(str(path)) as container:
        audio = [a.codec_context.name for a in container.streams.audio]
        return sum(1 for _ in container.decode(video=0)), audio


def test_a_file_with_its_index_at_the_end_is_remade_with_it_first(
    small_video: VideoTruth, tmp_path: Path,
) -> None:
    # The test film is written as a camera writes: its index (moov) after the pictures.
    assert not moov_before_mdat(small_video.path)
    facts = clip_facts(small_video.path)
    assert facts.problems == ["index at the end"]
    out = tmp_path / "clip.mp4"
    assert phone_copy(small_video.path, out, keep_source=True) is True
    assert small_video.path.is_file()  # the source is kept when asked
    assert clip_facts(out).phone_ready
    assert moov_before_mdat(out)
    assert frames_and_audio(out) == (small_video.frame_count, ["aac"])


def test_a_phone_ready_clip_is_moved_as_it_is(tmp_path: Path) -> None:
    ready = tmp_path / "ready.mp4"
    with open_mp4(ready) as mp4:  # vigtool's own MP4s: index first
        stream = mp4.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for n in range(5):
            frame = av.VideoFrame(64, 48, "yuv420p")
            frame.pts = n
            mp4.mux(stream.encode(frame))
        mp4.mux(stream.encode(None))
    before = ready.read_bytes()
    assert clip_facts(ready).phone_ready
    out = tmp_path / "out.mp4"
    assert phone_copy(ready, out) is False
    assert out.read_bytes() == before
    assert not ready.exists()


def test_baseline_h264_becomes_high(tmp_path: Path) -> None:
    source = write_baseline_film(tmp_path / "baseline.mp4")
    assert clip_facts(source).profile == "Constrained Baseline"
    out = tmp_path / "clip.mp4"
    assert phone_copy(source, out) is True
    assert not source.exists()  # a cut clip in a work folder is not kept
    facts = clip_facts(out)
    assert facts.profile == "High"
    assert facts.phone_ready
    assert frames_and_audio(out) == (30, ["aac"])


def test_larger_than_1080p_is_scaled_down_with_its_timing_and_sound(tmp_path: Path) -> None:
    source = write_big_film(tmp_path / "big.mp4", frames=10)
    out = tmp_path / "clip.mp4"
    assert phone_copy(source, out, keep_source=True) is True
    facts = clip_facts(out)
    assert (facts.width, facts.height) == (1920, 1080)
    assert facts.phone_ready
    with av.open(str(source)) as a, av.open(str(out)) as b:
        times_a = [f.time for f in a.decode(video=0)]
        times_b = [f.time for f in b.decode(video=0)]
        sound_b = b.streams.audio[0].duration * b.streams.audio[0].time_base
    assert len(times_b) == len(times_a) == 10
    assert [round(t - times_b[0], 3) for t in times_b] == [
        round(t - times_a[0], 3) for t in times_a]
    assert abs(float(sound_b) - 10 / 25) < 0.05

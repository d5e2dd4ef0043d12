"""Highlight reels: moments from different recordings, in order, with title cards between."""

from __future__ import annotations

import itertools
import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from sample_clips.kinds import H264_BFRAMES, ROTATED_MOV, VP9_WEBM, make_video
from sample_clips.pattern import marker_corner, read_frame_number
from vigtool.errors import Cancelled, VigtoolError
from vigtool.jobs import CancelToken
from vigtool.media.frame_index import build_frame_index
from vigtool.media.reel import CARD_RATE, FADE_S, ReelSegment, make_reel
from vigtool.media.textdraw import CARD_BACKGROUND
from vigtool.privacy.files import TEMP_PREFIX

RGB = npt.NDArray[np.uint8]
SPANS = {H264_BFRAMES: (10, 60), ROTATED_MOV: (5, 50), VP9_WEBM: (20, 70)}


@pytest.fixture(scope="module")
def segments(tmp_path_factory: pytest.TempPathFactory) -> list[ReelSegment]:
    folder = tmp_path_factory.mktemp("reel-sources")
    made = []
    for kind, (first, last) in SPANS.items():
        truth = make_video(folder / kind, kind, frames=80)
        made.append(ReelSegment(truth.path, build_frame_index(truth.path), first, last,
                                title=f"Moment {len(made) + 1}: {kind}", caption=None))
    return made


def reel_frames(path: Path) -> list[RGB]:
    with av.open(str(path)) as container:
        return [np.asarray(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def content(rgb: RGB) -> RGB:
    """The picture without its black letterbox or pillarbox bars."""
    lit = rgb.max(axis=2) > 40
    rows, cols = np.flatnonzero(lit.any(axis=1)), np.flatnonzero(lit.any(axis=0))
    return rgb[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def test_reel_plays_moments_in_order_with_title_cards_between(
    segments: list[ReelSegment], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Films of different kinds, sizes and turns cannot be joined: the reel is re-encoded,
    every part letterboxed into one size, and a log line says why."""
    out = tmp_path / "reel.mp4"
    segments = [*segments[:2], ReelSegment(**{**segments[2].__dict__, "caption": "Lovely! 😊"})]
    with caplog.at_level(logging.WARNING, logger="vigtool.media.reel"):
        result = make_reel(segments, out, card_seconds=1.0)
    assert not result.copied
    assert "different sizes or H.264 settings" in result.reason
    assert [r.getMessage() for r in caplog.records] == [
        f"reel.mp4: re-encoding the whole reel because {result.reason}"]
    card = CARD_RATE
    lengths = [last - first + 1 for first, last in SPANS.values()]
    assert result.frames == 3 * card + sum(lengths)
    assert (result.width, result.height) == (320, 240)  # the first moment's size
    frames = reel_frames(out)
    assert len(frames) == result.frames
    assert {f.shape for f in frames} == {(240, 320, 3)}
    edge = round(FADE_S * 30) + 1  # frames darkened by the fades between parts
    position = 0
    for (first, _last), length in zip(SPANS.values(), lengths, strict=True):
        middle_card = frames[position + card // 2]
        assert np.abs(middle_card[2, 2].astype(int) - CARD_BACKGROUND).max() < 12
        assert middle_card.std() > 5  # the title is written on it
        position += card
        for k in range(edge, length - edge):
            assert read_frame_number(content(frames[position + k])) == first + k
        position += length
    rotated = content(frames[2 * card + lengths[0] + lengths[1] // 2])
    assert rotated.shape[0] > rotated.shape[1]  # shown upright, pillarboxed
    assert marker_corner(rotated) == "top-left"
    plain_moment = frames[card + lengths[0] // 2]
    captioned = frames[-(lengths[2] // 2)]
    row = round(240 * 0.9)  # inside the caption band: dark behind white letters
    assert np.median(plain_moment[row]) > 60 > np.median(captioned[row])
    assert captioned[row].max() > 200


def test_reel_sound_spans_cards_and_moments(segments: list[ReelSegment], tmp_path: Path) -> None:
    out = tmp_path / "reel.mp4"
    result = make_reel(segments, out, card_seconds=0.5)
    assert result.has_audio
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        video_s = float(video.duration * video.time_base)
        audio_s = float(audio.duration * audio.time_base)
        sound = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio)])
    assert abs(video_s - result.seconds) < 0.05
    assert abs(audio_s - result.seconds) < 0.05
    rate = 48_000
    card = sound[: rate // 4]
    assert np.abs(card).max() < 1e-3  # silence under the first title card
    moment = sound[int(0.5 * rate) + rate // 2 : int(0.5 * rate) + rate]
    assert np.sqrt(np.mean(moment**2)) > 0.01  # the source's tone under the moment


def test_reel_without_cards_is_just_the_moments(
    segments: list[ReelSegment], tmp_path: Path
) -> None:
    out = tmp_path / "plain.mp4"
    result = make_reel(segments[:1], out, title_cards=False)
    first, last = SPANS[H264_BFRAMES]
    assert result.frames == last - first + 1
    assert result.parts == 1
    frames = reel_frames(out)
    assert read_frame_number(frames[len(frames) // 2]) == first + len(frames) // 2


def test_cancelled_reel_leaves_nothing(segments: list[ReelSegment], tmp_path: Path) -> None:
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > 40:
            token.cancel()

    out = tmp_path / "reel.mp4"
    with pytest.raises(Cancelled):
        make_reel(segments, out, progress=progress, cancel=token)
    assert not out.exists()
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_reel_refuses_nothing_and_bad_spans(segments: list[ReelSegment], tmp_path: Path) -> None:
    with pytest.raises(VigtoolError, match="at least one moment"):
        make_reel([], tmp_path / "r.mp4")
    bad = ReelSegment(**{**segments[0].__dict__, "end_frame": 999})
    with pytest.raises(VigtoolError, match="frame 999 is past the end"):
        make_reel([bad], tmp_path / "r.mp4")


# --- the fast reel: smart-cut moments joined with matching title cards ----------------------

CLICK_EVERY = 15  # a click of sound starts with every 15th frame of the clicking film
CLICK_RATE = 48_000


def _numbers(frames: list[RGB]) -> list[int | None]:
    """Each frame's number, None for a frame without the pattern (a title card)."""
    out: list[int | None] = []
    for rgb in frames:
        try:
            out.append(read_frame_number(rgb))
        except ValueError:
            out.append(None)
    return out


def _runs(numbers: list[int | None]) -> list[list[int] | int]:
    """Numbered runs as lists, card runs as their length."""
    runs: list[list[int] | int] = []
    for n in numbers:
        if n is None:
            if runs and isinstance(runs[-1], int):
                runs[-1] += 1
            else:
                runs.append(1)
        elif runs and isinstance(runs[-1], list):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


@pytest.fixture(scope="module")
def clicking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 numbered frames (H.264, B-frames, a keyframe every 30) whose sound clicks at the
    very start of every 15th frame, so sync can be read from the reel itself."""
    from sample_clips.kinds import AudioSettings, VideoSettings, write_media, x264_options
    from sample_clips.pattern import draw_frame

    path = tmp_path_factory.mktemp("clicking") / "clicking.mp4"
    frames = 150
    sound = np.zeros(frames * CLICK_RATE // 30, np.float32)
    burst = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(240) / CLICK_RATE).astype(np.float32)
    for n in range(0, frames, CLICK_EVERY):
        start = n * CLICK_RATE // 30
        sound[start : start + len(burst)] = burst
    video = VideoSettings("libx264", 320, 240, Fraction(30), options=x264_options(30))
    write_media(path, video=video, pictures=(draw_frame(n, 320, 240) for n in range(frames)),
                audio=AudioSettings("aac", CLICK_RATE), samples=sound)
    return path


def test_the_reel_copies_each_moment_frame_exactly_between_title_cards(
    clicking: Path, tmp_path: Path
) -> None:
    index = build_frame_index(clicking)
    # A head, copied GOPs and a tail; no whole GOP (all re-encoded alike); to the film's end.
    spans = [(10, 70), (33, 55), (91, 149)]
    segments = [ReelSegment(clicking, index, a, b, f"Moment {n}") for n, (a, b) in
                enumerate(spans, start=1)]
    result = make_reel(segments, tmp_path / "reel.mp4", card_seconds=1.0)
    assert result.copied, result.reason
    assert (result.width, result.height) == (320, 240)  # the films' own size, not re-scaled
    runs = _runs(_numbers(reel_frames(result.path)))
    assert [r for r in runs if isinstance(r, list)] == [list(range(a, b + 1)) for a, b in spans]
    assert [type(r) for r in runs] == [int, list] * 3  # a card before every moment
    assert all(r >= 3 for r in runs if isinstance(r, int))  # fading in, held, fading out
    with av.open(str(result.path)) as container:
        video = container.streams.video[0]
        assert abs(float(video.duration * video.time_base) - result.seconds) < 0.02
    assert result.seconds == pytest.approx(3 * 1.0 + sum(b - a + 1 for a, b in spans) / 30,
                                           abs=0.05)


def test_the_reel_sound_clicks_exactly_with_its_frames_after_every_join(
    clicking: Path, tmp_path: Path
) -> None:
    index = build_frame_index(clicking)
    spans = [(12, 80), (95, 140), (20, 50)]
    segments = [ReelSegment(clicking, index, a, b, f"Moment {n}") for n, (a, b) in
                enumerate(spans, start=1)]
    result = make_reel(segments, tmp_path / "reel.mp4", card_seconds=0.7)
    assert result.copied, result.reason
    with av.open(str(result.path)) as container:
        shown = [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24"))
                 for f in container.decode(video=0)]
    with av.open(str(result.path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=CLICK_RATE)
        sound = np.concatenate([np.asarray(r.to_ndarray()).ravel()
                                for f in container.decode(audio=0) for r in resampler.resample(f)])
    loud = np.flatnonzero(np.abs(sound) > 0.2)
    onsets = [int(loud[0])] + [int(b) for a, b in itertools.pairwise(loud)
                               if b - a > CLICK_RATE // 10]
    times = [t for t, _ in shown]
    numbers = _numbers([rgb for _, rgb in shown])
    expected = [n for a, b in spans for n in range(a, b + 1) if n % CLICK_EVERY == 0]
    heard = []
    for onset in onsets:
        seconds = onset / CLICK_RATE
        at = int(np.searchsorted(times, seconds + 0.005)) - 1  # the frame showing then
        heard.append(numbers[at])
        assert abs(seconds - times[at]) < 0.006, (numbers[at], seconds, times[at])
    assert heard == expected


def test_a_turned_film_is_joined_with_its_cards_and_moments_upright(
    segments: list[ReelSegment], tmp_path: Path
) -> None:
    rotated = next(s for s in segments if s.source.suffix == ".mov")
    parts = [ReelSegment(**{**rotated.__dict__, "title": "Waiting together"}),
             ReelSegment(**{**rotated.__dict__, "start_frame": 60, "end_frame": 79})]
    result = make_reel(parts, tmp_path / "reel.mp4", card_seconds=1.0)
    assert result.copied, result.reason
    with av.open(str(result.path)) as container:
        shown = [np.ascontiguousarray(np.rot90(f.to_ndarray(format="rgb24"), f.rotation // 90))
                 for f in container.decode(video=0)]
    numbers = _numbers(shown)
    first, last = SPANS[ROTATED_MOV]
    assert [n for n in numbers if n is not None] == [*range(first, last + 1), *range(60, 80)]
    moment = shown[numbers.index(first)]
    assert moment.shape[0] > moment.shape[1]  # portrait, as the phone filmed it
    assert marker_corner(moment) == "top-left"
    card = shown[numbers.index(None) + 12]  # the held middle of the first card
    ink = np.argwhere(card.max(axis=2) < 90)  # the title's letters
    height, width = np.ptp(ink, axis=0)
    assert width > 2 * height  # a line of text across the picture, not down it

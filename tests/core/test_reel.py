"""Highlight reels: moments from different recordings, in order, with title cards between."""

from __future__ import annotations

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
    segments: list[ReelSegment], tmp_path: Path
) -> None:
    out = tmp_path / "reel.mp4"
    segments = [*segments[:2], ReelSegment(**{**segments[2].__dict__, "caption": "Lovely! 😊"})]
    result = make_reel(segments, out, card_seconds=1.0)
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

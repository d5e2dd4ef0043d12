"""Words on stills and clips: never cut, in any script, and never over a face.

Layouts are checked against the words they were given, bands against their
pixels; where a band may lie over a picture is checked on the demo clip's
real frames, whose two figures are found by their colours.
"""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from sample_clips.kinds import VideoTruth
from vigtool.media.caption_layout import caption_region, is_plain, steady_region
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.frame_index import build_frame_index
from vigtool.media.stills import with_caption
from vigtool.media.textdraw import (
    CAPTION_LINES_OVER,
    caption_sizes,
    caption_strip,
    layout_caption,
)

ROOT = Path(__file__).resolve().parents[2]
DYAD = ROOT / "sample_clips" / "demo" / "dyad.mp4"

RGB = npt.NDArray[np.uint8]

LONG = {
    "english": (
        "You waited while Sam reached for the ball, and then you took turns, like a real "
        "conversation: Sam babbled, you answered, and Sam smiled back at you again and "
        "again, for a long and happy minute on the living-room rug."
    ),
    "arabic": (
        "انتظرتِ بهدوء بينما كان سامي يمد يده نحو الكرة، ثم تبادلتما الأدوار مثل محادثة "
        "حقيقية: ناغى سامي، فأجبتِه، فابتسم لكِ مرة بعد مرة، لدقيقة طويلة وسعيدة."
    ),
    "hebrew": (
        "חיכית בסבלנות בזמן שסם הושיט יד אל הכדור, ואז החלפתם תורות כמו בשיחה אמיתית: "
        "סם מלמל, ענית לו, והוא חייך אלייך שוב ושוב, דקה ארוכה ושמחה."
    ),
    "chinese": (
        "你耐心地等待，小山伸手去拿球，然后你们轮流说话，就像真正的对话一样：小山咿咿呀呀，"
        "你回应他，他一次又一次地对你微笑，这是快乐的一分钟。"
    ),
    "greek": (
        "Περίμενες ήρεμα καθώς ο Σάμης άπλωνε το χέρι στη μπάλα, και μετά μιλούσατε με τη "
        "σειρά, σαν αληθινή κουβέντα: εκείνος φλυαρούσε, εσύ απαντούσες, και σου χαμογελούσε."
    ),
}
SIZES = [(640, 360), (1920, 1080), (360, 640), (160, 90)]
UNSPACED = {"chinese"}


def ink_rows(band: RGB) -> npt.NDArray[np.bool_]:
    """Rows of a caption band holding letters (white on the dark ground)."""
    return np.asarray((band.max(axis=2) > 128).any(axis=1))


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("script", sorted(LONG))
def test_layout_keeps_every_word_in_order(script: str, width: int, height: int) -> None:
    text = LONG[script]
    layout = layout_caption(text, width, height)
    if script in UNSPACED:
        assert "".join(layout.lines) == text
    else:
        assert " ".join(layout.lines).split() == text.split()
    assert "…" not in "".join(layout.lines)
    ideal, floor = caption_sizes(width, height)
    assert floor <= layout.size <= ideal
    assert len(layout.lines) <= CAPTION_LINES_OVER or layout.size == floor


@pytest.mark.parametrize(("width", "height"), [(640, 360), (1920, 1080)])
@pytest.mark.parametrize("script", sorted(LONG))
def test_every_line_is_drawn_whole_in_the_band(script: str, width: int, height: int) -> None:
    text = LONG[script] + " " + LONG[script]  # long enough to need more than the floor
    layout = layout_caption(text, width, height)
    band = caption_strip(text, width, height)
    assert band.shape == (layout.height, width, 3)
    assert layout.height % 2 == 0
    rows = ink_rows(band)
    top = (layout.height - len(layout.lines) * layout.line_height) / 2
    for i in range(len(layout.lines)):
        a, b = round(top + i * layout.line_height), round(top + (i + 1) * layout.line_height)
        assert rows[a:b].any(), f"line {i + 1} of {len(layout.lines)} is empty"
    ink_cols = np.flatnonzero((band.max(axis=2) > 128).any(axis=0))
    margin = round(width * 0.04)
    assert ink_cols[0] >= margin
    assert ink_cols[-1] < width - margin  # nothing runs off either side


def test_font_shrinks_within_the_floor_before_more_lines() -> None:
    ideal, floor = caption_sizes(640, 360)
    assert (ideal, floor) == (20, 16)  # a line about 8% of the height; floor 1/22
    assert caption_sizes(200, 100) == (14, 14)  # never below 14 px
    short = layout_caption("You waited, and she smiled.", 640, 360)
    assert (short.size, len(short.lines), short.fits_over) == (ideal, 1, True)
    medium = layout_caption(
        "You waited while Sam reached for the ball, and then you took turns, like a real "
        "conversation: Sam babbled, you answered, and Sam smiled back at you again and again "
        "on the rug.", 640, 360)
    assert floor <= medium.size < ideal  # four lines at the ideal size
    assert len(medium.lines) == CAPTION_LINES_OVER
    very_long = layout_caption(" ".join([LONG["english"]] * 3), 640, 360)
    assert very_long.size == floor
    assert len(very_long.lines) > CAPTION_LINES_OVER
    assert not very_long.fits_over


def test_lines_are_even_so_no_word_is_left_alone() -> None:
    text = (
        "You waited while Sam reached for the ball, and then you took turns, like a real "
        "conversation: Sam babbled, you answered, and Sam smiled back at you again and again. "
        "You gave him time, and he kept the play going."
    )
    lengths = [len(line) for line in layout_caption(text, 640, 360).lines]
    assert min(lengths) > max(lengths) * 0.6, lengths  # greedy wrapping left "going." alone


def test_a_word_longer_than_the_line_breaks_between_letters_not_inside_them() -> None:
    # Letters with accents, Devanagari with its vowel signs, emoji with skin tones.
    word = "Sam" + "e\u0301" * 30 + "कि" * 40 + "👍🏽" * 20 + "。"
    marks = ("\u0301", "\u093f", "\U0001f3fd", "。")
    for width in range(160, 400, 7):
        layout = layout_caption(word, width, 180)
        assert "".join(layout.lines) == word
        assert len(layout.lines) > 1
        for line in layout.lines[1:]:
            assert not line.startswith(marks), (width, line[:3])


def test_still_keeps_the_picture_and_puts_every_word_below_it() -> None:
    with av.open(str(DYAD)) as container:
        rgb = next(container.decode(video=0)).to_ndarray(format="rgb24")
    words = " ".join([LONG["english"], LONG["arabic"], LONG["chinese"]])
    captioned = with_caption(rgb, words)
    layout = layout_caption(words, 640, 360)
    assert captioned.shape == (360 + layout.height, 640, 3)
    assert np.array_equal(captioned[:360], rgb)
    assert len(layout.lines) > CAPTION_LINES_OVER
    band = captioned[360:]
    top = (layout.height - len(layout.lines) * layout.line_height) / 2
    rows = ink_rows(band)
    assert all(
        rows[round(top + i * layout.line_height) : round(top + (i + 1) * layout.line_height)].any()
        for i in range(len(layout.lines))
    )
    assert with_caption(rgb, "  ") is rgb


# --- where a band may lie over the picture ------------------------------------------------

_BACKGROUNDS = ((252, 243, 228), (240, 214, 186))  # the dyad clip's wall and rug


def dyad_frames(step: int = 1) -> list[RGB]:
    with av.open(str(DYAD)) as container:
        return [
            np.asarray(f.to_ndarray(format="rgb24"), np.uint8)
            for i, f in enumerate(container.decode(video=0)) if i % step == 0
        ]


def people(rgb: RGB) -> npt.NDArray[np.bool_]:
    """Pixels of the two figures (and their toy): anything far from the wall and rug colours."""
    pixels = rgb.astype(np.int16)
    far = [np.abs(pixels - np.array(bg)).max(axis=2) > 40 for bg in _BACKGROUNDS]
    return np.asarray(far[0] & far[1])


@pytest.fixture(scope="module")
def frames() -> list[RGB]:
    return dyad_frames(step=5)


def test_band_over_the_dyad_clip_never_covers_either_figure(frames: list[RGB]) -> None:
    places = {}
    for band in (24, 36, 48, 72, 100):
        for rgb in frames:
            place = caption_region(rgb, band)
            places[band, place] = places.get((band, place), 0) + 1
            if place == "top":
                assert not people(rgb)[:band].any()
            elif place == "bottom":
                assert not people(rgb)[-band:].any()
    # A thin band fits above the parent's head in every frame; the rug, the baby and
    # the ball fill the bottom, and a deep band would reach the parent's head.
    assert places[24, "top"] == len(frames)
    assert places[100, "outside"] == len(frames)
    assert not any(place == "bottom" for _, place in places)


def test_one_place_for_the_whole_clip(frames: list[RGB]) -> None:
    assert steady_region(frames, 30) == "top"
    # The parent's head rises into a 50-row band in some frames only: never top then.
    some = [caption_region(rgb, 50) for rgb in frames]
    assert "top" in some
    assert "outside" in some
    assert steady_region(frames, 50) == "outside"
    assert steady_region([], 30) == "outside"


def test_a_face_at_the_edge_keeps_the_band_off(frames: list[RGB]) -> None:
    rgb = frames[20]
    assert caption_region(rgb, 30) == "top"
    baby_up = np.roll(rgb, -150, axis=0)  # the baby's head now at the top of the picture
    assert people(baby_up)[:40].any()
    assert caption_region(baby_up, 30) == "outside"
    flipped = np.ascontiguousarray(rgb[::-1])  # upside down: the plain wall at the bottom
    assert caption_region(flipped, 30) == "bottom"


def test_letterbox_bars_and_plain_walls_are_plain_but_a_small_face_is_not() -> None:
    picture = np.zeros((360, 640, 3), np.uint8)
    assert caption_region(picture, 60) == "bottom"
    wall = np.tile(np.linspace(90, 140, 640, dtype=np.uint8)[None, :, None], (80, 1, 3))
    assert is_plain(wall)  # a gentle gradient of light on a wall
    noisy = np.clip(wall + np.random.default_rng(1).normal(0, 2, wall.shape), 0, 255)
    assert is_plain(noisy.astype(np.uint8))  # a camera's grain
    far_face = wall.copy()
    far_face[30:46, 300:312] = (230, 190, 160)  # a face 12 px wide, far away
    far_face[35:38, 302:305] = far_face[35:38, 307:310] = (40, 30, 30)
    assert not is_plain(far_face)
    assert caption_region(picture, 200) == "outside"  # over a third of the picture


# --- soft subtitles -----------------------------------------------------------------------


def soft_cues(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        (stream,) = container.streams.subtitles
        samples = [bytes(p) for p in container.demux(stream) if p.size]
    return [s[2 : 2 + int.from_bytes(s[:2], "big")].decode() for s in samples]


def test_soft_subtitles_carry_the_whole_text_and_play_in_vlc(
    small_video: VideoTruth, tmp_path: Path
) -> None:
    import vlc

    words = "\n".join(LONG[s] for s in ("english", "arabic", "chinese")) + " 😊"
    out = tmp_path / "soft.mp4"
    index = build_frame_index(small_video.path)
    result = cut_clip(small_video.path, index, 0, 59, out, options=CutOptions(caption=words))
    assert result.smart
    assert soft_cues(out) == [words]

    instance = vlc.Instance(["--quiet", "--no-xlib", "--vout=dummy", "--aout=dummy",
                             "--no-video-title-show", "--no-lua"])
    player = instance.media_player_new()
    try:
        player.set_media(instance.media_new_path(str(out)))
        assert player.play() == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and player.get_time() < 800:
            assert player.get_state() != vlc.State.Error
            time.sleep(0.05)
        assert player.get_time() >= 800, f"VLC did not play: {player.get_state()}"
        assert player.video_get_spu_count() >= 1  # VLC sees the subtitle track
    finally:
        player.stop()
        player.release()
        instance.release()

"""Title cards for a joined reel: x264 set up like the clips they sit between.

A card is the moment's title on a calm background (``textdraw.title_card``),
drawn upright and stored turned as the clips are stored, at their size, pixel
format, colours and time base, with the clips' H.264 profile and its own
SPS/PPS id, so the reel's one ``avcC`` holds the clips' parameter sets and the
cards' side by side. It fades in from black and out to black at the clips'
frame rate; its still middle is held in a few long frames, so a card costs
little to encode even at 1080p.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.codec.context import Flags

from vigtool.media.encode import SourceFacts, x264_options
from vigtool.media.smartcut import parameter_set_id, parameter_sets
from vigtool.media.textdraw import title_card

_PROFILES = {66: "baseline", 77: "main", 100: "high"}
CARD_FADE_S = 0.4
HOLD_S = 0.5  # the longest a card's still middle shows one frame
CARD_PRESET = "ultrafast"  # a flat card is easy to code; its own parameter sets, not the clips'


class JoinUnsafe(Exception):
    """A reel's parts cannot be joined without re-encoding; ``str()`` says why, plainly."""


@dataclass(frozen=True)
class CardLook:
    """What the cards must match: the clips' stream, colours, frame step and profile."""

    facts: SourceFacts
    time_base: Fraction
    colours: tuple[int, int, int, int]  # range, primaries, transfer, matrix
    frame_ticks: int
    profile: int  # profile_idc


def card_durations(seconds: float, step: int, time_base: Fraction) -> tuple[tuple[int, ...], int]:
    """A card's frame durations (ticks) and how many frames fade at each end.

    The fades move at the clips' frame rate; the still middle is held in a few
    frames of at most ``HOLD_S`` each, so a card costs little to encode."""
    frames = max(3, round(Fraction(seconds) / (step * time_base)))
    fade = min(round(Fraction(CARD_FADE_S) / (step * time_base)), (frames - 1) // 2)
    middle = (frames - 2 * fade) * step
    holds = max(1, math.ceil(middle * time_base / Fraction(HOLD_S)))
    base = middle // holds
    held = [base] * (holds - 1) + [middle - base * (holds - 1)]
    return (*([step] * fade), *held, *([step] * fade)), fade



class CardEncoder:
    """Encodes title cards with x264 set up like the clips, under parameter set id ``own_id``."""

    def __init__(self, like: CardLook, own_id: int) -> None:
        profile = _PROFILES.get(like.profile)
        if profile is None:
            raise JoinUnsafe(f"H.264 profile {like.profile} cannot be matched for the cards")
        self._like = like
        self._id = own_id
        self._profile = profile
        self._sets: tuple[list[bytes], list[bytes]] | None = None

    def open(self) -> av.VideoCodecContext:
        like, facts = self._like, self._like.facts
        enc = av.CodecContext.create("libx264", "w")
        assert isinstance(enc, av.VideoCodecContext)
        enc.width = facts.width
        enc.height = facts.height
        enc.pix_fmt = facts.pixel_format
        enc.time_base = like.time_base
        enc.framerate = Fraction(1) / (like.frame_ticks * like.time_base)
        if facts.sar:
            enc.sample_aspect_ratio = facts.sar
        enc.color_range, enc.color_primaries, enc.color_trc, enc.colorspace = like.colours
        enc.flags |= Flags.global_header
        enc.thread_type = "AUTO"
        enc.options = x264_options(
            profile=self._profile, params=f"sps-id={self._id}:bframes=0:keyint=infinite",
            preset=CARD_PRESET)
        enc.open()
        sets = parameter_sets(enc, JoinUnsafe)
        if self._sets is None:
            ids = {parameter_set_id(nal) for nal in (*sets[0], *sets[1])}
            if ids != {self._id}:
                raise JoinUnsafe("x264 did not use the parameter set id it was given")
            self._sets = sets
        elif sets != self._sets:
            raise JoinUnsafe("x264 made different parameter sets for the same settings")
        return enc

    def parameter_sets(self) -> tuple[list[bytes], list[bytes]]:
        if self._sets is None:
            self.open()
        assert self._sets is not None
        return self._sets

    def pictures(
        self, title: str, durations: tuple[int, ...], fade: int
    ) -> Iterator[av.VideoFrame]:
        """The card's frames, drawn upright as the clips are shown, stored as they are stored,
        fading from black and back (a lookup table per frame: cheap at 1080p)."""
        facts = self._like.facts
        turns = facts.turns
        up_w, up_h = (facts.height, facts.width) if turns % 2 else (facts.width, facts.height)
        rgb = title_card(title, up_w, up_h)
        stored = np.ascontiguousarray(np.rot90(rgb, -turns) if turns else rgb)
        fmt = facts.pixel_format
        planes = av.VideoFrame.from_ndarray(stored, format="rgb24").reformat(
            format=fmt).to_ndarray()
        black = 0.0 if fmt == "yuvj420p" else 16.0
        values = np.arange(256, dtype=np.float32)
        frames = len(durations)
        for i in range(frames):
            gain = min(1.0, (i + 1) / (fade + 1), (frames - i) / (fade + 1))
            if gain >= 1.0:
                yield av.VideoFrame.from_ndarray(planes, format=fmt)
                continue
            luma = np.clip((values - black) * gain + black + 0.5, 0, 255).astype(np.uint8)
            chroma = np.clip((values - 128) * gain + 128.5, 0, 255).astype(np.uint8)
            faded = np.empty_like(planes)
            faded[: facts.height] = luma[planes[: facts.height]]
            faded[facts.height :] = chroma[planes[facts.height :]]
            yield av.VideoFrame.from_ndarray(faded, format=fmt)



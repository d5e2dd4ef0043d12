"""Text for pictures: caption bands and title cards, in any script.

OpenCV's ``putText`` only knows ASCII and ``cv2.freetype`` is not in the
opencv wheels, so text is laid out and drawn by Pillow (FreeType, with
HarfBuzz/FriBiDi shaping through libraqm when the wheel has it, so Arabic and
Indic captions join correctly). A caption is drawn in one font: the first
installed font that has every character of it (DejaVu Sans on Linux, Segoe UI
or Arial on Windows, Helvetica or Arial Unicode on macOS), asking fontconfig
for one that covers the text when none of those does.

A caption is never cut: it wraps to as many lines as it needs and its font
shrinks within a floor readable on a phone (``layout_caption``); words too long
for a band over the picture go in a band below it (``caption_strip``).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

RGBImage = npt.NDArray[np.uint8]
RGBAImage = npt.NDArray[np.uint8]
_AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont

CAPTION_TEXT = (255, 255, 255)
CAPTION_BAND = (0, 0, 0, 150)
CAPTION_GROUND = (17, 18, 20)  # the band under a picture: the translucent band over dark grey
CARD_BACKGROUND = (244, 239, 230)  # warm paper
CARD_TEXT = (52, 64, 84)  # soft slate
CARD_ACCENT = (214, 170, 120)
# Caption sizes, as a fraction of the picture's height (of 3/4 of its width when it
# stands upright, so a portrait clip's words are not huge). The ideal, 1/18, gives a
# line about 8% of the picture high, as broadcasters' subtitle guidelines ask. The
# floor, 1/22, is what a 16:9 clip shows on a 6-inch phone held upright (the picture
# about 38 mm high): letters about 1.7 mm high, Apple's and Google's smallest text
# size for reading (11 pt, 12 sp); held sideways they are twice that. Never below
# 14 px, which stays legible on any screen.
CAPTION_IDEAL = 1 / 18
CAPTION_FLOOR = 1 / 22
CAPTION_MIN_PX = 14
# A band over the picture holds at most this many lines; longer words go below it.
CAPTION_LINES_OVER = 3
_TEXT_SHARE = 0.9  # of the band's width; the rest is margin
_NO_LINE_START = frozenset(",.;:!?)]}%’”»、。，．！？：；）」』】〉》〕ー…")
_MISSING_PROBE = "\U0010fffd"  # a private-use code point no font draws: its .notdef box

_REGULAR = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "C:/Windows/Fonts/segoeui.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
)
_BOLD = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "C:/Windows/Fonts/segoeuib.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
)
# Wide-coverage fallbacks (CJK and more), tried after the fonts above.
_WIDE = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/Nirmala.ttf",  # the scripts of India
    "C:/Windows/Fonts/ebrima.ttf",  # Ethiopic and other African scripts
    "C:/Windows/Fonts/seguisym.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Kohinoor.ttc",
)


@dataclass(frozen=True)
class Band:
    """An RGBA picture to lay over a frame with its top-left corner at (x, y)."""

    rgba: RGBAImage
    x: int
    y: int


@dataclass(frozen=True)
class CaptionLayout:
    """A caption set in lines for a picture: every word of ``text``, none cut.

    Sizes are in display pixels (square); ``height`` is the whole band, even, so a
    band added to an H.264 picture keeps its size even.
    """

    text: str
    lines: tuple[str, ...]
    size: int  # the font's size in pixels
    line_height: int
    pad: int
    width: int

    @property
    def height(self) -> int:
        return (len(self.lines) * self.line_height + 2 * self.pad + 1) // 2 * 2

    @property
    def fits_over(self) -> bool:
        """Whether the band may lie over the picture (short enough); if not, it goes below."""
        return len(self.lines) <= CAPTION_LINES_OVER


def caption_sizes(width: int, height: int) -> tuple[int, int]:
    """The ideal and the smallest caption font size (px) for a ``width`` x ``height`` picture."""
    reference = min(height, width * 0.75)
    ideal = max(CAPTION_MIN_PX, round(reference * CAPTION_IDEAL))
    return ideal, min(ideal, max(CAPTION_MIN_PX, round(reference * CAPTION_FLOOR)))


def layout_caption(text: str, width: int, height: int) -> CaptionLayout:
    """Wrap ``text`` for a ``width`` x ``height`` picture, never dropping a word.

    The font starts at the ideal size and shrinks, one pixel at a time down to
    the floor (see CAPTION_FLOOR), until the words fit in CAPTION_LINES_OVER
    lines; at the floor the caption takes as many lines as it needs.
    """
    text = text.strip()
    ideal, floor = caption_sizes(width, height)
    size = ideal
    while True:
        face = _Face(text, size, bold=False)
        lines = _wrap(text, face, int(width * _TEXT_SHARE))
        if len(lines) <= CAPTION_LINES_OVER or size <= floor:
            break
        size -= 1
    lines = _balanced(text, face, int(width * _TEXT_SHARE), lines)
    pad = max(8, round(size * 0.7))
    return CaptionLayout(text, tuple(lines), size, face.line_height, pad, width)


def draw_caption(
    layout: CaptionLayout, ground: tuple[int, ...], *, pixel_aspect: float = 1.0
) -> npt.NDArray[np.uint8]:
    """The caption's band: white lines centred on ``ground`` (RGB or RGBA).

    ``pixel_aspect`` (width / height of one stored pixel) squeezes the band so it
    reads right once a player stretches the picture.
    """
    mode = "RGBA" if len(ground) == 4 else "RGB"
    image = Image.new(mode, (layout.width, layout.height), ground)
    face = _Face(layout.text, layout.size, bold=False)
    draw = ImageDraw.Draw(image)
    top = (layout.height - len(layout.lines) * layout.line_height) / 2
    for i, line in enumerate(layout.lines):
        face.draw_centred(
            draw, layout.width / 2, top + (i + 0.5) * layout.line_height, line, CAPTION_TEXT
        )
    if abs(pixel_aspect - 1.0) > 1e-3:
        stored_w = max(2, round(layout.width / pixel_aspect))
        image = image.resize((stored_w, layout.height), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8)


def caption_strip(
    text: str, width: int, height: int, *, pixel_aspect: float = 1.0, min_height: int = 0
) -> npt.NDArray[np.uint8]:
    """An opaque RGB band to add *below* a ``width`` x ``height`` picture, holding every word.

    ``width`` and ``height`` are stored pixels; ``pixel_aspect`` is one stored
    pixel's width over its height. The band's height is even and at least
    ``min_height`` (clips joined into one film need bands of one height).
    """
    shown_w = max(2, round(width * pixel_aspect))
    layout = layout_caption(text, shown_w, height)
    if layout.height < min_height:
        layout = replace(layout, pad=layout.pad + (min_height - layout.height + 1) // 2)
    strip = draw_caption(layout, CAPTION_GROUND, pixel_aspect=pixel_aspect)
    if strip.shape[1] != width:  # rounding of the squeeze
        strip = np.asarray(Image.fromarray(strip).resize((width, strip.shape[0])), np.uint8)
    return strip


def caption_band(
    text: str,
    width: int,
    height: int,
    *,
    where: Literal["top", "bottom"] = "bottom",
    pixel_aspect: float = 1.0,
) -> Band:
    """A translucent caption band to lay over the top or bottom of a ``width`` x ``height`` picture.

    Never cuts a word: when the caption needs more than CAPTION_LINES_OVER lines
    even at the floor size (``layout_caption(...).fits_over`` is False) the band
    is taller than that, and the caller should put the words below the picture
    instead (``caption_strip``). ``width`` and ``height`` are display pixels; the
    band comes squeezed to stored pixels of ``pixel_aspect``.
    """
    layout = layout_caption(text, width, height)
    rgba = draw_caption(layout, CAPTION_BAND, pixel_aspect=pixel_aspect)
    band_h = rgba.shape[0]
    margin = max(0, min(height - band_h, round(height * 0.04)))
    y = margin if where == "top" else max(0, height - band_h - margin)
    return Band(rgba, 0, y)


def title_card(title: str, width: int, height: int) -> RGBImage:
    """A calm card: the moment's title in large friendly letters on a plain warm background.

    A long title is set smaller until every word fits on the card.
    """
    image = Image.new("RGB", (width, height), CARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    text = title.strip() or " "
    size = max(16, round(min(height, width * 0.75) / 10))
    while True:
        face = _Face(text, size, bold=True)
        lines = _wrap(text, face, int(width * 0.8))
        if (len(lines) + 1) * face.line_height <= height * 0.85 or size <= 8:
            break
        size = max(8, round(size * 0.9))
    top = (height - len(lines) * face.line_height) / 2
    for i, line in enumerate(lines):
        face.draw_centred(draw, width / 2, top + (i + 0.5) * face.line_height, line, CARD_TEXT)
    rule_w = max(8, width // 8)
    rule_y = round(top + (len(lines) + 0.35) * face.line_height)
    thickness = max(2, face.size // 8)
    if rule_y + thickness < height:
        draw.rounded_rectangle(
            ((width - rule_w) // 2, rule_y, (width + rule_w) // 2, rule_y + thickness),
            radius=max(1, thickness // 2), fill=CARD_ACCENT,
        )
    return np.asarray(image, dtype=np.uint8)


class _Face:
    """One size of text drawn with a main font plus fallbacks for characters it lacks.

    Text is split into runs, each drawn with the first font that has all its
    characters; a run in one script is shaped as a whole (right-to-left
    included), runs follow each other left to right.
    """

    def __init__(self, text: str, size: int, *, bold: bool) -> None:
        self.size = size
        paths = [p for p in (*(_BOLD if bold else ()), *_REGULAR, *_WIDE) if Path(p).is_file()]
        needed = frozenset(ch for ch in text if ch.isprintable() and not ch.isspace())
        missing = {ch for ch in needed if not any(_has_glyph(p, ch) for p in paths)}
        if missing and (extra := _fontconfig_match(frozenset(missing))) is not None:
            paths.append(extra)
        loaded = [(p, f) for p in paths if (f := _load(p, size)) is not None]
        self._paths = [p for p, _ in loaded]
        self._fonts: list[_AnyFont] = [f for _, f in loaded] or [ImageFont.load_default(size)]
        box = self._fonts[0].getbbox("Ag")
        self.line_height = max(1, round((box[3] - box[1]) * 1.45))

    def length(self, text: str) -> float:
        return sum(font.getlength(run) for font, run in self._runs(text))

    def draw_centred(
        self, draw: ImageDraw.ImageDraw, cx: float, cy: float, text: str, fill: tuple[int, ...]
    ) -> None:
        x = cx - self.length(text) / 2
        main = self._fonts[0]
        ascent, descent = main.getmetrics() if hasattr(main, "getmetrics") else (self.size, 0)
        baseline = cy + (ascent - descent) / 2
        runs = self._runs(text)
        if _right_to_left(text):  # runs in different fonts follow each other leftwards
            runs.reverse()
        for font, run in runs:
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)

    def _runs(self, text: str) -> list[tuple[_AnyFont, str]]:
        runs: list[tuple[_AnyFont, str]] = []
        for ch in text:
            index = self._font_index(ch, runs[-1][0] if runs else None)
            font = self._fonts[index]
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def _font_index(self, ch: str, current: _AnyFont | None) -> int:
        if ch.isspace() or not ch.isprintable():
            return self._fonts.index(current) if current is not None else 0
        for i, path in enumerate(self._paths):
            if _has_glyph(path, ch):
                return i
        return 0


def _balanced(text: str, face: _Face, max_width: int, lines: list[str]) -> list[str]:
    """The same number of lines, as even in length as can be (no lone last word)."""
    if len(lines) < 2:
        return lines
    low, high, best = max_width // 2, max_width, lines
    inner = _breaks_inside_words(text, lines)
    while low < high:
        middle = (low + high) // 2
        trial = _wrap(text, face, middle)
        if len(trial) <= len(lines) and _breaks_inside_words(text, trial) <= inner:
            best, high = trial, middle
        else:
            low = middle + 1
    return best


def _breaks_inside_words(text: str, lines: list[str]) -> int:
    """How many line ends of ``lines`` (wrapped from ``text``) fall inside a word."""
    count, at = 0, 0
    for line in lines[:-1]:
        at = text.find(line, at) + len(line)
        if at < len(text) and not text[at].isspace():
            count += 1
        while at < len(text) and text[at].isspace():
            at += 1
    return count


def _right_to_left(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strongly directed letter does."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _wrap(text: str, face: _Face, max_width: int) -> list[str]:
    """Greedy word wrap keeping every character; a word longer than a line (or a script
    written without spaces) breaks between characters, never inside one (a letter and
    its marks, an emoji sequence)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if face.length(candidate) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for cluster in _clusters(word):
                if current and face.length(current + cluster) > max_width:
                    lines.append(current)
                    current = ""
                current += cluster
        lines.append(current)
    return lines


def _clusters(word: str) -> list[str]:
    """``word`` split where a line may break: before each character that starts a new
    letter (not a combining mark, joiner, variation selector or skin-tone modifier, nor
    punctuation that may not begin a line, such as "。" or ",")."""
    clusters: list[str] = []
    for ch in word:
        joins = bool(clusters) and (
            unicodedata.category(ch) in ("Mn", "Mc", "Me")
            or ch in "\u200c\u200d"
            or "\ufe00" <= ch <= "\ufe0f"
            or "\U0001f3fb" <= ch <= "\U0001f3ff"
            or clusters[-1].endswith("\u200d")
            or ch in _NO_LINE_START
        )
        if joins:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


@functools.lru_cache(maxsize=64)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    except (OSError, ImportError, KeyError):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            return None


@functools.lru_cache(maxsize=8192)
def _has_glyph(path: str, ch: str) -> bool:
    """Whether the font draws ``ch`` as something other than its missing-glyph box."""
    font = _load(path, 32)
    if font is None:
        return False
    mask = bytes(font.getmask(ch, mode="L"))
    return bool(mask) and mask != _notdef_mask(path)


@functools.lru_cache(maxsize=64)
def _notdef_mask(path: str) -> bytes:
    font = _load(path, 32)
    return bytes(font.getmask(_MISSING_PROBE, mode="L")) if font is not None else b""


@functools.lru_cache(maxsize=64)
def _fontconfig_match(chars: frozenset[str]) -> str | None:
    """Ask fontconfig (Linux, BSD) for a sans font covering ``chars``; None if unavailable."""
    if not chars or sys.platform.startswith(("win", "darwin")) or not shutil.which("fc-match"):
        return None
    charset = " ".join(f"{ord(ch):x}" for ch in sorted(chars)[:200])
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}", f"sans-serif:charset={charset}"],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found and Path(found).is_file() else None

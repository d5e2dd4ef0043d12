"""Text for pictures: caption bands and title cards, in any script.

OpenCV's ``putText`` only knows ASCII and ``cv2.freetype`` is not in the
opencv wheels, so text is laid out and drawn by Pillow (FreeType, with
HarfBuzz/FriBiDi shaping through libraqm when the wheel has it, so Arabic and
Indic captions join correctly). A caption is drawn in one font: the first
installed font that has every character of it (DejaVu Sans on Linux, Segoe UI
or Arial on Windows, Helvetica or Arial Unicode on macOS), asking fontconfig
for one that covers the text when none of those does.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

RGBImage = npt.NDArray[np.uint8]
RGBAImage = npt.NDArray[np.uint8]
_AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont

CAPTION_TEXT = (255, 255, 255)
CAPTION_BAND = (0, 0, 0, 150)
CARD_BACKGROUND = (244, 239, 230)  # warm paper
CARD_TEXT = (52, 64, 84)  # soft slate
CARD_ACCENT = (214, 170, 120)
_MAX_CAPTION_LINES = 3
_MAX_TITLE_LINES = 4
_ELLIPSIS = "…"
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
    "C:/Windows/Fonts/seguisym.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)


@dataclass(frozen=True)
class Band:
    """An RGBA picture to lay over a frame with its top-left corner at (x, y)."""

    rgba: RGBAImage
    x: int
    y: int


def caption_band(text: str, width: int, height: int) -> Band:
    """A readable caption strip for the bottom of a ``width`` x ``height`` picture.

    White text on a translucent dark band, wrapped to the picture width, at
    most three lines (the rest is cut with an ellipsis), sized for a phone
    screen: about 1/18 of the picture height, never below 14 px.
    """
    face = _Face(text, max(14, round(min(height, width * 0.75) / 18)), bold=False)
    lines = _wrap(text, face, int(width * 0.9), _MAX_CAPTION_LINES)
    pad = max(6, face.size // 2)
    band_h = min(height, len(lines) * face.line_height + 2 * pad)
    image = Image.new("RGBA", (width, band_h), CAPTION_BAND)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        face.draw_centred(draw, width / 2, pad + (i + 0.5) * face.line_height, line, CAPTION_TEXT)
    margin = max(0, min(height - band_h, round(height * 0.04)))
    return Band(np.asarray(image, dtype=np.uint8), 0, height - band_h - margin)


def title_card(title: str, width: int, height: int) -> RGBImage:
    """A calm card: the moment's title in large friendly letters on a plain warm background."""
    image = Image.new("RGB", (width, height), CARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    face = _Face(title, max(16, round(min(height, width * 0.75) / 10)), bold=True)
    lines = _wrap(title.strip() or " ", face, int(width * 0.8), _MAX_TITLE_LINES)
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
        for font, run in self._runs(text):
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


def _wrap(text: str, face: _Face, max_width: int, max_lines: int) -> list[str]:
    """Greedy word wrap; words longer than a line (or scripts without spaces) break anywhere."""
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
            for ch in word:
                if current and face.length(current + ch) > max_width:
                    lines.append(current)
                    current = ""
                current += ch
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.length(last + _ELLIPSIS) > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + _ELLIPSIS]
    return lines


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

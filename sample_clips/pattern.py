"""A frame-number pattern that survives lossy video coding.

Frame-exact tagging is vigtool's core promise, so tests must be able to ask a
decoded picture "which frame are you?" even after H.264, MJPEG, VP9, 10-bit
HEVC or interlaced coding. Digits drawn with a font do not survive that
reliably, so each frame also carries its number as big black/white blocks:

* two rows of eleven cells across the middle of the picture;
* row 0 is ``[white, bits 15..8, odd parity of bits 15..8, white]``,
  row 1 is ``[black, bits 7..0, odd parity of bits 7..0, black]``.

The reader samples only the centre of each cell (compression rings at the
edges) and thresholds halfway between the white and black reference cells, so
it copes with the levels shifting under limited-range YUV and colour
conversion. Cells are at least 16 px tall so field (interlaced) coding keeps
both fields inside a cell. Parity and the references make a misread or a
wrongly rotated picture raise instead of silently returning another number:
the references sit at both ends of each row with white on top, so a picture
turned upside down puts black where white belongs.

A solid red square sits in the top-left corner of the upright picture; the
blocks are grey-scale and the digits white, so it is the only red anywhere.
:func:`marker_corner` finds it, which lets a test prove a reader applied a
clip's display rotation.

The layout is a pure function of the picture size, so the reader needs no
side information beyond the picture itself.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["CORNERS", "MAX_FRAME_NUMBER", "draw_frame", "marker_corner", "read_frame_number"]

RGBImage = npt.NDArray[np.uint8]

MAX_FRAME_NUMBER: Final = 0xFFFF
CORNERS: Final = ("top-left", "top-right", "bottom-left", "bottom-right")

_COLUMNS: Final = 11
_BACKGROUND: Final = (72, 72, 72)
_RED: Final = (255, 0, 0)
_WHITE: Final = (255, 255, 255)
_BLACK: Final = (0, 0, 0)
# Reference cells must differ by at least this much (0..255 scale) before the
# picture is believed to carry the pattern at all.
_MIN_CONTRAST: Final = 64.0
# A corner counts as "the red marker" only if red exceeds green/blue by this.
_MIN_REDNESS: Final = 60.0

_Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


class _Layout(NamedTuple):
    margin: int
    marker_side: int
    cells: tuple[_Box, ...]  # row 0 then row 1, left to right
    text_box: _Box


def _marker_geometry(width: int, height: int) -> tuple[int, int]:
    """Margin and side of the red square; invariant under 90-degree turns."""
    short = min(width, height)
    return max(4, short // 24), short // 5


def _layout(width: int, height: int) -> _Layout:
    """Place marker, cells and digits for a picture of this size."""
    margin, side = _marker_geometry(width, height)
    cell_w = (width - 2 * margin) // _COLUMNS
    cell_h = max(16, height // 7)
    # Centred, so turning the picture upside down swaps the rows exactly and
    # the black references land where white ones are expected.
    top = (height - 2 * cell_h) // 2
    if cell_w < 8 or top < 2 * margin + side:
        raise ValueError(f"picture {width}x{height} is too small for the frame-number pattern")
    left = (width - cell_w * _COLUMNS) // 2
    cells = tuple(
        (left + c * cell_w, top + r * cell_h, left + (c + 1) * cell_w, top + (r + 1) * cell_h)
        for r in range(2)
        for c in range(_COLUMNS)
    )
    text_box = (margin, top + 2 * cell_h + margin, width - margin, height - margin)
    return _Layout(margin, side, cells, text_box)


def _odd_parity(byte: int) -> int:
    """Parity bit that makes the count of ones in ``byte`` plus the bit odd.

    Odd rather than even so an all-black row (a lost or blank picture) fails.
    """
    return 1 - (bin(byte).count("1") & 1)


def _cell_values(n: int) -> list[int]:
    """The 22 cell bits (1 = white) in layout order."""
    hi, lo = n >> 8, n & 0xFF
    hi_bits = [(hi >> (7 - i)) & 1 for i in range(8)]
    lo_bits = [(lo >> (7 - i)) & 1 for i in range(8)]
    return [1, *hi_bits, _odd_parity(hi), 1, 0, *lo_bits, _odd_parity(lo), 0]


def draw_frame(n: int, width: int, height: int) -> RGBImage:
    """Return an upright RGB picture (``height x width x 3``, uint8) coding ``n``.

    The number is drawn twice: as blocks for :func:`read_frame_number` and as
    digits for the human looking at a failing test's screenshot.
    """
    if not 0 <= n <= MAX_FRAME_NUMBER:
        raise ValueError(f"frame number {n} outside 0..{MAX_FRAME_NUMBER}")
    lay = _layout(width, height)
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    rgb[:] = _BACKGROUND
    m, s = lay.margin, lay.marker_side
    rgb[m : m + s, m : m + s] = _RED
    for (x0, y0, x1, y1), bit in zip(lay.cells, _cell_values(n), strict=True):
        rgb[y0:y1, x0:x1] = _WHITE if bit else _BLACK
    _put_digits(rgb, str(n), lay.text_box)
    return rgb


def _put_digits(rgb: RGBImage, text: str, box: _Box) -> None:
    """Write ``text`` as large as fits in ``box``, sized for the widest number."""
    x0, y0, x1, y1 = box
    font = cv2.FONT_HERSHEY_SIMPLEX
    thickness = max(1, (y1 - y0) // 12)
    (ref_w, ref_h), _ = cv2.getTextSize(str(MAX_FRAME_NUMBER), font, 1.0, thickness)
    scale = min((x1 - x0) / ref_w, (y1 - y0) / ref_h) * 0.8
    if scale <= 0:
        return
    baseline_y = y0 + (y1 - y0 + int(ref_h * scale)) // 2
    cv2.putText(rgb, text, (x0, baseline_y), font, scale, _WHITE, thickness, cv2.LINE_AA)


def _check_rgb(rgb: npt.NDArray[Any]) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an HxWx3 RGB picture, got shape {rgb.shape}")


def read_frame_number(rgb: npt.NDArray[Any]) -> int:
    """Decode the number :func:`draw_frame` put into an upright RGB picture.

    Raises ``ValueError`` when the pattern is absent, unreadable, or the
    picture is not upright (the layout then lands on the wrong pixels).
    """
    _check_rgb(rgb)
    height, width = rgb.shape[:2]
    lay = _layout(width, height)
    grey = rgb.astype(np.float32).mean(axis=2)
    means = []
    for x0, y0, x1, y1 in lay.cells:
        qx, qy = (x1 - x0) // 4, (y1 - y0) // 4
        means.append(float(grey[y0 + qy : y1 - qy, x0 + qx : x1 - qx].mean()))
    last = _COLUMNS - 1
    whites = (means[0], means[last])
    blacks = (means[_COLUMNS], means[_COLUMNS + last])
    if min(whites) - max(blacks) < _MIN_CONTRAST:
        raise ValueError("no upright frame-number pattern found (reference cells wrong)")
    threshold = (sum(whites) + sum(blacks)) / 4
    bits = [int(v > threshold) for v in means]
    hi_bits, hi_parity = bits[1:9], bits[9]
    lo_bits, lo_parity = bits[_COLUMNS + 1 : _COLUMNS + 9], bits[_COLUMNS + 9]
    hi = int("".join(map(str, hi_bits)), 2)
    lo = int("".join(map(str, lo_bits)), 2)
    if _odd_parity(hi) != hi_parity or _odd_parity(lo) != lo_parity:
        raise ValueError("frame-number pattern failed its parity check")
    return (hi << 8) | lo


def marker_corner(rgb: npt.NDArray[Any]) -> str:
    """Name the corner of ``rgb`` holding the red orientation marker.

    An upright picture answers ``"top-left"``; a picture shown without its
    display rotation answers another corner. Raises ``ValueError`` if no
    corner is clearly red.
    """
    _check_rgb(rgb)
    height, width = rgb.shape[:2]
    m, s = _marker_geometry(width, height)
    pix = rgb.astype(np.float32)
    redness = pix[..., 0] - np.maximum(pix[..., 1], pix[..., 2])
    origins = {
        "top-left": (m, m),
        "top-right": (width - m - s, m),
        "bottom-left": (m, height - m - s),
        "bottom-right": (width - m - s, height - m - s),
    }
    q = s // 4
    scores = {
        name: float(redness[y + q : y + s - q, x + q : x + s - q].mean())
        for name, (x, y) in origins.items()
    }
    best = max(CORNERS, key=scores.__getitem__)
    if scores[best] < _MIN_REDNESS:
        raise ValueError("no red orientation marker in any corner")
    return best

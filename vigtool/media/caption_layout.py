"""Where a band of words may lie over a picture without covering a face.

A band may go over the top or the bottom of the picture only where the
picture there is *plain*: no edges at all in the strip it would cover (a
ceiling, a bare wall, a letterbox bar). A face always has edges (eyes,
mouth, hairline, the outline against what is behind it), so a plain strip
holds no face, whatever the detector misses. Where a face model ships
(``faces.py``), any face it finds also keeps the band away. Everywhere else
the band goes outside the picture (below it, or beside it on a screen).

For the review screen and for clips with words over the picture. Pure
functions of numpy pictures: no Qt, safe on any thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from vigtool.media.faces import FaceBox, find_faces

RGBImage = npt.NDArray[np.uint8]
Region = Literal["top", "bottom", "outside"]

_PREFERRED: tuple[Region, ...] = ("bottom", "top")  # subtitles' usual place first
_LOOK_WIDTH = 160  # strips are judged at this width: noise averages out, faces do not
_MARGIN = 0.03  # of the picture's height: the band keeps this far from anything
_MOST_OF_PICTURE = 1 / 3  # a band taller than this never goes over the picture
_EDGE = 6  # a step (0..255) between neighbouring pixels that counts as an edge
_STRONG_EDGE = 24  # one step this large anywhere (a small face far away) spoils the strip
_EDGE_SHARE = 0.005  # a strip with more than this share of edge pixels is not plain


def caption_region(rgb: RGBImage, band_height: int) -> Region:
    """Where a band ``band_height`` pixels high may lie over ``rgb`` (H x W x 3, upright).

    "bottom" or "top" (flush with that edge of the picture) when the band there
    covers nothing but plain background and no face found; otherwise "outside":
    put the band outside the picture.
    """
    return steady_region([rgb], band_height)


def steady_region(frames: Iterable[RGBImage], band_height: int) -> Region:
    """One place for a band over every picture of ``frames`` (a clip's), or "outside".

    A band that jumps between top and bottom is hard to read, so the place must
    suit every frame; pass every frame of the clip (small copies are fine, with
    ``band_height`` in their pixels), not a sample, or a head that bobs into
    the strip between two samples would be covered.
    """
    open_places = set(_PREFERRED)
    seen = False
    for rgb in frames:
        seen = True
        open_places &= free_places(rgb, band_height)
        if not open_places:
            return "outside"
    if not seen:
        return "outside"
    return next(place for place in _PREFERRED if place in open_places)


def free_places(rgb: RGBImage, band_height: int) -> set[Region]:
    """The edges of ``rgb`` a band ``band_height`` high may cover ("top", "bottom")."""
    height = rgb.shape[0]
    if band_height <= 0 or band_height > height * _MOST_OF_PICTURE:
        return set()
    reach = min(height, band_height + max(2, round(height * _MARGIN)))
    strips: dict[Region, tuple[int, int]] = {
        "top": (0, reach), "bottom": (height - reach, height)
    }
    places = {place for place, (a, b) in strips.items() if is_plain(rgb[a:b])}
    if places:
        faces = find_faces(rgb)
        for face in faces or []:
            places -= _covered_by(face.grown(0.25), strips)
    return places


def is_plain(strip: RGBImage) -> bool:
    """Whether ``strip`` (h x W x 3) shows nothing: no edge anywhere in it."""
    height, width = strip.shape[:2]
    if height == 0 or width == 0:
        return False
    scale = min(1.0, _LOOK_WIDTH / width)
    small = strip if scale == 1.0 else cv2.resize(
        np.ascontiguousarray(strip),
        (max(2, round(width * scale)), max(2, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    pixels = small.astype(np.int16)
    across = np.abs(np.diff(pixels, axis=1)).max(axis=2)
    down = np.abs(np.diff(pixels, axis=0)).max(axis=2)
    steps = np.concatenate([across.ravel(), down.ravel()])
    if steps.size == 0:
        return True
    return int(steps.max()) < _STRONG_EDGE and float((steps >= _EDGE).mean()) <= _EDGE_SHARE


def _covered_by(face: FaceBox, strips: dict[Region, tuple[int, int]]) -> set[Region]:
    top, bottom = face.y, face.y + face.height
    return {place for place, (a, b) in strips.items() if top < b and bottom > a}

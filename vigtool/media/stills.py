"""Write a single frame as a PNG or JPEG, atomically and privately."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vigtool.errors import VigtoolError
from vigtool.media.textdraw import caption_strip
from vigtool.privacy.files import atomic_output, file_errors

STILL_FORMATS = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg"}
JPEG_QUALITY = 95


def with_caption(rgb: npt.NDArray[np.uint8], text: str) -> npt.NDArray[np.uint8]:
    """The picture with its caption in a band *below* it: no face covered, no word cut.

    The band is as tall as the words need (see ``textdraw.layout_caption``).
    """
    if not text.strip():
        return rgb
    height, width = rgb.shape[:2]
    return np.vstack([rgb, caption_strip(text, width, height)])


def write_still(rgb: npt.NDArray[np.uint8], out: Path) -> None:
    """Encode ``rgb`` (H x W x 3) to ``out``; the format follows the file extension."""
    ext = STILL_FORMATS.get(out.suffix.lower())
    if ext is None:
        raise VigtoolError(f"{out.name}: a still is saved as .png or .jpg")
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if ext == ".jpg" else []
    ok, encoded = cv2.imencode(ext, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise VigtoolError(f"could not encode the still as {ext}")
    with file_errors(out), atomic_output(out) as tmp:
        tmp.write_bytes(encoded.tobytes())

"""Faces in a picture, found with a model that ships inside an installed package, or not at all.

The only detector vigtool may use without downloading anything is OpenCV's
Haar cascade for frontal faces. It ships inside the OpenCV 4 wheels
(``cv2/data/``) and in Debian's ``opencv-data``; the OpenCV 5 wheels that
``opencv-python-headless>=4.9`` installs today carry none (``cv2/data`` holds
only ``__init__.py``, and ``cv2.CascadeClassifier`` is gone; the YuNet
``FaceDetectorYN`` left in needs an ONNX file no package ships), and vigtool
never fetches a model. So ``find_faces``
answers None ("cannot tell") on such a machine, and every caller must then
treat the whole picture as possibly holding a face.

Even where the cascade ships it only *adds* caution: it finds grown-ups' faces
seen from the front and misses many babies' (turned, tilted, partly hidden;
on the demo clip it finds the parent and never the baby), so vigtool uses what
it finds to keep words off a face, never to decide that a picture has none.

Pure functions of a numpy picture; safe on any thread (OpenCV's cascade is
loaded once per thread).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

RGBImage = npt.NDArray[np.uint8]

CASCADE = "haarcascade_frontalface_default.xml"
_SYSTEM_DIRS = (
    "/usr/share/opencv4/haarcascades",
    "/usr/share/opencv/haarcascades",
    "/usr/local/share/opencv4/haarcascades",
)
_DETECT_WIDTH = 640  # pictures are searched at this width: faces a phone would show
_local = threading.local()


@dataclass(frozen=True)
class FaceBox:
    """A face's box in the picture's pixels."""

    x: int
    y: int
    width: int
    height: int

    def grown(self, share: float) -> FaceBox:
        """The box widened by ``share`` of its size on every side (hair, chin, a little air)."""
        dx, dy = round(self.width * share), round(self.height * share)
        return FaceBox(self.x - dx, self.y - dy, self.width + 2 * dx, self.height + 2 * dy)


def face_model() -> Path | None:
    """The face model an installed package ships, or None when none does (or when this
    OpenCV cannot run it: OpenCV 5 moved the cascade classifier out of the main module)."""
    if not hasattr(cv2, "CascadeClassifier"):
        return None
    folders: list[str] = list(_SYSTEM_DIRS)
    data = getattr(cv2, "data", None)
    if data is not None and getattr(data, "haarcascades", None):
        folders.insert(0, str(data.haarcascades))
    for folder in folders:
        path = Path(folder) / CASCADE
        if path.is_file():
            return path
    return None


def find_faces(rgb: RGBImage) -> list[FaceBox] | None:
    """The faces found in ``rgb`` (H x W x 3), or None when no face model is installed."""
    model = face_model()
    if model is None:
        return None
    cascade = getattr(_local, "cascade", None)
    if cascade is None or getattr(_local, "model", None) != model:
        cascade = cv2.CascadeClassifier(str(model))  # type: ignore[attr-defined,unused-ignore]
        if cascade.empty():
            return None
        _local.cascade, _local.model = cascade, model
    height, width = rgb.shape[:2]
    scale = min(1.0, _DETECT_WIDTH / max(1, width))
    small = rgb if scale == 1.0 else cv2.resize(
        rgb, (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    gray = cv2.equalizeHist(cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY))
    found = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=3, minSize=(12, 12))
    return [
        FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        for x, y, w, h in (found if len(found) else [])
    ]

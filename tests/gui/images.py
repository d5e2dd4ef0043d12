"""Turn what a widget shows back into pixels a test can read."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def qimage_to_rgb(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = rgb.width(), rgb.height()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    return data.reshape(height, rgb.bytesPerLine())[:, : width * 3].reshape(height, width, 3).copy()

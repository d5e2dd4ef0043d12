"""The picture: one QImage, letterboxed on a dark ground, painted by Qt.

Both sources draw here: VLC's frames while playing, and the exact frame from
the frame reader while paused or stepping. Because it is an ordinary widget,
overlays (the frame badge now, captions and prompts later) are plain painting,
and a screenshot of the window shows the video.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

_GROUND = QColor(18, 18, 20)
_SNAP_PX = 4  # VLC renders even sizes; a few pixels off is drawn unscaled


class VideoSurface(QWidget):
    """GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoSurface")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._image: QImage | None = None
        self._aspect = 16 / 9
        self._message = ""
        self._overlay = ""

    def set_overlay(self, text: str) -> None:
        """Large words over the bottom of the picture (the review's question); "" hides them."""
        self._overlay = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(960, 540)

    def set_aspect(self, width: int, height: int) -> None:
        self._aspect = width / height if height else 16 / 9
        self.update()

    def show_image(self, image: QImage | None) -> None:
        self._image = image
        self._message = ""
        self.update()

    def has_image(self) -> bool:
        return self._image is not None and not self._image.isNull()

    def show_message(self, text: str) -> None:
        self._image = None
        self._message = text
        self.update()

    @property
    def message(self) -> str:
        """The words shown where the picture would be ("" while a picture shows)."""
        return "" if self.has_image() else self._message

    def render_limit(self) -> tuple[int, int]:
        """Device pixels the picture covers now (what a smooth-playing frame needs)."""
        ratio = self.devicePixelRatioF()
        rect = self.picture_rect()
        return max(320, int(rect.width() * ratio)), max(180, int(rect.height() * ratio))

    def picture_rect(self) -> QRect:
        w, h = self.width(), self.height()
        if w / max(h, 1) > self._aspect:
            pw, ph = int(h * self._aspect), h
        else:
            pw, ph = w, int(w / self._aspect)
        return QRect((w - pw) // 2, (h - ph) // 2, pw, ph)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _GROUND)
        if self._image is not None and not self._image.isNull():
            target = self.picture_rect()
            ratio = self.devicePixelRatioF()
            dw = self._image.width() - target.width() * ratio
            dh = self._image.height() - target.height() * ratio
            if abs(dw) <= _SNAP_PX and abs(dh) <= _SNAP_PX:
                # VLC rendered at (about) this size: a plain copy, no per-frame scaling.
                self._image.setDevicePixelRatio(ratio)
                painter.drawImage(QPointF(target.left() - dw / (2 * ratio),
                                          target.top() - dh / (2 * ratio)), self._image)
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(QRectF(target), self._image)
            if self._overlay:
                self._paint_overlay(painter, target)
        elif self._message:
            painter.setPen(QColor(200, 200, 205))
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            painter.setFont(font)
            painter.drawText(
                self.rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
        painter.end()

    def _paint_overlay(self, painter: QPainter, picture: QRect) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(22, picture.height() // 14))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        band_h = font.pixelSize() * 3
        band = QRect(picture.left(), picture.bottom() - band_h, picture.width(), band_h)
        painter.fillRect(band, QColor(0, 0, 0, 170))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(band.adjusted(24, 0, -24, 0),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._overlay)

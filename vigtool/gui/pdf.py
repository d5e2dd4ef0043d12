"""HTML to an A4 PDF with Qt's own PDF writer: no browser, no network.

The HTML is laid out by QTextDocument (Qt's rich-text engine, so it should be
the print variant of a summary: see ``vigtool.report.summary.render_html``).
Pictures arrive as ``data:`` URIs; QTextDocument does not load those itself,
so each is decoded and registered with the document under a short name
(SVG charts are drawn into an image at print resolution first). The text
font is a list of families with wide coverage, and Qt falls back per glyph
through the system's fonts, so accented, Arabic or Chinese names print when
the machine has a font for them. Each page gets "Page N of M" in its footer.

Threading: uses QTextDocument, QImage and QPainter on a QPdfWriter (no
widgets; Qt draws document images as QImage off the GUI thread), so it may
run in a QThread worker once a QGuiApplication exists. Without one (the
command line) it creates one, headless if there is no display, which must
then be on the main thread.
"""

from __future__ import annotations

import base64
import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtSvg import QSvgRenderer

from vigtool.errors import VigtoolError
from vigtool.privacy.files import atomic_output, file_errors

FONT_FAMILIES = ["DejaVu Sans", "Noto Sans", "Segoe UI", "Arial Unicode MS", "Arial"]
RESOLUTION_DPI = 300
SVG_SCALE = 3.0  # SVG px are 1/96 inch; 3x is about 300 dpi on paper
MARGINS_MM = QMarginsF(18, 16, 18, 10)  # left, top, right, bottom (the footer sits above it)
FOOTER_MM = 10.0
FOOTER_COLOUR = "#7A6D64"
DEFAULT_FOOTER = "Page %(page)d of %(pages)d"
MAX_PAGE_MOVES = 200

_DATA_URI = re.compile(r'src="data:(image/[A-Za-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)"')
_app: QGuiApplication | None = None


def html_to_pdf(html: str, out: Path, *, footer: str = DEFAULT_FOOTER, title: str = "") -> int:
    """Write ``html`` to ``out`` as an A4 PDF, atomically; return the page count.

    ``footer`` is a %-format with ``page`` and ``pages`` (already translated).
    Raises VigtoolError if a picture cannot be decoded or the file cannot be written.
    """
    _ensure_app()
    document = QTextDocument()
    document.setDocumentMargin(0)
    font = _font(11)
    document.setDefaultFont(font)
    document.setHtml(_register_images(document, html))
    with file_errors(out), atomic_output(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
        writer.setResolution(RESOLUTION_DPI)
        writer.setTitle(title)
        writer.setCreator("vigtool")
        pages = _paint(document, writer, footer)
        del writer  # the PDF is complete once the writer is gone
    return pages


def _paint(document: QTextDocument, writer: QPdfWriter, footer: str) -> int:
    document.documentLayout().setPaintDevice(writer)
    body = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_px = FOOTER_MM / 25.4 * writer.resolution()
    page = QSizeF(body.width(), body.height() - footer_px)
    document.setPageSize(page)
    _keep_together(document, page.height())
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise VigtoolError("the PDF could not be started (is the folder writable?)")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page.height())
            document.drawContents(painter, QRectF(0, number * page.height(), page.width(),
                                                  page.height()))
            painter.restore()
            painter.setFont(_font(8.5))
            painter.setPen(QColor(FOOTER_COLOUR))
            painter.drawText(
                QRectF(0, page.height(), page.width(), footer_px),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                footer % {"page": number + 1, "pages": pages},
            )
    finally:
        painter.end()
    return pages


def _keep_together(document: QTextDocument, page_height: float) -> None:
    """Start a page early rather than leave a heading at the foot of one, or split a box.

    A top-level heading whose next block lands on the next page moves there
    with it; a top-level table (a moment, a panel of the parent's words) that
    would straddle two pages starts on the next one (a table taller than a
    page then still flows on). One move at a time, because each one changes
    where everything after it falls.
    """
    layout = document.documentLayout()
    moved: set[int] = set()

    def page_of(y: float) -> int:
        return int((y + 1) // page_height)  # a line pushed to a page starts a hair above it

    for _ in range(MAX_PAGE_MOVES):
        document.pageCount()  # lays the document out again after the last move
        for block in _top_level_headings(document):
            following = block.next()
            if not following.isValid():
                continue
            if page_of(_first_line_top(block)) != page_of(_first_line_top(following)):
                _set_break(block, always=True)
                if following.blockNumber() in moved:  # the break moves up, with the heading
                    _set_break(following, always=False)
                moved.add(block.blockNumber())
                break
        else:
            for frame in document.rootFrame().childFrames():
                rect = layout.frameBoundingRect(frame)
                below_top = rect.top() - page_of(rect.top()) * page_height
                if (isinstance(frame, QTextTable) and below_top > page_height * 0.02
                        and page_of(rect.top()) != page_of(rect.bottom() - 1)):
                    fmt = frame.frameFormat()
                    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    frame.setFrameFormat(fmt)
                    break
            else:
                return


def _set_break(block: QTextBlock, *, always: bool) -> None:
    fmt = block.blockFormat()
    fmt.setPageBreakPolicy(
        QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore if always
        else QTextFormat.PageBreakFlag.PageBreak_Auto
    )
    QTextCursor(block).setBlockFormat(fmt)


def _first_line_top(block: QTextBlock) -> float:
    """Where the block's first line is drawn (a picture too tall for the page's
    remainder is pushed to the next page inside its block)."""
    lines = block.layout()
    first = lines.lineAt(0).y() if lines.lineCount() else 0.0
    return lines.position().y() + first


def _top_level_headings(document: QTextDocument) -> list[QTextBlock]:
    always = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
    found = []
    block = document.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if (fmt.headingLevel() and not fmt.pageBreakPolicy() & always
                and QTextCursor(block).currentTable() is None):
            found.append(block)
        block = block.next()
    return found


def _register_images(document: QTextDocument, html: str) -> str:
    """Swap each data: URI for a name registered with ``document``."""
    names: dict[str, str] = {}

    def register(match: re.Match[str]) -> str:
        mime, payload = match.group(1), match.group(2)
        if payload not in names:
            name = f"vigtool-image-{len(names) + 1}"
            document.addResource(
                QTextDocument.ResourceType.ImageResource, QUrl(name), _decode(mime, payload)
            )
            names[payload] = name
        return f'src="{names[payload]}"'

    return _DATA_URI.sub(register, html)


def _decode(mime: str, payload: str) -> QImage:
    data = base64.b64decode(payload)
    if mime == "image/svg+xml":
        return _svg_image(data)
    image = QImage.fromData(data)
    if image.isNull():
        raise VigtoolError(f"a picture in the summary ({mime}) could not be decoded")
    return image


def _svg_image(data: bytes) -> QImage:
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        raise VigtoolError("a chart in the summary could not be drawn")
    size = renderer.defaultSize() * SVG_SCALE
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter)
    painter.end()
    # Lay the image out at its SVG size: 96 dots per inch of the image = 1 SVG px.
    dots_per_metre = round(96 * SVG_SCALE / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _font(points: float) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    return font


def _ensure_app() -> None:
    """Fonts need a QGuiApplication; make one (headless if there is no display) if none runs."""
    global _app
    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return
    if existing is not None:
        raise VigtoolError("a PDF needs a Qt GUI application, but a console one is running")
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication([sys.argv[0] if sys.argv else "vigtool"])

"""A summary's charts as PNG pictures for a Word document (no Qt, no Cairo).

Word documents cannot be relied on to show SVG, and the charts are SVG
(``vigtool.report.charts``). The chart's SVG is the one home of what it
shows, so it is drawn here as it is, not redrawn from its numbers: the
picture in the Word document is the picture in the PDF. Only the small part
of SVG the charts are made of is read (shapes with a fill or a stroke, text,
groups passing on their font and colour); anything else is listed in
``ChartPicture.skipped`` so a test can tell when a new chart needs more.

Why Pillow: it is already a dependency and draws text from the machine's
fonts in any script; OpenCV draws ASCII only; CairoSVG needs the Cairo
library, which Windows laptops do not have; matplotlib is not a dependency.
Shapes are drawn four times larger and scaled down, so edges are smooth.
"""

from __future__ import annotations

import base64
import functools
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from PIL import Image, ImageColor, ImageDraw, ImageFont

from vigtool.errors import VigtoolError

SVG = "{http://www.w3.org/2000/svg}"
SVG_DATA_URI = "data:image/svg+xml;base64,"
OUTPUT_SCALE = 2  # PNG pixels per SVG unit: sharp when printed at a page's width
_SUPERSAMPLE = 4  # drawn this much larger, then scaled down to OUTPUT_SCALE
_SKIPPED_QUIETLY = frozenset({"title", "desc", "metadata", "defs", "style"})
_INHERITED = ("fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-weight",
              "text-anchor", "font-family")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-DF-Za-df-z]|" + _NUMBER.pattern)
_CURVES = re.compile(r"[ACQSTacqst]")
# Fonts Pillow finds by name in the system's font folders; its own font last.
_REGULAR = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "segoeui.ttf", "arial.ttf", "Arial.ttf",
            "LiberationSans-Regular.ttf", "Helvetica.ttc")
_BOLD = ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "segoeuib.ttf", "arialbd.ttf",
         "Arial Bold.ttf", "LiberationSans-Bold.ttf")
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class ChartPicture:
    """One chart drawn as PNG; ``width`` and ``height`` are the SVG's own units."""

    title: str
    description: str  # every figure in words (the SVG's <desc>), for screen readers
    png: bytes
    scale: bool  # a scaling chart (a measure rated across the work), not a progress chart
    width: int
    height: int
    skipped: tuple[str, ...] = ()  # SVG elements this drawing does not know


def chart_pictures(page: str) -> tuple[ChartPicture, ...]:
    """Every chart the page shows as an SVG picture (a data: URI), in the page's order."""
    found = re.findall(r'src="' + re.escape(SVG_DATA_URI) + r'([A-Za-z0-9+/=]+)"', page)
    return tuple(svg_to_png(base64.b64decode(payload)) for payload in found)


def svg_to_png(svg: bytes) -> ChartPicture:
    """Draw one chart's SVG (as ``charts.bar_grid`` writes it) as a PNG."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(svg, parser)
    except etree.XMLSyntaxError as exc:
        raise VigtoolError(f"a chart could not be read: {exc}") from exc
    width, height = _size(root)
    big = _SUPERSAMPLE
    image = Image.new("RGB", (round(width * big), round(height * big)), "white")
    painter = _Painter(ImageDraw.Draw(image), big)
    painter.draw(root, {"fill": "black", "font-size": "16"})
    small = image.resize((round(width * OUTPUT_SCALE), round(height * OUTPUT_SCALE)),
                         Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return ChartPicture(
        title=_words(root.find(f"{SVG}title")), description=_words(root.find(f"{SVG}desc")),
        png=out.getvalue(), scale="scale-chart" in root.get("class", "").split(),
        width=round(width), height=round(height),
        skipped=tuple(dict.fromkeys(painter.skipped)),
    )


def _words(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _size(root: etree._Element) -> tuple[float, float]:
    box = root.get("viewBox")
    if box:
        numbers = [float(n) for n in _NUMBER.findall(box)]
        if len(numbers) == 4 and numbers[2] > 0 and numbers[3] > 0:
            return numbers[2], numbers[3]
    try:
        width, height = float(root.get("width", "")), float(root.get("height", ""))
    except ValueError as exc:
        raise VigtoolError("a chart has no size") from exc
    return width, height


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, scale: float) -> None:
        self._draw = draw
        self._scale = scale
        self.skipped: list[str] = []

    def draw(self, element: etree._Element, inherited: dict[str, str]) -> None:
        style = dict(inherited)
        style.update({k: v for k in _INHERITED if (v := element.get(k)) is not None})
        tag = _local(element)
        if tag in ("svg", "g"):
            for child in element:
                if isinstance(child.tag, str):
                    self.draw(child, style)
        elif tag == "rect":
            self._rect(element, style)
        elif tag == "line":
            self._polyline([(_num(element, "x1"), _num(element, "y1")),
                            (_num(element, "x2"), _num(element, "y2"))], style, closed=False)
        elif tag in ("polyline", "polygon"):
            numbers = [float(n) for n in _NUMBER.findall(element.get("points", ""))]
            points = list(zip(numbers[0::2], numbers[1::2], strict=False))
            self._polyline(points, style, closed=tag == "polygon")
        elif tag == "path" and not _CURVES.search(element.get("d", "")):
            for points, closed in _path(element.get("d", "")):
                self._polyline(points, style, closed=closed)
        elif tag == "circle":
            r = _num(element, "r")
            self._ellipse(_num(element, "cx"), _num(element, "cy"), r, r, style)
        elif tag == "ellipse":
            self._ellipse(_num(element, "cx"), _num(element, "cy"), _num(element, "rx"),
                          _num(element, "ry"), style)
        elif tag == "text":
            self._text(element, style)
        elif tag not in _SKIPPED_QUIETLY:
            self.skipped.append(tag)

    def _rect(self, element: etree._Element, style: dict[str, str]) -> None:
        s = self._scale
        x, y = _num(element, "x") * s, _num(element, "y") * s
        w, h = _num(element, "width") * s, _num(element, "height") * s
        if w <= 0 or h <= 0:
            return
        radius = _num(element, "rx", _num(element, "ry")) * s
        self._draw.rounded_rectangle((x, y, x + w, y + h), radius=min(radius, w / 2, h / 2),
                                     fill=_colour(style.get("fill")),
                                     outline=_colour(style.get("stroke")),
                                     width=self._stroke_width(style))

    def _polyline(self, points: list[tuple[float, float]], style: dict[str, str], *,
                  closed: bool) -> None:
        if len(points) < 2:
            return
        s = self._scale
        scaled = [(x * s, y * s) for x, y in points]
        fill = _colour(style.get("fill"))
        if closed and fill is not None and len(scaled) > 2:
            self._draw.polygon(scaled, fill=fill)
        stroke = _colour(style.get("stroke"))
        if stroke is None:
            return
        line = [*scaled, scaled[0]] if closed else scaled
        dashes = [float(n) * s for n in _NUMBER.findall(style.get("stroke-dasharray", ""))]
        pieces = _dashed(line, dashes) if any(dashes) else [line]
        for piece in pieces:
            self._draw.line(piece, fill=stroke, width=self._stroke_width(style), joint="curve")

    def _ellipse(self, cx: float, cy: float, rx: float, ry: float,
                 style: dict[str, str]) -> None:
        s = self._scale
        self._draw.ellipse(((cx - rx) * s, (cy - ry) * s, (cx + rx) * s, (cy + ry) * s),
                           fill=_colour(style.get("fill")),
                           outline=_colour(style.get("stroke")),
                           width=self._stroke_width(style))

    def _text(self, element: etree._Element, style: dict[str, str]) -> None:
        text = " ".join((element.text or "").split())
        fill = _colour(style.get("fill"))
        if not text or fill is None:
            return
        size = max(1, round(float(style.get("font-size", "16").removesuffix("px"))
                            * self._scale))
        bold = style.get("font-weight", "normal") in ("bold", "bolder", "600", "700", "800",
                                                      "900")
        self._draw.text((_num(element, "x") * self._scale, _num(element, "y") * self._scale),
                        text, font=_font(size, bold), fill=fill,
                        anchor=_ANCHORS.get(style.get("text-anchor", "start"), "ls"))

    def _stroke_width(self, style: dict[str, str]) -> int:
        try:
            width = float(style.get("stroke-width", "1").removesuffix("px"))
        except ValueError:
            width = 1.0
        return max(1, round(width * self._scale))


def _local(element: etree._Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.removeprefix(SVG)


def _num(element: etree._Element, name: str, default: float = 0.0) -> float:
    value = element.get(name)
    if value is None:
        return default
    try:
        return float(value.removesuffix("px"))
    except ValueError:
        return default


def _colour(value: str | None) -> tuple[int, int, int] | None:
    if value is None or value in ("none", "transparent"):
        return None
    try:
        rgb = ImageColor.getrgb(value)
    except ValueError:
        return None
    return rgb[0], rgb[1], rgb[2]


def _path(d: str) -> Iterator[tuple[list[tuple[float, float]], bool]]:
    """A straight-line path's subpaths (M, L, H, V, Z, absolute or relative) as points;
    a path with curves is not drawn (``_Painter.draw`` lists it as skipped)."""
    tokens = _PATH_TOKEN.findall(d)
    points: list[tuple[float, float]] = []
    x = y = 0.0
    command = "M"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                if points:
                    yield points, True
                    x, y = points[0]
                points = []
            continue
        relative = command.islower()
        if command in "MmLl" and i + 1 < len(tokens):
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if command in "Mm" and points:
                yield points, False
                points = []
            points.append((x, y))
            if command in "Mm":
                command = "l" if relative else "L"  # pairs after a move are lines
        elif command in "HhVv":
            value = float(token)
            i += 1
            if command in "Hh":
                x = x + value if relative else value
            else:
                y = y + value if relative else value
            points.append((x, y))
        else:
            i += 1  # a lone number: nothing to draw
    if points:
        yield points, False


def _dashed(points: list[tuple[float, float]], dashes: list[float]
            ) -> list[list[tuple[float, float]]]:
    """The drawn pieces of a dashed line: ``dashes`` alternate drawn and gap lengths."""
    pattern = dashes * 2 if len(dashes) % 2 else dashes
    pieces: list[list[tuple[float, float]]] = []
    index, left, drawing = 0, max(pattern[0], 0.01), True
    current: list[tuple[float, float]] = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while length - done > left:
            done += left
            at = (x0 + (x1 - x0) * done / length, y0 + (y1 - y0) * done / length)
            if drawing:
                pieces.append([*current, at])
            current = [at]
            drawing = not drawing
            index = (index + 1) % len(pattern)
            left = max(pattern[index], 0.01)
        left -= length - done
        current.append((x1, y1))
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces


@functools.lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> Font:
    for name in (*(_BOLD if bold else ()), *_REGULAR):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)

"""The look of a Word summary: A4 pages, named styles, panels, and the page-number footer.

Everything a person might restyle in Word is a named paragraph style (the
parent's words, a goal, a label), so a service can change the look of a
whole document in one place. Colours and sizes follow the PDF
(``templates/summary_print.html.j2``): the family's copy is larger and
warmer, the practitioner's record denser. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

FONT = "Calibri"  # Word's own body font: on every machine that opens a .docx
INK = RGBColor(0x3F, 0x36, 0x31)
SOFT = RGBColor(0x7A, 0x6D, 0x64)
ACCENT = RGBColor(0xB5, 0x66, 0x4E)
WARM, WARM_EDGE = "FBF1E7", "E9B9A0"
SAGE, SAGE_EDGE = "EEF4EF", "9DB8A6"
LILAC, LILAC_EDGE = "F3F0F7", "A99BC4"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
SIDE_MARGIN = Mm(18)
TEXT_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN

# Style names, as a person sees them in Word's style list.
KICKER = "Summary Kicker"
LEAD = "Summary Lead"
LABEL = "Heading 2"  # the small capitals over a panel ("IN YOUR WORDS"): a real heading
PARENT_WORDS = "Parent's Words"
GOAL = "Goal"
RECORD = "Practitioner's Record"
CAPTION = "Caption"
FACT_NAME = "Fact Name"
END_NOTE = "Summary End Note"

# pPr children that follow w:pBdr and w:shd in the schema's order.
_AFTER_SHADING = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                  "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                  "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


@dataclass(frozen=True)
class Sizes:
    """Point sizes for one audience, as in the PDF."""

    body: float
    title: float
    lead: float
    heading: float
    words: float
    goal: float


FAMILY_SIZES = Sizes(body=12, title=28, lead=13, heading=16, words=14, goal=13)
RECORD_SIZES = Sizes(body=10, title=19, lead=10, heading=13, words=12, goal=10)


def set_up(document: Document, *, family: bool) -> None:
    """A4 pages with the PDF's margins, and every style the summary uses."""
    for section in document.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = SIDE_MARGIN
        section.top_margin, section.bottom_margin = Mm(16), Mm(16)
        section.footer_distance = Mm(8)
    sizes = FAMILY_SIZES if family else RECORD_SIZES
    styles = document.styles
    normal = _style(document, "Normal")
    _font(normal, sizes.body, INK)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    title = _style(document, "Title")
    _font(title, sizes.title, INK)
    _no_borders(title)
    title.paragraph_format.space_after = Pt(4)
    heading = _style(document, "Heading 1")
    _font(heading, sizes.heading, INK, bold=False)
    heading.paragraph_format.space_before = Pt(18 if family else 14)
    heading.paragraph_format.space_after = Pt(6)
    label = _style(document, LABEL)
    _font(label, 8.5 if not family else 9, ACCENT, bold=True)
    label.font.all_caps = True
    label.paragraph_format.space_before = Pt(12)
    label.paragraph_format.space_after = Pt(4)
    own = [(KICKER, "Normal", 9, ACCENT), (LEAD, "Normal", sizes.lead, SOFT),
           (PARENT_WORDS, "Normal", sizes.words, INK), (GOAL, "List Bullet", sizes.goal, INK),
           (END_NOTE, "Normal", 8.5, SOFT)]
    if not family:  # the family's file does not even name the record's styles
        own += [(RECORD, "Normal", sizes.body, INK), (FACT_NAME, "Normal", sizes.body - 1, SOFT)]
    for name, base, size, colour in own:
        style = styles[name] if name in styles else styles.add_style(name,
                                                                      WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.style_id = "".join(ch for ch in name if ch.isalnum())  # no quote mark in an id
        style.base_style = styles[base]
        _font(style, size, colour)
    _style(document, KICKER).font.all_caps = True
    words = _style(document, PARENT_WORDS)
    words.font.italic = True
    _panel(words, WARM, WARM_EDGE)
    goal = _style(document, GOAL)
    _panel(goal, SAGE, SAGE_EDGE)
    goal.paragraph_format.left_indent = Mm(11)  # room for the bullet, which hangs
    goal.paragraph_format.first_line_indent = Mm(-6)
    if not family:
        _panel(_style(document, RECORD), LILAC, LILAC_EDGE)
    _style(document, END_NOTE).paragraph_format.space_before = Pt(24)
    caption = _style(document, CAPTION)
    _font(caption, 10 if family else 8.5, SOFT, bold=False)
    caption.font.italic = True
    footer = _style(document, "Footer")
    _font(footer, 8.5, SOFT)


def set_properties(document: Document, *, title: str, made_at: str) -> None:
    """The file's own details: its title, no author or comment, made when the report
    was, and not the template's blank page as the preview a file browser shows."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = props.comments = ""
    props.subject = props.keywords = props.category = ""
    props.created = props.modified = datetime.fromisoformat(made_at)
    props.revision = 1


def page_number_footer(document: Document, words: str) -> None:
    """Each page's footer: ``words`` ("Page %(page)d of %(pages)d", translated) with Word's
    PAGE and NUMPAGES fields in place of the numbers, whatever order a language puts them in."""
    marks = {"page": 1_000_001, "pages": 1_000_002}
    text = words % marks
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        rest = text
        while rest:
            cuts = [(rest.find(str(v)), k) for k, v in marks.items() if str(v) in rest]
            if not cuts:
                paragraph.add_run(rest)
                break
            at, key = min(cuts)
            if at:
                paragraph.add_run(rest[:at])
            add_field(paragraph, "PAGE" if key == "page" else "NUMPAGES")
            rest = rest[at + len(str(marks[key])):]


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice fill in as they lay
    out the pages; ``shown`` until then."""
    for kind in ("begin", "code", "separate", "shown", "end"):
        if kind == "shown":
            paragraph.add_run(shown)
            continue
        part: Any = OxmlElement("w:instrText" if kind == "code" else "w:fldChar")
        if kind == "code":
            part.set(qn("xml:space"), "preserve")
            part.text = f" {instruction} "
        else:
            part.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(part)


def _style(document: Document, name: str) -> ParagraphStyle:
    style = document.styles[name]
    assert isinstance(style, ParagraphStyle)
    return style


def _font(style: ParagraphStyle, size: float, colour: RGBColor, *, bold: bool | None = None
          ) -> None:
    style.font.size = Pt(size)
    r_pr = style.element.get_or_add_rPr()
    for old in r_pr.findall(qn("w:szCs")):
        r_pr.remove(old)
    if r_pr.sz is not None:  # the same size in right-to-left scripts (a translated title)
        complex_size: Any = OxmlElement("w:szCs")
        complex_size.set(qn("w:val"), str(round(size * 2)))
        r_pr.sz.addnext(complex_size)
    style.font.color.rgb = colour
    if bold is not None:
        style.font.bold = bold
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def _panel(style: ParagraphStyle, fill: str, edge: str) -> None:
    """A tinted block with a coloured bar down its left side, like the PDF's panels.
    Paragraphs of one style next to each other join into one block."""
    p_pr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    # Top and bottom in the fill's colour: room above and below the words, unseen.
    for side, size, space, colour in (("top", "4", "5", fill), ("left", "36", "10", edge),
                                      ("bottom", "4", "3", fill)):
        border = OxmlElement(f"w:{side}")
        for name, value in (("val", "single"), ("sz", size), ("space", space),
                            ("color", colour)):
            border.set(qn(f"w:{name}"), value)
        borders.append(border)
    p_pr.insert_element_before(borders, "w:shd", *_AFTER_SHADING)
    shading = OxmlElement("w:shd")
    for name, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{name}"), value)
    p_pr.insert_element_before(shading, *_AFTER_SHADING)
    style.paragraph_format.left_indent = Mm(5)
    style.paragraph_format.right_indent = Mm(3)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.space_before = Pt(0)


def _no_borders(style: ParagraphStyle) -> None:
    p_pr = style.element.get_or_add_pPr()
    for found in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(found)

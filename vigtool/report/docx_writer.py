"""The session summary as a Word document (.docx), for the case-notes systems services use.

The same content as the PDF, in the same order, with the same words: the
shared words come from the macros in ``templates/_words.html.j2`` (called
here and turned into plain text), and the words the templates say in place
are looked up by the very msgids the templates use (``TEMPLATE_WORDS``;
``tests/core/test_docx.py`` checks each is still a template's word), so a
translation serves the web page, the PDF and the Word document alike. The
pictures are the PDF's JPEG stills; the charts are the PDF's SVG charts drawn
as PNG (``docx_chart``). Page numbers are Word fields in each page's footer.

The family's copy is made from the family's ``SummaryData``, which has no
place for notes, codes, timings or numbers, so none can reach it; the
document's properties name no author (and, for the family, no case code). No Qt.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import docx
import lxml.html
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from vigtool.report import docx_styles as look
from vigtool.report import i18n
from vigtool.report.docx_chart import ChartPicture, chart_pictures
from vigtool.report.pictures import Picture
from vigtool.report.summary import SummaryData, SummaryMoment, _clock, environment

# Words the templates say in place rather than in _words.html.j2, by their msgids.
PRACTITIONERS_RECORD = "Practitioner's record"
NOT_FOR_THE_FAMILY = ("Not for the family: this record includes your notes, codes and "
                      "timings. The family's version leaves them out.")
CASE, CYCLE, CODEBOOK, CYCLE_NOTE = "Case", "Cycle", "Codebook", "Cycle note"
SELF_LOOK = "Your shared review: your own look back"
USED_WELL, TO_DEVELOP = "Used well", "To develop"
MOMENT_N = "Moment %(n)d"
STILL_ALT = "A still from your film"
PRINCIPLES, WHERE, TURNS, REVIEW_QUESTION = "Principles", "Where", "Turns", "Review question"
STRENGTHS_LABEL = "Strengths wording (as the family sees it)"
PRACTITIONER_NOTE = "Practitioner note"
NEXT_TIME = "What to look for next time"
PAGE_OF = "Page %(page)d of %(pages)d"  # export.py's footer for the PDF
TEMPLATE_WORDS = (PRACTITIONERS_RECORD, NOT_FOR_THE_FAMILY, CASE, CYCLE, CODEBOOK, CYCLE_NOTE,
                  SELF_LOOK, USED_WELL, TO_DEVELOP, MOMENT_N, STILL_ALT, PRINCIPLES, WHERE,
                  TURNS, REVIEW_QUESTION, STRENGTHS_LABEL, PRACTITIONER_NOTE, NEXT_TIME)

# Picture widths: the family's stills large, the record's smaller; two side by side.
ONE_PICTURE = {True: Mm(125), False: Mm(95)}
SIDE_BY_SIDE = Mm(84)


def write_summary_docx(data: SummaryData, out: Path, *, page: str,
                       language: str | None = None) -> Path:
    """Write ``data`` as a .docx to ``out`` (the caller makes it atomic); return ``out``.

    ``page`` is the print page the PDF is drawn from (``render_html(..., for_print=True)``):
    its charts go into the document as the PDF shows them.
    """
    summary_document(data, page=page, language=language).save(str(out))
    return out


def summary_document(data: SummaryData, *, page: str, language: str | None = None
                     ) -> Document:
    """The summary as a python-docx Document, not yet saved."""
    return _Writer(data, chart_pictures(page), language).document


class _Words:
    """The summary's words, from the same macros and catalogue as its web page and PDF."""

    def __init__(self, language: str | None) -> None:
        self._t = i18n.translations(language)
        self._macros = environment(language).get_template("_words.html.j2").module

    def __call__(self, msgid: str, **values: object) -> str:
        text = self._t.gettext(msgid)
        return text % values if values else text

    def macro(self, name: str, *args: object) -> str:
        return html.unescape(str(getattr(self._macros, name)(*args)))

    def long_date(self, iso: str) -> str:
        return i18n.long_date(iso, self._t.gettext)

    def macro_html(self, name: str, *args: object) -> str:
        return str(getattr(self._macros, name)(*args))


class _Writer:
    def __init__(self, data: SummaryData, charts: tuple[ChartPicture, ...],
                 language: str | None) -> None:
        self.data = data
        self.family = data.family
        self.words = _Words(language)
        self.document: Document = docx.Document()
        look.set_up(self.document, family=self.family)
        look.page_number_footer(self.document, self.words(PAGE_OF))
        self._properties()
        self._opening()
        if not self.family:
            self._record_banner()
        if data.helping_question:
            self._label(self.words.macro("question_heading", data))
            self._quote(data.helping_question)
        for moment in data.moments:
            self._moment(moment)
        if data.reflections:
            self._label(self.words.macro("more_reflections_heading", data))
            for text in data.reflections:
                self._quote(text)
        self._looking_back()
        self._scales(tuple(c for c in charts if c.scale))
        if data.goals:
            self._heading(self.words(NEXT_TIME))
            for goal in data.goals:
                self.document.add_paragraph(goal, style=look.GOAL)
        if not self.family:
            self._progress(tuple(c for c in charts if not c.scale))
        self.document.add_paragraph(self.words.macro("footer", data, self.words.long_date),
                                    style=look.END_NOTE)

    # -- parts, in the PDF's order ---------------------------------------------------------

    def _properties(self) -> None:
        title = self.words.macro("title", self.data)
        look.set_properties(self.document, title=title, made_at=self.data.made_at)

    def _opening(self) -> None:
        d, words = self.data, self.words
        self.document.add_paragraph(words.macro("kicker", d, words.long_date), style=look.KICKER)
        self.document.add_paragraph(words.macro("title", d), style="Title")
        self.document.add_paragraph(words.macro("lead", d), style=look.LEAD)

    def _record_banner(self) -> None:
        d, words = self.data, self.words
        self._label(words(PRACTITIONERS_RECORD))
        self.document.add_paragraph(words(NOT_FOR_THE_FAMILY), style=look.RECORD)
        facts = self.document.add_paragraph(style=look.RECORD)
        for n, (name, value) in enumerate(((CASE, d.case_code), (CYCLE, str(d.cycle)),
                                           (CODEBOOK, d.codebook_name))):
            facts.add_run((" \u00a0·\u00a0 " if n else "") + f"{words(name)}: ")
            facts.add_run(value).bold = name != CODEBOOK
        if d.cycle_note:
            self.document.add_paragraph(f"{words(CYCLE_NOTE)}: {d.cycle_note}",
                                        style=look.RECORD)
        if d.self_look is not None:
            look_back = d.self_look
            self._label(words(SELF_LOOK))
            for name, labels, note in ((USED_WELL, look_back.used_well, look_back.used_well_note),
                                       (TO_DEVELOP, look_back.to_develop,
                                        look_back.to_develop_note)):
                line = self.document.add_paragraph(f"{words(name)}: ", style=look.RECORD)
                line.add_run(", ".join(labels)).bold = True
                if note:
                    self.document.add_paragraph(note, style=look.RECORD)

    def _moment(self, m: SummaryMoment) -> None:
        words = self.words
        heading = self._heading("")
        number = heading.add_run(str(m.number))
        number.font.color.rgb = look.ACCENT
        heading.add_run("\u00a0\u00a0" + (m.title or words(MOMENT_N, n=m.number)))
        if self.family:  # as in the PDF: the first picture with the words, then the rest
            self._pictures(m.pictures[:1])
            if m.strengths:
                self.document.add_paragraph(m.strengths)
            self._pictures(m.pictures[1:], grid=True)
        else:
            self._pictures(m.pictures)
            self._facts(m)
            if m.strengths:
                self._label(words(STRENGTHS_LABEL))
                self.document.add_paragraph(m.strengths)
            if m.detail is not None and m.detail.note:
                self._label(words(PRACTITIONER_NOTE))
                self.document.add_paragraph(m.detail.note, style=look.RECORD)
        if m.reflections:
            self._label(words.macro("reflections_heading", self.data))
            for text in m.reflections:
                self._quote(text)

    def _facts(self, m: SummaryMoment) -> None:
        """Principles, where, turns and the review question, as in the PDF's table."""
        detail = m.detail
        if detail is None:
            return
        words = self.words
        table = self.document.add_table(rows=0, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT

        def row(name: str) -> Paragraph:
            cells = table.add_row().cells
            _set_width(cells[0], Mm(38))
            _set_width(cells[1], look.TEXT_WIDTH - Mm(38))
            cells[0].paragraphs[0].text = words(name)
            cells[0].paragraphs[0].style = self.document.styles[look.FACT_NAME]
            value: Paragraph = cells[1].paragraphs[0]
            return value

        principles = row(PRINCIPLES)
        for n, code in enumerate(detail.codes):
            if n:
                principles.add_run().add_break()
            square = principles.add_run("■\u00a0")  # the code's colour, named beside it
            square.font.color.rgb = RGBColor.from_string(code.colour.lstrip("#").upper())
            principles.add_run(code.label)
        if not detail.codes:
            principles.text = "–"
        row(WHERE).text = words.macro("where", detail, _clock)
        row(TURNS).text = words.macro("turns", detail)
        if detail.prompt:
            row(REVIEW_QUESTION).text = detail.prompt

    def _pictures(self, pictures: tuple[Picture, ...], *, grid: bool = False) -> None:
        """One picture large; more, two side by side."""
        if not pictures:
            return
        if len(pictures) == 1 and not grid:
            self._picture(self.document.add_paragraph(), pictures[0], ONE_PICTURE[self.family])
            return
        table = self.document.add_table(rows=0, cols=2)
        for pair in (pictures[i:i + 2] for i in range(0, len(pictures), 2)):
            cells = table.add_row().cells
            for cell, picture in zip(cells, pair, strict=False):
                _set_width(cell, SIDE_BY_SIDE + Mm(3))
                self._picture(cell.paragraphs[0], picture, SIDE_BY_SIDE, cell)

    def _picture(self, paragraph: Paragraph, picture: Picture, width: int,
                 cell: _Cell | None = None) -> None:
        """``picture`` ``width`` wide, or narrower so an upright film's still is not taller
        than ``width`` (a still from a phone held upright stays on its page)."""
        width = min(width, round(width * picture.width / max(picture.height, 1)))
        paragraph.paragraph_format.keep_with_next = True  # with its caption or its words
        shape = paragraph.add_run().add_picture(io.BytesIO(picture.jpeg), width=Length(width))
        shape._inline.docPr.set("descr", picture.caption or self.words(STILL_ALT))
        if picture.caption:
            where = cell if cell is not None else self.document
            where.add_paragraph(picture.caption, style=look.CAPTION)

    def _looking_back(self) -> None:
        """The family's earlier sessions, in their own words."""
        d, words = self.data, self.words
        if not d.earlier:
            return
        self._heading(words.macro("progress_heading", d))
        self.document.add_paragraph(words.macro("looking_back_lead", d), style=look.LEAD)
        for session in d.earlier:
            self._label(words.macro("session", session.cycle))
            for text in session.words:
                self._quote(text)

    def _scales(self, charts: tuple[ChartPicture, ...]) -> None:
        """The scaling charts (the parent's own answers; the record adds the practitioner's)."""
        if not charts:
            return
        d, words = self.data, self.words
        self._heading(words.macro("scales_heading", d))
        self.document.add_paragraph(words.macro("scales_lead", d), style=look.LEAD)
        self._charts(charts)

    def _progress(self, charts: tuple[ChartPicture, ...]) -> None:
        """The record's charts across cycles and the numbers behind them."""
        if not charts:
            return
        self._heading(self.words.macro("progress_heading", self.data))
        self._charts(charts)
        if self.data.progress.cycles:
            self._numbers_table()

    def _charts(self, charts: tuple[ChartPicture, ...]) -> None:
        for chart in charts:
            if chart.title:
                self._label(chart.title)
            paragraph = self.document.add_paragraph()
            shape = paragraph.add_run().add_picture(io.BytesIO(chart.png),
                                                    width=look.TEXT_WIDTH)
            shape._inline.docPr.set("descr", chart.description or chart.title)

    def _numbers_table(self) -> None:
        """The numbers macro's table (the same words and figures as the web page)."""
        fragment = lxml.html.fragment_fromstring(
            self.words.macro_html("numbers_table", self.data))
        caption = fragment.find("caption")
        if caption is not None:
            self._label(" ".join(caption.text_content().split()))
        rows = [[" ".join(cell.text_content().split()) for cell in row.iter("th", "td")]
                for row in fragment.iter("tr")]
        table = self.document.add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = self.document.styles["Table Grid"]
        for n, values in enumerate(rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                cell.text = value
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
                    run.bold = n == 0

    # -- small pieces ----------------------------------------------------------------------

    def _heading(self, text: str) -> Paragraph:
        heading: Paragraph = self.document.add_heading(text, level=1)
        return heading

    def _label(self, text: str) -> Paragraph:
        return self.document.add_paragraph(text, style=look.LABEL)

    def _quote(self, text: str) -> Paragraph:
        """The parent's words, as they said them, in quotation marks."""
        return self.document.add_paragraph(self.words.macro("quote", text),
                                           style=look.PARENT_WORDS)


def _set_width(cell: _Cell, width: int) -> None:
    cell.width = Length(width)

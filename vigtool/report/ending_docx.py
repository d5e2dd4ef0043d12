"""The ending as a Word document (.docx): the same words and pictures as its PDF.

Built from the session summary's Word building blocks (``docx_styles``: A4 pages,
the named styles, panels and the page-number footer; ``docx_chart``: the PDF's SVG
charts drawn as PNG), with every word from the ending's own template macros
(``ending_words.html.j2``) and the summary's (``_words.html.j2``), so a
translation serves the web page, the PDF and the Word document alike. The
family's file is made from the family's ``EndingData``, which has no place for
notes, codes or numbers; its properties name no author and no case code. No Qt.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
import lxml.html
from docx.document import Document
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from vigtool.report import docx_styles as look
from vigtool.report import i18n
from vigtool.report.docx_chart import ChartPicture, chart_pictures
from vigtool.report.ending import EndingCycle, EndingData, scales_with_ends
from vigtool.report.summary import environment

PAGE_OF = "Page %(page)d of %(pages)d"  # the PDF's footer, by its msgid
PICTURE_WIDTH = {True: Mm(120), False: Mm(90)}
FACT_WIDTH = Mm(42)


def write_ending_docx(data: EndingData, out: Path, *, page: str,
                      language: str | None = None) -> Path:
    """Write ``data`` as a .docx to ``out`` (the caller makes it atomic); return ``out``.
    ``page`` is the print page the PDF is drawn from: its charts go in as the PDF shows
    them."""
    ending_document(data, page=page, language=language).save(str(out))
    return out


def ending_document(data: EndingData, *, page: str, language: str | None = None) -> Document:
    """The ending as a python-docx Document, not yet saved."""
    return _Writer(data, chart_pictures(page), language).document


class _Words:
    """The ending's words, from the same macros and catalogue as its web page and PDF."""

    def __init__(self, language: str | None) -> None:
        self._t = i18n.translations(language)
        env = environment(language)
        self._modules = {"words": env.get_template("_words.html.j2").module,
                         "ending": env.get_template("ending_words.html.j2").module}

    def __call__(self, msgid: str, **values: object) -> str:
        text = self._t.gettext(msgid)
        return text % values if values else text

    def html(self, name: str, *args: object) -> str:
        module, _, macro = name.partition(".")
        return str(getattr(self._modules[module], macro)(*args))

    def text(self, name: str, *args: object) -> str:
        """A macro's words as plain text (entities decoded, spaces as a reader sees them)."""
        return " ".join(html.unescape(self.html(name, *args)).split())

    def long_date(self, iso: str) -> str:
        return i18n.long_date(iso, self._t.gettext)


class _Writer:
    def __init__(self, data: EndingData, charts: tuple[ChartPicture, ...],
                 language: str | None) -> None:
        self.data, self.family = data, data.family
        self.words = w = _Words(language)
        self.document: Document = docx.Document()
        look.set_up(self.document, family=self.family)
        look.page_number_footer(self.document, w(PAGE_OF))
        self._properties()
        self.document.add_paragraph(w.text("ending.kicker", data), style=look.KICKER)
        self.document.add_paragraph(w.text("ending.title", data), style="Title")
        self.document.add_paragraph(w.text("ending.lead", data), style=look.LEAD)
        if not self.family:
            self._record_banner()
        if data.helping_question:
            self._label(w.text("words.question_heading", data))
            self._quote(data.helping_question)
        self._scales(tuple(c for c in charts if c.scale))
        if data.cycles:
            self._heading(w.text("ending.sessions_heading", data))
            for cycle in data.cycles:
                self._cycle(cycle)
        self._keep_doing()
        if not self.family:
            self._progress(tuple(c for c in charts if not c.scale))
        self.document.add_paragraph(w.text("ending.footer", data, w.long_date),
                                    style=look.END_NOTE)

    def _properties(self) -> None:
        title = self.words.text("ending.title", self.data)
        look.set_properties(self.document, title=title, made_at=self.data.made_at)

    def _record_banner(self) -> None:
        d, w = self.data, self.words
        self._label(w("Practitioner's record"))
        self.document.add_paragraph(w.text("ending.record_note"), style=look.RECORD)
        facts = self.document.add_paragraph(style=look.RECORD)
        cycles = w.text("ending.and_list", [str(n) for n in d.numbers]) if d.numbers else "–"
        for n, (name, value) in enumerate((("Case", d.case_code), ("Cycles", cycles),
                                           ("Codebook", d.codebook_name))):
            facts.add_run((" \u00a0·\u00a0 " if n else "") + f"{w(name)}: ")
            facts.add_run(value).bold = name != "Codebook"

    def _scales(self, charts: tuple[ChartPicture, ...]) -> None:
        if not charts:
            return
        d, w = self.data, self.words
        self._heading(w.text("words.scales_heading", d))
        self.document.add_paragraph(w.text("ending.scales_lead", d), style=look.LEAD)
        for chart, ends in scales_with_ends(d, charts):
            self._charts((chart,), [w.text("ending.scale_ends", d, e) for e in ends])

    def _cycle(self, c: EndingCycle) -> None:
        d, w = self.data, self.words
        self._label(w.text("ending.cycle_heading", d, c, w.long_date)).paragraph_format \
            .keep_with_next = True
        if c.picture is not None:
            paragraph = self.document.add_paragraph()
            paragraph.paragraph_format.keep_with_next = True
            wide = PICTURE_WIDTH[self.family]  # an upright film's still: no taller than that
            width = min(wide, round(wide * c.picture.width / max(c.picture.height, 1)))
            shape = paragraph.add_run().add_picture(io.BytesIO(c.picture.jpeg),
                                                    width=Length(width))
            shape._inline.docPr.set("descr", c.picture.caption or w("A still from your film"))
            if c.picture.caption:
                self.document.add_paragraph(c.picture.caption, style=look.CAPTION)
        else:
            self.document.add_paragraph(w.text("ending.no_picture", d), style=look.CAPTION)
        if c.title:
            title = self.document.add_paragraph()
            run = title.add_run(c.title)
            run.bold, run.font.size = True, Pt(14 if self.family else 11)
        if c.strengths:
            self.document.add_paragraph(c.strengths)
        if c.record is not None:
            self._facts(c)
        if c.words:
            self._label(w.text("ending.words_heading", d))
            for text in c.words:
                self._quote(text)

    def _facts(self, c: EndingCycle) -> None:
        record, w = c.record, self.words
        assert record is not None
        rows: list[tuple[str, Any]] = [(w("Chosen"), w.text("ending.chosen_count", c)),
                                       (w("Principles"), record.codes)]
        if record.note:
            rows.append((w("Cycle note"), record.note))
        rows += [(w("Practitioner note") + (f": {title}" if title else ""), note)
                 for title, note in record.moment_notes]
        if record.self_look is not None:
            s = record.self_look
            rows += [(w("Used well"), "\n".join(filter(None, (", ".join(s.used_well),
                                                              s.used_well_note)))),
                     (w("To develop"), "\n".join(filter(None, (", ".join(s.to_develop),
                                                               s.to_develop_note))))]
        table = self.document.add_table(rows=0, cols=2)
        for name, value in rows:
            cells = table.add_row().cells
            cells[0].width = Length(FACT_WIDTH)
            cells[1].width = Length(look.TEXT_WIDTH - FACT_WIDTH)
            cells[0].paragraphs[0].text = name
            cells[0].paragraphs[0].style = self.document.styles[look.FACT_NAME]
            cell = cells[1].paragraphs[0]
            if isinstance(value, str):
                cell.text = value
                continue
            for n, count in enumerate(value):
                if n:
                    cell.add_run().add_break()
                square = cell.add_run("■\u00a0")
                square.font.color.rgb = RGBColor.from_string(count.code.colour.lstrip("#")
                                                             .upper())
                cell.add_run(w.text("ending.code_count", count))
            if not value:
                cell.text = "–"

    def _keep_doing(self) -> None:
        d, w = self.data, self.words
        if not d.keep_doing and not d.goals:
            return
        self._heading(w.text("ending.keep_doing_heading", d))
        if d.keep_doing:
            self.document.add_paragraph(w.text("ending.keep_doing_lead", d), style=look.LEAD)
        for item in d.keep_doing:
            self._item(item.words, w.text("ending.seen", d, item))
        if d.goals:
            self._label(w.text("ending.goals_heading", d))
        for goal in d.goals:
            self._item(goal.text, w.text("ending.goal_state", d, goal, w.long_date))

    def _item(self, text: str, note: str) -> None:
        paragraph = self.document.add_paragraph(text, style=look.GOAL)
        if note:
            paragraph.add_run().add_break()
            run = paragraph.add_run(note)
            run.font.size, run.font.color.rgb = Pt(9.5 if self.family else 8.5), look.SOFT

    def _progress(self, charts: tuple[ChartPicture, ...]) -> None:
        if not charts:
            return
        self._heading(self.words.text("words.progress_heading", self.data))
        self._charts(charts)
        fragment = lxml.html.fragment_fromstring(self.words.html("words.numbers_table",
                                                                 self.data))
        rows = [[" ".join(cell.text_content().split()) for cell in row.iter("th", "td")]
                for row in fragment.iter("tr")]
        table = self.document.add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = self.document.styles["Table Grid"]
        for n, values in enumerate(rows):
            for cell, value in zip(table.add_row().cells, values, strict=False):
                cell.text = value
                for run in cell.paragraphs[0].runs:
                    run.font.size, run.bold = Pt(9), n == 0

    def _charts(self, charts: tuple[ChartPicture, ...], above: Sequence[str] = ()) -> None:
        """Each chart under its title (and ``above``: its first and last answers)."""
        for chart in charts:
            if chart.title:
                self._label(chart.title).paragraph_format.keep_with_next = True
            for line in above:
                self.document.add_paragraph(line).paragraph_format.keep_with_next = True
            shape = self.document.add_paragraph().add_run().add_picture(
                io.BytesIO(chart.png), width=look.TEXT_WIDTH)
            shape._inline.docPr.set("descr", chart.description or chart.title)

    def _heading(self, text: str) -> Paragraph:
        heading: Paragraph = self.document.add_heading(text, level=1)
        return heading

    def _label(self, text: str) -> Paragraph:
        return self.document.add_paragraph(text, style=look.LABEL)

    def _quote(self, text: str) -> Paragraph:
        """The parent's words, as they said them (line breaks kept), in quotation marks."""
        quoted = html.unescape(self.words.html("words.quote", text)).strip()
        return self.document.add_paragraph(quoted, style=look.PARENT_WORDS)

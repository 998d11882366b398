"""Word documents with python-docx, in the house style of the board papers: Arial, A4, tables with a header
row that repeats on every page, money right-aligned as `£1,234.50`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from grants.outline import OutlineList, Paragraph, parse_outline

FONT = "Arial"


class WordDocument:
    """A document built top to bottom: `heading()`, `paragraph()`, `outline()`, `summary()`, `table()`."""

    def __init__(self, *, title: str, landscape: bool = False):
        self.document = Document()
        self.document.core_properties.title = title
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"):
            style = self.document.styles[style_name]
            style.font.name = FONT
            style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
            if style_name.startswith("Heading") or style_name == "Title":
                style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        self.document.styles["Normal"].font.size = Pt(11)

    def title(self, text: str):
        self.document.add_heading(text, level=0)

    def heading(self, text: str, level: int = 1):
        self.document.add_heading(text, level=level)

    def paragraph(self, text: str = "", *, bold: bool = False, size: int | None = None, container=None):
        paragraph = (container or self.document).add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return paragraph

    def outline(self, text: str, *, container=None, size: int | None = None):
        """Writes an outline's paragraphs and lists (see grants/outline.py) into the document or a table cell."""
        target = container or self.document
        for block in parse_outline(text):
            if isinstance(block, Paragraph):
                self.paragraph(" ".join(block.lines), container=target, size=size)
            else:
                self._list(block, target, size=size)

    def _list(self, block: OutlineList, target, *, size, depth: int = 0):
        for number, item in enumerate(block.items, start=block.start):
            if block.kind == "bullet":
                marker = "•"
            elif block.kind == "number":
                marker = f"{number}."
            else:
                marker = f"{chr(96 + number)}."
            paragraph = self.paragraph(f"{marker} {item.text}", container=target, size=size)
            paragraph.paragraph_format.left_indent = Cm(0.6 * (depth + 1))
            paragraph.paragraph_format.first_line_indent = Cm(-0.4)
            if item.nested:
                self._list(item.nested, target, size=size, depth=depth + 1)

    def summary(self, rows: Iterable[tuple[str, str]]):
        """A two-column key/value table (partnership, financial year, grant total, ...)."""
        rows = list(rows)
        table = self.document.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for (key, value), row in zip(rows, table.rows, strict=True):
            self._cell_text(row.cells[0], key, bold=True)
            self._cell_text(row.cells[1], value)
        self.document.add_paragraph()
        return table

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence],
        *,
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
        size: int = 9,
    ):
        """A table whose header row repeats on each page. A cell is text, or a callable that fills the cell."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        _repeat_as_header(header)
        for index, text in enumerate(headers):
            self._cell_text(header.cells[index], text, bold=True, size=size, right=index in numeric)
        for values in rows:
            cells = table.add_row().cells
            for index, value in enumerate(values):
                if callable(value):
                    cells[index].paragraphs[0].text = ""
                    value(cells[index])
                else:
                    self._cell_text(
                        cells[index], "" if value is None else str(value), size=size, right=index in numeric
                    )
        if widths:
            for row in table.rows:
                for index, width in enumerate(widths):
                    row.cells[index].width = Cm(width)
        self.document.add_paragraph()
        return table

    def cell_outline(self, text: str, *, heading: str | None = None, size: int = 9):
        """A cell filler: an optional bold heading, then the outline text."""

        def fill(cell):
            first = cell.paragraphs[0]
            if heading:
                run = first.add_run(heading)
                run.bold = True
                run.font.size = Pt(size)
            else:
                first._element.getparent().remove(first._element)
            self.outline(text, container=cell, size=size)

        return fill

    def _cell_text(self, cell, text: str, *, bold: bool = False, size: int | None = None, right: bool = False):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _repeat_as_header(row):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

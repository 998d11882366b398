"""Helpers for checking generated documents the way a reader would: PDF pages rendered to PNG (poppler's
pdftoppm), the PDF's text (pdftotext), and the text of a Word file."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path


def pdf_to_pngs(pdf: bytes, directory: Path, *, resolution: int = 60) -> list[Path]:
    source = directory / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(source), str(directory / "page")], check=True)
    return sorted(directory.glob("page*.png"))


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def png_is_not_blank(path: Path) -> bool:
    """A rendered page has ink on it: more than one colour."""
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("L").getcolors(maxcolors=256 * 256)
    return colours is None or len(colours) > 1

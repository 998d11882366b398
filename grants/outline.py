"""Outlines and measures are plain text with a small, safe subset of formatting, never raw HTML.

The subset is what the seed documents use: paragraphs separated by blank lines, bullet lists (`- `, `* `,
`• ` or `▪ `), numbered lists (`1. `) and, indented under an item, a nested list (`a. `, `- `).
`parse_outline` turns the text into blocks; `render_outline` makes escaped HTML of them, and the Word
documents (`grants/documents/word.py`) write the same blocks, so every output reads the text the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*•▪])|(?P<number>\d+)\.|(?P<letter>[a-z])\.)\s+(?P<text>.*)$")


@dataclass
class Paragraph:
    lines: list[str]


@dataclass
class ListItem:
    text: str
    nested: OutlineList | None = None


@dataclass
class OutlineList:
    kind: str  # "bullet", "number" or "letter"
    start: int = 1
    items: list[ListItem] = field(default_factory=list)


Block = Paragraph | OutlineList


def _marker(match) -> tuple[str, int]:
    if match["bullet"]:
        return "bullet", 1
    if match["number"]:
        return "number", int(match["number"])
    return "letter", ord(match["letter"]) - ord("a") + 1


def parse_outline(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    current: OutlineList | None = None

    def flush_paragraph():
        if paragraph:
            blocks.append(Paragraph(list(paragraph)))
            paragraph.clear()

    def flush_list():
        nonlocal current
        if current is not None:
            blocks.append(current)
            current = None

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            flush_paragraph()
            flush_list()
            continue
        match = _ITEM.match(raw)
        if match is None:
            if current is not None and raw.startswith("  ") and current.items:
                current.items[-1].text += " " + raw.strip()  # a continuation line of the last item
                continue
            flush_list()
            paragraph.append(raw.strip())
            continue
        flush_paragraph()
        kind, start = _marker(match)
        nested = len(match["indent"].expandtabs(4)) >= 2
        if nested and current is not None and current.items:
            parent = current.items[-1]
            if parent.nested is None:
                parent.nested = OutlineList(kind, start)
            parent.nested.items.append(ListItem(match["text"].strip()))
            continue
        if current is None or current.kind != kind:
            flush_list()
            current = OutlineList(kind, start)
        current.items.append(ListItem(match["text"].strip()))
    flush_paragraph()
    flush_list()
    return blocks


def _list_html(block: OutlineList) -> str:
    if block.kind == "bullet":
        opening, closing = '<ul class="govuk-list govuk-list--bullet">', "</ul>"
    elif block.kind == "number":
        start = f' start="{block.start}"' if block.start != 1 else ""
        opening, closing = f'<ol class="govuk-list govuk-list--number"{start}>', "</ol>"
    else:
        opening, closing = '<ol class="govuk-list govuk-list--number app-list--alpha" type="a">', "</ol>"
    items = "".join(
        f"<li>{escape(item.text)}{_list_html(item.nested) if item.nested else ''}</li>" for item in block.items
    )
    return f"{opening}{items}{closing}"


def render_outline(text: str) -> SafeString:
    parts = []
    for block in parse_outline(text):
        if isinstance(block, Paragraph):
            parts.append(f'<p class="govuk-body">{"<br>".join(escape(line) for line in block.lines)}</p>')
        else:
            parts.append(_list_html(block))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped

"""Outlines and measures are plain text with a small, safe subset of formatting, never raw HTML.

The subset is what the seed documents use: paragraphs separated by blank lines, bullet lists (`- `, `* `,
`• ` or `▪ `), numbered lists (`1. `) and, indented under an item, a nested list (`a. `, `- `). Everything is
escaped before it is wrapped, so nothing typed by a user can become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*•▪])|(?P<number>\d+)\.|(?P<letter>[a-z])\.)\s+(?P<text>.*)$")


@dataclass
class _List:
    kind: str  # "ul", "ol" or "ol-a"
    start: int = 1
    items: list[list] = field(default_factory=list)  # each item: [text, nested _List or None]


def _marker(match) -> tuple[str, int]:
    if match["bullet"]:
        return "ul", 1
    if match["number"]:
        return "ol", int(match["number"])
    return "ol-a", ord(match["letter"]) - ord("a") + 1


def _render_list(block: _List) -> str:
    if block.kind == "ul":
        opening = '<ul class="govuk-list govuk-list--bullet">'
    elif block.kind == "ol":
        start = f' start="{block.start}"' if block.start != 1 else ""
        opening = f'<ol class="govuk-list govuk-list--number"{start}>'
    else:
        opening = '<ol class="govuk-list govuk-list--number app-list--alpha" type="a">'
    closing = "</ul>" if block.kind == "ul" else "</ol>"
    items = "".join(f"<li>{escape(text)}{_render_list(nested) if nested else ''}</li>" for text, nested in block.items)
    return f"{opening}{items}{closing}"


def render_outline(text: str) -> SafeString:
    parts: list[str] = []
    paragraph: list[str] = []
    current: _List | None = None

    def flush_paragraph():
        if paragraph:
            parts.append(f'<p class="govuk-body">{"<br>".join(escape(line) for line in paragraph)}</p>')
            paragraph.clear()

    def flush_list():
        nonlocal current
        if current is not None:
            parts.append(_render_list(current))
            current = None

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            flush_paragraph()
            flush_list()
            continue
        match = _ITEM.match(raw)
        if match is None:
            if current is not None and raw.startswith("  ") and current.items:
                # A continuation line of the last item.
                current.items[-1][0] += " " + raw.strip()
                continue
            flush_list()
            paragraph.append(raw.strip())
            continue
        flush_paragraph()
        kind, start = _marker(match)
        nested = len(match["indent"].expandtabs(4)) >= 2
        if nested and current is not None and current.items:
            parent = current.items[-1]
            if parent[1] is None:
                parent[1] = _List(kind, start)
            parent[1].items.append([match["text"].strip(), None])
            continue
        if current is None or current.kind != kind:
            flush_list()
            current = _List(kind, start)
        current.items.append([match["text"].strip(), None])
    flush_paragraph()
    flush_list()
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped

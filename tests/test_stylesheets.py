"""Every stylesheet the app serves parses cleanly (tinycss2), so a merge that drops a closing brace fails the tests
instead of silently switching off the rest of the file (it did: three rules lost their brace, and the priority
chart, the sticky figures panel and the filters stopped being styled).

A browser reads a rule left open as containing everything after it: with CSS nesting, the rules that follow
become nested rules that match nothing. So besides tinycss2's own parse errors, a style rule here may hold only
declarations (the app writes no nested CSS), and every `{` must have its `}`. Vendored minified files
(govuk-frontend.min.css, built by static/src/build.sh) are left out: they are checked where they are made.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2

STATIC = Path(__file__).resolve().parent.parent / "static"
RULE_LISTS = {"media", "supports", "layer", "container", "document"}  # at-rules whose block holds rules


def stylesheets() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*.css") if not path.name.endswith(".min.css"))


def _line(node) -> int:
    return getattr(node, "source_line", 0)


def _declarations(block, where: str, *, at_rules_inside: bool = False) -> list[str]:
    """A block of declarations; only @page may hold at-rules (its margin boxes, `@bottom-right`)."""
    problems = []
    for item in tinycss2.parse_blocks_contents(block, skip_comments=True, skip_whitespace=True):
        if item.type == "error":
            problems.append(f"line {_line(item)}: {item.message} (in {where})")
        elif item.type == "qualified-rule" or (item.type == "at-rule" and not at_rules_inside):
            problems.append(
                f"line {_line(item)}: a rule inside “{where}”: is a closing brace missing before it? "
                f"({' '.join(tinycss2.serialize(item.prelude).split())[:60]})"
            )
    return problems


def _rules(rules) -> list[str]:
    problems = []
    for rule in rules:
        if rule.type == "error":
            problems.append(f"line {_line(rule)}: {rule.message}")
        elif rule.type == "qualified-rule":
            problems += _declarations(rule.content, tinycss2.serialize(rule.prelude).strip()[:60])
        elif rule.type == "at-rule" and rule.content is not None:
            if rule.lower_at_keyword in RULE_LISTS:
                problems += _rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            else:
                at_page = rule.lower_at_keyword == "page"
                problems += _declarations(rule.content, f"@{rule.at_keyword}", at_rules_inside=at_page)
    return problems


_COMMENTS_AND_STRINGS = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", re.DOTALL)


def _unclosed(source: str) -> list[str]:
    """Braces that never close (tinycss2 closes them silently at the end of the file)."""
    text = _COMMENTS_AND_STRINGS.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)
    opened = []
    for number, line in enumerate(text.split("\n"), start=1):
        for character in line:
            if character == "{":
                opened.append(number)
            elif character == "}" and opened:
                opened.pop()
    return [f"line {number}: this “{{” is never closed" for number in opened]


def stylesheet_problems(source: str) -> list[str]:
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    return _unclosed(source) + _rules(rules)


def test_the_app_serves_stylesheets_and_they_are_all_checked():
    names = {path.name for path in stylesheets()}
    assert {"app.css", "print.css"} <= names


@pytest.mark.parametrize("path", stylesheets(), ids=lambda path: str(path.relative_to(STATIC)))
def test_every_stylesheet_parses(path):
    assert stylesheet_problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (".a { color: red;\n\n.b { color: blue; }\n", "line 1: this “{” is never closed"),
        (".a { color: red;\n.b { color: blue; }\n}\n", "line 2: a rule inside “.a”"),
        ("@media print {\n.a { color red; } }", "line 2"),
        (".a { color: red; } }", "line 1"),
    ],
)
def test_the_check_finds_what_merges_break(source, found):
    problems = stylesheet_problems(source)
    assert any(found in problem for problem in problems), problems

"""Reading a page's form as a browser would, so a test can post it back with a few fields changed: every input,
text area, select and ticked checkbox of the form, by name, with its current value."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._first_option: dict[str, str] = {}

    def _add(self, name: str, value: str):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.inside or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option_tag(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")
        elif tag == "select":
            self._select = name

    def _option_tag(self, attrs):
        value = attrs.get("value", "")
        self._first_option.setdefault(self._select, value)
        if "selected" in attrs:
            self._add(self._select, value)

    def handle_data(self, data):
        if self._textarea is not None:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            value = self.data[self._textarea][-1]
            self.data[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select not in self.data:
                self._add(self._select, self._first_option.get(self._select, ""))
            self._select = None


def form_data(html: str, form_id: str | None = None) -> dict[str, str | list[str]]:
    """The fields of the page's form (`form_id`, or every form) as the test client posts them."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}

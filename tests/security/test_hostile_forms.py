"""No server error on bad input, as a property (hypothesis): every form of every page, posted through the test
client to the real view as a person allowed to use it, with hostile values in every field — random text, NUL and
other control characters, a million characters, huge, negative and non-numeric numbers, numbers in exponent form,
wrong types, files that are not what they claim — is answered without a server error, with a message each time, and
with nothing saved when the answer is a page of errors.

The pages are discovered, not listed: every URL the access matrix (tests/test_access_matrix.py) knows someone may
POST to, with its arguments from the same World (Devon & Cornwall's demo data). The forms are read from each page's
HTML as a browser would (every `<form method="post">`: its inputs, text areas, selects with their options), so a
new form, or a new field on an old one, is covered the day it is added.

The budget is fixed and the examples are derandomised, so CI runs the same requests every time: HOSTILE_EXAMPLES
(default 6) examples per page. Each request runs in a savepoint that is rolled back, so one example never changes
what the next sees; "nothing saved" is checked by a checksum of every table of the three apps, taken before and after
a request answered with errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import EXPECTED, arguments_for, build_world, discover, is_admin

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))

# Who posts each page: the first of these the access matrix allows to POST it.
POSTERS = [
    "officer.plymouth",
    "opcc.devon",
    "admin.devon",
    "board.plymouth",
    "pcc.devon",
    "treasurer.devon",
    "exec.plymouth",
    "finance.plymouth",  # a certifier: delegating certification for a plan
    "nobody",
]
# Pages whose POST leaves the session or the site (signing out, deleting one's own passkey): posting them with
# hostile values proves nothing the others do not, and would sign the poster out.
SKIPPED = {"logout", "account_logout"}


# ---------------------------------------------------------------------------------------------------------------
# Reading the forms of a page as a browser would


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, file, hidden, password, email, number, submit
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


class FormReader(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.select: FormField | None = None
        self.textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                action = attributes.get("action") or self.url
                self.current = PageForm(action=action if action.startswith("/") else self.url)
            return
        if self.current is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            known = self.current.fields.get(name)
            if kind in ("checkbox", "radio") and known:
                known.options.append(attributes.get("value") or "on")
                return
            options = [attributes.get("value") or "on"] if kind in ("checkbox", "radio") else []
            self.current.fields[name] = FormField(name, kind, attributes.get("value") or "", options)
        elif tag == "textarea" and name:
            self.textarea = self.current.fields[name] = FormField(name, "textarea")
        elif tag == "select" and name:
            self.select = self.current.fields[name] = FormField(name, "select")
        elif tag == "option" and self.select is not None:
            self.select.options.append(attributes.get("value", ""))
        elif tag == "button" and name:
            self.current.fields[name] = FormField(name, "submit", attributes.get("value") or "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            if self.current.fields:
                self.forms.append(self.current)
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(html: str, url: str) -> list[PageForm]:
    """The page's POST forms but the header's "Sign out" (which every page has, and which would end the session)."""
    reader = FormReader(url)
    reader.feed(html)
    leaving = {reverse(name) for name in ("logout", "account_logout")}
    return [
        form
        for form in reader.forms
        if urlsplit(form.action).path not in leaving and set(form.fields) - {"csrfmiddlewaretoken"}
    ]


# ---------------------------------------------------------------------------------------------------------------
# Hostile values

CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),  # any Unicode, surrogates excepted (a browser cannot send them)
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=10), CONTROL, st.text(max_size=10)),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '=HYPERLINK("http://example.com")',
        ]
    ),
    st.sampled_from([("x", 1_000_000), ("£", 40_000)]).map(lambda pair: pair[0] * pair[1]),  # a million characters
)
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "99999999999999999999999",
            "£99,999,999,999,999",
            "99999999999999999",
            "-1",
            "-0.01",
            "1e30",
            "1E+400",
            "NaN",
            "Infinity",
            "-Infinity",
            "0x10",
            "1,5",
            "12.345678901234567890",
            "(£8,000)",
            "٣",  # an Arabic-Indic digit: Python's int() takes it, a money column must not
        ]
    ),
    st.integers(min_value=20, max_value=5000).map(lambda digits: "9" * digits),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
ANY_VALUE = st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER)


def file_values():
    names = st.sampled_from(
        ["plan.csv", "plan.xlsx", "evidence.pdf", "notes.docx", "x.exe", "a\x00.csv", "../../etc/passwd.csv"]
    )
    contents = st.one_of(
        st.binary(max_size=2000),
        st.lists(st.lists(ANY_VALUE.map(lambda v: v[:200]), max_size=6), max_size=8).map(
            lambda rows: "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8", "surrogatepass")
        ),
        st.just(b"Title,Amount allocated\n,99999999999999999999,\n"),
        st.just(b"Partnership,Population\nSafer Plymouth,99999999999999999999999\n"),
        st.just(b"Council,Allocation\nPlymouth City Council,-5\n"),
    )
    return st.builds(lambda name, content: SimpleUploadedFile(name.replace("\x00", ""), content), names, contents)


def value_for(form_field: FormField):
    """The field's own value (so the rest of the form stays valid and the hostile values reach the deeper checks)
    or a hostile one."""
    if form_field.kind == "file":
        return st.one_of(file_values(), st.just(""))
    if form_field.kind in ("select", "radio", "checkbox"):
        return st.one_of(st.sampled_from(form_field.options or [""]), ANY_VALUE)
    if form_field.kind == "submit":
        return st.just(form_field.value)
    return st.one_of(st.just(form_field.value), ANY_VALUE)


# ---------------------------------------------------------------------------------------------------------------
# Nothing saved


def tables() -> list[str]:
    found = []
    for label in ("grants", "partnerships", "priorities"):
        for model in apps.get_app_config(label).get_models():
            found.append(model._meta.db_table)
    return sorted(set(found))


def checksum() -> dict[str, str]:
    sums = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t")
            sums[table] = cursor.fetchone()[0]
    return sums


# Tables a refused request may still write: a user's last sign-in and the record of sign-in events.
WRITTEN_ANYWAY = {"partnerships_user", "partnerships_signinevent"}


# ---------------------------------------------------------------------------------------------------------------
# The pages


def poster(name: str) -> str | None:
    expect = EXPECTED.get(name)
    if expect is None:
        return None
    return next((person for person in POSTERS if person in expect.post), None)


def pages() -> list[str]:
    return sorted(
        route.name
        for route in discover()
        if route.name and not is_admin(route.name) and route.name not in SKIPPED and poster(route.name)
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world(django_settings.DEMO_PASSWORD)
        yield built
        transaction.set_rollback(True)


# Pages whose answer is a message page of their own rather than a form with errors.
OWN_MESSAGES = {"account_reset_password_from_key": "This link does not work"}
ROW_BUTTONS = {"add"}  # "Add another row" answers with the form again, one row longer: no message is due
MESSAGES = ("govuk-error-summary", "govuk-error-message", "govuk-notification-banner", "govuk-warning-text")


def body(response) -> str:
    """The answer's text, whether made at once or streamed (the national 360Giving file)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


@pytest.mark.parametrize("name", pages())
def test_every_form_answers_hostile_input_with_a_message_and_saves_nothing_half(name, world, db):
    from partnerships.models import User

    route = next(route for route in discover() if route.name == name)
    url = reverse(name, kwargs=arguments_for(route, world))
    person = poster(name)
    client = Client()  # raises the view's exception, so a failure shows the traceback of the 500
    client.force_login(User.objects.get(username=person))
    with transaction.atomic():
        page = client.get(url)
        transaction.set_rollback(True)
    page_forms = forms_of(body(page), url) if page.status_code == 200 else []
    if not page_forms:
        page_forms = [PageForm(action=url, fields={"x": FormField("x", "text")})]  # a POST-only action

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing example is reported as drawn
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_hostile(data):
        form = data.draw(st.sampled_from(page_forms), label="form")
        buttons = [f for f in form.fields.values() if f.kind == "submit"]
        pressed = data.draw(st.sampled_from(buttons), label="button") if buttons else None
        values = {pressed.name: pressed.value} if pressed else {}
        for form_field in form.fields.values():
            if form_field.kind == "submit" or "__prefix__" in form_field.name:
                continue  # a browser sends the one button pressed, and no row of a <template>
            value = data.draw(value_for(form_field), label=form_field.name)
            if value != "" or form_field.kind not in ("checkbox", "file"):
                values[form_field.name] = value
        cache.clear()  # rate limits from earlier examples
        with transaction.atomic():
            before = checksum()
            response = client.post(form.action, values)
            after = checksum()
            transaction.set_rollback(True)
        status = response.status_code
        event(f"answered {status}")  # shown by --hypothesis-show-statistics
        assert not (status == 302 and response["Location"].startswith(reverse("login"))), "signed out: fix the test"
        assert status < 500, f"{name}: {status}"
        if status == 200:
            content = body(response)
            adding_a_row = pressed is not None and pressed.name in ROW_BUTTONS
            if "text/html" in response.get("Content-Type", "") and not adding_a_row:
                markers = (*MESSAGES, OWN_MESSAGES.get(name, MESSAGES[0]))
                assert any(marker in content for marker in markers), f"{name}: a page with no message"
            changed = sorted(table for table in before if before[table] != after[table] and table not in WRITTEN_ANYWAY)
            if "govuk-error-summary" in content:
                assert not changed, f"{name}: refused with errors, yet {changed} changed"

    post_hostile()

"""bench/load.py stays bounded (loopback addresses only, at most 300 people and 120 seconds), and works: three
people of the demo for three seconds against gunicorn on a free loopback port, with no error."""

import pytest

from bench.load import _loopback, cpu_per_request, form_of, gunicorn, main, people, run, server_cpu
from tests.test_scale_out import _database_url


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://10.0.0.5:8000", False),
        ("https://grants.example.org", False),
    ],
)
def test_only_loopback_addresses_are_loaded(url, allowed):
    assert _loopback(url) is allowed


@pytest.mark.parametrize(
    "arguments",
    [
        ["--url", "http://192.168.1.10:8000"],
        ["--users", "301"],
        ["--seconds", "121"],
        ["--users", "0"],
    ],
)
def test_the_load_refuses_to_go_beyond_its_bounds(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "loopback address only" in error or "at most 300 people and 120 seconds" in error


def test_the_form_reader_sends_a_page_form_as_it_is_shown():
    page = """
    <form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>
    <form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="A &amp; B"><textarea name="purpose">
Line one</textarea>
      <input type="checkbox" name="off"><input type="checkbox" name="on" value="1" checked>
      <select name="year"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="first"><option value="1">One</option></select>
      <button type="submit" name="save">Save</button></form>"""
    assert form_of(page, "/plans/1/edit/details/") == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "A & B"),
        ("purpose", "Line one"),
        ("on", "1"),
        ("year", "b"),
        ("first", "1"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_tiny_load_against_gunicorn_has_no_errors(demo):
    crowd = people(3, seed=13)
    assert len(crowd) == 3 and all(person.reads for person in crowd)
    with gunicorn(1, 2, database_url=_database_url()) as server:
        assert server.url.startswith("http://127.0.0.1:")
        before = server_cpu(server)
        result = run(server.url, crowd, seconds=3, pause=(0, 0.3), seed=13)
        cpu = cpu_per_request(before, server_cpu(server), result["requests"])
    assert result["requests"] >= 3 and result["errors"] == 0, result["first_errors"]
    assert cpu["server_cpu_ms_per_request"] > 0

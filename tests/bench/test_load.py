"""bench/load.py stays bounded: loopback addresses only, at most 300 people and 120 seconds."""

import pytest

from bench.load import _loopback, main


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

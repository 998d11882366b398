"""Browser journeys: Playwright driving Debian's Chromium (Playwright's own browser download does not work
here), with an axe-core accessibility check of every page visited."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, made to depend on the test database so it stops before the database is dropped."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fails on any serious or critical axe-core violation of the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not problems, f"axe found problems on {page.url}:\n" + "\n".join(problems)

    return check


def enter_totp_code(page, username, axe_check=None):
    """On the "Enter your code" page: types the code the person's authenticator app would show now.

    allauth accepts each code once; a test that signs the same person in twice within 30 seconds would be refused
    the second time, so the record of used codes (in the cache) is cleared first.
    """
    from django.core.cache import cache

    from partnerships.accounts.demo import totp_code_now, totp_secret
    from partnerships.models import User

    if axe_check:
        axe_check(page)
    cache.clear()
    page.get_by_label("Code").fill(totp_code_now(totp_secret(User.objects.get(username=username))))
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sign_in(live_server, settings):
    """`sign_in(page, "officer.plymouth")`: signs in through the real form, as a user would, with the code from
    their authenticator app when they have one (the demo OPCC, PCC, Treasurer and admin users do)."""

    def go(page, username, axe_check=None):
        page.goto(f"{live_server.url}/sign-in/")
        if axe_check:
            axe_check(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/sign-in/code/" in page.url:
            enter_totp_code(page, username, axe_check)

    return go


@pytest.fixture
def as_user(demo, browser, sign_in, axe_check):
    """`page = as_user("exec.plymouth")`: a fresh browser session, signed in, on the home page (checked)."""
    from playwright.sync_api import expect

    contexts = []

    def open_as(username):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        expect(page.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()
        axe_check(page)
        return page

    yield open_as
    for context in contexts:
        context.close()

"""Two-factor sign-in in Chromium: the PCC signs in with a password and a code from an authenticator app, and the
password alone opens nothing. axe-core checks each page."""

import pytest
from playwright.sync_api import expect

from .conftest import enter_totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_pcc_signs_in_with_password_and_code_and_not_with_the_password_alone(
    page, live_server, demo, settings, axe_check
):
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.locator("#sign-in-pause")).to_contain_text("wrong passwords in a row")
    axe_check(page)
    page.get_by_label("Username").fill("pcc.devon")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    axe_check(page)

    # The password alone: the inbox (home page) is not reachable; the person is sent back to the code.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert "/sign-in/code/" in page.url
    expect(page.get_by_role("heading", name="Spending plans")).to_have_count(0)

    # A wrong code is refused with a message.
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    axe_check(page)

    enter_totp_code(page, "pcc.devon")
    expect(page.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()
    expect(page.locator(".app-header__user").first).to_contain_text("Police and Crime Commissioner")
    axe_check(page)

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("table")).to_contain_text("Signed in (password and authenticator app)")
    axe_check(page)


def test_an_opcc_officer_without_two_factor_sets_it_up_after_the_password(page, live_server, settings, axe_check):
    from allauth.mfa.models import Authenticator

    from partnerships.accounts.demo import totp_code_now
    from tests.factories import ForceAreaFactory, opcc_of

    user = opcc_of(ForceAreaFactory(), password="correct horse battery staple")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your role needs two-factor sign-in")
    axe_check(page)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    axe_check(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code").fill(totp_code_now(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe_check(page)
    page.get_by_role("link", name="Continue to the service").click()
    expect(page.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()
    assert Authenticator.objects.filter(user=user, type="totp").exists()

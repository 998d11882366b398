"""An OPCC administrator of a force area that is not in the demo sets the area up in the app, in Chromium, with
an axe check of every page: its funder (a mayor, whose titles the sign-off roles take), the Police and Crime Plan
and its priorities, councils with their codes, two partnerships (one covering two councils), a funding stream,
and an invitation that is accepted; the person invited then sees the partnerships on the dashboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partnerships.models import ForceArea, Role, User
from tests.accounts.helpers import give_authenticator_app
from tests.e2e.conftest import enter_totp_code

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long harbour lantern"


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def sign_in_as(page, live_server, username: str, password: str) -> None:
    """Password, then the code from the authenticator app for someone who has one (an area role requires it)."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/sign-in/code/" in page.url:
        enter_totp_code(page, username)


def test_an_opcc_administrator_sets_up_a_new_force_area(page, live_server, axe_check, settings):
    settings.SITE_URL = live_server.url
    area = ForceArea.objects.create(name="Westshire", slug="westshire")  # as the site administrator would
    admin = User.objects.create_user("admin.westshire", "admin@westshire.example", PASSWORD, first_name="Ada")
    Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR, force_area=area)
    give_authenticator_app(admin)  # area roles sign in with two factors

    sign_in_as(page, live_server, "admin.westshire", PASSWORD)
    page.get_by_role("link", name="Set up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up Westshire")
    axe_check(page)

    # The funder: here a mayor, whose titles the sign-off roles then take.
    page.get_by_role("link", name="Funder").click()
    axe_check(page)
    page.get_by_role("link", name="Record the funder's details").click()
    page.get_by_label("Mayor with police and crime commissioner functions").check()
    page.get_by_label("Name", exact=True).fill("Westshire Mayor's Office for Policing and Crime")
    page.get_by_label("Name of the office holder").fill("Jo Mayor")
    axe_check(page)
    page.get_by_role("button", name="Save the funder's details").click()
    expect(page.locator("#funder-summary")).to_contain_text("Deputy Mayor for Policing and Crime")
    expect(page.locator("#funder-summary")).to_contain_text("Chief Finance Officer")
    axe_check(page)
    page.get_by_role("link", name="Set up", exact=True).first.click()

    # The Police and Crime Plan and its numbered priorities ("Add another" posts the page back without scripts).
    page.get_by_role("link", name="Police and Crime Plan and priorities").click()
    axe_check(page)
    page.get_by_role("link", name="Add a Police and Crime Plan").click()
    page.get_by_label("Title").fill("Westshire Police and Crime Plan 2025 to 2029")
    fill_date(page, "In force from", 1, 4, 2025)
    fill_date(page, "Until", 31, 3, 2029)
    page.locator("#id_priorities-0-title").fill("Safer neighbourhoods")
    page.get_by_role("button", name=re.compile("Add another priority")).click()
    page.locator("#id_priorities-1-title").fill("Supporting victims of domestic abuse")
    axe_check(page)
    page.get_by_role("button", name="Save the plan and its priorities").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved with 2 priorities")
    expect(page.locator("ol.govuk-list--number")).to_contain_text("Supporting victims of domestic abuse")
    axe_check(page)

    # Councils with their codes, then two partnerships, one covering two councils.
    page.get_by_role("link", name="Set up", exact=True).first.click()
    page.get_by_role("link", name="Councils and Community Safety Partnerships").click()
    for name, code, register in (
        ("North Westshire District Council", "E07000043", "NWD"),
        ("Coastal District Council", "E07000046", ""),
        ("Westport City Council", "E06000027", "WPC"),
    ):
        page.get_by_role("link", name="Add a council").first.click()
        page.get_by_label("Council").fill(name)
        page.get_by_label("ONS local authority district code").fill(code)
        page.get_by_label("Local authority register code (optional)").fill(register)
        if name.startswith("North"):
            axe_check(page)
        page.get_by_role("button", name="Add the council").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} added")
    for name, councils, executive in (
        ("Safer North and Coast", ["North Westshire District Council", "Coastal District Council"], "No"),
        ("Safer Westport", ["Westport City Council"], "Yes"),
    ):
        page.get_by_role("link", name="Add a partnership").click()
        page.get_by_label("Name of the partnership").fill(name)
        for council in councils:
            page.get_by_label(re.compile(re.escape(council))).check()
        page.get_by_label(re.compile(f"{executive}: (plans|straight)")).check()
        axe_check(page)
        page.get_by_role("button", name="Save the partnership").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} saved")
    table = page.locator("#set-up-partnerships")
    expect(table).to_contain_text("North Westshire District Council")
    expect(table).to_contain_text("E07000046")
    axe_check(page)

    # A funding stream.
    page.get_by_role("link", name="Set up", exact=True).first.click()
    page.get_by_role("link", name="Funding streams").click()
    page.get_by_label("Name").fill("Westshire community safety grant")
    page.get_by_label("Kind").select_option(label="PCC community safety grant")
    axe_check(page)
    page.get_by_role("button", name="Save funding stream").click()
    expect(page.locator("#set-up-streams")).to_contain_text("Westshire community safety grant")

    # An invitation, by e-mail, accepted: the person sets their own password.
    page.get_by_role("link", name="Set up", exact=True).first.click()
    page.get_by_role("link", name="People and their roles").click()
    expect(page.get_by_label("Deputy Mayor for Policing and Crime of Westshire")).to_be_visible()
    page.get_by_label("E-mail address").fill("sam.officer@westshire.example")
    page.get_by_label("OPCC officer of Westshire").check()
    axe_check(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#invitations")).to_contain_text("sam.officer@westshire.example")
    axe_check(page)
    page.get_by_role("link", name="Set up", exact=True).first.click()
    expect(page.locator("#set-up-tasks")).not_to_contain_text("Not yet started")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    axe_check(page)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Officer")
    page.get_by_label("Username").fill("sam.officer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your account is ready")

    # An OPCC role needs two-factor sign-in: the first sign-in asks for it before anything else.
    sign_in_as(page, live_server, "sam.officer", PASSWORD)
    expect(page.locator("main")).to_contain_text("Your role needs two-factor sign-in")
    give_authenticator_app(User.objects.get(username="sam.officer"))  # as the set-up page would (tested elsewhere)
    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, live_server, "sam.officer", PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#csp-safer-north-and-coast")).to_be_visible()
    expect(page.locator("#csp-safer-westport")).to_be_visible()
    expect(page.get_by_role("link", name="Set up", exact=True)).to_have_count(0)  # not an administrator
    axe_check(page)

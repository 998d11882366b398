"""The issue's journey in Chromium, as the demo users: officer.plymouth submits the Plymouth plan, exec.plymouth
agrees it, board.plymouth declares an interest and approves it, opcc.devon scrutinises and recommends it,
pcc.devon and treasurer.devon sign off, and the plan shows approved with the full trail. A return for changes
reaches the officer with its comment; a variation allocates the £23,000 and goes round again. axe-core checks
every page visited."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = "Safer Plymouth 2020/21"


def decide(page, axe_check, action, *, comments=None, conditions=None, from_home=False):
    """Opens the decision from the plan page (or the inbox), checks the page, fills it in and confirms."""
    if from_home:
        page.get_by_role("link", name=action).first.click()
    else:
        page.get_by_role("button", name=action).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)
    axe_check(page)
    if comments is not None:
        page.get_by_role("textbox", name=comments[0]).fill(comments[1])
    if conditions is not None:
        page.get_by_label("Conditions (optional)").fill(conditions)
    page.get_by_role("button", name=action).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    axe_check(page)


def open_plan_from_home(page, axe_check, name=PLAN):
    page.locator("#awaiting").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("spending plan")
    axe_check(page)


def walk_the_path(as_user, axe_check, *, version=1, declare=False):
    officer = as_user("officer.plymouth")
    open_plan_from_home(officer, axe_check, PLAN if version == 1 else f"{PLAN}, version {version}")
    decide(officer, axe_check, "Submit the spending plan")
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "Plan submitted to the executive group."
    )

    executive = as_user("exec.plymouth")
    decide(executive, axe_check, "Agree on behalf of the executive group", from_home=True)
    expect(executive.locator("#plan-status")).to_contain_text("Waiting for the board")

    board = as_user("board.plymouth")
    open_plan_from_home(board, axe_check, PLAN if version == 1 else f"{PLAN}, version {version}")
    if declare:
        board.get_by_role("link", name="Declare an interest in a funded project").click()
        axe_check(board)
        board.get_by_role("button", name="Declare this interest").click()
        expect(board.locator(".govuk-error-summary")).to_contain_text("Choose the funded project")
        axe_check(board)
        board.get_by_label("2. Adult therapeutic counselling service for victims of sexual assault").check()
        board.get_by_label("What is your interest?").fill("I am a trustee of First Light.")
        board.get_by_label("No, it is not prejudicial").check()
        board.get_by_role("button", name="Declare this interest").click()
        axe_check(board)
    decide(board, axe_check, "Approve for the board", conditions="- Subject to quarterly performance returns")

    opcc = as_user("opcc.devon")
    decide(opcc, axe_check, "Begin OPCC scrutiny", from_home=True)
    decide(opcc, axe_check, "Recommend for sign-off", conditions="- Any change of use needs OPCC approval")

    pcc = as_user("pcc.devon")
    decide(pcc, axe_check, "Sign off as Police and Crime Commissioner", from_home=True)
    expect(pcc.locator("#plan-status")).to_contain_text("Waiting for the Treasurer")

    treasurer = as_user("treasurer.devon")
    decide(treasurer, axe_check, "Sign off as Treasurer", from_home=True)
    return treasurer


def test_the_plymouth_plan_is_approved_by_every_stage_with_the_full_trail(as_user, axe_check):
    page = walk_the_path(as_user, axe_check, declare=True)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Plan approved. Decision notice DC/2020-21/001 has been issued."
    )
    expect(page.locator("#plan-status")).to_contain_text("Approved")
    trail = page.locator("#trail-table tbody tr")
    expect(trail).to_have_count(7)
    for text in (
        "Submitted",
        "Agreed by the executive group",
        "Approved by the board",
        "OPCC scrutiny began",
        "Recommended by the OPCC",
        "Signed off by the Police and Crime Commissioner",
        "Signed off by the Treasurer",
    ):
        expect(page.locator("#trail-table")).to_contain_text(text)
    expect(page.locator("#trail-table")).to_contain_text("Subject to quarterly performance returns")
    expect(page.locator("#declarations-table")).to_contain_text("I am a trustee of First Light.")
    expect(page.locator("#plan-table tbody").get_by_text("Approved", exact=True)).to_have_count(6)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download decision notice DC/2020-21/001 (PDF)").click()
    assert download.value.suggested_filename == "decision-notice-DC-2020-21-001.pdf"

    officer = as_user("officer.plymouth")
    expect(officer.locator("#recent-decisions")).to_contain_text("Signed off by the Treasurer")


def test_a_return_for_changes_reaches_the_officer_with_the_comment(as_user, axe_check):
    officer = as_user("officer.plymouth")
    open_plan_from_home(officer, axe_check)
    decide(officer, axe_check, "Submit the spending plan")

    executive = as_user("exec.plymouth")
    decide(executive, axe_check, "Agree on behalf of the executive group", from_home=True)

    board = as_user("board.plymouth")
    open_plan_from_home(board, axe_check)
    board.get_by_role("button", name="Return for changes").click()
    axe_check(board)
    board.get_by_role("button", name="Return for changes").click()  # no comment yet
    expect(board.locator(".govuk-error-summary")).to_contain_text("Say what needs to change and why")
    axe_check(board)
    board.get_by_role("textbox", name="What needs to change").fill("Name the provider for project 5, please.")
    board.get_by_role("button", name="Return for changes").click()
    expect(board.locator(".govuk-notification-banner--success")).to_contain_text("Plan returned for changes.")
    axe_check(board)

    officer = as_user("officer.plymouth")
    expect(officer.locator("#awaiting")).to_contain_text("Name the provider for project 5, please.")
    open_plan_from_home(officer, axe_check)
    expect(officer.locator("#returned")).to_contain_text("Name the provider for project 5, please.")
    expect(officer.locator("#returned")).to_contain_text("Sam Taylor (Board member, Safer Plymouth)")
    expect(officer.get_by_role("button", name="Submit the spending plan")).to_be_visible()


def test_a_variation_allocates_the_23000_and_goes_round_again(as_user, axe_check, plymouth_plan, demo_user):
    from grants.models import SpendingPlan
    from tests.workflow import drive

    drive(plymouth_plan, demo_user)  # version 1 approved as in the test above, without the browser this time

    officer = as_user("officer.plymouth")
    officer.locator("#plans").get_by_role("link", name="Safer Plymouth").click()
    axe_check(officer)
    officer.get_by_role("button", name="Start a variation").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Start a variation")
    axe_check(officer)
    officer.get_by_role("button", name="Start version 2").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("OPCC grant spending plan, version 2")
    axe_check(officer)

    # The officer allocates the £23,000 in the plan editor.
    officer.get_by_role("link", name="Change the plan").click()
    axe_check(officer)
    officer.get_by_role("link", name="Funded projects").click()
    officer.get_by_role("link", name="Add a funded project").click()
    officer.get_by_label("Project, service or pilot title").fill("Mental health crisis support")
    officer.get_by_label("Brief outline").fill("Crisis café support for repeat Section 136 clients, for six months.")
    officer.get_by_label("Amount allocated").fill("£23,000")
    officer.get_by_role("checkbox", name="2. Preventing and deterring crime").check()
    officer.get_by_role("checkbox", name="3. Protecting people at risk of abuse and those who are vulnerable").check()
    axe_check(officer)
    officer.get_by_role("button", name="Save funded project").click()
    expect(officer.get_by_text("Funded project 7, Mental health crisis support, has been added.")).to_be_visible()
    variation = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=2)
    officer.goto(officer.url.split("/plans/")[0] + variation.get_absolute_url())
    expect(officer.locator("#figure-unallocated")).to_have_text("£0.00")
    expect(officer.locator("#changes-table")).to_contain_text("7. Mental health crisis support")
    expect(officer.locator("#changes-table")).to_contain_text("+£23,000.00")
    expect(officer.locator("#project-7")).to_contain_text("New in this variation: not yet approved")
    expect(officer.locator("#project-1")).to_contain_text("in version 1")
    axe_check(officer)

    page = walk_the_path(as_user, axe_check, version=2)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("DC/2020-21/002")
    expect(page.locator("#plan-table tbody").get_by_text("Approved", exact=True)).to_have_count(7)
    expect(page.locator("#versions")).to_be_visible()
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.locator("#plan-status")).to_contain_text("Approved")
    expect(page.locator("#figure-allocated")).to_have_text("£377,568.00")
    axe_check(page)


def test_the_opcc_sets_a_threshold_and_the_board_a_shorter_path_for_minor_variations(as_user, axe_check):
    opcc = as_user("opcc.devon")
    opcc.get_by_role("link", name="Change minor variation threshold, devon & cornwall").click()
    expect(opcc.get_by_role("heading", level=1)).to_have_text("Minor variation threshold")
    axe_check(opcc)
    opcc.get_by_label("Minor variation threshold").fill("£25,000")
    opcc.get_by_role("button", name="Save the threshold").click()
    expect(opcc.locator(".govuk-notification-banner--success")).to_contain_text("less than £25,000.00 are minor")
    axe_check(opcc)

    board = as_user("board.plymouth")
    board.get_by_role("link", name="Change path for minor variations, safer plymouth").click()
    expect(board.get_by_text("moves less than £25,000.00")).to_be_visible()
    axe_check(board)
    board.get_by_label("Straight to the OPCC").check()
    board.get_by_role("button", name="Save the path").click()
    expect(board.locator("#approval-settings + dl")).to_contain_text("Straight to the OPCC")
    axe_check(board)

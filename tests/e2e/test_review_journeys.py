"""Issue 9's journeys in Chromium, as the demo users, with axe-core checking every page visited: an OPCC reviewer
comments on a line, the officer answers, the reviewer recommends; a board member declares a prejudicial interest
and cannot approve, another board member does; a reviewer of a variation sees the changed lines on the decision
page; leaving an edited page asks first."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = "Safer Plymouth 2020/21"


def open_plan_from_home(page, axe_check, name=PLAN):
    page.locator("#awaiting").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("spending plan")
    axe_check(page)


def test_an_opcc_reviewer_comments_on_a_line_the_officer_answers_and_the_reviewer_recommends(
    as_user, axe_check, plymouth_plan, demo_user
):
    drive(plymouth_plan, demo_user, until="recommend")  # the OPCC has begun scrutiny

    opcc = as_user("opcc.devon")
    open_plan_from_home(opcc, axe_check)
    expect(opcc.locator("#route-now")).to_contain_text("Now with an OPCC officer of Devon & Cornwall")
    opcc.get_by_role("link", name=re.compile(r"^Add a scrutiny comment on funded project 5,")).click()
    expect(opcc.get_by_role("heading", level=1)).to_have_text("Add a scrutiny comment")
    axe_check(opcc)
    opcc.get_by_role("button", name="Add the comment").click()
    expect(opcc.locator(".govuk-error-summary")).to_contain_text("Choose whether it is a question")
    axe_check(opcc)
    opcc.get_by_label("A question for the partnership to answer").check()
    opcc.get_by_label("Your comment").fill("Which provider will run the peer mentoring, and from when?")
    opcc.get_by_role("button", name="Add the comment").click()
    expect(opcc.locator(".govuk-notification-banner--success")).to_contain_text("Question added to funded project 5")
    expect(opcc.locator("#scrutiny-comments")).to_contain_text("Not answered yet")
    axe_check(opcc)

    officer = as_user("officer.plymouth")
    expect(officer.locator("#to-answer")).to_contain_text("Which provider will run the peer mentoring")
    officer.locator("#to-answer").get_by_role("link").first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Answer the OPCC's question")
    axe_check(officer)
    officer.get_by_label("Your answer").fill("The provider the PCC already contracts, from June.")
    officer.get_by_role("button", name="Send the answer").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("Answer sent to Chris Walker.")
    expect(officer.locator("#scrutiny-comments")).to_contain_text("The provider the PCC already contracts")
    axe_check(officer)

    opcc = as_user("opcc.devon")
    open_plan_from_home(opcc, axe_check)
    opcc.get_by_role("button", name="Recommend for sign-off").click()
    expect(opcc.get_by_role("heading", level=1)).to_have_text("Recommend for sign-off")
    expect(opcc.locator("#scrutiny-comments")).to_contain_text("from June")
    expect(opcc.locator("#unanswered-warning")).to_have_count(0)
    axe_check(opcc)
    opcc.get_by_role("button", name="Recommend for sign-off").click()
    expect(opcc.locator(".govuk-notification-banner--success")).to_contain_text(
        "Recommended by the OPCC. The plan is now waiting for the Police and Crime Commissioner and the Treasurer."
    )
    axe_check(opcc)


def test_a_board_member_with_a_prejudicial_interest_cannot_approve_and_another_board_member_does(
    as_user, axe_check, plymouth_plan, demo_user, live_server
):
    drive(plymouth_plan, demo_user, until="approve")

    board = as_user("board.plymouth")
    open_plan_from_home(board, axe_check)
    board.get_by_role("link", name="Declare an interest in a funded project").click()
    axe_check(board)
    board.get_by_label("2. Adult therapeutic counselling service for victims of sexual assault").check()
    board.get_by_label("What is your interest?").fill("I am a trustee of First Light, the provider.")
    board.get_by_label("Yes, it is prejudicial: I will not act on this plan").check()
    board.get_by_role("button", name="Declare this interest").click()
    expect(board.locator(".govuk-notification-banner--success")).to_contain_text("Prejudicial interest declared")
    expect(board.locator("#your-decision")).to_contain_text(
        "a board member of Safer Plymouth other than you must decide"
    )
    expect(board.get_by_role("button", name="Approve for the board")).to_have_count(0)
    axe_check(board)
    board.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/decide/approve/")
    expect(board.locator("#reason")).to_contain_text("You have declared a prejudicial interest in funded project 2")
    axe_check(board)
    board.goto(live_server.url + "/")
    expect(board.locator("#awaiting-none")).to_be_visible()

    other = as_user("board2.plymouth")
    open_plan_from_home(other, axe_check)
    other.get_by_role("button", name="Approve for the board").click()
    axe_check(other)
    today = timezone.localdate()
    other.get_by_label("Day").fill(str(today.day))
    other.get_by_label("Month").fill(str(today.month))
    other.get_by_label("Year").fill(str(today.year))
    other.get_by_label("Minute reference (optional)").fill("12/20")
    other.get_by_role("button", name="Approve for the board").click()
    expect(other.locator(".govuk-notification-banner--success")).to_contain_text("Approved by the board.")
    trail = other.locator("#trail-table")
    expect(trail).to_contain_text("Board meeting, minute 12/20")
    expect(trail).to_contain_text(
        "Decided by Priya Patel because Sam Taylor (project 2) declared a prejudicial interest and took no part."
    )
    expect(other.locator("#declarations-table")).to_contain_text("Takes no part in decisions on this plan")
    expect(other.locator("#route")).to_contain_text("Approved by the board: Priya Patel")
    axe_check(other)


def test_a_reviewer_of_a_variation_sees_the_changed_lines_on_the_decision_page(
    as_user, axe_check, plymouth_plan, demo_user
):
    from grants.services.variations import plan_vary

    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    line = variation.projects.get(number=6)
    line.amount_allocated += 5000
    line.save()
    drive(variation, demo_user, until="agree")

    executive = as_user("exec.plymouth")
    executive.get_by_role("link", name="Agree on behalf of the executive group").first.click()
    expect(executive.get_by_role("heading", level=1)).to_have_text("Agree on behalf of the executive group")
    changes = executive.locator("#changes-table")
    expect(changes).to_contain_text("6. Strategic analysis and evidence for decision making")
    expect(changes).to_contain_text("+£5,000.00")
    expect(changes.locator("del")).to_contain_text(["£13,993.00"])
    expect(changes.locator("ins")).to_contain_text(["£18,993.00"])
    axe_check(executive)


def test_leaving_an_edited_page_asks_first_and_saving_does_not(as_user, axe_check, plymouth_plan):
    officer = as_user("officer.plymouth")
    officer.locator("#plans").get_by_role("link", name="Safer Plymouth").click()
    officer.get_by_role("link", name="Change the plan").click()
    officer.get_by_role("link", name="Plan details").click()
    axe_check(officer)
    title = officer.get_by_label("Title of the plan")
    title.click()
    title.fill("OPCC grant spending plan 2020/21")

    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    officer.on("dialog", stay)
    officer.get_by_role("link", name="Spending plans").first.click()
    officer.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(officer.get_by_label("Title of the plan")).to_have_value("OPCC grant spending plan 2020/21")

    officer.get_by_role("button", name=re.compile("^Save")).click()
    expect(officer.locator(".govuk-notification-banner--success")).to_be_visible()
    assert dialogs == ["beforeunload"], "saving the page does not ask"
    officer.get_by_role("link", name="Spending plans").first.click()
    expect(officer.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()
    assert dialogs == ["beforeunload"], "nothing unsaved after saving"

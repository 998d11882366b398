"""The plan editor through the Django test client: starting a plan, changing its parts, the sums checked on
the server, two officers at once, the history, who may do what, and the queries each page costs."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import FundedProject, GrantAward, SpendingPlan
from partnerships.models import Organisation
from priorities.models import PoliceAndCrimePlan
from tests.factories import FundedProjectFactory, GrantAwardFactory, OutcomeMeasureFactory, SubItemFactory

from .editor_helpers import add_project_url, measure, project_data, sub_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, demo_user):
    client.force_login(demo_user("officer.plymouth"))
    return demo_user("officer.plymouth")


@pytest.fixture
def next_year_award(plymouth_plan):
    return GrantAwardFactory(
        partnership=plymouth_plan.partnership,
        funding_stream=plymouth_plan.award.funding_stream,
        financial_year="2021/22",
        amount=Decimal("390000.00"),
    )


def edit_url(plan, name="plan-edit"):
    return reverse(f"grants:{name}", args=[plan.pk])


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- starting a plan ---------------------------------------------------------------------------------------


def test_home_page_offers_to_start_a_plan_for_an_award_without_one(client, officer, next_year_award):
    content = page_text(client.get(reverse("home")))
    assert '2021/22 award of <span class="app-numeric">£390,000.00</span> has no spending plan yet' in content
    response = client.get(reverse("grants:plan-start"))
    assert response.status_code == 302 and response.url == reverse("grants:plan-start-award", args=[next_year_award.pk])


def test_with_two_awards_waiting_the_officer_chooses_one(client, officer, next_year_award):
    later = GrantAwardFactory(
        partnership=next_year_award.partnership,
        funding_stream=next_year_award.funding_stream,
        financial_year="2022/23",
        amount=Decimal("380000.00"),
    )
    content = page_text(client.get(reverse("grants:plan-start")))
    assert "Which award is the spending plan for?" in content
    assert "Safer Plymouth 2022/23: £380,000.00" in content and "Safer Plymouth 2021/22: £390,000.00" in content
    errors = page_text(client.post(reverse("grants:plan-start"), {}))
    assert "Choose the award the plan is for" in errors and "govuk-error-summary" in errors
    response = client.post(reverse("grants:plan-start"), {"award": later.pk})
    assert response.url == reverse("grants:plan-start-award", args=[later.pk])


def test_with_no_award_waiting_the_officer_is_told_why(client, officer, plymouth_plan):
    content = page_text(client.get(reverse("grants:plan-start")))
    assert "There is no award to your partnership waiting for a spending plan." in content


def test_officer_starts_a_blank_plan(client, officer, next_year_award):
    url = reverse("grants:plan-start-award", args=[next_year_award.pk])
    content = page_text(client.get(url))
    assert "Start with a blank plan" in content
    assert "Roll forward" not in content  # the 2020/21 plan is a draft, not approved
    response = client.post(url, {"start": "blank"})
    plan = SpendingPlan.objects.get(award=next_year_award)
    assert response.url == edit_url(plan)
    assert plan.created_by == officer and plan.projects.count() == 0 and plan.status == "draft"
    assert plan.history.get().history_user == officer
    assert "There are no funded projects yet" in page_text(client.get(edit_url(plan, "plan-edit-projects")))


def test_a_second_plan_for_the_same_award_is_not_started(client, officer, plymouth_plan):
    response = client.get(reverse("grants:plan-start-award", args=[plymouth_plan.award.pk]))
    assert response.status_code == 302 and response.url == plymouth_plan.get_absolute_url()


def test_rolling_forward_copies_last_years_approved_plan_and_says_what_to_check(client, officer, plymouth_plan):
    plymouth_plan.status = SpendingPlan.Status.APPROVED
    plymouth_plan.save()
    new_pcp = PoliceAndCrimePlan.objects.create(
        force_area=plymouth_plan.partnership.force_area,
        title="Police and Crime Plan 2021-2025",
        starts_on="2021-04-01",
        ends_on="2025-03-31",
    )
    new_pcp.priorities.create(number=1, title="Connecting communities and policing")
    new_pcp.priorities.create(number=2, title="Breaking the cycles of violence")
    new_pcp.priorities.create(number=3, title="Protecting people at risk of abuse and those who are vulnerable")
    award = GrantAwardFactory(
        partnership=plymouth_plan.partnership,
        funding_stream=plymouth_plan.award.funding_stream,
        financial_year="2021/22",
        amount=Decimal("370000.00"),
    )
    url = reverse("grants:plan-start-award", args=[award.pk])
    assert "Roll forward the approved 2020/21 plan" in page_text(client.get(url))
    response = client.post(url, {"start": "roll_forward"})
    plan = SpendingPlan.objects.get(award=award)
    assert response.url == edit_url(plan)
    assert plan.rolled_forward_from == plymouth_plan
    assert plan.allocated == Decimal("377568.00")  # amounts kept
    assert plan.risks.count() == 3 and plan.match_funding_total == Decimal("44450.00")
    line3 = plan.projects.get(number=3)
    assert [p.number for p in line3.pcc_priorities.all()] == [2, 3]  # 4 has no match in the new plan
    kinds = [note["kind"] for note in plan.roll_forward_notes]
    assert "priority_unmapped" in kinds and "priority_renumbered" in kinds and "over_award" in kinds

    content = page_text(client.get(edit_url(plan)))
    assert "£7,568.00 more than the award of £370,000.00" in content  # over-allocated, in red, with the amount
    assert "app-figure--over" in content
    assert "priority 4. Supporting victims and witnesses and helping them to get justice has no match" in content
    assert "priority 2 was “Preventing and deterring crime” and is now “Breaking the cycles of violence”" in content
    assert "the contract ended on 30 November 2020, before 2021/22 began" in content
    latest = plan.history.order_by("history_date").last()
    assert latest.history_user == officer and latest.history_change_reason.startswith("Rolled forward 6 funded")


@pytest.mark.parametrize("username", ["board.plymouth", "exec.plymouth", "opcc.devon", "admin"])
def test_only_the_partnerships_officers_may_start_its_plan(client, demo_user, next_year_award, username):
    client.force_login(demo_user(username))
    response = client.post(reverse("grants:plan-start-award", args=[next_year_award.pk]), {"start": "blank"})
    assert response.status_code == 403
    assert not SpendingPlan.objects.filter(award=next_year_award).exists()


@pytest.mark.parametrize("username", ["officer.southglos", "opcc.avon"])
def test_people_elsewhere_cannot_see_the_award(client, demo_user, next_year_award, username):
    client.force_login(demo_user(username))
    assert client.get(reverse("grants:plan-start-award", args=[next_year_award.pk])).status_code == 404


# --- who may edit -----------------------------------------------------------------------------------------


EDIT_PAGES = ["plan-edit", "plan-edit-projects", "plan-edit-details", "project-add", "plan-edit-risks", "plan-check"]


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_the_partnerships_officer_opens_every_editing_page(client, officer, plymouth_plan, name):
    assert client.get(edit_url(plymouth_plan, name)).status_code == 200


@pytest.mark.parametrize("username", ["exec.plymouth", "board.plymouth", "opcc.devon", "pcc.devon", "admin"])
@pytest.mark.parametrize("name", ["plan-edit", "project-add", "plan-edit-risks"])
def test_readers_of_the_plan_may_not_change_it(client, demo_user, plymouth_plan, username, name):
    client.force_login(demo_user(username))
    response = client.get(edit_url(plymouth_plan, name))
    assert response.status_code == 403
    assert "Only Safer Plymouth's CSP officers can change its spending plan." in page_text(response)


@pytest.mark.parametrize("username", ["officer.southglos", "opcc.avon"])
def test_people_elsewhere_get_not_found(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    assert client.get(edit_url(plymouth_plan)).status_code == 404
    project = plymouth_plan.projects.first()
    response = client.post(reverse("grants:project-remove", args=[plymouth_plan.pk, project.pk]), {"revision": "1"})
    assert response.status_code == 404 and FundedProject.objects.filter(pk=project.pk).exists()


def test_a_submitted_plan_cannot_be_changed_and_the_officer_is_told_why(client, officer, plymouth_plan):
    plymouth_plan.status = SpendingPlan.Status.SUBMITTED
    plymouth_plan.save()
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan))
    assert response.status_code == 403
    assert "can only be changed while it is a draft or after it has been returned for changes" in page_text(response)
    assert plymouth_plan.projects.count() == 6


def test_plan_page_offers_change_only_to_those_who_may(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    assert "Change the plan" in page_text(client.get(plymouth_plan.get_absolute_url()))
    client.force_login(demo_user("board.plymouth"))
    content = page_text(client.get(plymouth_plan.get_absolute_url()))
    assert "Change the plan" not in content and "History of the plan" in content


# --- funded projects ----------------------------------------------------------------------------------------


def test_officer_adds_a_project_with_two_measures_sub_items_and_match_funding(client, officer, plymouth_plan):
    pcp = plymouth_plan.police_and_crime_plan
    response = client.post(
        add_project_url(plymouth_plan),
        project_data(
            plymouth_plan,
            title="Mental health crisis café",
            outline="Outreach for repeat Section 136 clients.\n\n- Evening café\n- Peer support",
            amount_allocated="£23,000",
            new_provider_name="Crisis Café CIC",
            new_provider_kind="company",
            contract_value="46,000",
            contract_end_date_0="31",
            contract_end_date_1="3",
            contract_end_date_2="2021",
            pcc_priorities=[str(pcp.priorities.get(number=3).pk), str(pcp.priorities.get(number=5).pk)],
            measures=[
                measure(
                    "Fewer repeat Section 136 detentions",
                    target_comparison="below",
                    target_value="10",
                    target_unit="percent",
                    frequency="quarterly",
                ),
                measure("Café users feel supported", sub_item_label="b"),
            ],
            sub_items=[sub_item("A", "Evening café", "(£15,000)"), sub_item("B", "Peer support", "8000")],
            match_funding=[{"source": "Devon CCG", "amount": "£5,000.50", "note": "Six months"}],
        ),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    project = plymouth_plan.projects.get(number=7)
    assert project.amount_allocated == Decimal("23000.00") and project.contract_value == Decimal("46000.00")
    assert str(project.contract_end_date) == "2021-03-31"
    assert project.provider == Organisation.objects.get(name="Crisis Café CIC")
    assert [p.number for p in project.pcc_priorities.all()] == [3, 5]
    assert [(s.label, s.amount) for s in project.sub_items.all()] == [
        ("A", Decimal("15000.00")),
        ("B", Decimal("8000.00")),
    ]
    measures = list(project.outcome_measures.order_by("position"))
    assert measures[0].target_display == "below 10%" and measures[0].sub_item is None
    assert measures[1].sub_item.label == "B"
    assert project.match_funding.get().amount == Decimal("5000.50")
    plan = SpendingPlan.objects.with_figures().get(pk=plymouth_plan.pk)
    assert plan.allocated == Decimal("400568.00") and plan.unallocated == Decimal("0.00")
    assert plan.revision == 2
    assert response.url == reverse("grants:plan-edit-projects", args=[plan.pk]) + "#project-7"


def test_over_allocating_is_refused_with_the_amount_and_nothing_is_saved(client, officer, plymouth_plan):
    response = client.post(
        add_project_url(plymouth_plan),
        project_data(plymouth_plan, amount_allocated="£30,000", measures=[measure("Anything")]),
    )
    assert response.status_code == 200
    content = page_text(response)
    message = "The plan would allocate £407,568.00, which is £7,000.00 more than the award of £400,568.00."
    assert f'<a href="#id_amount_allocated">{message}</a>' in content  # in the error summary, linked
    assert 'id="id_amount_allocated_1_error"' in content  # and beside the field
    assert "govuk-error-summary" in content
    assert plymouth_plan.projects.count() == 6 and SpendingPlan.objects.get(pk=plymouth_plan.pk).revision == 1
    assert "Over-allocated" in content and "£7,000.00 more than the award" in content  # the figures say so too


def test_an_amount_that_is_not_money_is_named_beside_its_field(client, officer, plymouth_plan):
    content = page_text(
        client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, amount_allocated="£12,5OO"))
    )
    assert (
        "Enter the amount allocated in pounds, for example £12,500 or 12500.50 ('£12,5OO' is not an amount)" in content
    )


def test_sub_items_must_add_up_to_their_line(client, officer, plymouth_plan):
    project = plymouth_plan.projects.get(number=4)
    data = project_data(
        plymouth_plan,
        title=project.title,
        amount_allocated="25,000",
        sub_items=[sub_item("A", "Exploitation", "8,000"), sub_item("B", "Trauma informed training", "5,000")],
        measures=[measure("Evaluation", sub_item_label="C")],
    )
    response = client.post(reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk]), data)
    content = page_text(response)
    assert (
        "The sub-items add up to £13,000.00, £12,000.00 less than the amount allocated of £25,000.00: make them add up "
        "to it exactly." in content
    )
    assert "This project has no sub-item C." in content
    project.refresh_from_db()
    assert project.sub_items.count() == 4 and project.outcome_measures.count() == 12  # nothing half-saved


def test_add_another_row_without_javascript_keeps_what_was_typed_and_shows_no_errors(client, officer, plymouth_plan):
    data = project_data(plymouth_plan, title="", measures=[measure("First measure")])
    data["add"] = "measures"
    del data["save"]
    response = client.post(add_project_url(plymouth_plan), data)
    content = page_text(response)
    assert response.status_code == 200
    assert 'name="measures-TOTAL_FORMS" value="2"' in content.replace("  ", " ")
    assert "First measure" in content and 'id="measures-1"' in content
    assert "govuk-error-summary" not in content and "govuk-error-message" not in content
    assert plymouth_plan.projects.count() == 6


def test_editing_a_project_shows_it_and_saves_changes(client, officer, plymouth_plan):
    project = plymouth_plan.projects.get(number=4)
    url = reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk])
    content = page_text(client.get(url))
    assert "Workforce development and communication" in content and "£25,000.00" in content
    assert "3. Protecting people at risk of abuse and those who are vulnerable" in content  # checkbox text
    assert "Domestic Abuse, including Domestic Homicide" in content and "Emerging issue" in content
    data = project_data(
        plymouth_plan,
        title="Workforce development",
        amount_allocated="£20,000",
        sub_items=[sub_item("A", "Exploitation", "12,000"), sub_item("B", "Trauma informed training", "8,000")],
    )
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "Workforce development" and project.amount_allocated == Decimal("20000.00")
    assert project.sub_items.count() == 2 and project.outcome_measures.count() == 0


def test_projects_are_moved_and_removed_with_numbers_kept_in_order(client, officer, plymouth_plan):
    line5 = plymouth_plan.projects.get(number=5)
    client.post(reverse("grants:project-move", args=[plymouth_plan.pk, line5.pk]), {"revision": "1", "to": "4"})
    assert list(plymouth_plan.projects.order_by("number").values_list("title", flat=True))[3].startswith("Children")
    line1 = plymouth_plan.projects.get(number=1)
    remove_url = reverse("grants:project-remove", args=[plymouth_plan.pk, line1.pk])
    confirm = page_text(client.get(remove_url))
    assert "Are you sure you want to remove funded project 1?" in confirm and "£210,000.00" in confirm
    response = client.post(remove_url, {"revision": "2"})
    assert response.status_code == 302
    assert list(plymouth_plan.projects.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).allocated == Decimal("167568.00")


def test_plan_details_and_risks_are_saved(client, officer, plymouth_plan):
    response = client.post(
        edit_url(plymouth_plan, "plan-edit-details"),
        {"revision": "1", "title": "Grant spending plan 2020/21", "purpose": "Why.", "unallocated_note": ""},
    )
    assert response.status_code == 302
    data = {"revision": "2", "risks-TOTAL_FORMS": "2", "risks-INITIAL_FORMS": "3", "save": "1"}
    data.update(
        {
            "risks-0-theme": "Mental Health",
            "risks-0-initiative": "Repeat Section 136 clients.",
            "risks-0-budget": "£23,000",
            "risks-0-budget_note": "",
            "risks-0-recommendation": "",
        }
    )
    data.update(
        {
            "risks-1-theme": "ENTE",
            "risks-1-initiative": "Taxi marshals",
            "risks-1-budget": "",
            "risks-1-budget_note": "",
            "risks-1-recommendation": "",
            "risks-1-DELETE": "on",
        }
    )
    assert client.post(edit_url(plymouth_plan, "plan-edit-risks"), data).status_code == 302
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    assert plan.title == "Grant spending plan 2020/21"
    assert [(r.theme, r.budget) for r in plan.risks.all()] == [("Mental Health", Decimal("23000.00"))]


def test_a_details_save_records_the_content_it_read_under_the_lock_without_reading_it_again(
    client, officer, plymouth_plan, empty_cache
):
    """The details and the sections leave the history's snapshot alone: the record after such a save holds the
    content `plan_lock` read, and it is the plan's content. That content is kept under the plan's content stamp
    (`plan_snapshot_under_lock`), so a save after a save that left the content alone does not read it at all."""
    from grants.services.comparison import plan_snapshot

    url = edit_url(plymouth_plan, "plan-edit-details")
    data = {"revision": "1", "title": "First", "purpose": "Why.", "unallocated_note": ""}
    with CaptureQueriesContext(connection) as saved:
        assert client.post(url, data).status_code == 302  # records the demo's content first (outside the editor)
    assert len([q for q in saved.captured_queries if 'FROM "grants_riskitem"' in q["sql"]]) == 1
    with CaptureQueriesContext(connection) as saved:
        assert client.post(url, {**data, "revision": "2", "title": "Second"}).status_code == 302
    content_reads = [q["sql"] for q in saved.captured_queries if 'FROM "grants_riskitem"' in q["sql"]]
    assert content_reads == []  # kept from the first save: nothing it is made of has changed since
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    latest = plan.history.order_by("-history_date", "-history_id").first()
    assert (plan.title, latest.title) == ("Second", "Second")
    assert latest.history_change_reason == "Changed the plan's details"
    assert latest.snapshot == plan_snapshot(plan)
    sections = {"revision": "3", "background": "Why we exist.", "context": ""}
    with CaptureQueriesContext(connection) as saved:
        assert client.post(edit_url(plymouth_plan, "plan-edit-sections"), sections).status_code == 302
    assert [q for q in saved.captured_queries if 'FROM "grants_riskitem"' in q["sql"]] == []
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    latest = plan.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Changed the sections of the board paper" and plan.revision == 4
    assert latest.snapshot == plan_snapshot(plan)


@pytest.mark.parametrize("elsewhere", ["line", "provider", "priority", "award"])
def test_a_change_made_elsewhere_between_two_saves_is_recorded_though_the_content_was_kept(
    client, officer, plymouth_plan, empty_cache, elsewhere
):
    """The content kept for the editor's saves is kept under everything it is made of: a line changed in the admin
    (a new content stamp), a provider or a priority renamed, the award's amount changed. Each is recorded before the
    next save, unattributed, and the records hold the plan's content as it is."""
    from grants.services.comparison import plan_snapshot

    url = edit_url(plymouth_plan, "plan-edit-details")
    data = {"revision": "1", "title": "First", "purpose": "Why.", "unallocated_note": ""}
    assert client.post(url, data).status_code == 302
    line = plymouth_plan.projects.exclude(provider=None).order_by("number").first()
    if elsewhere == "line":
        line.title = "Renamed in the admin"
        line.save()
    elif elsewhere == "provider":
        Organisation.objects.filter(pk=line.provider_id).update(name="A provider renamed")
    elif elsewhere == "priority":
        priority = line.pcc_priorities.first()
        priority.title = "A priority renamed"
        priority.save()
    else:
        GrantAward.objects.filter(pk=plymouth_plan.award_id).update(amount=Decimal("999999.00"))
    assert client.post(url, {**data, "revision": "2", "title": "Second"}).status_code == 302
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    elsewhere_record, latest = plan.history.order_by("-history_date", "-history_id")[1], plan.history.first()
    assert elsewhere_record.history_change_reason.startswith("Changed outside the plan editor")
    assert elsewhere_record.history_user is None
    assert elsewhere_record.snapshot == latest.snapshot == plan_snapshot(plan)


def test_check_the_plan_lists_what_needs_attention(client, officer, plymouth_plan):
    plymouth_plan.projects.get(number=5).pcc_priorities.clear()
    plymouth_plan.projects.get(number=4).sub_items.get(label="D").delete()
    content = page_text(client.get(edit_url(plymouth_plan, "plan-check")))
    assert "Line 5 (Children and young people" in content and "choose the Police and Crime Plan priorities" in content
    assert (
        "Line 4 (Workforce development and communication): The sub-items add up to £17,000.00, £8,000.00 less "
        "than the amount allocated of £25,000.00" in content
    )
    assert "the contract ends on 30 November 2020, before the end of 2020/21" in content


def test_check_the_plan_ends_with_submitting_it_for_the_officer_only(client, officer, plymouth_plan, demo_user):
    submit = reverse("grants:plan-decide", args=[plymouth_plan.pk, "submit"])
    content = client.get(edit_url(plymouth_plan, "plan-check")).content.decode()
    assert f'href="{submit}"' in content and "Submit the spending plan" in content
    response = client.get(submit)
    assert response.status_code == 200 and "Submit the spending plan" in response.content.decode()


# --- two officers at once, and the history -----------------------------------------------------------------


def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused_showing_what_changed(
    client, officer, plymouth_plan, django_user_model
):
    from django.test import Client

    from tests.factories import officer_of

    colleague = Client()
    colleague.force_login(officer_of(plymouth_plan.partnership, first_name="Jo", last_name="Bloggs"))
    line3 = plymouth_plan.projects.get(number=3)
    url = reverse("grants:project-edit", args=[plymouth_plan.pk, line3.pk])
    mine = project_data(plymouth_plan, title=line3.title, amount_allocated="£90,000")  # opened at revision 1
    theirs = project_data(plymouth_plan, title=line3.title, amount_allocated="£95,000")
    assert colleague.post(url, theirs).status_code == 302

    response = client.post(url, mine)
    content = page_text(response)
    assert response.status_code == 200
    assert "Someone else saved this plan after you opened this page" in content
    assert "Your changes have not been saved." in content
    assert (
        "Jo Bloggs" in content and "Changed funded project 3: Community drug and alcohol treatment programme" in content
    )
    assert "£93,575.00</del>" in content and "£95,000.00</ins>" in content
    assert 'value="£90,000"' in content  # what I typed is kept
    line3.refresh_from_db()
    assert line3.amount_allocated == Decimal("95000.00")  # theirs stands

    again = dict(mine, revision=str(SpendingPlan.objects.get(pk=plymouth_plan.pk).revision))
    assert client.post(url, again).status_code == 302  # saving again, knowingly, is allowed
    line3.refresh_from_db()
    assert line3.amount_allocated == Decimal("90000.00")


def test_history_says_who_changed_what_and_when_line_by_line(client, officer, plymouth_plan, demo_user):
    line2 = plymouth_plan.projects.get(number=2)
    client.post(
        reverse("grants:project-edit", args=[plymouth_plan.pk, line2.pk]),
        project_data(plymouth_plan, title=line2.title, amount_allocated="£20,000"),
    )
    client.force_login(demo_user("board.plymouth"))  # readers may read the history
    content = page_text(client.get(reverse("grants:plan-history", args=[plymouth_plan.pk])))
    assert "Alex Morgan" in content and "Changed funded project 2" in content
    assert 'Amount allocated: <del class="app-changes__old">£25,000.00</del>' in content
    assert "Changed outside the plan editor" in content  # the demo data, loaded before the editor existed
    client.force_login(demo_user("officer.southglos"))
    assert client.get(reverse("grants:plan-history", args=[plymouth_plan.pk])).status_code == 404


def test_history_shows_changes_made_outside_the_editor_before_anyone_edits(client, officer, plymouth_plan):
    content = page_text(client.get(reverse("grants:plan-history", args=[plymouth_plan.pk])))
    content = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", content))
    assert "Changed outside the plan editor (in the administration pages, or by loading data)" in content
    assert "Added 1. Plymouth Domestic Abuse Service (+£210,000.00)" in content
    assert "Allocated went from £0.00 to £377,568.00." in content
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).history.count() == 1  # reading wrote nothing


# --- pages cost the same whatever the plan's size ----------------------------------------------------------


@pytest.fixture
def big_plan(plymouth_plan):
    """The Plymouth plan grown to 60 lines, each with a sub-item, two measures, and priorities."""
    award = plymouth_plan.award
    award.amount = Decimal("10000000.00")
    award.save()
    priorities = list(plymouth_plan.police_and_crime_plan.priorities.all()[:2])
    for number in range(7, 61):
        project = FundedProjectFactory(plan=plymouth_plan, number=number, amount_allocated=Decimal("100.00"))
        SubItemFactory(project=project, label="A", amount=Decimal("100.00"))
        OutcomeMeasureFactory(project=project, numeric=True)
        OutcomeMeasureFactory(project=project)
        project.pcc_priorities.set(priorities)
    assert plymouth_plan.projects.count() == 60
    return plymouth_plan


@pytest.mark.parametrize(
    ("name", "limit"),
    # The check page reads the board paper's sections once (grants/models/sections.py): 22, not growing with lines.
    [("plan-edit", 20), ("plan-edit-projects", 20), ("plan-check", 22), ("plan-edit-risks", 15), ("plan-history", 15)],
)
def test_editing_pages_cost_a_bounded_number_of_queries_for_a_60_line_plan(
    client, officer, big_plan, django_assert_max_num_queries, name, limit
):
    with django_assert_max_num_queries(limit):
        response = client.get(
            edit_url(big_plan, name) if name != "plan-history" else reverse("grants:plan-history", args=[big_plan.pk])
        )
    assert response.status_code == 200


def test_a_project_page_costs_the_same_to_open_and_save_in_a_60_line_plan(
    client, officer, big_plan, django_assert_max_num_queries
):
    project = big_plan.projects.get(number=30)
    url = reverse("grants:project-edit", args=[big_plan.pk, project.pk])
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    data = project_data(big_plan, title="Changed", amount_allocated="£150", sub_items=[sub_item("A", "Part", "150")])
    # Bounded by the size of one project, never by the plan's: the freeze guard checks the plan as each of the
    # project's old rows is deleted (issue 4), which costs a query a row.
    with django_assert_max_num_queries(80):
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_editing_pages_have_no_inline_scripts_or_styles(client, officer, plymouth_plan, name):
    html = client.get(edit_url(plymouth_plan, name)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_awards_startable_lists_only_the_officers_awards_without_plans(demo_user, next_year_award):
    assert list(GrantAward.objects.startable_by(demo_user("officer.plymouth"))) == [next_year_award]
    assert not GrantAward.objects.startable_by(demo_user("board.plymouth")).exists()
    assert not GrantAward.objects.startable_by(demo_user("officer.southglos")).exists()


def test_a_contract_end_date_that_is_not_a_real_date_is_refused_naming_the_part(client, officer, plymouth_plan):
    from tests.grants.editor_helpers import project_data

    data = project_data(plymouth_plan, title="Crisis café", amount_allocated="£1,000")
    data.update(contract_end_date_0="31", contract_end_date_1="4", contract_end_date_2="2021")
    response = client.post(reverse("grants:project-add", args=[plymouth_plan.pk]), data)
    assert response.status_code == 200
    assert "The contract end date must be a real date: April 2021 has 30 days" in response.content.decode()
    assert plymouth_plan.projects.count() == 6

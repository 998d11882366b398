import pytest
import rules
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_need_a_signed_in_user(client, plymouth_plan):
    for url in (reverse("home"), plymouth_plan.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_officer_signs_in_and_sees_their_plan_listed(client, demo, settings):
    response = client.post(
        reverse("login"), {"username": "officer.plymouth", "password": settings.DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Safer Plymouth" in content
    assert "£400,568.00" in content and "£377,568.00" in content and "£23,000.00" in content
    assert "South Gloucestershire" not in content


def test_a_wrong_password_is_refused_with_an_error_summary(client, demo):
    response = client.post(reverse("login"), {"username": "officer.plymouth", "password": "nope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter a correct username and password" in content


def test_plan_page_shows_the_figures_and_the_table(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.get(plymouth_plan.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    for figure in ("£400,568.00", "£377,568.00", "£23,000.00", "£44,450.00", "£210,000.00", "£13,993.00"):
        assert figure in content, figure
    for heading in (
        "Amount allocated",
        "How the outcomes will be measured",
        "Police and Crime Plan priorities",
        "Approved",
    ):
        assert heading in content
    assert "Radicalisation and extremism appreciative enquiry" in content and "(£8,000.00)" in content
    assert "The sub-items add up to £25,000.00, the amount allocated." in content
    assert "4. Supporting victims and witnesses and helping them to get justice" in content
    assert "Re-referral rate is below 20%" in content and "target: below 20%" in content
    assert "Taxi Marshalls" in content and "Risks and watch items" in content
    assert "<caption" in content


def test_plan_page_warns_when_sub_items_do_not_add_up(client, demo_user, plymouth_plan):
    plymouth_plan.projects.get(number=4).sub_items.get(label="D").delete()
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "The sub-items add up to £17,000.00, £8,000.00 less than the amount allocated of £25,000.00" in content


@pytest.mark.parametrize(
    "username", ["officer.southglos", "board.southglos", "opcc.avon", "pcc.avon", "treasurer.avon"]
)
def test_people_of_another_partnership_or_force_area_cannot_open_the_plan(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    assert client.get(plymouth_plan.get_absolute_url()).status_code == 404
    assert "Safer Plymouth" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "username",
    ["officer.plymouth", "exec.plymouth", "board.plymouth", "opcc.devon", "pcc.devon", "treasurer.devon", "admin"],
)
def test_people_of_the_partnership_and_its_force_area_can_open_the_plan(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    assert client.get(plymouth_plan.get_absolute_url()).status_code == 200


def test_opcc_of_avon_sees_south_gloucestershire_available_figure(client, demo_user, southglos_plan):
    client.force_login(demo_user("opcc.avon"))
    content = client.get(reverse("home")).content.decode()
    assert "Safer and Stronger South Gloucestershire" in content and "£24,700.00" in content
    assert "Safer Plymouth" not in content


def test_a_user_with_no_role_sees_no_plans(client, demo):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    content = client.get(reverse("home")).content.decode()
    assert "There are no spending plans you can see yet" in content


@pytest.mark.usefixtures("pages_made_afresh")  # what making the page costs (grants/kept_pages.py)
def test_the_plan_page_costs_the_same_queries_whatever_the_plan_size(
    client, demo_user, plymouth_plan, django_assert_max_num_queries
):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import FundedProjectFactory, OutcomeMeasureFactory, SubItemFactory

    client.force_login(demo_user("officer.plymouth"))
    award = plymouth_plan.award
    award.amount = Decimal("10000000.00")
    award.save()
    with CaptureQueriesContext(connection) as six_lines:
        assert client.get(plymouth_plan.get_absolute_url()).status_code == 200
    for number in range(7, 67):
        project = FundedProjectFactory(plan=plymouth_plan, number=number, amount_allocated=Decimal("100.00"))
        SubItemFactory(project=project, label="A", amount=Decimal("50.00"))
        OutcomeMeasureFactory(project=project, numeric=True)
    with django_assert_max_num_queries(len(six_lines)):
        response = client.get(plymouth_plan.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('id="project-') == 66
    assert len(six_lines) <= 30


def test_permission_layer_agrees_with_the_lists(demo, demo_user, plymouth_plan, southglos_plan):
    from grants.models import SpendingPlan

    for username in ("officer.plymouth", "opcc.avon", "treasurer.devon", "board.southglos"):
        user = demo_user(username)
        visible = set(SpendingPlan.objects.visible_to(user))
        for plan in (plymouth_plan, southglos_plan):
            assert user.has_perm("grants.view_plan", plan) == (plan in visible), (username, plan)


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("officer.plymouth", True),
        ("exec.plymouth", False),
        ("board.plymouth", False),
        ("opcc.devon", False),
        ("officer.southglos", False),
        ("admin", False),
    ],
)
def test_only_the_partnerships_officers_may_edit_a_draft(demo_user, plymouth_plan, username, allowed):
    assert rules.test_rule("grants.edit_plan", demo_user(username), plymouth_plan) is allowed


def test_nobody_may_edit_a_submitted_plan(demo_user, plymouth_plan):
    plymouth_plan.status = "submitted"
    assert not rules.test_rule("grants.edit_plan", demo_user("officer.plymouth"), plymouth_plan)


def test_opcc_staff_see_the_plans_alignment_with_the_police_and_crime_plan(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    content = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "Money by Police and Crime Plan priority" in content
    # Line 1 (£210,000) serves priorities 3 and 4: shown under both as shared, counted once in the total.
    assert "Priorities 3 and 4 (shared)" in content and "£235,000.00" in content
    assert "Local high-level risks with no funded project" in content and "Terrorist Incidents" in content
    client.force_login(demo_user("officer.plymouth"))
    assert (
        "Money by Police and Crime Plan priority" not in client.get(plymouth_plan.get_absolute_url()).content.decode()
    )

"""The force-area dashboard: figures per CSP and for the area, scoping to the user's force area, filters and
sorting, and the alignment of the money with the Police and Crime Plan (each line counted once)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.services.alignment import plans_alignment
from grants.services.oversight import force_area_overview
from partnerships.models import ForceArea
from priorities.models import PoliceAndCrimePlan

pytestmark = pytest.mark.django_db
D = Decimal


def dashboard(area="devon-and-cornwall", **params):
    url = reverse("grants:oversight-dashboard", kwargs={"area": area})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_opcc_devon_sees_safer_plymouth_figures_and_the_money_by_priority(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    response = client.get(dashboard())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Safer Plymouth" in content
    for figure in ("£400,568.00", "£377,568.00", "£23,000.00", "£44,450.00"):
        assert figure in content, figure
    assert "Connecting communities and policing" in content and "Getting the best out of the police" in content
    assert "South Gloucestershire" not in content and "Avon" not in content.split("<main")[1]


def test_opcc_avon_sees_south_gloucestershire_available_figure(client, demo_user, demo):
    client.force_login(demo_user("opcc.avon"))
    content = client.get(dashboard("avon-and-somerset")).content.decode()
    assert "Safer and Stronger South Gloucestershire" in content
    assert "£92,680.00" in content and "£67,980.00" in content and "£24,700.00" in content
    assert "Safer Plymouth" not in content
    assert "No Police and Crime Plan for Avon &amp; Somerset covers 2021/22" in content


@pytest.mark.parametrize("username", ["opcc.avon", "pcc.avon", "treasurer.avon"])
def test_another_force_areas_staff_get_not_found(client, demo_user, demo, username):
    client.force_login(demo_user(username))
    assert client.get(dashboard("devon-and-cornwall")).status_code == 404


@pytest.mark.parametrize(
    "username", ["officer.plymouth", "exec.plymouth", "board.plymouth", "officer.southglos", "admin"]
)
def test_people_without_a_force_area_role_are_refused(client, demo_user, demo, username):
    client.force_login(demo_user(username))
    response = client.get(dashboard("devon-and-cornwall"))
    assert response.status_code == 403
    assert "for OPCC staff" in response.content.decode()
    assert client.get(reverse("grants:oversight-home")).status_code == 403


def test_the_dashboard_needs_signing_in(client, demo):
    response = client.get(dashboard())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["opcc.devon", "pcc.devon", "treasurer.devon"])
def test_every_force_area_role_reaches_its_dashboard_from_oversight_home(client, demo_user, demo, username):
    client.force_login(demo_user(username))
    response = client.get(reverse("grants:oversight-home"))
    assert response.status_code == 302 and response.url == dashboard()


def test_navigation_offers_the_opcc_pages_only_to_force_area_roles(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    content = client.get(reverse("home")).content.decode()
    for label in ("Dashboard", "Awards", "Grant rounds", "Reports"):
        assert f">{label}</a>" in content
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("home")).content.decode()
    assert ">Dashboard</a>" not in content and ">Grant rounds</a>" not in content


def test_overview_figures_and_area_totals_count_the_plans_in_force(demo, demo_user, plymouth_plan):
    from tests.factories import FundedProjectFactory, GrantAwardFactory, PartnershipFactory, SpendingPlanFactory
    from tests.workflow import drive

    area = ForceArea.objects.get(slug="devon-and-cornwall")
    torbay = PartnershipFactory(force_area=area, name="Safer Torbay")
    award = GrantAwardFactory(
        partnership=torbay, funding_stream=plymouth_plan.award.funding_stream, amount=D("100000.00")
    )
    FundedProjectFactory(plan=SpendingPlanFactory(award=award), amount_allocated=D("60000.50"))  # a draft
    PartnershipFactory(force_area=area, name="Safer Cornwall")  # no award yet
    drive(plymouth_plan, demo_user)  # approved: in force
    overview = force_area_overview(force_area=area, financial_year="2020/21", user=demo_user("opcc.devon"))
    assert [row.partnership.name for row in overview.rows] == ["Safer Cornwall", "Safer Plymouth", "Safer Torbay"]
    totals = overview.totals
    assert totals.award == D("500568.00")
    assert totals.allocated == D("377568.00")  # Torbay's draft is not committed
    assert totals.unallocated == D("123000.00")
    assert totals.match_funding == D("44450.00")
    assert overview.rows[0].status_label == "No award set"
    assert overview.rows[2].proposed.allocated == D("60000.50") and overview.rows[2].committed.allocated == 0


def test_status_filter_and_sorting(client, demo_user, plymouth_plan):
    from tests.factories import GrantAwardFactory, PartnershipFactory

    area = plymouth_plan.partnership.force_area
    GrantAwardFactory(
        partnership=PartnershipFactory(force_area=area, name="Safer Torbay"),
        funding_stream=plymouth_plan.award.funding_stream,
        amount=D("999999.00"),
    )
    client.force_login(demo_user("opcc.devon"))
    content = client.get(dashboard(sort="award", dir="desc")).content.decode()
    assert content.index("Safer Torbay") < content.index("Safer Plymouth")
    assert 'aria-sort="descending"' in content
    content = client.get(dashboard(sort="award")).content.decode()
    assert content.index("Safer Plymouth") < content.index("Safer Torbay")
    content = client.get(dashboard(status="none")).content.decode()
    table = content.split('id="dashboard-table"')[1].split("</table>")[0]
    assert "Safer Torbay" in table and "Safer Plymouth" not in table
    assert "£999,999.00" in table
    content = client.get(dashboard(status="draft")).content.decode()
    table = content.split('id="dashboard-table"')[1].split("</table>")[0]
    assert "Safer Plymouth" in table and "Safer Torbay" not in table


def test_an_unknown_year_is_not_found_and_another_year_is_empty(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    assert client.get(dashboard(year="2020-21x")).status_code == 404
    content = client.get(dashboard(year="2030/31")).content.decode()
    assert "Safer Plymouth" in content and "No award set" in content


def test_alignment_counts_a_shared_line_once_and_reconciles_with_the_plan(plymouth_plan):
    pcp = PoliceAndCrimePlan.objects.covering(plymouth_plan.partnership.force_area, "2020/21").first()
    alignment = plans_alignment(plans=[plymouth_plan], police_and_crime_plan=pcp)
    by_number = {row.priority.number: row for row in alignment.by_priority}
    # every Plymouth line serves several priorities: all its money is shared
    assert {n: row.total for n, row in by_number.items()} == {
        1: D("48993.00"),
        2: D("142568.00"),
        3: D("377568.00"),
        4: D("367568.00"),
        5: D("38993.00"),
    }
    assert all(row.alone == 0 for row in by_number.values())
    combinations = {c.label: c.amount for c in alignment.combinations}
    assert combinations == {
        "Priorities 3 and 4 (shared)": D("235000.00"),
        "Priorities 1, 2 and 3 (shared)": D("10000.00"),
        "Priorities 2, 3 and 4 (shared)": D("93575.00"),
        "Priorities 1, 2, 3, 4 and 5 (shared)": D("38993.00"),
    }
    assert alignment.allocated == plymouth_plan.allocated == D("377568.00")
    assert alignment.reconciles
    assert by_number[3].percent == D("100.0")


def test_alignment_separates_money_for_one_priority_alone_from_shared(plymouth_plan):
    from tests.factories import FundedProjectFactory

    award = plymouth_plan.award
    award.amount = D("500000.00")
    award.save()
    pcp = plymouth_plan.police_and_crime_plan
    alone = FundedProjectFactory(plan=plymouth_plan, number=7, amount_allocated=D("1000.10"))
    alone.pcc_priorities.set([pcp.priorities.get(number=1)])
    FundedProjectFactory(plan=plymouth_plan, number=8, amount_allocated=D("0.90"))  # no priority
    alignment = plans_alignment(plans=[plymouth_plan], police_and_crime_plan=pcp)
    first = next(r for r in alignment.by_priority if r.priority.number == 1)
    assert first.alone == D("1000.10") and first.shared == D("48993.00")
    assert alignment.no_priority == D("0.90")
    assert alignment.allocated == D("377568.00") + D("1001.00")
    assert alignment.reconciles


def test_local_risks_with_no_funding_and_lines_with_no_local_priority(plymouth_plan, southglos_plan):
    alignment = plans_alignment(plans=[plymouth_plan], police_and_crime_plan=plymouth_plan.police_and_crime_plan)
    unfunded = {risk.title for _, risk in alignment.unfunded_risks}
    assert "Terrorist Incidents" in unfunded and "Drug Trafficking" in unfunded
    assert "Problem Drinking" not in unfunded and "Rape and Sexual Assault" not in unfunded
    assert "Cyber Crime including Fraud" not in unfunded  # an emerging issue, not a high-level risk
    assert [line.number for _, line in alignment.lines_without_local_priority] == [4, 5, 6]
    south = plans_alignment(plans=[southglos_plan], police_and_crime_plan=None)
    assert {r.title for _, r in south.unfunded_risks} == {
        "Child Exploitation",
        "Serious Sexual Offences",
        "ASB",
        "Serious Organised Crime",
        "Serious Violence",
        "Hate Crime",
    }
    assert south.lines_without_local_priority == []
    assert south.no_priority == D("67980.00") and south.reconciles


def test_dashboard_costs_the_same_queries_whatever_the_number_of_partnerships(
    client, demo_user, plymouth_plan, django_assert_max_num_queries
):
    from tests.factories import FundedProjectFactory, GrantAwardFactory, PartnershipFactory, SpendingPlanFactory

    area = plymouth_plan.partnership.force_area
    for _ in range(15):
        award = GrantAwardFactory(
            partnership=PartnershipFactory(force_area=area), funding_stream=plymouth_plan.award.funding_stream
        )
        FundedProjectFactory(plan=SpendingPlanFactory(award=award))
    client.force_login(demo_user("opcc.devon"))
    with django_assert_max_num_queries(30):
        response = client.get(dashboard())
    assert response.status_code == 200
    assert response.content.decode().count('id="csp-') == 16


@pytest.mark.parametrize(
    "name",
    ["oversight-dashboard", "awards", "rounds", "funding", "reports", "panel-report", "published"],
)
def test_oversight_pages_have_no_inline_scripts_or_styles(client, demo_user, plymouth_plan, name):
    import re

    client.force_login(demo_user("opcc.devon"))
    kwargs = {"area": "devon-and-cornwall"}
    if name in ("awards", "panel-report"):
        kwargs["year"] = "2020/21"
    html = client.get(reverse(f"grants:{name}", kwargs=kwargs)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"

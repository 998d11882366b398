"""The figures DOMAIN.md says must come out right, computed from the loaded demo data (never restated)."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from grants.demo import DEMO_USERS, demo_load
from grants.models import FundedProject, GrantAward, SpendingPlan
from partnerships.models import User

pytestmark = pytest.mark.django_db


def test_safer_plymouth_2020_21_figures(plymouth_plan):
    plan = SpendingPlan.objects.with_figures().get(pk=plymouth_plan.pk)
    assert plan.financial_year == "2020/21"
    assert plan.award_amount == Decimal("400568.00")
    assert plan.projects.count() == 6
    assert plan.allocated == Decimal("377568.00")
    assert plan.unallocated == Decimal("23000.00")
    assert plan.match_funding_total == Decimal("44450.00")


def test_plymouth_line_4_sub_items_add_up_to_the_line(plymouth_plan):
    line = plymouth_plan.projects.get(number=4)
    amounts = [item.amount for item in line.sub_items.order_by("label")]
    assert [item.label for item in line.sub_items.order_by("label")] == ["A", "B", "C", "D"]
    assert amounts == [Decimal("8000.00"), Decimal("5000.00"), Decimal("4000.00"), Decimal("8000.00")]
    assert line.sub_items_total == line.amount_allocated == Decimal("25000.00")
    assert line.sub_items_add_up


def test_south_gloucestershire_2021_22_figures(southglos_plan):
    plan = southglos_plan
    assert plan.award_amount == Decimal("92680.00")
    assert plan.projects.count() == 3
    assert plan.allocated == Decimal("67980.00")
    assert plan.unallocated == Decimal("24700.00")


def test_plymouth_plan_is_loaded_in_full(plymouth_plan):
    lines = {p.number: p for p in plymouth_plan.projects.all()}
    assert [str(p.number) + "." for p in plymouth_plan.police_and_crime_plan.priorities.all()] == [
        "1.",
        "2.",
        "3.",
        "4.",
        "5.",
    ]
    assert [p.number for p in lines[1].pcc_priorities.all()] == [3, 4]
    assert [p.number for p in lines[3].pcc_priorities.all()] == [2, 3, 4]
    assert lines[1].contract_value == Decimal("573300.00")
    assert str(lines[1].contract_end_date) == "2020-11-30"
    assert lines[1].outcome_measures.count() == 5
    assert lines[2].match_funding.get().amount == Decimal("44450.00")
    assert lines[2].provider.name == "First Light"
    themes = list(plymouth_plan.risks.values_list("theme", "budget"))
    assert themes == [
        ("Mental Health", Decimal("23000.00")),
        ("DA/CSA/SV", Decimal("10000.00")),
        ("ENTE", Decimal("10000.00")),
    ]
    assessment = plymouth_plan.partnership.strategic_assessments.get(financial_year="2020/21")
    assert assessment.priorities.filter(risk_level="high").count() == 10


def test_south_gloucestershire_lines_are_tagged_with_its_priorities(southglos_plan):
    titles = [(p.title, [lp.title for lp in p.local_priorities.all()]) for p in southglos_plan.projects.all()]
    assert titles == [
        ("Towards Freedom Programme", ["Domestic Abuse"]),
        ("Complex Needs IDVA", ["Domestic Abuse"]),
        ("Youth Offending Team substance abuse service", ["Drug Offences (other than cannabis)"]),
    ]
    assert southglos_plan.partnership.strategic_assessments.get().priorities.count() == 8
    assert not southglos_plan.partnership.has_executive_group


def test_loading_twice_changes_nothing(demo, settings):
    counts = (
        GrantAward.objects.count(),
        SpendingPlan.objects.count(),
        FundedProject.objects.count(),
        User.objects.count(),
    )
    report = demo_load(password=settings.DEMO_PASSWORD)
    assert report.created_plans == []
    assert (
        GrantAward.objects.count(),
        SpendingPlan.objects.count(),
        FundedProject.objects.count(),
        User.objects.count(),
    ) == counts


def test_every_demo_user_signs_in_with_the_demo_password(demo, settings):
    for username in [u[0] for u in DEMO_USERS] + ["admin"]:
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_staff


@pytest.mark.parametrize("debug", [False, True])
def test_load_demo_refuses_without_demo_data_whatever_debug_says_unless_forced(db, settings, debug):
    """manage.py turns DEBUG on when no settings module is named, so DEBUG cannot be what lets it run."""
    settings.DEBUG, settings.DEMO_DATA = debug, False
    with pytest.raises(CommandError, match="DEMO_DATA is not set"):
        call_command("load_demo")
    assert not SpendingPlan.objects.exists() and not User.objects.exists()
    call_command("load_demo", "--force")
    assert SpendingPlan.objects.count() == 2


def test_load_demo_runs_where_demo_data_is_set(db, settings):
    settings.DEBUG, settings.DEMO_DATA = False, True
    call_command("load_demo", "--seeds-only")
    assert User.objects.filter(username="officer.plymouth").exists()


def test_manage_py_does_not_let_load_demo_run_on_an_installation_without_demo_data(tmp_path):
    """Through manage.py itself, as someone on a server would type it, with no settings module named."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEMO_DATA", "DEBUG")}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "load_demo"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )
    assert result.returncode != 0 and "DEMO_DATA is not set" in result.stderr

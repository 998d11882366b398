"""Audit of every change (issue 12 item 6): every model holding money or a setting keeps a history (who, when,
before and after, django-simple-history). The first test enumerates every model of the product, so a new one
fails the suite until it has a history or is on the short list below with the reason it needs none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from simple_history.models import registered_models

from grants.models import FormulaScenario, ReportingRules, ScenarioLine, ScenarioWeight
from grants.models.decisions import AppendOnly
from grants.services.awards import scenario_create
from partnerships.models import ForceArea, Partnership
from tests import factories as f

pytestmark = pytest.mark.django_db

OURS = {"partnerships", "priorities", "grants", "accounts"}

PLAN_CONTENT = "plan content: every save of the plan keeps a snapshot of its whole content (grants/models/history.py)"
FROZEN_WITH_THE_PLAN = "plan content, frozen with the plan once submitted; who added it and when are its own fields"

# Models that need no history, and why. Models written once and never changed (subclasses of
# grants.models.decisions.AppendOnly: decisions, declarations, scrutiny comments and answers, return steps, year-end
# approvals) are their own audit trail and need not be listed.
NEEDS_NO_HISTORY = {
    "partnerships.User": "an account: what a person may do is their roles (Role keeps a history); their sign-ins, "
    "password and two-factor changes are in accounts.SignInEvent; the admin's LogEntry records staff edits",
    "partnerships.Invitation": "who invited whom to which role, when it was sent, accepted or withdrawn are its own "
    "fields, never rewritten; the role it gives keeps a history",
    "grants.FundedProject": PLAN_CONTENT,
    "grants.SubItem": PLAN_CONTENT,
    "grants.OutcomeMeasure": PLAN_CONTENT,
    "grants.MatchFunding": PLAN_CONTENT,
    "grants.RiskItem": PLAN_CONTENT,
    "grants.SupportingDocument": FROZEN_WITH_THE_PLAN,
    "grants.PlanSection": FROZEN_WITH_THE_PLAN,
    "grants.DecisionNotice": "issued once with the decision and never changed",
    "grants.RenderedDocument": "a cache of a document made from other records, remade when they change",
    "grants.ReportingPeriod": "made from the reporting rules (which keep a history) when an award's returns are "
    "set up, and never edited",
    "grants.SentReminder": "a log of reminders sent, written once",
    "accounts.SignInEvent": "a security log written once, never changed",
    "accounts.RefusedRequest": "a security log written once, never changed",
}


def has_history(model) -> bool:
    return model in registered_models.values()


def test_every_model_holding_money_or_a_setting_keeps_a_history():
    problems = []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in OURS or model.__name__.startswith("Historical"):
            continue
        if has_history(model) or issubclass(model, AppendOnly) or label in NEEDS_NO_HISTORY:
            continue
        module = model.__module__.replace(".", "/") + ".py"
        grants = model._meta.app_label == "grants"
        line = "HistoricalRecords(**history_options())" if grants else "HistoricalRecords()"
        where = "from .records import history_options" if grants else ""
        problems.append(
            f"{label} keeps no history of its changes. Add `history = {line}` to it in {module} "
            f"(`from simple_history.models import HistoricalRecords`{', ' + where if where else ''}), make its "
            f"migration, add `{model._meta.app_label}.Historical{model.__name__}` to HOLDS_NO_COPIES in "
            "tests/accounts/test_personal_data.py, and write its rows in bulk with "
            "simple_history.utils.bulk_create_with_history, not bulk_create or update(). Only if it holds no money "
            "and no setting (a log written once, a cache), add it to NEEDS_NO_HISTORY in "
            "tests/security/test_every_setting_has_history.py with the reason."
        )
    assert not problems, "\n".join(problems)


def test_the_allow_list_names_only_models_that_exist_and_have_no_history():
    for label in NEEDS_NO_HISTORY:
        model = apps.get_model(label)
        assert not has_history(model), f"{label} keeps a history now: take it off NEEDS_NO_HISTORY"


def test_a_formula_scenario_records_who_made_it_with_its_weights_and_lines():
    indicator = f.IndicatorFactory()
    area = indicator.force_area
    for value in ("1000", "3000"):
        f.IndicatorValueFactory(indicator=indicator, value=Decimal(value))
    officer = f.opcc_of(area)
    scenario = scenario_create(
        force_area=area,
        funding_stream=f.FundingStreamFactory(force_area=area),
        financial_year="2021/22",
        name="Population only",
        pot=Decimal("2300000.00"),
        weights={indicator: Decimal(1)},
        by=officer,
    )
    made = FormulaScenario.history.get(id=scenario.pk, history_type="+")
    assert made.history_user == officer and made.pot == Decimal("2300000.00")
    assert ScenarioWeight.history.filter(scenario_id=scenario.pk, history_user=officer).count() == 1
    lines = ScenarioLine.history.filter(scenario_id=scenario.pk, history_user=officer)
    assert lines.count() == scenario.lines.count() > 0


def test_the_boards_minor_variation_path_records_who_when_before_and_after(client, demo_user):
    client.force_login(demo_user("board.plymouth"))
    client.post(reverse("grants:minor-variation-path", args=["safer-plymouth"]), {"path": "opcc"})
    partnership = Partnership.objects.get(slug="safer-plymouth")
    latest = partnership.history.order_by("-history_date").first()
    assert latest.history_user.username == "board.plymouth"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["minor_variation_path"] == ("full", "opcc")


def test_the_order_of_the_final_sign_off_records_who_changed_it(client, demo_user):
    client.force_login(demo_user("admin.devon"))
    url = reverse("grants:set-up-approval", kwargs={"area": "devon-and-cornwall"})
    assert client.post(url, {"sign_off_order": "finance_first"}).status_code == 302
    latest = ForceArea.history.filter(slug="devon-and-cornwall").order_by("-history_date").first()
    assert latest.history_user.username == "admin.devon" and latest.sign_off_order == "finance_first"


def test_the_reporting_rules_record_who_set_them(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:reporting-rules", kwargs={"area": "devon-and-cornwall"})
    data = {"months_per_period": "6", "working_days_to_report": "15", "reminder_working_days": "5"}
    assert client.post(url, {**data, "amber_tolerance": "2"}).status_code == 302
    assert client.post(url, {**data, "amber_tolerance": "3.5"}).status_code == 302
    rules = ReportingRules.objects.get(force_area__slug="devon-and-cornwall")
    latest = rules.history.order_by("-history_date").first()
    assert latest.history_user.username == "opcc.devon"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {"amber_tolerance": (Decimal("2.00"), Decimal("3.50"))}


def test_the_paper_sections_asked_for_record_who_chose_them(client, demo_user):
    from grants.models import AreaPaperSections

    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:paper-sections", args=["devon-and-cornwall"])
    assert client.post(url, {"kinds": ["background", "risks"]}).status_code == 302
    row = AreaPaperSections.objects.get(force_area__slug="devon-and-cornwall")
    assert row.history.get().history_user.username == "opcc.devon"

"""Submitted versions are frozen while they are reviewed, approved versions for good: no edit reaches them, from
the models, the admin or the import. `SpendingPlan.is_editable` decides, and the `grants.edit_plan` rule too."""

import html
from decimal import Decimal

import pytest
import rules
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from grants.models import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem
from grants.services.workflow import plan_decide
from tests.workflow import drive

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["submitted", "approved"])
def frozen_plan(request, plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="agree" if request.param == "submitted" else None)
    assert not plymouth_plan.is_editable
    return plymouth_plan


def _refused(action):
    """Refused by the frozen rule; a delete of part of an approved plan may be refused first by the returns that
    report on its lines (made on approval), which protect them: either way nothing is changed."""
    with pytest.raises((ValidationError, ProtectedError)) as refused, transaction.atomic():
        action()
    if isinstance(refused.value, ValidationError):
        assert any(e.code == "frozen" for e in refused.value.error_list), refused.value


def test_no_part_of_a_frozen_plan_can_be_saved_or_deleted(frozen_plan):
    plan = frozen_plan
    line = plan.projects.get(number=1)
    line.amount_allocated = Decimal("1.00")
    _refused(line.save)
    _refused(lambda: plan.projects.get(number=1).delete())
    _refused(lambda: plan.projects.filter(number=6).delete())
    _refused(lambda: FundedProject.objects.create(plan=plan, number=7, title="New", amount_allocated=Decimal("1")))
    line4 = plan.projects.get(number=4)
    _refused(lambda: SubItem.objects.create(project=line4, label="E", title="New", amount=Decimal("1")))
    sub_item = line4.sub_items.first()
    sub_item.amount = Decimal("1.00")
    _refused(sub_item.save)
    _refused(lambda: line4.sub_items.all().delete())
    measure = OutcomeMeasure.objects.filter(project__plan=plan).first()
    measure.description = "Changed"
    _refused(measure.save)
    match = MatchFunding.objects.filter(project__plan=plan).first()
    match.amount = Decimal("1.00")
    _refused(match.save)
    _refused(lambda: RiskItem.objects.create(plan=plan, theme="New", initiative="x"))
    risk = plan.risks.first()
    risk.budget = Decimal("1.00")
    _refused(risk.save)
    _refused(lambda: line.pcc_priorities.clear())
    _refused(lambda: line.pcc_priorities.add(plan.police_and_crime_plan.priorities.get(number=5)))
    _refused(lambda: line.local_priorities.clear())
    plan.title = "Renamed"
    _refused(plan.save)
    _refused(plan.delete)
    fresh = SpendingPlan.objects.get(pk=plan.pk)
    assert fresh.allocated == Decimal("377568.00") and fresh.title == "OPCC grant spending plan"
    assert fresh.projects.count() == 6 and fresh.risks.count() == 3


def test_forms_are_told_why_through_clean(frozen_plan):
    line = frozen_plan.projects.get(number=2)
    with pytest.raises(ValidationError, match="cannot be changed"):
        line.full_clean()


def test_the_edit_rule_follows_the_plan_through_the_path(plymouth_plan, demo_user):
    officer = demo_user("officer.plymouth")
    assert rules.test_rule("grants.edit_plan", officer, plymouth_plan)
    plan_decide(plan=plymouth_plan, by=officer, action="submit")
    assert not rules.test_rule("grants.edit_plan", officer, plymouth_plan)
    plan_decide(plan=plymouth_plan, by=demo_user("exec.plymouth"), action="return", comments="Add a provider.")
    assert rules.test_rule("grants.edit_plan", officer, plymouth_plan)
    line = plymouth_plan.projects.get(number=5)
    line.amount_allocated = Decimal("12000.00")
    line.save()  # a returned plan is editable again


def test_the_approved_version_keeps_its_content_once_a_variation_changes(plymouth_plan, demo_user):
    from grants.services.variations import plan_vary

    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    changed = variation.projects.get(number=5)
    changed.amount_allocated = Decimal("33000.00")
    changed.save()
    assert plymouth_plan.projects.get(number=5).amount_allocated == Decimal("10000.00")


# --- the admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, demo_user):
    client.force_login(demo_user("admin"))
    return client


def test_the_admin_has_no_status_field_to_bypass_the_workflow(demo_user, plymouth_plan):
    request = RequestFactory().get("/")
    request.user = demo_user("admin")
    model_admin = admin.site._registry[SpendingPlan]
    form = model_admin.get_form(request, plymouth_plan)
    assert "status" not in form.base_fields and "round" not in form.base_fields
    assert "status" in model_admin.get_readonly_fields(request, plymouth_plan)


def test_the_admin_opens_an_approved_plan_read_only_and_refuses_changes(admin_client, frozen_plan):
    url = reverse("admin:grants_spendingplan_change", args=[frozen_plan.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"title": "Renamed"}).status_code == 403
    line = frozen_plan.projects.get(number=1)
    line_url = reverse("admin:grants_fundedproject_change", args=[line.pk])
    assert admin_client.post(line_url, {"title": "Renamed"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:grants_fundedproject_delete", args=[line.pk]), {"post": "yes"}).status_code
        == 403
    )
    frozen_plan.refresh_from_db()
    assert frozen_plan.title == "OPCC grant spending plan"


def test_the_admin_still_edits_a_draft(admin_client, plymouth_plan):
    response = admin_client.get(reverse("admin:grants_spendingplan_change", args=[plymouth_plan.pk]))
    assert 'name="_save"' in response.content.decode()


def test_the_admin_plan_page_lists_the_lines_each_linked_to_its_own_page(admin_client, frozen_plan):
    """Lines are changed on their own page (with their sub-items, measures and match funding), not in rows of
    the plan's page; a draft's page offers to add one, a frozen plan's does not."""
    draft = SpendingPlan.objects.filter(status=SpendingPlan.Status.DRAFT, projects__isnull=False).first()
    for plan, editable in ((draft, True), (frozen_plan, False)):
        page = admin_client.get(reverse("admin:grants_spendingplan_change", args=[plan.pk])).content.decode()
        assert "projects-TOTAL_FORMS" not in page  # no rows of forms for the lines
        assert "<caption>Funded projects of this version, by line number</caption>" in page
        for line in plan.projects.all():
            link = reverse("admin:grants_fundedproject_change", args=[line.pk])
            assert f'<a href="{link}">{html.escape(line.title)}</a>' in page
        add = f'<a href="{reverse("admin:grants_fundedproject_add")}?plan={plan.pk}">Add a funded project</a>'
        assert (add in page) is editable
        assert f"?plan__id__exact={plan.pk}" in page
    form = admin_client.get(reverse("admin:grants_fundedproject_add") + f"?plan={draft.pk}").content.decode()
    assert f'<option value="{draft.pk}" selected>' in form  # the link opens the form on this plan


def test_decision_records_cannot_be_changed_in_the_admin(admin_client, frozen_plan):
    decision = frozen_plan.decisions.first()
    url = reverse("admin:grants_decision_change", args=[decision.pk])
    assert admin_client.get(url).status_code == 200  # readable
    assert admin_client.post(url, {"comments": "Rewritten"}).status_code == 403
    delete = reverse("admin:grants_decision_delete", args=[decision.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_an_import_cannot_change_a_frozen_plan(admin_client, frozen_plan):
    response = admin_client.get(reverse("admin:grants_fundedproject_import"))
    csv_format = next(v for v, label in response.context["form"].fields["format"].choices if label == "csv")
    content = (
        "plan,number,title,amount_allocated\n"
        f"{frozen_plan.pk},1,Plymouth Domestic Abuse Service,£200000\n"
        f"{frozen_plan.pk},7,Mental health crisis support,£23000\n"
    ).encode()
    response = admin_client.post(
        reverse("admin:grants_fundedproject_import"),
        {"format": csv_format, "resource": "0", "import_file": SimpleUploadedFile("lines.csv", content)},
    )
    text = response.content.decode()
    assert "cannot be changed" in text
    assert not response.context.get("confirm_form")
    assert frozen_plan.projects.count() == 6
    assert frozen_plan.projects.get(number=1).amount_allocated == Decimal("210000.00")

"""Every admin page loads, and plan lines import from CSV and XLSX with a dry-run preview first."""

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.workflow import SOUTHGLOS_PATH

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"partnerships", "priorities", "grants"}
)


@pytest.fixture
def admin_client_demo(client, demo_user):
    from grants.models import SpendingPlan, VariationThreshold
    from grants.services.workflow import plan_declare_interest
    from tests.factories import SubmissionDeadlineFactory
    from tests.workflow import drive

    # The seed documents give no deadline, threshold or decisions; they are added so that every model has a
    # change page to open.
    devon = demo_user("opcc.devon").roles.get().force_area
    SubmissionDeadlineFactory(force_area=devon)
    VariationThreshold.objects.create(force_area=devon, minor_below="25000.00")
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-and-stronger-south-gloucestershire")
    drive(plan, demo_user, SOUTHGLOS_PATH[:1])
    plan_declare_interest(
        plan=plan, by=demo_user("board.southglos"), project=plan.projects.first(), interest="Trustee of the provider"
    )
    drive(plan, demo_user, SOUTHGLOS_PATH[1:])
    # And one of each of the OPCC's records (the seeds have none).
    from tests.factories import (
        AllocationTableFactory,
        AwardYearFactory,
        ClaimFactory,
        FundingReceivedYearFactory,
        GrantApplicationFactory,
        PaymentFactory,
        ScenarioLineFactory,
        ScenarioWeightFactory,
    )

    scenario = ScenarioWeightFactory(scenario__force_area=devon).scenario
    ScenarioLineFactory(scenario=scenario, partnership=plan.partnership)
    GrantApplicationFactory(grant_round__force_area=devon)
    AllocationTableFactory(force_area=devon)
    FundingReceivedYearFactory(income__force_area=devon)
    award = AwardYearFactory(award__partnership=plan.partnership).award
    PaymentFactory(award=award, claim=ClaimFactory(award=award))
    from tests.factories import IndicatorValueFactory

    IndicatorValueFactory(indicator__force_area=devon)
    from tests.factories import InvitationFactory

    InvitationFactory(force_area=devon)
    from tests.factories import CommentAnswerFactory, SupportingDocumentFactory

    CommentAnswerFactory(comment__plan=plan, comment__project=plan.projects.first())
    SupportingDocumentFactory()
    client.force_login(demo_user("admin"))
    return client


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_admin_list_add_and_change_pages_load(admin_client_demo, app, model):
    client = admin_client_demo
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    model_class = next(m for m in admin.site._registry if m._meta.model_name == model and m._meta.app_label == app)
    # Records written only by the workflow or the OPCC's services: their add page is refused.
    written_by_services = {
        "decision",
        "interestdeclaration",
        "decisionnotice",
        "formulascenario",
        "scenarioweight",
        "scenarioline",
        "grantapplication",
        "allocationtable",
        "scrutinycomment",
        "commentanswer",
        "supportingdocument",
        "fundingreceived",
        "fundingreceivedyear",
        "awardyear",
        "claim",
        "payment",
    }
    expected = 403 if model in written_by_services else 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == expected
    obj = model_class.objects.first()
    assert obj is not None, "the demo data (and the fixture) have one of each"
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == 200


def test_admin_changelists_search_and_filter(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:grants_fundedproject_changelist"), {"q": "IDVA"})
    assert "Complex Needs IDVA" in response.content.decode()
    response = admin_client_demo.get(reverse("admin:grants_spendingplan_changelist"), {"status__exact": "draft"})
    assert "Safer Plymouth" in response.content.decode()


def test_non_staff_users_cannot_open_the_admin(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url


def _import(client, plan, content, name, fmt_index, confirm=False):
    response = client.post(
        reverse("admin:grants_fundedproject_import"),
        {"format": fmt_index, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )
    return response


def _format_index(client, extension):
    response = client.get(reverse("admin:grants_fundedproject_import"))
    form = response.context["form"]
    return next(value for value, label in form.fields["format"].choices if label == extension)


def test_plan_lines_import_from_csv_with_a_preview_before_anything_is_saved(admin_client_demo, plymouth_plan):
    csv = (
        "plan,number,title,amount_allocated,pcc_priorities\n"
        f'{plymouth_plan.pk},7,Mental health crisis support,"£23,000","2. Preventing and deterring crime"\n'
    ).encode()
    response = _import(admin_client_demo, plymouth_plan, csv, "lines.csv", _format_index(admin_client_demo, "csv"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mental health crisis support" in content and "New" in content
    assert not plymouth_plan.projects.filter(number=7).exists(), "the preview saves nothing"
    confirm = response.context["confirm_form"]
    response = admin_client_demo.post(
        reverse("admin:grants_fundedproject_process_import"), confirm.initial, follow=True
    )
    assert response.status_code == 200
    line = plymouth_plan.projects.get(number=7)
    assert str(line.amount_allocated) == "23000.00"
    assert [p.number for p in line.pcc_priorities.all()] == [2]
    assert plymouth_plan.unallocated == 0


def test_an_import_that_would_exceed_the_award_is_refused_with_the_row_at_fault(admin_client_demo, plymouth_plan):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["plan", "number", "title", "amount_allocated"])
    sheet.append([plymouth_plan.pk, 7, "Too much", "£30,000"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _import(
        admin_client_demo, plymouth_plan, buffer.getvalue(), "lines.xlsx", _format_index(admin_client_demo, "xlsx")
    )
    content = response.content.decode()
    assert "£7,000.00 more than the award of £400,568.00" in content
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not plymouth_plan.projects.filter(number=7).exists()


def test_plan_lines_export_to_csv(admin_client_demo, plymouth_plan):
    response = admin_client_demo.post(
        reverse("admin:grants_fundedproject_export"),
        {
            "format": _format_index(admin_client_demo, "csv"),
            "resource": "0",
            **{
                f"fundedprojectresource_{f}": "on"
                for f in ("plan", "number", "title", "amount_allocated", "pcc_priorities")
            },
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "210000.00" in text and "Plymouth Domestic Abuse Service" in text

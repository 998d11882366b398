"""The one writer of plan content (grants/services/plan_content.py): the editor, the import, a variation or
roll-forward copy and the demo loader all save through it, so the same bad content is refused the same way
whichever path it comes by, nothing is half-saved, and copying a large plan costs no more queries than a small
one."""

import shutil
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import demo as demo_module
from grants.models import FundedProject, SpendingPlan, SubItem
from grants.services.copying import plan_copy_contents
from grants.services.editing import project_save
from grants.services.importing import ImportRefused, plan_import_lines, plan_import_read
from grants.services.plan_content import (
    MatchFundingInput,
    MeasureInput,
    PlanContentRefused,
    ProjectInput,
    SubItemInput,
    projects_write,
)
from priorities.models import Priority
from tests.factories import PoliceAndCrimePlanFactory
from tests.grants.editor_helpers import project_data, sub_item

pytestmark = pytest.mark.django_db

D = Decimal
SUB_ITEMS_WRONG = "The sub-items add up to £9,000.00, £1,000.00 less than the amount allocated of £10,000.00"


def _variation(plan):
    return SpendingPlan.objects.create(award=plan.award, version=plan.version + 1, title=plan.title)


def _bad_project(plan) -> ProjectInput:
    return ProjectInput(
        title="Youth diversion",
        amount_allocated=D("10000.00"),
        sub_items=[SubItemInput("A", "Detached work", D("6000.00")), SubItemInput("B", "Sports", D("3000.00"))],
    )


# --- the same rule, whichever way the content comes --------------------------------------------------------------


def test_the_editor_refuses_sub_items_that_do_not_add_up(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    data = project_data(
        plymouth_plan,
        amount_allocated="£10,000",
        sub_items=[sub_item("A", "Detached work", "6,000"), sub_item("B", "Sports", "3,000")],
    )
    content = client.post(reverse("grants:project-add", args=[plymouth_plan.pk]), data).content.decode()
    assert SUB_ITEMS_WRONG in content
    assert plymouth_plan.projects.count() == 6


def _import_refused(plan, officer, content: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        plan_import_lines(
            plan=plan,
            sheet=plan_import_read(SimpleUploadedFile("lines.csv", content)),
            mode="add",
            filename="lines.csv",
            by=officer,
            expected_revision=plan.revision,
        )
    return refused.value


def test_the_import_refuses_the_same_sub_items_with_the_same_words(demo_user, plymouth_plan):
    content = b"Number,Title,Amount allocated\n7,Youth diversion,10000\nA,Detached work,6000\nB,Sports,3000\n"
    refused = _import_refused(plymouth_plan, demo_user("officer.plymouth"), content)
    assert any(str(p).startswith(f"Row 2, Amount allocated: {SUB_ITEMS_WRONG}") for p in refused.parsed.problems)
    assert plymouth_plan.projects.count() == 6


def test_a_variation_copy_refuses_content_that_breaks_a_rule_and_saves_nothing(plymouth_plan):
    """Content that broke a rule by another way (an update outside the app) is not carried into a new version."""
    line4 = plymouth_plan.projects.get(number=4)
    SubItem.objects.filter(project=line4, label="D").update(amount=D("7000.00"))  # was £8,000
    variation = _variation(plymouth_plan)
    with pytest.raises(PlanContentRefused) as refused:
        plan_copy_contents(source=plymouth_plan, target=variation)
    assert (
        "Workforce development and communication: The sub-items add up to £24,000.00, £1,000.00 less than the "
        "amount allocated of £25,000.00" in refused.value.messages[0]
    )
    assert not variation.projects.exists() and not variation.risks.exists()


def test_the_demo_loader_refuses_seed_data_that_breaks_a_rule(tmp_path, monkeypatch, settings, db):
    for source in demo_module.DATA_DIR.glob("*.toml"):
        text = source.read_text()
        if "safer-plymouth" in text:  # line 4's sub-item A: £8,000 in the seed
            text = text.replace('amount = "8000.00"', 'amount = "9000.00"', 1)
        (tmp_path / source.name).write_text(text)
    shutil.copytree(demo_module.DATA_DIR / "illustrative", tmp_path / "illustrative")
    monkeypatch.setattr(demo_module, "DATA_DIR", tmp_path)
    with pytest.raises(ValidationError, match="£26,000.00, £1,000.00 more than the amount allocated of £25,000.00"):
        demo_module.demo_load(password=settings.DEMO_PASSWORD)
    assert not SpendingPlan.objects.exists()


def test_priorities_from_another_force_areas_plan_are_refused_by_every_path(plymouth_plan):
    other = PoliceAndCrimePlanFactory()
    stranger = Priority.objects.create(plan=other, number=1, title="Elsewhere")
    data = ProjectInput(title="Youth diversion", amount_allocated=D("100.00"), pcc_priorities=[stranger])
    with pytest.raises(PlanContentRefused) as refused:
        projects_write(plan=plymouth_plan, projects=[data])
    [message] = refused.value.message_dict["pcc_priorities"]
    assert "choose priorities from the Police and Crime Plan 2017-2021" in message


def test_the_award_is_a_limit_for_the_editor_but_not_for_rolling_forward(plymouth_plan):
    data = ProjectInput(title="Too much", amount_allocated=D("23000.01"))
    with pytest.raises(PlanContentRefused) as refused:
        projects_write(plan=plymouth_plan, projects=[data])
    assert refused.value.message_dict["amount_allocated"] == [
        "The plan would allocate £400,568.01, which is £0.01 more than the award of £400,568.00."
    ]
    projects_write(plan=plymouth_plan, projects=[data], check_award=False)  # what rolling forward does
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).allocated == D("400568.01")


def test_a_frozen_plan_is_refused_before_anything_is_checked(plymouth_plan):
    SpendingPlan.objects.filter(pk=plymouth_plan.pk).update(status=SpendingPlan.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="with its reviewers"):
        projects_write(plan=plymouth_plan, projects=[_bad_project(plymouth_plan)])


def test_the_editor_keeps_the_stale_save_check_and_the_history(demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")
    saved = project_save(
        plan=plymouth_plan,
        data=ProjectInput(title="Crisis café", amount_allocated=D("23000.00")),
        by=officer,
        expected_revision=plymouth_plan.revision,
    )
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    assert saved.number == 7 and plan.revision == plymouth_plan.revision + 1
    assert plan.history.first().history_change_reason == "Added funded project 7: Crisis café"
    with pytest.raises(ValidationError, match="Someone else saved this plan"):
        project_save(
            plan=plan,
            data=ProjectInput(title="Crisis café", amount_allocated=D("1.00")),
            by=officer,
            expected_revision=plymouth_plan.revision,
            project=saved,
        )


# --- in bulk, in a fixed number of queries -----------------------------------------------------------------------


def _lines(plan, count: int) -> list[ProjectInput]:
    priorities = list(plan.police_and_crime_plan.priorities.all()[:2])
    return [
        ProjectInput(
            title=f"Line {number}",
            amount_allocated=D("100.00"),
            number=number,
            pcc_priorities=priorities,
            sub_items=[SubItemInput("A", "Part one", D("60.00")), SubItemInput("B", "Part two", D("40.00"))],
            measures=[MeasureInput("Reach"), MeasureInput("Part one reach", sub_item_label="A")],
            match_funding=[MatchFundingInput("NHS England", D("50.00"))],
        )
        for number in range(1, count + 1)
    ]


def _copy_queries(plymouth_plan, count: int) -> int:
    plymouth_plan.projects.all().delete()
    projects_write(plan=plymouth_plan, projects=_lines(plymouth_plan, count), check_award=False)
    SpendingPlan.objects.filter(award=plymouth_plan.award, version__gt=1).delete()
    source = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    variation = _variation(source)
    with CaptureQueriesContext(connection) as queries:
        plan_copy_contents(source=source, target=variation)
    assert variation.projects.count() == count
    assert FundedProject.objects.get(plan=variation, number=count).sub_items.count() == 2
    return len(queries)


def test_copying_a_60_line_plan_costs_the_same_queries_as_a_6_line_one(plymouth_plan):
    small = _copy_queries(plymouth_plan, 6)
    large = _copy_queries(plymouth_plan, 60)
    assert large == small
    assert large <= 41  # 40, and the target's new content stamp (grants/fragments.py)


def test_importing_60_lines_costs_the_same_queries_as_6(demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")

    def queries_for(count):
        rows = ["Number,Title,Amount allocated,Match funding"]
        rows += [f'{n},Line {n},100,"NHS England: £10"' for n in range(1, count + 1)]
        sheet = plan_import_read(SimpleUploadedFile("lines.csv", "\n".join(rows).encode()))
        plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
        with CaptureQueriesContext(connection) as queries:
            plan_import_lines(
                plan=plan, sheet=sheet, mode="replace", filename="x.csv", by=officer, expected_revision=plan.revision
            )
        return len(queries)

    queries_for(6)  # the seed's 6 lines replaced by 6: then 6 lines changed in place, measured
    six = queries_for(6)
    queries_for(60)  # 54 lines added; then 60 lines changed in place, measured
    assert queries_for(60) == six


def test_the_writers_refusals_are_reported_against_the_spreadsheets_rows_and_columns(demo_user, plymouth_plan):
    content = (
        "Number,Title,Amount allocated,Outcome measures,Match funding\n"
        "7,Youth diversion,-£5,,\n"
        "8,Street pastors,£100,Fewer call-outs (target: below 120%),\n"
        '9,Crisis café,£200,,"NHS England: £10\nNHS England: £1,000.005"\n'
        "A,Part one,£100,,\n"
        "A,Part two,£100,,\n"
    ).encode()
    refused = _import_refused(plymouth_plan, demo_user("officer.plymouth"), content)
    problems = [str(problem) for problem in refused.parsed.problems]
    assert "Row 2, Amount allocated: Enter an amount of £0.00 or more." in problems
    assert "Row 3, Outcome measures: A percentage target is between 0 and 100." in problems
    assert "Row 6, Number: Sub-item A is given twice: give each sub-item its own letter." in problems
    # What the reader finds is reported with what the writer finds, all at once.
    assert any(problem.startswith("Row 4, Match funding: 'NHS England: £1,000.005'") for problem in problems)
    assert plymouth_plan.projects.count() == 6

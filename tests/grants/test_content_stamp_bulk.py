"""Bulk writes of a plan's content renew its `content_stamp` themselves (`PlanContentQuerySet`): a queryset
`update()`, `bulk_update()` and `bulk_create()` send no signal, and the plan page keeps a draft's rows under the
stamp (grants/fragments.py). Each test opens the page (its rows are kept), writes the way no signal hears, and
opens it again; a queryset `delete()` sends its signals for each row and is checked beside them."""

from decimal import Decimal

import pytest
from django.db import transaction

from grants.models import (
    FundedProject,
    MatchFunding,
    OutcomeMeasure,
    PlanSection,
    RiskItem,
    SpendingPlan,
    SubItem,
    SupportingDocument,
)
from tests.grants.test_plan_page_draft_cache import first_line, table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def stamp(plan) -> str:
    return SpendingPlan.objects.values_list("content_stamp", flat=True).get(pk=plan.pk)


def test_a_lines_update_shows(draft, client):
    FundedProject.objects.filter(pk=first_line(draft).pk).update(title="Street triage, updated in bulk")
    assert "1. Street triage, updated in bulk" in table(client, draft)


def test_an_update_through_the_plans_related_manager_shows(draft, client):
    draft.projects.filter(number=1).update(title="Street triage, through the plan")
    assert "1. Street triage, through the plan" in table(client, draft)


def test_a_sub_items_update_shows(draft, client):
    line = first_line(draft)
    item = SubItem.objects.create(project=line, label="Z", title="A sub-item added", amount=Decimal("1.00"))
    assert "Z. A sub-item added" in table(client, draft)
    SubItem.objects.filter(pk=item.pk).update(title="A sub-item renamed in bulk")
    assert "Z. A sub-item renamed in bulk" in table(client, draft)


def test_a_measures_update_shows(draft, client):
    line = first_line(draft)
    OutcomeMeasure.objects.create(project=line, position=99, description="Calls answered in time")
    assert "Calls answered in time" in table(client, draft)
    OutcomeMeasure.objects.filter(project=line, position=99).update(description="Calls answered within a minute")
    assert "Calls answered within a minute" in table(client, draft)


def test_match_funding_update_shows(draft, client):
    line = first_line(draft)
    MatchFunding.objects.create(project=line, source="The Lottery Fund", amount=Decimal("500.00"))
    assert "(The Lottery Fund)" in table(client, draft)
    MatchFunding.objects.filter(project=line).update(source="The Heritage Fund")
    assert "(The Heritage Fund)" in table(client, draft) and "(The Lottery Fund)" not in table(client, draft)


def test_a_bulk_update_of_lines_shows(draft, client):
    lines = list(draft.projects.order_by("number")[:2])
    for line in lines:
        line.title = f"Renamed by bulk_update {line.number}"
    FundedProject.objects.bulk_update(lines, ["title"])
    shown = table(client, draft)
    assert "1. Renamed by bulk_update 1" in shown and "2. Renamed by bulk_update 2" in shown


def test_a_bulk_update_of_sub_items_shows(draft, client):
    line = first_line(draft)
    item = SubItem.objects.create(project=line, label="Z", title="A sub-item added", amount=Decimal("1.00"))
    assert "Z. A sub-item added" in table(client, draft)
    item.title = "A sub-item renamed by bulk_update"
    SubItem.objects.bulk_update([item], ["title"])
    assert "Z. A sub-item renamed by bulk_update" in table(client, draft)


def test_a_bulk_create_shows(draft, client):
    line = first_line(draft)
    MatchFunding.objects.bulk_create([MatchFunding(project=line, source="The Bulk Fund", amount=Decimal("250.00"))])
    assert "(The Bulk Fund)" in table(client, draft)
    OutcomeMeasure.objects.bulk_create([OutcomeMeasure(project=line, position=98, description="Made in bulk")])
    assert "Made in bulk" in table(client, draft)


def test_a_bulk_create_of_lines_shows(draft, client):
    last = draft.projects.order_by("number").last().number
    FundedProject.objects.bulk_create(
        [FundedProject(plan=draft, number=last + 1, title="A line made in bulk", amount_allocated=Decimal("1.00"))]
    )
    assert f"{last + 1}. A line made in bulk" in table(client, draft)


def test_a_queryset_delete_shows(draft, client):
    line = first_line(draft)
    MatchFunding.objects.create(project=line, source="The Lottery Fund", amount=Decimal("500.00"))
    assert "(The Lottery Fund)" in table(client, draft)
    MatchFunding.objects.filter(project__plan=draft).delete()
    assert "(The Lottery Fund)" not in table(client, draft)


@pytest.mark.parametrize(
    "write",
    [
        lambda plan: RiskItem.objects.filter(plan=plan).update(initiative="Changed in bulk"),
        lambda plan: PlanSection.objects.filter(plan=plan).update(text="Changed in bulk"),
        lambda plan: SubItem.objects.filter(project__plan=plan).update(title="Changed in bulk"),
        lambda plan: OutcomeMeasure.objects.filter(project__plan=plan).update(description="Changed in bulk"),
    ],
    ids=["risks", "sections", "sub-items", "measures"],
)
def test_every_content_models_update_gives_a_new_stamp(draft, write):
    before = stamp(draft)
    assert write(draft) > 0
    assert stamp(draft) != before


def test_a_supporting_documents_update_and_bulk_create_give_new_stamps(draft):
    """A document of the plan as a whole is content too (its list is read on every request, but its row is frozen
    with the version): the anonymisation of its uploader's name, for one, is an `update()`."""
    document = SupportingDocument(
        plan=draft, name="minutes.pdf", file="supporting-documents/minutes.pdf", content_type="application/pdf",
        size=1, uploaded_by_name="A. Officer",
    )  # fmt: skip
    before = stamp(draft)
    SupportingDocument.objects.bulk_create([document])
    assert stamp(draft) != before
    before = stamp(draft)
    assert SupportingDocument.objects.filter(plan=draft).update(uploaded_by_name="A former officer") == 1
    assert stamp(draft) != before


def test_an_update_that_touches_nothing_gives_no_stamp(draft):
    before = stamp(draft)
    assert FundedProject.objects.filter(plan=draft, number=999).update(title="Nobody") == 0
    assert stamp(draft) == before


def test_a_line_moved_to_another_plan_renews_both(draft, southglos_plan):
    other = SpendingPlan.objects.get(pk=southglos_plan.pk)
    before = stamp(draft), stamp(other)
    last = other.projects.order_by("number").last().number
    FundedProject.objects.filter(pk=first_line(draft).pk).update(plan=other, number=last + 1)
    assert stamp(draft) != before[0] and stamp(other) != before[1]


def test_the_stamp_is_renewed_in_the_writes_own_transaction(draft, client):
    """Rolled back with the write (a reader never keeps old rows under a stamp the database never committed),
    and renewed before the write's transaction ends."""
    before = stamp(draft)
    with transaction.atomic():
        FundedProject.objects.filter(pk=first_line(draft).pk).update(title="Never committed")
        assert stamp(draft) != before
        transaction.set_rollback(True)
    assert stamp(draft) == before and "Never committed" not in table(client, draft)


def test_the_one_writer_gives_one_stamp_for_its_bulk_writes(draft):
    """Inside `writing_content` the plan is stamped once, when the block ends, whatever it writes in bulk."""
    before = stamp(draft)
    with transaction.atomic(), SpendingPlan.writing_content(draft.pk):
        FundedProject.objects.filter(plan=draft).update(outline="Written by the one writer")
        assert stamp(draft) == before
    assert stamp(draft) != before

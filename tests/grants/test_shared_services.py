"""The shared building blocks later features use: copying a plan, comparing plans, rendering documents."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants.documents.pdf import render_pdf
from grants.documents.word import WordDocument
from grants.models import SpendingPlan
from grants.services.comparison import plan_diff, plan_snapshot
from grants.services.copying import plan_copy_contents
from priorities.models import PoliceAndCrimePlan
from tests.documents import docx_text, pdf_text, pdf_to_pngs, png_is_not_blank
from tests.factories import GrantAwardFactory, SpendingPlanFactory

pytestmark = pytest.mark.django_db


def _variation_of(plan):
    return SpendingPlan.objects.create(award=plan.award, version=plan.version + 1, title=plan.title)


def test_a_copy_carries_every_line_and_keeps_the_figures(plymouth_plan):
    variation = _variation_of(plymouth_plan)
    report = plan_copy_contents(source=plymouth_plan, target=variation)
    assert not report.unmapped_priorities and not report.unmapped_local_priorities
    assert variation.allocated == plymouth_plan.allocated == Decimal("377568.00")
    assert variation.match_funding_total == Decimal("44450.00")
    assert variation.risks.count() == 3
    line4 = variation.projects.get(number=4)
    assert line4.sub_items.count() == 4 and line4.sub_items_add_up
    assert line4.outcome_measures.filter(sub_item__label="C").count() == 5
    assert [p.number for p in variation.projects.get(number=3).pcc_priorities.all()] == [2, 3, 4]
    assert set(variation.projects.values_list("line_id", flat=True)) == set(
        plymouth_plan.projects.values_list("line_id", flat=True)
    )


def test_a_copy_into_a_plan_with_lines_is_refused(plymouth_plan):
    with pytest.raises(ValidationError, match="empty plan"):
        plan_copy_contents(source=plymouth_plan, target=plymouth_plan)


def test_rolling_forward_remaps_priorities_by_number_and_flags_what_does_not_map(plymouth_plan):
    area = plymouth_plan.partnership.force_area
    new_pcp = PoliceAndCrimePlan.objects.create(
        force_area=area, title="Police and Crime Plan 2021-2025", starts_on="2021-04-01", ends_on="2025-03-31"
    )
    for number in (1, 2, 3):
        new_pcp.priorities.create(number=number, title=f"New priority {number}")
    next_year = SpendingPlanFactory(
        award=GrantAwardFactory(
            partnership=plymouth_plan.partnership,
            funding_stream=plymouth_plan.award.funding_stream,
            financial_year="2021/22",
            amount=Decimal("400568.00"),
        )
    )
    report = plan_copy_contents(source=plymouth_plan, target=next_year)
    line1 = next_year.projects.get(number=1)
    assert [p.title for p in line1.pcc_priorities.all()] == ["New priority 3"]
    assert (line1, plymouth_plan.police_and_crime_plan.priorities.get(number=4)) in report.unmapped_priorities
    assert len(report.unmapped_local_priorities) == 4  # no 2021/22 strategic assessment loaded
    # Line 1's contract ended in November 2020 and line 2's in March 2021: both need re-commissioning.
    assert [p.number for p in report.contracts_ending] == [1, 2]
    assert report.needs_attention


def test_the_difference_between_versions_is_given_line_by_line(plymouth_plan):
    before = plan_snapshot(plymouth_plan)
    variation = _variation_of(plymouth_plan)
    plan_copy_contents(source=plymouth_plan, target=variation)
    assert not plan_diff(before, plan_snapshot(variation)).has_changes
    line5 = variation.projects.get(number=5)
    line5.amount_allocated = Decimal("15000.00")
    line5.save()
    variation.projects.filter(number=6).delete()
    variation.projects.create(number=7, title="Mental health crisis support", amount_allocated=Decimal("23000.00"))
    diff = plan_diff(before, plan_snapshot(variation))
    kinds = [(change.kind, change.number) for change in diff.lines]
    assert kinds == [("changed", 5), ("added", 7), ("removed", 6)]
    changed = diff.lines[0]
    assert [(c.label, c.old, c.new) for c in changed.changes] == [("Amount allocated", "£10,000.00", "£15,000.00")]
    assert changed.amount_change == Decimal("5000.00")
    assert diff.allocated_after - diff.allocated_before == Decimal("5000.00") + Decimal("23000.00") - Decimal(
        "13993.00"
    )


def test_word_documents_write_outlines_and_tables():
    document = WordDocument(title="Test", landscape=True)
    document.title("Safer Plymouth")
    document.summary([("Grant total", "£400,568.00")])
    document.table(
        ["Project", "Amount"],
        [[document.cell_outline("Includes:\n- Refuge\n- IDVA service", heading="1. DA service"), "£210,000.00"]],
        numeric=[1],
    )
    text = docx_text(document.to_bytes())
    assert "Grant total" in text and "£400,568.00" in text
    assert "1. DA service" in text and "• Refuge" in text


def test_pdfs_render_from_templates_and_show_their_text(tmp_path, plymouth_plan):
    pdf = render_pdf("documents/test_page.html", {"plan": plymouth_plan})
    assert pdf.startswith(b"%PDF")
    assert "£377,568.00" in pdf_text(pdf)
    pages = pdf_to_pngs(pdf, tmp_path)
    assert pages and all(png_is_not_blank(page) for page in pages)


def test_pdfs_cannot_fetch_from_the_network(plymouth_plan):
    pdf = render_pdf("documents/test_page.html", {"plan": plymouth_plan, "remote": "http://example.org/x.png"})
    assert pdf.startswith(b"%PDF")  # the image is refused, the document still renders

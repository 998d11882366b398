"""The PCC's decision notice, issued when the PCC and the Treasurer have both signed off: reference number,
title, lead officer, summary and amounts, declarations, both sign-offs with dates, and the plan itself."""

import pytest

from grants.documents.decision_notice import decision_notice_docx, decision_notice_pdf
from grants.services.variations import plan_vary
from grants.services.workflow import plan_decide, plan_declare_interest
from tests.documents import docx_text, pdf_text, pdf_to_pngs, png_is_not_blank
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_plan(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")
    plan_declare_interest(
        plan=plymouth_plan,
        by=board,
        project=plymouth_plan.projects.get(number=2),
        interest="I am a trustee of First Light.",
    )
    plan_decide(plan=plymouth_plan, by=board, action="approve", conditions="- Quarterly performance returns")
    drive(plymouth_plan, demo_user, PLYMOUTH_PATH[3:])
    return plymouth_plan


EXPECTED = [
    "DC/2020-21/001",
    "Safer Plymouth: Devon & Cornwall PCC community safety grant spending plan 2020/21",
    "Chris Walker, Commissioning officer (OPCC officer, Devon & Cornwall)",
    "£377,568.00 allocated to 6 funded projects, with £23,000.00 unallocated",
    "£400,568.00",
    "£44,450.00",
    "Quarterly performance returns",
    "I am a trustee of First Light.",
    "Morgan Price",
    "Nikhil Shah",
    "Treasurer (Chief Finance Officer)",
    "Supporting information: the spending plan",
    "Plymouth Domestic Abuse Service",
    "Re-referral rate is below 20%",
]


def test_the_word_notice_holds_everything_the_pcc_publishes(approved_plan):
    text = docx_text(decision_notice_docx(approved_plan))
    for expected in EXPECTED:
        assert expected in text, expected
    sign_off = approved_plan.decision_notice.pcc_decision.decided_at
    assert f"{sign_off:%d %B %Y}" in text


def test_the_pdf_notice_reads_the_same_and_renders_every_page(approved_plan, tmp_path):
    pdf = decision_notice_pdf(approved_plan)
    text = " ".join(pdf_text(pdf).split())
    for expected in EXPECTED:
        assert " ".join(expected.split()) in text, expected
    pages = pdf_to_pngs(pdf, tmp_path)
    assert len(pages) >= 3 and all(png_is_not_blank(page) for page in pages)


def test_a_variations_notice_says_what_it_changes(approved_plan, demo_user):
    from decimal import Decimal

    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    variation.projects.create(number=7, title="Mental health crisis support", amount_allocated=Decimal("23000.00"))
    drive(variation, demo_user)
    text = docx_text(decision_notice_docx(variation))
    assert "DC/2020-21/002" in text
    assert "approves variation 2 of Safer Plymouth's 2020/21 spending plan, which replaces version 1" in text
    assert "moves £23,000.00" in text and "Mental health crisis support" in text and "+£23,000.00" in text
    assert "Allocated in version 1" in text

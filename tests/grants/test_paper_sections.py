"""Issue 9: the board paper reads like the partnership's own. The plan has the seed paper's narrative sections
(Background, Context, the Crime and Community Safety Assessment, Priorities, Recommendations, Risks, Next steps),
written as plain text with paragraphs and "- " bullets and shown escaped; they go with the plan into a variation
and into next year's plan; the OPCC chooses which sections its area asks for; the PDF keeps each heading with what
follows it and the demo Plymouth paper is at most 8 A4 pages; the Word paper has the same sections."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from grants.models import AreaPaperSections, PaperSection, PlanSection
from grants.services.variations import plan_vary
from tests.documents import docx_text, pdf_text, pdf_to_pngs
from tests.workflow import drive

pytestmark = pytest.mark.django_db

SEED_HEADINGS = [
    "1. Background",
    "2. Context",
    "3. Crime and Community Safety Assessment",
    "4. Priorities",
    "5. Recommendations",
    "6. Risks",
    "7. Next steps",
    "8. Approvals",
]


def sections_url(plan):
    return reverse("grants:plan-edit-sections", args=[plan.pk])


def test_the_demo_plymouth_plan_has_the_seed_papers_sections_on_its_page(client, demo_user, plymouth_plan):
    assert set(plymouth_plan.sections.values_list("kind", flat=True)) == set(PaperSection.values)
    client.force_login(demo_user("board.plymouth"))
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    for heading in ["Background", "Context", "Crime and Community Safety Assessment", "Priorities", "Next steps"]:
        assert f">{heading}</h2>" in page, heading
    assert "<li>protect their local communities from crime;</li>" in page
    assert "Overall recorded crime in Plymouth increased by 3.6%" in page
    # Recommendations lead into the table; the risks' text into the risks and watch items.
    assert page.index('id="section-recommendations"') < page.index('id="funded-projects"')
    assert page.index('id="section-risks"') < page.index("Areas that may pose a risk, or initiatives")


def test_the_officer_writes_the_sections_and_they_are_shown_escaped(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(sections_url(plymouth_plan)).content.decode()
    assert "Crime and Community Safety Assessment" in page and 'name="next_steps"' in page
    response = client.post(
        sections_url(plymouth_plan),
        {
            "revision": plymouth_plan.revision,
            "background": "Why we exist.\r\n\r\n- <script>alert(1)</script>\r\n- help people feel safer",
            "context": "",
        },
    )
    assert response.status_code == 302
    assert PlanSection.objects.get(plan=plymouth_plan, kind="background").text.startswith("Why we exist.\n\n- ")
    assert not PlanSection.objects.filter(plan=plymouth_plan, kind="context").exists()  # emptied: left out
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in page and "<script>alert(1)" not in page
    assert 'id="section-context"' not in page
    history = client.get(reverse("grants:plan-history", args=[plymouth_plan.pk])).content.decode()
    assert "Changed the sections of the board paper" in history


def test_a_section_too_long_is_refused_beside_its_box(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(sections_url(plymouth_plan), {"revision": plymouth_plan.revision, "context": "x" * 20001})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "govuk-error-message" in page
    assert PlanSection.objects.get(plan=plymouth_plan, kind="context").text.startswith("Safer Plymouth is")


def test_only_the_officer_may_write_the_sections(client, demo_user, plymouth_plan):
    client.force_login(demo_user("board.plymouth"))
    assert client.post(sections_url(plymouth_plan), {"background": "Taken over"}).status_code in (302, 403)
    assert not PlanSection.objects.filter(text="Taken over").exists()
    client.force_login(demo_user("officer.southglos"))
    assert client.get(sections_url(plymouth_plan)).status_code == 404


def test_the_editor_lists_the_sections_as_a_part_of_the_plan(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).content.decode()
    assert "Sections of the board paper" in page
    assert re.search(r'id="task-sections-status">\s*Completed', page)
    plymouth_plan.sections.filter(kind="assessment").delete()
    page = client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).content.decode()
    assert re.search(r'id="task-sections-status"><strong class="govuk-tag govuk-tag--blue">Incomplete', page)
    check = client.get(reverse("grants:plan-check", args=[plymouth_plan.pk])).content.decode()
    assert "Crime and Community Safety Assessment section is empty: Devon &amp; Cornwall asks for it." in check
    assert f"{sections_url(plymouth_plan)}#div_id_assessment" in check


def test_the_sections_go_with_the_plan_into_a_variation(demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    assert dict(variation.sections.values_list("kind", "text")) == dict(
        plymouth_plan.sections.values_list("kind", "text")
    )


def test_the_opcc_chooses_the_sections_its_area_asks_for(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    home = client.get(reverse("home")).content.decode()
    assert "Sections of board papers, Devon &amp; Cornwall" in home and "All sections" in home
    url = reverse("grants:paper-sections", args=["devon-and-cornwall"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kinds": ["background", "recommendations", "next_steps"]})
    assert response.status_code == 302
    assert AreaPaperSections.objects.get(force_area__slug="devon-and-cornwall").kinds == [
        "background",
        "recommendations",
        "next_steps",
    ]
    # A new plan's officer sees only the sections asked for; text already written is kept and still shown.
    plymouth_plan.sections.exclude(kind__in=["background", "context"]).delete()
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(sections_url(plymouth_plan)).content.decode()
    assert 'name="background"' in page and 'name="context"' in page  # context: not asked, but written
    assert 'name="assessment"' not in page and 'name="next_steps"' in page


def test_only_the_areas_opcc_chooses_the_sections(client, demo_user):
    url = reverse("grants:paper-sections", args=["devon-and-cornwall"])
    for username in ("board.plymouth", "opcc.avon", "pcc.devon"):
        client.force_login(demo_user(username))
        assert client.post(url, {"kinds": ["background"]}).status_code == 404, username
    assert not AreaPaperSections.objects.exists()


def _pages(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext separates pages with a form feed), footer removed."""
    pages = pdf_text(pdf).split("\f")
    return [re.sub(r"\s*Page \d+ of \d+\s*$", "", page.rstrip()) for page in pages if page.strip()]


def test_the_pdf_has_the_seed_papers_sections_in_at_most_eight_pages_with_no_heading_left_alone(
    client, demo_user, plymouth_plan, tmp_path
):
    client.force_login(demo_user("officer.plymouth"))
    pdf = client.get(reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"])).content
    assert len(pdf_to_pngs(pdf, tmp_path, resolution=20)) <= 8
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    positions = [text.index(heading) for heading in ["Purpose", *SEED_HEADINGS]]
    assert positions == sorted(positions)  # in the seed paper's order
    headings = {*SEED_HEADINGS, "How the outcomes will be measured"} | {
        f"{project.number}. {project.title}" for project in plymouth_plan.projects.all()
    }
    pages = _pages(pdf)
    for number, page in enumerate(pages[:-1], start=1):
        last_line = " ".join(page.strip().splitlines()[-1].split())
        assert not any(last_line.startswith(heading) for heading in headings), (number, last_line)


def test_the_word_paper_has_the_same_sections(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])).content
    text = docx_text(content)
    positions = [text.index(heading) for heading in ["Purpose", *SEED_HEADINGS]]
    assert positions == sorted(positions)
    assert "Overall recorded crime in Plymouth increased by 3.6%" in text
    assert "Safer Plymouth executive group to discuss and secure agreement" in text


def test_the_sections_go_with_the_plan_into_next_years_plan(demo_user, plymouth_plan):
    from grants.services.starting import plan_start
    from tests.factories import GrantAwardFactory

    drive(plymouth_plan, demo_user)
    award = GrantAwardFactory(
        partnership=plymouth_plan.partnership,
        funding_stream=plymouth_plan.award.funding_stream,
        financial_year="2021/22",
        amount=plymouth_plan.award.amount,
    )
    plan = plan_start(award=award, by=demo_user("officer.plymouth"), roll_forward=True)
    assert dict(plan.sections.values_list("kind", "text")) == dict(plymouth_plan.sections.values_list("kind", "text"))

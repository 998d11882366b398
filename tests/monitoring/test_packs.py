"""Performance packs (issue 11, item 7 and item 5): the CSP pack's charts (RAG counts per period, spend per
project) and the OPCC's pack across its CSPs (by partnership, by Police and Crime Plan priority, by theme,
exceptions, spend per CSP and per funding stream), its figures to the penny, who may see it, and its PDF and Word.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from grants import rag
from grants.figures.monitoring import Spend
from grants.figures.packs import RagCounts, area_pack, area_pack_periods, performance_pack, spend_bars
from grants.models import SpendingPlan
from tests.factories import (
    ForceAreaFactory,
    FundedProjectFactory,
    FundingStreamFactory,
    GrantAwardFactory,
    MeasureResultFactory,
    OutcomeMeasureFactory,
    PartnershipFactory,
    PaymentFactory,
    PerformanceReturnFactory,
    PriorityFactory,
    ReportingPeriodFactory,
    SpendForecastFactory,
    SpendingPlanFactory,
    ThematicGroupFactory,
)
from tests.factories.partnerships import officer_of, opcc_of, pcc_of, treasurer_of

pytestmark = pytest.mark.django_db

YEAR = "2020/21"


def _period(award, number):
    starts = datetime.date(2020, 1 + 3 * number, 1)
    ends = datetime.date(2020, 3 + 3 * number, 30)
    return ReportingPeriodFactory(
        award=award,
        number=number,
        name=f"Q{number} ({starts:%B} to {ends:%B %Y})",
        starts_on=starts,
        ends_on=ends,
        opens_on=ends + datetime.timedelta(days=1),
        due_on=ends + datetime.timedelta(days=14),
    )


def area_with_returns(csps: int = 3, projects: int = 2, name: str = "Devon"):
    """`csps` partnerships, the even ones funded from the PCC grant, the odd ones from the Violence Reduction Fund;
    each with `projects` funded projects of £10,000.00, all serving priority 1 and all but the first priority 2
    too, the first led by the "Safer Families" thematic group. Each project reports £2,500.00 in Q1 (78% against
    at least 75%: green) and £1,000.50 in Q2 (70%: red) with £1,500.25 forecast for Q3. £5,000.00 is paid on
    each award. The first partnership's Q2 returns are certified; the others' are not started, so late."""
    area = ForceAreaFactory(name=name)
    streams = [
        FundingStreamFactory(force_area=area, name="PCC community safety grant"),
        FundingStreamFactory(force_area=area, name="Violence Reduction Fund"),
    ]
    first = PriorityFactory(plan__force_area=area, number=1, title="Reduce violence")
    second = PriorityFactory(plan=first.plan, number=2, title="Protect the vulnerable")
    partnerships = []
    for index in range(csps):
        partnership = PartnershipFactory(force_area=area, name=f"Safer {name} {index}", slug=f"safer-{name}-{index}")
        partnerships.append(partnership)
        award = GrantAwardFactory(partnership=partnership, funding_stream=streams[index % 2], financial_year=YEAR)
        plan = SpendingPlanFactory(award=award)
        group = ThematicGroupFactory(partnership=partnership, name="Safer Families")
        q1, q2, q3 = (_period(award, n) for n in (1, 2, 3))
        PaymentFactory(award=award, amount=D("5000.00"))
        for number in range(1, projects + 1):
            project = FundedProjectFactory(
                plan=plan,
                number=number,
                title=f"Project {number}",
                amount_allocated=D("10000.00"),
                thematic_group=group if number == 1 else None,
            )
            project.pcc_priorities.set([first] if number == 1 else [first, second])
            measure = OutcomeMeasureFactory(project=project, numeric=True, description=f"Engaged {number}")
            r1 = PerformanceReturnFactory(period=q1, project=project, spend_in_period=D("2500.00"), status="accepted")
            MeasureResultFactory(performance_return=r1, measure=measure, value=D("78"))
            r2 = PerformanceReturnFactory(
                period=q2,
                project=project,
                spend_in_period=D("1000.50"),
                status="certified" if index == 0 else "not_started",
            )
            MeasureResultFactory(performance_return=r2, measure=measure, value=D("70"))
            SpendForecastFactory(performance_return=r2, period=q3, amount=D("1500.25"))
        SpendingPlan.objects.filter(pk=plan.pk).update(status=SpendingPlan.Status.APPROVED)  # written as a draft
    return area, partnerships


def test_rag_counts_make_a_stacked_bar_of_exactly_100_per_cent():
    counts = RagCounts(green=1, amber=1, red=1)
    segments = counts.segments
    assert [(r, n, start, width) for r, n, start, width in segments] == [
        (rag.Rag.GREEN, 1, D("0.0"), D("33.3")),
        (rag.Rag.AMBER, 1, D("33.3"), D("33.3")),
        (rag.Rag.RED, 1, D("66.6"), D("33.4")),
        (rag.Rag.NONE, 0, D("100.0"), D("0.0")),
    ]
    assert RagCounts().segments[0][3] == D("0.0")  # nothing reported: no bar, no division by nothing


def test_spend_bars_are_drawn_to_one_scale():
    bars = spend_bars(
        [
            ("A", Spend(allocation=D("10000.00"), year_to_date=D("3500.50"), forecast_remaining=D("1500.25"))),
            ("B", Spend(allocation=D("5000.00"), year_to_date=D("12500.00"))),
        ]
    )
    assert [(b.allocation_width, b.to_date_width, b.outturn_width) for b in bars] == [
        (D("80.0"), D("28.0"), D("40.0")),
        (D("40.0"), D("100.0"), D("100.0")),
    ]
    assert spend_bars([]) == []


def test_the_csp_pack_has_its_charts_data():
    area, partnerships = area_with_returns(csps=1)
    period = partnerships[0].awards.get().reporting_periods.get(number=2)
    pack = performance_pack(period)
    assert [(name, c.green, c.red) for name, c in pack.rag_trend] == [("Q1", 2, 0), ("Q2", 0, 2)]
    bar = pack.spend_chart[0]
    assert bar.label == "1. Project 1"
    assert (bar.spend.year_to_date, bar.spend.forecast_outturn) == (D("3500.50"), D("5000.75"))
    assert (bar.allocation_width, bar.to_date_width, bar.outturn_width) == (D("100.0"), D("35.0"), D("50.0"))


def test_the_area_pack_figures_to_the_penny():
    area, partnerships = area_with_returns(csps=3)
    area_with_returns(csps=1, name="Avon")  # another area: none of its figures count
    pack = area_pack(force_area=area, financial_year=YEAR, number=2)

    assert pack.period_name.startswith("Q2")
    assert [str(p.award.partnership) for p in pack.partnerships] == ["Safer Devon 0", "Safer Devon 1", "Safer Devon 2"]
    first = pack.partnerships[0]
    assert first.statuses == [("Certified, waiting for the OPCC", 2)]
    assert pack.partnerships[1].statuses == [("Not started", 2)]
    assert (first.late, pack.partnerships[1].late, len(pack.late)) == (0, 2, 4)
    assert (first.rag.green, first.rag.red) == (0, 2)
    spend = first.spend
    assert (spend.allocation, spend.in_period, spend.year_to_date) == (D("20000.00"), D("2001.00"), D("7001.00"))
    assert (spend.forecast_outturn, spend.variance, first.paid) == (D("10001.50"), D("9998.50"), D("5000.00"))
    assert (pack.total.allocation, pack.total.year_to_date, pack.paid) == (
        D("60000.00"),
        D("21003.00"),
        D("15000.00"),
    )

    assert [(name, c.green, c.red, c.total) for name, c in pack.rag_trend] == [("Q1", 6, 0, 6), ("Q2", 0, 6, 6)]

    by_priority = {g.label: g for g in pack.by_priority}
    assert list(by_priority) == ["1. Reduce violence", "2. Protect the vulnerable"]
    assert (by_priority["1. Reduce violence"].projects, by_priority["1. Reduce violence"].spend.allocation) == (
        6,
        D("60000.00"),
    )
    protect = by_priority["2. Protect the vulnerable"]
    assert (protect.projects, protect.rag.red, protect.spend.year_to_date) == (3, 3, D("10501.50"))

    by_theme = {g.label: g for g in pack.by_theme}
    assert list(by_theme) == ["Safer Families", "No thematic group given"]
    assert (by_theme["Safer Families"].projects, by_theme["Safer Families"].spend.forecast_outturn) == (
        3,
        D("15002.25"),
    )

    assert len(pack.red_measures) == 6
    assert len(pack.underspending) == 6  # £4,999.25 of £10,000.00 forecast unspent: beyond 10%

    streams = {s.stream.name: s for s in pack.streams}
    pcc = streams["PCC community safety grant"]
    assert (pcc.spend.allocation, pcc.spend.in_period, pcc.spend.year_to_date) == (
        D("40000.00"),
        D("4002.00"),
        D("14002.00"),
    )
    assert (pcc.spend.forecast_outturn, pcc.spend.underspend, pcc.paid, pcc.paid_less_spent) == (
        D("20003.00"),
        D("19997.00"),
        D("10000.00"),
        D("-4002.00"),
    )
    assert streams["Violence Reduction Fund"].spend.allocation == D("20000.00")


def test_the_area_pack_periods_are_listed_newest_first():
    area, _ = area_with_returns(csps=2)  # Q3 has no returns yet: no pack
    assert [(year, number) for year, number, _ in area_pack_periods(area)] == [(YEAR, 2), (YEAR, 1)]


def _url(area, name="grants:area-pack", number=2):
    return reverse(name, kwargs={"area": area.slug, "year": YEAR, "number": number})


def test_the_area_pack_page_shows_every_part(client):
    area, partnerships = area_with_returns(csps=2)
    client.force_login(opcc_of(area))
    page = client.get(_url(area))
    assert page.status_code == 200
    html = page.content.decode()
    for part in (
        "Each partnership's returns",
        "By Police and Crime Plan priority",
        "By theme",
        "Exceptions across the area",
        "Spend by funding stream",
        "Late: Safer Devon 1, 1. Project 1",
        "£20,000.00",
        'id="area-rag-chart"',
        'id="area-spend-chart"',
    ):
        assert part in html, part
    reporting = client.get(reverse("grants:reporting-rules", args=[area.slug])).content.decode()
    assert _url(area) in reporting  # the OPCC's way in


@pytest.mark.parametrize("person", [pcc_of, treasurer_of])
def test_the_pcc_and_treasurer_see_the_area_pack(client, person):
    area, _ = area_with_returns(csps=1)
    client.force_login(person(area))
    assert client.get(_url(area)).status_code == 200


def test_a_partnership_and_another_area_may_not_see_the_area_pack(client):
    area, partnerships = area_with_returns(csps=1)
    other, _ = area_with_returns(csps=1, name="Avon")
    client.force_login(officer_of(partnerships[0]))
    for name in ("grants:area-pack", "grants:area-pack-pdf", "grants:area-pack-docx"):
        assert client.get(_url(area, name)).status_code == 403
    client.force_login(opcc_of(other))
    for name in ("grants:area-pack", "grants:area-pack-pdf", "grants:area-pack-docx"):
        assert client.get(_url(area, name)).status_code == 404
    client.force_login(opcc_of(area))
    assert client.get(_url(area, number=4)).status_code == 404  # no period 4 reported


def test_the_area_pack_pdf_has_its_charts_and_their_data(client, tmp_path):
    from PIL import Image

    from tests.documents import docx_text, pdf_text, pdf_to_pngs, png_is_not_blank

    area, _ = area_with_returns(csps=2)
    client.force_login(opcc_of(area))
    pdf = client.get(_url(area, "grants:area-pack-pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    if os.environ.get("KEEP_PACK"):  # to look at it: KEEP_PACK=/tmp/area-pack.pdf
        Path(os.environ["KEEP_PACK"]).write_bytes(pdf.content)
    text = pdf_text(pdf.content)
    assert "Outcome measures by rating in each period" in text  # the RAG chart's data table
    assert "Allocated £20,000.00, spent to date £7,001.00, forecast outturn £10,001.50" in text  # a spend bar
    assert "Violence Reduction Fund" in text and "Protect the vulnerable" in text and "Safer Families" in text
    pages = pdf_to_pngs(pdf.content, tmp_path, resolution=50)
    assert pages and all(png_is_not_blank(page) for page in pages)
    colours = set()
    for page in pages:
        with Image.open(page) as image:
            colours |= {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}

    def drawn(rgb):
        return any(all(abs(a - b) < 12 for a, b in zip(colour, rgb, strict=True)) for colour in colours)

    assert drawn((0, 112, 60)) and drawn((212, 53, 28))  # the green and red bars of the RAG chart
    assert drawn((29, 112, 184))  # the spend-to-date bars
    word = docx_text(client.get(_url(area, "grants:area-pack-docx")).content)
    assert "Outcome measures by rating in each period" in word and "£10,001.50" in word
    assert "Protect the vulnerable" in word and "Safer Families" in word and "Violence Reduction Fund" in word


def test_the_csp_pack_pdf_draws_its_charts(client, tmp_path):
    from PIL import Image

    from tests.documents import docx_text, pdf_text, pdf_to_pngs

    area, partnerships = area_with_returns(csps=1)
    award = partnerships[0].awards.get()
    client.force_login(opcc_of(area))
    page = client.get(reverse("grants:performance-pack", args=[award.pk, 2])).content.decode()
    assert 'id="rag-chart"' in page and 'id="spend-chart"' in page
    pdf = client.get(reverse("grants:performance-pack-pdf", args=[award.pk, 2])).content
    if os.environ.get("KEEP_PACK"):
        Path(os.environ["KEEP_PACK"]).with_suffix(".csp.pdf").write_bytes(pdf)
    assert "Allocated £10,000.00, spent to date £3,500.50, forecast outturn £5,000.75" in pdf_text(pdf)
    pages = pdf_to_pngs(pdf, tmp_path, resolution=50)
    with Image.open(pages[0]) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert any(all(abs(a - b) < 12 for a, b in zip(c, (0, 112, 60), strict=True)) for c in colours)
    word = docx_text(client.get(reverse("grants:performance-pack-docx", args=[award.pk, 2])).content)
    assert "Outcome measures by rating in each period" in word


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warms per-process caches (content types, the site's settings)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("pages_made_afresh")  # what making the page costs (grants/kept_pages.py)
def test_the_area_pack_costs_the_same_for_2_and_6_partnerships(client):
    """Query budget (docs/performance.md): the OPCC's pack reads every return once, whatever the area's size."""
    small, _ = area_with_returns(csps=2, projects=1, name="Small")
    big, _ = area_with_returns(csps=6, projects=3, name="Big")
    client.force_login(opcc_of(small))
    few = _queries(client, _url(small))
    client.force_login(opcc_of(big))
    many = _queries(client, _url(big))
    assert few == many, (few, many)


def test_the_money_page_shows_spend_by_funding_stream_to_the_latest_period(client):
    area, _ = area_with_returns(csps=3)
    client.force_login(opcc_of(area))
    page = client.get(reverse("grants:funding", kwargs={"area": area.slug}) + "?year=2020/21")
    html = page.content.decode()
    section = html[html.index('id="stream-spend-heading"') :]
    assert "to the end of Q2 (July to September 2020)" in section
    assert "PCC community safety grant" in section and "£14,002.00" in section and "-£4,002.00" in section
    assert _url(area) in section


def test_the_money_page_before_any_spend_says_so(client):
    area = ForceAreaFactory()
    client.force_login(opcc_of(area))
    html = client.get(reverse("grants:funding", kwargs={"area": area.slug}) + "?year=2020/21").content.decode()
    assert "No partnership has reported spend for 2020/21 yet." in html


def test_the_area_pack_pdf_is_kept_until_a_return_changes(client):
    from grants.models import PerformanceReturn, RenderedDocument

    area, _ = area_with_returns(csps=1)
    client.force_login(opcc_of(area))
    url = _url(area, "grants:area-pack-pdf")
    client.get(url)
    client.get(url)
    kept = RenderedDocument.objects.filter(kind=RenderedDocument.Kind.AREA_PERFORMANCE_PACK)
    assert kept.count() == 1
    first = kept.get().fingerprint
    PerformanceReturn.objects.filter(period__number=2, project__number=1).update(spend_in_period=D("1000.51"))
    client.get(url)
    assert kept.get().fingerprint != first  # made again, the older file removed

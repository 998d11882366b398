"""The year's awards: standstill, by hand, from an imported-indicator formula scenario confirmed in one step."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import FormulaScenario, GrantAward, IndicatorValue
from partnerships.models import ForceArea, Partnership
from tests.factories import GrantAwardFactory, PartnershipFactory
from tests.oversight.dates import date_boxes

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"

CSP_NAMES = [
    "Safer Cornwall",
    "Safer Torbay",
    "Safer Devon",
    "Exeter Community Safety Partnership",
    "East Devon Community Safety Partnership",
    "Mid Devon Community Safety Partnership",
    "North Devon Community Safety Partnership",
    "South Hams and West Devon Community Safety Partnership",
    "Teignbridge Community Safety Partnership",
    "Torridge Community Safety Partnership",
    "Isles of Scilly Community Safety Partnership",
]


def url(name, year="2021/22", **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, "year": year, **kwargs})


@pytest.fixture
def devon(demo):
    """Devon & Cornwall with Plymouth and eleven more CSPs (twelve in all), each with a 2020/21 award."""
    area = ForceArea.objects.get(slug=AREA)
    stream = area.funding_streams.get()
    for index, name in enumerate(CSP_NAMES):
        partnership = PartnershipFactory(force_area=area, name=name)
        GrantAwardFactory(partnership=partnership, funding_stream=stream, amount=D(150000 + index * 10000))
    return area


def indicators_csv(area) -> SimpleUploadedFile:
    lines = ["Partnership,Population,Recorded crime per 1000,ASB incidents"]
    for index, partnership in enumerate(Partnership.objects.filter(force_area=area).order_by("name")):
        name = partnership.local_authority if index == 0 else partnership.name  # matched by council name too
        lines.append(f'"{name}","{100000 + index * 23457:,}",{40 + index * 1.7:.1f},{900 + index * 131}')
    return SimpleUploadedFile("indicators.csv", "\n".join(lines).encode(), content_type="text/csv")


def test_standstill_fills_last_years_awards_and_saving_makes_them(client, demo_user, devon):
    client.force_login(demo_user("opcc.devon"))
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    content = client.get(url("awards") + "?prefill=standstill").content.decode()
    assert 'value="400568.00"' in content
    data = {f"amount-{p.pk}": "" for p in Partnership.objects.filter(force_area=devon)}
    previous = {a.partnership_id: a.amount for a in GrantAward.objects.filter(financial_year="2020/21")}
    data.update({f"amount-{pk}": f"£{amount:,.2f}" for pk, amount in previous.items()})
    data.update(date_boxes("awarded_on", "2021-04-01"))
    response = client.post(url("awards"), data)
    assert response.status_code == 302
    awards = GrantAward.objects.filter(financial_year="2021/22", partnership__force_area=devon)
    assert awards.count() == 12
    assert sum(a.amount for a in awards) == sum(previous.values())
    plymouth_award = awards.get(partnership=plymouth)
    assert plymouth_award.amount == D("400568.00") and plymouth_award.previous_year_amount == D("400568.00")
    assert plymouth_award.status == "made" and plymouth_award.awarded_on == datetime.date(2021, 4, 1)
    content = client.get(url("awards")).content.decode()
    assert "12 awards for 2021/22 made" in content


def test_awards_entered_by_hand_without_a_date_are_proposed(client, demo_user, devon):
    client.force_login(demo_user("treasurer.devon"))
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    response = client.post(url("awards"), {f"amount-{plymouth.pk}": "410,000.50"})
    assert response.status_code == 302
    award = GrantAward.objects.get(financial_year="2021/22", partnership=plymouth)
    assert award.amount == D("410000.50") and award.status == "proposed" and award.awarded_on is None
    content = client.get(url("awards")).content.decode()
    assert "+£9,432.50" in content


def test_a_bad_amount_is_shown_beside_its_row_and_nothing_is_saved(client, demo_user, devon):
    client.force_login(demo_user("opcc.devon"))
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    torbay = Partnership.objects.get(name="Safer Torbay")
    response = client.post(url("awards"), {f"amount-{plymouth.pk}": "1000", f"amount-{torbay.pk}": "lots"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter the award for Safer Torbay in pounds, for example £12,500" in content
    assert not GrantAward.objects.filter(financial_year="2021/22", partnership__force_area=devon).exists()


def test_an_award_below_what_the_plan_allocates_is_refused_for_that_partnership(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    plymouth = plymouth_plan.partnership
    response = client.post(url("awards", year="2020/21"), {f"amount-{plymouth.pk}": "300000"})
    assert response.status_code == 200
    assert "The spending plan already allocates £377,568.00" in response.content.decode()
    plymouth_plan.award.refresh_from_db()
    assert plymouth_plan.award.amount == D("400568.00")


@pytest.mark.parametrize("username", ["pcc.devon"])
def test_the_pcc_reads_the_awards_but_cannot_change_them(client, demo_user, devon, username):
    client.force_login(demo_user(username))
    assert client.get(url("awards")).status_code == 200
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    assert client.post(url("awards"), {f"amount-{plymouth.pk}": "1"}).status_code == 403
    assert client.get(url("indicators-import")).status_code == 403
    assert client.get(url("scenario-new")).status_code == 403
    assert not GrantAward.objects.filter(financial_year="2021/22", partnership__force_area=devon).exists()


@pytest.mark.parametrize(
    ("username", "status"), [("opcc.avon", 404), ("officer.plymouth", 403), ("board.plymouth", 403)]
)
def test_awards_are_refused_outside_the_force_area(client, demo_user, devon, username, status):
    client.force_login(demo_user(username))
    assert client.get(url("awards")).status_code == status
    assert client.get(url("indicators-import")).status_code == status


def test_formula_from_imported_indicators_splits_the_pot_to_the_penny_and_becomes_the_awards(client, demo_user, devon):
    client.force_login(demo_user("opcc.devon"))
    # upload: a preview, nothing saved yet
    response = client.post(url("indicators-import"), {"file": indicators_csv(devon)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Check the figures before saving them" in content and "Safer Torbay" in content
    assert not IndicatorValue.objects.exists()
    token = response.context["token"]
    response = client.post(url("indicators-import"), {"data": token})
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(financial_year="2021/22").count() == 12 * 3

    indicators = {i.name: i for i in devon.indicators.all()}
    form = {
        "name": "Population and crime, 5% damping",
        "pot": "£2,700,000.01",
        "top_slice": "123,456.78",
        "top_slice_purpose": "Area-wide work",
        "base_per_partnership": "20000",
        "damping_percent": "5",
        f"weight-{indicators['Population'].pk}": "2",
        f"weight-{indicators['Recorded crime per 1000'].pk}": "1",
        f"weight-{indicators['ASB incidents'].pk}": "1",
    }
    response = client.post(url("scenario-new"), form)
    assert response.status_code == 302, response.context["form"].errors
    damped = FormulaScenario.objects.get(name="Population and crime, 5% damping")
    lines = list(damped.lines.all())
    assert len(lines) == 12
    assert sum(line.amount for line in lines) == D("2700000.01") - D("123456.78")
    for line in lines:
        assert abs(line.amount - line.previous_amount) <= line.previous_amount * D("0.05") + D("0.01")
    response = client.post(url("scenario-new"), {**form, "name": "No damping", "damping_percent": ""})
    plain = FormulaScenario.objects.get(name="No damping")
    assert sum(line.amount for line in plain.lines.all()) == D("2576543.23")

    compare = client.get(url("scenario-compare") + f"?s={damped.pk}&s={plain.pk}").content.decode()
    assert "Population and crime, 5% damping" in compare and "No damping" in compare
    assert compare.count("£2,576,543.23") == 2

    page = client.get(url("scenario", pk=damped.pk)).content.decode()
    assert "£2,576,543.23" in page and "Confirm these as the year" in page
    response = client.post(url("scenario", pk=damped.pk), date_boxes("awarded_on", "2021-04-01"))
    assert response.status_code == 302
    awards = GrantAward.objects.filter(financial_year="2021/22", partnership__force_area=devon)
    assert awards.count() == 12 and all(a.status == "made" for a in awards)
    assert sum(a.amount for a in awards) == D("2576543.23")
    assert {a.partnership_id: a.amount for a in awards} == {line.partnership_id: line.amount for line in lines}
    damped.refresh_from_db()
    assert damped.confirmed_at is not None and damped.confirmed_by.username == "opcc.devon"


def test_an_xlsx_with_errors_is_refused_row_by_row(client, demo_user, devon):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Partnership", "Population"])
    sheet.append(["Safer Plymouth", 264000])
    sheet.append(["Safer Atlantis", 5])
    sheet.append(["Safer Torbay", "many"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(demo_user("opcc.devon"))
    upload = SimpleUploadedFile("indicators.xlsx", buffer.getvalue())
    content = client.post(url("indicators-import"), {"file": upload}).content.decode()
    assert "nothing has been saved" in content
    assert "Row 3, Partnership: &#x27;Safer Atlantis&#x27; is not a partnership in Devon &amp; Cornwall." in content
    assert "Row 4, Population: &#x27;many&#x27; is not a number: enter a number." in content
    assert "Save these figures" not in content


def test_a_scenario_needs_figures_for_every_partnership(client, demo_user, devon):
    client.force_login(demo_user("opcc.devon"))
    upload = SimpleUploadedFile("i.csv", b"Partnership,Population\nSafer Plymouth,264000\n")
    token = client.post(url("indicators-import"), {"file": upload}).context["token"]
    client.post(url("indicators-import"), {"data": token})
    indicator = devon.indicators.get()
    response = client.post(url("scenario-new"), {"name": "x", "pot": "1000", f"weight-{indicator.pk}": "1"})
    assert response.status_code == 200
    assert "Indicator figures for 2021/22 are missing for" in response.content.decode()
    assert not FormulaScenario.objects.exists()


def test_the_indicator_preview_cannot_be_tampered_with(client, demo_user, devon):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("indicators-import"), {"data": "forged"})
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()


def test_load_demo_adds_illustrative_csps_and_indicators_for_the_formula_screen(db, settings):
    from django.core.management import call_command

    from grants.services.awards import scenario_create

    settings.DEMO_DATA = True
    call_command("load_demo")
    area = ForceArea.objects.get(slug=AREA)
    assert Partnership.objects.filter(force_area=area).count() == 10
    assert IndicatorValue.objects.filter(financial_year="2021/22", partnership__force_area=area).count() == 40
    scenario = scenario_create(
        force_area=area,
        funding_stream=area.funding_streams.get(kind="pcc_csp"),
        financial_year="2021/22",
        name="Try it",
        pot=D("2300000.00"),
        weights={i: D(1) for i in area.indicators.all()},
    )
    assert sum(line.amount for line in scenario.lines.all()) == D("2300000.00")
    call_command("load_demo")  # twice changes nothing
    assert Partnership.objects.filter(force_area=area).count() == 10
    assert GrantAward.objects.filter(partnership__force_area=area).count() == 1  # no invented awards

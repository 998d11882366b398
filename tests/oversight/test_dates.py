"""Dates on the OPCC pages are GOV.UK date inputs: day, month and year boxes, a hint, messages that name the part
at fault, only the boxes at fault outlined, and the error summary linking to the first box at fault."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from grants.forms.fields import DateErrorsMixin, DateField
from grants.models import FormulaScenario, FundingStream, GrantApplication, GrantAward, GrantRound
from partnerships.models import ForceArea, Organisation, Partnership
from tests.oversight.dates import date_boxes, year_rows

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"


class OpensForm(DateErrorsMixin, forms.Form):
    opens_on = DateField(label="Opens on", noun="the date the round opens")
    closes_on = DateField(label="Closes on", noun="the date the round closes", required=False)


def boxes(day="", month="", year="", name="opens_on"):
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("1", "4", "2021", datetime.date(2021, 4, 1)),
        (" 01 ", "04", "2021", datetime.date(2021, 4, 1)),
        ("1", "Apr", "2021", datetime.date(2021, 4, 1)),
        ("1", "april", "2021", datetime.date(2021, 4, 1)),
        ("30", "Sept", "2021", datetime.date(2021, 9, 30)),
        ("29", "2", "2024", datetime.date(2024, 2, 29)),
    ],
)
def test_a_date_is_read_from_three_boxes(day, month, year, expected):
    form = OpensForm(boxes(day, month, year))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_on"] == expected and form.cleaned_data["closes_on"] is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "", "", "Enter the date the round opens", (0, 1, 2)),
        ("1", "", "2021", "The date the round opens must include a month", (1,)),
        ("", "", "2021", "The date the round opens must include a day and month", (0, 1)),
        ("1", "4", "", "The date the round opens must include a year", (2,)),
        ("32", "4", "2021", "The date the round opens must have a day from 1 to 31", (0,)),
        ("first", "4", "2021", "The date the round opens must have a day from 1 to 31", (0,)),
        ("1", "13", "2021", "The date the round opens must have a month from 1 to 12", (1,)),
        ("1", "Aprill", "2021", "The date the round opens must have a month from 1 to 12", (1,)),
        ("1", "4", "21", "The date the round opens must have a year with 4 numbers, for example 2021", (2,)),
        ("31", "4", "2021", "The date the round opens must be a real date: April 2021 has 30 days", (0,)),
        ("29", "2", "2021", "The date the round opens must be a real date: February 2021 has 28 days", (0,)),
        ("x", "y", "2021", "The date the round opens must be a real date", (0, 1, 2)),
        # more digits than Python reads as an integer (4,300): a message, never a 500
        ("9" * 5000, "4", "2021", "The date the round opens must have a day from 1 to 31", (0,)),
        ("1", "9" * 5000, "2021", "The date the round opens must have a month from 1 to 12", (1,)),
    ],
)
def test_a_wrong_date_names_the_part_at_fault(day, month, year, message, parts):
    form = OpensForm(boxes(day, month, year))
    assert not form.is_valid()
    assert form.errors["opens_on"] == [message]
    field = form.fields["opens_on"]
    assert field.widget.parts_at_fault == parts
    # the message sits beside the first box at fault, which is where the error summary links
    assert [getattr(part.widget, "errors", []) for part in field.fields] == [
        [message] if index == parts[0] else [] for index in range(3)
    ]


def test_an_optional_date_may_be_left_blank_but_not_half_filled():
    assert OpensForm({**boxes("1", "4", "2021"), **boxes(name="closes_on")}).is_valid()
    form = OpensForm({**boxes("1", "4", "2021"), **boxes("30", "", "", name="closes_on")})
    assert form.errors["closes_on"] == ["The date the round closes must include a month and year"]


def test_an_error_the_form_adds_to_the_whole_date_outlines_every_box_and_links_to_the_day():
    form = OpensForm({**boxes("1", "4", "2021"), **boxes("1", "3", "2021", name="closes_on")})
    assert form.is_valid()
    form.add_error("closes_on", "The closing date must be on or after the opening date.")
    field = form.fields["closes_on"]
    assert field.widget.parts_at_fault == (0, 1, 2)
    assert field.fields[0].widget.errors == ["The closing date must be on or after the opening date."]


# The pages


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


def inputs(content: str, name: str) -> list[str]:
    """The `<input>` tags of a date's three boxes, day first."""
    tags = [re.search(rf'<input[^>]*name="{name}_{index}"[^>]*>', content) for index in range(3)]
    assert all(tags), f"no day, month and year boxes for {name}"
    return [tag.group(0) for tag in tags]


def outlined(content: str, name: str) -> list[bool]:
    return ["govuk-input--error" in tag for tag in inputs(content, name)]


def summary_links(content: str) -> list[tuple[str, str]]:
    summary = content[content.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return [(anchor, text.strip()) for anchor, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


@pytest.fixture
def road_safety(demo):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(force_area=area, name="Road safety fund", kind=FundingStream.Kind.OTHER)
    return GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Road safety fund 2021/22",
        financial_year="2021/22",
        pot=D("300000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
    )


def round_data(road_safety, **dates):
    return {
        "name": "Safer streets top-up",
        "funding_stream": road_safety.funding_stream.pk,
        "financial_year": "2021/22",
        "pot": "50,000",
        **date_boxes("opens_on", "2021-09-01"),
        **date_boxes("closes_on", "2021-10-01"),
        **dates,
    }


def test_every_date_on_the_opcc_pages_is_three_labelled_boxes_with_a_hint(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    application = GrantApplication.objects.create(
        grant_round=road_safety,
        organisation=Organisation.objects.create(name="Road Safety Trust Devon"),
        project_title="Young driver workshops",
        purpose="Fewer young drivers killed or injured.",
        amount_requested=D("80000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    pages = {
        url("awards", year="2021/22"): ["awarded_on"],
        url("round-new"): ["opens_on", "closes_on"],
        url("application-new", pk=road_safety.pk): ["received_on"],
        url("application-decision", pk=road_safety.pk, application=application.pk): ["decided_on"],
        url("stream-award-new", pk=road_safety.funding_stream.pk): ["awarded_on"],
    }
    for page, names in pages.items():
        content = client.get(page).content.decode()
        assert 'type="date"' not in content, page
        for name in names:
            assert len(inputs(content, name)) == 3
            for index, label in enumerate(["Day", "Month", "Year"]):
                assert re.search(
                    rf'<label class="govuk-label govuk-date-input__label" for="id_{name}_{index}">'
                    rf"{label}</label>",
                    content,
                ), (page, name, label)
            assert re.search(rf'<div id="id_{name}_hint" class="govuk-hint">For example, 1 4 2021', content), page
            assert not any(outlined(content, name))


def test_a_round_closing_before_it_opens_is_refused_and_the_summary_links_to_the_day(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("round-new"), round_data(road_safety, **date_boxes("closes_on", "2021-08-01")))
    assert response.status_code == 200
    content = response.content.decode()
    assert summary_links(content) == [("id_closes_on_0", "The closing date must be on or after the opening date.")]
    assert outlined(content, "closes_on") == [True, True, True]
    assert outlined(content, "opens_on") == [False, False, False]
    assert 'value="2021"' in inputs(content, "closes_on")[2]  # what was typed is kept
    assert not GrantRound.objects.filter(name="Safer streets top-up").exists()


def test_a_missing_month_outlines_the_month_and_the_summary_links_to_it(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("round-new"), round_data(road_safety, opens_on_1=""))
    content = response.content.decode()
    assert summary_links(content) == [("id_opens_on_1", "The date the round opens must include a month")]
    assert outlined(content, "opens_on") == [False, True, False]
    assert 'aria-invalid="true"' in inputs(content, "opens_on")[1]
    assert "aria-invalid" not in inputs(content, "opens_on")[0]
    assert 'value="1"' in inputs(content, "opens_on")[0]
    assert not GrantRound.objects.filter(name="Safer streets top-up").exists()
    response = client.post(url("round-new"), round_data(road_safety, opens_on_1="Sep"))
    assert response.status_code == 302
    assert GrantRound.objects.get(name="Safer streets top-up").opens_on == datetime.date(2021, 9, 1)


def test_a_decision_needs_its_date(client, demo_user, road_safety):
    application = GrantApplication.objects.create(
        grant_round=road_safety,
        organisation=Organisation.objects.create(name="Cornwall Cycling Charity"),
        project_title="Safe routes to school",
        purpose="Safer journeys to school.",
        amount_requested=D("60000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    client.force_login(demo_user("opcc.devon"))
    decision = url("application-decision", pk=road_safety.pk, application=application.pk)
    response = client.post(decision, {"decision": "declined", "amount_awarded": ""})
    content = response.content.decode()
    assert summary_links(content) == [("id_decided_on_0", "Enter the date of the decision")]
    assert outlined(content, "decided_on") == [True, True, True]
    application.refresh_from_db()
    assert application.decision == "pending"
    response = client.post(decision, {"decision": "declined", **date_boxes("decided_on", "2021-07-15")})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.decision == "declined" and application.decided_on == datetime.date(2021, 7, 15)


def test_an_application_received_on_a_date_that_does_not_exist_is_refused(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    data = {
        "organisation_name": "Speedwatch Volunteers",
        "project_title": "Community Speedwatch kit",
        "purpose": "Slower traffic through villages.",
        "amount_requested": "45,000",
        "received_on_0": "31",
        "received_on_1": "6",
        "received_on_2": "2021",
    }
    content = client.post(url("application-new", pk=road_safety.pk), data).content.decode()
    message = "The date the application was received must be a real date: June 2021 has 30 days"
    assert summary_links(content) == [("id_received_on_0", message)]
    assert outlined(content, "received_on") == [True, False, False]
    assert not road_safety.applications.exists()


def test_the_awards_date_is_optional_shows_the_date_made_and_refuses_half_a_date(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    awards = url("awards", year="2021/22")
    response = client.post(awards, {f"amount-{plymouth.pk}": "400,000", "awarded_on_0": "1", "awarded_on_2": "2021"})
    content = response.content.decode()
    assert summary_links(content) == [("id_awarded_on_1", "The date the awards are made must include a month")]
    assert outlined(content, "awarded_on") == [False, True, False]
    assert not GrantAward.objects.filter(financial_year="2021/22", partnership=plymouth).exists()
    response = client.post(awards, {f"amount-{plymouth.pk}": "400,000", **date_boxes("awarded_on", "2021-04-01")})
    assert response.status_code == 302
    award = GrantAward.objects.get(financial_year="2021/22", partnership=plymouth)
    assert award.status == "made" and award.awarded_on == datetime.date(2021, 4, 1)
    day, month, year = inputs(client.get(awards).content.decode(), "awarded_on")
    assert 'value="1"' in day and 'value="4"' in month and 'value="2021"' in year


def test_confirming_a_scenario_needs_a_real_date(client, demo_user, plymouth_plan):
    area = ForceArea.objects.get(slug=AREA)
    scenario = FormulaScenario.objects.create(
        force_area=area,
        funding_stream=area.funding_streams.get(),
        financial_year="2021/22",
        name="Standstill",
        pot=D("400568.00"),
    )
    client.force_login(demo_user("opcc.devon"))
    page = url("scenario", year="2021/22", pk=scenario.pk)
    content = client.post(page, {"awarded_on_0": "29", "awarded_on_1": "2", "awarded_on_2": "2021"}).content.decode()
    message = "The date the awards are made must be a real date: February 2021 has 28 days"
    assert summary_links(content) == [("id_awarded_on_0", message)]
    scenario.refresh_from_db()
    assert scenario.confirmed_at is None


def test_a_made_award_without_a_date_is_refused_beside_the_date(client, demo_user, plymouth_plan):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(force_area=area, name="Safer Streets Fund", kind="home_office")
    client.force_login(demo_user("opcc.devon"))
    data = {
        "partnership": plymouth_plan.partnership.pk,
        "kind": "grant",
        "payment_schedule": "in_advance",
        "status": "made",
        **year_rows(("2021/22", "£250,000")),
    }
    content = client.post(url("stream-award-new", pk=stream.pk), data).content.decode()
    assert ("id_awarded_on_0", "Enter the date the award was made") in summary_links(content)
    assert outlined(content, "awarded_on") == [True, True, True]
    assert not GrantAward.objects.filter(funding_stream=stream).exists()

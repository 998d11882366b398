"""A value is never cut or changed silently (issue 10): the financial-year box once took 7 characters of
"2021/22-2022/23" and kept "2021/22".

This test hunts for the two ways a value can be cut: a box whose `maxlength` makes the browser drop what is
typed past it (no page carries the attribute any more; the server refuses a value that is too long, with a
message), and a form that accepts more than the database column holds (which would fail on saving, or be cut by
a database that truncates). It looks at every form of the product and at the rendered pages.
"""

import datetime
import importlib
import pkgutil
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

import grants.forms
from grants.forms.fields import AmountField, DateField
from partnerships.financial_years import FinancialYearFormField

D = Decimal
MAXLENGTH = re.compile(r"<(input|textarea)\b[^>]*\bmaxlength=\"(\d+)\"[^>]*>", re.IGNORECASE)
NAME = re.compile(r'\bname="([^"]+)"')
# Fields that read what is typed into something stricter than its length: a financial year, an amount, a date.
READ_STRICTLY = (FinancialYearFormField, AmountField, DateField)


def reads_strictly(field) -> bool:
    """A financial year, an amount, a number: its own reading refuses anything too long to be one."""
    if isinstance(field, READ_STRICTLY):
        return True
    own = {name for cls in type(field).__mro__[: type(field).__mro__.index(forms.CharField)] for name in vars(cls)}
    return "to_python" in own or "clean" in own


def _all_form_classes():
    for module in pkgutil.iter_modules(grants.forms.__path__):
        importlib.import_module(f"grants.forms.{module.name}")
    importlib.import_module("partnerships.forms")
    importlib.import_module("partnerships.accounts.forms")
    seen, queue = set(), [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                queue.append(subclass)
    return sorted(
        (cls for cls in seen if cls.__module__.split(".")[0] in {"grants", "partnerships", "priorities"}),
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


FORM_CLASSES = _all_form_classes()


def test_the_hunt_finds_the_products_forms():
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"AwardForm", "IncomeForm", "AllocationForm", "GrantRoundForm", "ProjectForm", "SignInForm"} <= names


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__name__)
def test_no_form_accepts_more_text_than_its_column_holds(form_class):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    try:
        fields = form_class().fields  # as the page builds it (a sign-in form sets its limit when it is made)
    except (TypeError, KeyError):  # KeyError: allauth's forms pop a required `user` argument
        fields = getattr(form_class, "base_fields", {})  # needs a plan or an area: its declared fields
    problems = []
    for name, field in fields.items():
        if not isinstance(field, forms.CharField) or field.widget.is_hidden:
            continue
        if (reads_strictly(field) or hasattr(form_class, f"clean_{name}")) and not isinstance(
            field.widget, forms.Textarea
        ):
            continue  # read as an amount, a year or a date by the field or the form: too long is refused there
        column = None
        if model is not None:
            try:
                column = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form field with no column of the same name
                column = None
        limit = getattr(column, "max_length", None)
        if limit is not None and (field.max_length is None or field.max_length > limit):
            problems.append(
                f"{name}: the form takes {field.max_length or 'any number of'} characters, the column {limit}"
            )
        if (
            column is None
            and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
            and field.max_length is None
        ):
            problems.append(f"{name}: a one-line box with no length limit")
    assert not problems, f"{form_class.__name__}: " + "; ".join(problems)


def test_a_financial_year_field_is_read_in_full_whatever_its_column():
    field = FinancialYearFormField()
    assert field.max_length is None and "maxlength" not in field.widget_attrs(field.widget)
    with pytest.raises(forms.ValidationError, match="is more than one"):
        field.clean("2021/22-2022/23")
    with pytest.raises(forms.ValidationError, match="the second part must be the year after"):
        field.clean("2021/23")
    assert field.clean(" 2021/22 ") == "2021/22"


def test_no_text_box_carries_a_maxlength(client, settings):
    class Named(forms.Form):
        name = forms.CharField(max_length=7)

    assert "maxlength" not in str(Named()["name"])
    form = Named({"name": "2021/22-2022/23"})
    assert not form.is_valid() and "at most 7 characters (it has 15)" in form.errors["name"][0]


@pytest.fixture
def every_kind_of_record(demo, demo_user):
    """One of each OPCC record, so that each page the hunt opens has its forms and rows."""
    from grants.models import FundingStream, GrantAward, GrantRound
    from grants.services import funding
    from grants.services.allocations import AllocationInput, allocation_create
    from grants.services.income import IncomeInput, income_record
    from grants.services.payments import claim_add
    from grants.services.rounds import application_add
    from partnerships.models import ForceArea, Organisation

    area = ForceArea.objects.get(slug="devon-and-cornwall")
    by = demo_user("opcc.devon")
    stream = FundingStream.objects.create(force_area=area, name="Victims' services", kind="moj")
    income = income_record(
        force_area=area,
        data=IncomeInput(
            funding_stream=stream,
            funder_name="Ministry of Justice",
            amount=D("10.00"),
            starts_on=datetime.date(2021, 4, 1),
            ends_on=datetime.date(2022, 3, 31),
            years=[("2021/22", D("10.00"))],
        ),
        by=by,
    )
    award = funding.stream_award_save(
        award=GrantAward(
            funding_stream=stream, status="made", awarded_on=datetime.date(2021, 5, 1), payment_schedule="on_claim"
        ),
        years=[("2021/22", D("10.00"))],
        organisation_name="Victim Support",
        by=by,
    )
    claim = claim_add(award=award, amount=D("1.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=by)
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Small grants",
        financial_year="2021/22",
        pot=D("10.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 1),
    )
    application = application_add(
        grant_round=grant_round,
        organisation=Organisation.objects.create(name="Street Pastors"),
        project_title="Nights",
        purpose="Safer nights",
        amount_requested=D("5.00"),
        received_on=datetime.date(2021, 5, 2),
    )
    table = allocation_create(
        force_area=area,
        data=AllocationInput(title="DA duty", funding_stream=stream, financial_year="2021/22", total=D("10.00")),
        by=by,
    )
    return {
        "stream": stream,
        "income": income,
        "award": award,
        "claim": claim,
        "round": grant_round,
        "application": application,
        "table": table,
    }


def test_no_page_cuts_what_is_typed(client, demo_user, every_kind_of_record, plymouth_plan):
    records = every_kind_of_record
    area = {"area": "devon-and-cornwall"}
    award = {**area, "pk": records["award"].pk}
    application = {**area, "pk": records["round"].pk, "application": records["application"].pk}
    opcc_pages = [
        ("oversight-dashboard", area),
        ("funding", area),
        ("stream-new", area),
        ("stream", {**area, "pk": records["stream"].pk}),
        ("stream-change", {**area, "pk": records["stream"].pk}),
        ("stream-award-new", {**area, "pk": records["stream"].pk}),
        ("income-new", area),
        ("income-change", {**area, "pk": records["income"].pk}),
        ("award", award),
        ("award-change", award),
        ("claim-new", award),
        ("claim", {**award, "claim": records["claim"].pk}),
        ("payment-new", award),
        ("round-new", area),
        ("round", {**area, "pk": records["round"].pk}),
        ("round-change", {**area, "pk": records["round"].pk}),
        ("application-new", {**area, "pk": records["round"].pk}),
        ("application-change", application),
        ("application-decision", application),
        ("allocation-new", area),
        ("allocation", {**area, "pk": records["table"].pk}),
        ("allocation-change", {**area, "pk": records["table"].pk}),
        ("allocation-import", {**area, "pk": records["table"].pk}),
        ("record-withdraw", {**area, "kind": "grant", "pk": records["award"].pk}),
        ("awards", {**area, "year": "2020/21"}),
        ("variation-threshold", {"slug": "devon-and-cornwall"}),
    ]
    plan = {"pk": plymouth_plan.pk}
    officer_pages = [
        ("plan-edit-details", plan),
        ("project-add", plan),
        ("project-edit", {**plan, "project_pk": plymouth_plan.projects.first().pk}),
        ("plan-edit-risks", plan),
        ("plan-import", plan),
    ]
    found = []
    for username, pages in (("opcc.devon", opcc_pages), ("officer.plymouth", officer_pages)):
        client.force_login(demo_user(username))
        for name, kwargs in pages:
            response = client.get(reverse(f"grants:{name}", kwargs=kwargs))
            assert response.status_code == 200, name
            for match in MAXLENGTH.finditer(response.content.decode()):
                field = NAME.search(match.group(0))
                found.append(f"{name}: {field.group(1) if field else match.group(0)} cut at {match.group(2)}")
    client.logout()
    for path in (reverse("login"),):
        for match in MAXLENGTH.finditer(client.get(path).content.decode()):
            found.append(f"{path}: {match.group(0)}")
    client.force_login(demo_user("admin"))
    for path in ("/admin/grants/fundingstream/add/", "/admin/partnerships/organisation/add/"):
        for match in MAXLENGTH.finditer(client.get(path).content.decode()):
            found.append(f"{path}: {match.group(0)}")
    assert not found, "Boxes that would cut what is typed:\n" + "\n".join(found)


def test_a_value_too_long_is_refused_with_a_message_and_nothing_saved(client, demo_user, demo):
    from grants.models import FundingStream

    client.force_login(demo_user("opcc.devon"))
    name = "Safer Streets " + "x" * 190
    response = client.post(
        reverse("grants:stream-new", kwargs={"area": "devon-and-cornwall"}), {"name": name, "kind": "home_office"}
    )
    assert "Ensure this value has at most 200 characters (it has 204)." in response.content.decode()
    assert not FundingStream.objects.filter(name__startswith="Safer Streets").exists()

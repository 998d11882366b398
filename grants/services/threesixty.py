"""Publication of the PCC's grants: the statutory list (Elected Local Policing Bodies (Specified Information)
Order 2011: each crime and disorder reduction grant, its recipient, amount, purpose, conditions and how it is
expected to reduce crime and disorder) and the same awards in the 360Giving Data Standard (JSON, and its
spreadsheet layout as CSV/XLSX).

What is published: awards the OPCC has MADE (`GrantAward.status == "made"`) from a stream it awards (not money a
funder awards directly and the OPCC only records). Nothing from a spending plan that is a draft or declined is
ever published: the only plan-derived text, the list of funded projects, comes from the plan in force (the
latest APPROVED version, `SpendingPlanQuerySet.in_force`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from grants.models import GrantAward, SpendingPlan
from partnerships.financial_years import FinancialYear

GEO_CODE_TYPES = {"E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "E10": "CTY", "W06": "UA"}

DEFAULT_PURPOSE = "A crime and disorder reduction grant from the Police and Crime Commissioner."


def publishable_awards(*, force_areas):
    """Made awards from the streams these force areas' OPCCs award, newest year first."""
    in_force = SpendingPlan.objects.in_force()
    return (
        GrantAward.objects.filter(
            status=GrantAward.Status.MADE,
            funding_stream__force_area__in=force_areas,
            funding_stream__awarded_directly=False,
        )
        .select_related(
            "funding_stream__force_area",
            "funding_stream__funder",
            "partnership__accountable_body",
            "partnership__force_area",
            "organisation",
            "application",
        )
        .prefetch_related(Prefetch("plans", queryset=in_force, to_attr="approved_plans"))
        .order_by("-financial_year", "funding_stream__name", "partnership__name", "organisation__name", "pk")
    )


def approved_plan(award: GrantAward) -> SpendingPlan | None:
    """The award's plan in force (`SpendingPlanQuerySet.in_force`: its latest approved version), or None."""
    plans = getattr(award, "approved_plans", None)
    if plans is None:
        plans = list(award.plans.in_force())
    return plans[0] if plans else None


@dataclass
class Publication:
    """One published grant in the users' words, for the public page, the Panel report and 360Giving."""

    award: GrantAward

    @property
    def recipient_name(self) -> str:
        return str(self.award.recipient)

    @property
    def purpose(self) -> str:
        return self.award.purpose or DEFAULT_PURPOSE

    @property
    def conditions(self) -> str:
        return self.award.conditions

    @property
    def funded_projects(self) -> list[str]:
        """From the approved spending plan only: a draft or declined plan is never published."""
        plan = approved_plan(self.award)
        if plan is None:
            return []
        return [f"{p.number}. {p.title}" for p in plan.projects.all()]


def publications(*, force_areas) -> list[Publication]:
    return [Publication(award) for award in publishable_awards(force_areas=force_areas)]


# --- 360Giving ---------------------------------------------------------------------------------------------------


def _prefix() -> str:
    return settings.THREESIXTYGIVING_PREFIX.rstrip("-")


def grant_identifier(award: GrantAward) -> str:
    """Stable: the publisher prefix, the force area and the award's own number never change."""
    return f"{_prefix()}-{award.funding_stream.force_area.slug}-{award.pk}"


def _funder(award: GrantAward) -> dict:
    area = award.funding_stream.force_area
    name = area.opcc_name or f"Office of the Police and Crime Commissioner for {area.name}"
    return {"id": area.org_id or f"{_prefix()}-{area.slug}", "name": name}


def _recipient(award: GrantAward) -> dict:
    if award.organisation_id:
        organisation = award.organisation
        record = {"id": organisation.org_id or f"{_prefix()}-org-{organisation.pk}", "name": organisation.name}
        if organisation.charity_number:
            record["charityNumber"] = organisation.charity_number
        if organisation.company_number:
            record["companyNumber"] = organisation.company_number
        return record
    partnership = award.partnership
    body = partnership.accountable_body
    record = {
        "id": (body.org_id if body else "") or f"{_prefix()}-csp-{partnership.slug}",
        "name": body.name if body else partnership.name,
    }
    record["department"] = partnership.name  # the CSP, for which the council receives and accounts for the grant
    return record


def _locations(award: GrantAward) -> list[dict]:
    locations = []
    partnership = award.partnership
    if partnership is not None:
        if partnership.ons_code:
            locations.append({"name": partnership.name, "geoCode": partnership.ons_code, "geoCodeType": "CSP"})
        elif partnership.local_authority_ons_code:
            code = partnership.local_authority_ons_code
            locations.append(
                {"name": partnership.local_authority, "geoCode": code, "geoCodeType": GEO_CODE_TYPES.get(code[:3], "")}
            )
        else:
            locations.append({"name": partnership.local_authority})
    area = award.funding_stream.force_area
    if area.ons_code:
        locations.append({"name": area.name, "geoCode": area.ons_code, "geoCodeType": "PFA"})
    elif not locations:
        locations.append({"name": area.name})
    for location in locations:
        location["countryCode"] = "GB"
        if not location.get("geoCodeType"):
            location.pop("geoCodeType", None)
    return locations


def _amount(value: Decimal) -> int | float:
    """JSON numbers for money: whole pounds as integers; pennies as the float whose shortest repr is exactly the
    two-decimal figure (true for every amount below £10 billion), so no value is changed by the conversion."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def grant_record(award: GrantAward, *, modified=None) -> dict:
    publication = Publication(award)
    year = FinancialYear.parse(award.financial_year)
    description = publication.purpose
    if publication.funded_projects:
        description += " Funded projects in the approved spending plan: " + "; ".join(publication.funded_projects) + "."
    record = {
        "id": grant_identifier(award),
        "title": f"{award.funding_stream.name} {award.financial_year}: {publication.recipient_name}",
        "description": description,
        "currency": "GBP",
        "amountAwarded": _amount(award.amount),
        "awardDate": award.awarded_on.isoformat(),
        "plannedDates": [{"startDate": year.starts_on.isoformat(), "endDate": year.ends_on.isoformat()}],
        "recipientOrganization": [_recipient(award)],
        "fundingOrganization": [_funder(award)],
        "grantProgramme": [
            {"code": f"{_prefix()}-stream-{award.funding_stream.pk}", "title": award.funding_stream.name}
        ],
        "beneficiaryLocation": _locations(award),
        "fromOpenCall": "Yes" if hasattr(award, "application") else "No",
        "dateModified": (modified or timezone.now()).replace(microsecond=0).isoformat(),
    }
    if award.reference:
        record["grantProgramme"][0]["description"] = f"Reference {award.reference}"
    return record


def threesixty_package(*, force_areas, modified=None) -> dict:
    modified = modified or timezone.now()
    grants = [grant_record(award, modified=modified) for award in publishable_awards(force_areas=force_areas)]
    names = ", ".join(area.name for area in force_areas)
    return {
        "version": "1.4",
        "title": f"Community safety grants made by the Police and Crime Commissioner: {names}",
        "issued": modified.date().isoformat(),
        "grants": grants,
    }


def threesixty_json(package: dict) -> bytes:
    return json.dumps(package, indent=2, ensure_ascii=False).encode()


# The 360Giving spreadsheet layout: one row per grant, columns titled as in the standard's template.
COLUMNS = [
    ("Identifier", lambda g: g["id"]),
    ("Title", lambda g: g["title"]),
    ("Description", lambda g: g["description"]),
    ("Currency", lambda g: g["currency"]),
    ("Amount Awarded", lambda g: g["amountAwarded"]),
    ("Award Date", lambda g: g["awardDate"]),
    ("Planned Dates:Start Date", lambda g: g["plannedDates"][0]["startDate"]),
    ("Planned Dates:End Date", lambda g: g["plannedDates"][0]["endDate"]),
    ("Recipient Org:Identifier", lambda g: g["recipientOrganization"][0]["id"]),
    ("Recipient Org:Name", lambda g: g["recipientOrganization"][0]["name"]),
    ("Recipient Org:Department", lambda g: g["recipientOrganization"][0].get("department", "")),
    ("Recipient Org:Charity Number", lambda g: g["recipientOrganization"][0].get("charityNumber", "")),
    ("Recipient Org:Company Number", lambda g: g["recipientOrganization"][0].get("companyNumber", "")),
    ("Funding Org:Identifier", lambda g: g["fundingOrganization"][0]["id"]),
    ("Funding Org:Name", lambda g: g["fundingOrganization"][0]["name"]),
    ("Grant Programme:Code", lambda g: g["grantProgramme"][0]["code"]),
    ("Grant Programme:Title", lambda g: g["grantProgramme"][0]["title"]),
    ("Beneficiary Location:Name", lambda g: "; ".join(x.get("name", "") for x in g["beneficiaryLocation"])),
    (
        "Beneficiary Location:Geographic Code",
        lambda g: "; ".join(x.get("geoCode", "") for x in g["beneficiaryLocation"]),
    ),
    (
        "Beneficiary Location:Geographic Code Type",
        lambda g: "; ".join(x.get("geoCodeType", "") for x in g["beneficiaryLocation"]),
    ),
    ("From An Open Call?", lambda g: g["fromOpenCall"]),
    ("Last Modified", lambda g: g["dateModified"]),
]


def threesixty_rows(package: dict) -> list[list]:
    return [[title for title, _ in COLUMNS]] + [[get(g) for _, get in COLUMNS] for g in package["grants"]]


def threesixty_csv(package: dict) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(threesixty_rows(package))
    return buffer.getvalue().encode("utf-8-sig")


def threesixty_xlsx(package: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "grants"
    for row in threesixty_rows(package):
        sheet.append(row)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

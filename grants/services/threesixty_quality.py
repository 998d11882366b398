"""360Giving's quality checks, as its Data Quality Tool runs them on a published file (written from what the
tool's checks test; 360Giving's own code is not used), applied to a 360Giving package (the JSON form; the CSV and
XLSX files are read back to it in the tests).

The OPCC's reports page shows the findings for each file offered; the test suite runs every check, with the
schema, over every file the product offers and requires none to fail.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from partnerships.identifiers import (
    CHARITY_NUMBER,
    COMPANY_NUMBER,
    LOCAL_AUTHORITY_DISTRICT_CODE,
    ORG_ID_PREFIXES,
    org_id_problem,
)

EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")
PUBLISHER_PREFIX = "360G-"


@dataclass(frozen=True)
class Finding:
    check: str
    path: str
    message: str


def _flatten(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{path}/{index}")
    else:
        yield path, value


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _prefix_known(identifier: str) -> bool:
    return identifier.startswith(PUBLISHER_PREFIX) or any(
        identifier.startswith(prefix + "-") for prefix in ORG_ID_PREFIXES
    )


def check_grant(grant: dict, path: str, today: datetime.date) -> list[Finding]:
    """The checks that look at one grant."""
    found: list[Finding] = []

    def fail(check: str, where: str, message: str) -> None:
        found.append(Finding(check, f"{path}{where}", message))

    if grant.get("amountAwarded") == 0:
        fail("zero_amount", "/amountAwarded", "A grant of £0.")
    awarded = _date(grant.get("awardDate", ""))
    if awarded is None:
        fail("impossible_date", "/awardDate", f"Award date {grant.get('awardDate')!r} is not a date.")
    elif awarded > today:
        fail("post_dated_award", "/awardDate", f"Award date {awarded} is in the future.")
    for index, planned in enumerate(grant.get("plannedDates", [])):
        start, end = _date(planned.get("startDate", "")), _date(planned.get("endDate", ""))
        if start and end and start > end:
            fail("planned_dates_order", f"/plannedDates/{index}", "The planned start is after the planned end.")
        for name, day in (("startDate", start), ("endDate", end)):
            if day and day > today + datetime.timedelta(days=365 * 12):
                fail("far_future_date", f"/plannedDates/{index}/{name}", f"{day} is more than 12 years ahead.")
    for where, value in _flatten(grant):
        if "email" in where.lower():
            continue
        if isinstance(value, str) and EMAIL.search(value):
            fail("looks_like_email", where, "Text that looks like an e-mail address.")
    if any(ch in grant.get("id", "") for ch in "\r\n"):
        fail("grant_id_line_break", "/id", "The grant identifier contains a line break.")
    for kind in ("fundingOrganization", "recipientOrganization"):
        for index, organisation in enumerate(grant.get(kind, [])):
            identifier = organisation.get("id", "")
            where = f"/{kind}/{index}/id"
            if any(ch in identifier for ch in "\r\n"):
                fail("org_id_line_break", where, "The organisation identifier contains a line break.")
            if not _prefix_known(identifier):
                fail("org_id_unrecognised_prefix", where, f"{identifier} has no prefix from org-id.guide.")
            elif not identifier.startswith(PUBLISHER_PREFIX) and (problem := org_id_problem(identifier)):
                fail("org_id_looks_invalid", where, problem)
    for index, recipient in enumerate(grant.get("recipientOrganization", [])):
        where = f"/recipientOrganization/{index}"
        charity, company = recipient.get("charityNumber"), recipient.get("companyNumber")
        if charity and not CHARITY_NUMBER.match(str(charity)):
            fail("charity_number", f"{where}/charityNumber", f"{charity} is not a charity number.")
        if company and not COMPANY_NUMBER.match(str(company)):
            fail("company_number", f"{where}/companyNumber", f"{company} is not a company number.")
        if recipient.get("id", "").startswith(PUBLISHER_PREFIX) and (charity or company):
            fail(
                "recipient_360g_with_registered_number",
                f"{where}/id",
                "A 360G identifier for an organisation with a registered number.",
            )
    title, description = grant.get("title", ""), grant.get("description", "")
    if len(title) > 140:
        fail("title_length", "/title", f"The title is {len(title)} characters long (at most 140).")
    if title and title == description:
        fail("title_description_same", "/description", "The title and the description are the same.")
    if not grant.get("grantProgramme"):
        fail("no_grant_programme", "/grantProgramme", "No grant programme.")
    locations = grant.get("beneficiaryLocation") or []
    if not locations:
        fail("no_beneficiary_location", "/beneficiaryLocation", "No beneficiary location.")
    for index, location in enumerate(locations):
        code = location.get("geoCode")
        if location.get("name") and not code:
            fail("beneficiary_location_no_code", f"/beneficiaryLocation/{index}", "A location named without a code.")
    if locations and not any(LOCAL_AUTHORITY_DISTRICT_CODE.match(str(x.get("geoCode", ""))) for x in locations):
        fail(
            "beneficiary_location_no_district",
            "/beneficiaryLocation",
            "No beneficiary location with a local authority district code.",
        )
    if not grant.get("dateModified"):
        fail("no_last_modified", "/dateModified", "No last modified date.")
    if not grant.get("dataSource"):
        fail("no_data_source", "/dataSource", "No data source.")
    return found


def check_package(package: dict, *, today: datetime.date | None = None) -> list[Finding]:
    """Every check on a whole file: each grant's, then one funder per file and one name per funder identifier."""
    today = today or datetime.date.today()
    grants = package.get("grants") or []
    found: list[Finding] = []
    if not grants:
        found.append(Finding("no_grants", "/grants", "The file has no grants."))
    names_by_id: dict[str, set[str]] = {}
    ids_by_name: dict[str, set[str]] = {}
    for index, grant in enumerate(grants):
        found += check_grant(grant, f"/grants/{index}", today)
        for funder in grant.get("fundingOrganization", []):
            names_by_id.setdefault(funder.get("id", ""), set()).add(funder.get("name", ""))
            ids_by_name.setdefault(funder.get("name", ""), set()).add(funder.get("id", ""))
    if len(names_by_id) > 1:
        found.append(
            Finding("more_than_one_funder", "/grants", f"{len(names_by_id)} funding organisations in one file.")
        )
    for identifier, names in names_by_id.items():
        if len(names) > 1:
            found.append(Finding("funder_id_several_names", "/grants", f"{identifier} has several names."))
    for name, identifiers in ids_by_name.items():
        if len(identifiers) > 1:
            found.append(Finding("funder_name_several_ids", "/grants", f"{name} has several identifiers."))
    return found

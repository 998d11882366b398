"""Publication of the grants a force area's funder makes: the statutory list (Elected Local Policing Bodies
(Specified Information) Order 2011: each crime and disorder reduction grant, its recipient, amount, purpose,
conditions and how it is expected to reduce crime and disorder) and the same grants in the 360Giving Data
Standard (JSON, and its spreadsheet layout as CSV/XLSX).

What is published: grants the OPCC has MADE (`GrantAward.objects.published_grants()`: made, a grant not a
contract, from a stream it awards, not money a funder awards directly and the OPCC only records), for more than
£0, decided on or before today. A grant withdrawn or corrected after it was made stays published, saying so
(`GrantAward.publication_note`). Nothing from a
spending plan that is a draft or declined is ever published: the only plan-derived text, the list of funded
projects, comes from the plan in force (the latest APPROVED version, `SpendingPlanQuerySet.in_force`).

Files pass 360Giving's quality checks, not only its schema (`grants/services/threesixty_quality.py` runs them):
one funder per file, so an area whose funder changed (a PCC, then a mayor) publishes one file per funder body,
each grant under the body in force on its award date; the award date is the decision date; no e-mail address
anywhere; identifiers from org-id.guide registers; titles of at most 140 characters, unlike the description;
grant programme, beneficiary location with ONS district codes, last modified and data source present.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from grants.models import FundedProject, GrantAward, RenderedDocument, SpendingPlan
from grants.money import ZERO
from grants.services.threesixty_quality import Finding, check_package
from partnerships.financial_years import FinancialYear
from partnerships.identifiers import GEO_CODE_TYPES
from partnerships.models import ForceArea, FunderBody, Organisation, Partnership
from partnerships.spreadsheets import csv_bytes, xlsx_sheet_rows

DEFAULT_PURPOSE = "A crime and disorder reduction grant."
TITLE_LIMIT = 140
EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")
EMAIL_REMOVED = "[e-mail address removed]"


class NothingPublished(Exception):
    """The area (or funder) has no published grant: there is no file to offer, only a page that says so."""


def award_date(award: GrantAward) -> datetime.date:
    """The date of the decision to make the grant: the round's decision on the application, when the award came
    from one, otherwise the date the award was made."""
    application = _application(award)
    return application.decided_on if application is not None and application.decided_on else award.awarded_on


def _application(award: GrantAward):
    try:
        return award.application
    except ObjectDoesNotExist:
        return None


def publishable_awards(*, force_area: ForceArea, today: datetime.date | None = None):
    """Made awards for more than £0 from the streams the area's OPCC awards, decided on or before today, newest
    year first."""
    # The plan in force brings its lines' numbers and titles, in one query for every award (issue 13: the
    # description read each plan's lines twice per grant).
    in_force = SpendingPlan.objects.in_force().prefetch_related(
        Prefetch("projects", queryset=FundedProject.objects.only("pk", "plan_id", "number", "title"))
    )
    return (
        _published(today)
        .filter(funding_stream__force_area=force_area)
        .select_related(
            "funding_stream__force_area",
            "funding_stream__funder",
            "partnership__accountable_body",
            "partnership__force_area",
            "organisation",
            "application",
        )
        .prefetch_related(
            Prefetch("plans", queryset=in_force, to_attr="approved_plans"),
            "partnership__local_authorities",
        )
        .order_by("-financial_year", "funding_stream__name", "partnership__name", "organisation__name", "pk")
    )


def _published(today: datetime.date | None):
    """THE rule for what is published, wherever: made grants for more than £0 from an OPCC's own streams, decided
    (the award, and the round's decision when it came from one) on or before today."""
    today = today or timezone.localdate()
    return (
        GrantAward.objects.published_grants()
        .filter(amount__gt=ZERO, awarded_on__lte=today, funding_stream__force_area__isnull=False)
        .filter(Q(application__isnull=True) | Q(application__decided_on__lte=today))
    )


def approved_plan(award: GrantAward) -> SpendingPlan | None:
    """The award's plan in force (`SpendingPlanQuerySet.in_force`: its latest approved version), or None."""
    plans = getattr(award, "approved_plans", None)
    if plans is None:
        plans = list(award.plans.in_force())
    return plans[0] if plans else None


def without_emails(text: str) -> str:
    """Published text never carries an e-mail address (a contact typed into a purpose or condition). Text
    without an "@" is returned as it is: every value of every published grant passes through here, and the
    search itself was a third of the national file's time (issue 13)."""
    if not text or "@" not in text:
        return text or ""
    return EMAIL.sub(EMAIL_REMOVED, text)


@dataclass
class Publication:
    """One published grant in the users' words, for the public page, the reports page and 360Giving."""

    award: GrantAward
    project_titles: list[str] | None = None  # `number. title` of the plan in force's lines, when read in bulk

    @property
    def recipient_name(self) -> str:
        return str(self.award.recipient)

    @property
    def purpose(self) -> str:
        return without_emails(self.award.purpose) or DEFAULT_PURPOSE

    @property
    def conditions(self) -> str:
        return without_emails(self.award.conditions)

    @property
    def award_date(self) -> datetime.date:
        return award_date(self.award)

    @property
    def note(self) -> str:
        """ "Withdrawn on …: reason" or "Corrected on …: what changed", for a grant changed after it was made."""
        return self.award.publication_note

    @cached_property
    def funded_projects(self) -> list[str]:
        """From the approved spending plan only: a draft or declined plan is never published."""
        if self.project_titles is not None:
            return [without_emails(title) for title in self.project_titles]
        plan = approved_plan(self.award)
        if plan is None:
            return []
        return [without_emails(f"{p.number}. {p.title}") for p in plan.projects.all()]


def publications(*, force_area: ForceArea, today: datetime.date | None = None) -> list[Publication]:
    return [Publication(award) for award in publishable_awards(force_area=force_area, today=today)]


@dataclass
class Release:
    """The grants one funder body made in a force area: one 360Giving file (one funder per file)."""

    force_area: ForceArea
    funder: FunderBody
    items: list[Publication] = field(default_factory=list)
    counted: int | None = None  # how many grants, when its grants are not read (`release_heads`)

    @property
    def grant_count(self) -> int:
        return len(self.items) if self.counted is None else self.counted

    @property
    def key(self) -> str:
        """How the download address names this funder: its number, or `current` for an area with no body set."""
        return str(self.funder.pk) if self.funder.pk else "current"

    @property
    def total(self) -> Decimal:
        return _counted_total(self.items)

    @property
    def years(self) -> list[tuple[str, list[Publication], Decimal]]:
        """The grants by financial year, newest first, each with its total."""
        grouped: dict[str, list[Publication]] = {}
        for item in self.items:
            grouped.setdefault(item.award.financial_year, []).append(item)
        return [(year, items, _counted_total(items)) for year, items in grouped.items()]


def _counted_total(items: list[Publication]) -> Decimal:
    """A withdrawn grant stays listed, saying so, but is not counted in a total."""
    return sum((item.award.amount for item in items if not item.award.is_withdrawn), ZERO)


def releases(*, force_area: ForceArea, today: datetime.date | None = None) -> list[Release]:
    """The area's published grants, one release per funder body that made any, the newest body first. Each
    grant belongs to the body in force on its award date."""
    by_body: dict[object, Release] = {}
    for item in publications(force_area=force_area, today=today):
        funder = force_area.funder_on(item.award_date)
        key = funder.pk or "current"
        by_body.setdefault(key, Release(force_area, funder)).items.append(item)
    return sorted(
        by_body.values(),
        key=lambda r: r.funder.starts_on or datetime.date.min,
        reverse=True,
    )


def release_for(
    *, force_area: ForceArea, funder: str | None = None, today=None, found: list[Release] | None = None
) -> Release:
    """The release a download asks for (`funder`: a release's key; none: the newest), among `found` when the
    caller has read the area's releases already. Raises NothingPublished."""
    found = releases(force_area=force_area, today=today) if found is None else found
    if funder:
        found = [release for release in found if release.key == funder]
    if not found:
        raise NothingPublished(f"No grants made by {force_area.funder.name} have been published.")
    return found[0]


# --- 360Giving ---------------------------------------------------------------------------------------------------


def _prefix() -> str:
    return settings.THREESIXTYGIVING_PREFIX.rstrip("-")


def _identifier(value: str) -> str:
    """Identifiers never carry white space or line breaks (360Giving's GrantNav drops such grants)."""
    return re.sub(r"\s+", "", value)


def grant_identifier(award: GrantAward) -> str:
    """Stable: the publisher prefix, the force area and the award's own number never change."""
    return _identifier(f"{_prefix()}-{award.funding_stream.force_area.slug}-{award.pk}")


def funder_identifier(funder: FunderBody) -> str:
    """The body's org-id, or the publisher's own identifier for it: one per body, so that each identifier in
    the data always carries the same name."""
    if funder.org_id:
        return _identifier(funder.org_id)
    suffix = f"-funder-{funder.pk}" if funder.pk else ""
    return _identifier(f"{_prefix()}-{funder.force_area.slug}{suffix}")


def _organisation_location(organisation: Organisation | None) -> list[dict]:
    if organisation is None or not organisation.ons_code:
        return []
    return [_council_location(organisation)]


def _council_location(council: Organisation) -> dict:
    location = {"name": council.name, "geoCode": council.ons_code, "countryCode": "GB"}
    if code_type := GEO_CODE_TYPES.get(council.ons_code[:3]):
        location["geoCodeType"] = code_type
    return location


def _organisation_record(organisation: Organisation, fallback: str) -> dict:
    record = {"id": _identifier(organisation.org_id or fallback), "name": organisation.name}
    if organisation.charity_number:
        record["charityNumber"] = organisation.charity_number
    if organisation.company_number:
        record["companyNumber"] = organisation.company_number
    if location := _organisation_location(organisation):
        record["location"] = location
    return record


def _recipient(award: GrantAward) -> dict:
    """The organisation paid: for a CSP, the council that receives and accounts for the grant on its behalf
    (named with the CSP as its department); never a 360G identifier for an organisation with a registered one."""
    if award.organisation_id:
        return _organisation_record(award.organisation, f"{_prefix()}-org-{award.organisation.pk}")
    partnership = award.partnership
    body = partnership.accountable_body
    if body is None:
        return {"id": _identifier(f"{_prefix()}-csp-{partnership.slug}"), "name": partnership.name}
    record = _organisation_record(body, f"{_prefix()}-org-{body.pk}")
    record["department"] = partnership.name
    return record


def _councils_of_area(area: ForceArea) -> list[Organisation]:
    councils = Organisation.objects.filter(partnerships_covering__force_area=area).exclude(ons_code="").distinct()
    return list(councils.order_by("name"))


def _beneficiary_locations(award: GrantAward, area_councils) -> list[dict]:
    """Where the money benefits people, by ONS local authority district code: the councils a CSP covers; for a
    grant to an organisation, its council when it is one, else the councils of the whole force area."""
    if award.partnership_id:
        councils = list(award.partnership.local_authorities.all())
    elif award.organisation.is_local_authority and award.organisation.ons_code:
        councils = [award.organisation]
    else:
        councils = area_councils()
    locations = [_council_location(c) if c.ons_code else {"name": c.name, "countryCode": "GB"} for c in councils]
    area = award.funding_stream.force_area
    if area.ons_code:
        locations.append({"name": area.name, "geoCode": area.ons_code, "geoCodeType": "PFA", "countryCode": "GB"})
    return locations


def _amount(value: Decimal) -> int | float:
    """JSON numbers for money: whole pounds as integers; pennies as the float whose shortest repr is exactly the
    two-decimal figure (true for every amount below £10 billion), so no value is changed by the conversion."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def grant_title(award: GrantAward) -> str:
    """`Devon & Cornwall PCC community safety grant 2020/21: Safer Plymouth`, at most 140 characters: a long
    stream or recipient name gives a shorter title (the description still says everything)."""
    recipient = str(award.recipient)
    for title in (
        f"{award.funding_stream.name} {award.financial_year}: {recipient}",
        f"{recipient}, {award.financial_year}",
    ):
        if len(title) <= TITLE_LIMIT:
            return title
    words, title = f"{recipient}, {award.financial_year}".split(), ""
    for word in words:
        if len(f"{title} {word}".strip()) > TITLE_LIMIT - 1:
            break
        title = f"{title} {word}".strip()
    return title + "…"


def _description(publication: Publication, title: str) -> str:
    description = publication.purpose
    if publication.note:
        description = f"{publication.note}. {description}"
    if publication.funded_projects:
        description += " Funded projects in the approved spending plan: " + "; ".join(publication.funded_projects) + "."
    if description.strip() == title.strip():
        description = f"{description} A grant from {publication.award.funding_stream.name}."
    return description


def grant_record(
    publication: Publication, *, funder: FunderBody, modified: datetime.datetime, source: str, area_councils
) -> dict:
    award = publication.award
    year = FinancialYear.parse(award.financial_year)
    title = grant_title(award)
    record = {
        "id": grant_identifier(award),
        "title": title,
        "description": _description(publication, title),
        "currency": "GBP",
        "amountAwarded": _amount(award.amount),
        "awardDate": publication.award_date.isoformat(),
        "plannedDates": [
            {"startDate": year.starts_on.isoformat(), "endDate": year.ends_on.isoformat(), "duration": 12}
        ],
        "recipientOrganization": [_recipient(award)],
        "fundingOrganization": [{"id": funder_identifier(funder), "name": funder.name}],
        "grantProgramme": [
            {"code": _identifier(f"{_prefix()}-stream-{award.funding_stream.pk}"), "title": award.funding_stream.name}
        ],
        "beneficiaryLocation": _beneficiary_locations(award, area_councils),
        "fromOpenCall": "Yes" if _application(award) is not None else "No",
        "dateModified": modified.replace(microsecond=0).isoformat(),
        "dataSource": source,
    }
    if award.reference:
        record["grantProgramme"][0]["description"] = f"Reference {award.reference}"
    return _scrubbed(record)


def _scrubbed(value):
    """No e-mail address anywhere in the data, whichever field it was typed into."""
    if isinstance(value, str):
        return without_emails(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def data_source(force_area: ForceArea) -> str:
    return f"{settings.SITE_URL}{reverse('grants:published', kwargs={'area': force_area.slug})}"


def threesixty_package(release: Release, *, modified: datetime.datetime | None = None) -> dict:
    """The 360Giving file of one release. Raises NothingPublished for an empty one: a file with no grants fails
    the standard, so none is offered."""
    if not release.items:
        raise NothingPublished(f"No grants made by {release.funder.name} have been published.")
    modified = modified or timezone.now()
    source = data_source(release.force_area)
    cache: list[list[Organisation]] = []

    def area_councils() -> list[Organisation]:
        if not cache:
            cache.append(_councils_of_area(release.force_area))
        return cache[0]

    grants = [
        grant_record(item, funder=release.funder, modified=modified, source=source, area_councils=area_councils)
        for item in release.items
    ]
    return {
        "version": "1.4",
        "title": f"Community safety grants made by {release.funder.name} in {release.force_area}",
        "issued": modified.date().isoformat(),
        "grants": grants,
    }


def threesixty_json(package: dict) -> bytes:
    return json.dumps(package, indent=2, ensure_ascii=False).encode()


NATIONAL_TITLE = "Community safety grants made by police and crime commissioners and their successors"


def threesixty_everything_json(
    *, today: datetime.date | None = None, modified: datetime.datetime | None = None, chunk_size: int = 1000
) -> Iterator[bytes]:
    """Every published grant of every force area as one 360Giving JSON file, written as it is read: for national
    aggregators and the benchmark (each area's own file, one funder per file, stays the publication).

    Constant memory and a fixed number of queries whatever the number of grants (issue 13): the grants and the
    titles of their plans' lines are read through two server-side cursors in the same order (award id) and
    walked in step, and what they refer to that does not grow with the grants (force areas with their funder
    bodies, partnerships with their councils) is read once. Each grant names the funder body in force on its
    award date, as in the areas' files."""
    modified = modified or timezone.now()
    published = _published(today)
    areas = {area.pk: area for area in ForceArea.objects.prefetch_related("funder_bodies")}
    partnerships = {
        p.pk: p for p in Partnership.objects.select_related("accountable_body").prefetch_related("local_authorities")
    }
    councils: dict[int, dict[int, Organisation]] = {}
    for partnership in partnerships.values():
        for council in partnership.local_authorities.all():
            if council.ons_code:
                councils.setdefault(partnership.force_area_id, {})[council.pk] = council
    sources = {pk: data_source(area) for pk, area in areas.items()}
    lines = (
        FundedProject.objects.filter(plan__in=SpendingPlan.objects.in_force(), plan__award__in=published)
        .order_by("plan__award_id", "number")
        .values_list("plan__award_id", "number", "title")
        .iterator(chunk_size=chunk_size)
    )
    grants = (
        published.select_related("funding_stream__funder", "organisation", "application")
        .order_by("pk")
        .iterator(chunk_size=chunk_size)
    )
    head = {"version": "1.4", "title": NATIONAL_TITLE, "issued": modified.date().isoformat()}
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "grants": ['
    line = next(lines, None)
    buffer, first = [], True
    for award in grants:
        area = areas[award.funding_stream.force_area_id]
        award.funding_stream.force_area = area
        if award.partnership_id:
            award.partnership = partnerships[award.partnership_id]
        titles = []
        while line is not None and line[0] < award.pk:
            line = next(lines, None)
        while line is not None and line[0] == award.pk:
            titles.append(f"{line[1]}. {line[2]}")
            line = next(lines, None)
        publication = Publication(award, titles)
        record = grant_record(
            publication,
            funder=area.funder_on(publication.award_date),
            modified=modified,
            source=sources[area.pk],
            area_councils=lambda area=area: sorted(councils.get(area.pk, {}).values(), key=lambda c: c.name),
        )
        buffer.append(("" if first else ",") + json.dumps(record, ensure_ascii=False))
        first = False
        if len(buffer) >= 200:
            yield "".join(buffer).encode()
            buffer = []
    yield ("".join(buffer) + "]}").encode()


# The 360Giving spreadsheet layout: one row per grant, columns titled as in the standard's template, each with
# the path of the value it holds. Lists beyond their first item get numbered columns (`Beneficiary Location:1:…`).
COLUMNS: list[tuple[str, str]] = [
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    ("Planned Dates:Start Date", "plannedDates/0/startDate"),
    ("Planned Dates:End Date", "plannedDates/0/endDate"),
    ("Planned Dates:Duration (months)", "plannedDates/0/duration"),
    ("Recipient Org:Identifier", "recipientOrganization/0/id"),
    ("Recipient Org:Name", "recipientOrganization/0/name"),
    ("Recipient Org:Department", "recipientOrganization/0/department"),
    ("Recipient Org:Charity Number", "recipientOrganization/0/charityNumber"),
    ("Recipient Org:Company Number", "recipientOrganization/0/companyNumber"),
    ("Recipient Org:Location:Name", "recipientOrganization/0/location/0/name"),
    ("Recipient Org:Location:Geographic Code", "recipientOrganization/0/location/0/geoCode"),
    ("Recipient Org:Location:Geographic Code Type", "recipientOrganization/0/location/0/geoCodeType"),
    ("Recipient Org:Location:Country Code", "recipientOrganization/0/location/0/countryCode"),
    ("Funding Org:Identifier", "fundingOrganization/0/id"),
    ("Funding Org:Name", "fundingOrganization/0/name"),
    ("Grant Programme:Code", "grantProgramme/0/code"),
    ("Grant Programme:Title", "grantProgramme/0/title"),
    ("Grant Programme:Description", "grantProgramme/0/description"),
]
TRAILING_COLUMNS: list[tuple[str, str]] = [
    ("From An Open Call?", "fromOpenCall"),
    ("Last Modified", "dateModified"),
    ("Data Source", "dataSource"),
]
LOCATION_FIELDS = [
    ("Name", "name"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
    ("Country Code", "countryCode"),
]


def threesixty_columns(package: dict) -> list[tuple[str, str]]:
    """The columns for this file: as many beneficiary locations as its grants have."""
    count = max((len(g.get("beneficiaryLocation", [])) for g in package["grants"]), default=1)
    locations = []
    for index in range(max(count, 1)):
        number = "" if index == 0 else f"{index}:"
        for title, key in LOCATION_FIELDS:
            locations.append((f"Beneficiary Location:{number}{title}", f"beneficiaryLocation/{index}/{key}"))
    return COLUMNS + locations + TRAILING_COLUMNS


def value_at(record, path: str):
    for part in path.split("/"):
        if isinstance(record, list):
            index = int(part)
            record = record[index] if index < len(record) else None
        elif isinstance(record, dict):
            record = record.get(part)
        if record is None:
            return ""
    return record


def threesixty_rows(package: dict) -> list[list]:
    columns = threesixty_columns(package)
    return [[title for title, _ in columns]] + [[value_at(g, path) for _, path in columns] for g in package["grants"]]


def threesixty_csv(package: dict) -> bytes:
    return csv_bytes(threesixty_rows(package))


def threesixty_xlsx(package: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "grants"
    xlsx_sheet_rows(sheet, threesixty_rows(package))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def release_heads(*, force_area: ForceArea, today: datetime.date | None = None) -> list[Release]:
    """The area's releases as `releases` finds and orders them (one per funder body that made a published grant,
    the newest body first), without their grants but with how many there are (`Release.grant_count`): what a
    download needs to choose its kept file (grants/views/public.py; the file itself is made in the task queue) and
    the reports page to list the files. One query for the grants' award dates and their number on each
    (`award_date`'s rule: the round's decision, else the award's date) and one for the area's bodies."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    days = (
        _published(today)
        .filter(funding_stream__force_area=force_area)
        .annotate(decided=Coalesce("application__decided_on", "awarded_on"))
        .order_by()
        .values_list("decided")
        .annotate(grants=Count("pk"))
    )
    by_body: dict[object, Release] = {}
    for day, grants in days:
        funder = force_area.funder_on(day)
        release = by_body.setdefault(funder.pk or "current", Release(force_area, funder, counted=0))
        release.counted += grants
    return sorted(by_body.values(), key=lambda r: r.funder.starts_on or datetime.date.min, reverse=True)


# --- 360Giving's quality checks on the reports page ---------------------------------------------------------------


def quality_summary(content: bytes, *, today: datetime.date | None = None) -> list[dict]:
    """360Giving's quality checks of a made 360Giving JSON file (`check_package`), as kept with it: the task that
    makes the file runs them once (grants/documents/rendering.py, `DocumentKind.summaries`), so the reports page
    neither builds the file nor checks it on each request (issue 13)."""
    return [dataclasses.asdict(finding) for finding in check_package(json.loads(content), today=today)]


@dataclass
class CheckedRelease:
    """One release on the reports page with its file's quality checks: from the kept 360Giving JSON file while it
    is current, or the file being made (queued) or failed, which the page says instead of checking it itself."""

    release: Release
    document: RenderedDocument

    @property
    def status(self) -> str:
        """The kept file's: ready, queued (being prepared) or failed."""
        return self.document.status

    @cached_property
    def findings(self) -> list[Finding]:
        """What the checks would flag (none: the file passes), once the file is ready."""
        return [Finding(**finding) for finding in self.document.reads["summary"]]


def checked_releases(*, force_area: ForceArea, user, retry: bool = False) -> list[CheckedRelease]:
    """The area's releases (`release_heads`: their grants are not read) with their files' quality checks, read
    from each release's kept 360Giving JSON file, which is current exactly when the downloads' is (the same kind,
    format and subject), or queued to be made: a fixed number of queries whatever the number of releases and
    grants while the files are kept. `retry` queues a failed file again."""
    from grants.documents.rendering import documents_request, queue_again, release_subject

    found = release_heads(force_area=force_area)
    subjects = [release_subject(force_area, release.key) for release in found]
    kind, fmt = RenderedDocument.Kind.THREESIXTY, RenderedDocument.Format.JSON
    documents = documents_request(kind, fmt, subjects, user, retry=retry)
    for index, document in enumerate(documents):
        if document.status == RenderedDocument.Status.READY and "summary" not in (document.reads or {}):
            documents[index] = queue_again(document, user)  # kept by code that ran no checks (SQLite's text key)
    return [CheckedRelease(release, document) for release, document in zip(found, documents, strict=True)]

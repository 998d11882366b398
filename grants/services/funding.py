"""Other funding streams (Ministry of Justice, Home Office, MHCLG, NHS England, …) and awards from them to CSPs
or organisations, for one financial year or several. Allocations across councils are in `allocations.py`,
funding received in `income.py`, corrections and withdrawals in `corrections.py`."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import FundingStream, GrantAward
from grants.services.corrections import award_years_save, award_years_set, priorities_set, save_with_reason
from partnerships.models import ForceArea, Organisation


def funder_for(name: str) -> Organisation | None:
    """The body a stream's money comes from, found by name or recorded; None for the PCC's own money."""
    if not (name or "").strip():
        return None
    funder, _ = Organisation.objects.get_or_create(name=name.strip(), defaults={"kind": Organisation.Kind.OTHER})
    return funder


@transaction.atomic
def funding_stream_create(
    *,
    force_area: ForceArea,
    name: str,
    kind: str,
    awarded_directly: bool = False,
    description: str = "",
    funder_name: str = "",
    by=None,
) -> FundingStream:
    funder = funder_for(funder_name)
    stream = FundingStream(
        force_area=force_area,
        name=name,
        kind=kind,
        awarded_directly=awarded_directly,
        description=description,
        funder=funder,
    )
    stream.full_clean()
    save_with_reason(stream, reason="Recorded", by=by)
    return stream


def award_recipient(
    *, partnership=None, organisation_name: str = "", charity_number: str = "", company_number: str = ""
) -> tuple:
    """(partnership, organisation) receiving an award: a CSP of the area, or an organisation found by name (or
    recorded, with its register numbers)."""
    if partnership is not None or not organisation_name.strip():
        return partnership, None
    organisation, created = Organisation.objects.get_or_create(
        name=organisation_name.strip(),
        defaults={"charity_number": charity_number, "company_number": company_number},
    )
    if not created and (charity_number or company_number):
        organisation.charity_number = organisation.charity_number or charity_number
        organisation.company_number = organisation.company_number or company_number
        organisation.save()
    return None, organisation


@transaction.atomic
def stream_award_save(
    *,
    award: GrantAward,
    years: list[tuple[str, Decimal]] | None = None,
    priorities=None,
    organisation_name: str = "",
    charity_number: str = "",
    company_number: str = "",
    by=None,
) -> GrantAward:
    """Records an award from a stream, to a CSP or to an organisation, with its amount for each financial year
    (one year, or several for a multi-year grant or contract) and the priorities it serves."""
    if award.funding_stream.is_withdrawn:
        raise ValidationError("This funding stream has been withdrawn: record the award in another stream.")
    if organisation_name.strip():
        award.partnership, award.organisation = award_recipient(
            organisation_name=organisation_name, charity_number=charity_number, company_number=company_number
        )
    if years is not None:
        award_years_set(award=award, years=years)
    award.full_clean()
    save_with_reason(award, reason="Recorded", by=by)
    award_years_save(award)
    if priorities:
        priorities_set(
            record=award, priorities=priorities, force_area=award.force_area, financial_year=award.financial_year
        )
    return award

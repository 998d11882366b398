"""Other funding streams (Ministry of Justice, Home Office, MHCLG, NHS England, …), awards from them to CSPs or
organisations, and allocations of a stream across councils that must reconcile with its total."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import AllocationLine, AllocationTable, FundingStream, GrantAward
from grants.money import FigureError, format_money, parse_money
from grants.uploads import CellProblem, ParsedImport, find_header, read_rows
from partnerships.models import ForceArea, Organisation


@transaction.atomic
def funding_stream_create(
    *,
    force_area: ForceArea,
    name: str,
    kind: str,
    awarded_directly: bool = False,
    description: str = "",
    funder_name: str = "",
) -> FundingStream:
    funder = None
    if funder_name.strip():
        funder, _ = Organisation.objects.get_or_create(
            name=funder_name.strip(), defaults={"kind": Organisation.Kind.OTHER}
        )
    stream = FundingStream(
        force_area=force_area,
        name=name,
        kind=kind,
        awarded_directly=awarded_directly,
        description=description,
        funder=funder,
    )
    stream.full_clean()
    stream.save()
    return stream


@transaction.atomic
def stream_award_save(
    *, award: GrantAward, organisation_name: str = "", charity_number: str = "", company_number: str = ""
) -> GrantAward:
    """Saves an award from a stream; to a CSP, or to an organisation found (or recorded) by name."""
    if organisation_name.strip():
        organisation, created = Organisation.objects.get_or_create(
            name=organisation_name.strip(),
            defaults={"charity_number": charity_number, "company_number": company_number},
        )
        if not created and (charity_number or company_number):
            organisation.charity_number = organisation.charity_number or charity_number
            organisation.company_number = organisation.company_number or company_number
            organisation.save()
        award.organisation = organisation
        award.partnership = None
    award.full_clean()
    award.save()
    return award


# --- allocations across councils ---------------------------------------------------------------------------------


def _council(name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name.strip(), defaults={"kind": Organisation.Kind.LOCAL_AUTHORITY}
    )
    return organisation


@transaction.atomic
def allocation_lines_set(*, table: AllocationTable, amounts: dict[str, Decimal]) -> list[AllocationLine]:
    """Replaces the table's lines with `amounts` (council name → amount). They must add up exactly to the table's
    total, or nothing is saved and the message gives the difference."""
    if not amounts:
        raise ValidationError("Enter at least one council's figure.")
    total = sum(amounts.values(), Decimal("0.00"))
    if total != table.total:
        difference = table.total - total
        side = "short of" if difference > 0 else "more than"
        raise ValidationError(
            f"The councils' figures add up to {format_money(total)}, {format_money(abs(difference))} {side} the "
            f"total of {format_money(table.total)}. They must reconcile exactly."
        )
    table = AllocationTable.objects.select_for_update(of=("self",)).get(pk=table.pk)
    table.lines.all().delete()
    lines = []
    for name, amount in amounts.items():
        line = AllocationLine(table=table, recipient=_council(name), amount=amount)
        line.full_clean()
        line.save()
        lines.append(line)
    return lines


class AllocationImport(ParsedImport):
    def __init__(self):
        super().__init__()
        self.amounts: dict[str, Decimal] = {}


ALLOCATION_ROWS = 2000
ALLOCATION_HEADINGS = {
    "Local authority": "council",
    "Council": "council",
    "Recipient": "council",
    "Amount": "amount",
    "Allocation": "amount",
    "Amount allocated": "amount",
}


def allocation_import_parse(*, upload) -> AllocationImport:
    """A table with a council column (Local authority / Council) and an Amount column; title rows above the
    headings are passed over."""
    rows = read_rows(upload, max_rows=ALLOCATION_ROWS)
    _header, columns = find_header(rows, {"council", "amount"}, ALLOCATION_HEADINGS)

    def cell(cells, key):
        return cells[columns[key]] if columns[key] < len(cells) else ""

    return _allocation_rows((number, cell(cells, "council"), cell(cells, "amount")) for number, cells in rows)


def allocation_form_parse(*, rows) -> AllocationImport:
    """The councils' figures as typed on the page: `rows` of (council, amount text), blank rows skipped. Read the
    same way as an imported file, so both give the same messages."""
    return _allocation_rows(
        (number, council, text) for number, (council, text) in enumerate(rows, start=1) if council or text
    )


def _allocation_rows(rows) -> AllocationImport:
    result = AllocationImport()
    for number, name, text in rows:
        name = (name or "").strip()
        if not name:
            result.errors.append(CellProblem(number, "Local authority", "is empty."))
            continue
        if name in result.amounts:
            result.errors.append(CellProblem(number, "Local authority", f"{name} appears twice."))
            continue
        try:
            amount = parse_money(text)
        except FigureError as error:
            result.errors.append(CellProblem(number, "Amount", f"{error}: enter pounds and pence."))
            continue
        if amount < 0:
            result.errors.append(CellProblem(number, "Amount", "cannot be negative."))
            continue
        result.amounts[name] = amount
    return result

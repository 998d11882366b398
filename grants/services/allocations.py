"""Allocations of a funding stream across councils or CSPs, of any size: set up, rows typed or imported (with a
preview), corrected and withdrawn. The one writer of an allocation's rows.

A row names a council or a CSP recorded with its official code (an ONS local authority district code, or a
GB-LAE / GB-PLA register code), never free text: councils are not invented from what was typed. The rows must
add up exactly to the allocation's total, or nothing is saved. Each row is an award from the stream (made on
the allocation's date, or proposed until it has one), so allocations count in every figure and report.

An imported sheet may have title rows above its column headings and a "Total" row: the total row is checked
against the sum of the rows above it, not imported as a council.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grants.figures.money import award_ledger
from grants.models import AllocationTable, FundingStream, GrantAward
from grants.money import ZERO, format_money, parse_money
from grants.uploads import CellProblem
from partnerships.models import ForceArea, Organisation, Partnership

from .corrections import (
    priorities_set,
    require_reason,
    save_with_reason,
    withdraw_record,
    withdrawal_blocker,
)

# --- who can be given a row --------------------------------------------------------------------------------------

Recipient = Organisation | Partnership


def recipient_key(recipient: Recipient) -> str:
    """How a row's recipient is written in a form or carried from a preview to its confirmation."""
    return f"{'csp' if isinstance(recipient, Partnership) else 'la'}-{recipient.pk}"


def councils_with_codes():
    """Councils an allocation can name: local authorities recorded with an official code."""
    return Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).exclude(
        Q(ons_code="") & Q(local_authority_code="")
    )


def recipient_choices(force_area: ForceArea) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a row: the area's CSPs, then councils with their codes."""
    csps = [(recipient_key(p), p.name) for p in Partnership.objects.filter(force_area=force_area).order_by("name")]
    councils = [(recipient_key(o), _council_label(o)) for o in councils_with_codes().order_by("name")]
    return [(f"Community Safety Partnerships in {force_area}", csps), ("Councils", councils)]


def _council_label(organisation: Organisation) -> str:
    codes = [code for code in (organisation.ons_code, organisation.org_id) if code]
    return f"{organisation.name} ({', '.join(codes)})" if codes else organisation.name


def recipient_from_key(force_area: ForceArea, key: str) -> Recipient | None:
    kind, _, pk = (key or "").partition("-")
    if not pk.isdigit():
        return None
    if kind == "csp":
        return Partnership.objects.filter(force_area=force_area, pk=pk).first()
    if kind == "la":
        return councils_with_codes().filter(pk=pk).first()
    return None


def _normal(text: str) -> str:
    text = (text or "").lower().replace("&", " and ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text)).strip()


_COUNCIL_WORDS = re.compile(
    r"\b(city|county|borough|district|metropolitan|royal|council|of|the|unitary|authority|and)\b"
)


def _short(text: str) -> str:
    """`Plymouth City Council` and `Plymouth` are the same council to a person reading a sheet."""
    return re.sub(r"\s+", " ", _COUNCIL_WORDS.sub(" ", _normal(text))).strip()


class RecipientLookup:
    """Finds the council or CSP a sheet's cell names: by ONS code, org-id or register code, by name, or by the
    name without "City Council" and the like when that is not ambiguous."""

    def __init__(self, force_area: ForceArea):
        self.exact: dict[str, Recipient] = {}
        shorts: dict[str, set] = {}
        for partnership in Partnership.objects.filter(force_area=force_area):
            for key in (partnership.name, partnership.slug, partnership.ons_code):
                if key:
                    self.exact.setdefault(_normal(key), partnership)
            shorts.setdefault(_short(partnership.name), set()).add(partnership)
        for council in councils_with_codes():
            for key in (council.name, council.ons_code, council.local_authority_code, council.org_id):
                if key:
                    self.exact.setdefault(_normal(key), council)
            shorts.setdefault(_short(council.name), set()).add(council)
        self.short = {key: next(iter(found)) for key, found in shorts.items() if key and len(found) == 1}

    def find(self, text: str) -> Recipient | None:
        return self.exact.get(_normal(text)) or self.short.get(_short(text))


# --- the rows ----------------------------------------------------------------------------------------------------


@dataclass
class AllocationRow:
    row: int
    recipient: Recipient
    amount: Decimal
    text: str = ""  # what the sheet or the page said

    @property
    def key(self) -> str:
        return recipient_key(self.recipient)


@dataclass
class ParsedAllocation:
    """Rows read from the page or a sheet, with every problem found; saved only with none."""

    rows: list[AllocationRow] = field(default_factory=list)
    errors: list[CellProblem] = field(default_factory=list)
    total_row: tuple[int, Decimal] | None = None  # the sheet's own "Total" row: checked, never imported
    skipped: list[str] = field(default_factory=list)  # title rows above the headings, as the sheet wrote them

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    def as_data(self) -> list[list[str]]:
        """What the preview carries to the confirmation: [row, recipient key, amount]."""
        return [[row.row, row.key, str(row.amount)] for row in self.rows]


def _read_amount(text: str) -> Decimal:
    amount = parse_money(text)
    if amount < 0:
        raise ValueError(f"'{text}' is negative")
    return amount


def _add_row(result: ParsedAllocation, seen: dict, number: int, recipient, text: str, amount_text: str, name_column):
    if recipient is None:
        result.errors.append(
            CellProblem(
                number,
                name_column,
                f"'{text}' is not a council or CSP recorded with its official code. Use its name as recorded, its "
                "ONS code (like E06000026) or its org-id (like GB-LAE-PLY); an OPCC administrator can record a "
                "council that is missing.",
            )
        )
        return
    key = recipient_key(recipient)
    if key in seen:
        result.errors.append(CellProblem(number, name_column, f"{recipient} is also in row {seen[key]}."))
        return
    try:
        amount = _read_amount(amount_text)
    except ValueError as error:
        result.errors.append(CellProblem(number, "Amount", f"{error}: enter pounds and pence, like £12,500.00."))
        return
    seen[key] = number
    result.rows.append(AllocationRow(number, recipient, amount, text))


def allocation_rows_parse(*, force_area: ForceArea, rows: list[tuple[str, str]]) -> ParsedAllocation:
    """The rows as typed on the page: (recipient key from the list, amount text); blank rows are skipped."""
    result, seen = ParsedAllocation(), {}
    for number, (key, amount_text) in enumerate(rows, start=1):
        if not key and not (amount_text or "").strip():
            continue
        if not key:
            result.errors.append(CellProblem(number, "Council or CSP", "choose the council or CSP."))
            continue
        recipient = recipient_from_key(force_area, key)
        _add_row(result, seen, number, recipient, key, amount_text, "Council or CSP")
    return result


ALLOCATION_MAX_ROWS = 2000
ALLOCATION_HEADINGS = {
    "Local authority": "recipient",
    "Council": "recipient",
    "Council or CSP": "recipient",
    "Recipient": "recipient",
    "Community Safety Partnership": "recipient",
    "CSP": "recipient",
    "Partnership": "recipient",
    "Local authority name": "recipient",
    "Amount": "amount",
    "Allocation": "amount",
    "Amount allocated": "amount",
    "Grant": "amount",
}
_TOTAL = re.compile(r"^(grand )?totals?( allocated| allocation)?:?$", re.IGNORECASE)


def allocation_import_parse(*, force_area: ForceArea, upload) -> ParsedAllocation:
    """A sheet with a council (or CSP) column and an amount column, read through the one upload reader
    (`grants.uploads`). Title rows above the headings are passed over; a "Total" row is checked against the sum
    of the rows above it, and nothing below it is read."""
    from grants.uploads import find_header, read_rows

    rows = read_rows(upload, max_rows=ALLOCATION_MAX_ROWS)
    skipped: list[str] = []

    def remember_titles():
        """The rows find_header reads; those it passes over (title rows) are kept to show in the preview."""
        for number, cells in rows:
            yield number, cells
            skipped.append(" ".join(cell for cell in cells if cell))  # reached only when it read on: a title

    _header, columns = find_header(remember_titles(), {"recipient", "amount"}, ALLOCATION_HEADINGS)
    name_column, amount_column = columns.headings["recipient"], columns.headings["amount"]
    result, seen, lookup = ParsedAllocation(skipped=skipped), {}, RecipientLookup(force_area)

    def cell(cells, key):
        position = columns[key]
        return cells[position].strip() if position < len(cells) else ""

    for number, cells in rows:
        text, amount_text = cell(cells, "recipient"), cell(cells, "amount")
        if _TOTAL.match(text) or (not text and amount_text and any(_TOTAL.match(c) for c in cells if c)):
            try:
                result.total_row = (number, _read_amount(amount_text))
            except ValueError as error:
                result.errors.append(CellProblem(number, amount_column, f"the total {error}."))
            break
        if not text and not amount_text:
            continue
        if not text:
            result.errors.append(CellProblem(number, name_column, "is empty: name the council or CSP."))
            continue
        _add_row(result, seen, number, lookup.find(text), text, amount_text, name_column)
    if result.total_row is not None and not result.errors and result.total_row[1] != result.total:
        number, stated = result.total_row
        difference = stated - result.total
        side = "more" if difference > 0 else "less"
        result.errors.append(
            CellProblem(
                number,
                amount_column,
                f"the sheet's total is {format_money(stated)} but its rows add up to {format_money(result.total)}: "
                f"the total is {format_money(abs(difference))} {side} than the rows. Correct the sheet and upload it "
                "again.",
            )
        )
    if not result.rows and not result.errors:
        result.errors.append(CellProblem(None, "", "The sheet has no rows of councils or CSPs under its headings."))
    return result


def allocation_rows_from_data(*, force_area: ForceArea, data: list) -> ParsedAllocation:
    """The rows a preview carried, found again (a council removed since is a problem, not a silent drop)."""
    result, seen = ParsedAllocation(), {}
    for number, key, amount in data:
        _add_row(result, seen, number, recipient_from_key(force_area, key), key, amount, "Council or CSP")
    return result


# --- writing -----------------------------------------------------------------------------------------------------


@dataclass
class AllocationInput:
    title: str
    funding_stream: FundingStream
    financial_year: str
    total: Decimal
    awarded_on: date | None = None
    notes: str = ""
    priorities: list = field(default_factory=list)


def _reconciliation_error(table: AllocationTable, total: Decimal) -> str:
    if total == table.total:
        return ""
    difference = table.total - total
    side = "short of" if difference > 0 else "more than"
    return (
        f"The rows add up to {format_money(total)}, {format_money(abs(difference))} {side} the total of "
        f"{format_money(table.total)}. They must reconcile exactly."
    )


def _apply(table: AllocationTable, data: AllocationInput) -> None:
    table.title, table.funding_stream, table.financial_year = data.title, data.funding_stream, data.financial_year
    table.total, table.awarded_on, table.notes = data.total, data.awarded_on, data.notes
    if table.funding_stream.force_area_id != table.force_area_id:
        raise ValidationError({"funding_stream": "Choose one of this OPCC's funding streams."})
    table.full_clean()


@transaction.atomic
def allocation_create(*, force_area: ForceArea, data: AllocationInput, by) -> AllocationTable:
    table = AllocationTable(force_area=force_area)
    _apply(table, data)
    save_with_reason(table, reason="Set up", by=by)
    priorities_set(record=table, priorities=data.priorities, force_area=force_area, financial_year=table.financial_year)
    return table


def _award_for(table: AllocationTable, recipient: Recipient, amount: Decimal, award: GrantAward | None):
    award = award or GrantAward(funding_stream=table.funding_stream, allocation=table)
    if isinstance(recipient, Partnership):
        award.partnership, award.organisation = recipient, None
    else:
        award.organisation, award.partnership = recipient, None
    award.funding_stream = table.funding_stream
    award.financial_year = table.financial_year
    award.amount = amount
    award.purpose = award.purpose or table.title
    award.status = GrantAward.Status.MADE if table.awarded_on else GrantAward.Status.PROPOSED
    award.awarded_on = table.awarded_on
    return award


@transaction.atomic
def allocation_rows_set(*, table: AllocationTable, rows: list[AllocationRow], by, reason: str = "") -> list[GrantAward]:
    """Makes the allocation's rows exactly `rows`: changed amounts corrected, new councils or CSPs added, those no
    longer listed removed (withdrawn, with the reason, when they were made). All or nothing: the rows must add
    up to the total, and no row may fall below what is already claimed and paid on it."""
    table = AllocationTable.objects.select_for_update().select_related("funding_stream").get(pk=table.pk)
    if table.is_withdrawn:
        raise ValidationError("This allocation has been withdrawn: its rows cannot be changed.")
    if not rows:
        raise ValidationError("Enter at least one council's or CSP's figure.")
    if message := _reconciliation_error(table, sum((row.amount for row in rows), ZERO)):
        raise ValidationError(message)
    reason = (reason or "").strip() or "Allocation rows saved"
    existing = {
        recipient_key(award.recipient): award
        for award in GrantAward.objects.select_for_update(of=("self",))
        .live()
        .filter(allocation=table)
        .select_related("partnership", "organisation")
    }
    errors = []
    saved = []
    for row in rows:
        award = existing.pop(row.key, None)
        if award is not None and (award.amount, award.awarded_on, award.funding_stream_id, award.financial_year) == (
            row.amount,
            table.awarded_on,
            table.funding_stream_id,
            table.financial_year,
        ):
            saved.append(award)
            continue
        if award is not None:
            ledger = award_ledger(award)
            floor = ledger.claimed + ledger.paid_without_claim
            if row.amount < floor:
                errors.append(
                    f"Row {row.row}, {row.recipient}: {format_money(floor)} is already claimed or paid, so its figure "
                    f"cannot be {format_money(row.amount)}."
                )
                continue
            if award.is_published_grant and award.amount != row.amount:
                award.corrected_at = timezone.now()
                award.correction_note = (
                    f"Amount was {format_money(award.amount)}, now {format_money(row.amount)}; {reason}"
                )
        award = _award_for(table, row.recipient, row.amount, award)
        try:
            award.full_clean()
        except ValidationError as error:
            errors.extend(f"Row {row.row}, {row.recipient}: {m}" for m in error.messages)
            continue
        save_with_reason(award, reason=reason, by=by)
        saved.append(award)
    for award in existing.values():
        if message := withdrawal_blocker(award):
            errors.append(message)
            continue
        if award.status == GrantAward.Status.MADE:
            withdraw_record(award, reason=f"Removed from the allocation: {reason}", by=by)
        else:
            award.delete()  # a proposed row never made: its history keeps it
    if errors:
        raise ValidationError(errors)
    return saved


@transaction.atomic
def allocation_update(*, table: AllocationTable, data: AllocationInput, reason: str, by) -> AllocationTable:
    """Corrects an allocation's details; its rows follow its date (made or proposed). A new total must still
    reconcile with the rows, unless it has none yet."""
    reason = require_reason(reason, "the allocation is changed")
    table = AllocationTable.objects.select_for_update().get(pk=table.pk)
    if table.is_withdrawn:
        raise ValidationError("This allocation has been withdrawn: it cannot be changed.")
    changed_money = (data.funding_stream.pk, data.financial_year, data.awarded_on) != (
        table.funding_stream_id,
        table.financial_year,
        table.awarded_on,
    )
    _apply(table, data)
    awards = list(table.awards.live().select_related("partnership", "organisation"))
    if awards and (message := _reconciliation_error(table, sum((a.amount for a in awards), ZERO))):
        raise ValidationError({"total": message + " Change the rows first, or give the total they add up to."})
    save_with_reason(table, reason=reason, by=by)
    priorities_set(
        record=table, priorities=data.priorities, force_area=table.force_area, financial_year=table.financial_year
    )
    if changed_money and awards:
        allocation_rows_set(
            table=table,
            rows=[AllocationRow(n, a.recipient, a.amount) for n, a in enumerate(awards, start=1)],
            by=by,
            reason=reason,
        )
    return table


@transaction.atomic
def allocation_withdraw(*, table: AllocationTable, reason: str, by) -> AllocationTable:
    """Withdraws the allocation and its rows: all or nothing (refused while money paid on a row stands)."""
    reason = require_reason(reason, "the allocation is withdrawn")
    table = AllocationTable.objects.select_for_update().get(pk=table.pk)
    if table.is_withdrawn:
        raise ValidationError("This allocation was already withdrawn.")
    for award in table.awards.live().select_related("partnership", "organisation"):
        if message := withdrawal_blocker(award):
            raise ValidationError(message)
        withdraw_record(award, reason=f"The allocation was withdrawn: {reason}", by=by)
    withdraw_record(table, reason=reason, by=by)
    return table

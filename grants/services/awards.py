"""Setting every CSP's award for a year: by hand, as a standstill on last year, or from a confirmed formula
scenario; and the indicators the formula uses, imported from CSV or XLSX.

Writes are all-or-nothing: if one partnership's award cannot be saved (say its spending plan already allocates
more than the new figure) nothing is saved and the message names that partnership.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from grants.models import (
    FormulaScenario,
    FundingStream,
    GrantAward,
    Indicator,
    IndicatorValue,
    ScenarioLine,
    ScenarioWeight,
)
from grants.money import FigureError, format_money, parse_number
from grants.services.corrections import save_with_reason
from grants.services.formula import FormulaSettings, formula_split
from grants.uploads import CellProblem, ParsedImport, column_letter, find_header, read_rows
from partnerships.financial_years import FinancialYear
from partnerships.models import ForceArea, Partnership

# --- reading ---------------------------------------------------------------------------------------------------


def csp_streams(force_area: ForceArea):
    return FundingStream.objects.filter(force_area=force_area, kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY)


def awards_for_year(*, funding_stream: FundingStream, financial_year: str) -> dict[int, GrantAward]:
    """The stream's awards to partnerships for the year, by partnership id."""
    return {
        award.partnership_id: award
        for award in GrantAward.objects.live().filter(
            funding_stream=funding_stream, financial_year=financial_year, partnership__isnull=False
        )
    }


def previous_amounts(*, funding_stream: FundingStream, financial_year: str) -> dict[int, Decimal]:
    """Last year's awards from the same stream, by partnership id: the base of a standstill and of damping."""
    last_year = str(FinancialYear.parse(financial_year).previous())
    return {
        pk: award.amount
        for pk, award in awards_for_year(funding_stream=funding_stream, financial_year=last_year).items()
    }


# --- setting the year's awards ---------------------------------------------------------------------------------


@transaction.atomic
def awards_set(
    *,
    funding_stream: FundingStream,
    financial_year: str,
    amounts: dict[Partnership, Decimal | None],
    awarded_on: date | None,
    by=None,
    reason: str = "",
) -> list[GrantAward]:
    """Creates or updates each partnership's award for the year. With `awarded_on` the awards are made on that
    date; without it they are saved as proposed. A partnership given None keeps what it has. `reason`, when given,
    is kept in each award's history with `by`."""
    FinancialYear.parse(financial_year)
    previous = previous_amounts(funding_stream=funding_stream, financial_year=financial_year)
    existing = {
        a.partnership_id: a
        for a in GrantAward.objects.select_for_update(of=("self",))
        .live()
        .order_by()
        .filter(funding_stream=funding_stream, financial_year=financial_year, partnership__in=list(amounts))
    }
    errors: dict[str, list[str]] = {}
    saved = []
    for partnership, amount in amounts.items():
        if partnership.force_area_id != funding_stream.force_area_id:
            errors.setdefault(f"amount-{partnership.pk}", []).append(
                f"{partnership} is not in {funding_stream.force_area}."
            )
            continue
        if amount is None:
            continue
        award = existing.get(partnership.pk) or GrantAward(
            funding_stream=funding_stream, partnership=partnership, financial_year=financial_year
        )
        award.amount = amount
        award.previous_year_amount = previous.get(partnership.pk)
        if awarded_on is not None:
            award.status = GrantAward.Status.MADE
            award.awarded_on = awarded_on
        elif award.status != GrantAward.Status.MADE:
            award.status = GrantAward.Status.PROPOSED
        try:
            award.full_clean()
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            errors.setdefault(f"amount-{partnership.pk}", []).extend(f"{partnership}: {m}" for m in messages)
            continue
        if reason:
            save_with_reason(award, reason=reason, by=by)
        else:
            award.save()
        saved.append(award)
    if errors:
        raise ValidationError(errors)
    return saved


# --- indicators ------------------------------------------------------------------------------------------------


def _partnership_lookup(force_area: ForceArea) -> dict[str, Partnership]:
    lookup = {}
    for partnership in Partnership.objects.filter(force_area=force_area).prefetch_related("local_authorities"):
        for key in partnership.lookup_keys():
            lookup.setdefault(key.strip().lower(), partnership)
    return lookup


@dataclass
class IndicatorImport(ParsedImport):
    indicators: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # partnership slug -> indicator -> value
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    missing: list[Partnership] = field(default_factory=list)

    def as_data(self) -> dict:
        """JSON-ready, to carry from the preview to the confirmation (signed, so it cannot be altered)."""
        return {"indicators": self.indicators, "values": self.values}


INDICATOR_ROWS = 2000
PARTNERSHIP_HEADINGS = {
    "Partnership": "partnership",
    "CSP": "partnership",
    "Community Safety Partnership": "partnership",
}


def indicators_import_parse(*, force_area: ForceArea, upload) -> IndicatorImport:
    """Reads a table with a Partnership column (name, local authority or ONS code) and one column per indicator;
    title rows above the headings are passed over. Figures as people write them (`12,345`, `7.5%`), at most
    12 digits and 4 decimal places (what an indicator's figure holds)."""
    result = IndicatorImport()
    rows = read_rows(upload, max_rows=INDICATOR_ROWS)
    header, columns = find_header(rows, {"partnership"}, PARTNERSHIP_HEADINGS)
    indicators = [(position, heading) for position, heading in columns.unused if position > columns["partnership"]]
    longest = Indicator._meta.get_field("name").max_length
    for position, heading in indicators:
        if len(heading) > longest:
            raise ValidationError(
                f"Row {header}, column {column_letter(position)}: an indicator's heading can be at most {longest} "
                f"characters long (it is {len(heading)})."
            )
    result.indicators = [heading for _position, heading in indicators]
    if not result.indicators:
        raise ValidationError("Add at least one indicator column after the Partnership column.")
    if len(set(result.indicators)) != len(result.indicators):
        raise ValidationError("Each indicator column needs its own heading.")
    lookup = _partnership_lookup(force_area)
    for number, cells in rows:
        name = cells[columns["partnership"]] if columns["partnership"] < len(cells) else ""
        partnership = lookup.get(name.strip().lower())
        if partnership is None:
            result.errors.append(CellProblem(number, "Partnership", f"'{name}' is not a partnership in {force_area}."))
            continue
        if partnership.slug in result.values:
            result.errors.append(CellProblem(number, "Partnership", f"{partnership} appears twice."))
            continue
        figures = {}
        for position, indicator in indicators:
            text = cells[position] if position < len(cells) else ""
            try:
                value = parse_number(text, decimal_places=4, whole_digits=12, percent=True)
            except FigureError as error:
                result.errors.append(CellProblem(number, indicator, f"{error}: enter a number."))
                continue
            if value < 0:
                result.errors.append(CellProblem(number, indicator, "cannot be negative."))
                continue
            figures[indicator] = str(value)
        result.values[partnership.slug] = figures
        result.partnerships[partnership.slug] = partnership
    result.missing = [p for p in lookup.values() if p.slug not in result.values]
    result.missing = sorted(set(result.missing), key=lambda p: p.name)
    return result


@transaction.atomic
def indicators_import_confirm(*, force_area: ForceArea, financial_year: str, data: dict) -> int:
    """Saves the previewed figures, adding indicators the OPCC has not used before. Returns the figures saved."""
    FinancialYear.parse(financial_year)
    partnerships = {p.slug: p for p in Partnership.objects.filter(force_area=force_area, slug__in=list(data["values"]))}
    indicators = {}
    for name in data["indicators"]:
        indicators[name], _ = Indicator.objects.get_or_create(force_area=force_area, name=name)
    count = 0
    for slug, figures in data["values"].items():
        partnership = partnerships.get(slug)
        if partnership is None:
            raise ValidationError(f"A partnership in the file is no longer in {force_area}: upload it again.")
        for name, value in figures.items():
            IndicatorValue.objects.update_or_create(
                indicator=indicators[name],
                partnership=partnership,
                financial_year=financial_year,
                defaults={"value": Decimal(value)},
            )
            count += 1
    return count


def indicator_values(*, force_area: ForceArea, financial_year: str) -> tuple[list[Indicator], dict]:
    """Indicators with figures for the year, and `values[partnership][indicator] = Decimal`."""
    values: dict[Partnership, dict[Indicator, Decimal]] = {}
    indicators = {}
    for item in IndicatorValue.objects.filter(
        indicator__force_area=force_area, financial_year=financial_year
    ).select_related("indicator", "partnership"):
        indicators[item.indicator_id] = item.indicator
        values.setdefault(item.partnership, {})[item.indicator] = item.value
    return sorted(indicators.values(), key=lambda i: i.name), values


# --- formula scenarios -----------------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *,
    force_area: ForceArea,
    funding_stream: FundingStream,
    financial_year: str,
    name: str,
    pot: Decimal,
    weights: dict[Indicator, Decimal],
    top_slice: Decimal = Decimal("0.00"),
    top_slice_purpose: str = "",
    base_per_partnership: Decimal = Decimal("0.00"),
    damping_percent: Decimal | None = None,
    phase_year: int | None = None,
    phase_years: int | None = None,
    notes: str = "",
    by=None,
) -> FormulaScenario:
    """Computes the split for every partnership in the area and saves it under a name, to compare and confirm."""
    if FormulaScenario.objects.filter(force_area=force_area, financial_year=financial_year, name=name).exists():
        raise ValidationError({"name": f"There is already a scenario called '{name}' for {financial_year}."})
    partnerships = list(Partnership.objects.filter(force_area=force_area).order_by("name"))
    _, values = indicator_values(force_area=force_area, financial_year=financial_year)
    weights = {indicator: weight for indicator, weight in weights.items() if weight}
    without = [p.name for p in partnerships if p not in values]
    if without:
        raise ValidationError(
            f"Indicator figures for {financial_year} are missing for {', '.join(without)}: import them first."
        )
    previous = previous_amounts(funding_stream=funding_stream, financial_year=financial_year)
    result = formula_split(
        settings=FormulaSettings(
            pot=pot,
            top_slice=top_slice,
            base_per_partnership=base_per_partnership,
            weights={indicator.pk: weight for indicator, weight in weights.items()},
            damping_percent=damping_percent,
            phase_year=phase_year,
            phase_years=phase_years,
        ),
        values={p: {i.pk: v for i, v in values[p].items()} for p in partnerships},
        previous={p: previous.get(p.pk) for p in partnerships},
    )
    scenario = FormulaScenario(
        force_area=force_area,
        funding_stream=funding_stream,
        financial_year=financial_year,
        name=name,
        pot=pot,
        top_slice=top_slice,
        top_slice_purpose=top_slice_purpose,
        base_per_partnership=base_per_partnership,
        damping_percent=damping_percent,
        phase_year=phase_year,
        phase_years=phase_years,
        notes=notes,
        created_by=by,
    )
    scenario.full_clean()
    scenario._history_user = by
    scenario.save()
    bulk_create_with_history(
        [
            ScenarioWeight(scenario=scenario, indicator=indicator, weight=weight)
            for indicator, weight in weights.items()
        ],
        ScenarioWeight,
        default_user=by,
    )
    bulk_create_with_history(
        [
            ScenarioLine(
                scenario=scenario,
                partnership=line.key,
                previous_amount=line.previous,
                formula_amount=line.formula_amount,
                amount=line.amount,
            )
            for line in result.lines
        ],
        ScenarioLine,
        default_user=by,
    )
    return scenario


@transaction.atomic
def scenario_confirm(*, scenario: FormulaScenario, awarded_on: date | None, by=None) -> list[GrantAward]:
    """Makes the scenario's figures the year's awards, in one step, and records who confirmed it and when."""
    scenario = FormulaScenario.objects.select_for_update(of=("self",)).get(pk=scenario.pk)
    lines = list(scenario.lines.select_related("partnership"))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total != scenario.distributable:
        raise ValidationError(
            f"The scenario's figures add up to {format_money(total)}, not {format_money(scenario.distributable)}."
        )
    awards = awards_set(
        funding_stream=scenario.funding_stream,
        financial_year=scenario.financial_year,
        amounts={line.partnership: line.amount for line in lines},
        awarded_on=awarded_on,
        by=by,
    )
    for earlier in FormulaScenario.objects.filter(
        force_area=scenario.force_area, financial_year=scenario.financial_year, confirmed_at__isnull=False
    ):  # saved one by one, so each scenario's history says it stopped being the confirmed one
        earlier.confirmed_at, earlier.confirmed_by, earlier._history_user = None, None, by
        earlier.save(update_fields=["confirmed_at", "confirmed_by"])
    scenario.confirmed_at = timezone.now()
    scenario.confirmed_by = scenario._history_user = by
    scenario.save(update_fields=["confirmed_at", "confirmed_by"])
    return awards

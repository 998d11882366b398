"""The OPCC's money figures, in one place: money in (funding received), money out (grants made, committed, paid)
and what remains, per funding stream, per award and for a force area's year; claims and payments per award;
grant rounds' and allocations' totals; and the direct OPCC spending by Police and Crime Plan priority.

Every page, document and export reads these; none of them adds money up on its own. Lists are computed in SQL
(annotations and grouped sums), so a page costs a fixed number of queries however many rows it shows.

The words, as the pages define them for their readers:

- **Received**: funding received into a stream (`FundingReceivedYear`) for the financial year.
- **Granted**: grants and contracts *made* from the stream, for the part that falls in the year.
- **Committed**: money set aside but not yet granted: proposed awards, the part of a grant round's pot not yet
  awarded, the part of an allocation's total not yet given to a council or CSP.
- **Paid**: payments made in the year (by payment date), reversals netted off.
- **Remaining**: received less granted less committed: what is still free to spend.

Per award: **claimed** is what claims take from it (the amount approved, or claimed while awaiting a decision),
**paid** is what has been paid on it, and **remaining** is its amount less what is claimed and less payments
made without a claim (an award paid in advance or on a schedule): each pound is counted once, in a claim or in
a payment. A withdrawn record counts nowhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from grants.claims import COUNTING, ClaimStatus
from grants.models import (
    AllocationTable,
    AwardYear,
    Claim,
    FundingReceivedYear,
    FundingStream,
    GrantApplication,
    GrantAward,
    GrantRound,
    Payment,
    SpendingPlan,
)
from grants.money import ZERO
from grants.questions import built_once
from partnerships.financial_years import FinancialYear
from priorities.models import PoliceAndCrimePlan, Priority

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _zero() -> Value:
    return Value(ZERO, output_field=MONEY)


def _total(queryset: QuerySet, amount, *, by: str) -> Coalesce:
    """The sum of `amount` over `queryset` (already filtered on an OuterRef), as a subquery; £0.00 when empty."""
    grouped = queryset.order_by().values(by).annotate(total=Sum(amount)).values("total")[:1]
    return Coalesce(Subquery(grouped, output_field=MONEY), _zero())


# --- an award's money in a financial year -------------------------------------------------------------------------


def award_year_amount(financial_year: str):
    """The part of an award that falls in `financial_year`: its amount for that year when it has amounts per
    year (a multi-year award), else its whole amount in its one `financial_year`. THE rule for multi-year money."""
    has_years = Exists(AwardYear.objects.filter(award=OuterRef("pk")))
    this_year = AwardYear.objects.filter(award=OuterRef("pk"), financial_year=financial_year).values("amount")[:1]
    return Case(
        When(has_years, then=Coalesce(Subquery(this_year, output_field=MONEY), _zero())),
        When(financial_year=financial_year, then=F("amount")),
        default=_zero(),
        output_field=MONEY,
    )


def awards_in_year(queryset: QuerySet, financial_year: str) -> QuerySet:
    """The awards with money in `financial_year`, each annotated `year_amount`: a two-year award is in both."""
    has_years = Exists(AwardYear.objects.filter(award=OuterRef("pk")))
    in_year = Exists(AwardYear.objects.filter(award=OuterRef("pk"), financial_year=financial_year))
    return queryset.filter(Q(in_year) | (Q(financial_year=financial_year) & ~Q(has_years))).annotate(
        year_amount=award_year_amount(financial_year)
    )


def award_years(award: GrantAward) -> list[tuple[str, Decimal]]:
    """(financial year, amount) for each year of an award, in order."""
    years = [(y.financial_year, y.amount) for y in award.years.all()]
    return sorted(years) if years else [(award.financial_year, award.amount)]


# --- claims and payments on an award ------------------------------------------------------------------------------


def _claimed_amount():
    return Case(When(status=ClaimStatus.APPROVED, then=F("amount_approved")), default=F("amount"), output_field=MONEY)


def awards_with_ledger(queryset: QuerySet) -> QuerySet:
    """Annotates `claimed`, `paid`, `paid_without_claim` and `remaining` on each award (see the module's words)."""
    claims = Claim.objects.filter(award=OuterRef("pk"), status__in=COUNTING)
    payments = Payment.objects.filter(award=OuterRef("pk"))
    return queryset.annotate(
        claimed=_total(claims, _claimed_amount(), by="award"),
        paid=_total(payments, "amount", by="award"),
        paid_without_claim=_total(payments.filter(claim__isnull=True), "amount", by="award"),
    ).annotate(remaining=F("amount") - F("claimed") - F("paid_without_claim"))


def award_ledger(award: GrantAward) -> GrantAward:
    """One award with its claimed, paid and remaining figures."""
    return awards_with_ledger(GrantAward.objects.filter(pk=award.pk)).get()


def claims_with_figures(queryset: QuerySet) -> QuerySet:
    """Annotates `paid` (payments against the claim, reversals netted) and `unpaid` (approved, not yet paid)."""
    payments = Payment.objects.filter(claim=OuterRef("pk"))
    return queryset.annotate(paid=_total(payments, "amount", by="claim")).annotate(
        unpaid=Case(
            When(status=ClaimStatus.APPROVED, then=F("amount_approved") - F("paid")),
            default=_zero(),
            output_field=MONEY,
        )
    )


# --- grant rounds and allocations ---------------------------------------------------------------------------------


def rounds_with_figures(queryset: QuerySet) -> QuerySet:
    """Annotates `awarded_total` (approved applications still standing) and `requested_total` (applications not
    withdrawn). `GrantRound.awarded`, `.requested` and `.remaining` read these."""
    applications = GrantApplication.objects.filter(grant_round=OuterRef("pk"), withdrawn_at__isnull=True)
    return queryset.annotate(
        awarded_total=_total(
            applications.filter(decision=GrantApplication.Decision.APPROVED), "amount_awarded", by="grant_round"
        ),
        requested_total=_total(applications, "amount_requested", by="grant_round"),
    )


def allocations_with_figures(queryset: QuerySet) -> QuerySet:
    """Annotates `allocated` (its rows still standing), `difference` (total less allocated: £0.00 when it
    reconciles) and `rows` (how many councils or CSPs)."""
    awards = GrantAward.objects.filter(allocation=OuterRef("pk"), withdrawn_at__isnull=True)
    rows = awards.order_by().values("allocation").annotate(n=Count("pk")).values("n")[:1]
    return queryset.annotate(
        allocated=_total(awards, "amount", by="allocation"),
        rows=Coalesce(Subquery(rows), Value(0)),
    ).annotate(difference=F("total") - F("allocated"))


def allocation_figures(table: AllocationTable) -> AllocationTable:
    return allocations_with_figures(AllocationTable.objects.filter(pk=table.pk)).get()


# --- per stream and per force area --------------------------------------------------------------------------------


@dataclass
class StreamMoney:
    """One funding stream's money for a financial year."""

    stream: FundingStream
    received: Decimal = ZERO
    granted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    grants_made: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.received - self.granted - self.committed

    @property
    def has_income(self) -> bool:
        return self.received != ZERO


@dataclass
class AreaMoney:
    """A force area's money for a financial year: income and grants made are separate figures, never added."""

    force_area: object
    financial_year: str
    streams: list[StreamMoney]
    grants_made: Decimal = ZERO
    grants_made_count: int = 0
    grants_by_route: dict[str, Decimal] = field(default_factory=dict)
    contracts: Decimal = ZERO
    funder_direct: Decimal = ZERO
    # Made awards no CSP spending plan accounts for (not a funder's direct award): what `direct_spending` lists.
    direct_awards: int = 0

    @property
    def received(self) -> Decimal:
        return sum((s.received for s in self.streams), ZERO)

    @property
    def granted(self) -> Decimal:
        return sum((s.granted for s in self.streams), ZERO)

    @property
    def committed(self) -> Decimal:
        return sum((s.committed for s in self.streams), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((s.paid for s in self.streams), ZERO)

    @property
    def remaining(self) -> Decimal:
        return sum((s.remaining for s in self.streams), ZERO)


# How a grant made reached its recipient, for the headline's breakdown.
ROUTES = {
    "csp": "Community safety grants to CSPs",
    "round": "Grant rounds",
    "allocation": "Allocations across councils and CSPs",
    "direct": "Other grants made by the OPCC",
}


def _route() -> Case:
    return Case(
        When(allocation__isnull=False, then=Value("allocation")),
        When(Exists(GrantApplication.objects.filter(award=OuterRef("pk"))), then=Value("round")),
        When(
            funding_stream__kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY, partnership__isnull=False, then=Value("csp")
        ),
        default=Value("direct"),
    )


def _by_stream(rows, key: str = "total") -> dict[int, Decimal]:
    return {row["stream"]: row[key] or ZERO for row in rows}


def area_awards(force_area) -> QuerySet:
    """Every award of the force area still standing: from its OPCC's streams, or to its CSPs."""
    return GrantAward.objects.live().filter(
        Q(funding_stream__force_area=force_area) | Q(partnership__force_area=force_area)
    )


@dataclass(frozen=True)
class _AreaMoneyQuestions:
    """The six reads of `area_money`, as querysets not yet run."""

    streams: QuerySet
    received: QuerySet
    awards: QuerySet  # one grouped read: every figure about awards, per stream and status, and by route
    round_left: QuerySet
    table_left: QuerySet
    paid: QuerySet


@built_once()
def _area_money_questions(force_area_pk: int, financial_year: str) -> _AreaMoneyQuestions:
    """`area_money`'s querysets for an area and a year. Building them (filters, subqueries, annotations) cost
    more than running them (issue 13), and they depend on nothing but the area and the year (no date, no
    user), so they are built once per thread (grants/questions.py); `area_money` runs a copy of each
    (`.all()`) on every call, so every figure is read afresh: no data is kept, only the questions."""
    year = FinancialYear.parse(financial_year)
    has_plan = Exists(SpendingPlan.objects.filter(award=OuterRef("pk")))
    rounds = rounds_with_figures(
        GrantRound.objects.live().filter(force_area=force_area_pk, financial_year=financial_year)
    ).annotate(unawarded=Greatest(F("pot") - F("awarded_total"), _zero()))
    tables = allocations_with_figures(
        AllocationTable.objects.live().filter(force_area=force_area_pk, financial_year=financial_year)
    ).annotate(unallocated=Greatest(F("difference"), _zero()))
    return _AreaMoneyQuestions(
        streams=FundingStream.objects.live().filter(force_area=force_area_pk).select_related("funder"),
        received=FundingReceivedYear.objects.filter(
            income__force_area=force_area_pk, income__withdrawn_at__isnull=True, financial_year=financial_year
        )
        .values(stream=F("income__funding_stream"))
        .annotate(total=Sum("amount")),
        awards=awards_in_year(area_awards(force_area_pk), financial_year)
        .annotate(route=_route(), has_plan=has_plan)
        .order_by()
        .values(
            "status",
            "kind",
            "route",
            "has_plan",
            stream=F("funding_stream"),
            direct=F("funding_stream__awarded_directly"),
        )
        .annotate(total=Sum("year_amount"), count=Count("pk")),
        round_left=rounds.order_by().values(stream=F("funding_stream")).annotate(total=Sum("unawarded")),
        table_left=tables.order_by().values(stream=F("funding_stream")).annotate(total=Sum("unallocated")),
        paid=Payment.objects.filter(
            award__in=area_awards(force_area_pk), paid_on__gte=year.starts_on, paid_on__lte=year.ends_on
        )
        .order_by()
        .values(stream=F("award__funding_stream"))
        .annotate(total=Sum("amount")),
    )


def area_money(*, force_area, financial_year: str) -> AreaMoney:
    """Received, granted, committed, paid and remaining per stream, and the grants made by the OPCC, for a year.
    A fixed number of queries whatever the number of streams or awards."""
    questions = _area_money_questions(force_area.pk, str(financial_year))
    streams = list(questions.streams.all())
    for stream in streams:  # their funder names read the area's funder body: the caller's object, not one each
        stream.force_area = force_area
    received = _by_stream(questions.received.all())
    by_status: dict[str, dict[int, Decimal]] = defaultdict(dict)
    made_counts: dict[int, int] = defaultdict(int)
    grants_made, grants_made_count, contracts, funder_direct = ZERO, 0, ZERO, ZERO
    routes: dict[str, Decimal] = defaultdict(lambda: ZERO)
    direct_awards = 0
    for row in questions.awards.all():
        total = row["total"] or ZERO
        by_status[row["status"]][row["stream"]] = by_status[row["status"]].get(row["stream"], ZERO) + total
        if row["status"] != GrantAward.Status.MADE:
            continue
        made_counts[row["stream"]] += row["count"]
        if not row["direct"] and not row["has_plan"]:
            direct_awards += row["count"]
        if row["direct"]:
            funder_direct += total
        elif row["kind"] == GrantAward.Kind.CONTRACT:
            contracts += total
        else:
            grants_made += total
            grants_made_count += row["count"]
            routes[row["route"]] += total
    round_left = _by_stream(questions.round_left.all())
    table_left = _by_stream(questions.table_left.all())
    paid = _by_stream(questions.paid.all())
    rows = []
    known = {s.pk for s in streams}
    extra = (set(by_status["made"]) | set(by_status["proposed"]) | set(paid)) - known
    if extra:  # a stream of another area (or withdrawn) with money to the area's CSPs this year
        streams += list(FundingStream.objects.filter(pk__in=extra).select_related("funder", "force_area"))
    for stream in streams:
        rows.append(
            StreamMoney(
                stream=stream,
                received=received.get(stream.pk, ZERO),
                granted=by_status["made"].get(stream.pk, ZERO),
                committed=by_status["proposed"].get(stream.pk, ZERO)
                + round_left.get(stream.pk, ZERO)
                + table_left.get(stream.pk, ZERO),
                paid=paid.get(stream.pk, ZERO),
                grants_made=made_counts.get(stream.pk, 0),
            )
        )
    rows.sort(key=lambda r: (r.stream.kind != FundingStream.Kind.PCC_COMMUNITY_SAFETY, r.stream.name.lower()))
    return AreaMoney(
        force_area=force_area,
        financial_year=financial_year,
        streams=rows,
        grants_made=grants_made,
        grants_made_count=grants_made_count,
        grants_by_route={label: routes.get(key, ZERO) for key, label in ROUTES.items()},
        contracts=contracts,
        funder_direct=funder_direct,
        direct_awards=direct_awards,
    )


def stream_money(*, stream: FundingStream, financial_year: str) -> StreamMoney:
    """One stream's figures for a year: the same computation as the force area's, so they always agree."""
    money = area_money(force_area=stream.force_area, financial_year=financial_year)
    return next((row for row in money.streams if row.stream.pk == stream.pk), StreamMoney(stream=stream))


# --- direct OPCC spending by Police and Crime Plan priority ---------------------------------------------------------


@dataclass
class DirectSpending:
    """Money the OPCC spends directly (grants and contracts it makes that no CSP spending plan accounts for), by
    Police and Crime Plan priority. A CSP's award is accounted for by its spending plan's funded projects, which
    `grants.figures.plans` / `grants.services.alignment` show by priority: the two parts are shown apart and
    together cover all of the area's spending. A shared award is shown under each priority it serves and counted
    once in every total (the same rule as the plans' alignment)."""

    police_and_crime_plan: PoliceAndCrimePlan | None
    by_priority: list
    combinations: list
    total: Decimal
    awards: list[GrantAward]

    @property
    def no_priority(self) -> Decimal:
        return sum((c.amount for c in self.combinations if not c.priorities), ZERO)


def served_priorities(award: GrantAward) -> list[Priority]:
    """The priorities an award serves: its own, else its grant round's, else its allocation's."""
    own = list(award.pcc_priorities.all())
    if own:
        return own
    application = getattr(award, "application", None)
    if application is not None:
        return list(application.grant_round.pcc_priorities.all())
    if award.allocation_id:
        return list(award.allocation.pcc_priorities.all())
    return []


_COVERING = object()  # direct_spending's default: read the Police and Crime Plan covering the year


def direct_spending(
    *, force_area, financial_year: str, police_and_crime_plan=_COVERING, money: AreaMoney | None = None
) -> DirectSpending:
    """`police_and_crime_plan`: the plan covering the year (None when none does), when the caller has read it
    already (the dashboard and the Panel report show the plans' alignment against the same plan beside it).
    `money`: the area's `area_money` for the same year, when the caller has it: its count of the same awards
    (`direct_awards`, from the same `awards_in_year(area_awards(…))`) spares reading them when there are none."""
    from .plans import priority_figures_of_lines

    plan = police_and_crime_plan
    if plan is _COVERING:
        plan = PoliceAndCrimePlan.objects.covering(force_area, financial_year).first()
    if money is not None and (money.force_area, money.financial_year) != (force_area, financial_year):
        raise ValueError("The money given is another area's or another year's.")
    if money is not None and not money.direct_awards:
        figures = priority_figures_of_lines({}, plan)[0]
        return DirectSpending(plan, figures.rows, figures.combinations, figures.allocated, [])
    awards = list(
        awards_in_year(
            area_awards(force_area).filter(
                status=GrantAward.Status.MADE, funding_stream__awarded_directly=False, plans__isnull=True
            ),
            financial_year,
        )
        .select_related("partnership", "organisation", "funding_stream", "allocation", "application__grant_round")
        .prefetch_related("pcc_priorities", "allocation__pcc_priorities", "application__grant_round__pcc_priorities")
        .order_by("funding_stream__name", "pk")
    )
    # Summed by the plans' rule (an award is one amount, shared under each priority it serves, counted once).
    served = {award.pk: served_priorities(award) for award in awards}
    lines = [(award.year_amount, frozenset(p.pk for p in served[award.pk])) for award in awards]
    known = [p for priorities in served.values() for p in priorities]
    figures = priority_figures_of_lines({0: lines}, plan, known=known)[0]
    return DirectSpending(
        police_and_crime_plan=plan,
        by_priority=figures.rows,
        combinations=figures.combinations,
        total=figures.allocated,
        awards=awards,
    )

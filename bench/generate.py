"""The national data set: every force area in England and Wales on one installation (issue 13).

At `--scale 1`: 43 force areas, 300 CSPs, 10 financial years, so 3,000 awards and spending plans, about 50,000
funded projects and 150,000 outcome measures, with the users, roles, priorities, strategic assessments, deadlines
and approval trails the pages read. Reproducible: the same seed gives the same rows (names, amounts, statuses,
sizes), so two runs of `bench/run.py` measure the same thing. `--scale 0.01` is the CI size (a test runs it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.generate --scale 1

The database is migrated first and must hold no force area: generate into a new database
(`createdb bench`, or `dropdb bench && createdb bench` to start again).

How rows are written, and why not always through the services:

- **Plan content goes through its one writer**, `grants.services.plan_content.projects_write` and `risks_write`,
  one plan per call (they write a plan's rows in bulk, so a plan costs a fixed number of queries whatever its
  size): every generated line passes the same checks an officer's would (sub-items add up, priorities from the
  right plan and assessment, the award not exceeded).
- **Everything else is `bulk_create` in batches**: force areas, funder bodies, councils, providers, partnerships,
  users and roles, Police and Crime Plans and strategic assessments, awards and plans, and the decisions of the
  approval trail. Their services write one record per call with what a person's action needs (a locked row,
  the form's checks, e-mails after the commit, a history record with the person's name), which at national size
  would take hours and send thousands of e-mails; the benchmark needs the rows as those services leave them, not
  the actions. Plans are created as drafts, filled through the writer, then moved to the status their trail ends
  at with one `UPDATE` per status, and each decision carries the plan's snapshot (`plan_snapshot`), as
  `plan_decide` would have stored it. No simple-history rows are written for the bulk records: the history
  pages then show what an installation that imported its past years shows.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

FORCE_AREAS = [
    "Avon and Somerset",
    "Bedfordshire",
    "Cambridgeshire",
    "Cheshire",
    "City of London",
    "Cleveland",
    "Cumbria",
    "Derbyshire",
    "Devon and Cornwall",
    "Dorset",
    "Durham",
    "Dyfed-Powys",
    "Essex",
    "Gloucestershire",
    "Greater Manchester",
    "Gwent",
    "Hampshire",
    "Hertfordshire",
    "Humberside",
    "Kent",
    "Lancashire",
    "Leicestershire",
    "Lincolnshire",
    "Merseyside",
    "Metropolitan Police",
    "Norfolk",
    "North Wales",
    "North Yorkshire",
    "Northamptonshire",
    "Northumbria",
    "Nottinghamshire",
    "South Wales",
    "South Yorkshire",
    "Staffordshire",
    "Suffolk",
    "Surrey",
    "Sussex",
    "Thames Valley",
    "Warwickshire",
    "West Mercia",
    "West Midlands",
    "West Yorkshire",
    "Wiltshire",
]
WELSH = {"Dyfed-Powys", "Gwent", "North Wales", "South Wales"}
NATIONAL = {"areas": 43, "partnerships": 300, "years": 10, "projects": 50_000}
LARGEST_AREA, SMALLEST_AREA = 30, 3  # the first area has 30 CSPs and the second 3 (the query-budget sizes)
LONGEST_PLAN, SHORTEST_PLAN = 60, 5  # one plan of each: the first CSP's this year (a draft) and last year
PASSWORD = "bench-password-2026"
BATCH = 2000

PRIORITIES = [
    "Connecting communities and policing",
    "Preventing and deterring crime",
    "Protecting people at risk of abuse and those who are vulnerable",
    "Supporting victims and witnesses and helping them to get justice",
    "Getting the best out of the police",
]
LOCAL_PRIORITIES = [
    ("Domestic abuse", "high"),
    ("Problem drinking", "high"),
    ("County lines and exploitation", "high"),
    ("Serious violence", "high"),
    ("Anti-social behaviour", "emerging"),
    ("Cyber crime and fraud", "watching"),
]
THEMES = ["Safer Families", "Safer Communities", "Safer People"]
SERVICES = [
    "Domestic abuse support service",
    "Independent domestic violence advisers",
    "Youth diversion programme",
    "Night-time economy street marshals",
    "Substance misuse outreach",
    "Hate crime reporting centre",
    "Child exploitation prevention",
    "Restorative justice service",
    "Anti-social behaviour case workers",
    "Counselling for survivors of sexual violence",
    "Knife crime education in schools",
    "Community safety small grants",
    "Mental health street triage",
    "Perpetrator behaviour change programme",
    "Neighbourhood watch co-ordination",
]
MEASURES = [
    ("victims referred to the service engage", "at_least", "percent", 75),
    ("re-referral rate", "below", "percent", 20),
    ("victims exiting the service do so in a planned way", "at_least", "percent", 90),
    ("young people complete the programme", "at_least", "number", 120),
    ("reported incidents in the target area", "at_most", "number", 400),
    ("qualitative feedback from partners, reported to the board", "", "", None),
]
FREQUENCIES = ["quarterly", "six_monthly", "annually", "monthly"]
WORDS = [
    "partnership",
    "victims",
    "service",
    "support",
    "referral",
    "community",
    "safety",
    "prevention",
    "outreach",
    "young",
    "people",
    "families",
    "council",
    "police",
    "health",
    "probation",
    "commissioning",
    "outcomes",
    "quarterly",
    "review",
    "evidence",
    "risk",
    "harm",
    "reduction",
]

# The path each status was reached by, on the full route (executive group, board, OPCC, both sign-offs).
TRAIL = [
    ("submit", "submission", "officer", "draft", "submitted"),
    ("agree", "executive", "executive", "submitted", "executive_agreed"),
    ("approve", "board", "board", "executive_agreed", "board_approved"),
    ("scrutinise", "opcc", "opcc", "board_approved", "opcc_scrutiny"),
    ("recommend", "opcc", "opcc", "opcc_scrutiny", "opcc_recommended"),
    ("sign_off_treasurer", "treasurer", "treasurer", "opcc_recommended", "opcc_recommended"),
    ("sign_off_pcc", "pcc", "pcc", "opcc_recommended", "approved"),
]
# This year's plans, by their CSP's place in its force area, in turn (earlier years' are all approved): of 20, six
# drafts, two submitted, two agreed by the executive group, three waiting for the OPCC, three under scrutiny, two
# waiting for the sign-offs and two approved. The first three places give every area, even one of three CSPs, a
# plan waiting for its OPCC, one waiting for its PCC and Treasurer, and one in force.
THIS_YEAR = [
    "board_approved", "opcc_recommended", "approved", "draft", "opcc_scrutiny",
    "submitted", "draft", "executive_agreed", "draft", "board_approved",
    "opcc_scrutiny", "draft", "submitted", "opcc_recommended", "executive_agreed",
    "draft", "board_approved", "approved", "opcc_scrutiny", "draft",
]  # fmt: skip


@dataclass
class Sizes:
    areas: int
    partnerships: int
    years: int
    projects_per_plan: float

    @classmethod
    def at(cls, scale: float) -> Sizes:
        areas = max(2, min(NATIONAL["areas"], round(NATIONAL["areas"] * scale)))
        partnerships = max(areas * 2, round(NATIONAL["partnerships"] * scale))
        plans = NATIONAL["partnerships"] * NATIONAL["years"]
        return cls(areas, partnerships, NATIONAL["years"], NATIONAL["projects"] / plans)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + number


def area_sizes(sizes: Sizes) -> list[int]:
    """CSPs per force area: the first has 30 (or what the scale allows), the second 3, the rest share the others
    as evenly as the seed's order gives."""
    first = min(LARGEST_AREA, sizes.partnerships - SMALLEST_AREA - 2 * (sizes.areas - 2))
    counts = [max(first, 2), SMALLEST_AREA if sizes.areas > 1 else 0]
    counts = counts[: sizes.areas]
    rest = sizes.partnerships - sum(counts)
    others = sizes.areas - len(counts)
    for index in range(others):
        share = rest // (others - index)
        counts.append(max(share, 2))
        rest -= share
    return counts


def financial_years(count: int, today: datetime.date) -> list[str]:
    from partnerships.financial_years import FinancialYear

    current = FinancialYear.containing(today).start_year
    return [str(FinancialYear(year)) for year in range(current - count + 1, current + 1)]


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("&", "and"))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _batched(model, rows: list) -> list:
    """bulk_create in batches, returning the rows with their primary keys (PostgreSQL)."""
    return model.objects.bulk_create(rows, batch_size=BATCH)


def generate(
    *,
    scale: float = 1.0,
    seed: int = 13,
    year_count: int | None = None,
    csps_per_area: list[int] | None = None,
    lines: tuple[int, int] | None = None,
    today: datetime.date | None = None,
    log=print,
) -> Counts:
    """Writes the data set into the current (empty) database and returns how many rows of each kind.

    For tests: `year_count` (10 by default), `csps_per_area` (the CSPs of each force area, instead of the scale's),
    `lines` (the least and most funded projects of a plan other than the longest and the shortest) and `today`
    (the last year is the one containing it)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from grants.models import (
        Decision,
        FundingStream,
        GrantAward,
        SpendingPlan,
        SubmissionDeadline,
    )
    from grants.services.comparison import plan_snapshot
    from grants.services.plan_content import (
        MatchFundingInput,
        MeasureInput,
        ProjectInput,
        RiskInput,
        SubItemInput,
        projects_write,
        risks_write,
    )
    from partnerships.models import ForceArea, FunderBody, Organisation, Partnership, Role, ThematicGroup, User
    from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment

    rng = random.Random(seed)
    today = today or timezone.localdate()
    sizes = Sizes.at(scale)
    if year_count:
        sizes.years = year_count
    if csps_per_area:
        sizes.areas, sizes.partnerships = len(csps_per_area), sum(csps_per_area)
    counts = Counts()
    years = financial_years(sizes.years, today)
    started = time.monotonic()

    def note(what: str) -> None:
        log(f"{time.monotonic() - started:7.1f} s  {what}")

    # --- who: force areas, funders, councils, partnerships, providers, users ---------------------------------
    names = FORCE_AREAS[: sizes.areas]
    areas = _batched(
        ForceArea,
        [
            ForceArea(name=name, slug=_slug(name), ons_code=f"{'W15' if name in WELSH else 'E23'}{index + 1:06d}")
            for index, name in enumerate(names)
        ],
    )
    _batched(
        FunderBody,
        [
            FunderBody(
                force_area=area,
                kind=FunderBody.Kind.PCC,
                name=f"Office of the Police and Crime Commissioner for {area.name}",
                holder_title="Police and Crime Commissioner",
                decision_maker_title="Police and Crime Commissioner",
                finance_officer_title="Treasurer",
            )
            for area in areas
        ],
    )
    streams = _batched(
        FundingStream,
        [
            FundingStream(
                name=f"{area.name} PCC community safety grant",
                kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY,
                force_area=area,
            )
            for area in areas
        ],
    )
    stream_of = {stream.force_area_id: stream for stream in streams}
    counts.add("force areas", len(areas))

    per_area = csps_per_area or area_sizes(sizes)
    councils, partnerships = [], []
    for area, number in zip(areas, per_area, strict=True):
        for index in range(number):
            serial = len(councils) + 1
            prefix = "W06" if area.name in WELSH else "E07"
            councils.append(
                Organisation(
                    name=f"{area.name} District Council {index + 1:02d}",
                    kind=Organisation.Kind.LOCAL_AUTHORITY,
                    ons_code=f"{prefix}{serial:06d}",
                )
            )
    councils = _batched(Organisation, councils)
    council_iter = iter(councils)
    for area, number in zip(areas, per_area, strict=True):
        for index in range(number):
            council = next(council_iter)
            name = f"Safer {area.name} {index + 1:02d}"
            partnerships.append(
                Partnership(
                    force_area=area,
                    name=name,
                    slug=_slug(name),
                    accountable_body=council,
                    has_executive_group=rng.random() < 0.8,
                )
            )
    partnerships = _batched(Partnership, partnerships)
    Through = Partnership.local_authorities.through
    _batched(Through, [Through(partnership=p, organisation=c) for p, c in zip(partnerships, councils, strict=True)])
    counts.add("partnerships", len(partnerships))
    groups = _batched(
        ThematicGroup, [ThematicGroup(partnership=p, name=theme) for p in partnerships for theme in THEMES]
    )
    groups_of: dict[int, list] = {}
    for group in groups:
        groups_of.setdefault(group.partnership_id, []).append(group)

    providers = _batched(
        Organisation,
        [
            Organisation(
                name=f"{rng.choice(SERVICES).split()[0]} Trust {number:04d}",
                kind=Organisation.Kind.CHARITY,
                charity_number=f"{1100000 + number}",
            )
            for number in range(max(20, sizes.partnerships * 4))
        ],
    )
    counts.add("organisations", len(councils) + len(providers))

    password = make_password(PASSWORD)
    users, roles = [], []
    for partnership in partnerships:
        for kind in ("officer", "executive", "board"):
            users.append(
                User(username=f"{kind}.{partnership.slug}", first_name=kind.title(), last_name=partnership.name)
            )
            roles.append((kind, partnership, None))
    for area in areas:
        for kind in ("opcc", "pcc", "treasurer", "opcc_admin"):
            users.append(User(username=f"{kind}.{area.slug}", first_name=kind.upper(), last_name=area.name))
            roles.append((kind, None, area))
    users.append(User(username="admin", first_name="Site", last_name="Administrator", is_staff=True, is_superuser=True))
    for user in users:
        user.password = password
        user.email = f"{user.username}@example.org"
    users = _batched(User, users)
    _batched(
        Role,
        [
            Role(user=user, kind=kind, partnership=p, force_area=a)
            for user, (kind, p, a) in zip(users, roles, strict=False)
        ],
    )
    user_of = {(kind, p.pk if p else f"area-{a.pk}"): user for user, (kind, p, a) in zip(users, roles, strict=False)}
    counts.add("users", len(users))
    note(f"{len(areas)} force areas, {len(partnerships)} CSPs, {len(users)} users")

    # --- why: Police and Crime Plans and strategic assessments ----------------------------------------------
    first_year = int(years[0][:4])
    pcps = _batched(
        PoliceAndCrimePlan,
        [
            PoliceAndCrimePlan(
                force_area=area,
                title=f"{area.name} Police and Crime Plan",
                starts_on=datetime.date(first_year - 1, 4, 1),
                ends_on=datetime.date(first_year + sizes.years + 1, 3, 31),
            )
            for area in areas
        ],
    )
    priorities = _batched(
        Priority, [Priority(plan=pcp, number=n, title=t) for pcp in pcps for n, t in enumerate(PRIORITIES, 1)]
    )
    priorities_of: dict[int, list] = {}
    for priority, pcp in zip(priorities, [pcp for pcp in pcps for _ in PRIORITIES], strict=True):
        priorities_of.setdefault(pcp.force_area_id, []).append(priority)
    assessments = _batched(
        StrategicAssessment,
        [
            StrategicAssessment(
                partnership=p, financial_year=year, title=f"{p.name} strategic assessment {year}", method="MoRiLE"
            )
            for p in partnerships
            for year in years
        ],
    )
    locals_ = _batched(
        LocalPriority,
        [
            LocalPriority(assessment=a, position=n, title=title, risk_level=level)
            for a in assessments
            for n, (title, level) in enumerate(LOCAL_PRIORITIES, 1)
        ],
    )
    assessment_of = {(a.partnership_id, a.financial_year): a for a in assessments}
    locals_of: dict[int, list] = {}
    for local in locals_:
        locals_of.setdefault(local.assessment_id, []).append(local)
    deadlines = _batched(
        SubmissionDeadline,
        [
            SubmissionDeadline(force_area=area, financial_year=year, submit_by=datetime.date(int(year[:4]), 2, 28))
            for area in areas
            for year in years
        ],
    )
    counts.add("local priorities", len(locals_))
    counts.add("submission deadlines", len(deadlines))
    note(f"{len(pcps)} Police and Crime Plans, {len(assessments)} strategic assessments")

    # --- money: awards and plans --------------------------------------------------------------------------
    awards = []
    base_amount = {p.pk: Decimal(rng.randrange(60_000, 500_000)) for p in partnerships}
    for partnership in partnerships:
        for offset, year in enumerate(years):
            amount = (base_amount[partnership.pk] * Decimal(1 + 0.02 * offset)).quantize(Decimal("1"))
            awards.append(
                GrantAward(
                    funding_stream=stream_of[partnership.force_area_id],
                    partnership=partnership,
                    financial_year=year,
                    amount=amount,
                    previous_year_amount=awards[-1].amount if offset else None,
                    status=GrantAward.Status.MADE,
                    awarded_on=datetime.date(int(year[:4]), 3, 15),
                    purpose="A crime and disorder reduction grant for the partnership's strategic priorities.",
                    conditions="Quarterly performance returns to the OPCC.",
                )
            )
    awards = _batched(GrantAward, awards)
    partnership_by_pk = {p.pk: p for p in partnerships}
    area_by_pk = {a.pk: a for a in areas}
    for award in awards:
        award.partnership = partnership_by_pk[award.partnership_id]
        award.partnership.force_area = area_by_pk[award.partnership.force_area_id]
    plans = _batched(
        SpendingPlan,
        [
            SpendingPlan(
                award=award,
                title=f"{award.partnership.name} spending plan {award.financial_year}",
                purpose=_sentence(rng, 40),
                unallocated_note=_sentence(rng, 12),
                needs_executive_group=award.partnership.has_executive_group,
            )
            for award in awards
        ],
    )
    for plan, award in zip(plans, awards, strict=True):
        plan.award = award
    counts.add("awards", len(awards))
    counts.add("plans", len(plans))
    note(f"{len(awards)} awards and plans")

    # --- plan content, through its one writer ----------------------------------------------------------------
    longest = {(partnerships[0].pk, years[-1]): LONGEST_PLAN, (partnerships[0].pk, years[-2]): SHORTEST_PLAN}
    pcp_of = {pcp.force_area_id: pcp for pcp in pcps}
    projects = measures = 0
    for number, plan in enumerate(plans, start=1):
        partnership = plan.award.partnership
        least, most = lines or (5, round(2 * sizes.projects_per_plan) - 5)
        count = longest.get((partnership.pk, plan.award.financial_year)) or rng.randint(least, most)
        assessment = assessment_of[(partnership.pk, plan.award.financial_year)]
        # What the writer asks of the plan, given rather than queried (they were just written).
        plan.__dict__["police_and_crime_plan"] = pcp_of[partnership.force_area_id]
        plan.__dict__["strategic_assessment_ids"] = {assessment.pk}
        inputs = _plan_lines(
            rng,
            plan,
            count,
            providers=providers,
            groups=groups_of[partnership.pk],
            pcc=priorities_of[partnership.force_area_id],
            local=locals_of[assessment.pk],
            inputs=(ProjectInput, SubItemInput, MeasureInput, MatchFundingInput),
        )
        with transaction.atomic():
            projects_write(plan=plan, projects=inputs)
            risks_write(
                plan=plan,
                risks=[
                    RiskInput(
                        theme=rng.choice(["Mental health", "Healthy relationships", "Taxi marshals"]),
                        initiative=_sentence(rng, 15),
                        budget=Decimal(rng.randrange(5, 30) * 1000),
                        recommendation=_sentence(rng, 10),
                    )
                    for _ in range(2)
                ],
            )
        projects += len(inputs)
        measures += sum(len(i.measures) for i in inputs)
        if number % 250 == 0:
            note(f"{number} plans filled ({projects} funded projects)")
    counts.add("funded projects", projects)
    counts.add("outcome measures", measures)
    note(f"{projects} funded projects, {measures} outcome measures")

    # --- where each plan is: statuses and the approval trail ---------------------------------------------------
    status_of, place, seen = {}, {}, {}
    for partnership in partnerships:  # its place in its force area: 0, 1, 2, …
        place[partnership.pk] = seen.get(partnership.force_area_id, 0)
        seen[partnership.force_area_id] = place[partnership.pk] + 1
    for plan in plans:
        status = "approved"
        if plan.award.financial_year == years[-1]:
            status = THIS_YEAR[place[plan.award.partnership_id] % len(THIS_YEAR)]
        if status == "executive_agreed" and not plan.award.partnership.has_executive_group:
            status = "submitted"
        if longest.get((plan.award.partnership_id, plan.award.financial_year)) == LONGEST_PLAN:
            status = "draft"  # the editor's benchmark opens it
        status_of[plan.pk] = status
    decisions = []
    for plan in plans:
        status = status_of[plan.pk]
        if status == "draft":
            continue
        partnership = plan.award.partnership
        area = partnership.force_area
        snapshot = plan_snapshot(plan)
        when = timezone.make_aware(datetime.datetime(int(plan.award.financial_year[:4]) - 1, 12, 1, 10))
        for action, stage, kind, before, after in TRAIL:
            if stage == "executive" and not partnership.has_executive_group:
                continue
            if action == "approve" and not partnership.has_executive_group:
                before = "submitted"
            user = user_of[(kind, partnership.pk if kind in ("officer", "executive", "board") else f"area-{area.pk}")]
            when += datetime.timedelta(days=rng.randint(3, 12))
            decisions.append(
                Decision(
                    plan=plan,
                    version=1,
                    round=1,
                    stage=stage,
                    action=action,
                    from_status=before,
                    to_status=after,
                    user=user,
                    user_name=f"{user.first_name} {user.last_name}",
                    role_kind=kind,
                    role_title={"pcc": "Police and Crime Commissioner", "treasurer": "Treasurer"}.get(kind, ""),
                    role_scope=partnership.name if stage in ("submission", "executive", "board") else area.name,
                    decided_at=when,
                    snapshot=snapshot,
                )
            )
            if after == status and action != "sign_off_treasurer":
                break
    _batched(Decision, decisions)
    for status in set(status_of.values()):
        ids = [pk for pk, value in status_of.items() if value == status]
        SpendingPlan.objects.filter(pk__in=ids).update(status=status, round=0 if status == "draft" else 1)
    counts.add("decisions", len(decisions))
    note(f"{len(decisions)} decisions; done")
    return counts


def _plan_lines(rng, plan, lines: int, *, providers, groups, pcc, local, inputs) -> list:
    """About nine tenths of the award, in `lines` funded projects with their parts."""
    ProjectInput, SubItemInput, MeasureInput, MatchFundingInput = inputs
    total = (plan.award.amount * Decimal("0.9")).quantize(Decimal("1"))
    weights = [rng.random() + 0.2 for _ in range(lines)]
    amounts = [(total * Decimal(w / sum(weights))).quantize(Decimal("0.01")) for w in weights]
    result = []
    for index, amount in enumerate(amounts, start=1):
        title = rng.choice(SERVICES)
        sub_items = []
        # The first line of every plan has sub-items and match funding, so that every plan has each kind of row.
        if (index == 1 or rng.random() < 0.2) and amount > 100:
            parts = rng.randint(2, 4)
            share = (amount / parts).quantize(Decimal("0.01"))
            for part in range(parts):
                value = share if part < parts - 1 else amount - share * (parts - 1)
                sub_items.append(SubItemInput("ABCD"[part], f"{title}, part {'ABCD'[part]}", value))
        measures = []
        for _ in range(rng.randint(1, 5)):
            text, comparison, unit, target = rng.choice(MEASURES)
            measures.append(
                MeasureInput(
                    description=text.capitalize(),
                    target_value=Decimal(target) if target is not None else None,
                    target_comparison=comparison,
                    target_unit=unit,
                    frequency=rng.choice(FREQUENCIES),
                )
            )
        result.append(
            ProjectInput(
                number=index,
                title=f"{title} ({index})",
                outline="\n\n".join(_sentence(rng, rng.randint(20, 60)) for _ in range(2)),
                amount_allocated=amount,
                provider=rng.choice(providers),
                contract_value=(amount * 2).quantize(Decimal("1")) if rng.random() < 0.3 else None,
                thematic_group=rng.choice(groups),
                outcomes_summary=_sentence(rng, 20),
                pcc_priorities=rng.sample(pcc, rng.randint(1, 2)),
                local_priorities=rng.sample(local, rng.randint(1, 2)),
                sub_items=sub_items,
                measures=measures,
                match_funding=(
                    [MatchFundingInput("NHS England", Decimal(rng.randrange(1, 50) * 1000))]
                    if index == 1 or rng.random() < 0.25
                    else []
                ),
            )
        )
    return result


def statistics_gathered() -> None:
    """ANALYZE every table, as PostgreSQL's autovacuum does on a live database some time after rows are written:
    without statistics the planner takes the tables for the size they were when last counted (the match funding
    of 15,000 rows for 1,000) and chose a sequential scan of the whole table for each plan of the home page's list
    (1.6 ms a plan, 40 a page). A benchmark of a database nobody has analysed measures a state production never
    stays in. No-op on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 is national size; 0.01 is the CI size")
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    import django

    django.setup()
    from django.core.management import call_command

    from partnerships.models import ForceArea

    call_command("migrate", verbosity=0)
    if ForceArea.objects.exists():
        print("The database already holds force areas: generate into a new, empty database.", file=sys.stderr)
        return 2
    counts = generate(scale=options.scale, seed=options.seed)
    statistics_gathered()
    for name, number in counts.rows.items():
        print(f"{number:>9,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

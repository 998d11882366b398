"""Loads the demo data: the seed documents' force areas, partnerships, priorities, awards and plans, and one
demo user per role. Data lives in grants/demo_data/*.toml, transcribed from docs/sources/.

Idempotent: reference data is brought up to date on every run; a demo plan is written only when it does not
exist yet (or when `reset=True`), so work done on it in the app is not thrown away by a second run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from partnerships.accounts.demo import demo_second_factors
from partnerships.models import ForceArea, FunderBody, Organisation, Partnership, Role, ThematicGroup, User
from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment

from .models import (
    CommentAnswer,
    Decision,
    DecisionNotice,
    FundingStream,
    GrantAward,
    GrantRound,
    Indicator,
    IndicatorValue,
    InterestDeclaration,
    PerformanceReturn,
    ScrutinyComment,
    SpendingPlan,
)
from .services.plan_content import (
    MatchFundingInput,
    MeasureInput,
    ProjectInput,
    RiskInput,
    SubItemInput,
    projects_write,
    risks_write,
    sections_write,
)

DATA_DIR = Path(__file__).resolve().parent / "demo_data"

# username, first name, last name, job title, role kind, partnership slug or force area slug
DEMO_USERS = [
    ("officer.plymouth", "Alex", "Morgan", "Community safety officer", "officer", "safer-plymouth"),
    ("exec.plymouth", "Jordan", "Evans", "Executive group member", "executive", "safer-plymouth"),
    ("board.plymouth", "Sam", "Taylor", "Board chair", "board", "safer-plymouth"),
    # A second board member: one with a prejudicial interest leaves the decision to another (issue 9).
    ("board2.plymouth", "Priya", "Patel", "Board member", "board", "safer-plymouth"),
    # The partnership's finance lead certifies its performance returns (issue 11): never the officer who submits.
    ("finance.plymouth", "Casey", "Brooks", "Finance lead", "certifier", "safer-plymouth"),
    (
        "officer.southglos",
        "Robin",
        "Hughes",
        "Community safety officer",
        "officer",
        "safer-and-stronger-south-gloucestershire",
    ),
    (
        "board.southglos",
        "Jamie",
        "Clarke",
        "Strategic partnership member",
        "board",
        "safer-and-stronger-south-gloucestershire",
    ),
    ("opcc.devon", "Chris", "Walker", "Commissioning officer", "opcc", "devon-and-cornwall"),
    ("pcc.devon", "Morgan", "Price", "Police and Crime Commissioner (demo)", "pcc", "devon-and-cornwall"),
    ("treasurer.devon", "Nikhil", "Shah", "Treasurer", "treasurer", "devon-and-cornwall"),
    ("admin.devon", "Lee", "Carter", "OPCC business manager", "opcc_admin", "devon-and-cornwall"),
    ("opcc.avon", "Kim", "Lewis", "Commissioning officer", "opcc", "avon-and-somerset"),
    ("pcc.avon", "Ashley", "Green", "Police and Crime Commissioner (demo)", "pcc", "avon-and-somerset"),
    ("treasurer.avon", "Dana", "Wright", "Treasurer", "treasurer", "avon-and-somerset"),
]


@dataclass
class DemoReport:
    created_plans: list[str] = field(default_factory=list)
    kept_plans: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _organisation(data: dict | None) -> Organisation | None:
    if not data:
        return None
    organisation, _ = Organisation.objects.update_or_create(
        name=data["name"], defaults={k: v for k, v in data.items() if k != "name"}
    )
    return organisation


def _councils(items: list[dict]) -> list[Organisation]:
    """Councils by name, with their ONS codes (and register codes, where the seed gives them)."""
    return [
        Organisation.objects.update_or_create(
            name=item["name"],
            defaults={"kind": Organisation.Kind.LOCAL_AUTHORITY, **{k: v for k, v in item.items() if k != "name"}},
        )[0]
        for item in items
    ]


def _load_funder(area: ForceArea, data: dict) -> None:
    """The area's funder body since before any records (the demo's areas are funded by their PCCs)."""
    for period in data if isinstance(data, list) else [data]:
        FunderBody.objects.update_or_create(force_area=area, starts_on=period.get("starts_on"), defaults=period)
    area.forget_funder()


def _load_area(data: dict, report: DemoReport, *, reset: bool) -> None:
    area_data = data["force_area"]
    area, _ = ForceArea.objects.update_or_create(slug=area_data["slug"], defaults=area_data)
    _load_funder(area, data["funder"])
    for plan_data in data.get("police_and_crime_plans", []):
        pcp, _ = PoliceAndCrimePlan.objects.update_or_create(
            force_area=area,
            title=plan_data["title"],
            defaults={k: plan_data[k] for k in ("starts_on", "ends_on", "notes")},
        )
        for number, title in enumerate(plan_data["priorities"], start=1):
            Priority.objects.update_or_create(plan=pcp, number=number, defaults={"title": title})
    stream, _ = FundingStream.objects.update_or_create(
        force_area=area,
        name=data["funding_stream"]["name"],
        defaults={
            "kind": FundingStream.Kind.PCC_COMMUNITY_SAFETY,
            "description": data["funding_stream"]["description"],
        },
    )
    for partnership_data in data["partnerships"]:
        _load_partnership(area, stream, partnership_data, report, reset=reset)


def _load_partnership(area, stream, data: dict, report: DemoReport, *, reset: bool) -> None:
    councils = _councils(data["local_authorities"])
    accountable = next((c for c in councils if c.name == data.get("accountable_body")), councils[0])
    partnership, _ = Partnership.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "force_area": area,
            "name": data["name"],
            "has_executive_group": data["has_executive_group"],
            "accountable_body": accountable,
        },
    )
    partnership.local_authorities.set(councils)
    groups = {}
    for group in data.get("thematic_groups", []):
        groups[group["name"]], _ = ThematicGroup.objects.get_or_create(partnership=partnership, name=group["name"])
    for group in data.get("thematic_groups", []):
        if parent := group.get("reports_to"):
            groups[group["name"]].reports_to = groups[parent]
            groups[group["name"]].save(update_fields=["reports_to"])

    assessment_data = data["assessment"]
    assessment, _ = StrategicAssessment.objects.update_or_create(
        partnership=partnership,
        financial_year=assessment_data["financial_year"],
        defaults={k: assessment_data.get(k, "") for k in ("title", "method", "summary")},
    )
    for position, item in enumerate(assessment_data["priorities"], start=1):
        LocalPriority.objects.update_or_create(
            assessment=assessment,
            title=item["title"],
            defaults={
                "position": position,
                "risk_level": item["risk_level"],
                "notes": item.get("notes", ""),
                "thematic_group": groups.get(item.get("thematic_group")),
            },
        )

    award_data = data["award"]
    award, _ = GrantAward.objects.update_or_create(
        funding_stream=stream,
        partnership=partnership,
        financial_year=award_data["financial_year"],
        defaults={
            "amount": _money(award_data["amount"]),
            "previous_year_amount": _money(award_data.get("previous_year_amount")),
            "status": award_data["status"],
            "awarded_on": award_data.get("awarded_on"),
            "purpose": award_data.get("purpose", ""),
            "conditions": award_data.get("conditions", ""),
        },
    )
    plan_data = data["plan"]
    existing = award.plans.filter(version=1).first()
    if existing is not None and not reset:
        report.kept_plans.append(str(existing))
        return
    if existing is not None:
        # A reset rewrites the demo plans with their history: the decision records first (they protect the
        # plans from deletion), then the plans, made editable again so that their lines may be deleted.
        plans = award.plans.all()
        DecisionNotice.objects.filter(plan__in=plans).delete()
        InterestDeclaration.objects.filter(plan__in=plans).delete()
        CommentAnswer.objects.filter(comment__plan__in=plans).delete()
        ScrutinyComment.objects.filter(plan__in=plans).delete()
        Decision.objects.filter(plan__in=plans).delete()
        PerformanceReturn.objects.filter(project__plan__in=plans).delete()  # returns made when it was approved
        plans.update(status=SpendingPlan.Status.DRAFT)
        plans.delete()
    plan = SpendingPlan.objects.create(
        award=award,
        version=1,
        title=plan_data["title"],
        status=plan_data["status"],
        purpose=plan_data.get("purpose", "").strip(),
        unallocated_note=plan_data.get("unallocated_note", ""),
    )
    pcp = plan.police_and_crime_plan
    priorities = {p.number: p for p in pcp.priorities.all()} if pcp else {}
    locals_ = {p.title: p for p in assessment.priorities.all()}
    projects_write(
        plan=plan,
        projects=[_project_input(data, groups, priorities, locals_) for data in plan_data.get("projects", [])],
    )
    risks_write(
        plan=plan,
        risks=[
            RiskInput(
                theme=risk["theme"],
                initiative=risk["initiative"].strip(),
                budget=_money(risk.get("budget")),
                budget_note=risk.get("budget_note", ""),
                recommendation=risk.get("recommendation", "").strip(),
            )
            for risk in plan_data.get("risks", [])
        ],
    )
    sections_write(plan=plan, sections={kind: text.strip() for kind, text in plan_data.get("sections", {}).items()})
    plan.full_clean()
    report.created_plans.append(str(plan))


def _project_input(data: dict, groups: dict, priorities: dict, locals_: dict) -> ProjectInput:
    """A funded project of the seed documents, saved through the one writer of plan content like any other."""
    return ProjectInput(
        number=data["number"],
        title=data["title"],
        outline=data.get("outline", "").strip(),
        amount_allocated=_money(data["amount"]),
        provider=_organisation(data.get("provider")),
        contract_value=_money(data.get("contract_value")),
        contract_end_date=data.get("contract_end_date"),
        contract_notes=data.get("contract_notes", ""),
        thematic_group=groups.get(data.get("thematic_group")),
        outcomes_summary=data.get("outcomes_summary", "").strip(),
        pcc_priorities=[priorities[number] for number in data.get("pcc_priorities", [])],
        local_priorities=[locals_[title] for title in data.get("local_priorities", [])],
        sub_items=[
            SubItemInput(item["label"], item["title"], _money(item["amount"]), item.get("description", "").strip())
            for item in data.get("sub_items", [])
        ],
        measures=[
            MeasureInput(
                description=measure["description"],
                sub_item_label=measure.get("sub_item", ""),
                target_value=_money(measure.get("target_value")),
                target_comparison=measure.get("comparison", ""),
                target_unit=measure.get("unit", ""),
                frequency=measure.get("frequency", ""),
            )
            for measure in data.get("measures", [])
        ],
        match_funding=[
            MatchFundingInput(match["source"], _money(match["amount"]), match.get("note", ""))
            for match in data.get("match_funding", [])
        ],
    )


def _load_users(password: str, report: DemoReport) -> None:
    for username, first, last, job, kind, scope in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "email": f"{username}@example.org",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save()
        if kind in Role.PARTNERSHIP_KINDS:
            Role.objects.get_or_create(user=user, kind=kind, partnership=Partnership.objects.get(slug=scope))
        else:
            Role.objects.get_or_create(user=user, kind=kind, force_area=ForceArea.objects.get(slug=scope))
        report.users.append(username)
    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={
            "first_name": "Site",
            "last_name": "Administrator",
            "email": "admin@example.org",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        },
    )
    admin.set_password(password)
    admin.save()
    report.users.append("admin")
    demo_second_factors(User.objects.filter(username__in=report.users))


def _load_illustrative(data: dict) -> None:
    """Made-up data for trying the OPCC pages (see the file's header): other CSPs of the area, indicator figures
    for the formula screen, an empty grant round. Never figures that would change a seed plan's numbers."""
    area = ForceArea.objects.get(slug=data["force_area"])
    for item in data.get("partnerships", []):
        councils = _councils(item["local_authorities"])
        partnership, _ = Partnership.objects.update_or_create(
            slug=item["slug"], defaults={"force_area": area, "name": item["name"], "accountable_body": councils[0]}
        )
        partnership.local_authorities.set(councils)
    indicators = data.get("indicators")
    if indicators:
        columns = [Indicator.objects.get_or_create(force_area=area, name=name)[0] for name in indicators["columns"]]
        for slug, *figures in indicators["rows"]:
            partnership = Partnership.objects.get(slug=slug)
            for indicator, figure in zip(columns, figures, strict=True):
                IndicatorValue.objects.update_or_create(
                    indicator=indicator,
                    partnership=partnership,
                    financial_year=indicators["financial_year"],
                    defaults={"value": Decimal(str(figure))},
                )
    for item in data.get("grant_rounds", []):
        stream, _ = FundingStream.objects.get_or_create(
            force_area=area, name=item["stream"], defaults={"kind": FundingStream.Kind.OTHER}
        )
        GrantRound.objects.update_or_create(
            force_area=area,
            name=item["name"],
            defaults={
                "funding_stream": stream,
                "financial_year": item["financial_year"],
                "pot": Decimal(item["pot"]),
                "opens_on": item["opens_on"],
                "closes_on": item["closes_on"],
                "purpose": item.get("purpose", ""),
                "conditions": item.get("conditions", ""),
            },
        )


@transaction.atomic
def demo_load(*, password: str, reset: bool = False, illustrative: bool = False) -> DemoReport:
    """Seed data always; with `illustrative=True` (what `manage.py load_demo` does) also the made-up data in
    demo_data/illustrative/ for trying the OPCC pages. Tests load the seed data only, so its figures stay exact."""
    report = DemoReport()
    for path in sorted(DATA_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            _load_area(tomllib.load(handle), report, reset=reset)
    _load_users(password, report)
    if illustrative:
        for path in sorted((DATA_DIR / "illustrative").glob("*.toml")):
            with path.open("rb") as handle:
                _load_illustrative(tomllib.load(handle))
        _load_direct_award_returns()
    return report


DIRECT_AWARD_PROVIDER = "Plymouth women's recovery service (illustrative)"


def _load_direct_award_returns() -> None:
    """An OPCC award made directly to a provider that reports quarterly (issue 11), written through the same
    services as the pages: the OPCC records the provider's returns and another OPCC officer accepts them."""
    from grants.services.funding import stream_award_save
    from grants.services.returns import award_reporting_set

    opcc = User.objects.get(username="opcc.devon")
    stream = FundingStream.objects.filter(force_area__slug="devon-and-cornwall").order_by("pk").first()
    award = GrantAward.objects.filter(
        funding_stream=stream, organisation__name=DIRECT_AWARD_PROVIDER, financial_year="2020/21"
    ).first()
    if award is None:
        award = stream_award_save(
            award=GrantAward(
                funding_stream=stream,
                financial_year="2020/21",
                amount=Decimal("40000.00"),
                purpose="Residential recovery places for women, reported on quarterly.",
            ),
            organisation_name=DIRECT_AWARD_PROVIDER,
            by=opcc,
        )
    award_reporting_set(award=award, by=opcc, months=3)

"""Issue 8's promise, tested as a property (hypothesis): whatever the plans hold and wherever they are on the
approval path, every page, document and export that shows a plan's or its area's figures shows exactly what the
figures module (grants/figures) gives, and committed totals never include a version that is not approved.

Each example builds a force area's partnerships, each with an award and a plan in one of the states below, with
random lines, sub-items adding up exactly, match funding and Police and Crime Plan priorities, moving the plans
along the path through the real workflow service. The figures module is first checked against sums worked out
here from what was drawn, then every page, export and document is read back and compared with the module.
Documents are slow to render, so they have their own test with fewer examples.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from grants.figures.areas import area_totals, partnership_years
from grants.figures.plans import line_approvals, plan_in_force
from grants.models import (
    FundedProject,
    FundingStream,
    GrantAward,
    MatchFunding,
    SpendingPlan,
    SubItem,
)
from grants.money import format_money
from grants.services.variations import plan_vary
from grants.services.workflow import plan_decide
from grants.templatetags.grants_format import money_change
from partnerships.models import ForceArea, Partnership, Role, User
from priorities.models import PoliceAndCrimePlan, Priority
from tests.documents import docx_text, pdf_text

Status = SpendingPlan.Status
YEAR = "2020/21"
PENNY = Decimal("0.01")

# Every state the issue names; "variation_*" is version 1 approved with version 2 at that point.
STATES = [
    "draft",
    "submitted",
    "executive_agreed",
    "board_approved",
    "opcc_scrutiny",
    "opcc_recommended",
    "returned",
    "declined",
    "approved",
    "variation_in_review",
    "variation_returned",
]
PATH = [
    ("submit", "officer"),
    ("agree", "executive"),
    ("approve", "board"),
    ("scrutinise", "opcc"),
    ("recommend", "opcc"),
    ("sign_off_pcc", "pcc"),
    ("sign_off_treasurer", "treasurer"),
]
STEPS_TO = {
    "draft": 0,
    "submitted": 1,
    "executive_agreed": 2,
    "board_approved": 3,
    "opcc_scrutiny": 4,
    "opcc_recommended": 5,
    "approved": 7,
}


def pounds(pennies: int) -> Decimal:
    return (Decimal(pennies) * PENNY).quantize(PENNY)


@dataclass
class LineSpec:
    amount: int  # pennies
    sub_items: list[int]  # pennies, adding up to `amount` exactly (or none)
    matches: list[int]
    priorities: set[int]


@dataclass
class PartnershipSpec:
    state: str
    lines: list[LineSpec]
    spare: int  # the award less what version 1 allocates, in pennies
    new_line: int = 0  # what a variation adds, in pennies (at most `spare`)
    variation_steps: int = 1  # how far along the path a variation in review has gone (1 to 5)
    conditions: str = ""


@st.composite
def line_specs(draw):
    amount = draw(st.integers(min_value=1, max_value=8_000_000))
    count = draw(st.integers(min_value=0, max_value=3))
    sub_items = []
    if count:
        cuts = sorted(
            draw(st.lists(st.integers(min_value=0, max_value=amount), min_size=count - 1, max_size=count - 1))
        )
        edges = [0, *cuts, amount]
        sub_items = [b - a for a, b in zip(edges, edges[1:], strict=False)]
    matches = draw(st.lists(st.integers(min_value=0, max_value=3_000_000), max_size=2))
    priorities = draw(st.sets(st.integers(min_value=1, max_value=5), max_size=3))
    return LineSpec(amount, sub_items, matches, priorities)


@st.composite
def partnership_specs(draw):
    state = draw(st.sampled_from(STATES))
    spare = draw(st.integers(min_value=0, max_value=5_000_000))
    return PartnershipSpec(
        state=state,
        lines=draw(st.lists(line_specs(), min_size=1, max_size=3)),
        spare=spare,
        new_line=draw(st.integers(min_value=0, max_value=spare)),
        variation_steps=draw(st.integers(min_value=1, max_value=5)),
        conditions=draw(st.sampled_from(["", "Quarterly performance returns."])),
    )


areas = st.lists(partnership_specs(), min_size=1, max_size=3)

# Each example builds plans and renders pages, so examples are few and slow: no deadline, and no shrinking (a
# failure is reported as drawn; shrinking it could take many minutes).
EXAMPLES = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
}


# --- what the plans should add up to, worked out from what was drawn ------------------------------------------


@dataclass
class Expected:
    committed_allocated: Decimal
    committed_match: Decimal
    proposed_allocated: Decimal | None
    award: Decimal


def expected(spec: PartnershipSpec) -> Expected:
    allocated = pounds(sum(line.amount for line in spec.lines))
    matched = pounds(sum(sum(line.matches) for line in spec.lines))
    award = allocated + pounds(spec.spare)
    approved = spec.state == "approved" or spec.state.startswith("variation")
    if spec.state.startswith("variation"):
        proposed = allocated + pounds(spec.new_line)
    elif spec.state in ("approved", "declined"):
        proposed = None
    else:
        proposed = allocated
    return Expected(
        committed_allocated=allocated if approved else Decimal("0.00"),
        committed_match=matched if approved else Decimal("0.00"),
        proposed_allocated=proposed,
        award=award,
    )


# --- building the plans ------------------------------------------------------------------------------------------


@dataclass
class Built:
    partnership: Partnership
    spec: PartnershipSpec
    award: GrantAward
    versions: list[SpendingPlan] = field(default_factory=list)


class FiguresEverywhere(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.area = ForceArea.objects.create(name="Testshire", slug="testshire")
        pcp = PoliceAndCrimePlan.objects.create(
            force_area=cls.area,
            title="Testshire Police and Crime Plan",
            starts_on=datetime.date(2017, 4, 1),
            ends_on=datetime.date(2021, 3, 31),
        )
        cls.priorities = {
            n: Priority.objects.create(plan=pcp, number=n, title=f"Priority number {n}") for n in range(1, 6)
        }
        cls.stream = FundingStream.objects.create(
            force_area=cls.area,
            name="Testshire PCC community safety grant",
            kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY,
        )
        cls.area_people = {
            kind: cls._person(f"{kind}-testshire", kind, force_area=cls.area) for kind in ("opcc", "pcc", "treasurer")
        }
        cls.partnerships = []
        for n in range(3):
            partnership = Partnership.objects.create(
                force_area=cls.area, name=f"Safer Testtown {n}", slug=f"safer-testtown-{n}"
            )
            people = {
                kind: cls._person(f"{kind}-{n}", kind, partnership=partnership)
                for kind in ("officer", "executive", "board")
            }
            cls.partnerships.append((partnership, people))

    @staticmethod
    def _person(username, kind, **scope):
        user = User.objects.create_user(username=username, first_name=kind.title(), last_name="Person")
        Role.objects.create(user=user, kind=kind, **scope)
        return user

    # building

    def _person_for(self, people, who):
        return people.get(who) or self.area_people[who]

    def _walk(self, plan, people, steps, spec):
        for action, who in steps:
            plan.refresh_from_db()
            plan_decide(
                plan=plan,
                by=self._person_for(people, who),
                action=action,
                conditions=spec.conditions if action == "approve" else "",
            )
        plan.refresh_from_db()

    def _lines(self, plan, lines, first_number=1, prefix="Line"):
        for number, line in enumerate(lines, start=first_number):
            project = FundedProject.objects.create(
                plan=plan, number=number, title=f"{prefix} {plan.pk}-{number}", amount_allocated=pounds(line.amount)
            )
            project.pcc_priorities.set([self.priorities[n] for n in sorted(line.priorities)])
            for index, amount in enumerate(line.sub_items):
                SubItem.objects.create(
                    project=project, label="ABCD"[index], title=f"Part {index}", amount=pounds(amount)
                )
            for index, amount in enumerate(line.matches):
                MatchFunding.objects.create(project=project, source=f"Funder {index}", amount=pounds(amount))

    def build(self, specs: list[PartnershipSpec]) -> list[Built]:
        built = []
        for (partnership, people), spec in zip(self.partnerships, specs, strict=False):
            award = GrantAward.objects.create(
                partnership=partnership,
                funding_stream=self.stream,
                financial_year=YEAR,
                amount=expected(spec).award,
                status=GrantAward.Status.MADE,
                awarded_on=datetime.date(2020, 4, 1),
            )
            plan = SpendingPlan.objects.create(award=award)
            self._lines(plan, spec.lines)
            item = Built(partnership, spec, award, [plan])
            if spec.state == "returned":
                self._walk(plan, people, PATH[:1], spec)
                plan_decide(plan=plan, by=people["executive"], action="return", comments="Please change it.")
            elif spec.state == "declined":
                self._walk(plan, people, PATH[:4], spec)
                plan_decide(plan=plan, by=self.area_people["opcc"], action="decline", comments="Not this year.")
            elif spec.state.startswith("variation"):
                self._walk(plan, people, PATH, spec)
                variation, _ = plan_vary(plan=plan, by=people["officer"])
                extra = LineSpec(spec.new_line, [], [], {1})
                self._lines(variation, [extra], first_number=len(spec.lines) + 1, prefix="New line")
                if spec.state == "variation_in_review":
                    self._walk(variation, people, PATH[: spec.variation_steps], spec)
                else:
                    self._walk(variation, people, PATH[:1], spec)
                    plan_decide(plan=variation, by=people["executive"], action="return", comments="Not yet.")
                item.versions.append(variation)
            else:
                self._walk(plan, people, PATH[: STEPS_TO[spec.state]], spec)
            for version in item.versions:
                version.refresh_from_db()
            built.append(item)
        return built

    # reading pages

    def _client(self, who="opcc") -> Client:
        client = Client()
        client.force_login(self.area_people[who])
        return client

    @staticmethod
    def _cells(html: str, anchor: str) -> str:
        return html.split(anchor, 1)[1].split("</tr>", 1)[0]

    @staticmethod
    def _figure(html: str, name: str) -> str:
        match = re.search(rf'data-figure="{name}">(?:<span class="app-numeric">)?([^<]*)<', html)
        assert match, f"no {name} in {html[:500]}"
        return match.group(1).strip()

    @staticmethod
    def _proposed(html: str, name: str) -> tuple[str, str] | None:
        match = re.search(
            rf'data-proposed="{name}">Version \d+: <span class="app-numeric">([^<]*)</span> '
            r'<span class="app-nowrap">\(([^)]*)\)</span>',
            html,
        )
        return (match.group(1), match.group(2)) if match else None

    def check_module_against_what_was_drawn(self, built: list[Built]):
        for item in built:
            want = expected(item.spec)
            entry = plan_in_force(item.award)
            assert entry.committed.award == want.award
            assert entry.committed.allocated == want.committed_allocated, item.spec.state
            assert entry.committed.match_funding == want.committed_match
            if want.proposed_allocated is None:
                assert entry.proposed is None
            else:
                assert entry.proposed.allocated == want.proposed_allocated
            if entry.in_force is not None:
                assert entry.in_force.status == Status.APPROVED
        rows = partnership_years(force_area=self.area, financial_year=YEAR, user=self.area_people["opcc"])
        totals = area_totals(rows)
        assert totals.award == sum((expected(i.spec).award for i in built), Decimal("0.00"))
        # Committed totals count approved versions only.
        assert totals.allocated == sum((expected(i.spec).committed_allocated for i in built), Decimal("0.00"))
        assert totals.match_funding == sum((expected(i.spec).committed_match for i in built), Decimal("0.00"))
        return rows, totals

    def check_pages(self, built: list[Built], rows, totals):
        client = self._client()
        by_slug = {row.partnership.slug: row for row in rows}
        dashboard = client.get(reverse("grants:oversight-dashboard", kwargs={"area": self.area.slug})).content.decode()
        report = client.get(
            reverse("grants:panel-report", kwargs={"area": self.area.slug, "year": YEAR})
        ).content.decode()
        home = client.get(reverse("home")).content.decode()
        for item in built:
            row = by_slug[item.partnership.slug]
            committed, proposed, change = row.committed, row.proposed, row.change
            for html in (
                self._cells(dashboard, f'id="csp-{item.partnership.slug}"'),
                self._cells(report, f'id="report-csp-{item.partnership.slug}"'),
                self._cells(home, f'id="plans-{item.award.pk}"'),
            ):
                assert self._figure(html, "award") == format_money(committed.award)
                assert self._figure(html, "allocated") == format_money(committed.allocated)
                assert self._figure(html, "unallocated") == format_money(committed.unallocated)
                if 'data-figure="match"' in html:
                    assert self._figure(html, "match") == format_money(committed.match_funding)
            for html in (
                self._cells(dashboard, f'id="csp-{item.partnership.slug}"'),
                self._cells(home, f'id="plans-{item.award.pk}"'),
            ):
                if proposed is None:
                    assert self._proposed(html, "allocated") is None
                else:
                    assert self._proposed(html, "allocated") == (
                        format_money(proposed.allocated),
                        money_change(change.allocated),
                    )
                    assert self._proposed(html, "unallocated") == (
                        format_money(proposed.unallocated),
                        money_change(change.unallocated),
                    )
            if proposed is not None:
                pending = self._cells(report, f'id="pending-{item.partnership.slug}"')
                assert self._figure(pending, "proposed-allocated") == format_money(proposed.allocated)
                assert self._figure(pending, "change-allocated") == money_change(change.allocated)
            else:
                assert f'id="pending-{item.partnership.slug}"' not in report
            for version in item.versions:
                self.check_plan_page(client, version)
                self.check_plan_exports(client, version)
        for html in (self._cells(dashboard, 'id="dashboard-totals"'), self._cells(report, 'id="report-totals"')):
            assert self._figure(html, "award") == format_money(totals.award)
            assert self._figure(html, "allocated") == format_money(totals.allocated)
            assert self._figure(html, "unallocated") == format_money(totals.unallocated)
            assert self._figure(html, "match") == format_money(totals.match_funding)

    def check_plan_page(self, client, plan):
        figures = SpendingPlan.objects.get(pk=plan.pk).figures
        html = client.get(plan.get_absolute_url()).content.decode()
        for name, value in (
            ("award", figures.award),
            ("allocated", figures.allocated),
            ("unallocated", figures.balance),
            ("match", figures.match_funding),
        ):
            match = re.search(rf'id="figure-{name}">([^<]*)<', html)
            assert match and match.group(1).strip().startswith(format_money(value)), (name, value)

    def check_plan_exports(self, client, plan):
        from openpyxl import load_workbook

        figures = SpendingPlan.objects.get(pk=plan.pk).figures
        xlsx = client.get(reverse("grants:plan-download", args=[plan.pk, "lines", "xlsx"])).content
        sheet = load_workbook(io.BytesIO(xlsx))["Summary"]
        # A spreadsheet's numbers are floats; pennies survive the round trip for any amount a plan can hold.
        summary = {
            key: Decimal(str(value)).quantize(PENNY)
            for key, value in sheet.iter_rows(values_only=True)
            if isinstance(value, int | float)
        }
        assert summary["Grant total"] == figures.award
        assert summary["Allocated"] == figures.allocated
        assert summary[figures.balance_label] == figures.balance
        assert summary["Match funding attracted"] == figures.match_funding
        text = client.get(reverse("grants:plan-download", args=[plan.pk, "lines", "csv"])).content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        lines = [row for row in rows if row["Number"].isdigit()]
        amounts = sorted(Decimal(row["Amount allocated"] or "0") for row in lines)
        assert amounts == sorted(plan.projects.values_list("amount_allocated", flat=True))
        assert sum(amounts, Decimal("0.00")) == figures.allocated

    def check_publication(self, built: list[Built]):
        """The public page and 360Giving: the award as made, and funded projects only from the plan in force."""
        public = Client().get(reverse("grants:published", kwargs={"area": self.area.slug})).content.decode()
        package = json.loads(
            Client().get(reverse("grants:published-360", kwargs={"area": self.area.slug, "fmt": "json"})).content
        )
        # A CSP is named as the department of its accountable council, or as the recipient when it has none.
        recipients = [(grant["recipientOrganization"][0], grant) for grant in package["grants"]]
        grants = {recipient.get("department") or recipient["name"]: grant for recipient, grant in recipients}
        sheet = Client().get(reverse("grants:published-360", kwargs={"area": self.area.slug, "fmt": "csv"}))
        csv_rows = {
            row["Recipient Org:Department"] or row["Recipient Org:Name"]: row
            for row in csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig")))
        }
        for item in built:
            grant = grants[item.partnership.name]
            assert Decimal(str(grant["amountAwarded"])) == item.award.amount
            assert Decimal(csv_rows[item.partnership.name]["Amount Awarded"]) == item.award.amount
            in_force = plan_in_force(item.award).in_force
            titles = set(in_force.projects.values_list("title", flat=True)) if in_force else set()
            for version in item.versions:
                for title in version.projects.values_list("title", flat=True):
                    assert (title in grant["description"]) == (title in titles), (title, item.spec.state)
                    assert (title in public) == (title in titles)

    def check_documents(self, built: list[Built], totals):
        client = self._client()
        url = reverse("grants:panel-report", kwargs={"area": self.area.slug, "year": YEAR})
        word = docx_text(client.get(url + "?format=docx").content)
        pdf = re.sub(r"\s+", " ", pdf_text(client.get(url + "?format=pdf").content))
        for text in (word, pdf):
            for figure in (totals.award, totals.allocated, totals.unallocated, totals.match_funding):
                assert format_money(figure) in text
        assert f"Allocated in their approved spending plans\n{format_money(totals.allocated)}" in word
        money = [format_money(f) for f in (totals.award, totals.allocated, totals.unallocated, totals.match_funding)]
        assert f"Total {money[0]} {' '.join(money[1:])}" in pdf  # the partnerships table's totals row
        for item in built:
            for version in item.versions:
                self.check_board_paper(client, version)

    def check_board_paper(self, client, plan):
        from docx import Document

        plan = SpendingPlan.objects.get(pk=plan.pk)
        figures = plan.figures
        content = client.get(reverse("grants:plan-download", args=[plan.pk, "board-paper", "docx"])).content
        document = Document(io.BytesIO(content))
        summary = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
        assert summary["Grant total"] == format_money(figures.award)
        assert summary["Allocated"] == format_money(figures.allocated)
        assert summary[figures.balance_label] == format_money(figures.balance)
        assert summary["Match funding attracted"] == format_money(figures.match_funding)
        projects = list(plan.projects.for_plan_page())
        approvals = line_approvals(plan, projects)
        table = document.tables[1]
        approved_at = [cell.text for cell in table.rows[0].cells].index("Approved")
        column = [row.cells[approved_at].text for row in table.rows[1:] if row.cells[0].text.split(".")[0].isdigit()]
        assert len(column) == len(projects)
        for project, cell in zip(projects, column, strict=True):
            approval = approvals[project.line_id]
            assert cell.startswith("Approved") is approval.approved
            # "Approved" only when the version holding the line as it is now is approved.
            assert approval.approved is (plan.status == Status.APPROVED or bool(approval.in_version))
            if approval.approved:
                assert approval.approval.decided_on in cell
        pdf = re.sub(
            r"\s+",
            " ",
            pdf_text(client.get(reverse("grants:plan-download", args=[plan.pk, "board-paper", "pdf"])).content),
        )
        assert f"Allocated {format_money(figures.allocated)}" in pdf
        assert f"{figures.balance_label} {format_money(figures.balance)}" in pdf
        assert pdf.count("Not yet approved") + pdf.count("not yet approved") >= sum(
            1 for a in approvals.values() if not a.approved and plan.status != Status.DECLINED
        )

    @settings(max_examples=12, **EXAMPLES)
    @given(areas)
    def test_pages_and_exports_show_the_figures_module(self, specs):
        built = self.build(specs)
        rows, totals = self.check_module_against_what_was_drawn(built)
        self.check_pages(built, rows, totals)
        self.check_publication(built)

    @settings(max_examples=3, **EXAMPLES)
    @given(st.lists(partnership_specs(), min_size=1, max_size=2))
    def test_documents_show_the_figures_module(self, specs):
        built = self.build(specs)
        _, totals = self.check_module_against_what_was_drawn(built)
        self.check_documents(built, totals)

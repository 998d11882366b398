"""A spending plan against an award and what it holds: funded projects with their sub-items, outcome measures
and match funding, and the plan's risks / watch items.

The figures a page shows (allocated, unallocated, match funding) are worked out in grants/figures/plans.py;
`SpendingPlan.figures` and the properties beside it only read them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from grants import workflow
from grants.money import ZERO, MoneyField, format_money, non_negative
from grants.querysets import FundedProjectQuerySet, PlanContentQuerySet, SpendingPlanQuerySet
from grants.states import PlanStatus
from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment

from .funding import GrantAward
from .history import PlanHistoryBase

# THE sub-items rule, in the words every page, import and the live figures on the project page use (the script
# fills the same words in, from the page's data attributes).
SUB_ITEMS_MATCH = "The sub-items add up to {total}, the amount allocated."
SUB_ITEMS_DIFFER = (
    "The sub-items add up to {total}, {difference} {more_or_less} than the amount allocated of {amount}: make "
    "them add up to it exactly."
)


def sub_items_problem(amount: Decimal | None, sub_item_amounts: Iterable[Decimal | None]) -> str | None:
    """THE sub-items rule: a line's sub-items, when it has any, add up exactly to the line's amount (the board
    reads the line as the sum of its parts: Plymouth line 4 is £25,000 = A £8,000 + B £5,000 + C £7,000 +
    D £5,000). Applied to the whole set at once, wherever a set is saved (grants/services/plan_content.py, the
    admin) or read (the check page, submission). None when the rule holds, or cannot be judged yet (an amount
    missing: its own field says so)."""
    amounts = list(sub_item_amounts)
    if not amounts or amount is None or any(value is None for value in amounts):
        return None
    total = sum(amounts, ZERO)
    if total == amount:
        return None
    return SUB_ITEMS_DIFFER.format(
        total=format_money(total),
        difference=format_money(abs(total - amount)),
        more_or_less="more" if total > amount else "less",
        amount=format_money(amount),
    )


# The plan whose content the one writer (grants/services/plan_content.py) is changing: locked and checked editable
# for the rest of its transaction, so the per-row guards need not ask again for each of the rows it replaces.
_WRITING_CONTENT_OF: ContextVar[int | None] = ContextVar("writing_content_of", default=None)


class PlanContent(models.Model):
    """Part of a plan's content: saved only while the plan is editable (see `SpendingPlan.is_editable`).
    Deletes are guarded by a `pre_delete` signal (grants/signals.py), which also covers queryset deletes. Every
    write gives the plan a new `content_stamp`: a row's save or delete by signals, a bulk write by the queryset
    (`PlanContentQuerySet`)."""

    objects = PlanContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        SpendingPlan.refuse_changes_unless_editable(self.owning_plan_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Checked before Django's own transaction for the delete opens, so a caller's transaction survives.
        SpendingPlan.refuse_changes_unless_editable(self.owning_plan_id)
        return super().delete(*args, **kwargs)

    def clean(self):
        """The same refusal, as a form's message, for a plan that is no longer editable."""
        SpendingPlan.refuse_changes_unless_editable(self.owning_plan_id)

    @property
    def owning_plan_id(self):
        """The plan this row belongs to: directly (a line, a risk) or through its line."""
        if "plan" in {f.name for f in self._meta.concrete_fields}:
            return self.plan_id
        return self.project.plan_id if self.project_id else None


class SpendingPlan(models.Model):
    """A CSP's plan for spending one award: version 1 is the original plan, later versions are variations."""

    Status = PlanStatus  # the names live in grants/states.py, beneath the workflow table and the models

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    # What a transition may change on a plan that is no longer editable; nothing else may be saved on it.
    WORKFLOW_FIELDS = frozenset(
        {"status", "round", "needs_executive_group", "needs_board", "finance_officer_first", "updated_at"}
    )
    # Forgotten on refresh_from_db(), with the figures and the annotations they were read from (grants/figures).
    WORKFLOW_CACHES = (
        "awaiting",
        "_stages_held",
        "_stages_acted",
        "_prejudicial",
        "_funder",
        "_signed_this_round",
        "_last_review",
        "_decisions",
        "_versions",
        "figures",
        "figure_allocated",
        "figure_match_funding",
    )

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300, default="OPCC grant spending plan")
    # Changed only by the approval workflow (grants/services/workflow.py): no form, not even the admin's, has it.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    round = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="How many times this version has been submitted."
    )
    needs_executive_group = models.BooleanField(
        default=True, editable=False, help_text="Whether this submission goes to the executive group."
    )
    needs_board = models.BooleanField(
        default=True, editable=False, help_text="Whether this submission goes to the board."
    )
    finance_officer_first = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the finance officer signs off before the decision-maker (the force area's order when "
        "this version was submitted), rather than both in either order.",
    )
    purpose = models.TextField(blank=True, help_text="The briefing's purpose and context, shown above the table.")
    unallocated_note = models.TextField(
        blank=True, help_text="What the partnership proposes for money not yet allocated."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save in the plan editor, so a save from a page opened before someone "
        "else's save can be refused rather than silently overwriting it.",
    )
    content_stamp = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="A new value after every write of the plan's content (its lines and what they hold, their "
        "priority links, risks, sections and documents), whoever makes it: the key of what is kept of the content "
        "(grants/fragments.py).",
    )
    rolled_forward_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rolled_forward_to",
        help_text="The previous year's approved plan this plan was started from.",
    )
    roll_forward_notes = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="What rolling forward could not carry over as it was, for the officer to check.",
    )

    objects = SpendingPlanQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[PlanHistoryBase],
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["roll_forward_notes", "content_stamp"],
    )

    class Meta:
        ordering = ["-award__financial_year", "award__partnership__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["award", "version"], name="plan_unique_version_per_award"),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
        ]

    def __str__(self) -> str:
        version = f" (version {self.version})" if self.version > 1 else ""
        return f"{self.partnership} {self.financial_year}: {self.title}{version}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not (update_fields is not None and set(update_fields) <= self.WORKFLOW_FIELDS):
            self.refuse_changes_unless_editable(self.pk)
        if update_fields is None and not self._state.adding and not args and not kwargs.get("force_insert"):
            # The stamp is the content's, and only a write of the content renews it (`contents_changed`). A save of
            # the plan's own fields (its details, a status) leaves it as stored: the rows kept under it
            # (grants/fragments.py) still show what they showed, so saving a plan's title does not make its 60 lines
            # be read and printed again on the next view (issue 13). Nor can an instance read before a content
            # write (the editor saves the plan it locked after writing its lines) put the old stamp back.
            kwargs["update_fields"] = self._fields_but_the_stamp()
        elif update_fields is None or "content_stamp" in update_fields:
            # A new plan's first stamp, a stamp asked for by name, or a save made some other way (positional
            # arguments, a forced insert): a new one, never an old one saved back.
            self.content_stamp = uuid.uuid4()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("grants:plan-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        self.refuse_changes_unless_editable(self.pk)
        return super().delete(*args, **kwargs)

    def _fields_but_the_stamp(self) -> list[str]:
        """The columns a full save of a stored plan writes: every loaded one but the content stamp (deferred ones
        are left alone, as Django's own save of a partly loaded instance leaves them)."""
        deferred = self.get_deferred_fields()
        return [
            field.attname
            for field in self._meta.concrete_fields
            if not field.primary_key and field.attname not in deferred and field.name != "content_stamp"
        ]

    def refresh_from_db(self, *args, **kwargs):
        """Also forgets what was worked out from the old status (who it waits for, who has acted)."""
        super().refresh_from_db(*args, **kwargs)
        for name in self.WORKFLOW_CACHES:
            self.__dict__.pop(name, None)

    @property
    def partnership(self):
        return self.award.partnership

    @property
    def financial_year(self) -> str:
        return self.award.financial_year

    @property
    def is_editable(self) -> bool:
        """THE rule for editing: only a draft, or a plan returned for changes. Submitted versions are frozen
        while they are reviewed, and approved (or declined) versions for good: a change is a new version."""
        return self.status in self.EDITABLE_STATUSES

    @property
    def frozen_message(self) -> str:
        if self.status == self.Status.APPROVED:
            return (
                f"Version {self.version} of this plan is approved and cannot be changed: start a variation to "
                f"change it."
            )
        if self.status == self.Status.DECLINED:
            return f"Version {self.version} of this plan was declined and cannot be changed: start a new version."
        return (
            f"This plan is with its reviewers ({self.get_status_display().lower()}) and cannot be changed unless "
            f"it is returned for changes."
        )

    @classmethod
    @contextmanager
    def writing_content(cls, plan_id: int):
        """For the one writer of plan content, inside its transaction: locks the plan and checks once that it is
        editable; until the block ends, the per-row guards (`save`, `pre_delete`) take that answer as given."""
        if not connection.in_atomic_block:
            raise RuntimeError("A plan's content is written inside a transaction.")
        cls.refuse_changes_unless_editable(plan_id)
        outermost = _WRITING_CONTENT_OF.get() != plan_id
        token = _WRITING_CONTENT_OF.set(plan_id)
        try:
            yield
            if outermost:  # once for all the rows written, in their transaction (a nested block's by the outer one)
                cls.content_changed(plan_id)
        finally:
            _WRITING_CONTENT_OF.reset(token)

    @staticmethod
    def content_being_written() -> int | None:
        return _WRITING_CONTENT_OF.get()

    @classmethod
    def content_changed(cls, plan_id) -> None:
        """Gives the plan a new `content_stamp`: called after every write of its content (grants/signals.py for
        single rows and priority links, whoever writes them; `writing_content` once for the one writer's bulk
        writes). Called after the write, or inside the write's transaction: a reader can then never keep the
        content from before the write under the stamp from after it."""
        cls.contents_changed([plan_id])

    @classmethod
    def contents_changed(cls, plan_ids) -> None:
        """`content_changed` for several plans at once (a bulk write of content rows), in one query: one new
        stamp for them all, never used before by any of them (what is kept is keyed by the plan and its stamp)."""
        plan_ids = {plan_id for plan_id in plan_ids if plan_id is not None}
        if plan_ids:
            cls.objects.filter(pk__in=plan_ids).update(content_stamp=uuid.uuid4())

    @classmethod
    def refuse_changes_unless_editable(cls, plan_id) -> None:
        """Raises ValidationError when the plan, as stored now, is not editable. Called by every save and
        delete of a plan's content (lines, sub-items, measures, match funding, risks, priorities), so that
        no edit reaches a frozen version from the views, the admin or the import.

        Inside a transaction the plan's row is locked first: a transition, which takes the same lock, then
        either happens before this edit (and the edit is refused) or waits until the edit is committed."""
        if plan_id is None or plan_id == _WRITING_CONTENT_OF.get():
            return
        plans = cls.objects.filter(pk=plan_id).only("pk", "status", "version").order_by()
        if connection.in_atomic_block and connection.features.has_select_for_update:
            plans = plans.select_for_update(of=("self",))
        stored = plans.first()
        if stored is not None and not stored.is_editable:
            raise ValidationError(stored.frozen_message, code="frozen")

    @cached_property
    def submission_deadline(self):
        """The OPCC's deadline for this year's plans in the partnership's force area, if one is set."""
        from .deadlines import SubmissionDeadline

        return SubmissionDeadline.objects.filter(
            force_area_id=self.award.partnership.force_area_id, financial_year=self.financial_year
        ).first()

    # --- figures -------------------------------------------------------------------------------------------
    # Worked out by grants/figures/plans.py and only there; these read them. A queryset from
    # `with_figures()` brings them with the plan, so a list of plans costs one query.

    @cached_property
    def figures(self):
        """The plan's `PlanFigures`: award, allocated, unallocated or over-allocated, match funding."""
        from grants.figures.plans import plan_figures

        return plan_figures(self)

    @property
    def award_amount(self) -> Decimal:
        return self.award.amount

    @property
    def allocated(self) -> Decimal:
        return self.figures.allocated

    @property
    def unallocated(self) -> Decimal:
        return self.figures.unallocated

    @property
    def over_allocated(self) -> Decimal:
        return self.figures.over_allocated

    @property
    def match_funding_total(self) -> Decimal:
        return self.figures.match_funding

    @cached_property
    def police_and_crime_plan(self) -> PoliceAndCrimePlan | None:
        """The Police and Crime Plan whose priorities this plan's projects may serve."""
        force_area = self.award.force_area
        if force_area is None:
            return None
        return PoliceAndCrimePlan.objects.covering(force_area, self.financial_year).first()

    @cached_property
    def strategic_assessment_ids(self) -> set[int]:
        """The partnership's strategic assessment(s) for the plan's year, whose local priorities its lines serve."""
        return set(
            StrategicAssessment.objects.filter(
                partnership_id=self.award.partnership_id, financial_year=self.financial_year
            ).values_list("pk", flat=True)
        )

    def allocation_error(self, allocated: Decimal) -> str | None:
        """The message for a total that exceeds the award, or None. One wording wherever it is checked."""
        if allocated <= self.award.amount:
            return None
        return (
            f"The plan would allocate {format_money(allocated)}, which is {format_money(allocated - self.award.amount)}"
            f" more than the award of {format_money(self.award.amount)}."
        )

    def clean(self):
        if self.pk and not self.is_editable:
            raise ValidationError(self.frozen_message, code="frozen")
        if self.award_id and self.award.partnership_id is None:
            raise ValidationError({"award": "A spending plan is written by a partnership against its award."})
        if self.pk and self.award_id and (message := self.allocation_error(self.allocated)):
            raise ValidationError(message)

    def submission_problems(self) -> list[str]:
        """What stops the plan being submitted: the board and the OPCC expect a plan that adds up."""
        problems = []
        projects = list(self.projects.prefetch_related("sub_items"))
        if not projects:
            problems.append("Add at least one funded project before submitting the plan.")
        if message := self.allocation_error(sum((p.amount_allocated for p in projects), ZERO)):
            problems.append(message)
        for project in projects:
            if project.unfinished:
                problems.append(
                    f"Project {project.number}, {project.title}, was saved as not finished: finish it and save it "
                    "before submitting the plan."
                )
            elif message := project.sub_items_problem:
                problems.append(f"Project {project.number}, {project.title}: {message}")
        return problems

    @cached_property
    def previous_version(self) -> SpendingPlan | None:
        if self.version <= 1:
            return None
        return SpendingPlan.objects.filter(award_id=self.award_id, version=self.version - 1).first()

    @cached_property
    def awaiting(self) -> tuple[str, ...]:
        """The stage(s) the plan waits for (see grants/workflow.py)."""
        return workflow.awaiting_stages(self)

    @property
    def waiting_for(self) -> str:
        return workflow.waiting_for(self)


class FundedProject(PlanContent):
    """A numbered line of a spending plan: a project, service or pilot and the money allocated to it."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.CASCADE, related_name="projects")
    line_id = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="The same line across versions of a plan (and years, when rolled forward), whatever its number.",
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    outline = models.TextField(
        blank=True,
        help_text="Paragraphs separated by a blank line; start a line with '- ' for a bullet or '1. ' for a "
        "numbered item.",
    )
    amount_allocated = MoneyField()
    # No lost work (issue 9): an officer may save a line before it is finished. Its amount may be left out (kept
    # as £0.00 until given); the line is listed on "check the plan" and the plan cannot be submitted until the
    # line is saved finished.
    unfinished = models.BooleanField(
        default=False,
        help_text="Saved as not finished yet: its amount or how its outcomes are measured may be missing.",
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="funded_projects"
    )
    contract_value = MoneyField(
        null=True, blank=True, help_text="Total annual contract value, of which the grant pays the amount allocated."
    )
    contract_end_date = models.DateField(null=True, blank=True)
    contract_notes = models.CharField(max_length=300, blank=True)
    thematic_group = models.ForeignKey(
        ThematicGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="funded_projects"
    )
    outcomes_summary = models.TextField(
        "How the outcomes will be measured",
        blank=True,
        help_text="The monitoring arrangements, written before the list of outcome measures.",
    )
    pcc_priorities = models.ManyToManyField(
        Priority, blank=True, related_name="funded_projects", verbose_name="Police and Crime Plan priorities"
    )
    local_priorities = models.ManyToManyField(LocalPriority, blank=True, related_name="funded_projects")

    objects = FundedProjectQuerySet.as_manager()

    class Meta:
        # The parent by its key: "plan" would sort through SpendingPlan's own ordering, joining the plan, its
        # award and partnership to every read of one plan's lines (so for every "<parent>_id" ordering in the
        # apps: docs/decisions.md, "Default orderings name a parent by its key").
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="project_unique_number_in_plan",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["plan", "line_id"], name="project_unique_line_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="project_number_positive"),
            *non_negative("amount_allocated", "contract_value", model="project"),
        ]
        indexes = [
            # "Contracts ending soon" on the home pages looks for a few lines among every plan's by this date: without
            # it PostgreSQL read all 50,000 lines of a national installation on every such page (issue 13).
            models.Index(
                fields=["contract_end_date"], condition=Q(contract_end_date__isnull=False), name="project_contract_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @cached_property
    def sub_items_total(self) -> Decimal:
        return sum((item.amount for item in self.sub_items.all()), ZERO)

    @property
    def has_sub_items(self) -> bool:
        return bool(self.sub_items.all())

    @property
    def sub_items_problem(self) -> str | None:
        """What is wrong with the saved sub-items (see `sub_items_problem`), or None."""
        return sub_items_problem(self.amount_allocated, [item.amount for item in self.sub_items.all()])

    @property
    def sub_items_add_up(self) -> bool:
        return self.sub_items_problem is None

    @property
    def sub_items_message(self) -> str:
        """What the pages say about the sub-items: that they add up, or what is wrong (one wording)."""
        return self.sub_items_problem or SUB_ITEMS_MATCH.format(total=format_money(self.sub_items_total))

    @cached_property
    def match_funding_total(self) -> Decimal:
        return sum((match.amount for match in self.match_funding.all()), ZERO)

    @property
    def own_outcome_measures(self) -> list[OutcomeMeasure]:
        """Measures of the project as a whole; those of a sub-item are shown with the sub-item."""
        return [measure for measure in self.outcome_measures.all() if measure.sub_item_id is None]

    def clean(self):
        """The line's own rules, and the plan's total when the line is saved on its own (the admin). The set rules
        (the plan's total, the sub-items) are checked on the whole set by the one writer of plan content."""
        super().clean()
        errors = self.rule_errors()
        if self.plan_id and self.amount_allocated is not None:
            others = self.plan.projects.exclude(pk=self.pk).aggregate(total=Sum("amount_allocated"))["total"] or ZERO
            if message := self.plan.allocation_error(others + self.amount_allocated):
                errors["amount_allocated"] = message
        if errors:
            raise ValidationError(errors)

    def rule_errors(self) -> dict[str, str]:
        """Rules on the line's own fields that need no query: its thematic group is one of its partnership's."""
        errors = {}
        group = self.thematic_group
        if group is not None and self.plan_id and group.partnership_id != self.plan.award.partnership_id:
            errors["thematic_group"] = "Choose one of this partnership's own thematic groups."
        return errors

    def priority_errors(self, pcc_priorities=(), local_priorities=()) -> dict[str, str]:
        """Police and Crime Plan priorities must come from the plan covering the award's force area and year;
        local priorities from this partnership's strategic assessment for that year."""
        errors = {}
        pcp = self.plan.police_and_crime_plan
        wrong = [p for p in pcc_priorities if pcp is None or p.plan_id != pcp.pk]
        if wrong:
            where = f"the {pcp.title}" if pcp else f"a Police and Crime Plan in force for {self.plan.financial_year}"
            errors["pcc_priorities"] = f"{', '.join(str(p) for p in wrong)}: choose priorities from {where}."
        wrong_local = [p for p in local_priorities if p.assessment_id not in self.plan.strategic_assessment_ids]
        if wrong_local:
            errors["local_priorities"] = (
                f"{', '.join(str(p) for p in wrong_local)}: choose local priorities from this partnership's "
                f"strategic assessment for {self.plan.financial_year}."
            )
        return errors


class SubItem(PlanContent):
    """A part of a funded project with its own amount (Plymouth line 4: A £8,000, B £5,000, …)."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="sub_items")
    label = models.CharField(max_length=10, help_text="For example A, B, C.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    amount = MoneyField()

    class Meta:
        ordering = ["project_id", "label"]
        verbose_name = "sub-item"
        constraints = [
            models.UniqueConstraint(fields=["project", "label"], name="sub_item_unique_label"),
            *non_negative("amount", model="sub_item"),
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.title}"


class OutcomeMeasure(PlanContent):
    """How a project's outcomes are measured: qualitative, or with a numeric target ("re-referral rate below 20%")."""

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", "at least"
        ABOVE = "above", "above"
        AT_MOST = "at_most", "no more than"
        BELOW = "below", "below"
        EXACTLY = "exactly", "exactly"
        BETWEEN = "between", "between"

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        NUMBER = "number", "number"
        POUNDS = "pounds", "£"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Six-monthly"
        ANNUALLY = "annually", "Annually"
        END_OF_PROJECT = "end", "At the end of the project"
        AS_AVAILABLE = "as_available", "As available"

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="outcome_measures")
    sub_item = models.ForeignKey(
        SubItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcome_measures",
        help_text="When the measure belongs to one sub-item of the project.",
    )
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target_comparison = models.CharField(max_length=10, choices=Comparison.choices, blank=True)
    target_unit = models.CharField(max_length=10, choices=Unit.choices, blank=True)
    target_upper_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a target between two figures: the upper one (the target value is the lower).",
    )
    frequency = models.CharField(max_length=15, choices=Frequency.choices, blank=True)

    class Meta:
        ordering = ["project_id", "sub_item__label", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_value__isnull=True, target_comparison="", target_unit="")
                    | (Q(target_value__isnull=False) & ~Q(target_comparison="") & ~Q(target_unit=""))
                ),
                name="measure_target_complete",
                violation_error_message="A numeric target needs its value, comparison and unit.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_numeric(self) -> bool:
        return self.target_value is not None

    @property
    def target_display(self) -> str:
        """`at least 75%`, `below 20%`, `at least 200`: the target as the plan states it."""
        if not self.is_numeric:
            return ""
        number = f"{self.target_value.normalize():,f}"
        if self.target_unit == self.Unit.PERCENT:
            amount = f"{number}%"
        elif self.target_unit == self.Unit.POUNDS:
            amount = format_money(self.target_value)
        else:
            amount = number
        if self.target_comparison == self.Comparison.BETWEEN and self.target_upper_value is not None:
            upper = f"{self.target_upper_value.normalize():,f}"
            upper = f"{upper}%" if self.target_unit == self.Unit.PERCENT else upper
            if self.target_unit == self.Unit.POUNDS:
                upper = format_money(self.target_upper_value)
            return f"between {amount} and {upper}"
        return f"{self.get_target_comparison_display()} {amount}"

    def clean(self):
        super().clean()
        errors = {}
        if self.target_value is not None:
            if not self.target_comparison:
                errors["target_comparison"] = "Choose how the result compares with the target."
            if not self.target_unit:
                errors["target_unit"] = "Choose the target's unit."
            if self.target_unit == self.Unit.PERCENT and not (0 <= self.target_value <= 100):
                errors["target_value"] = "A percentage target is between 0 and 100."
        elif self.target_comparison or self.target_unit:
            errors["target_value"] = "Enter the target value, or clear the comparison and unit."
        if self.target_comparison == self.Comparison.BETWEEN:
            if self.target_upper_value is None:
                errors["target_upper_value"] = "Enter the upper figure of the target."
            elif self.target_value is not None and self.target_upper_value < self.target_value:
                errors["target_upper_value"] = "The upper figure is at least the lower one."
        if self.sub_item_id and self.project_id and self.sub_item.project_id != self.project_id:
            errors["sub_item"] = "Choose a sub-item of this project."
        if errors:
            raise ValidationError(errors)


class MatchFunding(PlanContent):
    """Other money a funded project attracts ("£44,450 (NHSE)" for children and young people)."""

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="match_funding")
    source = models.CharField(max_length=200, help_text="Who provides it, for example NHS England.")
    amount = MoneyField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["project_id", "source"]
        verbose_name = "match funding"
        verbose_name_plural = "match funding"
        constraints = non_negative("amount", model="match")

    def __str__(self) -> str:
        return f"{format_money(self.amount)} ({self.source})"


class RiskItem(PlanContent):
    """A risk or watch item: a previously funded initiative or a concern, with a budget and a recommendation."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveSmallIntegerField(default=1)
    theme = models.CharField(max_length=200)
    initiative = models.TextField("Initiative or concern")
    budget = MoneyField(null=True, blank=True)
    budget_note = models.CharField(max_length=200, blank=True, help_text="For example 'the cost for 6 months'.")
    recommendation = models.TextField(blank=True)

    class Meta:
        ordering = ["plan_id", "position", "pk"]
        verbose_name = "risk or watch item"
        verbose_name_plural = "risks and watch items"
        constraints = non_negative("budget", model="risk")

    def __str__(self) -> str:
        return self.theme

"""Why money is spent: the PCC's Police and Crime Plan, and each CSP's strategic assessment.

Priorities belong to a plan with a period, never to the system as a whole: plans change between PCC terms
(the Devon & Cornwall plan had six priorities in 2014 and five by 2020).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partnerships.financial_years import FinancialYear, FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Partnership, ThematicGroup

from .querysets import PoliceAndCrimePlanQuerySet


class PoliceAndCrimePlan(models.Model):
    """The plan a PCC sets for the force area, in force from `starts_on` to `ends_on`."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="police_and_crime_plans")
    title = models.CharField(max_length=300)
    starts_on = models.DateField()
    ends_on = models.DateField()
    notes = models.TextField(blank=True)

    objects = PoliceAndCrimePlanQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["force_area", "-starts_on"]
        verbose_name = "Police and Crime Plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="pcp_period_ends_after_start",
                violation_error_message="The plan must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.force_area})"

    def clean(self):
        if self.starts_on and self.ends_on and self.force_area_id:
            overlapping = PoliceAndCrimePlan.objects.filter(
                force_area_id=self.force_area_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    f"This period overlaps {overlapping.first()}: a force area has one plan in force at a time."
                )

    def covers(self, year: FinancialYear) -> bool:
        return self.starts_on <= year.starts_on <= self.ends_on


class Priority(models.Model):
    """A numbered priority of a Police and Crime Plan ("3. Protecting people at risk of abuse ...")."""

    plan = models.ForeignKey(PoliceAndCrimePlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = "Police and Crime Plan priority"
        verbose_name_plural = "Police and Crime Plan priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_unique_number_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="priority_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class StrategicAssessment(models.Model):
    """A CSP's annual strategic assessment, whose findings set the local priorities for a financial year.

    `financial_year` is the year the priorities apply to: Plymouth's 2019 assessment sets its 2020/21
    priorities.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="strategic_assessments")
    financial_year = FinancialYearField("Priorities for financial year")
    title = models.CharField(max_length=300)
    method = models.CharField(
        max_length=200, blank=True, help_text="For example MoRiLE (Management of Risk in Law Enforcement)."
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "financial_year"], name="assessment_one_per_partnership_year"
            ),
            financial_year_check("financial_year", "assessment_financial_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.partnership}, {self.financial_year})"


class LocalPriority(models.Model):
    """A local priority from a strategic assessment: a high-level risk, an emerging issue or a watching brief."""

    class RiskLevel(models.TextChoices):
        HIGH = "high", "High-level risk"
        EMERGING = "emerging", "Emerging issue"
        WATCHING = "watching", "Watching brief"

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.HIGH)
    thematic_group = models.ForeignKey(
        ThematicGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="local_priorities"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment_id", "position", "title"]
        verbose_name = "local priority"
        verbose_name_plural = "local priorities"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "title"], name="local_priority_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if (
            self.thematic_group_id
            and self.assessment_id
            and self.thematic_group.partnership_id != self.assessment.partnership_id
        ):
            raise ValidationError({"thematic_group": "Choose one of this partnership's own thematic groups."})

"""The narrative of a board paper: the headed sections a partnership writes around its funded projects, as Safer
Plymouth's paper has them (Background, Context, the Crime and Community Safety Assessment, Priorities,
Recommendations, Risks, Next steps), and which of them a force area's OPCC asks its partnerships for.

The plan's purpose stays on the plan itself (`SpendingPlan.purpose`, the plan details page): every paper opens with
it, so no area can leave it out. Each section's text is plain text in the outline format (grants/outline.py:
paragraphs and "- " bullets), rendered escaped on the page, in the PDF and in Word.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partnerships.models import ForceArea

from .plans import PlanContent, SpendingPlan
from .records import history_options


class PaperSection(models.TextChoices):
    """In the order a board paper gives them (Safer Plymouth's sections 1 to 8, after its purpose)."""

    BACKGROUND = "background", "Background"
    CONTEXT = "context", "Context"
    ASSESSMENT = "assessment", "Crime and Community Safety Assessment"
    PRIORITIES = "priorities", "Priorities"
    RECOMMENDATIONS = "recommendations", "Recommendations"
    RISKS = "risks", "Risks"
    NEXT_STEPS = "next_steps", "Next steps"


# What each section is for, in the words of the seed paper, shown as the hint on the sections page.
SECTION_HINTS = {
    PaperSection.BACKGROUND: "Why the partnership exists and what it does, for example its duties under sections 5 "
    "to 7 of the Crime and Disorder Act 1998.",
    PaperSection.CONTEXT: "The partnership's governance, the grant (its amount and whether it is a standstill "
    "award), other funding streams and the current landscape.",
    PaperSection.ASSESSMENT: "What the annual strategic assessment found: the trend in recorded crime and the types "
    "of crime that rose or fell.",
    PaperSection.PRIORITIES: "The partnership's priorities, how they were drawn up (for example with MoRiLE) and how "
    "they match the Police and Crime Plan: high-level risks, emerging issues and the watching brief.",
    PaperSection.RECOMMENDATIONS: "What the partnership is asked to agree. The table of funded projects follows "
    "this text.",
    PaperSection.RISKS: "Areas that may pose a risk, or initiatives previously funded from this grant. The risks and "
    "watch items follow this text.",
    PaperSection.NEXT_STEPS: "What happens after the board: executive group, board sign-off, OPCC scrutiny, the "
    "PCC's and Treasurer's agreement, then commissioning.",
}


class PlanSection(PlanContent):
    """One headed section of the plan's board paper. Written only through grants/services/plan_content.py
    (`sections_write`), carried into a variation or the next year's plan with the rest of the content."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=PaperSection.choices)
    text = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering = ["plan_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="plan_section_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()}"


class AreaPaperSections(models.Model):
    """Which sections a force area's OPCC asks every partnership's board paper to have. Without a row, an area
    asks for all of them (the Plymouth paper's shape)."""

    force_area = models.OneToOneField(ForceArea, on_delete=models.CASCADE, related_name="paper_sections")
    kinds = models.JSONField(default=list, help_text="The keys of the sections asked for (PaperSection).")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(**history_options())

    class Meta:
        verbose_name = "board paper sections asked for"
        verbose_name_plural = "board paper sections asked for"

    def __str__(self) -> str:
        return f"{self.force_area}: {', '.join(self.kinds) or 'no sections'}"

    @staticmethod
    def asked_for(force_area) -> list[str]:
        """The section keys the area asks for, in the paper's order (no query when the force area was fetched with
        `select_related("paper_sections")`)."""
        try:
            row = force_area.paper_sections
        except AreaPaperSections.DoesNotExist:
            row = None
        kinds = set(row.kinds) if row else set(PaperSection.values)
        return [kind for kind in PaperSection.values if kind in kinds]


# The sections before the table of funded projects; Recommendations lead into the table, Risks into the risks and
# watch items, and Next steps come before the approvals.
BEFORE_THE_TABLE = (PaperSection.BACKGROUND, PaperSection.CONTEXT, PaperSection.ASSESSMENT, PaperSection.PRIORITIES)


class PaperSections:
    """A plan's written sections, as the plan page, the PDF and the Word paper lay them out (empty ones left out)."""

    def __init__(self, sections):
        self.by_kind = {section.kind: section for section in sections if section.text.strip()}
        self.before_table = [self.by_kind[kind] for kind in BEFORE_THE_TABLE if kind in self.by_kind]
        self.recommendations = self.by_kind.get(PaperSection.RECOMMENDATIONS)
        self.risks = self.by_kind.get(PaperSection.RISKS)
        self.next_steps = self.by_kind.get(PaperSection.NEXT_STEPS)

    @classmethod
    def of(cls, plan: SpendingPlan) -> PaperSections:
        return cls(plan.sections.all())

    def __bool__(self) -> bool:
        return bool(self.by_kind)

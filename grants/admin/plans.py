"""Administration of awards and plans for site administrators. The same model rules hold here as everywhere:
`full_clean()` runs on every form, and the inline formsets check totals across all their rows at once. A plan's
funded projects are listed on its page and changed on their own (`SpendingPlanAdmin.funded_projects`).

The approval workflow cannot be bypassed here: a plan's status is not a form field (it is changed only by
grants/services/workflow.py), a plan that is not editable — and everything in it — opens read-only (the same
`plan_is_editable` predicate as the `grants.edit_plan` rule, and the models refuse the save anyway), and
decision records, declarations and decision notices can be read but never added, changed or deleted.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin

from grants.models import (
    CommentAnswer,
    Decision,
    DecisionNotice,
    FundedProject,
    FundingStream,
    GrantAward,
    InterestDeclaration,
    MatchFunding,
    OutcomeMeasure,
    RiskItem,
    ScrutinyComment,
    SpendingPlan,
    SubItem,
    SubmissionDeadline,
    SupportingDocument,
    VariationThreshold,
)
from grants.models.plans import sub_items_problem
from grants.money import format_money
from grants.resources import LINE_FIELDS, FundedProjectResource
from grants.rules import plan_is_editable
from priorities.models import LocalPriority, Priority


class FrozenPlanMixin:
    """View-only when the object belongs to a plan that is not editable (submitted, approved or declined).
    `plan_of(obj)` finds the plan; for inlines `obj` is the parent being edited."""

    def plan_of(self, obj):
        raise NotImplementedError

    def _frozen(self, obj) -> bool:
        plan = self.plan_of(obj) if obj is not None else None
        return plan is not None and not plan_is_editable(None, plan)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if isinstance(self, admin.options.InlineModelAdmin):
            return not self._frozen(obj) and super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Decision records are the audit trail: readable here, written only by the workflow."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _live_forms(formset):
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class SubItemInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        amounts = [f.cleaned_data.get("amount") for f in _live_forms(self)]
        if message := sub_items_problem(self.instance.amount_allocated, amounts):
            raise ValidationError(message)


class RiskItemInline(FrozenPlanMixin, admin.StackedInline):
    model = RiskItem
    extra = 0
    fields = ["position", "theme", "initiative", "budget", "budget_note", "recommendation"]

    def plan_of(self, obj):
        return obj


class SubItemInline(FrozenPlanMixin, admin.StackedInline):
    model = SubItem
    formset = SubItemInlineFormSet
    extra = 0

    def plan_of(self, obj):
        return obj.plan


class OutcomeMeasureInline(FrozenPlanMixin, admin.StackedInline):
    model = OutcomeMeasure
    extra = 0
    fields = [
        "position",
        "description",
        "sub_item",
        ("target_comparison", "target_value", "target_unit"),
        "frequency",
    ]

    def plan_of(self, obj):
        return obj.plan


class MatchFundingInline(FrozenPlanMixin, admin.TabularInline):
    model = MatchFunding
    extra = 0

    def plan_of(self, obj):
        return obj.plan


class DecisionInline(admin.TabularInline):
    model = Decision
    fields = ["decided_at", "round", "stage", "action", "user_name", "role_kind", "comments", "conditions"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "decision"
    verbose_name_plural = "approval trail"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FundedProjectAdminForm(forms.ModelForm):
    class Meta:
        model = FundedProject
        fields = ["plan", *LINE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan if self.instance.plan_id else None
        if plan is not None and "pcc_priorities" in self.fields:  # absent when the plan is frozen (read-only)
            pcp = plan.police_and_crime_plan
            self.fields["pcc_priorities"].queryset = pcp.priorities.all() if pcp else Priority.objects.none()
            self.fields["local_priorities"].queryset = LocalPriority.objects.filter(
                assessment__partnership=plan.partnership, assessment__financial_year=plan.financial_year
            )

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is not None:
            probe = FundedProject(plan=plan)
            for field, message in probe.priority_errors(
                cleaned.get("pcc_priorities") or [], cleaned.get("local_priorities") or []
            ).items():
                self.add_error(field, message)
        return cleaned


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "force_area", "funder"]
    list_filter = ["kind", "force_area"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["funder"]


@admin.register(GrantAward)
class GrantAwardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "funding_stream", "financial_year", "amount", "status", "awarded_on"]
    list_select_related = ["funding_stream", "partnership", "organisation"]
    list_filter = ["financial_year", "status", "funding_stream__kind", "funding_stream__force_area"]
    search_fields = ["partnership__name", "organisation__name", "reference", "purpose"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(SpendingPlan)
class SpendingPlanAdmin(FrozenPlanMixin, admin.ModelAdmin):
    list_display = ["__str__", "financial_year_display", "version", "status", "allocated_display"]
    list_filter = ["status", "award__financial_year", "award__partnership__force_area", "award__partnership"]
    search_fields = ["title", "award__partnership__name"]
    readonly_fields = [
        "status",
        "round",
        "needs_executive_group",
        "needs_board",
        "created_at",
        "updated_at",
        "figures",
        "funded_projects",
    ]
    # The lines are listed (`funded_projects`), not edited in rows here: see its docstring.
    inlines = [RiskItemInline, DecisionInline]
    # Search boxes, not drop-downs: at national size a drop-down lists 3,000 awards and 3,000 plans, each label
    # costing a query (9,550 queries, 6.5 s for one page; issue 13).
    autocomplete_fields = ["award", "rolled_forward_from", "created_by"]
    list_select_related = ["award__partnership"]

    def plan_of(self, obj):
        return obj

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.decisions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures()

    @admin.display(description="Financial year", ordering="award__financial_year")
    def financial_year_display(self, plan):
        return plan.financial_year

    @admin.display(description="Allocated")
    def allocated_display(self, plan):
        return format_money(plan.allocated)

    @admin.display(description="Funded projects")
    def funded_projects(self, plan):
        """The plan's lines, each linked to its own page, where it is changed together with its sub-items,
        outcome measures and match funding (which rows here could never hold), under the same rules (the plan's
        allocation: `FundedProject.clean`; the sub-items adding up: its `SubItemInlineFormSet`). Listed rather
        than edited in rows on this page: a 60-line plan's 60 forms made the page cost 250 to 300 ms of its 430 to
        520 ms at national size, over issue 13's 500 ms on the slower machines; the list is one query and a few
        milliseconds."""
        if plan.pk is None:
            return "-"
        lines = plan.projects.select_related("provider").order_by("number")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    line.number,
                    reverse("admin:grants_fundedproject_change", args=[line.pk]),
                    line.title,
                    format_money(line.amount_allocated),
                    line.provider.name if line.provider else "-",
                    line.contract_end_date.strftime("%-d %B %Y") if line.contract_end_date else "-",
                )
                for line in lines
            ),
        )
        links = [
            format_html(
                '<a href="{}?plan__id__exact={}">These lines in the funded projects list</a>',
                reverse("admin:grants_fundedproject_changelist"),
                plan.pk,
            )
        ]
        if plan_is_editable(None, plan):
            links.insert(
                0,
                format_html(
                    '<a href="{}?plan={}">Add a funded project</a>', reverse("admin:grants_fundedproject_add"), plan.pk
                ),
            )
        return format_html(
            # In the admin's own class that scrolls sideways on a narrow screen (its responsive.css), not the page.
            '<div class="inline-group"><table><caption>Funded projects of this version, by line number</caption>'
            "<thead><tr>"
            '<th scope="col">Line</th><th scope="col">Title</th><th scope="col">Allocated</th>'
            '<th scope="col">Provider</th><th scope="col">Contract ends</th></tr></thead><tbody>{}</tbody></table>'
            "</div><p>{}</p>",
            rows or format_html('<tr><td colspan="5">{}</td></tr>', "No funded projects yet."),
            format_html_join(" · ", "{}", ((link,) for link in links)),
        )

    @admin.display(description="Figures")
    def figures(self, plan):
        if plan.pk is None:
            return "-"
        return (
            f"Award {format_money(plan.award_amount)}; allocated {format_money(plan.allocated)}; "
            f"unallocated {format_money(plan.unallocated)}; match funding {format_money(plan.match_funding_total)}"
        )


@admin.register(FundedProject)
class FundedProjectAdmin(FrozenPlanMixin, ImportExportModelAdmin):
    resource_classes = [FundedProjectResource]
    form = FundedProjectAdminForm
    list_display = ["__str__", "plan", "amount_allocated", "provider", "contract_end_date"]
    list_select_related = ["plan__award__partnership", "provider"]
    list_filter = ["plan__award__financial_year", "plan__award__partnership", "thematic_group"]
    search_fields = ["title", "outline", "provider__name"]
    autocomplete_fields = ["provider", "plan", "thematic_group"]
    filter_horizontal = ["pcc_priorities", "local_priorities"]
    inlines = [SubItemInline, OutcomeMeasureInline, MatchFundingInline]

    def plan_of(self, obj):
        return obj.plan


class SubItemAdminForm(forms.ModelForm):
    """A sub-item changed on its own keeps its line's sub-items adding up exactly (the sub-items rule)."""

    class Meta:
        model = SubItem
        fields = ["project", "label", "title", "description", "amount"]

    def clean(self):
        cleaned = super().clean()
        project, amount = cleaned.get("project"), cleaned.get("amount")
        if project is not None and amount is not None:
            others = [s.amount for s in project.sub_items.exclude(pk=self.instance.pk)]
            if message := sub_items_problem(project.amount_allocated, [*others, amount]):
                self.add_error("amount", message)
        return cleaned


@admin.register(SubItem)
class SubItemAdmin(FrozenPlanMixin, admin.ModelAdmin):
    form = SubItemAdminForm

    def plan_of(self, obj):
        return obj.project.plan

    list_display = ["__str__", "project", "amount"]
    list_filter = ["project__plan__award__partnership"]
    search_fields = ["title", "description", "project__title"]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(FrozenPlanMixin, admin.ModelAdmin):
    def plan_of(self, obj):
        return obj.project.plan

    list_display = ["description", "project", "target_display", "frequency"]
    list_filter = ["frequency", "target_unit", "project__plan__award__partnership"]
    search_fields = ["description", "project__title"]


@admin.register(MatchFunding)
class MatchFundingAdmin(FrozenPlanMixin, admin.ModelAdmin):
    def plan_of(self, obj):
        return obj.project.plan

    list_display = ["source", "amount", "project"]
    list_filter = ["project__plan__award__partnership"]
    search_fields = ["source", "note", "project__title"]


@admin.register(RiskItem)
class RiskItemAdmin(FrozenPlanMixin, admin.ModelAdmin):
    def plan_of(self, obj):
        return obj.plan

    list_display = ["theme", "plan", "budget"]
    list_filter = ["plan__award__partnership"]
    search_fields = ["theme", "initiative", "recommendation"]


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(admin.ModelAdmin):
    list_display = ["force_area", "financial_year", "submit_by"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["force_area__name", "note"]


@admin.register(VariationThreshold)
class VariationThresholdAdmin(admin.ModelAdmin):
    list_display = ["force_area", "minor_below"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyRecordAdmin):
    list_display = ["plan", "version", "round", "stage", "action", "user_name", "decided_at"]
    list_filter = ["stage", "action", "plan__award__financial_year", "plan__award__partnership"]
    search_fields = ["user_name", "comments", "conditions", "plan__award__partnership__name"]


@admin.register(InterestDeclaration)
class InterestDeclarationAdmin(ReadOnlyRecordAdmin):
    list_display = ["plan", "project_number", "project_title", "user_name", "role_kind", "declared_at"]
    list_filter = ["plan__award__partnership"]
    search_fields = ["user_name", "interest", "project_title"]


@admin.register(DecisionNotice)
class DecisionNoticeAdmin(ReadOnlyRecordAdmin):
    list_display = ["reference", "plan", "issued_at"]
    search_fields = ["reference", "plan__award__partnership__name"]


@admin.register(ScrutinyComment)
class ScrutinyCommentAdmin(ReadOnlyRecordAdmin):
    list_display = ["plan", "project_number", "kind", "user_name", "made_at"]
    list_filter = ["kind", "plan__award__partnership"]
    search_fields = ["user_name", "text", "project_title"]


@admin.register(CommentAnswer)
class CommentAnswerAdmin(ReadOnlyRecordAdmin):
    list_display = ["comment", "user_name", "answered_at"]
    search_fields = ["user_name", "text"]


@admin.register(SupportingDocument)
class SupportingDocumentAdmin(ReadOnlyRecordAdmin):
    """Checked and stored only by grants/services/attachments.py; downloaded only through the plan's own view (the
    stored file has no public address, so it is not shown as a link here)."""

    list_display = ["name", "plan", "project", "content_type", "size", "uploaded_by_name", "uploaded_at"]
    list_filter = ["plan__award__partnership"]
    search_fields = ["name", "description"]
    exclude = ["file"]

"""Administration of awards and plans for site administrators. The same model rules hold here as everywhere:
`full_clean()` runs on every form, and the inline formsets check totals across all their rows at once."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from import_export.admin import ImportExportModelAdmin

from grants.money import ZERO, format_money
from priorities.models import LocalPriority, Priority

from .models import (
    FundedProject,
    FundingStream,
    GrantAward,
    MatchFunding,
    OutcomeMeasure,
    RiskItem,
    SpendingPlan,
    SubItem,
    SubmissionDeadline,
)
from .resources import FundedProjectResource


def _live_forms(formset):
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class FundedProjectInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        total = sum((f.cleaned_data.get("amount_allocated") or ZERO for f in _live_forms(self)), Decimal("0"))
        if message := self.instance.allocation_error(total):
            raise ValidationError(message)


class SubItemInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        amount = self.instance.amount_allocated
        total = sum((f.cleaned_data.get("amount") or ZERO for f in _live_forms(self)), Decimal("0"))
        if amount is not None and total > amount:
            raise ValidationError(
                f"The sub-items add up to {format_money(total)}, {format_money(total - amount)} more than the "
                f"project's {format_money(amount)}."
            )


class FundedProjectInline(admin.TabularInline):
    model = FundedProject
    formset = FundedProjectInlineFormSet
    fields = ["number", "title", "amount_allocated", "provider", "contract_end_date"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["provider"]


class RiskItemInline(admin.StackedInline):
    model = RiskItem
    extra = 0
    fields = ["position", "theme", "initiative", "budget", "budget_note", "recommendation"]


class SubItemInline(admin.StackedInline):
    model = SubItem
    formset = SubItemInlineFormSet
    extra = 0


class OutcomeMeasureInline(admin.StackedInline):
    model = OutcomeMeasure
    extra = 0
    fields = [
        "position",
        "description",
        "sub_item",
        ("target_comparison", "target_value", "target_unit"),
        "frequency",
    ]


class MatchFundingInline(admin.TabularInline):
    model = MatchFunding
    extra = 0


class FundedProjectAdminForm(forms.ModelForm):
    class Meta:
        model = FundedProject
        fields = [
            "plan",
            "number",
            "title",
            "outline",
            "amount_allocated",
            "provider",
            "contract_value",
            "contract_end_date",
            "contract_notes",
            "thematic_group",
            "outcomes_summary",
            "pcc_priorities",
            "local_priorities",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan if self.instance.plan_id else None
        if plan is not None:
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
    list_filter = ["financial_year", "status", "funding_stream__kind", "funding_stream__force_area"]
    search_fields = ["partnership__name", "organisation__name", "reference", "purpose"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(SpendingPlan)
class SpendingPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "financial_year_display", "version", "status", "allocated_display"]
    list_filter = ["status", "award__financial_year", "award__partnership__force_area", "award__partnership"]
    search_fields = ["title", "award__partnership__name"]
    readonly_fields = ["created_at", "updated_at", "figures"]
    inlines = [FundedProjectInline, RiskItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures()

    @admin.display(description="Financial year", ordering="award__financial_year")
    def financial_year_display(self, plan):
        return plan.financial_year

    @admin.display(description="Allocated")
    def allocated_display(self, plan):
        return format_money(plan.allocated)

    @admin.display(description="Figures")
    def figures(self, plan):
        if plan.pk is None:
            return "-"
        return (
            f"Award {format_money(plan.award_amount)}; allocated {format_money(plan.allocated)}; "
            f"unallocated {format_money(plan.unallocated)}; match funding {format_money(plan.match_funding_total)}"
        )


@admin.register(FundedProject)
class FundedProjectAdmin(ImportExportModelAdmin):
    resource_classes = [FundedProjectResource]
    form = FundedProjectAdminForm
    list_display = ["__str__", "plan", "amount_allocated", "provider", "contract_end_date"]
    list_filter = ["plan__award__financial_year", "plan__award__partnership", "thematic_group"]
    search_fields = ["title", "outline", "provider__name"]
    autocomplete_fields = ["provider"]
    filter_horizontal = ["pcc_priorities", "local_priorities"]
    inlines = [SubItemInline, OutcomeMeasureInline, MatchFundingInline]


@admin.register(SubItem)
class SubItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "amount"]
    list_filter = ["project__plan__award__partnership"]
    search_fields = ["title", "description", "project__title"]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(admin.ModelAdmin):
    list_display = ["description", "project", "target_display", "frequency"]
    list_filter = ["frequency", "target_unit", "project__plan__award__partnership"]
    search_fields = ["description", "project__title"]


@admin.register(MatchFunding)
class MatchFundingAdmin(admin.ModelAdmin):
    list_display = ["source", "amount", "project"]
    list_filter = ["project__plan__award__partnership"]
    search_fields = ["source", "note", "project__title"]


@admin.register(RiskItem)
class RiskItemAdmin(admin.ModelAdmin):
    list_display = ["theme", "plan", "budget"]
    list_filter = ["plan__award__partnership"]
    search_fields = ["theme", "initiative", "recommendation"]


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(admin.ModelAdmin):
    list_display = ["force_area", "financial_year", "submit_by"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["force_area__name", "note"]

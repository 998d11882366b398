"""Administration of the OPCC's reference data and records: indicators (editable here), formula scenarios,
grant rounds and allocation tables (readable here; their figures are computed and checked by the services
behind the OPCC pages, so they are written there: a scenario's lines must sum to the pot, an approval must fit
the round's pot and creates the award, an allocation table must reconcile)."""

from django.contrib import admin

from grants.models import (
    AllocationTable,
    AwardYear,
    Claim,
    FormulaScenario,
    FundingReceived,
    FundingReceivedYear,
    GrantApplication,
    GrantAward,
    GrantRound,
    Indicator,
    IndicatorValue,
    Payment,
    ScenarioLine,
    ScenarioWeight,
)

from .plans import ReadOnlyRecordAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    autocomplete_fields = ["partnership"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "force_area"]
    list_filter = ["force_area"]
    search_fields = ["name", "description"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "partnership", "financial_year", "value"]
    list_filter = ["indicator__force_area", "indicator", "financial_year"]
    search_fields = ["partnership__name", "indicator__name"]
    autocomplete_fields = ["partnership"]


class ScenarioWeightInline(ReadOnlyInline):
    model = ScenarioWeight


class ScenarioLineInline(ReadOnlyInline):
    model = ScenarioLine


@admin.register(FormulaScenario)
class FormulaScenarioAdmin(ReadOnlyRecordAdmin):
    list_display = ["name", "force_area", "financial_year", "pot", "confirmed_at"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["name", "notes"]
    inlines = [ScenarioWeightInline, ScenarioLineInline]


@admin.register(ScenarioWeight)
class ScenarioWeightAdmin(ReadOnlyRecordAdmin):
    list_display = ["scenario", "indicator", "weight"]
    list_filter = ["scenario__force_area"]
    search_fields = ["scenario__name", "indicator__name"]


@admin.register(ScenarioLine)
class ScenarioLineAdmin(ReadOnlyRecordAdmin):
    list_display = ["scenario", "partnership", "previous_amount", "amount"]
    list_filter = ["scenario__force_area", "scenario"]
    search_fields = ["scenario__name", "partnership__name"]


class GrantApplicationInline(ReadOnlyInline):
    model = GrantApplication
    fields = ["organisation", "project_title", "amount_requested", "decision", "amount_awarded", "decided_on"]


@admin.register(GrantRound)
class GrantRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "force_area", "financial_year", "pot", "opens_on", "closes_on"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["name", "purpose"]
    inlines = [GrantApplicationInline]


@admin.register(GrantApplication)
class GrantApplicationAdmin(ReadOnlyRecordAdmin):
    list_display = ["project_title", "organisation", "grant_round", "amount_requested", "decision", "amount_awarded"]
    list_filter = ["decision", "grant_round__force_area", "grant_round"]
    search_fields = ["project_title", "organisation__name", "purpose"]


class AllocationAwardInline(ReadOnlyInline):
    model = GrantAward
    fields = ["partnership", "organisation", "amount", "status", "withdrawn_at"]
    readonly_fields = ["withdrawn_at"]


@admin.register(AllocationTable)
class AllocationTableAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "force_area", "funding_stream", "financial_year", "total", "withdrawn_at"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["title", "notes"]
    inlines = [AllocationAwardInline]


# Money in and the ledger: written on the OPCC's pages (which check the amounts per year add up, that a claim
# never passes what remains, and that a correction is a reversal plus a new entry), readable here.


class FundingReceivedYearInline(ReadOnlyInline):
    model = FundingReceivedYear


@admin.register(FundingReceived)
class FundingReceivedAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "funding_stream", "amount", "starts_on", "ends_on", "withdrawn_at"]
    list_filter = ["force_area", "funding_stream__kind"]
    search_fields = ["funder__name", "reference", "conditions"]
    inlines = [FundingReceivedYearInline]


@admin.register(FundingReceivedYear)
class FundingReceivedYearAdmin(ReadOnlyRecordAdmin):
    list_display = ["income", "financial_year", "amount"]
    list_filter = ["financial_year"]


@admin.register(AwardYear)
class AwardYearAdmin(ReadOnlyRecordAdmin):
    list_display = ["award", "financial_year", "amount"]
    list_filter = ["financial_year"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "award", "amount", "status", "amount_approved", "entered_by", "decided_by"]
    list_filter = ["status", "award__funding_stream__force_area"]
    search_fields = ["description", "award__organisation__name", "award__partnership__name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "award", "amount", "paid_on", "reference", "reverses"]
    list_filter = ["award__funding_stream__force_area"]
    search_fields = ["reference", "award__organisation__name", "award__partnership__name"]

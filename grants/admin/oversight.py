"""Administration of the OPCC's reference data and records: indicators (editable here), formula scenarios,
grant rounds and allocation tables (readable here; their figures are computed and checked by the services
behind the OPCC pages, so they are written there: a scenario's lines must sum to the pot, an approval must fit
the round's pot and creates the award, an allocation table must reconcile)."""

from django.contrib import admin

from grants.models import (
    AllocationLine,
    AllocationTable,
    FormulaScenario,
    GrantApplication,
    GrantRound,
    Indicator,
    IndicatorValue,
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


class AllocationLineInline(ReadOnlyInline):
    model = AllocationLine


@admin.register(AllocationTable)
class AllocationTableAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "force_area", "funding_stream", "financial_year", "total"]
    list_filter = ["force_area", "financial_year"]
    search_fields = ["title", "notes"]
    inlines = [AllocationLineInline]


@admin.register(AllocationLine)
class AllocationLineAdmin(ReadOnlyRecordAdmin):
    list_display = ["recipient", "table", "amount"]
    list_filter = ["table__force_area", "table"]
    search_fields = ["recipient__name", "table__title"]

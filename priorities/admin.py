from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment
from .resources import LocalPriorityResource, PoliceAndCrimePlanResource, PriorityResource


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0


class LocalPriorityInline(admin.TabularInline):
    model = LocalPriority
    extra = 0
    fields = ["position", "title", "risk_level", "thematic_group", "notes"]


@admin.register(PoliceAndCrimePlan)
class PoliceAndCrimePlanAdmin(ImportExportModelAdmin):
    resource_classes = [PoliceAndCrimePlanResource]
    list_display = ["title", "force_area", "starts_on", "ends_on"]
    list_filter = ["force_area"]
    search_fields = ["title", "force_area__name"]
    inlines = [PriorityInline]


@admin.register(Priority)
class PriorityAdmin(ImportExportModelAdmin):
    resource_classes = [PriorityResource]
    list_display = ["number", "title", "plan"]
    list_filter = ["plan__force_area", "plan"]
    search_fields = ["title", "plan__title"]


@admin.register(StrategicAssessment)
class StrategicAssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "financial_year", "method"]
    list_filter = ["partnership__force_area", "partnership", "financial_year"]
    search_fields = ["title", "partnership__name"]
    inlines = [LocalPriorityInline]


@admin.register(LocalPriority)
class LocalPriorityAdmin(ImportExportModelAdmin):
    resource_classes = [LocalPriorityResource]
    list_display = ["title", "risk_level", "assessment", "thematic_group"]
    list_filter = ["risk_level", "assessment__partnership", "assessment__financial_year"]
    search_fields = ["title", "assessment__title"]

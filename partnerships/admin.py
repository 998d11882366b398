from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from import_export.admin import ImportExportModelAdmin

from .models import ForceArea, Organisation, Partnership, Role, ThematicGroup, User
from .resources import ForceAreaResource, OrganisationResource, PartnershipResource


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["partnership", "force_area"]


class PartnershipRoleInline(admin.TabularInline):
    model = Role
    fk_name = "partnership"
    fields = ["user", "kind"]
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "member"


class ForceAreaRoleInline(admin.TabularInline):
    model = Role
    fk_name = "force_area"
    fields = ["user", "kind"]
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "OPCC member"


class ThematicGroupInline(admin.TabularInline):
    model = ThematicGroup
    fk_name = "partnership"
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "roles__kind"]
    fieldsets = DjangoUserAdmin.fieldsets + (("Job", {"fields": ["job_title"]}),)


@admin.register(ForceArea)
class ForceAreaAdmin(ImportExportModelAdmin):
    resource_classes = [ForceAreaResource]
    list_display = ["name", "pcc_name", "ons_code"]
    search_fields = ["name", "pcc_name", "opcc_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ForceAreaRoleInline]


@admin.register(Partnership)
class PartnershipAdmin(ImportExportModelAdmin):
    resource_classes = [PartnershipResource]
    list_display = ["name", "force_area", "local_authority", "has_executive_group"]
    list_filter = ["force_area", "has_executive_group"]
    search_fields = ["name", "local_authority"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["accountable_body"]
    inlines = [ThematicGroupInline, PartnershipRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "kind", "charity_number", "company_number", "local_authority_code"]
    list_filter = ["kind"]
    search_fields = ["name", "charity_number", "company_number"]


@admin.register(ThematicGroup)
class ThematicGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "reports_to"]
    list_filter = ["partnership"]
    search_fields = ["name", "partnership__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "partnership", "force_area"]
    list_filter = ["kind", "partnership", "force_area"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "partnership", "force_area"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from import_export.admin import ImportExportModelAdmin

from .models import ForceArea, FunderBody, Invitation, Organisation, Partnership, Role, ThematicGroup, User
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


class FunderBodyInline(admin.StackedInline):
    """The area's funder bodies, one per period. Changing body is a new period from a date (the OPCC
    administrator does it on the area's set-up pages); the site administrator sets up a new area's first one."""

    model = FunderBody
    extra = 0
    fields = [
        "kind",
        "name",
        "org_id",
        ("holder_name", "holder_title"),
        ("decision_maker_title", "finance_officer_title"),
        ("starts_on", "ends_on"),
    ]


@admin.register(ForceArea)
class ForceAreaAdmin(ImportExportModelAdmin):
    resource_classes = [ForceAreaResource]
    list_display = ["name", "funder_in_force", "ons_code"]
    search_fields = ["name", "funder_bodies__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FunderBodyInline, ForceAreaRoleInline]

    @admin.display(description="Funder body in force")
    def funder_in_force(self, area: ForceArea) -> str:
        return area.funder.name


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """How the site administrator invites the first OPCC administrator of a new force area: the e-mail is sent
    by the same service as the OPCC's own invitations."""

    list_display = ["email", "kind", "force_area", "partnership", "created_at", "state_display"]
    list_filter = ["kind", "force_area"]
    search_fields = ["email"]
    fields = ["email", "kind", "force_area", "partnership"]
    autocomplete_fields = ["force_area", "partnership"]

    @admin.display(description="State")
    def state_display(self, invitation: Invitation) -> str:
        return invitation.get_state_display()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from .services import invitation_create

        created = invitation_create(
            by=request.user,
            email=obj.email,
            kind=obj.kind,
            force_area=obj.force_area,
            partnership=obj.partnership,
        )
        obj.pk = created.pk


@admin.register(Partnership)
class PartnershipAdmin(ImportExportModelAdmin):
    resource_classes = [PartnershipResource]
    list_display = ["name", "force_area", "local_authority", "has_executive_group"]
    list_filter = ["force_area", "has_executive_group"]
    search_fields = ["name", "local_authorities__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["accountable_body", "local_authorities"]
    inlines = [ThematicGroupInline, PartnershipRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "kind", "charity_number", "company_number", "local_authority_code", "ons_code"]
    list_filter = ["kind"]
    search_fields = ["name", "charity_number", "company_number", "local_authority_code", "ons_code"]


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

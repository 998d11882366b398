from django.contrib import admin

from .models import RefusedRequest, SignInEvent


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The site administrator's view of every sign-in, sign-out and refused attempt. Records are never edited or
    deleted by hand: `manage.py apply_retention` removes them after the retention period."""

    list_display = ["at", "kind", "username", "user", "ip_address", "method"]
    list_filter = ["kind", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["username", "ip_address", "user__first_name", "user__last_name"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = ["at", "kind", "username", "user", "ip_address", "user_agent", "method"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RefusedRequest)
class RefusedRequestAdmin(admin.ModelAdmin):
    """The site administrator's view of every refused request (403, and 404 to someone signed in), to spot someone
    probing other partnerships' or areas' records. Never edited or deleted by hand: the retention job removes them
    after REFUSED_REQUESTS_RETENTION_DAYS."""

    list_display = ["at", "status", "method", "path", "user", "ip_address"]
    list_filter = ["status", "method", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["path", "ip_address", "user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = ["at", "status", "method", "path", "user", "ip_address"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import SignInEvent


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

"""Pages that belong to the service rather than to a domain app: the accessibility statement, the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView


class AccessibilityStatementView(TemplateView):
    template_name = "accessibility.html"


@login_not_required
@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the app and its database answer, 503 otherwise. The JSON says
    what was checked. Never cached, never redirected to HTTPS (SECURE_REDIRECT_EXEMPT), no sign-in."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

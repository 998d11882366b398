from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from grants.views.plans import HomeView
from partnerships.views import InvitationAcceptView

from .views import AccessibilityStatementView, health

admin.site.site_header = "Community safety grants: administration"
admin.site.site_title = "Community safety grants admin"
admin.site.index_title = "Reference data, awards and plans"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("partnerships.accounts.urls")),
    path(
        "accessibility/",
        login_not_required(AccessibilityStatementView.as_view()),
        name="accessibility",
    ),
    path("healthz/", health, name="health"),
    path("invitations/<int:pk>/<str:token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path("", include("grants.urls")),
    path("admin/", admin.site.urls),
]

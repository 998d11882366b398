from django.urls import path

from .views import plans

app_name = "grants"

urlpatterns = [
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
]

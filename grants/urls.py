from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
]

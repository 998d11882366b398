from django.urls import path

from .views import plans, workflow

app_name = "grants"

urlpatterns = [
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/decide/<slug:action>/", workflow.PlanDecisionView.as_view(), name="plan-decide"),
    path("plans/<int:pk>/declare-interest/", workflow.DeclareInterestView.as_view(), name="plan-declare-interest"),
    path("plans/<int:pk>/vary/", workflow.PlanVaryView.as_view(), name="plan-vary"),
    path(
        "plans/<int:pk>/decision-notice.<str:fmt>",
        workflow.DecisionNoticeView.as_view(),
        name="plan-decision-notice",
    ),
]

from django.urls import path

from .views import governance, plans, workflow

app_name = "grants"

urlpatterns = [
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/decide/<slug:action>/", workflow.PlanDecisionView.as_view(), name="plan-decide"),
    path("plans/<int:pk>/declare-interest/", workflow.DeclareInterestView.as_view(), name="plan-declare-interest"),
    path("plans/<int:pk>/vary/", workflow.PlanVaryView.as_view(), name="plan-vary"),
    path(
        "force-areas/<slug:slug>/variation-threshold/",
        governance.VariationThresholdView.as_view(),
        name="variation-threshold",
    ),
    path(
        "partnerships/<slug:slug>/minor-variations/",
        governance.MinorVariationPathView.as_view(),
        name="minor-variation-path",
    ),
    path(
        "plans/<int:pk>/decision-notice.<str:fmt>",
        workflow.DecisionNoticeView.as_view(),
        name="plan-decision-notice",
    ),
]

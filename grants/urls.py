from django.urls import path

from .views import downloads, editing, history, importing, plans, starting

app_name = "grants"

urlpatterns = [
    path("plans/start/", starting.StartPlanView.as_view(), name="plan-start"),
    path("plans/start/<int:award_pk>/", starting.StartPlanForAwardView.as_view(), name="plan-start-award"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "plans/<int:pk>/download/<slug:what>.<str:extension>",
        downloads.PlanDownloadView.as_view(),
        name="plan-download",
    ),
    path("plans/<int:pk>/history/", history.PlanHistoryView.as_view(), name="plan-history"),
    path("plans/<int:pk>/edit/", editing.PlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/edit/details/", editing.PlanDetailsView.as_view(), name="plan-edit-details"),
    path("plans/<int:pk>/edit/projects/", editing.ProjectsEditView.as_view(), name="plan-edit-projects"),
    path("plans/<int:pk>/edit/projects/add/", editing.ProjectEditView.as_view(), name="project-add"),
    path("plans/<int:pk>/edit/projects/<int:project_pk>/", editing.ProjectEditView.as_view(), name="project-edit"),
    path(
        "plans/<int:pk>/edit/projects/<int:project_pk>/remove/",
        editing.ProjectRemoveView.as_view(),
        name="project-remove",
    ),
    path("plans/<int:pk>/edit/projects/<int:project_pk>/move/", editing.ProjectMoveView.as_view(), name="project-move"),
    path("plans/<int:pk>/edit/risks/", editing.RisksEditView.as_view(), name="plan-edit-risks"),
    path("plans/<int:pk>/edit/import/", importing.ImportUploadView.as_view(), name="plan-import"),
    path("plans/<int:pk>/edit/import/check/", importing.ImportPreviewView.as_view(), name="plan-import-preview"),
    path("plans/<int:pk>/edit/check/", editing.CheckPlanView.as_view(), name="plan-check"),
]

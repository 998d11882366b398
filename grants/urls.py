from django.urls import path, register_converter

from .converters import DownloadFormatConverter, FinancialYearConverter
from .views import (
    allocations,
    award_returns,
    awards,
    certification,
    corrections,
    documents,
    downloads,
    editing,
    funding,
    governance,
    history,
    importing,
    money,
    oversight,
    plans,
    public,
    reports,
    returns,
    rounds,
    scrutiny,
    sections,
    setup,
    starting,
    workflow,
    year_end,
)

register_converter(FinancialYearConverter, "fy")
register_converter(DownloadFormatConverter, "fmt")

app_name = "grants"

area = "oversight/<slug:area>"

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
    path("plans/<int:pk>/audit-trail.csv", history.PlanAuditTrailView.as_view(), name="plan-audit-trail"),
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
    path("plans/<int:pk>/edit/documents/", documents.DocumentsEditView.as_view(), name="plan-edit-documents"),
    path(
        "plans/<int:pk>/edit/documents/<int:document_pk>/remove/",
        documents.DocumentRemoveView.as_view(),
        name="document-remove",
    ),
    # Supporting documents are downloaded only here, after checking the user may see the plan.
    path(
        "plans/<int:pk>/documents/<int:document_pk>/",
        documents.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    path("plans/<int:pk>/projects/<int:project_pk>/comment/", scrutiny.CommentAddView.as_view(), name="plan-comment"),
    path(
        "plans/<int:pk>/comments/<int:comment_pk>/answer/", scrutiny.CommentAnswerView.as_view(), name="comment-answer"
    ),
    # OPCC oversight: force-area staff only (grants.oversee_force_area)
    path("oversight/", oversight.oversight_home, name="oversight-home"),
    path(f"{area}/", oversight.DashboardView.as_view(), name="oversight-dashboard"),
    path(f"{area}/awards/", awards.awards_home, name="awards-home"),
    path(f"{area}/awards/<fy:year>/", awards.AwardsView.as_view(), name="awards"),
    path(f"{area}/awards/<fy:year>/indicators/", awards.IndicatorsImportView.as_view(), name="indicators-import"),
    path(f"{area}/awards/<fy:year>/scenarios/new/", awards.ScenarioCreateView.as_view(), name="scenario-new"),
    path(f"{area}/awards/<fy:year>/scenarios/compare/", awards.ScenarioCompareView.as_view(), name="scenario-compare"),
    path(f"{area}/awards/<fy:year>/scenarios/<int:pk>/", awards.ScenarioView.as_view(), name="scenario"),
    path(f"{area}/rounds/", rounds.RoundsView.as_view(), name="rounds"),
    path(f"{area}/rounds/new/", rounds.RoundCreateView.as_view(), name="round-new"),
    path(f"{area}/rounds/<int:pk>/", rounds.RoundView.as_view(), name="round"),
    path(f"{area}/rounds/<int:pk>/applications/new/", rounds.ApplicationCreateView.as_view(), name="application-new"),
    path(
        f"{area}/rounds/<int:pk>/applications/<int:application>/decision/",
        rounds.DecisionView.as_view(),
        name="application-decision",
    ),
    path(f"{area}/rounds/<int:pk>/change/", corrections.RoundCorrectView.as_view(), name="round-change"),
    path(
        f"{area}/rounds/<int:pk>/applications/<int:application>/change/",
        corrections.ApplicationCorrectView.as_view(),
        name="application-change",
    ),
    path(
        f"{area}/rounds/<int:pk>/applications/<int:application>/decision/correct/",
        corrections.DecisionCorrectView.as_view(),
        name="application-decision-correct",
    ),
    # Money in and out: funding streams, funding received, grants and their claims and payments, allocations
    path(f"{area}/funding/", funding.FundingView.as_view(), name="funding"),
    path(f"{area}/funding/new/", funding.StreamCreateView.as_view(), name="stream-new"),
    path(f"{area}/funding/<int:pk>/", funding.StreamView.as_view(), name="stream"),
    path(f"{area}/funding/<int:pk>/change/", corrections.StreamCorrectView.as_view(), name="stream-change"),
    path(f"{area}/funding/<int:pk>/awards/new/", money.StreamAwardCreateView.as_view(), name="stream-award-new"),
    path(f"{area}/income/new/", money.IncomeCreateView.as_view(), name="income-new"),
    path(f"{area}/income/<int:pk>/", money.IncomeView.as_view(), name="income"),
    path(f"{area}/income/<int:pk>/change/", money.IncomeCorrectView.as_view(), name="income-change"),
    path(f"{area}/grants/<int:pk>/", money.AwardView.as_view(), name="award"),
    path(f"{area}/grants/<int:pk>/reports/", award_returns.AwardReportingView.as_view(), name="award-reporting"),
    path(f"{area}/grants/<int:pk>/change/", money.AwardCorrectView.as_view(), name="award-change"),
    path(f"{area}/grants/<int:pk>/claims/new/", money.ClaimCreateView.as_view(), name="claim-new"),
    path(f"{area}/grants/<int:pk>/claims/<int:claim>/", money.ClaimDecideView.as_view(), name="claim"),
    path(
        f"{area}/grants/<int:pk>/claims/<int:claim>/evidence/",
        money.ClaimEvidenceView.as_view(),
        name="claim-evidence",
    ),
    path(f"{area}/grants/<int:pk>/payments/new/", money.PaymentCreateView.as_view(), name="payment-new"),
    path(
        f"{area}/grants/<int:pk>/payments/<int:payment>/reverse/",
        money.PaymentReverseView.as_view(),
        name="payment-reverse",
    ),
    path(f"{area}/allocations/new/", allocations.AllocationCreateView.as_view(), name="allocation-new"),
    path(f"{area}/allocations/<int:pk>/", allocations.AllocationView.as_view(), name="allocation"),
    path(f"{area}/allocations/<int:pk>/change/", allocations.AllocationCorrectView.as_view(), name="allocation-change"),
    path(f"{area}/allocations/<int:pk>/import/", allocations.AllocationImportView.as_view(), name="allocation-import"),
    path(f"{area}/<slug:kind>/<int:pk>/history/", corrections.HistoryView.as_view(), name="record-history"),
    path(f"{area}/<slug:kind>/<int:pk>/withdraw/", corrections.WithdrawView.as_view(), name="record-withdraw"),
    path(f"{area}/reports/", reports.ReportsView.as_view(), name="reports"),
    path(f"{area}/reports/panel/<fy:year>/", reports.PanelReportView.as_view(), name="panel-report"),
    path(f"{area}/reports/360giving.<fmt:fmt>", reports.ThreeSixtyDownloadView.as_view(), name="threesixty"),
    # Setting up the force area: its OPCC administrators only (partnerships.set_up_force_area)
    path(f"{area}/set-up/", setup.SetUpView.as_view(), name="set-up"),
    path(f"{area}/set-up/funder/", setup.FunderView.as_view(), name="set-up-funder"),
    path(f"{area}/set-up/funder/correct/", setup.FunderFormView.as_view(), name="set-up-funder-correct"),
    path(f"{area}/set-up/funder/change/", setup.FunderFormView.as_view(change=True), name="set-up-funder-change"),
    path(f"{area}/set-up/sign-off/", setup.SignOffOrderView.as_view(), name="set-up-approval"),
    path(f"{area}/set-up/plans/", setup.PlansView.as_view(), name="set-up-plans"),
    path(f"{area}/set-up/plans/new/", setup.PlanFormView.as_view(), name="set-up-plan-new"),
    path(f"{area}/set-up/plans/<int:pk>/", setup.PlanFormView.as_view(), name="set-up-plan"),
    path(f"{area}/set-up/partnerships/", setup.PartnershipsView.as_view(), name="set-up-partnerships"),
    path(f"{area}/set-up/partnerships/new/", setup.PartnershipFormView.as_view(), name="set-up-partnership-new"),
    path(f"{area}/set-up/partnerships/<int:pk>/", setup.PartnershipFormView.as_view(), name="set-up-partnership"),
    path(f"{area}/set-up/councils/new/", setup.CouncilCreateView.as_view(), name="set-up-council-new"),
    path(f"{area}/set-up/funding/", setup.StreamSetUpView.as_view(), name="set-up-funding"),
    path(f"{area}/set-up/people/", setup.PeopleView.as_view(), name="set-up-people"),
    path(
        f"{area}/set-up/people/invitations/<int:pk>/resend/",
        setup.InvitationActionView.as_view(action="resend"),
        name="set-up-invitation-resend",
    ),
    path(
        f"{area}/set-up/people/invitations/<int:pk>/withdraw/",
        setup.InvitationActionView.as_view(action="withdraw"),
        name="set-up-invitation-withdraw",
    ),
    path(f"{area}/set-up/people/roles/<int:pk>/remove/", setup.RoleRemoveView.as_view(), name="set-up-role-remove"),
    # Public: no sign-in
    path("published/", public.PublishedIndexView.as_view(), name="published-index"),
    path("published/<slug:area>/", public.PublishedGrantsView.as_view(), name="published"),
    path("published/<slug:area>/360giving.<fmt:fmt>", public.published_threesixty, name="published-360"),
    path("published/360giving.json", public.published_threesixty_everything, name="published-360-all"),
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
    # Performance returns after the sign-off (issue 11)
    path("grants/<int:award_pk>/returns/", returns.ReturnsView.as_view(), name="returns"),
    path(
        "grants/<int:award_pk>/returns/delegation/",
        certification.DelegationView.as_view(),
        name="certification-delegation",
    ),
    path("delegations/<int:pk>/revoke/", certification.RevokeView.as_view(), name="certification-revoke"),
    path("returns/<int:pk>/", returns.ReturnView.as_view(), name="return"),
    path("returns/<int:pk>/edit/", returns.ReturnEditView.as_view(), name="return-edit"),
    path("returns/<int:pk>/<slug:action>/", returns.ReturnActView.as_view(), name="return-act"),
    path(f"{area}/reporting/", returns.ReportingRulesView.as_view(), name="reporting-rules"),
    path(
        "grants/<int:award_pk>/returns/<int:number>/pack/",
        returns.PerformancePackView.as_view(),
        name="performance-pack",
    ),
    path(
        "grants/<int:award_pk>/returns/<int:number>/pack.pdf",
        returns.PerformancePackView.as_view(pdf=True),
        name="performance-pack-pdf",
    ),
    path(
        "grants/<int:award_pk>/returns/<int:number>/pack.docx",
        returns.PerformancePackView.as_view(docx=True),
        name="performance-pack-docx",
    ),
    # The board paper's narrative sections (issue 9): the partnership's text, and which sections the OPCC asks for.
    path("plans/<int:pk>/edit/sections/", sections.PlanSectionsView.as_view(), name="plan-edit-sections"),
    path(
        "force-areas/<slug:slug>/paper-sections/",
        sections.AreaPaperSectionsView.as_view(),
        name="paper-sections",
    ),
    # Year end (issue 11): outturn, underspend returned or carried forward into next year's award.
    path(f"{area}/year-end/<fy:year>/", year_end.YearEndListView.as_view(), name="year-end"),
    path(f"{area}/year-end/grants/<int:pk>/propose/", year_end.YearEndProposeView.as_view(), name="year-end-propose"),
    path(f"{area}/year-end/grants/<int:pk>/approve/", year_end.YearEndApproveView.as_view(), name="year-end-approve"),
    path(
        f"{area}/year-end/grants/<int:pk>/withdraw/", year_end.YearEndWithdrawView.as_view(), name="year-end-withdraw"
    ),
]

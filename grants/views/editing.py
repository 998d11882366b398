"""The plan editor: a page listing the plan's parts, then a page per part (details, each funded project, risks),
reordering and removing lines, and "check the plan". Thin: parse the forms, call grants/services/editing.py,
redirect or show the page again with the errors beside their fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from grants.checks import contract_end_message, plan_checks, whole_plan_checks
from grants.figures.plans import plan_priority_figures
from grants.forms.editing import (
    PlanDetailsForm,
    ProjectForm,
    project_formsets,
    project_input,
    risk_formset,
    risk_inputs,
)
from grants.fragments import editor_lines
from grants.kept_pages import KeptPage
from grants.models import SpendingPlan
from grants.models.plans import SUB_ITEMS_DIFFER, SUB_ITEMS_MATCH
from grants.money import ZERO
from grants.selectors import project_page_figures
from grants.services.editing import plan_details_update, project_move, project_remove, project_save, risks_save
from grants.services.history import PlanChangedSinceOpened, plan_changes_since

from .helpers import PlanEditMixin, apply_service_errors, error_items, hide_errors, with_added_row


def _editor_url(plan, anchor: str = "", page: str = "grants:plan-edit") -> str:
    return reverse(page, args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def _projects_url(plan, anchor: str = "") -> str:
    return _editor_url(plan, anchor, "grants:plan-edit-projects")


class EditorPage(PlanEditMixin, TemplateView):
    """Shared context: the plan (with its revision as the page opened it) and, after a refused save, what
    changed since."""

    conflict = None
    nav_section = "plans"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan,
            revision=self.plan.revision,
            conflict=self.conflict,
            nav_section=self.nav_section,
            **kwargs,
        )

    def refused_as_stale(self, error: PlanChangedSinceOpened):
        """Someone saved since the page was opened: say what changed, keep what this officer typed, and let
        them save it again knowingly (the page now carries the new revision)."""
        self.plan = (
            SpendingPlan.objects.with_figures()
            .select_related("award__partnership__force_area__paper_sections")
            .get(pk=self.plan.pk)
        )
        self.conflict = plan_changes_since(plan=self.plan, revision=error.opened_revision)
        self.conflict.only_you = all(save.who == self.request.user for save in self.conflict.saves)


class PlanEditView(KeptPage, EditorPage):
    """The hub of the editor: figures, the parts of the plan and what to check. The lines' checks are kept under
    the plan's content stamp (`grants.fragments.editor_lines`): the lines and their related sets are not read
    while the content has not changed. The officer comes back to the hub between the parts they open, most often
    without saving anything, so the page is kept (grants/kept_pages.py) while its queries answer the same; a save
    changes the plan's revision and content stamp, which they read, and the hub after a save carries a message,
    so it is made afresh."""

    template_name = "grants/edit/plan.html"

    def get_context_data(self, **kwargs):
        plan = (
            SpendingPlan.objects.with_figures()
            .select_related("award__partnership__force_area__paper_sections")
            .get(pk=self.plan.pk)
        )
        self.plan = plan
        lines = editor_lines(plan)
        risks = list(plan.risks.all())
        checks = whole_plan_checks(
            plan, line_count=lines.count, lines_checked=lines.checks, lines_by_id=lines.by_line_id, risks=risks
        )
        return super().get_context_data(
            line_count=lines.count,
            risks=risks,
            checks=checks,
            project_checks=[check for check in checks if check.project is not None],
            section_checks=[check for check in checks if check.part == "sections"],
            priorities=plan_priority_figures(plan),
            **kwargs,
        )


class ProjectsEditView(EditorPage):
    """The plan's funded projects, with change, move up, move down and remove for each."""

    template_name = "grants/edit/projects.html"

    def get_context_data(self, **kwargs):
        plan = SpendingPlan.objects.with_figures().select_related("award__partnership").get(pk=self.plan.pk)
        self.plan = plan
        projects = list(plan.projects.for_plan_page())
        for project in projects:
            project.contract_flag = contract_end_message(project, plan.financial_year)
        return super().get_context_data(projects=projects, **kwargs)


class PlanDetailsView(EditorPage):
    template_name = "grants/edit/details.html"

    def get(self, request, *args, **kwargs):
        form = PlanDetailsForm(initial=PlanDetailsForm.initial_for(self.plan))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PlanDetailsForm(request.POST)
        if form.is_valid():
            try:
                plan_details_update(
                    plan=self.plan, by=request.user, expected_revision=self.posted_revision(), **form.cleaned_data
                )
            except PlanChangedSinceOpened as error:
                self.refused_as_stale(error)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, "The plan's details have been saved.")
                return redirect(_editor_url(self.plan))
        return self.render_to_response(self.get_context_data(form=form, errors=error_items(form)))


class ProjectEditView(EditorPage):
    """One funded project with its outcome measures, sub-items and match funding, saved all at once."""

    template_name = "grants/edit/project.html"

    def get_project(self):
        if "project_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.plan.projects.for_plan_page(), pk=self.kwargs["project_pk"])

    def get(self, request, *args, **kwargs):
        project = self.get_project()
        form = ProjectForm(plan=self.plan, initial=ProjectForm.initial_for(project) if project else None)
        formsets = project_formsets(project=project, new=project is None)
        return self.render_page(project, form, formsets)

    def post(self, request, *args, **kwargs):
        project = self.get_project()
        data = request.POST
        adding_row = data.get("add")
        if adding_row in ("measures", "sub_items", "match_funding"):
            data = with_added_row(data, adding_row)
        form = ProjectForm(data, plan=self.plan)
        unfinished = "save_unfinished" in data  # "Save and finish later": the amount may wait
        if unfinished:
            form.fields["amount_allocated"].required = False
        formsets = project_formsets(data)
        if adding_row in formsets:
            hide_errors(form, *formsets.values())
            added = formsets[adding_row].total_form_count() - 1
            return self.render_page(project, form, formsets, focus=f"{adding_row}-{added}")
        valid = [form.is_valid()] + [formset.is_valid() for formset in formsets.values()]
        if all(valid):
            try:
                saved = project_save(
                    plan=self.plan,
                    project=project,
                    data=project_input(form, formsets, unfinished=unfinished),
                    by=request.user,
                    expected_revision=self.posted_revision(),
                )
            except PlanChangedSinceOpened as error:
                self.refused_as_stale(error)
            except ValidationError as error:
                apply_service_errors(error, form, formsets)
            else:
                verb = "added" if project is None else "saved"
                if unfinished:
                    verb += " as not finished: it is listed on “Check the plan” until you finish it"
                messages.success(request, f"Funded project {saved.number}, {saved.title}, has been {verb}.")
                return redirect(_projects_url(self.plan, f"project-{saved.number}"))
        return self.render_page(project, form, formsets, errors=error_items(form, *formsets.values()))

    def render_page(self, project, form, formsets, errors=None, focus=""):
        figures = project_page_figures(self.plan, project)
        amount = _form_amount(form, "amount_allocated", project.amount_allocated if project else None)
        match = sum(
            (
                _form_amount(f, "amount", None) or ZERO
                for f in formsets["match_funding"].forms
                if not (formsets["match_funding"].is_bound and f.data.get(f.add_prefix("DELETE")))
            ),
            ZERO,
        )
        chosen = (
            form.data.getlist("pcc_priorities")
            if form.is_bound
            else [p.pk for p in project.pcc_priorities.all()]
            if project
            else []
        )
        notes = [n for n in self.plan.roll_forward_notes if project and n.get("line_id") == str(project.line_id)]
        return self.render_to_response(
            self.get_context_data(
                project=project,
                form=form,
                formsets=formsets,
                errors=errors or [],
                figures=figures.with_form(amount, match, chosen),
                roll_forward_notes=notes,
                focus=focus,
                sub_items_words={"match": SUB_ITEMS_MATCH, "differ": SUB_ITEMS_DIFFER},
            )
        )


def _form_amount(form, name, fallback):
    """The amount typed in a form, read as the server reads it; `fallback` when it is blank or not an amount."""
    if not form.is_bound:
        return form.initial.get(name, fallback) if form.initial else fallback
    raw = form.data.get(form.add_prefix(name), "")
    try:
        return form.fields[name].clean(raw)
    except ValidationError:
        return fallback


class ProjectRemoveView(EditorPage):
    """Removing a line asks first: what it is and how much it frees."""

    template_name = "grants/edit/remove.html"

    def get_context_data(self, **kwargs):
        project = get_object_or_404(self.plan.projects, pk=self.kwargs["project_pk"])
        return super().get_context_data(project=project, **kwargs)

    def post(self, request, *args, **kwargs):
        project = get_object_or_404(self.plan.projects, pk=self.kwargs["project_pk"])
        try:
            project_remove(plan=self.plan, project=project, by=request.user, expected_revision=self.posted_revision())
        except PlanChangedSinceOpened as error:
            self.refused_as_stale(error)
            return self.render_to_response(self.get_context_data())
        messages.success(request, f"Funded project {project.number}, {project.title}, has been removed.")
        return redirect(_projects_url(self.plan, "funded-projects"))


class ProjectMoveView(EditorPage):
    """Move up / move down on the editor's list of funded projects (a form per button; no script needed)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        project = get_object_or_404(self.plan.projects, pk=self.kwargs["project_pk"])
        try:
            to_number = int(request.POST.get("to", ""))
        except ValueError:
            return redirect(_projects_url(self.plan, "funded-projects"))
        try:
            moved = project_move(
                plan=self.plan,
                project=project,
                to_number=to_number,
                by=request.user,
                expected_revision=self.posted_revision(),
            )
        except PlanChangedSinceOpened:
            messages.error(
                request,
                "Someone else saved this plan after you opened it, so the line was not moved. Check the list below "
                "and try again.",
            )
            return redirect(_projects_url(self.plan, "funded-projects"))
        messages.success(request, f"{moved.title} is now line {moved.number}.")
        return redirect(_projects_url(self.plan, f"project-{moved.number}"))


class RisksEditView(EditorPage):
    template_name = "grants/edit/risks.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(formset=risk_formset(plan=self.plan)))

    def post(self, request, *args, **kwargs):
        data = request.POST
        if data.get("add") == "risks":
            formset = risk_formset(with_added_row(data, "risks"))
            hide_errors(formset)
            return self.render_to_response(
                self.get_context_data(formset=formset, focus=f"risks-{formset.total_form_count() - 1}")
            )
        formset = risk_formset(data)
        if formset.is_valid():
            try:
                risks_save(
                    plan=self.plan,
                    risks=risk_inputs(formset),
                    by=request.user,
                    expected_revision=self.posted_revision(),
                )
            except PlanChangedSinceOpened as error:
                self.refused_as_stale(error)
            except ValidationError as error:
                apply_service_errors(error, None, {"risks": formset})
            else:
                messages.success(request, "The risks and watch items have been saved.")
                return redirect(_editor_url(self.plan))
        return self.render_to_response(self.get_context_data(formset=formset, errors=error_items(formset)))


class CheckPlanView(EditorPage):
    """ "Check your answers" for the whole plan, with anything that needs attention first."""

    template_name = "grants/edit/check.html"

    def get_context_data(self, **kwargs):
        plan = (
            SpendingPlan.objects.with_figures()
            .select_related("award__partnership__force_area__paper_sections")
            .get(pk=self.plan.pk)
        )
        self.plan = plan
        projects = list(plan.projects.for_plan_page())
        risks = list(plan.risks.all())
        return super().get_context_data(
            projects=projects,
            risks=risks,
            checks=plan_checks(plan, projects, risks),
            priorities=plan_priority_figures(plan),
            **kwargs,
        )

"""The board paper's sections: the editor's page for the partnership's text, and the OPCC's page choosing which
sections its area asks for. Thin: the services write (grants/services/plan_content.py through
grants/services/editing.py, and grants/services/governance.py)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView

from grants.forms.sections import AreaPaperSectionsForm, PlanSectionsForm
from grants.models import AreaPaperSections
from grants.services.editing import sections_save
from grants.services.governance import paper_sections_set
from grants.services.history import PlanChangedSinceOpened
from partnerships.models import ForceArea

from .editing import EditorPage
from .helpers import apply_service_errors, error_items


def section_kinds(plan) -> list[str]:
    """The sections the plan's area asks for, and any others the plan has text for, in the paper's order."""
    asked = AreaPaperSections.asked_for(plan.partnership.force_area)
    written = {section.kind for section in plan.sections.all()}
    from grants.models import PaperSection

    return [kind for kind in PaperSection.values if kind in asked or kind in written]


class PlanSectionsView(EditorPage):
    """The headed sections of the board paper (Background, Context, …), one text box each, saved together."""

    template_name = "grants/edit/sections.html"

    def form(self, data=None) -> PlanSectionsForm:
        kinds = section_kinds(self.plan)
        initial = {section.kind: section.text for section in self.plan.sections.all()}
        return PlanSectionsForm(data, kinds=kinds, initial=initial)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                sections_save(
                    plan=self.plan,
                    sections=form.cleaned_data,
                    by=request.user,
                    expected_revision=self.posted_revision(),
                )
            except PlanChangedSinceOpened as error:
                self.refused_as_stale(error)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, "The sections of the board paper have been saved.")
                return redirect(reverse("grants:plan-edit", args=[self.plan.pk]))
        return self.render_to_response(self.get_context_data(form=form, errors=error_items(form)))


class AreaPaperSectionsView(FormView):
    """The OPCC chooses which sections its partnerships' board papers have."""

    template_name = "grants/paper_sections.html"
    form_class = AreaPaperSectionsForm

    def dispatch(self, request, *args, **kwargs):
        self.force_area = get_object_or_404(ForceArea, slug=kwargs["slug"])
        if not rules.test_rule("grants.set_paper_sections", request.user, self.force_area):
            raise Http404("Not found")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"kinds": AreaPaperSections.asked_for(self.force_area)}

    def form_valid(self, form):
        paper_sections_set(force_area=self.force_area, kinds=form.cleaned_data["kinds"], by=self.request.user)
        messages.success(self.request, f"The sections of board papers in {self.force_area} have been saved.")
        return redirect("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(force_area=self.force_area, **kwargs)

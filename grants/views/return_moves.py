"""Money moved between the plan's funded projects, recorded in a return (the log of MHCLG's quarterly returns).
Thin, like the other returns pages: the officer who may edit the return records and removes moves; the service
decides (grants/services/returns.py `move_record`, `move_remove`) and the figures say which moves need a variation
(grants/figures/monitoring.py `return_moves`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.generic import FormView, View

from grants.figures.monitoring import return_moves
from grants.figures.plans import plan_in_force
from grants.forms.returns import MoneyMoveForm
from grants.services import returns as service

from .helpers import apply_service_errors, error_items
from .returns import refused, return_for_viewing


class EditableReturnMixin:
    """The return of a plan's funded project, when the user may see it (404 otherwise) and edit it (403 with the
    reason otherwise). A direct award's return has no lines to move money between and no template: 404."""

    def dispatch(self, request, *args, **kwargs):
        self.performance_return = return_for_viewing(request.user, kwargs["pk"])
        if self.performance_return.is_direct:
            raise Http404("A direct award's return has no funded projects.")
        if not (verdict := service.may_edit(request.user, self.performance_return)):
            return refused(request, self.performance_return, verdict.reason)
        return super().dispatch(request, *args, **kwargs)


class ReturnMovesView(EditableReturnMixin, FormView):
    """The moves the return records, which of them need a variation, and the form to record another."""

    template_name = "returns/moves.html"
    form_class = MoneyMoveForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "performance_return": self.performance_return}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            return_=self.performance_return,
            moves=return_moves(self.performance_return),
            plan=plan_in_force(self.performance_return.award).in_force,
            **kwargs,
        )
        context["errors"] = error_items(context["form"])
        return context

    def form_valid(self, form):
        try:
            move = service.move_record(
                performance_return=self.performance_return,
                by=self.request.user,
                from_project=form.project("from_project"),
                to_project=form.project("to_project"),
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
            return self.form_invalid(form)
        messages.success(self.request, f"Recorded: {move}.")
        return redirect("grants:return-moves", pk=self.performance_return.pk)


class ReturnMoveRemoveView(EditableReturnMixin, View):
    """Removes a move recorded by mistake: the page asks first."""

    template_name = "returns/move_remove.html"

    def get_move(self):
        return get_object_or_404(
            self.performance_return.moves.select_related("from_project", "to_project"), pk=self.kwargs["move_pk"]
        )

    def get(self, request, *args, **kwargs):
        context = {"return_": self.performance_return, "move": self.get_move()}
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        move = self.get_move()
        try:
            service.move_remove(move=move, by=request.user)
        except ValidationError as error:
            return refused(request, self.performance_return, " ".join(error.messages))
        messages.success(request, f"Removed: {move}.")
        return redirect("grants:return-moves", pk=self.performance_return.pk)

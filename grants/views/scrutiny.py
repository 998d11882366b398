"""Pages for OPCC scrutiny comments: an OPCC officer comments on a funded project; the partnership's officer
answers. Thin: find the plan the user may see (404 otherwise), ask the rules, call the service, redirect back to
the comment on the plan page."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from grants.forms.decisions import AnswerForm, ScrutinyCommentForm
from grants.services.scrutiny import comment_add, comment_answer, why_cannot_comment

from .workflow import _apply_errors, refused, visible_plan


class CommentAddView(FormView):
    """An OPCC officer's question, condition or note on one funded project."""

    template_name = "grants/scrutiny_comment.html"
    form_class = ScrutinyCommentForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        self.project = get_object_or_404(self.plan.projects, pk=kwargs["project_pk"])
        if reason := why_cannot_comment(request.user, self.plan):
            return refused(request, self.plan, reason)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            comment = comment_add(
                plan=self.plan,
                by=self.request.user,
                project=self.project,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{comment.get_kind_display()} added to funded project {comment.project_number}. The officer who "
            "submitted the plan has been told.",
        )
        return redirect(f"{self.plan.get_absolute_url()}#comment-{comment.pk}")

    def get_context_data(self, **kwargs):
        comments = self.plan.scrutiny_comments.filter(line_id=self.project.line_id).prefetch_related("answers")
        return super().get_context_data(plan=self.plan, project=self.project, comments=comments, **kwargs)


class CommentAnswerView(FormView):
    """The partnership's officer answers a scrutiny comment on their plan."""

    template_name = "grants/scrutiny_answer.html"
    form_class = AnswerForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        self.comment = get_object_or_404(
            self.plan.scrutiny_comments.prefetch_related("answers"), pk=kwargs["comment_pk"]
        )
        if not rules.test_rule("grants.answer_comment", request.user, self.plan):
            return refused(
                request,
                self.plan,
                f"Only {self.plan.partnership}'s CSP officers can answer scrutiny comments, until the plan is "
                "approved or declined.",
            )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            comment_answer(comment=self.comment, by=self.request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Answer sent to {self.comment.user_name}.")
        return redirect(f"{self.plan.get_absolute_url()}#comment-{self.comment.pk}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, comment=self.comment, **kwargs)

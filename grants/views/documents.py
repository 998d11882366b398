"""Supporting documents: the editor's page to add and remove them, and the one way to download one.

A document is downloaded only through `DocumentDownloadView`, which finds the plan among those the user may see
(another partnership's answers 404) before reading the file from storage; there is no public media address.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View

from grants import trail
from grants.forms.documents import DocumentForm
from grants.rules import why_cannot_edit
from grants.services.attachments import document_add, document_remove

from .workflow import _apply_errors, refused, visible_plan


class DocumentsEditView(View):
    """The editor's "Supporting documents" part: the plan's documents, a form to add one, a button to remove one."""

    template_name = "grants/edit/documents.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        if not rules.test_rule("grants.edit_plan", request.user, self.plan):
            return refused(request, self.plan, why_cannot_edit(request.user, self.plan))
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, status=200):
        context = {"plan": self.plan, "form": form, "documents": trail.supporting_documents(self.plan)}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(DocumentForm(plan=self.plan))

    def post(self, request, pk):
        form = DocumentForm(request.POST, request.FILES, plan=self.plan)
        if not form.is_valid():
            return self.render(form)
        try:
            document = document_add(
                plan=self.plan,
                by=request.user,
                upload=form.cleaned_data["file"],
                project=form.cleaned_data["project"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
            return self.render(form)
        messages.success(request, f"{document.name} has been added to the plan.")
        return redirect("grants:plan-edit-documents", pk=self.plan.pk)


class DocumentRemoveView(View):
    """Removes a document from an editable plan (POST only: a button on the documents page)."""

    def post(self, request, pk, document_pk):
        plan = visible_plan(request, pk)
        document = get_object_or_404(plan.documents, pk=document_pk)
        try:
            document_remove(document=document, by=request.user)
        except ValidationError as error:
            return refused(request, plan, " ".join(error.messages))
        messages.success(request, f"{document.name} has been removed from the plan.")
        return redirect("grants:plan-edit-documents", pk=plan.pk)


class DocumentDownloadView(View):
    """Streams a document to someone who may see its plan, as a download (never shown inline)."""

    def get(self, request, pk, document_pk):
        plan = visible_plan(request, pk)
        document = get_object_or_404(plan.documents, pk=document_pk)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404("The file is missing from storage") from None
        response = FileResponse(handle, as_attachment=True, filename=document.name, content_type=document.content_type)
        response["Cache-Control"] = "private, no-store"
        return response

"""Importing funded projects: upload, preview (row and column problems, or what will change), confirm.

The file's cells wait in the session between the preview and the confirmation; the confirmation reads them
again against the plan as it is then, so what is saved is always what was checked."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from grants.forms.importing import ImportUploadForm
from grants.services.history import PlanChangedSinceOpened
from grants.services.importing import (
    ADD,
    ImportRefused,
    RawSheet,
    plan_import_lines,
    plan_import_preview,
    plan_import_read,
)
from grants.uploads import UploadError

from .editing import EditorPage
from .helpers import error_items


def _session_key(plan) -> str:
    return f"plan-import-{plan.pk}"


class ImportUploadView(EditorPage):
    template_name = "grants/edit/import_upload.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                sheet = plan_import_read(upload)
            except UploadError as error:
                form.add_error("file", error.message)
            else:
                request.session[_session_key(self.plan)] = {
                    "filename": upload.name[:200],
                    "mode": form.cleaned_data["mode"],
                    "rows": sheet.to_json(),
                }
                return redirect("grants:plan-import-preview", pk=self.plan.pk)
        return self.render_to_response(self.get_context_data(form=form, errors=error_items(form)))


class ImportPreviewView(EditorPage):
    template_name = "grants/edit/import_preview.html"

    def stored(self):
        return self.request.session.get(_session_key(self.plan))

    def get(self, request, *args, **kwargs):
        stored = self.stored()
        if not stored:
            return redirect("grants:plan-import", pk=self.plan.pk)
        return self.render_preview(stored)

    def post(self, request, *args, **kwargs):
        stored = self.stored()
        if not stored:
            return redirect("grants:plan-import", pk=self.plan.pk)
        try:
            parsed = plan_import_lines(
                plan=self.plan,
                sheet=RawSheet.from_json(stored["rows"]),
                mode=stored.get("mode", ADD),
                filename=stored["filename"],
                by=request.user,
                expected_revision=self.posted_revision(),
            )
        except PlanChangedSinceOpened as error:
            self.refused_as_stale(error)
        except ImportRefused:
            pass  # the preview, worked out again below, shows the problems
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            del request.session[_session_key(self.plan)]
            count = len(parsed.lines)
            messages.success(
                request, f"{count} funded project{'s' if count != 1 else ''} imported from {stored['filename']}."
            )
            return redirect(reverse("grants:plan-edit-projects", args=[self.plan.pk]))
        return self.render_preview(stored)

    def render_preview(self, stored):
        preview = plan_import_preview(
            plan=self.plan, sheet=RawSheet.from_json(stored["rows"]), mode=stored.get("mode", ADD)
        )
        errors = [(f"row-{p.row}" if p.row else "problems", str(p)) for p in preview.problems]
        return self.render_to_response(
            self.get_context_data(
                preview=preview,
                filename=stored["filename"],
                mode=stored.get("mode", ADD),
                errors=errors,
                counts=preview.counts(),
            )
        )

"""A return from the product's spreadsheet template: download it, upload it, check the preview (what will be saved,
or each problem beside its row), save it all or nothing. Only someone who may edit the return (its partnership's
CSP officer, while it can be changed) reaches these pages; the service decides (grants/services/return_import.py).
The file's cells wait in the session between the preview and the saving, which reads them again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View

from grants.documents.spreadsheet import XLSX_CONTENT_TYPE
from grants.forms.returns import ReturnImportForm
from grants.services.importing import ImportRefused, RawSheet
from grants.services.return_import import (
    return_import_preview,
    return_import_read,
    return_import_save,
    template_xlsx,
)
from grants.uploads import UploadError

from .downloads import _attachment
from .helpers import error_items
from .return_moves import EditableReturnMixin


def _session_key(performance_return) -> str:
    return f"return-import-{performance_return.pk}"


class ReturnTemplateView(EditableReturnMixin, View):
    """The return's spreadsheet template (.xlsx)."""

    def get(self, request, *args, **kwargs):
        r = self.performance_return
        name = f"return-{r.partnership.slug}-{r.period.award.financial_year.replace('/', '-')}-{r.period.short_name}"
        return _attachment(template_xlsx(r), XLSX_CONTENT_TYPE, f"{name}-project-{r.project.number}.xlsx")


class ReturnImportView(EditableReturnMixin, View):
    template_name = "returns/import_upload.html"

    def render(self, form, status=200):
        context = {"return_": self.performance_return, "form": form, "errors": error_items(form)}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(ReturnImportForm())

    def post(self, request, *args, **kwargs):
        form = ReturnImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                sheet = return_import_read(upload)
            except UploadError as error:
                form.add_error("file", error.message)
            else:
                request.session[_session_key(self.performance_return)] = {
                    "filename": upload.name[:200],
                    "rows": sheet.to_json(),
                }
                return redirect("grants:return-import-preview", pk=self.performance_return.pk)
        return self.render(form)


class ReturnImportPreviewView(EditableReturnMixin, View):
    template_name = "returns/import_preview.html"

    def stored(self):
        return self.request.session.get(_session_key(self.performance_return))

    def get(self, request, *args, **kwargs):
        if not (stored := self.stored()):
            return redirect("grants:return-import", pk=self.performance_return.pk)
        return self.render(stored)

    def post(self, request, *args, **kwargs):
        if not (stored := self.stored()):
            return redirect("grants:return-import", pk=self.performance_return.pk)
        try:
            return_import_save(
                performance_return=self.performance_return, sheet=RawSheet.from_json(stored["rows"]), by=request.user
            )
        except ImportRefused:
            pass  # the preview, worked out again below, shows the problems
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            del request.session[_session_key(self.performance_return)]
            messages.success(request, f"Return saved from {stored['filename']}. Check it, then submit it.")
            return redirect("grants:return", pk=self.performance_return.pk)
        return self.render(stored)

    def render(self, stored):
        preview = return_import_preview(
            performance_return=self.performance_return, sheet=RawSheet.from_json(stored["rows"]), by=self.request.user
        )
        errors = [(f"row-{p.row}" if p.row else "problems", str(p)) for p in preview.problems]
        context = {"return_": self.performance_return, "preview": preview, "filename": stored["filename"]}
        return TemplateResponse(self.request, self.template_name, {**context, "errors": errors})

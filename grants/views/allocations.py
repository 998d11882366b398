"""Allocations across councils or CSPs: set up, rows typed (any number: "Add another row" works without
JavaScript) or imported from a sheet (upload, preview, confirm), corrected and withdrawn. Thin views over
`grants/services/allocations.py`; the figures are `grants.figures.money`'s."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from grants.figures.money import allocation_figures, awards_with_ledger
from grants.forms.money import AllocationForm, allocation_row_formset
from grants.forms.oversight import UploadForm
from grants.models import AllocationTable, GrantAward
from grants.money import format_money
from grants.services import allocations as service

from .helpers import error_items, hide_errors, with_added_row
from .money import MoneyFormPage
from .oversight import NOT_MANAGER, ForceAreaMixin


def allocation_input(form) -> service.AllocationInput:
    data = form.cleaned_data
    return service.AllocationInput(
        title=data["title"],
        funding_stream=data["funding_stream"],
        financial_year=data["financial_year"],
        total=data["total"],
        awarded_on=data.get("awarded_on"),
        notes=data.get("notes", ""),
        priorities=list(data.get("pcc_priorities") or []),
    )


class AllocationCreateView(MoneyFormPage):
    title = "New allocation across councils or CSPs"
    submit = "Save and enter the rows"

    def form(self, data=None, files=None):
        return AllocationForm(data, force_area=self.force_area)

    def save(self, form, formset):
        table = service.allocation_create(force_area=self.force_area, data=allocation_input(form), by=self.request.user)
        return reverse("grants:allocation", kwargs={"area": self.force_area.slug, "pk": table.pk})


class AllocationMixin(ForceAreaMixin):
    nav_section = "funding"

    def get_table(self) -> AllocationTable:
        return get_object_or_404(
            AllocationTable.objects.select_related("funding_stream", "withdrawn_by"),
            pk=self.kwargs["pk"],
            force_area=self.force_area,
        )

    def table_url(self) -> str:
        return reverse("grants:allocation", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})


class AllocationCorrectView(AllocationMixin, MoneyFormPage):
    title = "Change the allocation"
    submit = "Save the change"

    def form(self, data=None, files=None):
        table = self.get_table()
        initial = {
            "title": table.title,
            "funding_stream": table.funding_stream_id,
            "financial_year": table.financial_year,
            "total": table.total,
            "awarded_on": table.awarded_on,
            "notes": table.notes,
            "pcc_priorities": [p.pk for p in table.pcc_priorities.all()],
        }
        return AllocationForm(data, force_area=self.force_area, initial=initial, correcting=True)

    def cancel_url(self):
        return self.table_url()

    def save(self, form, formset):
        service.allocation_update(
            table=self.get_table(),
            data=allocation_input(form),
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        messages.success(self.request, "The allocation has been changed.")
        return self.table_url()


class AllocationView(AllocationMixin, TemplateView):
    """The rows, as many as needed, saved only when they reconcile with the total."""

    template_name = "oversight/allocation.html"

    def live_awards(self, table):
        return list(
            awards_with_ledger(GrantAward.objects.live().filter(allocation=table))
            .select_related("partnership", "organisation")
            .order_by("partnership__name", "organisation__name")
        )

    def get_context_data(self, **kwargs):
        table = allocation_figures(self.get_table())
        awards = self.live_awards(table)
        if "formset" not in kwargs:
            initial = [{"recipient": service.recipient_key(a.recipient), "amount": a.amount} for a in awards]
            kwargs["formset"] = allocation_row_formset(
                force_area=self.force_area, initial=initial, blank_rows=1 if initial else 3
            )
        return super().get_context_data(
            table=table,
            awards=awards,
            priorities=list(table.pcc_priorities.all()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.can_manage:
            raise PermissionDenied(NOT_MANAGER)
        table = self.get_table()
        data = request.POST
        if data.get("add") == "rows":
            formset = allocation_row_formset(force_area=self.force_area, data=with_added_row(data, "rows"))
            hide_errors(formset)
            return self.render_to_response(
                self.get_context_data(formset=formset, focus=f"rows-{formset.total_form_count() - 1}")
            )
        formset = allocation_row_formset(force_area=self.force_area, data=data)
        formset.is_valid()  # binds the rows; the service reads what was typed and says what is wrong
        parsed = service.allocation_rows_parse(force_area=self.force_area, rows=formset.rows())
        for problem in parsed.errors:
            form = formset.forms[problem.row - 1]
            form.add_error("amount" if problem.column == "Amount" else "recipient", problem.message)
        if parsed.is_valid:
            try:
                service.allocation_rows_set(table=table, rows=parsed.rows, by=request.user)
            except ValidationError as error:
                formset.non_form_errors().extend(error.messages)
            else:
                messages.success(request, f"Allocation saved: {len(parsed.rows)} rows, {format_money(parsed.total)}.")
                return redirect(self.table_url())
        return self.render_to_response(self.get_context_data(formset=formset, errors=error_items(formset)))


def _session_key(table) -> str:
    return f"allocation-import-{table.pk}"


class AllocationImportView(AllocationMixin, TemplateView):
    """Upload → preview (the councils found, the sheet's total checked, problems by row and column) → confirm.
    Nothing is saved before the confirmation, and nothing at all unless every row is right and the rows
    reconcile with the allocation's total."""

    template_name = "oversight/allocation_import.html"
    manage = True

    def get_context_data(self, **kwargs):
        table = allocation_figures(self.get_table())
        kwargs.setdefault("form", UploadForm())
        stored = self.request.session.get(_session_key(table))
        if stored and "parsed" not in kwargs:
            kwargs["parsed"] = service.allocation_rows_from_data(force_area=self.force_area, data=stored["rows"])
            if stored.get("total_row"):
                kwargs["parsed"].total_row = (stored["total_row"][0], Decimal(stored["total_row"][1]))
            kwargs["parsed"].skipped = stored.get("skipped", [])
            kwargs["filename"] = stored["filename"]
        parsed = kwargs.get("parsed")
        reconciles = parsed is not None and parsed.is_valid and parsed.total == table.total
        return super().get_context_data(table=table, reconciles=reconciles, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("again"):
            request.session.pop(_session_key(self.get_table()), None)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        table = self.get_table()
        key = _session_key(table)
        if "confirm" in request.POST:
            stored = request.session.get(key)
            if not stored:
                return redirect("grants:allocation-import", area=self.force_area.slug, pk=table.pk)
            parsed = service.allocation_rows_from_data(force_area=self.force_area, data=stored["rows"])
            if parsed.is_valid:
                try:
                    service.allocation_rows_set(
                        table=table, rows=parsed.rows, by=request.user, reason=f"Imported from {stored['filename']}"
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    del request.session[key]
                    messages.success(
                        request,
                        f"{len(parsed.rows)} rows imported from {stored['filename']}, {format_money(parsed.total)}.",
                    )
                    return redirect(self.table_url())
            return self.render_to_response(self.get_context_data(parsed=parsed, filename=stored["filename"]))
        request.session.pop(key, None)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            parsed = service.allocation_import_parse(force_area=self.force_area, upload=upload)
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        if not parsed.is_valid:
            return self.render_to_response(self.get_context_data(parsed=parsed, filename=upload.name))
        request.session[key] = {
            "filename": upload.name[:200],
            "rows": parsed.as_data(),
            "total_row": [parsed.total_row[0], str(parsed.total_row[1])] if parsed.total_row else None,
            "skipped": parsed.skipped[:10],
        }
        return redirect("grants:allocation-import", area=self.force_area.slug, pk=table.pk)

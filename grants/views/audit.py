"""The audit trail of a person, as a CSV file: for the OPCC (its officers and administrators), the changes,
decisions and security records of someone holding a role in its force area, limited to the area's records; for the
site administrator, anyone's, everywhere. The rows come from grants/audit.py; this only asks and streams."""

from __future__ import annotations

import csv

import rules
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.views.generic import TemplateView

from grants.audit import HEADINGS, audit_file_name, people_of_area, user_audit_rows
from grants.forms.audit import AuditExportForm
from partnerships.models import User
from partnerships.spreadsheets import safe_cell

from .helpers import error_items
from .oversight import ForceAreaMixin

NOT_AUDITOR = "Only the area's OPCC officers and administrators can export a person's audit trail."
NOT_SITE_ADMINISTRATOR = "Only site administrators can export anyone's audit trail."


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows):
    """The file as it is written: the byte-order mark Excel needs for £, the headings, then each row with every
    cell made safe (`safe_cell`)."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(HEADINGS).encode("utf-8")
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row]).encode("utf-8")


class _AuditExport(TemplateView):
    template_name = "oversight/audit_export.html"
    base_template = "base.html"
    force_area = None

    def people(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        asked = "person" in request.GET
        form = AuditExportForm(request.GET if asked else None, people=self.people())
        if asked and form.is_valid():
            person, first, last = (form.cleaned_data[k] for k in ("person", "first", "last"))
            rows = user_audit_rows(user=person, force_area=self.force_area, first=first, last=last)
            response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
            name = audit_file_name(person, first, last, self.force_area)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        errors = error_items(form) if asked else []
        return self.render_to_response(
            self.get_context_data(form=form, errors=errors, base_template=self.base_template)
        )


class AreaAuditExportView(ForceAreaMixin, _AuditExport):
    """`/oversight/<area>/audit/`: the area's OPCC officers and administrators."""

    nav_section = "reports"
    base_template = "oversight/base.html"

    def get(self, request, *args, **kwargs):
        if not rules.test_rule("grants.export_audit_trail", request.user, self.force_area):
            raise PermissionDenied(NOT_AUDITOR)
        return _AuditExport.get(self, request, *args, **kwargs)

    def people(self):
        return people_of_area(self.force_area)


class AuditExportView(_AuditExport):
    """`/audit/`: the site administrator, for anyone."""

    def get(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied(NOT_SITE_ADMINISTRATOR)
        return super().get(request, *args, **kwargs)

    def people(self):
        return User.objects.all()

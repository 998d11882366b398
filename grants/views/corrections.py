"""Correcting, withdrawing and reading the history of the OPCC's records: funding streams, funding received,
awards, grant rounds, applications (and their decisions) and allocations. The OPCC's commissioning officers
and the Treasurer correct and withdraw; everyone who oversees the area reads the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crispy_forms_gds.layout import Button, Field
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from grants.forms.fields import TextAreaField
from grants.forms.money import REASON_HINT, ReasonForm
from grants.forms.oversight import ApplicationForm, DecisionForm, FundingStreamForm, GrantRoundForm
from grants.models import AllocationTable, FundingReceived, FundingStream, GrantApplication, GrantRound
from grants.money import format_money
from grants.services import allocations, corrections, income
from grants.services.corrections import record_history
from grants.services.funding import funder_for

from .money import apply_errors, area_awards_all
from .oversight import ForceAreaMixin


@dataclass(frozen=True)
class RecordKind:
    """One kind of OPCC record in the addresses `/<area>/<kind>/<pk>/history/` and `…/withdraw/`."""

    noun: str
    nav: str
    records: Callable  # force area -> queryset of its records, withdrawn ones included
    withdraw: Callable  # the service
    page: Callable  # (area slug, record) -> the record's page
    warning: str = ""


def _application_page(area, application):
    return reverse("grants:round", kwargs={"area": area, "pk": application.grant_round_id})


KINDS: dict[str, RecordKind] = {
    "stream": RecordKind(
        "funding stream",
        "funding",
        lambda area: FundingStream.objects.filter(force_area=area),
        lambda record, reason, by: corrections.stream_withdraw(stream=record, reason=reason, by=by),
        lambda area, record: reverse("grants:stream", kwargs={"area": area, "pk": record.pk}),
        "A stream can be withdrawn only when nothing stands in it (a duplicate, say).",
    ),
    "income": RecordKind(
        "funding received",
        "funding",
        lambda area: FundingReceived.objects.filter(force_area=area),
        lambda record, reason, by: income.income_withdraw(income=record, reason=reason, by=by),
        lambda area, record: reverse("grants:income", kwargs={"area": area, "pk": record.pk}),
        "It will no longer count in the money received.",
    ),
    "grant": RecordKind(
        "award",
        "funding",
        area_awards_all,
        lambda record, reason, by: corrections.award_withdraw(award=record, reason=reason, by=by),
        lambda area, record: reverse("grants:award", kwargs={"area": area, "pk": record.pk}),
        "It will no longer count in the grants made. A published grant is published as withdrawn, with your reason.",
    ),
    "round": RecordKind(
        "grant round",
        "rounds",
        lambda area: GrantRound.objects.filter(force_area=area),
        lambda record, reason, by: corrections.round_withdraw(grant_round=record, reason=reason, by=by),
        lambda area, record: reverse("grants:round", kwargs={"area": area, "pk": record.pk}),
        "Its applications and the awards made from them are withdrawn with it.",
    ),
    "application": RecordKind(
        "application",
        "rounds",
        lambda area: GrantApplication.objects.filter(grant_round__force_area=area),
        lambda record, reason, by: corrections.application_withdraw(application=record, reason=reason, by=by),
        _application_page,
        "If it was approved, its award is withdrawn with it.",
    ),
    "allocation": RecordKind(
        "allocation",
        "funding",
        lambda area: AllocationTable.objects.filter(force_area=area),
        lambda record, reason, by: allocations.allocation_withdraw(table=record, reason=reason, by=by),
        lambda area, record: reverse("grants:allocation", kwargs={"area": area, "pk": record.pk}),
        "Its rows (the awards to each council or CSP) are withdrawn with it.",
    ),
}


class RecordMixin(ForceAreaMixin):
    def dispatch(self, request, *args, **kwargs):
        self.kind = KINDS.get(kwargs["kind"])
        if self.kind is None:
            raise Http404("No such kind of record")
        self.nav_section = self.kind.nav
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        return get_object_or_404(self.kind.records(self.force_area), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        record = self.get_record()
        return super().get_context_data(
            record=record,
            noun=self.kind.noun,
            record_url=self.kind.page(self.force_area.slug, record),
            **kwargs,
        )


class HistoryView(RecordMixin, TemplateView):
    template_name = "oversight/history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=record_history(self.get_record()), **kwargs)


class WithdrawView(RecordMixin, TemplateView):
    template_name = "oversight/withdraw.html"
    manage = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ReasonForm(button=f"Withdraw the {self.kind.noun}"))
        return super().get_context_data(warning=self.kind.warning, **kwargs)

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = ReasonForm(request.POST, button=f"Withdraw the {self.kind.noun}")
        if record.is_withdrawn:
            form.add_error(None, f"This {self.kind.noun} was already withdrawn.")
        elif form.is_valid():
            try:
                self.kind.withdraw(record, form.cleaned_data["reason"], request.user)
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, f"The {self.kind.noun} has been withdrawn. Its history is kept.")
                return redirect(self.kind.page(self.force_area.slug, record))
        return self.render_to_response(self.get_context_data(form=form))


# --- corrections of streams, rounds and applications ---------------------------------------------------------------


class CorrectionPage(ForceAreaMixin, TemplateView):
    """A record's own form, with the reason for the change; saved through its correction service."""

    template_name = "oversight/form_page.html"
    manage = True
    title = ""

    def get_record(self):
        raise NotImplementedError

    def build_form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def record_url(self) -> str:
        raise NotImplementedError

    def with_reason(self, form, label="Why is it being changed?"):
        """The record's own form, with a required reason above its button."""
        form.fields["reason"] = TextAreaField(
            rows=3, label=label, help_text=REASON_HINT, error_messages={"required": "Say why it is being changed"}
        )
        kept = [item for item in form.helper.layout.fields if not isinstance(item, Button)]
        form.helper.layout.fields[:] = [
            *kept,
            Field.textarea("reason", rows=3),
            Button("submit", "Save the correction"),
        ]
        return form

    def get_context_data(self, **kwargs):
        record = self.get_record()
        if getattr(record, "is_withdrawn", False):
            raise PermissionDenied("This record has been withdrawn: it cannot be changed.")
        kwargs.setdefault("form", self.build_form())
        return super().get_context_data(title=self.title, caption=str(record), back_url=self.record_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        if form.is_valid():
            try:
                self.save(form)
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, f"{self.title.replace('Correct', 'Corrected')}: saved.")
                return redirect(self.record_url())
        return self.render_to_response(self.get_context_data(form=form))


class StreamCorrectView(CorrectionPage):
    nav_section = "funding"
    title = "Correct the funding stream"

    def get_record(self):
        return get_object_or_404(FundingStream, pk=self.kwargs["pk"], force_area=self.force_area)

    def record_url(self):
        return reverse("grants:stream", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})

    def build_form(self, data=None):
        stream = self.get_record()
        form = FundingStreamForm(
            data, instance=stream, initial={"funder_name": stream.funder.name if stream.funder_id else ""}
        )
        return self.with_reason(form)

    def save(self, form):
        data = form.cleaned_data
        corrections.stream_update(
            stream=self.get_record(),
            changes={
                "name": data["name"],
                "kind": data["kind"],
                "awarded_directly": data.get("awarded_directly", False),
                "description": data.get("description", ""),
                "funder": funder_for(data.get("funder_name", "")),
            },
            reason=data["reason"],
            by=self.request.user,
        )


class RoundCorrectView(CorrectionPage):
    nav_section = "rounds"
    title = "Correct the grant round"

    def get_record(self):
        return get_object_or_404(GrantRound, pk=self.kwargs["pk"], force_area=self.force_area)

    def record_url(self):
        return reverse("grants:round", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})

    def build_form(self, data=None):
        grant_round = self.get_record()
        form = GrantRoundForm(
            data,
            force_area=self.force_area,
            instance=grant_round,
            initial={"pot": grant_round.pot, "pcc_priorities": [p.pk for p in grant_round.pcc_priorities.all()]},
        )
        return self.with_reason(form)

    def save(self, form):
        data = form.cleaned_data
        fields = ["name", "funding_stream", "financial_year", "opens_on", "closes_on", "purpose", "conditions", "pot"]
        corrections.round_update(
            grant_round=self.get_record(),
            changes={name: data[name] for name in fields if name in data},
            priorities=list(data.get("pcc_priorities") or []),
            reason=data["reason"],
            by=self.request.user,
        )


class ApplicationMixin(ForceAreaMixin):
    nav_section = "rounds"

    def get_record(self):
        return get_object_or_404(
            GrantApplication.objects.select_related("organisation", "grant_round", "award"),
            pk=self.kwargs["application"],
            grant_round__pk=self.kwargs["pk"],
            grant_round__force_area=self.force_area,
        )

    def record_url(self):
        return reverse("grants:round", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})


class ApplicationCorrectView(ApplicationMixin, CorrectionPage):
    title = "Correct the application"

    def build_form(self, data=None):
        application = self.get_record()
        form = ApplicationForm(
            data,
            instance=application,
            initial={
                "organisation_name": application.organisation.name,
                "charity_number": application.organisation.charity_number,
                "company_number": application.organisation.company_number,
                "amount_requested": application.amount_requested,
            },
        )
        return self.with_reason(form)

    def save(self, form):
        data = form.cleaned_data
        corrections.application_update(
            application=self.get_record(),
            changes={
                "organisation": form.organisation(),
                "project_title": data["project_title"],
                "purpose": data["purpose"],
                "amount_requested": data["amount_requested"],
                "received_on": data["received_on"],
            },
            reason=data["reason"],
            by=self.request.user,
        )


class DecisionCorrectView(ApplicationMixin, CorrectionPage):
    title = "Correct the decision"

    def build_form(self, data=None):
        application = self.get_record()
        form = DecisionForm(
            data,
            initial={
                "decision": application.decision,
                "amount_awarded": application.amount_awarded,
                "decided_on": application.decided_on,
                "decision_notes": application.decision_notes,
            },
        )
        return self.with_reason(form, "Why is the decision being corrected?")

    def get_context_data(self, **kwargs):
        application = self.get_record()
        if application.decision == GrantApplication.Decision.PENDING:
            raise Http404("No decision to correct yet")
        return super().get_context_data(**kwargs)

    def save(self, form):
        data = form.cleaned_data
        decided = corrections.application_decision_correct(
            application=self.get_record(),
            decision=data["decision"],
            decided_on=data["decided_on"],
            amount_awarded=data.get("amount_awarded"),
            notes=data.get("decision_notes", ""),
            reason=data["reason"],
            by=self.request.user,
        )
        if decided.amount_awarded is not None:
            messages.info(self.request, f"{format_money(decided.amount_awarded)} awarded to {decided.organisation}.")

"""The OPCC's money pages: funding received, a grant's own page (its years, schedule, claims and payments),
awards from a stream over one year or several, and corrections of both. Thin views over the services
(`income`, `funding`, `corrections`, `payments`) and the figures (`grants.figures.money`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from grants import claims as claim_table
from grants.figures.money import award_ledger, award_years, claims_with_figures, served_priorities
from grants.figures.year_end import carried_forward_into
from grants.forms.money import (
    AwardForm,
    ClaimDecisionForm,
    ClaimForm,
    IncomeForm,
    PaymentForm,
    PaymentReversalForm,
    year_formset,
)
from grants.models import Claim, FundingReceived, FundingStream, GrantAward, Payment
from grants.money import format_money
from grants.services import corrections, funding, payments
from grants.services.income import IncomeInput, income_correct, income_record

from .helpers import error_items, hide_errors, with_added_row
from .oversight import ForceAreaMixin


def apply_errors(error: ValidationError, form, formset=None) -> None:
    """A service's errors beside their fields; `years` errors on the amounts per year."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        if name == "years" and formset is not None:
            formset.non_form_errors().extend(errors)
        elif name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


def area_awards_all(force_area):
    """Every award of the area, withdrawn ones included (their pages stay readable)."""
    return GrantAward.objects.filter(Q(funding_stream__force_area=force_area) | Q(partnership__force_area=force_area))


class MoneyFormPage(ForceAreaMixin, TemplateView):
    """A form, optionally with amounts per financial year ("Add another financial year" works without
    JavaScript: the page comes back with one more row)."""

    template_name = "oversight/money_form.html"
    nav_section = "funding"
    manage = True
    with_years = False
    title = ""
    submit = "Save"

    def form(self, data=None, files=None):
        raise NotImplementedError

    def initial_years(self) -> list[dict]:
        return [{}]

    def save(self, form, formset):
        """Calls the service; returns the address to go to. Raises ValidationError."""
        raise NotImplementedError

    def cancel_url(self) -> str:
        return reverse("grants:funding", kwargs={"area": self.force_area.slug})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        if self.with_years:
            kwargs.setdefault("formset", year_formset(initial=self.initial_years()))
        return super().get_context_data(title=self.title, submit=self.submit, cancel_url=self.cancel_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        data = request.POST
        if self.with_years and data.get("add") == "years":
            data = with_added_row(data, "years")
            form, formset = self.form(data, request.FILES), year_formset(data)
            hide_errors(form, formset)
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset, focus=f"years-{formset.total_form_count() - 1}")
            )
        form = self.form(data, request.FILES)
        formset = year_formset(data) if self.with_years else None
        valid = form.is_valid()
        if formset is not None:
            valid = formset.is_valid() and valid
        if valid:
            try:
                with transaction.atomic():
                    url = self.save(form, formset)
            except ValidationError as error:
                apply_errors(error, form, formset)
            else:
                return redirect(url)
        parts = [form] + ([formset] if formset is not None else [])
        return self.render_to_response(self.get_context_data(form=form, formset=formset, errors=error_items(*parts)))


# --- funding received ---------------------------------------------------------------------------------------------


def income_input(form, formset) -> IncomeInput:
    data = form.cleaned_data
    return IncomeInput(
        funding_stream=data["funding_stream"],
        funder_name=data["funder_name"],
        amount=data["amount"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        years=formset.years(),
        reference=data.get("reference", ""),
        agreed_on=data.get("agreed_on"),
        conditions=data.get("conditions", ""),
        reporting_duties=data.get("reporting_duties", ""),
        notes=data.get("notes", ""),
    )


class IncomeCreateView(MoneyFormPage):
    with_years = True
    title = "Record funding received"
    submit = "Save the funding received"

    def form(self, data=None, files=None):
        initial = {}
        if stream_pk := self.request.GET.get("stream", ""):
            stream = FundingStream.objects.filter(
                force_area=self.force_area, pk=stream_pk if stream_pk.isdigit() else 0
            )
            if (found := stream.select_related("funder").first()) is not None:
                initial = {"funding_stream": found.pk, "funder_name": found.funder.name if found.funder else ""}
        return IncomeForm(data, force_area=self.force_area, initial=initial)

    def save(self, form, formset):
        income = income_record(force_area=self.force_area, data=income_input(form, formset), by=self.request.user)
        messages.success(
            self.request, f"{format_money(income.amount)} from {income.funder} recorded ({income.period_label})."
        )
        return reverse("grants:income", kwargs={"area": self.force_area.slug, "pk": income.pk})


class IncomeMixin(ForceAreaMixin):
    nav_section = "funding"

    def get_income(self) -> FundingReceived:
        return get_object_or_404(
            FundingReceived.objects.select_related("funding_stream", "funder", "withdrawn_by"),
            pk=self.kwargs["pk"],
            force_area=self.force_area,
        )


class IncomeView(IncomeMixin, TemplateView):
    template_name = "oversight/income.html"

    def get_context_data(self, **kwargs):
        income = self.get_income()
        return super().get_context_data(income=income, years=list(income.years.all()), **kwargs)


class IncomeCorrectView(IncomeMixin, MoneyFormPage):
    with_years = True
    title = "Correct the funding received"
    submit = "Save the correction"

    def form(self, data=None, files=None):
        income = self.get_income()
        if income.is_withdrawn:
            raise PermissionDenied("This funding has been withdrawn: it cannot be corrected.")
        initial = {
            "funding_stream": income.funding_stream_id,
            "funder_name": income.funder.name,
            "reference": income.reference,
            "amount": income.amount,
            "starts_on": income.starts_on,
            "ends_on": income.ends_on,
            "agreed_on": income.agreed_on,
            "conditions": income.conditions,
            "reporting_duties": income.reporting_duties,
            "notes": income.notes,
        }
        return IncomeForm(data, force_area=self.force_area, initial=initial, correcting=True)

    def initial_years(self):
        return [{"financial_year": y.financial_year, "amount": y.amount} for y in self.get_income().years.all()]

    def cancel_url(self):
        return reverse("grants:income", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})

    def save(self, form, formset):
        income = income_correct(
            income=self.get_income(),
            data=income_input(form, formset),
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        messages.success(self.request, "The funding received has been corrected.")
        return reverse("grants:income", kwargs={"area": self.force_area.slug, "pk": income.pk})


# --- awards: a grant's page, new awards from a stream, corrections --------------------------------------------------


class AwardMixin(ForceAreaMixin):
    nav_section = "funding"

    def get_award(self) -> GrantAward:
        return get_object_or_404(
            area_awards_all(self.force_area).select_related(
                "funding_stream__funder", "partnership", "organisation", "allocation", "withdrawn_by"
            ),
            pk=self.kwargs["pk"],
        )


class AwardView(AwardMixin, TemplateView):
    """A grant or contract on one page: its money over the years, schedule, claims and payments."""

    template_name = "oversight/award.html"

    def get_context_data(self, **kwargs):
        award = self.get_award()
        claims = list(
            claims_with_figures(award.claims.all())
            .select_related("entered_by", "decided_by")
            .order_by("claimed_on", "pk")
        )
        for claim in claims:
            claim.decisions = [t for t in claim_table.available(claim.status)]
        application = getattr(award, "application", None)
        return super().get_context_data(
            award=award,
            ledger=award_ledger(award),
            years=award_years(award),
            carried_forward=carried_forward_into(award),
            priorities=served_priorities(award),
            application=application,
            expected=payments.expected_payments(award),
            claims=claims,
            payments=list(award.payments.select_related("claim", "entered_by", "reverses").order_by("paid_on", "pk")),
            reversed_ids=set(award.payments.filter(reverses__isnull=False).values_list("reverses_id", flat=True)),
            reports=direct_award_reports(award, self.request.user),
            **kwargs,
        )


def direct_award_reports(award: GrantAward, user) -> dict | None:
    """The returns of an award made directly to an organisation (none for a partnership's: its plan reports)."""
    if award.partnership_id is not None:
        return None
    from grants.figures.monitoring import award_reports
    from grants.services import returns as returns_service

    returns_service.returns_ready(award=award)  # set up when the OPCC asked and each night: a page only reads
    return {
        "figures": award_reports(award),
        "may_ask": bool(returns_service.may_ask_for_returns(user, award)),
        "today": timezone.localdate(),
    }


def award_years_initial(award: GrantAward) -> list[dict]:
    return [{"financial_year": label, "amount": amount} for label, amount in award_years(award)]


class StreamAwardCreateView(MoneyFormPage):
    """An award from a stream: to a CSP or an organisation, a grant or a contract, over one or several years."""

    with_years = True
    title = "Record an award"
    submit = "Save the award"

    def get_stream(self) -> FundingStream:
        return get_object_or_404(FundingStream.objects.live(), pk=self.kwargs["pk"], force_area=self.force_area)

    def form(self, data=None, files=None):
        return AwardForm(data, force_area=self.force_area, instance=GrantAward(funding_stream=self.get_stream()))

    def cancel_url(self):
        return reverse("grants:stream", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})

    def get_context_data(self, **kwargs):
        return super().get_context_data(caption=self.get_stream().name, **kwargs)

    def save(self, form, formset):
        data = form.cleaned_data
        award = funding.stream_award_save(
            award=form.instance,
            years=formset.years(),
            priorities=list(data.get("pcc_priorities") or []),
            organisation_name=data.get("organisation_name", ""),
            charity_number=data.get("charity_number", ""),
            company_number=data.get("company_number", ""),
            by=self.request.user,
        )
        messages.success(self.request, f"Award of {format_money(award.amount)} to {award.recipient} recorded.")
        return reverse("grants:award", kwargs={"area": self.force_area.slug, "pk": award.pk})


class AwardCorrectView(AwardMixin, MoneyFormPage):
    with_years = True
    title = "Correct the award"
    submit = "Save the correction"

    def get(self, request, *args, **kwargs):
        if (redirect_to := self.elsewhere()) is not None:
            return redirect_to
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if (redirect_to := self.elsewhere()) is not None:
            return redirect_to
        return super().post(request, *args, **kwargs)

    def elsewhere(self):
        """An allocation's row is corrected on the allocation (its rows must reconcile); a round's award through
        its decision (the pot is checked again)."""
        award = self.get_award()
        if award.is_withdrawn:
            raise PermissionDenied("This award has been withdrawn: it cannot be corrected.")
        if award.allocation_id:
            return redirect("grants:allocation", area=self.force_area.slug, pk=award.allocation_id)
        application = getattr(award, "application", None)
        if application is not None:
            return redirect(
                "grants:application-decision-correct",
                area=self.force_area.slug,
                pk=application.grant_round_id,
                application=application.pk,
            )
        return None

    def form(self, data=None, files=None):
        award = self.get_award()
        return AwardForm(data, force_area=self.force_area, instance=award, correcting=True)

    def initial_years(self):
        return award_years_initial(self.get_award())

    def cancel_url(self):
        return reverse("grants:award", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})

    def get_context_data(self, **kwargs):
        return super().get_context_data(caption=str(self.get_award().recipient), **kwargs)

    def save(self, form, formset):
        data = form.cleaned_data
        award = self.get_award()
        changes = {name: data.get(name) for name in form._meta.fields if name in data}
        recipient = funding.award_recipient(
            partnership=data.get("partnership"),
            organisation_name=data.get("organisation_name", ""),
            charity_number=data.get("charity_number", ""),
            company_number=data.get("company_number", ""),
        )
        changes["partnership"], changes["organisation"] = recipient
        corrections.award_correct(
            award=award,
            changes=changes,
            years=formset.years(),
            priorities=list(data.get("pcc_priorities") or []),
            reason=data["reason"],
            by=self.request.user,
        )
        messages.success(self.request, "The award has been corrected.")
        return reverse("grants:award", kwargs={"area": self.force_area.slug, "pk": award.pk})


# --- claims and payments ------------------------------------------------------------------------------------------


class LedgerFormPage(AwardMixin, TemplateView):
    template_name = "oversight/form_page.html"
    manage = True
    multipart = False

    def get_context_data(self, **kwargs):
        award = self.get_award()
        return super().get_context_data(
            caption=f"{award.recipient} · {award.funding_stream}",
            back_url=reverse("grants:award", kwargs={"area": self.force_area.slug, "pk": award.pk}),
            ledger=award_ledger(award),
            multipart=self.multipart,
            **kwargs,
        )

    def award_url(self):
        return reverse("grants:award", kwargs={"area": self.force_area.slug, "pk": self.kwargs["pk"]})


class ClaimCreateView(LedgerFormPage):
    multipart = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ClaimForm())
        return super().get_context_data(title="Enter a claim", **kwargs)

    def post(self, request, *args, **kwargs):
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = payments.claim_add(
                    award=self.get_award(),
                    amount=data["amount"],
                    claimed_on=data["claimed_on"],
                    description=data["description"],
                    evidence=data.get("evidence"),
                    by=request.user,
                )
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, f"Claim of {format_money(claim.amount)} entered: it awaits a decision.")
                return redirect(self.award_url())
        return self.render_to_response(self.get_context_data(form=form))


class ClaimMixin(LedgerFormPage):
    def get_claim(self) -> Claim:
        award = self.get_award()
        return get_object_or_404(
            claims_with_figures(Claim.objects.filter(award=award)).select_related("entered_by"), pk=self.kwargs["claim"]
        )


class ClaimDecideView(ClaimMixin):
    """Approve (in full or for less), reject or reverse a claim: the buttons the claim's state allows."""

    template_name = "oversight/claim_decide.html"

    def get_context_data(self, **kwargs):
        claim = self.get_claim()
        kwargs.setdefault("form", ClaimDecisionForm(initial={"amount_approved": claim.amount}))
        decisions = []
        for transition in claim_table.available(claim.status):
            allowed, why = payments.claim_check(claim, self.request.user, transition.name)
            decisions.append({"transition": transition, "allowed": allowed, "why": why})
        return super().get_context_data(title="Decide the claim", claim=claim, decisions=decisions, **kwargs)

    def post(self, request, *args, **kwargs):
        claim = self.get_claim()
        form = ClaimDecisionForm(request.POST)
        decision = request.POST.get("decision", "")
        if form.is_valid():
            try:
                decided = payments.claim_decide(
                    claim=claim,
                    decision=decision,
                    by=request.user,
                    amount_approved=form.cleaned_data.get("amount_approved"),
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, f"Claim {decided.get_status_display().lower()}.")
                return redirect(self.award_url())
        return self.render_to_response(self.get_context_data(form=form))


class ClaimEvidenceView(ClaimMixin):
    """The evidence file, through Django's storage API, to those who may read the award."""

    manage = False

    def get(self, request, *args, **kwargs):
        claim = self.get_claim()
        if not claim.evidence:
            raise Http404("No evidence was uploaded with this claim")
        return FileResponse(
            claim.evidence.open("rb"), as_attachment=True, filename=claim.evidence_name or claim.evidence.name
        )


class PaymentCreateView(LedgerFormPage):
    def claims(self):
        return [
            c
            for c in claims_with_figures(Claim.objects.filter(award=self.get_award(), status="approved")).order_by(
                "claimed_on", "pk"
            )
            if c.unpaid > 0
        ]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", PaymentForm(claims=self.claims()))
        return super().get_context_data(title="Record a payment", **kwargs)

    def post(self, request, *args, **kwargs):
        form = PaymentForm(request.POST, claims=self.claims())
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = payments.payment_add(
                    award=self.get_award(),
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    reference=data["reference"],
                    claim=form.chosen_claim(),
                    by=request.user,
                )
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, f"Payment of {format_money(payment.amount)} recorded.")
                return redirect(self.award_url())
        return self.render_to_response(self.get_context_data(form=form))


class PaymentReverseView(LedgerFormPage):
    def get_payment(self) -> Payment:
        return get_object_or_404(Payment.objects.filter(award=self.get_award()), pk=self.kwargs["payment"])

    def get_context_data(self, **kwargs):
        payment = self.get_payment()
        kwargs.setdefault("form", PaymentReversalForm())
        return super().get_context_data(title=f"Reverse the payment {payment.reference}", payment=payment, **kwargs)

    def post(self, request, *args, **kwargs):
        form = PaymentReversalForm(request.POST)
        if form.is_valid():
            try:
                payments.payment_reverse(
                    payment=self.get_payment(),
                    reason=form.cleaned_data["reason"],
                    reversed_on=form.cleaned_data["reversed_on"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, "The payment has been reversed. Enter the correct payment, if any, again.")
                return redirect(self.award_url())
        return self.render_to_response(self.get_context_data(form=form))

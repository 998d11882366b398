"""Personal data of people who left: anonymised, with the decision records kept whole."""

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from grants.models import Decision, InterestDeclaration
from partnerships.accounts.models import SignInEvent
from partnerships.accounts.services import user_anonymise
from partnerships.personal_data import declared_copies
from tests.factories import (
    DecisionFactory,
    ForceAreaFactory,
    InterestDeclarationFactory,
    UserFactory,
    pcc_of,
)

from .helpers import give_authenticator_app, sign_in_with_password

pytestmark = pytest.mark.django_db

# Models with a foreign key to the user that copy none of the person's details (the key is enough, and the
# user row itself is anonymised). A new model with a foreign key to the user must be added here or declare
# PERSONAL_DATA (partnerships/personal_data.py).
HOLDS_NO_COPIES = {
    "partnerships.Role",
    "accounts.SignInEvent",  # the username is rewritten by user_anonymise itself
    # a key only; its address is kept, like a sign-in record's, until REFUSED_REQUESTS_RETENTION_DAYS delete it
    "accounts.RefusedRequest",
    "grants.HistoricalSpendingPlan",
    "partnerships.HistoricalFunderBody",  # who changed it: a key only
    "admin.LogEntry",
    "account.EmailAddress",
    "mfa.Authenticator",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "auth.Permission",
    "grants.SpendingPlan",  # who last changed it: a key only
    "grants.FormulaScenario",  # who confirmed it: a key only
    # The money records (issue 10): who entered, decided or withdrew them, a key only
    "grants.FundingStream",
    "grants.HistoricalFundingStream",
    "grants.GrantAward",
    "grants.HistoricalGrantAward",
    "grants.AllocationTable",
    "grants.HistoricalAllocationTable",
    "grants.FundingReceived",
    "grants.HistoricalFundingReceived",
    "grants.Claim",
    "grants.Payment",
    "grants.GrantRound",
    "grants.HistoricalGrantRound",
    "grants.GrantApplication",
    "grants.HistoricalGrantApplication",
    "grants.SentReminder",  # to whom a reminder went: a key only
    "grants.MoneyMove",  # who recorded money moved between projects: a key only
    "grants.HistoricalMoneyMove",
    # Histories (issue 12's audit): who changed the record, a key only; a role's history keeps whose role it was
    "partnerships.HistoricalRole",
    "grants.HistoricalClaim",
    "grants.HistoricalPayment",
    "grants.HistoricalVariationThreshold",
    "grants.AreaPaperSections",  # who last set the sections asked for: a key only
    # Histories of every setting and money record (issue 12 item 6): who changed it, a key only
    "grants.HistoricalAreaPaperSections",
    "grants.HistoricalAwardYear",
    "grants.HistoricalFormulaScenario",
    "grants.HistoricalFundingReceivedYear",
    "grants.HistoricalIndicator",
    "grants.HistoricalIndicatorValue",
    "grants.HistoricalMeasureResult",
    "grants.HistoricalPerformanceReturn",
    "grants.HistoricalReportingRules",
    "grants.HistoricalScenarioLine",
    "grants.HistoricalScenarioWeight",
    "grants.HistoricalSpendForecast",
    "grants.HistoricalSubmissionDeadline",
    "grants.HistoricalYearEnd",
    "partnerships.HistoricalForceArea",
    "partnerships.HistoricalOrganisation",
    "partnerships.HistoricalPartnership",
    "partnerships.HistoricalThematicGroup",
    "priorities.HistoricalLocalPriority",
    "priorities.HistoricalPoliceAndCrimePlan",
    "priorities.HistoricalPriority",
    "priorities.HistoricalStrategicAssessment",
    # who asked for a document: a key only. Its kept file is a cache of other records: once a name there is
    # replaced, the fingerprint no longer matches and the file is made again and the old one deleted.
    "grants.RenderedDocument",
    # A certifier's deputy for one plan: who delegated, to whom, who revoked, keys only (and its history)
    "grants.CertificationDelegation",
    "grants.HistoricalCertificationDelegation",
}


def test_every_model_pointing_at_a_person_says_what_it_copies_of_them():
    declared = {f"{m._meta.app_label}.{m.__name__}" for m, _, _ in declared_copies()}
    problems = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        points_at_user = any(
            getattr(field, "related_model", None) is not None
            and field.related_model._meta.label == settings.AUTH_USER_MODEL
            and field.concrete
            for field in model._meta.get_fields()
        )
        if points_at_user and label not in declared and label not in HOLDS_NO_COPIES:
            problems.append(
                f"{label} has a foreign key to the user: declare PERSONAL_DATA on it (partnerships/personal_data.py) "
                "or, if it copies nothing of the person, add it to HOLDS_NO_COPIES in this test"
            )
    assert not problems, "\n".join(problems)


def test_a_departed_pcc_is_anonymised_and_their_decisions_are_kept():
    area = ForceAreaFactory()
    pcc = pcc_of(area, first_name="Alison", last_name="Hernandez", email="alison@example.org")
    pcc.job_title = "Police and Crime Commissioner"
    pcc.save()
    give_authenticator_app(pcc)
    decision = DecisionFactory(
        user=pcc,
        user_name="Alison Hernandez",
        job_title=pcc.job_title,
        role_kind="pcc",
        comments="Signed off with the Treasurer's advice.",
    )
    declaration = InterestDeclarationFactory(user=pcc, user_name="Alison Hernandez")
    other = DecisionFactory(user_name="Someone Else")
    admin = UserFactory(is_staff=True)

    user_anonymise(user=pcc, by=admin)

    pcc.refresh_from_db()
    assert str(pcc) == f"Former user {pcc.pk}" and pcc.username == f"former-user-{pcc.pk}"
    assert not pcc.is_active and not pcc.has_usable_password() and pcc.email == "" and pcc.job_title == ""
    assert not Authenticator.objects.filter(user=pcc).exists()
    kept = Decision.objects.get(pk=decision.pk)
    assert kept.user_name == f"Former user {pcc.pk}" and kept.job_title == ""
    assert (kept.role_kind, kept.decided_at, kept.comments, kept.action) == (
        decision.role_kind,
        decision.decided_at,
        decision.comments,
        decision.action,
    )
    assert InterestDeclaration.objects.get(pk=declaration.pk).user_name == f"Former user {pcc.pk}"
    assert Decision.objects.get(pk=other.pk).user_name == "Someone Else"
    assert "Alison" not in str(list(Decision.objects.values_list()))
    event = SignInEvent.objects.get(user=pcc, kind="anonymised")
    assert event.method == f"by {admin.username}"


def test_an_anonymised_person_cannot_sign_in_and_is_signed_out(client):
    pcc = pcc_of(ForceAreaFactory())
    other_client = client.__class__()
    other_client.force_login(pcc)
    username = pcc.username
    user_anonymise(user=pcc)
    assert other_client.get(reverse("home")).status_code == 302
    response = sign_in_with_password(client, username)
    assert response.status_code == 200 and "Enter a correct username and password" in response.content.decode()


def test_nobody_anonymises_themselves():
    from django.core.exceptions import ValidationError

    admin = UserFactory(is_staff=True)
    with pytest.raises(ValidationError):
        user_anonymise(user=admin, by=admin)


def test_the_command_anonymises_by_username(capsys):
    pcc = pcc_of(ForceAreaFactory())
    call_command("anonymise_user", pcc.username, "--yes")
    pcc.refresh_from_db()
    assert not pcc.is_active and "Former user" in capsys.readouterr().out

"""The record of sign-ins: every sign-in, sign-out and refused attempt, who, when, from where; kept for a time."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships.accounts.models import SignInEvent
from tests.factories import ForceAreaFactory, PartnershipFactory, UserFactory, officer_of, pcc_of

from .helpers import current_code, enter_code, give_authenticator_app, sign_in_with_password

pytestmark = pytest.mark.django_db


def kinds(**filters):
    return list(SignInEvent.objects.filter(**filters).order_by("at", "pk").values_list("kind", flat=True))


def test_sign_in_and_sign_out_are_recorded_with_the_address(client):
    officer = officer_of(PartnershipFactory())
    client.post(
        reverse("login"),
        {"username": officer.username, "password": "correct horse battery staple"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Firefox/130",
    )
    client.post(reverse("logout"))
    events = list(SignInEvent.objects.filter(user=officer).order_by("at", "pk"))
    assert [e.kind for e in events] == ["signed_in", "signed_out"]
    assert events[0].ip_address == "203.0.113.9" and events[0].user_agent == "Firefox/130"
    assert events[0].method == "password"


def test_a_two_factor_sign_in_records_both_factors_and_a_wrong_code(client):
    user = pcc_of(ForceAreaFactory())
    give_authenticator_app(user)
    sign_in_with_password(client, user.username)
    enter_code(client, "000000")
    enter_code(client, current_code(user))
    assert kinds(user=user) == ["code_refused", "signed_in"]
    assert SignInEvent.objects.get(user=user, kind="signed_in").method == "password and authenticator app"


def test_wrong_passwords_are_recorded_for_real_and_unknown_usernames(client):
    officer = officer_of(PartnershipFactory())
    sign_in_with_password(client, officer.username, "wrong")
    sign_in_with_password(client, "no.such.person", "wrong")
    assert kinds(user=officer) == ["password_refused"]
    unknown = SignInEvent.objects.get(username="no.such.person")
    assert unknown.user is None and unknown.kind == "password_refused"


def test_attempts_while_sign_in_is_paused_are_recorded_as_such(client, settings):
    officer = officer_of(PartnershipFactory())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(client, officer.username, "wrong")
    response = sign_in_with_password(client, officer.username)
    assert response.status_code == 429
    recorded = kinds(user=officer)
    assert recorded.count("password_refused") == settings.AXES_FAILURE_LIMIT - 1
    assert recorded[-1] == "paused" and "signed_in" not in recorded


def test_the_site_administrator_reads_the_record_and_nobody_edits_it(client):
    officer = officer_of(PartnershipFactory())
    sign_in_with_password(client, officer.username, "wrong")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_signinevent_changelist"))
    assert listing.status_code == 200 and officer.username in listing.content.decode()
    event = SignInEvent.objects.get(user=officer)
    assert client.get(reverse("admin:accounts_signinevent_add")).status_code == 403
    assert client.post(reverse("admin:accounts_signinevent_delete", args=[event.pk])).status_code == 403
    detail = client.post(reverse("admin:accounts_signinevent_change", args=[event.pk]), {"username": "changed"})
    event.refresh_from_db()
    assert event.username == officer.username and detail.status_code in (200, 403)


def test_others_cannot_read_the_record(client):
    client.force_login(officer_of(PartnershipFactory()))
    response = client.get(reverse("admin:accounts_signinevent_changelist"))
    assert response.status_code == 302


def test_people_see_their_own_recent_sign_ins(client):
    officer = officer_of(PartnershipFactory())
    sign_in_with_password(client, officer.username, "wrong")
    sign_in_with_password(client, officer.username)
    page = client.get(reverse("account")).content.decode()
    assert "Your recent sign-ins" in page and "Refused: wrong username or password" in page


def test_old_records_are_deleted_after_the_retention_period(settings):
    settings.SIGN_IN_EVENTS_RETENTION_DAYS = 30
    officer = officer_of(PartnershipFactory())
    old = SignInEvent.objects.create(kind="signed_in", username=officer.username, user=officer)
    SignInEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = SignInEvent.objects.create(kind="signed_in", username=officer.username, user=officer)
    call_command("apply_retention")
    assert list(SignInEvent.objects.values_list("pk", flat=True)) == [recent.pk]

"""Password reset by e-mail and change of password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from partnerships.accounts.models import SignInEvent
from tests.factories import PartnershipFactory, officer_of

from .helpers import PASSWORD, sign_in_with_password

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum tractor lantern seven"


def test_a_forgotten_password_is_reset_from_an_emailed_link(client, settings):
    settings.SITE_URL = "https://grants.example.org"
    officer = officer_of(PartnershipFactory(), email="jo.bloggs@plymouth.gov.uk")
    response = client.post(reverse("account_reset_password"), {"email": "Jo.Bloggs@plymouth.gov.uk"})
    assert response.status_code == 302 and response.url == reverse("account_reset_password_done")
    assert "Check your e-mail" in client.get(response.url).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo.bloggs@plymouth.gov.uk"]
    assert message.subject.startswith("Community safety grants: ")
    link = re.search(r"https://grants\.example\.org(/password-reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("account_reset_password_from_key_done")

    assert sign_in_with_password(client, officer.username, NEW_PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert SignInEvent.objects.filter(user=officer, kind=SignInEvent.Kind.PASSWORD_RESET).exists()

    client.post(reverse("logout"))
    used_again = client.get(link, follow=True)
    assert "This link does not work" in used_again.content.decode()


def test_an_unknown_address_is_told_the_same_as_a_known_one(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("account_reset_password_done")


def test_a_weak_new_password_is_refused_beside_the_field(client):
    officer = officer_of(PartnershipFactory())
    client.force_login(officer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and "too short" in content


def test_changing_the_password_needs_the_current_one(client):
    officer = officer_of(PartnershipFactory())
    client.force_login(officer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "Enter your current password correctly" in response.content.decode()


def test_a_changed_password_works_and_is_recorded_and_emailed(client):
    officer = officer_of(PartnershipFactory())
    client.force_login(officer)
    page = client.get(reverse("account_change_password"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert SignInEvent.objects.filter(user=officer, kind=SignInEvent.Kind.PASSWORD_CHANGED).exists()
    assert any("password" in m.subject.lower() for m in mail.outbox)

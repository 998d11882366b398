"""Two-factor sign-in: required for force-area roles and site administrators, optional for everyone else."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.urls import reverse

from partnerships.accounts.demo import DEMO_TOTP_SECRET, totp_code_now
from partnerships.accounts.policy import two_factor_required
from tests.factories import (
    ForceAreaFactory,
    PartnershipFactory,
    UserFactory,
    board_member_of,
    officer_of,
    opcc_of,
    pcc_of,
    treasurer_of,
)

from .helpers import current_code, enter_code, give_authenticator_app, sign_in_with_password

pytestmark = pytest.mark.django_db


def test_who_must_use_two_factor_sign_in():
    area = ForceAreaFactory()
    partnership = PartnershipFactory(force_area=area)
    assert two_factor_required(pcc_of(area))
    assert two_factor_required(treasurer_of(area))
    assert two_factor_required(opcc_of(area))
    assert two_factor_required(UserFactory(is_staff=True))
    assert two_factor_required(UserFactory(is_superuser=True))
    assert not two_factor_required(officer_of(partnership))
    assert not two_factor_required(board_member_of(partnership))


def test_the_pcc_signs_in_with_a_password_and_a_code(client, demo, settings, demo_user):
    response = client.post(reverse("login"), {"username": "pcc.devon", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    page = client.get(response.url)
    assert "Enter your code" in page.content.decode()

    response = enter_code(client, current_code(demo_user("pcc.devon")))
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "Police and Crime Commissioner" in home.content.decode()


def test_the_password_alone_opens_nothing_for_the_pcc(client, demo, settings):
    client.post(reverse("login"), {"username": "pcc.devon", "password": settings.DEMO_PASSWORD})
    for url in (reverse("home"), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_wrong_code_is_refused_with_a_message(client, demo, settings):
    client.post(reverse("login"), {"username": "pcc.devon", "password": settings.DEMO_PASSWORD})
    response = enter_code(client, "000000")
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and "The code is not right" in content
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_signs_in_once(client, settings):
    user = pcc_of(ForceAreaFactory())
    give_authenticator_app(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]

    sign_in_with_password(client, user.username)
    assert enter_code(client, code).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    sign_in_with_password(client, user.username)
    response = enter_code(client, code)
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_someone_who_must_use_it_sets_it_up_right_after_the_password(client):
    user = opcc_of(ForceAreaFactory())
    response = sign_in_with_password(client, user.username)
    assert response.status_code == 302

    for url in (reverse("home"), reverse("grants:oversight-home"), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_index"), url
    page = client.get(reverse("mfa_index"), follow=True).content.decode()
    assert "Your role needs two-factor sign-in" in page and "Set up an authenticator app" in page
    # Public pages and signing out still work.
    assert client.get(reverse("accessibility")).status_code == 200

    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and 'src="data:image/svg+xml;base64,' in setup.content.decode()
    secret = client.session["mfa.totp.secret"]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code_now(secret)})
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")

    codes = client.get(response.url).content.decode()
    assert "Your recovery codes" in codes and codes.count("<li>") >= 10
    assert client.get(reverse("home")).status_code == 200
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_a_csp_officer_may_sign_in_with_a_password_alone(client):
    officer = officer_of(PartnershipFactory())
    sign_in_with_password(client, officer.username)
    assert client.get(reverse("home")).status_code == 200


def test_an_officer_who_turned_it_on_needs_the_code(client):
    officer = officer_of(PartnershipFactory())
    give_authenticator_app(officer)
    response = sign_in_with_password(client, officer.username)
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302
    enter_code(client, current_code(officer))
    assert client.get(reverse("home")).status_code == 200


def test_a_session_that_skipped_the_second_factor_is_signed_out(client):
    """A session made without the code form (an old session, a sign-in by some other path) of someone who has a
    second factor: they are signed out and asked to sign in again."""
    officer = officer_of(PartnershipFactory())
    give_authenticator_app(officer)
    client.force_login(officer, second_factor=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_force_login_without_the_second_factor_sends_the_treasurer_to_set_up(client):
    client.force_login(treasurer_of(ForceAreaFactory()), second_factor=False)
    assert client.get(reverse("home")).url == reverse("mfa_index")


def test_someone_who_must_use_it_cannot_remove_their_only_authenticator_app(client):
    user = pcc_of(ForceAreaFactory())
    give_authenticator_app(user)
    client.force_login(user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "you cannot remove your only way" in response.content.decode()
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_an_officer_can_turn_it_off_again(client):
    officer = officer_of(PartnershipFactory())
    give_authenticator_app(officer)
    client.force_login(officer)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=officer, type="totp").exists()


def test_the_admin_sign_in_form_sends_people_to_the_service_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == reverse("login") + "?next=/admin/"


def test_authenticator_secrets_are_encrypted_in_the_database():
    user = pcc_of(ForceAreaFactory())
    secret = give_authenticator_app(user)
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert secret not in stored and stored.startswith("fernet:")


def test_demo_users_who_need_it_have_the_demo_authenticator_app(demo, demo_user, capsys):
    for username in ("opcc.devon", "pcc.devon", "treasurer.devon", "opcc.avon", "pcc.avon", "treasurer.avon", "admin"):
        assert Authenticator.objects.filter(user=demo_user(username), type="totp").exists(), username
    assert not Authenticator.objects.filter(user=demo_user("officer.plymouth")).exists()

    call_command("demo_totp", "pcc.devon")
    assert capsys.readouterr().out.strip() == totp_code_now(DEMO_TOTP_SECRET)


def test_demo_totp_prints_only_demo_codes(demo):
    user = pcc_of(ForceAreaFactory())
    give_authenticator_app(user)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="only prints demo users"):
        call_command("demo_totp", user.username)


def test_the_sign_in_page_says_what_happens_after_too_many_failures(client, settings):
    content = client.get(reverse("login")).content.decode()
    assert f"After {settings.AXES_FAILURE_LIMIT} wrong passwords in a row" in content
    assert "paused for 1 hour" in content
    assert "Forgotten your password?" in content


def test_two_factor_pages_render_for_a_signed_in_officer(client):
    officer = officer_of(PartnershipFactory())
    client.force_login(officer)
    for name in ("account", "mfa_index", "mfa_activate_totp", "mfa_list_webauthn", "mfa_add_webauthn"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name

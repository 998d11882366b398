"""Sign-in, password and two-factor pages: allauth's views at addresses in the users' words, under allauth's URL
names (which allauth reverses itself). Only the flows this service uses are routed: no sign-up, no e-mail address
management, no sign-in by e-mailed code."""

from allauth.account import views as account
from allauth.mfa.base import views as mfa
from allauth.mfa.recovery_codes import views as recovery_codes
from allauth.mfa.totp import views as totp
from allauth.mfa.webauthn import views as webauthn
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.generic import RedirectView

from .views import AccountView

sign_out = auth_views.LogoutView.as_view()

urlpatterns = [
    path("sign-in/", account.login, name="login"),
    path("sign-in/", account.login, name="account_login"),
    path("sign-in/code/", mfa.authenticate, name="mfa_authenticate"),
    path("sign-in/passkey/", webauthn.login_webauthn, name="mfa_login_webauthn"),
    path("sign-out/", sign_out, name="logout"),
    path("sign-out/", sign_out, name="account_logout"),
    path("account/", AccountView.as_view(), name="account"),
    path("account/inactive/", account.account_inactive, name="account_inactive"),
    path("account/confirm/", account.reauthenticate, name="account_reauthenticate"),
    path("account/password/", account.password_change, name="account_change_password"),
    path("account/password/set/", account.password_set, name="account_set_password"),
    path("account/two-factor/", mfa.index, name="mfa_index"),
    path("account/two-factor/confirm/", mfa.reauthenticate, name="mfa_reauthenticate"),
    path("account/two-factor/app/", totp.activate_totp, name="mfa_activate_totp"),
    path("account/two-factor/app/remove/", totp.deactivate_totp, name="mfa_deactivate_totp"),
    path("account/two-factor/recovery-codes/", recovery_codes.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "account/two-factor/recovery-codes/new/",
        recovery_codes.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "account/two-factor/recovery-codes/download/",
        recovery_codes.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
    path("account/two-factor/passkeys/", webauthn.list_webauthn, name="mfa_list_webauthn"),
    path("account/two-factor/passkeys/add/", webauthn.add_webauthn, name="mfa_add_webauthn"),
    path("account/two-factor/passkeys/confirm/", webauthn.reauthenticate_webauthn, name="mfa_reauthenticate_webauthn"),
    path("account/two-factor/passkeys/<int:pk>/remove/", webauthn.remove_webauthn, name="mfa_remove_webauthn"),
    path("account/two-factor/passkeys/<int:pk>/rename/", webauthn.edit_webauthn, name="mfa_edit_webauthn"),
    path("password-reset/", account.password_reset, name="account_reset_password"),
    path("password-reset/sent/", account.password_reset_done, name="account_reset_password_done"),
    path("password-reset/done/", account.password_reset_from_key_done, name="account_reset_password_from_key_done"),
    re_path(
        r"^password-reset/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    # The admin's own sign-in form would skip the second factor: it sends people to the service's sign-in page.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin-sign-in",
    ),
]

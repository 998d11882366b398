"""Two-factor sign-in enforced on every page, not only at the sign-in form; every refused request recorded."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .audit import REFUSED, refused_request_record
from .policy import has_second_factor, session_passed_second_factor, two_factor_required

# Pages a signed-in person who still owes a second factor may use: setting one up (allauth asks for the password
# again first when the sign-in is more than a few minutes old), and signing out.
SET_UP_PAGES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "account_reauthenticate",
    "logout",
    "account_logout",
}
CHECKED_KEY = "two_factor_not_needed_at"
RECHECK_SECONDS = 60


class TwoFactorMiddleware:
    """A signed-in session that has not passed a second factor reaches nothing but public pages and set-up when:

    - the person has a second factor (an authenticator app or a passkey): allauth asks for it before signing in,
      so such a session was made some other way (an old session, a sign-in that bypassed the form): it is signed
      out and the person signs in again with both factors;
    - the person must use two-factor sign-in (`policy.two_factor_required`) and has none yet: they are taken to set
      it up, right after their password, and nothing else opens until they have.

    For everyone else the check is repeated at most once a minute per session (one query), so a role that needs
    two-factor sign-in takes effect within a minute of being given.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or session_passed_second_factor(request):
            return None
        checked = request.session.get(CHECKED_KEY)
        if checked and time.time() - checked < RECHECK_SECONDS:
            return None
        public = getattr(view_func, "login_required", True) is False
        name = request.resolver_match.url_name if request.resolver_match else None
        if has_second_factor(user):
            if public or name in ("logout", "account_logout"):
                return None
            logout(request)
            messages.info(request, "Sign in again with your password and your second factor.")
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if two_factor_required(user):
            if public or name in SET_UP_PAGES:
                return None
            messages.warning(
                request,
                "Your role needs two-factor sign-in. Set it up now: you can use the service once it is on.",
            )
            return redirect("mfa_index")
        request.session[CHECKED_KEY] = time.time()
        return None


class RefusedRequestMiddleware:
    """Records every request the service refuses: each 403, and each 404 answered to someone signed in (how the
    service refuses another partnership's or area's records), whichever view, middleware or handler refused it.
    One place for the whole service, so no view needs to remember; the writer never raises (audit.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            refused_request_record(request, response.status_code)
        return response

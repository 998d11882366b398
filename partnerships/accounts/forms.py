"""allauth's sign-in, password and two-factor forms in GOV.UK style: labels and hints in the users' words, no
placeholders, autocomplete hints for password managers and one-time codes (WCAG 1.3.5)."""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.core import context as allauth_context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django.conf import settings

from .policy import session_record_second_factor


class GovukForm:
    """Lays the form out with crispy-forms-gds: every visible field a text input, then one button."""

    button = "Continue"
    field_width = 20
    hints: dict[str, str] = {}
    labels: dict[str, str] = {}

    def _govuk(self):
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]
            elif hasattr(field, "_get_help_text") or "Forgot" in str(field.help_text or ""):
                field.help_text = ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        visible = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        self.helper.layout = Layout(
            *(Field.text(name, field_width=self.field_width) for name in visible), Button("submit", self.button)
        )


class SignInForm(GovukForm, account_forms.LoginForm):
    """Username and password. The field is posted as `username` (Django's own sign-in form's name, which password
    managers and the tests know); allauth reads it as its `login`."""

    button = "Sign in"
    labels = {"username": "Username", "password": "Password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"] = self.fields.pop("login")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.order_fields(["username", "password"])
        self._govuk()

    def clean(self):
        if "username" in self.cleaned_data:
            self.cleaned_data["login"] = self.cleaned_data["username"].strip()
        return super().clean()


class PasswordResetForm(GovukForm, account_forms.ResetPasswordForm):
    button = "Send the link"
    field_width = 30
    labels = {"email": "Email address"}
    hints = {"email": "The address your account was set up with, usually your work address"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"spellcheck": "false"})
        self._govuk()


NEW_PASSWORD_HINT = (
    "At least 12 characters. Not a common password, not only numbers, and not like your name or username. "
    "A few random words together work well."
)


class PasswordResetFromKeyForm(GovukForm, account_forms.ResetPasswordKeyForm):
    button = "Save the new password"
    labels = {"password1": "New password", "password2": "Confirm new password"}
    hints = {"password1": NEW_PASSWORD_HINT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._govuk()


class PasswordChangeForm(GovukForm, account_forms.ChangePasswordForm):
    button = "Change password"
    labels = {"oldpassword": "Current password", "password1": "New password", "password2": "Confirm new password"}
    hints = {"password1": NEW_PASSWORD_HINT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._govuk()


class PasswordSetForm(GovukForm, account_forms.SetPasswordForm):
    button = "Save the password"
    labels = {"password1": "Password", "password2": "Confirm password"}
    hints = {"password1": NEW_PASSWORD_HINT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._govuk()


class ReauthenticateForm(GovukForm, account_forms.ReauthenticateForm):
    button = "Confirm"
    labels = {"password": "Password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._govuk()


class CodeField:
    """The GOV.UK pattern for a security code: numeric keypad, one-time-code autocomplete, no spell check."""

    label = "Code"
    hint = "The 6-digit code your authenticator app shows now, or one of your 8-digit recovery codes"

    def _code_field(self):
        field = self.fields["code"]
        field.label = self.label
        field.help_text = self.hint
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("code", field_width=10), Button("submit", self.button))


class TwoFactorCodeForm(CodeField, mfa_forms.AuthenticateForm):
    button = "Sign in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._code_field()


class TwoFactorReauthenticateForm(CodeField, mfa_forms.ReauthenticateForm):
    button = "Confirm"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._code_field()


class ActivateTOTPForm(CodeField, totp_forms.ActivateTOTPForm):
    """Setting up the app proves it: the session counts as having passed the second factor from then on, so the
    person goes straight on (to their recovery codes, then the service) without signing in again."""

    button = "Turn on two-factor sign-in"
    hint = "The 6-digit code your authenticator app shows for Community Safety Grants"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._code_field()

    def clean_code(self) -> str:
        code = super().clean_code()
        if allauth_context.request is not None:
            session_record_second_factor(allauth_context.request, self.user, type="totp")
        return code


def pause_words() -> str:
    """What the sign-in page tells people about repeated failures, from django-axes's own settings."""
    hours = settings.AXES_COOLOFF_TIME
    return (
        f"After {settings.AXES_FAILURE_LIMIT} wrong passwords in a row, signing in to that account from your "
        f"address is paused for {hours} hour{'s' if hours != 1 else ''}."
    )

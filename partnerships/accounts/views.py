"""The person's own account page; everything else here is allauth's views with this app's templates."""

from allauth.mfa.models import Authenticator
from django.views.generic import TemplateView

from .models import SignInEvent
from .policy import SECOND_FACTORS, two_factor_required


class AccountView(TemplateView):
    """Name, roles, password, two-factor sign-in, and the person's own recent sign-ins (so they can spot one that
    was not them)."""

    template_name = "account/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        factors = Authenticator.objects.filter(user=user)
        return super().get_context_data(
            **kwargs,
            factors=factors,
            has_second_factor=any(f.type in SECOND_FACTORS for f in factors),
            has_app=any(f.type == Authenticator.Type.TOTP for f in factors),
            passkeys=[f for f in factors if f.type == Authenticator.Type.WEBAUTHN],
            two_factor_required=two_factor_required(user),
            recent_sign_ins=SignInEvent.objects.filter(user=user)[:10],
        )

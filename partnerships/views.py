"""Accepting an invitation: the one page of this app. Self-contained (no sign-in needed to open it), so that the
sign-in pages can change without touching it.

Someone new sets their name, username and password and is then asked to sign in. Someone who already has an
account for the invited e-mail address signs in first and accepts with one button: the role joins their account.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from .forms import InvitationAcceptForm
from .models import Invitation
from .services import existing_account, invitation_accept, invitation_refusal


@method_decorator([login_not_required, never_cache], name="dispatch")
class InvitationAcceptView(View):
    template_name = "registration/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = (
            Invitation.objects.select_related("force_area", "partnership__force_area", "invited_by")
            .filter(pk=kwargs["pk"])
            .first()
        )
        self.token = kwargs["token"]
        refusal = invitation_refusal(self.invitation, self.token)
        if refusal and (self.invitation is None or not self.invitation.check_token(self.token)):
            raise Http404(refusal)  # a link that was never valid discloses nothing
        if refusal:
            return TemplateResponse(request, "registration/invitation_unusable.html", {"reason": refusal}, status=410)
        self.account = existing_account(self.invitation)
        return super().dispatch(request, *args, **kwargs)

    def render(self, form=None, status=200):
        signed_in_as_invitee = (
            self.account is not None and self.request.user.is_authenticated and self.request.user.pk == self.account.pk
        )
        context = {
            "invitation": self.invitation,
            "form": form,
            "account": self.account,
            "signed_in_as_invitee": signed_in_as_invitee,
            "next": self.request.get_full_path(),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        if self.account is None:
            suggested = self.invitation.email.split("@")[0]
            return self.render(InvitationAcceptForm(initial={"username": suggested}))
        return self.render()

    def post(self, request, *args, **kwargs):
        if self.account is not None:
            if not (request.user.is_authenticated and request.user.pk == self.account.pk):
                return self.render(status=403)
            try:
                invitation_accept(invitation=self.invitation, token=self.token, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return self.render(status=400)
            messages.success(request, f"You are now {self.invitation.role_title}, {self.invitation.scope}.")
            return redirect("home")
        form = InvitationAcceptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation_accept(
                    invitation=self.invitation,
                    token=self.token,
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, "Your account is ready. Sign in with your username and new password.")
                return redirect("login")
        return self.render(form, status=200)

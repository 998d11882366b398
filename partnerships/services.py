"""Every write about who is who: a force area's funder body over time, its councils and partnerships, and the
invitations that give people their roles. Keyword-only, atomic, and refusing with `ValidationError` messages
that say which field is at fault.

The OPCC administrator's set-up pages call these; so does the Django admin's invitation form and the demo.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from .models import ForceArea, FunderBody, Invitation, Organisation, Partnership, Role, User, new_nonce

log = logging.getLogger(__name__)

BODY_FIELDS = ("kind", "name", "org_id", "holder_name", "holder_title", "decision_maker_title", "finance_officer_title")


def _with_usual_titles(details: dict) -> dict:
    """Titles left blank take the usual ones of the kind of body ("Deputy Mayor for Policing and Crime")."""
    kind = details.get("kind") or FunderBody.Kind.PCC
    holder, decision_maker, finance = FunderBody.TITLES[kind]
    usual = {"holder_title": holder, "decision_maker_title": decision_maker, "finance_officer_title": finance}
    return {**details, "kind": kind, **{k: v for k, v in usual.items() if not (details.get(k) or "").strip()}}


def _full_clean(instance, *, exclude=None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


# --- the funder body -------------------------------------------------------------------------------------------


@transaction.atomic
def funder_body_change(*, force_area: ForceArea, starts_on: datetime.date, **details) -> FunderBody:
    """A new body (or the same body under a new name or identifier) holds the area's police and crime functions
    from `starts_on`: the body in force until then ends the day before, and keeps its own name for everything
    decided and published while it was in force."""
    ForceArea.objects.select_for_update().get(pk=force_area.pk)
    current = FunderBody.objects.filter(force_area=force_area, ends_on__isnull=True).first()
    later = FunderBody.objects.filter(force_area=force_area, starts_on__gte=starts_on)
    if (clash := later.first()) is not None:
        raise ValidationError(
            {"starts_on": f"{clash} starts on {clash.starts_on:%-d %B %Y}: a new body must start after it."}
        )
    if current is not None:
        if current.starts_on and starts_on <= current.starts_on:
            raise ValidationError(
                {"starts_on": f"The new body must start after {current} did ({current.starts_on:%-d %B %Y})."}
            )
        current.ends_on = starts_on - datetime.timedelta(days=1)
        current.save(update_fields=["ends_on"])
    details = _with_usual_titles(details)
    body = FunderBody(
        force_area=force_area, starts_on=starts_on, **{k: (details.get(k) or "").strip() for k in BODY_FIELDS}
    )
    _full_clean(body)
    body.save()
    force_area.forget_funder()
    return body


@transaction.atomic
def funder_body_correct(*, force_area: ForceArea, **details) -> FunderBody:
    """Puts right a mistake in the details of the body in force today (a misspelt title, a mistyped identifier)
    without starting a new period; each correction is kept in the body's history. An area with no body yet gets
    its first one, in force since before any records."""
    ForceArea.objects.select_for_update().get(pk=force_area.pk)
    force_area.forget_funder()
    current = force_area.funder
    if current.pk is None:
        details = _with_usual_titles(details)
        body = FunderBody(force_area=force_area, **{k: (details.get(k) or "").strip() for k in BODY_FIELDS})
        _full_clean(body)
        body.save()
        force_area.forget_funder()
        return body
    locked = FunderBody.objects.select_for_update().get(pk=current.pk)
    details = _with_usual_titles({name: details.get(name, getattr(locked, name)) for name in BODY_FIELDS})
    for name in BODY_FIELDS:
        setattr(locked, name, (details[name] or "").strip())
    _full_clean(locked)
    locked.save()
    locked.force_area.forget_funder()
    return locked


@transaction.atomic
def sign_off_order_set(*, force_area: ForceArea, order: str) -> ForceArea:
    """How the area's decision-maker and finance officer sign off spending plans, one of the orders the workflow
    table allows (grants/workflow.py). Plans already submitted keep the order they were submitted under."""
    if order not in ForceArea.SignOffOrder.values:
        raise ValidationError({"sign_off_order": "Choose how the final sign-off is given."})
    locked = ForceArea.objects.select_for_update().get(pk=force_area.pk)
    locked.sign_off_order = order
    locked.save(update_fields=["sign_off_order"])  # saved, not updated, so its history records who and when
    force_area.sign_off_order = order
    return force_area


# --- councils and partnerships ---------------------------------------------------------------------------------


@transaction.atomic
def local_authority_create(*, name: str, ons_code: str, local_authority_code: str = "") -> Organisation:
    """A council, with the ONS code of its district and its register code (its org-id, GB-LAE-… or GB-PLA-…)."""
    council = Organisation(
        name=name.strip(),
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        ons_code=ons_code.strip(),
        local_authority_code=local_authority_code.strip(),
    )
    _full_clean(council)
    council.save()
    return council


def _unique_slug(name: str, *, exclude: int | None = None) -> str:
    base = slugify(name)[:90] or "partnership"
    slug, number = base, 2
    while Partnership.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_councils(councils: list[Organisation]) -> None:
    if not councils:
        raise ValidationError({"local_authorities": "Choose the council or councils whose areas the CSP covers."})
    wrong = [c.name for c in councils if not c.is_local_authority]
    if wrong:
        raise ValidationError({"local_authorities": f"{', '.join(wrong)} is not a local authority."})


@transaction.atomic
def partnership_create(
    *,
    force_area: ForceArea,
    name: str,
    local_authorities: list[Organisation],
    has_executive_group: bool = True,
    accountable_body: Organisation | None = None,
    ons_code: str = "",
) -> Partnership:
    """A Community Safety Partnership of the area, covering one or several councils. The accountable body (who
    receives the grant) is the first council unless another is named."""
    _check_councils(local_authorities)
    partnership = Partnership(
        force_area=force_area,
        name=name.strip(),
        slug=_unique_slug(name),
        has_executive_group=has_executive_group,
        accountable_body=accountable_body or sorted(local_authorities, key=lambda c: c.name)[0],
        ons_code=ons_code.strip(),
    )
    _full_clean(partnership)
    partnership.save()
    partnership.local_authorities.set(local_authorities)
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    name: str,
    local_authorities: list[Organisation],
    has_executive_group: bool,
    accountable_body: Organisation | None = None,
    ons_code: str = "",
) -> Partnership:
    _check_councils(local_authorities)
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    locked.name = name.strip()
    locked.has_executive_group = has_executive_group
    locked.accountable_body = accountable_body or locked.accountable_body
    locked.ons_code = ons_code.strip()
    _full_clean(locked)
    locked.save()
    locked.local_authorities.set(local_authorities)
    return locked


# --- invitations -----------------------------------------------------------------------------------------------


def _scope_errors(kind: str, force_area: ForceArea | None, partnership: Partnership | None) -> dict:
    if kind in Role.PARTNERSHIP_KINDS:
        if partnership is None:
            return {"partnership": "Choose the partnership for this role."}
    elif kind in Role.FORCE_AREA_KINDS:
        if force_area is None:
            return {"kind": "Choose the force area for this role."}
    else:
        return {"kind": "Choose a role."}
    return {}


@transaction.atomic
def invitation_create(
    *,
    by: User,
    email: str,
    kind: str,
    force_area: ForceArea | None = None,
    partnership: Partnership | None = None,
) -> Invitation:
    """Invites `email` to a role; the e-mail with the link goes after the invitation is saved (never for one
    that is rolled back). A CSP role is for a partnership, any other role for the force area."""
    email = (email or "").strip()
    if kind in Role.PARTNERSHIP_KINDS:
        force_area = None
    else:
        partnership = None
    if errors := _scope_errors(kind, force_area, partnership):
        raise ValidationError(errors)
    scope = Q(partnership=partnership) if partnership is not None else Q(force_area=force_area)
    if Role.objects.filter(scope, kind=kind, user__email__iexact=email, user__is_active=True).exists():
        raise ValidationError({"email": f"{email} already holds this role."})
    if Invitation.objects.waiting().filter(scope, kind=kind, email__iexact=email).exists():
        raise ValidationError(
            {"email": f"An invitation to {email} for this role is already waiting. Send it again from the list."}
        )
    invitation = Invitation(
        email=email,
        kind=kind,
        force_area=force_area,
        partnership=partnership,
        invited_by=by if by is not None and by.is_authenticated else None,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    _full_clean(invitation, exclude=["nonce"])
    invitation.save()
    transaction.on_commit(lambda: _queue_invitation(invitation.pk))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A new link, valid for another 14 days; the old link stops working."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at or locked.withdrawn_at:
        raise ValidationError(
            f"This invitation has been {locked.get_state_display().lower()}: it cannot be sent again."
        )
    locked.nonce = new_nonce()
    locked.expires_at = timezone.now() + Invitation.VALID_FOR
    locked.save(update_fields=["nonce", "expires_at"])
    transaction.on_commit(lambda: _queue_invitation(locked.pk))
    return locked


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at:
        raise ValidationError("This invitation has already been accepted: remove the person's role instead.")
    locked.withdrawn_at = locked.withdrawn_at or timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    return locked


def _queue_invitation(invitation_id: int) -> None:
    """The e-mail goes through the task queue (partnerships/tasks.py), never in the web request."""
    from partnerships.tasks import send_invitation

    send_invitation.enqueue(invitation_id)


def invitation_message(invitation: Invitation) -> EmailMessage:
    inviter = invitation.invited_by.display_name if invitation.invited_by else "The site administrator"
    link = f"{settings.SITE_URL}{invitation.get_accept_url()}"
    role = f"{invitation.role_title}, {invitation.scope}"
    body = (
        f"{inviter} has invited you to Community Safety Grants as {role}.\n\n"
        f"Open this link to accept and set your password:\n{link}\n\n"
        f"The link works once, until {timezone.localtime(invitation.expires_at):%-d %B %Y at %H:%M}. If you were "
        "not expecting this e-mail, you can ignore it.\n"
    )
    return EmailMessage(subject=f"You are invited to Community Safety Grants: {role}", body=body, to=[invitation.email])


def invitation_send(invitation_id: int) -> bool:
    """Sends the invitation's e-mail. Runs after the commit, through the task queue; a mail
    server that fails is logged, and the OPCC can send it again from the list."""
    invitation = Invitation.objects.select_related("force_area", "partnership__force_area", "invited_by").get(
        pk=invitation_id
    )
    if invitation.state != Invitation.State.WAITING:
        return False
    try:
        sent = get_connection().send_messages([invitation_message(invitation)])
    except Exception:  # noqa: BLE001 - any mail failure: the invitation stands and can be sent again
        log.exception("Could not send invitation %s", invitation_id)
        return False
    if sent:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return bool(sent)


def invitation_refusal(invitation: Invitation | None, token: str) -> str:
    """Why a link cannot be used, in words for the person holding it, or "" when it can."""
    if invitation is None or not invitation.check_token(token):
        return "This invitation link is not valid. Check you copied the whole link from the e-mail."
    state = invitation.state
    if state == Invitation.State.ACCEPTED:
        return "This invitation has already been used. Sign in with the username and password you chose."
    if state == Invitation.State.WITHDRAWN:
        return "This invitation has been withdrawn. Ask the person who invited you if you still need access."
    if state == Invitation.State.EXPIRED:
        return "This invitation has expired. Ask the person who invited you to send it again."
    return ""


def existing_account(invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("pk").first()


def _grant_role(invitation: Invitation, user: User) -> Role:
    role, _ = Role.objects.get_or_create(
        user=user, kind=invitation.kind, partnership=invitation.partnership, force_area=invitation.force_area
    )
    return role


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    token: str,
    username: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    user: User | None = None,
) -> User:
    """Accepts an invitation, once: with `user`, the signed-in account it was sent to takes the role; otherwise a
    new account is made with the name, username and password the person chose."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("force_area", "partnership")
        .get(pk=invitation.pk)
    )
    if refusal := invitation_refusal(locked, token):
        raise ValidationError(refusal, code="unusable")
    if user is not None:
        if user.email.lower() != locked.email.lower():
            raise ValidationError(
                f"This invitation was sent to {locked.email}. Sign in with that account to accept it.", code="wrong"
            )
    else:
        if existing_account(locked) is not None:
            raise ValidationError(
                f"There is already an account for {locked.email}. Sign in to it, then open the link again.",
                code="exists",
            )
        errors = {}
        username = username.strip()
        if not first_name.strip():
            errors["first_name"] = "Enter your first name."
        if not last_name.strip():
            errors["last_name"] = "Enter your last name."
        if not username:
            errors["username"] = "Choose a username."
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = "That username is taken. Choose another."
        user = User(
            username=username,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=locked.email,
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            errors["password"] = error.messages
        if username and "username" not in errors:
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as error:
                errors.update({k: v for k, v in error.message_dict.items() if k in ("username", "email")})
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.save()
    _grant_role(locked, user)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def role_remove(*, role: Role, by: User) -> None:
    """Takes a role away. An OPCC administrator cannot remove their own administrator role, so an area is never
    left with nobody to set it up."""
    if role.user_id == by.pk and role.kind == Role.Kind.ADMINISTRATOR:
        raise ValidationError("You cannot remove your own OPCC administrator role. Ask another administrator.")
    role.delete()

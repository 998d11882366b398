"""Who is who: police force areas and the bodies that fund their CSPs (a PCC, a mayor, a successor body),
Community Safety Partnerships and the councils they cover, providers, people's roles and invitations.

This app knows nothing of grants or priorities; they depend on it, never the reverse.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from simple_history.models import HistoricalRecords

from .identifiers import (
    local_authority_prefix,
    validate_charity_number,
    validate_company_number,
    validate_local_authority_code,
    validate_local_authority_district_code,
    validate_ons_code,
    validate_org_id,
)
from .querysets import ForceAreaQuerySet, InvitationQuerySet, PartnershipQuerySet, RoleQuerySet


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their `Role`s, not from Django groups.

    Site administrators are Django staff; everyone else works through roles scoped to a partnership or area.
    """

    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class ForceArea(models.Model):
    """A police force area. Who funds its CSPs is its funder body in force on a date (`funder_on`): a Police and
    Crime Commissioner until 2028 in most areas, a mayor in some, a successor body later."""

    class SignOffOrder(models.TextChoices):
        PARALLEL = "parallel", "Together: the decision-maker and the finance officer sign off in either order"
        FINANCE_FIRST = "finance_first", "The finance officer first, then the decision-maker"

    name = models.CharField(max_length=200, unique=True, help_text="For example Devon & Cornwall.")
    slug = models.SlugField(max_length=100, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[validate_ons_code],
        help_text="Police force area code (E23…), used in 360Giving.",
    )
    sign_off_order = models.CharField(
        "Order of the final sign-off",
        max_length=20,
        choices=SignOffOrder.choices,
        default=SignOffOrder.PARALLEL,
        help_text="How the decision-maker and the finance officer sign off a spending plan after OPCC scrutiny. "
        "Both always sign; a plan keeps the order in force when it was submitted.",
    )

    objects = ForceAreaQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def _bodies(self) -> list[FunderBody]:
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "funder_bodies" in cache:
            return list(cache["funder_bodies"])
        if "_funder_bodies" not in self.__dict__:
            self.__dict__["_funder_bodies"] = list(self.funder_bodies.all()) if self.pk else []
        return self.__dict__["_funder_bodies"]

    def funder_on(self, day: datetime.date) -> FunderBody:
        """The body holding the area's police and crime functions on `day`. Decisions and publications name the
        body in force when they were made. An area set up without one is funded by its Police and Crime
        Commissioner (an unsaved body, so that words and documents never lack a title)."""
        for body in self._bodies():
            if body.covers(day):
                return body
        return FunderBody.default_for(self)

    @property
    def funder(self) -> FunderBody:
        """The body in force today: whose titles the sign-off buttons and pages use."""
        return self.funder_on(timezone.localdate())

    def forget_funder(self) -> None:
        """After a change of body in this request."""
        self.__dict__.pop("_funder_bodies", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("funder_bodies", None)


class FunderBody(models.Model):
    """The body holding a force area's police and crime functions, and so funding its CSPs, for a period: an
    elected Police and Crime Commissioner; a police, fire and crime commissioner; a mayor with PCC functions
    (Greater Manchester; London through MOPAC and its Deputy Mayor for Policing and Crime; West Yorkshire; York and
    North Yorkshire); or, once PCCs are abolished in 2028 (announced 13 November 2025), a policing and crime board
    or another successor.

    A new body, or a new name or identifier, is a new period from a date (`partnerships.services.funder_body_change`):
    earlier periods are never rewritten, so decisions and published grants keep the name in force when made. Its
    titles name who signs off a spending plan ("Police and Crime Commissioner" and "Treasurer"; "Deputy Mayor for
    Policing and Crime" and "Chief Finance Officer").
    """

    class Kind(models.TextChoices):
        PCC = "pcc", "Police and Crime Commissioner"
        PFCC = "pfcc", "Police, Fire and Crime Commissioner"
        MAYOR = "mayor", "Mayor with police and crime commissioner functions"
        BOARD = "board", "Policing and crime board"
        OTHER = "other", "Other successor body"

    # The usual titles of each kind: (holder, decision-maker, finance officer). Offered when a body is set up.
    TITLES = {
        Kind.PCC: ("Police and Crime Commissioner", "Police and Crime Commissioner", "Treasurer"),
        Kind.PFCC: (
            "Police, Fire and Crime Commissioner",
            "Police, Fire and Crime Commissioner",
            "Chief Finance Officer",
        ),
        Kind.MAYOR: ("Mayor", "Deputy Mayor for Policing and Crime", "Chief Finance Officer"),
        Kind.BOARD: ("Policing and Crime Board", "Chair of the Policing and Crime Board", "Chief Finance Officer"),
        Kind.OTHER: ("", "", "Chief Finance Officer"),
    }

    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="funder_bodies")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PCC)
    name = models.CharField(
        max_length=200,
        help_text="The name the body publishes its grants under, for example Office of the Police and Crime "
        "Commissioner for Devon, Cornwall and the Isles of Scilly, or Mayor's Office for Policing and Crime.",
    )
    org_id = models.CharField(
        "Organisation identifier",
        max_length=100,
        blank=True,
        validators=[validate_org_id],
        help_text="Its org-id.guide identifier, used as the funder in published grant data. Leave blank when it "
        "has none: the data then uses the publisher's own 360G identifier.",
    )
    holder_name = models.CharField(
        "Name of the office holder", max_length=200, blank=True, help_text="For example Alison Hernandez."
    )
    holder_title = models.CharField(
        "Title of the office holder", max_length=200, help_text="For example Police and Crime Commissioner, or Mayor."
    )
    decision_maker_title = models.CharField(
        "Title of the decision-maker",
        max_length=200,
        help_text="Who signs off spending plans and decision notices, for example Police and Crime Commissioner, "
        "or Deputy Mayor for Policing and Crime.",
    )
    finance_officer_title = models.CharField(
        "Title of the finance officer",
        max_length=200,
        help_text="Who signs off the money with the decision-maker, for example Treasurer or Chief Finance Officer.",
    )
    starts_on = models.DateField(
        null=True, blank=True, help_text="The first day it holds the functions. Blank: since before any records here."
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Its last day. Blank: still in force.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["force_area", models.F("starts_on").asc(nulls_first=True)]
        verbose_name = "funder body"
        verbose_name_plural = "funder bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["force_area"],
                condition=Q(ends_on__isnull=True),
                name="funder_body_one_in_force",
                violation_error_message="A force area has one funder body in force at a time.",
            ),
            models.UniqueConstraint(
                fields=["force_area"],
                condition=Q(starts_on__isnull=True),
                name="funder_body_one_first",
                violation_error_message="Only the area's first funder body can have no start date.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="funder_body_ends_after_start",
                violation_error_message="A funder body's period must end on or after the day it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default_for(cls, force_area: ForceArea) -> FunderBody:
        holder, decision_maker, finance = cls.TITLES[cls.Kind.PCC]
        return cls(
            force_area=force_area,
            kind=cls.Kind.PCC,
            name=f"Police and Crime Commissioner for {force_area.name}",
            holder_title=holder,
            decision_maker_title=decision_maker,
            finance_officer_title=finance,
        )

    def covers(self, day: datetime.date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)

    @property
    def period_display(self) -> str:
        start = f"{self.starts_on:%-d %B %Y}" if self.starts_on else ""
        end = f"{self.ends_on:%-d %B %Y}" if self.ends_on else ""
        if start and end:
            return f"{start} to {end}"
        if start:
            return f"From {start}"
        return f"Until {end}" if end else "In force"

    @property
    def holder_display(self) -> str:
        """`Alison Hernandez, Police and Crime Commissioner`, or the title alone."""
        return f"{self.holder_name}, {self.holder_title}" if self.holder_name else self.holder_title

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The last day must be on or after the first day."
        if self.force_area_id:
            others = FunderBody.objects.filter(force_area_id=self.force_area_id).exclude(pk=self.pk)
            overlapping = [other for other in others if _periods_overlap(self, other)]
            if overlapping:
                errors["starts_on"] = (
                    f"This period overlaps {overlapping[0]} ({overlapping[0].period_display.lower()}): a force area "
                    "has one funder body at a time."
                )
        if errors:
            raise ValidationError(errors)


def _periods_overlap(first: FunderBody, second: FunderBody) -> bool:
    lowest, highest = datetime.date.min, datetime.date.max
    return (first.starts_on or lowest) <= (second.ends_on or highest) and (second.starts_on or lowest) <= (
        first.ends_on or highest
    )


class Organisation(models.Model):
    """A body that delivers a funded service or receives money: a charity, company, council, NHS body, …

    Councils carry their official codes: the ONS local authority district code (where they are) and the
    local authority register code (who they are, as the org-id GB-LAE-… or, in Wales, GB-PLA-…)."""

    class Kind(models.TextChoices):
        CHARITY = "charity", "Registered charity"
        COMPANY = "company", "Company"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS = "nhs", "NHS body"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"
        PROBATION = "probation", "Probation"
        PARTNERSHIP = "partnership", "Partnership or alliance"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    charity_number = models.CharField(
        max_length=20,
        blank=True,
        validators=[validate_charity_number],
        help_text="Charity Commission number (England and Wales), 6 or 7 digits.",
    )
    company_number = models.CharField(
        max_length=8,
        blank=True,
        validators=[validate_company_number],
        help_text="Companies House number, 8 characters with leading zeros.",
    )
    local_authority_code = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_local_authority_code],
        help_text="Local authority register code, for example PLY for Plymouth.",
    )
    ons_code = models.CharField(
        "ONS local authority district code",
        max_length=9,
        blank=True,
        validators=[validate_local_authority_district_code],
        help_text="For a council: the ONS code of its district, for example E06000026 for Plymouth.",
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~Q(ons_code=""),
                name="organisation_unique_ons_code",
                violation_error_message="Another organisation already has this ONS code.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org_id(self) -> str:
        """The org-id.guide identifier publication needs (360Giving), from the best register number held."""
        if self.charity_number:
            return f"GB-CHC-{self.charity_number}"
        if self.company_number:
            return f"GB-COH-{self.company_number}"
        if self.local_authority_code:
            return f"{local_authority_prefix(self.ons_code)}-{self.local_authority_code}"
        return ""

    @property
    def is_local_authority(self) -> bool:
        return self.kind == self.Kind.LOCAL_AUTHORITY

    def clean(self):
        if self.ons_code and self.kind != self.Kind.LOCAL_AUTHORITY:
            raise ValidationError({"ons_code": "Only a local authority has an ONS local authority district code."})


class Partnership(models.Model):
    """A Community Safety Partnership (Crime and Disorder Act 1998, ss. 5-7) for the area of one or more councils
    (North Devon and Torridge share one)."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="partnerships")
    name = models.CharField(max_length=200, unique=True, help_text="For example Safer Plymouth.")
    slug = models.SlugField(max_length=100, unique=True)
    local_authorities = models.ManyToManyField(
        Organisation,
        related_name="partnerships_covering",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
        help_text="The councils whose areas the CSP covers.",
    )
    ons_code = models.CharField(
        "CSP ONS code", max_length=9, blank=True, validators=[validate_ons_code], help_text="E22… code, for 360Giving."
    )
    accountable_body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountable_for",
        help_text="The body that receives and accounts for the grant on the partnership's behalf, usually the council.",
    )
    has_executive_group = models.BooleanField(
        default=True,
        help_text="Untick when the partnership's governance has no executive group: plans then go straight to "
        "the board.",
    )

    class MinorVariationPath(models.TextChoices):
        FULL = "full", "The full path: executive group (if any), then board"
        BOARD = "board", "The board only"
        EXECUTIVE = "executive", "The executive group only"
        OPCC = "opcc", "Straight to the OPCC"

    minor_variation_path = models.CharField(
        max_length=10,
        choices=MinorVariationPath.choices,
        default=MinorVariationPath.FULL,
        help_text="Which of the partnership's own stages a minor variation (below the threshold the OPCC sets) "
        "goes through before the OPCC. OPCC scrutiny and the PCC's and Treasurer's sign-off always apply.",
    )

    objects = PartnershipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:partnerships_partnership_change", args=[self.pk])

    def _councils(self) -> list[Organisation]:
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "local_authorities" in cache:
            return sorted(cache["local_authorities"], key=lambda o: o.name)
        if not self.pk:
            return []
        return list(self.local_authorities.order_by("name"))

    @property
    def local_authority(self) -> str:
        """The councils the CSP covers, for reading: `Plymouth City Council`, `North Devon Council and Torridge
        District Council`."""
        names = [council.name for council in self._councils()]
        return names[0] if len(names) == 1 else (", ".join(names[:-1]) + " and " + names[-1] if names else "")

    def lookup_keys(self) -> list[str]:
        """What a spreadsheet may call the partnership: its name, slug, ONS code, or a council's name or code."""
        keys = [self.name, self.slug, self.ons_code]
        for council in self._councils():
            keys += [council.name, council.ons_code, council.local_authority_code]
        return [key for key in keys if key]


class ThematicGroup(models.Model):
    """A sub-group of a CSP that leads a theme (Safer Families; DASV, which reports through Safer Families)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="thematic_groups")
    name = models.CharField(max_length=200)
    reports_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="sub_groups")
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="thematic_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A person's role in a partnership (officer, executive group, board) or a force area (OPCC officer, the
    funder's decision-maker and finance officer, OPCC administrator).

    Every permission in the product is decided from these, scoped to the partnership or force area. The kinds
    `pcc` and `treasurer` are the decision-maker and the finance officer of whatever body funds the area: their
    titles are the body's own (`title`), "Deputy Mayor for Policing and Crime" as much as "Police and Crime
    Commissioner".
    """

    class Kind(models.TextChoices):
        OFFICER = "officer", "CSP officer"
        EXECUTIVE = "executive", "Executive group member"
        BOARD = "board", "Board member"
        CERTIFIER = "certifier", "Certifier of returns (finance lead)"
        OPCC = "opcc", "OPCC officer"
        PCC = "pcc", "Decision-maker (Police and Crime Commissioner or successor)"
        TREASURER = "treasurer", "Finance officer (Treasurer or Chief Finance Officer)"
        ADMINISTRATOR = "opcc_admin", "OPCC administrator"

    PARTNERSHIP_KINDS = (Kind.OFFICER, Kind.EXECUTIVE, Kind.BOARD, Kind.CERTIFIER)
    FORCE_AREA_KINDS = (Kind.OPCC, Kind.PCC, Kind.TREASURER, Kind.ADMINISTRATOR)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")
    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    objects = RoleQuerySet.as_manager()
    history = HistoricalRecords()  # who gave or removed a role, and when: roles decide who signs off public money

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["officer", "executive", "board", "certifier"],
                        partnership__isnull=False,
                        force_area__isnull=True,
                    )
                    | Q(
                        kind__in=["opcc", "pcc", "treasurer", "opcc_admin"],
                        partnership__isnull=True,
                        force_area__isnull=False,
                    )
                ),
                name="role_scope_matches_kind",
                violation_error_message="CSP roles need a partnership; OPCC, decision-maker, finance officer and "
                "OPCC administrator roles need a force area.",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "partnership"],
                condition=Q(partnership__isnull=False),
                name="role_unique_per_partnership",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "force_area"],
                condition=Q(force_area__isnull=False),
                name="role_unique_per_force_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.scope}"

    @property
    def title(self) -> str:
        """`Board member`; for the sign-off roles, the title of the area's funder body in force today."""
        return kind_title(self.kind, self.force_area)

    @property
    def scope(self) -> Partnership | ForceArea | None:
        return self.partnership or self.force_area


def kind_title(kind: str, force_area: ForceArea | None, *, on: datetime.date | None = None) -> str:
    """What a role is called in a force area: the funder body's titles for the decision-maker and the finance
    officer (on a date, today by default), the role's own name otherwise."""
    if kind in (Role.Kind.PCC, Role.Kind.TREASURER) and force_area is not None:
        body = force_area.funder_on(on or timezone.localdate())
        return body.decision_maker_title if kind == Role.Kind.PCC else body.finance_officer_title
    return Role.Kind(kind).label


def title_for_area(title: str, force_area) -> str:
    """`Police and Crime Commissioner for Devon & Cornwall`; `Deputy Mayor for Policing and Crime, London` (a title
    that already says "for" takes the area after a comma)."""
    return f"{title}, {force_area}" if " for " in title else f"{title} for {force_area}"


def kind_choices(force_area: ForceArea, *, partnership: bool) -> list[tuple[str, str]]:
    """The roles one can hold in a partnership, or in a force area (with its funder's titles)."""
    kinds = Role.PARTNERSHIP_KINDS if partnership else Role.FORCE_AREA_KINDS
    return [(kind, kind_title(kind, force_area)) for kind in kinds]


def new_nonce() -> str:
    """A fresh random part of an invitation's link: sending the invitation again gives a new one."""
    return secrets.token_hex(16)


class Invitation(models.Model):
    """An invitation, by e-mail, to take a role in a force area or one of its partnerships.

    The link carries a token derived from the invitation and the site's secret key (nothing secret is stored);
    it works once, until `expires_at`, and stops working when the invitation is withdrawn or sent again. The
    person sets their own password from it (`partnerships.services.invitation_accept`)."""

    VALID_FOR = datetime.timedelta(days=14)
    _SALT = "partnerships.Invitation"
    # The invitee's address is theirs: cleared when the person who accepted is anonymised (docs/retention.md).
    PERSONAL_DATA = {"accepted_by": {"email": "cleared"}}

    email = models.EmailField("E-mail address")
    kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    force_area = models.ForeignKey(
        ForceArea, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["officer", "executive", "board", "certifier"],
                        partnership__isnull=False,
                        force_area__isnull=True,
                    )
                    | Q(
                        kind__in=["opcc", "pcc", "treasurer", "opcc_admin"],
                        partnership__isnull=True,
                        force_area__isnull=False,
                    )
                ),
                name="invitation_scope_matches_kind",
                violation_error_message="CSP roles need a partnership; force-area roles need a force area.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.role_title}, {self.scope}"

    @property
    def scope(self) -> Partnership | ForceArea | None:
        return self.partnership or self.force_area

    @property
    def role_title(self) -> str:
        return kind_title(self.kind, self.force_area)

    def token(self) -> str:
        value = f"{self.pk}:{self.email.lower()}:{self.kind}:{self.nonce}"
        return salted_hmac(self._SALT, value, algorithm="sha256").hexdigest()[:40]

    def check_token(self, token: str) -> bool:
        return bool(self.pk) and constant_time_compare(self.token(), token or "")

    def get_accept_url(self) -> str:
        return reverse("invitation-accept", kwargs={"pk": self.pk, "token": self.token()})

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.WAITING

    def get_state_display(self) -> str:
        return self.State(self.state).label

"""Who is who: police force areas and their PCCs, Community Safety Partnerships, providers, and people's roles.

This app knows nothing of grants or priorities; they depend on it, never the reverse.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .querysets import ForceAreaQuerySet, PartnershipQuerySet, RoleQuerySet


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
    """A police force area, with its elected Police and Crime Commissioner and the PCC's office (OPCC)."""

    name = models.CharField(max_length=200, unique=True, help_text="For example Devon & Cornwall.")
    slug = models.SlugField(max_length=100, unique=True)
    pcc_name = models.CharField("Police and Crime Commissioner", max_length=200, blank=True)
    opcc_name = models.CharField(
        "Office of the PCC",
        max_length=200,
        blank=True,
        help_text="For example Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of "
        "Scilly.",
    )
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, help_text="Police force area code (E23…), used in 360Giving."
    )
    org_id = models.CharField(
        "Organisation identifier",
        max_length=100,
        blank=True,
        help_text="The OPCC's org-id.guide identifier, used as the funder in published grant data.",
    )

    objects = ForceAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A body that delivers a funded service or receives money: a charity, company, council, NHS body, …"""

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
    charity_number = models.CharField(max_length=20, blank=True, help_text="Charity Commission number.")
    company_number = models.CharField(
        max_length=8, blank=True, help_text="Companies House number, 8 characters with leading zeros."
    )
    local_authority_code = models.CharField(
        max_length=10, blank=True, help_text="Local authority register code, for example PLY for Plymouth."
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

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
            return f"GB-LAE-{self.local_authority_code}"
        return ""


class Partnership(models.Model):
    """A Community Safety Partnership (Crime and Disorder Act 1998, ss. 5-7): one per local authority area."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="partnerships")
    name = models.CharField(max_length=200, unique=True, help_text="For example Safer Plymouth.")
    slug = models.SlugField(max_length=100, unique=True)
    local_authority = models.CharField(max_length=200, help_text="The council whose area the CSP covers.")
    local_authority_ons_code = models.CharField("Local authority ONS code", max_length=9, blank=True)
    ons_code = models.CharField("CSP ONS code", max_length=9, blank=True, help_text="E22… code, for 360Giving.")
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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:partnerships_partnership_change", args=[self.pk])


class ThematicGroup(models.Model):
    """A sub-group of a CSP that leads a theme (Safer Families; DASV, which reports through Safer Families)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="thematic_groups")
    name = models.CharField(max_length=200)
    reports_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="sub_groups")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="thematic_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A person's role in a partnership (officer, executive group, board) or a force area (OPCC, PCC, Treasurer).

    Every permission in the product is decided from these, scoped to the partnership or force area.
    """

    class Kind(models.TextChoices):
        OFFICER = "officer", "CSP officer"
        EXECUTIVE = "executive", "Executive group member"
        BOARD = "board", "Board member"
        OPCC = "opcc", "OPCC officer"
        PCC = "pcc", "Police and Crime Commissioner"
        TREASURER = "treasurer", "Treasurer"

    PARTNERSHIP_KINDS = (Kind.OFFICER, Kind.EXECUTIVE, Kind.BOARD)
    FORCE_AREA_KINDS = (Kind.OPCC, Kind.PCC, Kind.TREASURER)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")
    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["officer", "executive", "board"], partnership__isnull=False, force_area__isnull=True)
                    | Q(kind__in=["opcc", "pcc", "treasurer"], partnership__isnull=True, force_area__isnull=False)
                ),
                name="role_scope_matches_kind",
                violation_error_message="CSP roles need a partnership; OPCC, PCC and Treasurer roles need a force "
                "area.",
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
        return f"{self.get_kind_display()}, {self.scope}"

    @property
    def scope(self) -> Partnership | ForceArea | None:
        return self.partnership or self.force_area

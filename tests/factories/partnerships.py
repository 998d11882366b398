import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from partnerships.models import ForceArea, FunderBody, Invitation, Organisation, Partnership, Role, ThematicGroup, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ForceAreaFactory(DjangoModelFactory):
    """An area funded by its Police and Crime Commissioner since before any records (`funder__...` to change it,
    `funder=None` for none)."""

    class Meta:
        model = ForceArea
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Force area {n}")
    slug = factory.Sequence(lambda n: f"force-area-{n}")
    funder = factory.RelatedFactory("tests.factories.partnerships.FunderBodyFactory", factory_related_name="force_area")


class FunderBodyFactory(DjangoModelFactory):
    class Meta:
        model = FunderBody

    force_area = factory.SubFactory(ForceAreaFactory, funder=None)
    kind = FunderBody.Kind.PCC
    name = factory.LazyAttribute(lambda b: f"Office of the Police and Crime Commissioner for {b.force_area.name}")
    holder_name = factory.Faker("name")
    holder_title = "Police and Crime Commissioner"
    decision_maker_title = "Police and Crime Commissioner"
    finance_officer_title = "Treasurer"

    class Params:
        mayor = factory.Trait(
            kind=FunderBody.Kind.MAYOR,
            name="Mayor's Office for Policing and Crime",
            holder_title="Mayor of London",
            decision_maker_title="Deputy Mayor for Policing and Crime",
            finance_officer_title="Chief Finance Officer",
        )


def mayor_funded_area(**fields) -> ForceArea:
    """A force area whose police and crime functions are held by a mayor (London: MOPAC)."""
    area = ForceAreaFactory(funder=None, **fields)
    FunderBodyFactory(force_area=area, mayor=True)
    return area


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = Organisation.Kind.CHARITY
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Town {n} Council")
    kind = Organisation.Kind.LOCAL_AUTHORITY
    ons_code = factory.Sequence(lambda n: f"E07{900000 + n:06d}")
    local_authority_code = factory.Sequence(lambda n: "".join(chr(65 + (n // 26**i) % 26) for i in (2, 1, 0)))


class PartnershipFactory(DjangoModelFactory):
    """A CSP covering one council (`local_authorities=[...]` for others)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    force_area = factory.SubFactory(ForceAreaFactory)
    name = factory.Sequence(lambda n: f"Safer Town {n}")
    slug = factory.Sequence(lambda n: f"safer-town-{n}")

    @factory.post_generation
    def local_authorities(self, create, extracted, **kwargs):
        if not create:
            return
        councils = (
            extracted
            if extracted is not None
            else [LocalAuthorityFactory(name=f"{self.name.replace('Safer ', '')} Council")]
        )
        self.local_authorities.set(councils)


class ThematicGroupFactory(DjangoModelFactory):
    class Meta:
        model = ThematicGroup

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Thematic group {n}")


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    kind = Role.Kind.OPCC
    force_area = factory.SubFactory(ForceAreaFactory)
    partnership = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + Invitation.VALID_FOR)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.OFFICER
    partnership = factory.SubFactory(PartnershipFactory)
    force_area = None


def _partnership_role(kind):
    def make(partnership, **user_fields):
        return RoleFactory(kind=kind, partnership=partnership, user=UserFactory(**user_fields)).user

    make.__name__ = f"{kind}_of"
    return make


def _force_area_role(kind):
    def make(force_area, **user_fields):
        return RoleFactory(kind=kind, partnership=None, force_area=force_area, user=UserFactory(**user_fields)).user

    make.__name__ = f"{kind}_of"
    return make


officer_of = _partnership_role(Role.Kind.OFFICER)
executive_of = _partnership_role(Role.Kind.EXECUTIVE)
board_member_of = _partnership_role(Role.Kind.BOARD)
opcc_of = _force_area_role(Role.Kind.OPCC)
pcc_of = _force_area_role(Role.Kind.PCC)
treasurer_of = _force_area_role(Role.Kind.TREASURER)
opcc_admin_of = _force_area_role(Role.Kind.ADMINISTRATOR)

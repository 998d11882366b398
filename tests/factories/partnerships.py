import factory
from factory.django import DjangoModelFactory

from partnerships.models import ForceArea, Organisation, Partnership, Role, ThematicGroup, User


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
    class Meta:
        model = ForceArea

    name = factory.Sequence(lambda n: f"Force area {n}")
    slug = factory.Sequence(lambda n: f"force-area-{n}")
    pcc_name = factory.Faker("name")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = Organisation.Kind.CHARITY
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    force_area = factory.SubFactory(ForceAreaFactory)
    name = factory.Sequence(lambda n: f"Safer Town {n}")
    slug = factory.Sequence(lambda n: f"safer-town-{n}")
    local_authority = factory.LazyAttribute(lambda p: f"{p.name.replace('Safer ', '')} Council")


class ThematicGroupFactory(DjangoModelFactory):
    class Meta:
        model = ThematicGroup

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Thematic group {n}")


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

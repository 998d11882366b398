import pytest
from django.db import IntegrityError

from partnerships.models import Organisation, Partnership, Role
from tests.factories import (
    ForceAreaFactory,
    OrganisationFactory,
    PartnershipFactory,
    RoleFactory,
    UserFactory,
    officer_of,
    opcc_of,
)

pytestmark = pytest.mark.django_db


def test_a_csp_role_must_name_a_partnership_not_a_force_area():
    with pytest.raises(IntegrityError, match="role_scope_matches_kind"):
        RoleFactory(kind=Role.Kind.OFFICER, partnership=None, force_area=ForceAreaFactory())


def test_an_opcc_role_must_name_a_force_area_not_a_partnership():
    with pytest.raises(IntegrityError, match="role_scope_matches_kind"):
        RoleFactory(kind=Role.Kind.TREASURER, partnership=PartnershipFactory(), force_area=None)


def test_partnership_officers_see_only_their_own_partnership():
    mine, other = PartnershipFactory(), PartnershipFactory()
    officer = officer_of(mine)
    assert list(Partnership.objects.visible_to(officer)) == [mine]
    assert other not in Partnership.objects.visible_to(officer)


def test_opcc_staff_see_every_partnership_in_their_force_area_and_no_other():
    area = ForceAreaFactory()
    first, second = PartnershipFactory(force_area=area), PartnershipFactory(force_area=area)
    elsewhere = PartnershipFactory()
    visible = set(Partnership.objects.visible_to(opcc_of(area)))
    assert visible == {first, second}
    assert elsewhere not in visible


def test_a_user_without_roles_sees_nothing_and_staff_see_everything():
    PartnershipFactory.create_batch(2)
    assert not Partnership.objects.visible_to(UserFactory()).exists()
    assert Partnership.objects.visible_to(UserFactory(is_staff=True)).count() == 2


@pytest.mark.parametrize(
    ("fields", "org_id"),
    [
        ({"charity_number": "1123328"}, "GB-CHC-1123328"),
        ({"charity_number": "", "company_number": "01234567"}, "GB-COH-01234567"),
        (
            {"charity_number": "", "local_authority_code": "PLY", "kind": Organisation.Kind.LOCAL_AUTHORITY},
            "GB-LAE-PLY",
        ),
        ({"charity_number": ""}, ""),
    ],
)
def test_organisation_identifier_follows_org_id_guide(fields, org_id):
    assert OrganisationFactory(**fields).org_id == org_id

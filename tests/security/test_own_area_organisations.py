"""Everyone sees only their own area's organisations: the provider list of the plan editor lists the plan's force
area's councils, providers, funders and applicants, never another area's applicant (the probe found every
organisation in the database listed, so an applicant to Avon & Somerset's round was visible in Devon & Cornwall)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.selectors import organisations_of_force_area
from partnerships.models import ForceArea
from tests import factories as f
from tests.grants.editor_helpers import add_project_url, project_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicants(demo):
    devon = ForceArea.objects.get(slug="devon-and-cornwall")
    avon = ForceArea.objects.exclude(pk=devon.pk).get(partnerships__slug="safer-and-stronger-south-gloucestershire")
    own = f.GrantApplicationFactory(grant_round__force_area=devon, organisation__name="Devon Youth Trust")
    other = f.GrantApplicationFactory(grant_round__force_area=avon, organisation__name="Bristol Road Safety")
    return devon, avon, own.organisation, other.organisation


def test_the_provider_list_holds_the_areas_organisations_and_not_another_areas_applicant(
    client, demo_user, plymouth_plan, applicants
):
    devon, _avon, own, other = applicants
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(add_project_url(plymouth_plan)).content.decode()
    assert "Devon Youth Trust" in page
    assert "Plymouth City Council" in page  # a council its partnerships cover
    assert "Bristol Road Safety" not in page
    assert own in organisations_of_force_area(devon) and other not in organisations_of_force_area(devon)


def test_another_areas_applicant_cannot_be_posted_as_a_provider(client, demo_user, plymouth_plan, applicants):
    _devon, _avon, _own, other = applicants
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, provider=str(other.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not plymouth_plan.projects.filter(provider=other).exists()


def test_the_other_areas_officer_sees_their_applicant_and_not_ours(client, demo_user, southglos_plan, applicants):
    client.force_login(demo_user("officer.southglos"))
    page = client.get(add_project_url(southglos_plan)).content.decode()
    assert "Bristol Road Safety" in page and "Devon Youth Trust" not in page


def test_a_projects_current_provider_stays_selected_when_its_page_is_opened(client, demo_user, plymouth_plan):
    outsider = f.OrganisationFactory(name="Provider from elsewhere")
    project = plymouth_plan.projects.order_by("number").first()
    type(project).objects.filter(pk=project.pk).update(provider=outsider)
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk])).content.decode()
    assert f'<option value="{outsider.pk}" selected>Provider from elsewhere</option>' in page

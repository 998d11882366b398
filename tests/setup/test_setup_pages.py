"""An OPCC administrator sets the force area up in the app: the funder body and its titles, the order of the final
sign-off, the Police and Crime Plan and its numbered priorities, councils with their codes, partnerships covering
one or several councils, funding streams, and people invited by e-mail with their role. Every refusal is tested,
and the pages are for the area's administrators only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from grants.models import FundedProject, FundingStream
from partnerships.models import ForceArea, FunderBody, Invitation, Organisation, Partnership, Role
from priorities.models import PoliceAndCrimePlan
from tests.factories import (
    ForceAreaFactory,
    FundedProjectFactory,
    LocalAuthorityFactory,
    PartnershipFactory,
    PoliceAndCrimePlanFactory,
    PriorityFactory,
    opcc_admin_of,
    opcc_of,
    treasurer_of,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "set-up",
    "set-up-funder",
    "set-up-funder-correct",
    "set-up-funder-change",
    "set-up-approval",
    "set-up-plans",
    "set-up-plan-new",
    "set-up-partnerships",
    "set-up-partnership-new",
    "set-up-council-new",
    "set-up-funding",
    "set-up-people",
]


@pytest.fixture
def area():
    return ForceAreaFactory(name="Westshire", slug="westshire")


@pytest.fixture
def admin(client, area):
    user = opcc_admin_of(area)
    client.force_login(user)
    return user


def url(name, area, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": area.slug, **kwargs})


def date_fields(prefix, day: datetime.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


@pytest.mark.parametrize("name", PAGES)
def test_every_set_up_page_opens_for_the_areas_administrator(client, admin, area, name):
    response = client.get(url(name, area))
    assert response.status_code == 200
    assert "Set up" in response.content.decode()  # the navigation and breadcrumbs


@pytest.mark.parametrize("name", PAGES)
def test_other_roles_are_refused_and_other_areas_not_found(client, area, name):
    client.force_login(opcc_of(area))
    response = client.get(url(name, area))
    assert response.status_code == 403
    client.force_login(treasurer_of(area))
    assert client.get(url(name, area)).status_code == 403
    client.force_login(opcc_admin_of(ForceAreaFactory()))
    assert client.get(url(name, area)).status_code == 404


def test_the_set_up_link_is_shown_to_administrators_only(client, area):
    client.force_login(opcc_admin_of(area))
    dashboard = url("oversight-dashboard", area)
    assert url("set-up", area) in client.get(dashboard).content.decode()
    client.force_login(opcc_of(area))
    assert url("set-up", area) not in client.get(dashboard).content.decode()


def test_the_administrator_sees_the_dashboard_but_not_the_workflow_sign_offs(client, admin, area):
    assert client.get(url("oversight-dashboard", area)).status_code == 200
    assert Role.Kind.ADMINISTRATOR not in dict.fromkeys(
        __import__("grants.workflow", fromlist=["ACTS_AT"]).ACTS_AT.values()
    )


# --- the funder ---------------------------------------------------------------------------------------------------

BODY = {
    "kind": "mayor",
    "name": "Mayor's Office for Policing and Crime",
    "org_id": "GB-GOR-PB1234",
    "holder_name": "A. Mayor",
    "holder_title": "Mayor of Westshire",
    "decision_maker_title": "",
    "finance_officer_title": "",
}


def test_the_administrator_records_a_change_of_funder_from_a_date(client, admin, area):
    response = client.post(
        url("set-up-funder-change", area), {**BODY, **date_fields("starts_on", datetime.date(2028, 5, 7))}
    )
    assert response.status_code == 302
    area = ForceArea.objects.get(pk=area.pk)
    mayor = area.funder_on(datetime.date(2028, 5, 7))
    assert mayor.name == BODY["name"]
    assert (mayor.decision_maker_title, mayor.finance_officer_title) == (
        "Deputy Mayor for Policing and Crime",
        "Chief Finance Officer",
    )
    before = area.funder_on(datetime.date(2028, 5, 6))
    assert before.kind == "pcc" and before.ends_on == datetime.date(2028, 5, 6)
    page = client.get(url("set-up-funder", area)).content.decode()
    assert "Funders of Westshire over time" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"org_id": "GB-CHC-12"}, "org_id", "not a well-formed number for GB-CHC"),
        ({"org_id": "GB-XYZ-1"}, "org_id", "not a registry prefix"),
        ({"org_id": "GB-LAE-\nPLY"}, "org_id", "no spaces or line breaks"),
        ({"name": ""}, "name", "This field is required"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
    ],
)
def test_a_funder_with_bad_details_is_refused_beside_the_field(client, admin, area, changes, field, message):
    response = client.post(url("set-up-funder-correct", area), {**BODY, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert FunderBody.objects.get(force_area=area).kind == "pcc"  # nothing saved


def test_a_change_of_funder_cannot_start_before_the_body_in_force(client, admin, area):
    client.post(url("set-up-funder-change", area), {**BODY, **date_fields("starts_on", datetime.date(2028, 5, 7))})
    response = client.post(
        url("set-up-funder-change", area),
        {**BODY, "kind": "board", **date_fields("starts_on", datetime.date(2027, 1, 1))},
    )
    assert response.status_code == 200
    assert "must start after" in " ".join(response.context["form"].errors["starts_on"])
    assert FunderBody.objects.filter(force_area=area).count() == 2


def test_the_sign_off_order_is_set_in_the_funders_words(client, admin, area):
    page = client.get(url("set-up-approval", area)).content.decode()
    assert "The Treasurer first, then the Police and Crime Commissioner" in page
    client.post(url("set-up-approval", area), {"sign_off_order": "finance_first"})
    assert ForceArea.objects.get(pk=area.pk).sign_off_order == "finance_first"


# --- the Police and Crime Plan --------------------------------------------------------------------------------------


def plan_data(*titles, title="Police and Crime Plan 2025-2029", pks=None):
    data = {
        "title": title,
        **date_fields("starts_on", datetime.date(2025, 4, 1)),
        **date_fields("ends_on", datetime.date(2029, 3, 31)),
        "priorities-TOTAL_FORMS": len(titles),
        "priorities-INITIAL_FORMS": 0,
        "save": "1",
    }
    for index, text in enumerate(titles):
        data[f"priorities-{index}-title"] = text
        if pks and index < len(pks):
            data[f"priorities-{index}-pk"] = pks[index]
    return data


def test_the_administrator_writes_the_plan_and_its_numbered_priorities(client, admin, area):
    response = client.post(url("set-up-plan-new", area), plan_data("Safer streets", "Fewer victims", "Better policing"))
    assert response.status_code == 302
    plan = PoliceAndCrimePlan.objects.get(force_area=area)
    assert [(p.number, p.title) for p in plan.priorities.all()] == [
        (1, "Safer streets"),
        (2, "Fewer victims"),
        (3, "Better policing"),
    ]
    assert "Fewer victims" in client.get(url("set-up-plans", area)).content.decode()


def test_add_another_priority_works_without_javascript(client, admin, area):
    data = plan_data("Safer streets")
    data["add"] = "priorities"
    del data["save"]
    response = client.post(url("set-up-plan-new", area), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert "There is a problem" not in response.content.decode()  # more typing to do, not checked yet
    assert not PoliceAndCrimePlan.objects.exists()


@pytest.mark.parametrize(
    ("titles", "message"),
    [
        ((), "Enter at least one priority."),
        (("x" * 301,), "at most 300 characters"),
        (("Safer streets", "safer streets"), "is the same as priority 1"),
    ],
)
def test_a_plan_with_bad_priorities_is_refused_and_nothing_saved(client, admin, area, titles, message):
    response = client.post(url("set-up-plan-new", area), plan_data(*titles))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PoliceAndCrimePlan.objects.exists()


def test_plans_of_one_area_cannot_overlap(client, admin, area):
    PoliceAndCrimePlanFactory(force_area=area, starts_on=datetime.date(2024, 4, 1), ends_on=datetime.date(2026, 3, 31))
    response = client.post(url("set-up-plan-new", area), plan_data("Safer streets"))
    assert "overlaps" in response.content.decode()
    assert PoliceAndCrimePlan.objects.filter(force_area=area).count() == 1


def test_a_priority_that_funded_projects_serve_cannot_be_removed_but_can_be_reworded(client, admin, area):
    plan = PoliceAndCrimePlanFactory(force_area=area)
    first, second = PriorityFactory(plan=plan, number=1, title="One"), PriorityFactory(plan=plan, number=2, title="Two")
    project = FundedProjectFactory(plan__award__partnership__force_area=area)
    project.pcc_priorities.add(second)
    data = plan_data("One", title=plan.title, pks=[first.pk])
    data.update(date_fields("starts_on", plan.starts_on))
    data.update(date_fields("ends_on", plan.ends_on))
    response = client.post(url("set-up-plan", area, pk=plan.pk), data)
    assert "cannot be removed: 1 record already serves it" in response.content.decode()
    assert plan.priorities.count() == 2
    data = plan_data("Two, reworded", "One", title=plan.title, pks=[second.pk, first.pk])
    data.update(date_fields("starts_on", plan.starts_on))
    data.update(date_fields("ends_on", plan.ends_on))
    assert client.post(url("set-up-plan", area, pk=plan.pk), data).status_code == 302
    second.refresh_from_db()
    assert (second.number, second.title) == (1, "Two, reworded")
    assert FundedProject.objects.get(pk=project.pk).pcc_priorities.get() == second


def test_another_areas_plan_is_not_found(client, admin, area):
    other = PoliceAndCrimePlanFactory()
    assert client.get(url("set-up-plan", area, pk=other.pk)).status_code == 404


# --- councils and partnerships ----------------------------------------------------------------------------------


def test_the_administrator_adds_councils_and_a_partnership_covering_two(client, admin, area):
    for name, code, register in (
        ("North Devon Council", "E07000043", "nde"),
        ("Torridge District Council", "E07000046", ""),
    ):
        response = client.post(
            url("set-up-council-new", area), {"name": name, "ons_code": code, "local_authority_code": register}
        )
        assert response.status_code == 302
    councils = list(Organisation.objects.filter(kind="local_authority").order_by("name"))
    assert councils[0].org_id == "GB-LAE-NDE"
    response = client.post(
        url("set-up-partnership-new", area),
        {
            "name": "North Devon and Torridge CSP",
            "local_authorities": [c.pk for c in councils],
            "has_executive_group": "no",
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(force_area=area)
    assert partnership.local_authority == "North Devon Council and Torridge District Council"
    assert not partnership.has_executive_group and partnership.accountable_body == councils[0]
    assert partnership.slug == "north-devon-and-torridge-csp"
    page = client.get(url("set-up-partnerships", area)).content.decode()
    assert "E07000046" in page and "GB-LAE-NDE" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Exeter", "ons_code": "E0700004"}, "ons_code", "E06, E07, E08, E09 or W06 and 6 digits"),
        ({"name": "Exeter", "ons_code": "E07000041", "local_authority_code": "EX3"}, "local_authority_code", "3 or 4"),
        ({"name": "", "ons_code": "E07000041"}, "name", "Enter the council's name"),
    ],
)
def test_a_council_with_bad_codes_is_refused(client, admin, area, data, field, message):
    response = client.post(url("set-up-council-new", area), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert not Organisation.objects.exists()


def test_a_council_code_already_used_is_refused(client, admin, area):
    LocalAuthorityFactory(name="Exeter City Council", ons_code="E07000041")
    response = client.post(url("set-up-council-new", area), {"name": "Exeter", "ons_code": "E07000041"})
    assert "already has this ONS code" in response.context["form"].errors.as_text()


def test_a_partnership_needs_a_council_and_cannot_take_another_areas(client, admin, area):
    theirs = PartnershipFactory()  # another area's council
    council = theirs.local_authorities.get()
    response = client.post(
        url("set-up-partnership-new", area), {"name": "Safer Somewhere", "has_executive_group": "yes"}
    )
    assert "Choose the council or councils" in response.content.decode()
    response = client.post(
        url("set-up-partnership-new", area),
        {"name": "Safer Somewhere", "local_authorities": [council.pk], "has_executive_group": "yes"},
    )
    assert response.status_code == 200 and not Partnership.objects.filter(force_area=area).exists()


def test_another_areas_partnership_is_not_found(client, admin, area):
    assert client.get(url("set-up-partnership", area, pk=PartnershipFactory().pk)).status_code == 404


# --- funding streams --------------------------------------------------------------------------------------------


def test_the_administrator_records_a_funding_stream(client, admin, area):
    response = client.post(
        url("set-up-funding", area), {"name": "Westshire community safety grant", "kind": "pcc_csp", "description": ""}
    )
    assert response.status_code == 302
    assert FundingStream.objects.get(force_area=area).name == "Westshire community safety grant"
    response = client.post(url("set-up-funding", area), {"name": "Westshire community safety grant", "kind": "pcc_csp"})
    assert response.status_code == 200 and FundingStream.objects.filter(force_area=area).count() == 1


# --- invitations ------------------------------------------------------------------------------------------------


def invite(client, area, **data):
    return client.post(url("set-up-people", area), {"email": "sam@example.org", "kind": "opcc", **data})


def test_an_invitation_is_e_mailed_after_it_is_saved(client, admin, area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, area)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert invitation.get_accept_url() in message.body
    assert "OPCC officer, Westshire" in message.subject
    assert Invitation.objects.get().sent_at is not None


def test_an_invitation_rolled_back_sends_nothing(admin, area, django_capture_on_commit_callbacks):
    from django.db import transaction

    from partnerships.services import invitation_create

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invitation_create(by=admin, email="x@example.org", kind="opcc", force_area=area)
        raise RuntimeError("something later fails")
    assert not callbacks and not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not an address"}, "email", "in the correct format"),
        ({"kind": "officer"}, "partnership", "Choose the partnership for this role"),
        ({"kind": ""}, "kind", "Choose the role"),
    ],
)
def test_a_bad_invitation_is_refused_beside_the_field(client, admin, area, data, field, message):
    response = invite(client, area, **data)
    assert message in " ".join(response.context["form"].errors[field])
    assert not Invitation.objects.exists()


def test_an_invitation_cannot_be_sent_twice_or_to_someone_who_has_the_role(client, admin, area):
    invite(client, area)
    response = invite(client, area)
    assert "already waiting" in " ".join(response.context["form"].errors["email"])
    response = invite(client, area, email=admin.email, kind="opcc_admin")
    assert "already holds this role" in " ".join(response.context["form"].errors["email"])


def test_a_partnership_role_is_offered_for_the_areas_partnerships_only(client, admin, area):
    other = PartnershipFactory()
    response = invite(client, area, kind="board", partnership=other.pk)
    assert "partnership" in response.context["form"].errors
    mine = PartnershipFactory(force_area=area)
    assert invite(client, area, kind="board", partnership=mine.pk).status_code == 302
    assert Invitation.objects.get().partnership == mine


def test_the_role_choices_use_the_funders_titles(client, admin, area):
    page = client.get(url("set-up-people", area)).content.decode()
    assert "Police and Crime Commissioner of Westshire" in page and "Treasurer of Westshire" in page


def accept_url(invitation):
    return reverse("invitation-accept", kwargs={"pk": invitation.pk, "token": invitation.token()})


ACCOUNT = {
    "first_name": "Sam",
    "last_name": "Jones",
    "username": "sam.jones",
    "password": "a long harbour lantern",
    "password_again": "a long harbour lantern",
}


def test_the_invitee_sets_their_own_password_and_then_signs_in(client, admin, area):
    invite(client, area)
    invitation = Invitation.objects.get()
    client.logout()
    page = client.get(accept_url(invitation))
    assert page.status_code == 200 and "OPCC officer, Westshire" in page.content.decode()
    response = client.post(accept_url(invitation), ACCOUNT)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    signed_in = client.post(reverse("login"), {"username": "sam.jones", "password": ACCOUNT["password"]})
    assert signed_in.status_code == 302  # the password they chose works
    client.logout()
    role = Role.objects.get(user__username="sam.jones")
    assert (role.kind, role.force_area) == ("opcc", area)
    assert role.user.check_password(ACCOUNT["password"]) and role.user.email == "sam@example.org"
    # Single use: the same link no longer works.
    again = client.get(accept_url(invitation))
    assert again.status_code == 410 and "already been used" in again.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short", "password_again": "short"}, "password", "too short"),
        ({"password_again": "something else entirely"}, "password_again", "do not match"),
        ({"username": "has space"}, "username", "valid username"),
        ({"first_name": ""}, "first_name", "Enter your first name"),
    ],
)
def test_a_bad_account_is_refused_and_the_invitation_stays_usable(client, area, changes, field, message):
    from partnerships.services import invitation_create

    invitation = invitation_create(by=None, email="sam@example.org", kind="opcc", force_area=area)
    response = client.post(accept_url(invitation), {**ACCOUNT, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and not Role.objects.exists()


def test_a_wrong_expired_or_withdrawn_link_cannot_be_used(client, admin, area):
    from django.utils import timezone

    invite(client, area)
    invitation = Invitation.objects.get()
    client.logout()
    wrong = reverse("invitation-accept", kwargs={"pk": invitation.pk, "token": "0" * 40})
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, ACCOUNT).status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(accept_url(invitation))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.post(accept_url(invitation), ACCOUNT).status_code == 410
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(admin)
    client.post(url("set-up-invitation-withdraw", area, pk=invitation.pk))
    client.logout()
    assert "withdrawn" in client.get(accept_url(invitation)).content.decode()
    assert not Role.objects.filter(user__email="sam@example.org").exists()


def test_sending_again_gives_a_new_link_and_the_old_one_stops_working(
    client, admin, area, django_capture_on_commit_callbacks
):
    invite(client, area)
    invitation = Invitation.objects.get()
    old = accept_url(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("set-up-invitation-resend", area, pk=invitation.pk))
    invitation.refresh_from_db()
    assert accept_url(invitation) != old
    assert invitation.get_accept_url() in mail.outbox[-1].body
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(accept_url(invitation)).status_code == 200


def test_someone_with_an_account_signs_in_then_accepts(client, admin, area):
    from tests.factories import UserFactory

    existing = UserFactory(email="sam@example.org")
    invite(client, area, kind="treasurer")
    invitation = Invitation.objects.get()
    client.logout()
    page = client.get(accept_url(invitation)).content.decode()
    assert "You already have an account" in page
    assert client.post(accept_url(invitation), ACCOUNT).status_code == 403
    client.force_login(existing)
    assert client.post(accept_url(invitation)).status_code == 302
    assert Role.objects.get(user=existing).kind == "treasurer"
    client.force_login(UserFactory(email="someone.else@example.org"))
    assert client.get(accept_url(invitation)).status_code == 410  # used


def test_another_areas_invitation_cannot_be_withdrawn(client, admin, area):
    from tests.factories import InvitationFactory

    other = InvitationFactory()
    assert client.post(url("set-up-invitation-withdraw", area, pk=other.pk)).status_code == 404
    assert Invitation.objects.get(pk=other.pk).withdrawn_at is None


def test_a_role_is_removed_after_confirmation_but_never_the_administrators_own(client, admin, area):
    officer = opcc_of(area)
    role = officer.roles.get()
    assert "Remove" in client.get(url("set-up-role-remove", area, pk=role.pk)).content.decode()
    assert client.post(url("set-up-role-remove", area, pk=role.pk)).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    own = admin.roles.get()
    client.post(url("set-up-role-remove", area, pk=own.pk))
    assert Role.objects.filter(pk=own.pk).exists()
    other = opcc_of(ForceAreaFactory()).roles.get()
    assert client.get(url("set-up-role-remove", area, pk=other.pk)).status_code == 404


def test_the_site_administrator_invites_the_first_administrator_from_the_admin(
    admin_client, area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:partnerships_invitation_add"),
            {"email": "first.admin@example.org", "kind": "opcc_admin", "force_area": area.pk, "partnership": ""},
        )
    assert response.status_code == 302
    assert Invitation.objects.get().kind == "opcc_admin"
    assert "first.admin@example.org" in mail.outbox[0].to

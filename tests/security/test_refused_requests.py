"""Refused requests are security events (issue 12 item 6, ASVS 16.3.2): every 403, and every 404 answered to someone
signed in, is recorded with who, what, when and from where by one middleware; never for a page that answered; a
failure to record never turns the refusal into a server error; the record is bounded by the retention job and
read by the site administrator."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants.tasks import apply_retention
from partnerships.accounts.models import RefusedRequest
from tests.factories import PartnershipFactory, UserFactory, officer_of

pytestmark = pytest.mark.django_db


def test_a_404_for_another_areas_plan_is_recorded_with_who_what_when_and_where(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.avon"))
    url = reverse("grants:plan-detail", args=[plymouth_plan.pk])
    assert client.get(url + "?tab=money", REMOTE_ADDR="203.0.113.9").status_code == 404
    event = RefusedRequest.objects.get()
    assert (event.user.username, event.method, event.path, event.status, event.ip_address) == (
        "opcc.avon",
        "GET",
        url,
        404,
        "203.0.113.9",
    )
    assert timezone.now() - event.at < timedelta(minutes=1)


def test_a_403_is_recorded(client, demo_user):
    client.force_login(demo_user("pcc.devon"))
    url = reverse("grants:scenario-new", kwargs={"area": "devon-and-cornwall", "year": "2021-22"})
    assert client.post(url, {}).status_code == 403
    assert list(RefusedRequest.objects.values_list("user__username", "method", "status")) == [
        ("pcc.devon", "POST", 403)
    ]


def test_pages_that_answer_are_not_recorded(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    assert client.get(reverse("grants:plan-detail", args=[plymouth_plan.pk])).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert not RefusedRequest.objects.exists()


def test_a_403_to_someone_not_signed_in_is_recorded_and_their_404_is_not(client):
    assert client.get("/no-such-page/").status_code == 404
    assert not RefusedRequest.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("account_login"), {"login": "someone", "password": "x"}).status_code == 403
    event = RefusedRequest.objects.get()
    assert event.user is None and event.status == 403 and event.path == reverse("account_login")


def test_a_failure_to_record_is_logged_and_the_person_still_gets_their_404(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is read-only")

    monkeypatch.setattr(RefusedRequest, "save", broken)
    client.force_login(officer_of(PartnershipFactory()))
    with caplog.at_level(logging.ERROR, logger="partnerships.accounts.audit"):
        response = client.get("/plans/999999/")
    assert response.status_code == 404
    assert "Could not record a refused request (404 GET /plans/999999/)" in caplog.text


def test_a_database_error_while_recording_leaves_the_rest_of_the_transaction_working(client, caplog):
    """Inside a transaction the INSERT runs in a savepoint: an address PostgreSQL refuses cannot spoil the
    transaction the test (or a view) is in; a path too long for its column is cut to 500 characters."""
    client.force_login(officer_of(PartnershipFactory()))
    assert client.get("/plans/999999/", REMOTE_ADDR="not-an-address").status_code == 404
    assert "Could not record a refused request" in caplog.text and not RefusedRequest.objects.exists()
    assert client.get("/" + "x" * 2000 + "/").status_code == 404
    assert len(RefusedRequest.objects.get().path) == 500


def test_the_retention_job_deletes_records_older_than_the_retention_period(settings):
    settings.REFUSED_REQUESTS_RETENTION_DAYS = 30
    old = RefusedRequest.objects.create(method="GET", path="/old/", status=404)
    RefusedRequest.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = RefusedRequest.objects.create(method="GET", path="/recent/", status=404)
    apply_retention.enqueue()  # the task the scheduler queues (run at once in tests)
    assert list(RefusedRequest.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_site_administrator_reads_the_record_and_nobody_edits_it(client):
    officer = officer_of(PartnershipFactory())
    client.force_login(officer)
    client.get("/plans/999999/")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_refusedrequest_changelist") + "?status__exact=404")
    assert listing.status_code == 200 and "/plans/999999/" in listing.content.decode()
    event = RefusedRequest.objects.get(user=officer)
    assert client.get(reverse("admin:accounts_refusedrequest_add")).status_code == 403
    assert client.post(reverse("admin:accounts_refusedrequest_delete", args=[event.pk])).status_code == 403


def test_people_who_are_not_site_administrators_cannot_read_the_record(client, demo_user):
    client.force_login(demo_user("admin.devon"))
    response = client.get(reverse("admin:accounts_refusedrequest_changelist"))
    assert response.status_code in (302, 403, 404)


def test_anonymising_a_person_keeps_their_refused_requests_under_the_anonymised_account(client):
    """As for sign-in records: the key only (no copy of the name), the address kept until the retention deletes it."""
    from partnerships.accounts.services import user_anonymise

    officer = officer_of(PartnershipFactory(), first_name="Jo", last_name="Bloggs")
    client.force_login(officer)
    client.get("/plans/999999/", REMOTE_ADDR="198.51.100.7")
    user_anonymise(user=officer)
    event = RefusedRequest.objects.get()
    assert event.user_id == officer.pk and str(event.user) == f"Former user {officer.pk}"
    assert event.ip_address == "198.51.100.7" and "Bloggs" not in str(RefusedRequest.objects.values_list())

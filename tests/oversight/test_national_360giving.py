"""The national 360Giving file (every force area's published grants in one file, streamed): the same grants as the
areas' own files, record for record, valid against the vendored 360Giving schema, public, and streamed."""

import datetime
import json

import pytest
from django.urls import reverse

from grants.services.threesixty import release_for, threesixty_everything_json, threesixty_package
from partnerships.models import ForceArea
from tests.oversight.test_publication import package_validator  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
MODIFIED = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)


def test_the_national_file_holds_every_areas_grants_as_their_own_files_do(demo, package_validator):  # noqa: F811
    national = json.loads(b"".join(threesixty_everything_json(modified=MODIFIED)))
    errors = sorted(package_validator.iter_errors(national), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    by_area = [
        grant
        for area in ForceArea.objects.all()
        if area.partnerships.exists()
        for grant in threesixty_package(release_for(force_area=area), modified=MODIFIED)["grants"]
    ]
    assert sorted(national["grants"], key=lambda g: g["id"]) == sorted(by_area, key=lambda g: g["id"])
    assert len(national["grants"]) == 2


def test_the_national_file_is_public_and_streamed(client, demo):
    response = client.get(reverse("grants:published-360-all"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="360giving-all-force-areas.json"'
    package = json.loads(b"".join(response.streaming_content))
    assert {grant["recipientOrganization"][0]["department"] for grant in package["grants"]} >= {"Safer Plymouth"}


def test_e_mail_addresses_never_reach_the_national_file_and_other_text_is_unchanged(plymouth_plan):
    """Text is only searched for an address when it holds an "@" (the search was a third of the file's time):
    addresses in a purpose or in a funded project's title are still removed, and text without one is unchanged."""
    from grants.models import FundedProject, SpendingPlan

    SpendingPlan.objects.filter(pk=plymouth_plan.pk).update(status="approved")  # in force: its lines are published
    award = plymouth_plan.award
    award.purpose = "Outreach & prevention. Contact jo.bloggs@example.org for referrals."
    award.save(update_fields=["purpose"])
    line = FundedProject.objects.filter(plan__in=SpendingPlan.objects.in_force(), plan__award=award).first()
    FundedProject.objects.filter(pk=line.pk).update(title="Referrals to help@example.org, weekly")
    text = b"".join(threesixty_everything_json(modified=MODIFIED)).decode()
    assert "@" not in text.replace("[e-mail address removed]", "")
    grant = next(g for g in json.loads(text)["grants"] if g["id"].endswith(f"-{award.pk}"))
    assert grant["description"].startswith("Outreach & prevention. Contact [e-mail address removed] for referrals.")
    assert f"{line.number}. Referrals to [e-mail address removed], weekly" in grant["description"]

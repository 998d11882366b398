"""The approval path's settings: the OPCC's minor variation threshold, the board's shorter path."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import VariationThreshold
from grants.services.governance import minor_variation_path_set, variation_threshold_set
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

THRESHOLD = reverse("grants:variation-threshold", args=["devon-and-cornwall"])
PATH = reverse("grants:minor-variation-path", args=["safer-plymouth"])


def test_the_opcc_sets_its_threshold_as_people_write_money(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    assert "Minor variation threshold, Devon &amp; Cornwall" in client.get(reverse("home")).content.decode()
    assert client.get(THRESHOLD).status_code == 200
    response = client.post(THRESHOLD, {"minor_below": "a lot", "note": ""})
    assert response.status_code == 200
    assert "Enter the minor variation threshold in pounds, for example £12,500" in response.content.decode()
    response = client.post(THRESHOLD, {"minor_below": "£25,000", "note": "PCC decision 2020/041"}, follow=True)
    assert "Variations that move less than £25,000.00 are minor in Devon &amp; Cornwall." in response.content.decode()
    assert VariationThreshold.objects.get().minor_below == Decimal("25000.00")
    client.post(THRESHOLD, {"minor_below": "", "note": ""})
    assert not VariationThreshold.objects.exists()


@pytest.mark.parametrize("username", ["opcc.avon", "pcc.devon", "treasurer.devon", "board.plymouth", "admin"])
def test_only_the_areas_opcc_officers_find_the_threshold(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(THRESHOLD).status_code == 404
    assert client.post(THRESHOLD, {"minor_below": "£1"}).status_code == 404
    with pytest.raises(ValidationError):
        variation_threshold_set(
            force_area=Partnership.objects.get(slug="safer-plymouth").force_area,
            by=demo_user(username),
            minor_below=Decimal("1"),
        )
    assert not VariationThreshold.objects.exists()


def test_the_board_chooses_the_shorter_path(client, demo_user):
    client.force_login(demo_user("board.plymouth"))
    content = client.get(PATH).content.decode()
    assert "has not set a minor variation threshold yet" in content and "The executive group only" in content
    assert client.post(PATH, {}).status_code == 200
    response = client.post(PATH, {"path": "opcc"}, follow=True)
    assert "now take this path: straight to the opcc." in response.content.decode()
    assert Partnership.objects.get(slug="safer-plymouth").minor_variation_path == "opcc"


def test_a_partnership_without_an_executive_group_is_not_offered_that_path(client, demo_user):
    client.force_login(demo_user("board.southglos"))
    url = reverse("grants:minor-variation-path", args=["safer-and-stronger-south-gloucestershire"])
    assert "The executive group only" not in client.get(url).content.decode()


@pytest.mark.parametrize("username", ["officer.plymouth", "exec.plymouth", "board.southglos", "opcc.devon", "admin"])
def test_only_the_partnerships_board_finds_the_path(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(PATH).status_code == 404
    with pytest.raises(ValidationError):
        minor_variation_path_set(
            partnership=Partnership.objects.get(slug="safer-plymouth"), by=demo_user(username), path="opcc"
        )


def test_the_home_page_shows_the_opccs_own_areas_threshold_only(client, demo_user):
    """The home page reads only the user's areas' thresholds (issue 13), and shows each beside its area."""
    devon = Partnership.objects.get(slug="safer-plymouth").force_area
    variation_threshold_set(force_area=devon, by=demo_user("opcc.devon"), minor_below=Decimal("25000"), note="")
    client.force_login(demo_user("opcc.devon"))
    assert "Below £25,000.00" in client.get(reverse("home")).content.decode()
    client.force_login(demo_user("opcc.avon"))
    home = client.get(reverse("home")).content.decode()
    assert "Below £25,000.00" not in home and "Not set" in home

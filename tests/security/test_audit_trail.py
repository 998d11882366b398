"""Audit of changes (issue 12 item 6, the part built): the OPCC's minor variation threshold, roles, and the money
records (claims, payments) keep a history of who changed them, when, and what they were before and after
(django-simple-history, as plans, awards, rounds, applications, funding streams, allocations and income already
do)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Claim, Payment, VariationThreshold
from partnerships.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

AREA = "devon-and-cornwall"


def test_the_threshold_records_who_changed_it_when_and_from_what(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:variation-threshold", args=[AREA])
    client.post(url, {"minor_below": "£25,000", "note": "PCC decision 2020/041"})
    client.post(url, {"minor_below": "£30,000", "note": "PCC decision 2021/007"})
    client.post(url, {"minor_below": "", "note": ""})  # removed: every variation takes the full path
    assert not VariationThreshold.objects.exists()
    history = list(VariationThreshold.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user.username for h in history} == {"opcc.devon"}
    change = history[1].diff_against(history[0])
    changed = {c.field: (c.old, c.new) for c in change.changes}
    assert changed["minor_below"] == (Decimal("25000.00"), Decimal("30000.00"))


def test_taking_a_role_away_is_recorded_under_the_administrators_name(client, demo_user):
    role = Role.objects.filter(partnership__slug="safer-plymouth", kind=Role.Kind.EXECUTIVE).first()
    client.force_login(demo_user("admin.devon"))
    response = client.post(reverse("grants:set-up-role-remove", kwargs={"area": AREA, "pk": role.pk}))
    assert response.status_code == 302
    removal = Role.history.filter(id=role.pk, history_type="-").get()
    assert removal.history_user.username == "admin.devon"
    assert removal.kind == Role.Kind.EXECUTIVE and removal.user_id == role.user_id


def test_claims_and_payments_keep_a_history_of_their_entry_and_decision(demo):
    claim = f.ClaimFactory()
    payment = f.PaymentFactory(award=claim.award)
    assert Claim.history.filter(id=claim.pk, history_type="+").exists()
    assert Payment.history.filter(id=payment.pk, history_type="+").exists()

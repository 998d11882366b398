"""A page made as always (a person's first view of it today, a page after a form's message, a browser with no CSRF
cookie yet) reads the database in one snapshot, as a kept page is made (grants/kept_pages.py). Its queries each in
their own snapshot, a decision committed between two of them made a page of two states: under load, the plan page
after the Treasurer's sign-off read the plan waiting for the PCC and then the PCC's sign-off committed meanwhile,
and the workflow's questions, asked of a plan nobody was waiting for, answered 500."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from grants.models import SpendingPlan
from grants.services.workflow import plan_decide
from tests.workflow import drive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


def committed_meanwhile(decide):
    """An execute wrapper that, at the page's first read of decisions, has `decide` run and commit on a connection
    of its own before the read goes on."""
    fired = []

    def run():
        try:
            decide()
        finally:
            connection.close()

    def wrapper(execute, sql, params, many, context):
        if not fired and 'FROM "grants_decision"' in sql:
            fired.append(True)
            thread = threading.Thread(target=run)
            thread.start()
            thread.join(timeout=30)
        return execute(sql, params, many, context)

    return wrapper, fired


@pytest.mark.parametrize("view", ["no CSRF cookie yet", "first view today", "after a message"])
def test_the_plan_page_shows_one_state_though_a_sign_off_lands_while_it_is_made(
    plymouth_plan, demo_user, client, settings, view
):
    drive(plymouth_plan, demo_user, until="sign_off_treasurer")  # the PCC has signed off: waiting for the Treasurer
    client.force_login(demo_user("pcc.devon"))
    url = reverse("grants:plan-detail", args=[plymouth_plan.pk])
    if view != "no CSRF cookie yet":
        client.get(reverse("home"))  # the CSRF cookie
    if view == "after a message":  # as a decision's redirect leaves one: such a page is never kept
        settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
        session = client.session
        session["_messages"] = '[["__json_message",0,25,"Signed off"]]'
        session.save()
    treasurer = demo_user("treasurer.devon")

    def sign_off():
        plan_decide(plan=SpendingPlan.objects.get(pk=plymouth_plan.pk), by=treasurer, action="sign_off_treasurer")

    wrapper, fired = committed_meanwhile(sign_off)
    with connection.execute_wrapper(wrapper):
        response = client.get(url)
    assert fired, "the sign-off never landed while the page was made"
    assert response.status_code == 200
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).status == SpendingPlan.Status.APPROVED
    if view == "after a message":
        assert "Signed off" in response.content.decode()
    again = client.get(url)
    assert again.status_code == 200

"""Background tasks of partnerships (django-tasks): the invitation e-mail, sent outside the web request."""

from __future__ import annotations

from django_tasks import task


@task()
def send_invitation(invitation_id: int) -> bool:
    from partnerships.services import invitation_send

    return invitation_send(invitation_id)

"""Where a person's name is copied into other records, so it can be replaced when they leave (docs/retention.md).

A model that keeps a copy of someone's name or job title as it was (a decision, a declaration of interest) says so
with a class attribute naming, for each foreign key to the user, the text fields copied from that person:

    PERSONAL_DATA = {"user": {"user_name": NAME, "job_title": CLEARED}}

Anonymising a departed user (`partnerships.accounts.services.user_anonymise`) replaces every NAME field with
"Former user <id>" and empties every CLEARED field in the rows that point at them; the rows themselves, their
dates, roles and amounts are kept, so the decision record stays whole. `tests/accounts/test_personal_data.py`
fails when a model has a foreign key to the user but no PERSONAL_DATA and is not listed as holding no copies.
"""

from __future__ import annotations

from django.apps import apps

NAME = "name"
CLEARED = "cleared"


def declared_copies():
    """(model, foreign key name, {field: NAME or CLEARED}) for every model that declares PERSONAL_DATA."""
    for model in apps.get_models():
        for fk_name, fields in getattr(model, "PERSONAL_DATA", {}).items():
            yield model, fk_name, fields

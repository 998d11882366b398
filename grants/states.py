"""The names of where a spending plan is: its status, and the stage of the approval path that holds it.

A leaf module, importing nothing from the app, beneath the approval path (grants/workflow.py), the models and
everything else, so that the workflow table and the models can both use these names without importing each
other. `SpendingPlan.Status` is `PlanStatus`; the order of the statuses is not kept here but derived from the
path in grants/workflow.py.
"""

from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RETURNED = "returned", "Returned for changes"
    SUBMITTED = "submitted", "Submitted"
    EXECUTIVE_AGREED = "executive_agreed", "Agreed by the executive group"
    BOARD_APPROVED = "board_approved", "Approved by the board"
    OPCC_SCRUTINY = "opcc_scrutiny", "Under OPCC scrutiny"
    OPCC_RECOMMENDED = "opcc_recommended", "Recommended by the OPCC"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Stage(models.TextChoices):
    """Who holds the plan: the partnership's officer, its executive group and board, then the OPCC."""

    SUBMISSION = "submission", "CSP officer"
    EXECUTIVE = "executive", "Executive group"
    BOARD = "board", "Board"
    OPCC = "opcc", "OPCC scrutiny"
    PCC = "pcc", "Police and Crime Commissioner"
    TREASURER = "treasurer", "Treasurer"

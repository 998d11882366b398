"""What the history of a spending plan stores besides the plan's own fields.

Every save of a plan (django-simple-history) keeps a snapshot of the plan's whole content (`plan_snapshot`), so
the history page can say, line by line, what each save changed, and a stale save can show what changed since the
officer opened the page. Lines, sub-items and measures are not given histories of their own: one snapshot per
save answers "who changed what, when" for the plan as its readers see it, many-to-many priorities included.
"""

from django.db import models


class PlanHistoryBase(models.Model):
    snapshot = models.JSONField(
        null=True, blank=True, help_text="The plan's content after this change (grants.services.comparison)."
    )

    class Meta:
        abstract = True

"""The approval path's settings, each set by the people whose decision it is: the OPCC sets the threshold below
which a variation is minor for its force area; a partnership's board chooses the shorter path its minor
variations take (which of its own stages they skip). OPCC scrutiny and the PCC's and Treasurer's sign-off are
never skipped."""

from __future__ import annotations

from decimal import Decimal

import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import AreaPaperSections, PaperSection, VariationThreshold
from partnerships.models import ForceArea, Partnership


@transaction.atomic
def variation_threshold_set(*, force_area: ForceArea, by, minor_below: Decimal | None, note: str = ""):
    """Sets (or, with None, removes) the force area's minor variation threshold. Returns it, or None."""
    if not rules.test_rule("grants.set_variation_threshold", by, force_area):
        raise ValidationError(f"Only an OPCC officer of {force_area} can set its minor variation threshold.")
    if minor_below is None:
        VariationThreshold.objects.filter(force_area=force_area).delete()
        return None
    if minor_below < 0:
        raise ValidationError({"minor_below": "Enter an amount of £0 or more."})
    threshold, _ = VariationThreshold.objects.update_or_create(
        force_area=force_area, defaults={"minor_below": minor_below, "note": note.strip()}
    )
    return threshold


@transaction.atomic
def minor_variation_path_set(*, partnership: Partnership, by, path: str) -> Partnership:
    if not rules.test_rule("grants.set_minor_variation_path", by, partnership):
        raise ValidationError(f"Only a board member of {partnership} can choose the path of its minor variations.")
    if path not in Partnership.MinorVariationPath.values:
        raise ValidationError({"path": "Choose one of the paths."})
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    locked.minor_variation_path = path
    locked.save(update_fields=["minor_variation_path"])
    return locked


@transaction.atomic
def paper_sections_set(*, force_area: ForceArea, kinds: list[str], by) -> AreaPaperSections:
    """Sets which sections the force area's board papers have (Background, Context, …). A partnership's text in a
    section no longer asked for is kept, and still shown, so nothing written is lost."""
    if not rules.test_rule("grants.set_paper_sections", by, force_area):
        raise ValidationError(f"Only an OPCC officer of {force_area} can choose the sections of its board papers.")
    unknown = set(kinds) - set(PaperSection.values)
    if unknown:
        raise ValidationError({"kinds": "Choose sections from the list."})
    ordered = [kind for kind in PaperSection.values if kind in set(kinds)]
    row, _ = AreaPaperSections.objects.update_or_create(
        force_area=force_area, defaults={"kinds": ordered, "updated_by": by}
    )
    return row

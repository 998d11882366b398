"""Each row of an allocation across councils becomes an award to its council (a migration of its own, so the
rows are written after the new columns exist and before the old table goes)."""

from django.db import migrations


def allocation_lines_to_awards(apps, schema_editor):
    """Each row of an allocation becomes an award from the allocation's stream to its council (proposed: the
    allocation had no date it was decided on), so allocations count in the figures and reports."""
    AllocationLine = apps.get_model("grants", "AllocationLine")
    GrantAward = apps.get_model("grants", "GrantAward")
    for line in AllocationLine.objects.select_related("table"):
        GrantAward.objects.create(
            funding_stream_id=line.table.funding_stream_id,
            organisation_id=line.recipient_id,
            financial_year=line.table.financial_year,
            amount=line.amount,
            purpose=line.table.title,
            status="proposed",
            allocation_id=line.table_id,
        )


def awards_to_allocation_lines(apps, schema_editor):
    AllocationLine = apps.get_model("grants", "AllocationLine")
    GrantAward = apps.get_model("grants", "GrantAward")
    for award in GrantAward.objects.filter(allocation__isnull=False, organisation__isnull=False):
        AllocationLine.objects.create(table_id=award.allocation_id, recipient_id=award.organisation_id, amount=award.amount)
    GrantAward.objects.filter(allocation__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0010_money_in_and_out")]

    operations = [migrations.RunPython(allocation_lines_to_awards, awards_to_allocation_lines)]

"""The PCC's name, office and org-id now belong to the funder body; a partnership's councils are organisations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0004_funder_bodies_data"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="forcearea",
            name="opcc_name",
        ),
        migrations.RemoveField(
            model_name="forcearea",
            name="org_id",
        ),
        migrations.RemoveField(
            model_name="forcearea",
            name="pcc_name",
        ),
        migrations.RemoveField(
            model_name="partnership",
            name="local_authority",
        ),
        migrations.RemoveField(
            model_name="partnership",
            name="local_authority_ons_code",
        ),
    ]

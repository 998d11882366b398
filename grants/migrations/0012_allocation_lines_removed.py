from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("grants", "0011_allocation_rows_become_awards")]

    operations = [migrations.DeleteModel(name="AllocationLine")]

"""The log of which tables each transaction wrote, and the function the tables' triggers call (grants/table_writes.py).
The triggers themselves are added after every `migrate` (`table_writes.install`), so tables added later have one.
PostgreSQL only: kept pages are."""

from django.db import migrations

# One row per table per writing transaction (ON CONFLICT DO NOTHING: a transaction's second statement on the same
# table adds nothing); rows older than a day are pruned by the retention job.
CREATE_LOG = """
CREATE TABLE grants_table_write (
    table_name name NOT NULL,
    xid xid8 NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, xid)
);
CREATE INDEX grants_table_write_written_at ON grants_table_write (written_at);
CREATE FUNCTION grants_table_write_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grants_table_write (table_name, xid) VALUES (TG_TABLE_NAME, pg_current_xact_id())
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
"""
DROP_LOG = "DROP TABLE grants_table_write; DROP FUNCTION grants_table_write_note() CASCADE;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_LOG)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_LOG)


class Migration(migrations.Migration):
    dependencies = [("grants", "0026_decision_reference_unique_per_area")]

    operations = [migrations.RunPython(create, drop)]

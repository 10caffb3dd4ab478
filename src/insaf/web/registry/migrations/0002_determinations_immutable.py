"""Determinations are never changed, in the database too.

On both engines a trigger refuses an ``UPDATE`` of a determination; on
PostgreSQL another refuses a ``DELETE`` (the test runner empties tables with
``TRUNCATE``, which row triggers do not see). On SQLite the test runner empties
tables with ``DELETE``, so there the model and its query set refuse deletion.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = """
CREATE TRIGGER registry_determination_no_update BEFORE UPDATE ON registry_determination
BEGIN SELECT RAISE(ABORT, 'determinations are never changed: determine again'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS registry_determination_no_update;"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_determination_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'determinations are never changed or deleted: determine again';
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER registry_determination_no_change BEFORE UPDATE OR DELETE ON registry_determination
FOR EACH ROW EXECUTE FUNCTION registry_determination_refuse();
"""
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS registry_determination_no_change ON registry_determination",
    "DROP FUNCTION IF EXISTS registry_determination_refuse()",
)


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        schema_editor.execute(POSTGRES_TRIGGER)


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

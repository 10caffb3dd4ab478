"""A determination's references kept by triggers, its trace and reasons kept as text.

A bulk run stores millions of determinations by ``COPY``. Measured on this
project's machine (1,500,000 rows of a run over 500,000 households, each
variant after a checkpoint): 45.6 s into the table as it was, 19.2 to 24.7 s
without its foreign keys, and 11.6 to 14.9 s without them and with the trace
and reasons as ``text`` instead of ``jsonb``. A foreign key is checked row by
row, and each check locks the household's row (``FOR KEY SHARE``), so that a
run writes to every household it determines.

So ``household``, ``ruleset`` and ``supersedes`` lose their constraints, and
the rows they point to keep them instead:

- a household or a ruleset that a determination names cannot be deleted, nor
  its id changed: on PostgreSQL a trigger refuses it
  (``DETERMINATION_REFERENCES``), after it takes the advisory lock that every
  transaction storing determinations holds shared (``engine.hold_references``),
  so a deletion waits for a run in progress and then sees its rows;
- determinations themselves are never deleted (``0002``), so one that another
  supersedes stays;
- both writers (``engine.determine``, ``bulk.determine_all``) take that lock
  before they read the households they determine, and name only households
  and rulesets they have read.

``TRUNCATE`` is not a row's deletion and is not refused: emptying the tables
is an administrator's act (the test runner's, on PostgreSQL).

On SQLite (one writer at a time, for tests and the demo) no trigger is made:
the test runner empties its tables with ``DELETE`` in no set order, which a
trigger would refuse, so there, as for deleting a determination (``0002``),
the models keep the references (``on_delete=PROTECT``). SQLite builds the
table again to alter a column, which drops its triggers: the one that
refuses an ``UPDATE`` (``0002``) is created again after.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

import insaf.web.core.fields

IMMUTABLE = import_module("insaf.web.registry.migrations.0002_determinations_immutable")

DETERMINATION_REFERENCES = {"registry_household": "household_id", "registry_ruleset": "ruleset_id"}
"""Each table a determination points to, and the column that points to it."""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_determination_referenced() RETURNS trigger AS $$
DECLARE
  named boolean;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
    RETURN NEW;
  END IF;
  -- wait for every transaction storing determinations, then look at what they stored
  PERFORM pg_advisory_xact_lock('registry_determination'::regclass::oid::bigint);
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM registry_determination WHERE %I = $1)',
                 TG_ARGV[0]) INTO named USING OLD.id;
  IF named THEN
    RAISE EXCEPTION '% % is named by determinations, which are never deleted',
      TG_TABLE_NAME, OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def _postgres_trigger(table: str, column: str) -> str:
    return (
        f"CREATE TRIGGER {table}_determined BEFORE DELETE OR UPDATE OF id ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION registry_determination_referenced('{column}')"
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)  # its % are format()'s
        for table, column in DETERMINATION_REFERENCES.items():
            schema_editor.execute(_postgres_trigger(table, column))
    elif vendor == "sqlite":
        schema_editor.execute(IMMUTABLE.SQLITE_DROP)
        schema_editor.execute(IMMUTABLE.SQLITE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in DETERMINATION_REFERENCES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_determined ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS registry_determination_referenced()")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_determination_hashes_as_bytes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="determination",
            name="household",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="determinations",
                to="registry.household",
            ),
        ),
        migrations.AlterField(
            model_name="determination",
            name="reasons",
            field=insaf.web.core.fields.JSONText(default=list, verbose_name="reason codes"),
        ),
        migrations.AlterField(
            model_name="determination",
            name="ruleset",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="determinations",
                to="registry.ruleset",
            ),
        ),
        migrations.AlterField(
            model_name="determination",
            name="supersedes",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="registry.determination",
            ),
        ),
        migrations.AlterField(
            model_name="determination",
            name="trace",
            field=insaf.web.core.fields.JSONText(default=list, verbose_name="trace"),
        ),
        migrations.RunPython(forwards, backwards),
    ]

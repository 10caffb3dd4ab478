"""Two indexes fewer for each determination stored: none on ``household`` alone (the index on
``(household, ruleset, as_of)`` serves it), and on ``supersedes`` only where it is set.

SQLite alters a column by building the table again, which drops its triggers: the one that
refuses an ``UPDATE`` (``0002``) is created again after.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

IMMUTABLE = import_module("insaf.web.registry.migrations.0002_determinations_immutable")


def trigger_again(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(IMMUTABLE.SQLITE_DROP)
        schema_editor.execute(IMMUTABLE.SQLITE)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_grievance_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="determination",
            name="household",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="determinations",
                to="registry.household",
            ),
        ),
        migrations.AlterField(
            model_name="determination",
            name="supersedes",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="registry.determination",
            ),
        ),
        migrations.AddIndex(
            model_name="determination",
            index=models.Index(
                condition=models.Q(("supersedes__isnull", False)),
                fields=["supersedes"],
                name="registry_det_supersedes",
            ),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
    ]

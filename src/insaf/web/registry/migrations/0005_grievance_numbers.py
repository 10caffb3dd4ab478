"""Grievances numbered in their year under a unique constraint, not from a count of rows.

Existing grievances take the year and number their code already shows (``G-<year>-<number>``).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def numbers_from_codes(apps: Any, schema_editor: Any) -> None:
    grievance = apps.get_model("registry", "Grievance")
    for row in grievance.objects.all():
        _, year, number = row.code.split("-")
        row.year, row.number = int(year), int(number)
        row.save(update_fields=["year", "number"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_token_revocation")]

    operations = [
        migrations.AddField(
            model_name="grievance",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="grievance",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(numbers_from_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grievance",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name="grievance",
            name="number",
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="grievance",
            constraint=models.UniqueConstraint(
                fields=("year", "number"), name="one_grievance_number"
            ),
        ),
    ]

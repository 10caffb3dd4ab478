"""A determination's two hashes stored as their 32 bytes (``bytea``) instead of 64 hexadecimal
characters: about 64 bytes fewer for each row a run stores. The digests do not change: each
stored hash is its hex decoded (and encoded again on the way back).

On PostgreSQL the columns change type in place (``decode(..., 'hex')``; the trigger that
refuses an ``UPDATE`` sees no row update). SQLite builds the table again, which drops that
trigger (``0002``): the values are converted with it set aside, and it is created again after.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import migrations, models

IMMUTABLE = import_module("insaf.web.registry.migrations.0002_determinations_immutable")
TABLE = "registry_determination"
COLUMNS = ("input_hash", "hash")


def _fields(binary: bool) -> list[tuple[models.Field[Any, Any], models.Field[Any, Any]]]:
    out: list[tuple[models.Field[Any, Any], models.Field[Any, Any]]] = []
    for name in COLUMNS:
        text = models.CharField(max_length=64)
        raw = models.BinaryField(max_length=32)
        for f in (text, raw):
            f.set_attributes_from_name(name)
        out.append((text, raw) if binary else (raw, text))
    return out


def _convert(apps: Any, schema_editor: Any, *, binary: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for name in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE {TABLE} ALTER COLUMN "{name}" TYPE bytea USING decode("{name}", \'hex\')'
                if binary
                else f'ALTER TABLE {TABLE} ALTER COLUMN "{name}" TYPE varchar(64) '
                f"USING encode(\"{name}\", 'hex')"
            )
        return
    model = apps.get_model("registry", "Determination")
    schema_editor.execute(IMMUTABLE.SQLITE_DROP)
    for old, new in _fields(binary):
        schema_editor.alter_field(model, old, new)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, input_hash, hash FROM {TABLE}")
        rows = cursor.fetchall()
        for pk, input_hash, digest in rows:
            values = (
                [bytes.fromhex(input_hash), bytes.fromhex(digest)]
                if binary
                else [bytes(input_hash).hex(), bytes(digest).hex()]
            )
            cursor.execute(
                f"UPDATE {TABLE} SET input_hash = %s, hash = %s WHERE id = %s", [*values, pk]
            )
    schema_editor.execute(IMMUTABLE.SQLITE)


def forwards(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, binary=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, binary=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_determination_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="determination",
                    name=name,
                    field=models.BinaryField(max_length=32, verbose_name=label),
                )
                for name, label in (("input_hash", "input hash"), ("hash", "hash"))
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]

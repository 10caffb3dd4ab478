import secrets
import time

from django.db import migrations, models


def first_version(apps, schema_editor):  # type: ignore[no-untyped-def]
    PublicVersion = apps.get_model("core", "PublicVersion")
    PublicVersion.objects.get_or_create(
        pk=1, defaults={"stamp": secrets.token_hex(8), "changed": int(time.time() * 1e6)}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="PublicVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stamp", models.CharField(max_length=32)),
                ("changed", models.BigIntegerField()),
            ],
            options={"verbose_name": "public version", "verbose_name_plural": "public version"},
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]

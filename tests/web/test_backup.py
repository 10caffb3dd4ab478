"""``insaf backup`` and ``insaf restore``: every table, row by row, as it was at the backup.

On SQLite (the online backup API) and on PostgreSQL (pg_dump / pg_restore) with
the same test: fill the observatory and the council, back up, change and
delete, restore, and compare every table of the database with what it held.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from insaf.errors import InsafError
from insaf.web.core import backup as b
from insaf.web.core.models import PublicVersion

from .conftest import make_user, sample_observations

pytestmark = pytest.mark.django_db(transaction=True)


def _value(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows (sorted), read with plain SQL."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = [tuple(_value(v) for v in row) for row in cursor.fetchall()]
            out[table] = sorted(rows, key=repr)
    return out


def fill() -> None:
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.web.observatory import services

    from .council.conftest import build_council, referral_in_drafting

    services.sync_catalogue(actor=None, catalogue=load_catalogue(DEMO_CATALOGUE))
    services.publish(actor=None, observations=sample_observations(), source="tests")
    referral_in_drafting(build_council())


def test_a_restore_brings_back_every_table_row_by_row(tmp_path: Path) -> None:
    fill()
    before = every_table()
    assert len(before) > 30 and sum(map(len, before.values())) > 500
    file = tmp_path / "insaf.backup"
    done = b.backup(file)
    assert done.kind == connection.vendor and done.size == file.stat().st_size > 0
    assert b.kind_of(file) == connection.vendor
    # afterwards: rows added, changed and deleted in many tables
    from insaf.web.observatory import services
    from insaf.web.observatory.models import Observation

    Observation.objects.filter(period=2024).delete()
    User.objects.filter(username="citizen3").update(first_name="changed")
    make_user("newcomer", "public")
    services.publish(actor=None, observations=sample_observations()[:5], source="later")
    assert every_table() != before
    b.restore(file)
    after = every_table()
    stamp = PublicVersion._meta.db_table
    assert after[stamp] != before[stamp]  # a new public version: no page cached before
    assert {t: r for t, r in after.items() if t != stamp} == {
        t: r for t, r in before.items() if t != stamp
    }


def test_backup_mistakes_are_named(tmp_path: Path) -> None:
    existing = tmp_path / "there.backup"
    existing.write_bytes(b"x")
    with pytest.raises(InsafError, match="already exists"):
        b.backup(existing)
    with pytest.raises(InsafError, match="not an INSAF backup"):
        b.restore(existing)
    with pytest.raises(InsafError, match="no such backup file"):
        b.restore(tmp_path / "missing.backup")
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    wrong = tmp_path / "other.backup"
    wrong.write_bytes(b"PGDMP\x01" if other == "postgresql" else b"SQLite format 3\x00" + bytes(90))
    with pytest.raises(InsafError, match=f"a {other} backup cannot be restored"):
        b.restore(wrong)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the commands are run once, on SQLite")
def test_the_commands_on_a_data_folder(tmp_path: Path) -> None:
    insaf = str(Path(sys.executable).parent / "insaf")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "INSAF_DATA")}
    data = tmp_path / "data"
    made = subprocess.run(
        [insaf, "backup", str(tmp_path / "one.backup"), "--data", str(data)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Wrote" in made.stdout and "sqlite backup" in made.stdout
    refused = subprocess.run(
        [insaf, "restore", str(tmp_path / "one.backup"), "--data", str(data)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    restored = subprocess.run(
        [insaf, "restore", str(tmp_path / "one.backup"), "--data", str(data), "--yes"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert restored.returncode == 0 and "Restored sqlite backup" in restored.stdout

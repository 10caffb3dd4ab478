"""PostgreSQL's binary COPY format written from Arrow columns (``insaf.web.core.pgcopy``), checked
against the same rows inserted by psycopg's own parameters."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest
from django.db import connection

from insaf.web.core.pgcopy import binary_copy

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own format, read by its COPY"
)

NOW = dt.datetime(2026, 12, 6, 23, 59, 58, 123456, tzinfo=dt.UTC)
ROWS = [
    (1, 1.5, True, dt.date(2024, 6, 1), "x", b"\x00\x01", NOW),
    (None, None, False, None, None, None, None),
    (-(2**63), -0.0, None, dt.date(1969, 12, 31), 'عربي "q",\n\\', b"", NOW),
    (2**63 - 1, math.inf, True, dt.date(2000, 1, 1), "", bytes(range(256)),
     dt.datetime(1999, 12, 31, tzinfo=dt.UTC)),
]  # fmt: skip
TABLE = "(a bigint, b float8, c boolean, d date, e text, g bytea, t timestamptz)"


def _columns(rows: list[tuple[object, ...]]) -> list[pa.Array]:
    types = [pa.int64(), pa.float64(), pa.bool_(), pa.date32(), pa.large_string(),
             pa.large_binary(), pa.timestamp("us", tz="UTC")]  # fmt: skip
    return [pa.array([row[k] for row in rows], type=kind) for k, kind in enumerate(types)]


@postgresql_only
def test_binary_copy_stores_what_parameters_store(db: object) -> None:
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE by_params {TABLE}")
        cursor.execute(f"CREATE TEMP TABLE by_copy {TABLE}")
        cursor.executemany("INSERT INTO by_params VALUES (%s, %s, %s, %s, %s, %s, %s)", ROWS)
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy("COPY by_copy FROM STDIN WITH (FORMAT binary)") as copy,
    ):
        copy.write(binary_copy(_columns(ROWS)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM by_copy")
        assert cursor.fetchone()[0] == len(ROWS)
        for one, other in (("by_params", "by_copy"), ("by_copy", "by_params")):
            cursor.execute(f"SELECT * FROM {one} EXCEPT ALL SELECT * FROM {other}")
            assert cursor.fetchall() == []
        cursor.execute("SELECT b FROM by_copy WHERE a = -9223372036854775808")
        assert math.copysign(1.0, cursor.fetchone()[0]) == -1.0  # -0.0 kept


def test_no_rows_and_bad_columns() -> None:
    assert binary_copy(_columns([])) == b"PGCOPY\n\xff\r\n\x00" + bytes(8) + b"\xff\xff"
    with pytest.raises(TypeError, match="int32"):
        binary_copy([pa.array([1, 2], pa.int32())])
    with pytest.raises(ValueError, match="one length"):
        binary_copy([pa.array([1, 2], pa.int64()), pa.array([1.0], pa.float64())])

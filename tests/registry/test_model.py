"""The registry's tables: as-of views, files, and bad input named by file, line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from insaf.errors import DataError
from insaf.registry import Registry, import_table, read_registry, write_registry


def test_as_of_takes_the_latest_observation_on_or_before_the_date(small: Registry) -> None:
    before = small.as_of(dt.date(2024, 5, 31)).households
    after = small.as_of(dt.date(2024, 6, 1)).households
    score = dict(zip(before["household_id"], before["pmt_score"], strict=True))
    assert score == {1: 4.5, 2: 5.5}  # the 2024-06-01 observation is not yet known
    assert dict(zip(after["household_id"], after["pmt_score"], strict=True)) == {1: 5.2, 2: 5.5}


def test_as_of_ages_and_provenance(small: Registry) -> None:
    view = small.as_of(dt.date(2024, 2, 29))
    ages = dict(zip(view.persons["person_id"], view.persons["age"], strict=True))
    # 1990-05-01 -> 33 (birthday not yet reached), 2021-03-01 -> 2, 1970-01-01 -> 54
    assert ages == {10: 33, 11: 2, 20: 54}
    row = view.provenance.filter(
        (pl.col("unit") == "person") & (pl.col("id") == 20) & (pl.col("variable") == "disability")
    )
    assert row["source"].to_list() == ["administrative"]
    assert row["observed"].to_list() == [dt.date(2022, 9, 1)]


def test_memberships_end(small: Registry) -> None:
    ended = small.memberships.with_columns(
        end=pl.when(pl.col("person_id") == 11).then(pl.lit(dt.date(2024, 1, 1))).otherwise(None)
    )
    registry = Registry(
        persons=small.persons,
        groups=small.groups,
        memberships=ended,
        observations=small.observations,
    )
    assert registry.as_of(dt.date(2023, 12, 31)).persons.height == 3
    assert registry.as_of(dt.date(2024, 1, 1)).persons["person_id"].to_list() == [10, 20]


def test_write_and_read_back(small: Registry, tmp_path: Path) -> None:
    back = read_registry(write_registry(small, tmp_path / "reg"))
    for kind in ("persons", "groups", "memberships", "observations"):
        assert back.table(kind).equals(small.table(kind))  # type: ignore[arg-type]


def test_import_csv(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        "person_id,national_id,name,birth_date\n1,0012,أحمد علي,1980-02-03\n2,,فاطمة,\n",
        encoding="utf-8",
    )
    frame = import_table(path, "persons")
    assert frame["national_id"].to_list() == ["0012", None]  # leading zeros kept (text)
    assert frame["birth_date"].to_list() == [dt.date(1980, 2, 3), None]


def test_import_stata_and_parquet(small: Registry, tmp_path: Path) -> None:
    import pyreadstat

    frame = small.observations.with_columns(pl.col(pl.Enum).cast(pl.String))
    pyreadstat.write_dta(frame.to_pandas(), tmp_path / "obs.dta")
    small.observations.write_parquet(tmp_path / "obs.parquet")
    assert import_table(tmp_path / "obs.parquet", "observations").equals(small.observations)
    from_stata = import_table(tmp_path / "obs.dta", "observations")
    assert from_stata["value"].to_list() == small.observations["value"].to_list()
    assert from_stata["observed"].to_list() == small.observations["observed"].to_list()


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            "persons",
            "person_id,name,birth_date\n1,a,1980-13-01\n",
            "column 'birth_date'.*'1980-13-01'.*line 2",
        ),
        ("persons", "person_id,name\n1,a\n1,b\n", "repeat a key.*person_id=1.*line 2, line 3"),
        ("persons", "person_id,name,shoe\n1,a,40\n", "unknown column"),
        ("persons", "person_id\n1\n", "needs column"),
        ("persons", "person_id,name\n1,\n", "line 2"),
        (
            "observations",
            "unit,id,variable,value,source,observed,verification\n"
            "household,1,income,10,rumour,2024-01-01,verified\n",
            "'rumour'.*line 2",
        ),
        (
            "observations",
            "unit,id,variable,value,text,source,observed,verification\n"
            "household,1,income,,,survey,2024-01-01,verified\n",
            "exactly one: 1 row.*line 2",
        ),
        (
            "memberships",
            "person_id,household_id,start,end\n1,1,2024-01-01,2023-01-01\n",
            "ends after it starts: line 2",
        ),
    ],
)
def test_bad_files_are_named(kind: str, text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        import_table(path, kind)  # type: ignore[arg-type]
    assert str(path) in str(info.value)


def test_orphan_rows_are_refused(small: Registry, tmp_path: Path) -> None:
    folder = write_registry(small, tmp_path / "reg")
    small.memberships.with_columns(household_id=pl.lit(9, pl.Int64)).write_parquet(
        folder / "memberships.parquet"
    )
    with pytest.raises(DataError, match="name no registered record"):
        read_registry(folder)

"""The registry's determinations as Spark tasks: the local run's, household by household,
with the same hashes; a range missing a variable laid out as the whole registry; errors as
locally."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from tests.registry.conftest import DEMO, observation

from insaf.errors import DataError, InsafError
from insaf.registry import Registry, load_ruleset, read_registry, write_registry
from insaf.registry.demo import demo_registry
from insaf.registry.model import complete
from insaf.registry.programmes import determine_each
from insaf.registry.spark import determine_spark, read_span, registry_columns

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PROGRAMMES = ("cash_assistance", "child_grant", "disability_allowance")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(demo_registry(240, seed=5), tmp_path_factory.mktemp("spark") / "reg")


@pytest.mark.parametrize("as_of", [dt.date(2024, 12, 31), dt.date(2025, 9, 30)])
def test_spark_gives_the_local_determinations_with_the_same_hashes(
    spark: SparkSession, folder: Path, as_of: dt.date
) -> None:
    rulesets = [load_ruleset(DEMO / f"{p}.yaml") for p in PROGRAMMES]
    registry = read_registry(folder)
    ids = registry.groups.get_column("household_id").to_list()
    for households in (None, [ids[200], ids[7], ids[-1], ids[120]]):
        local = [d.to_dict() for d in determine_each(rulesets, registry, as_of, households)]
        found = determine_spark(rulesets, folder, as_of, households, tasks=3, spark=spark)
        assert [d.to_dict() for d in found] == local
        assert len(local) == 3 * (len(households) if households else len(ids))
        if households is None:  # every programme pays someone: the parity is not of zeros
            assert {d["ruleset"] for d in local if d["eligible"]} == set(PROGRAMMES)


def test_a_range_nobody_in_was_observed_on_a_variable_has_it_empty(
    small: Registry, tmp_path: Path
) -> None:
    date = dt.date(2024, 12, 31)
    rooms = observation("household", 2, "rooms", 3.0, dt.date(2024, 1, 1))
    smoker = observation("person", 20, "smoker", 1.0, dt.date(2024, 1, 1))
    registry = small.with_rows("observations", pl.DataFrame([rooms, smoker]))
    folder = write_registry(registry, tmp_path / "reg")
    whole = registry.as_of(date)
    span = read_span(folder, (1, 1, None))
    view = complete(span.as_of(date), registry_columns(folder, date))
    assert span.groups.get_column("household_id").to_list() == [1]  # its rows only
    assert sorted(span.persons.get_column("person_id")) == [10, 11]
    assert set(span.observations.get_column("id")) == {1, 10}
    assert "rooms" not in span.as_of(date).households.columns
    assert view.households.columns == whole.households.columns
    assert view.persons.columns == whole.persons.columns
    assert view.households.row(0) == whole.households.row(0)
    assert view.persons.rows() == whole.persons.filter(pl.col("household_id") == 1).rows()


def _refusal(call: object) -> str:
    with pytest.raises(InsafError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value)


def test_a_ruleset_reading_a_variable_the_registry_lacks_is_refused_as_locally(
    spark: SparkSession, folder: Path, tmp_path: Path
) -> None:
    rules = shutil.copytree(DEMO, tmp_path / "rules")
    scenario = rules / "programmes.yaml"
    scenario.write_text(
        scenario.read_text("utf-8").replace('"age < 6"', '"age_in_months < 72"'), "utf-8"
    )
    bad = [load_ruleset(rules / "child_grant.yaml")]
    date = dt.date(2024, 12, 31)
    local = _refusal(lambda: determine_each(bad, read_registry(folder), date))
    on_spark = _refusal(lambda: determine_spark(bad, folder, date, tasks=2, spark=spark))
    assert on_spark == local
    assert "age_in_months" in local and str(scenario) in local


def test_a_household_without_members_and_a_missing_folder_are_named(
    spark: SparkSession, folder: Path, tmp_path: Path
) -> None:
    rulesets = [load_ruleset(DEMO / "child_grant.yaml")]
    date = dt.date(2024, 12, 31)
    with pytest.raises(DataError, match=r"household\(s\) 4242 have no members"):
        determine_spark(rulesets, folder, date, [4242], spark=spark)
    with pytest.raises(DataError, match="registry folder not found") as caught:
        determine_spark(rulesets, tmp_path / "nowhere", date, spark=spark)
    assert "nowhere" in str(caught.value)
    with pytest.raises(DataError, match="not on 2023-06-30"):
        determine_spark(rulesets, folder, dt.date(2023, 6, 30), spark=spark)


def test_a_row_naming_nobody_registered_is_refused_as_locally(
    spark: SparkSession, small: Registry, tmp_path: Path
) -> None:
    """No task reads an observation of a person in no household, or a membership of a
    household never registered: the driver checks the whole registry's links first."""
    rulesets = [load_ruleset(DEMO / "cash_assistance.yaml")]
    date = dt.date(2024, 12, 31)
    stray = observation("person", 999, "smoker", 1.0, dt.date(2024, 1, 1))
    member = pl.DataFrame(
        [
            {
                "person_id": 10,
                "household_id": 777,
                "relationship": "head",
                "start": dt.date(2020, 1, 1),
                "end": None,
            }
        ],
        schema=small.memberships.schema,
    )
    cases = {
        "observations": (
            pl.DataFrame([stray]),
            "1 person observation(s) name no registered person",
        ),
        "memberships": (member, "1 row(s) of memberships.household_id name no registered record"),
    }
    for kind, (rows, message) in cases.items():
        folder = write_registry(small.with_rows(kind, rows), tmp_path / kind)
        with pytest.raises(DataError, match=re.escape(message)):
            read_registry(folder)
        local = _refusal(lambda folder=folder: read_registry(folder))
        on_spark = _refusal(
            lambda folder=folder: determine_spark(rulesets, folder, date, tasks=2, spark=spark)
        )
        assert on_spark == local


def test_a_value_that_does_not_conform_is_named_by_its_row_of_the_file(
    spark: SparkSession, folder: Path, tmp_path: Path
) -> None:
    """A task reads only its range's rows of a file; a value it refuses is named by its row
    in the file, as read_registry names it, not by its place among the rows the task read."""
    bad = shutil.copytree(folder, tmp_path / "reg")
    persons = pl.read_parquet(bad / "persons.parquet")
    row = persons.height - 7  # in the last task's range, far from its first row
    born = persons.get_column("birth_date").cast(pl.String).scatter(row, "2001-13-45")
    persons.with_columns(birth_date=born).write_parquet(bad / "persons.parquet")
    rulesets = [load_ruleset(DEMO / "cash_assistance.yaml")]
    local = _refusal(lambda: read_registry(bad))
    assert f"row {row + 1}" in local and "birth_date" in local
    on_spark = _refusal(
        lambda: determine_spark(rulesets, bad, dt.date(2024, 12, 31), tasks=3, spark=spark)
    )
    assert on_spark == local
    # a column named as the one a task keeps the rows' places in is refused, as locally
    persons.with_columns(__row__=pl.lit(1)).write_parquet(bad / "persons.parquet")
    local = _refusal(lambda: read_registry(bad))
    assert "unknown column(s) '__row__'" in local
    on_spark = _refusal(
        lambda: determine_spark(rulesets, bad, dt.date(2024, 12, 31), tasks=3, spark=spark)
    )
    assert on_spark == local


def test_a_person_in_no_household_is_checked_though_no_task_reads_them(
    spark: SparkSession, small: Registry, tmp_path: Path
) -> None:
    """No task reads a person no membership names, nor what is observed of them: the driver
    checks those rows as read_registry checks every row."""
    rulesets = [load_ruleset(DEMO / "cash_assistance.yaml")]
    date = dt.date(2024, 12, 31)
    alone = pl.DataFrame(
        {"person_id": [30], "name": ["سلمى"], "birth_date": [dt.date(1980, 1, 1)]}
    ).with_columns(pl.lit(None, pl.String).alias(c) for c in ("national_id", "name_latin", "sex"))
    registry = small.with_rows("persons", alone)
    registry = registry.with_rows("observations", pl.DataFrame([
        observation("person", 30, "smoker", 1.0, dt.date(2024, 1, 1))
    ]))  # fmt: skip
    good = write_registry(registry, tmp_path / "good")
    assert len(determine_spark(rulesets, good, date, tasks=2, spark=spark)) == 2
    for kind, column, bad in (
        ("persons", "birth_date", "1980-02-30"),
        ("observations", "verification", "maybe"),
        ("persons", "person_id", None),  # nobody's id: no membership can name it
    ):
        folder = shutil.copytree(good, tmp_path / f"{kind}-{column}")
        table = pl.read_parquet(folder / f"{kind}.parquet")
        row = table.height - 1  # the person in no household, or what is observed of them
        values = table.get_column(column)
        values = (values if bad is None else values.cast(pl.String)).scatter(row, bad)
        table.with_columns(values.alias(column)).write_parquet(folder / f"{kind}.parquet")
        local = _refusal(lambda folder=folder: read_registry(folder))
        assert f"row {row + 1}" in local and column in local
        on_spark = _refusal(
            lambda folder=folder: determine_spark(rulesets, folder, date, tasks=2, spark=spark)
        )
        assert on_spark == local

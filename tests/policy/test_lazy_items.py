"""Item tables are read on first use: a survey opened for a measure or a policy
that uses no item never reads its item files, and results are the same as on
the survey held in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

import insaf.measures as m
from insaf.errors import DataError
from insaf.policy.engine import Simulation, State, simulate_states
from insaf.policy.scenario import parse_scenario
from insaf.specs import load_yaml
from insaf.survey import Label, Metadata, Survey, Variable, open_survey, write_survey
from insaf.survey.table import LazyTables

from .helpers import make_survey

CASES = Path(__file__).parent / "cases"


def case(name: str) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    return found


def states(sim: Simulation) -> dict[str, State]:
    return {"baseline": sim.baseline, **sim.reforms}


def same(got: Simulation, want: Simulation) -> None:
    for name, state in states(want).items():
        np.testing.assert_array_equal(states(got)[name].change, state.change)
        assert got.net_cost(states(got)[name]) == want.net_cost(state)


def simulate(survey: Survey, spec: dict[str, Any]) -> Simulation:
    data, lines = load_yaml(yaml.safe_dump(spec, allow_unicode=True), file="<test>")
    return simulate_states(parse_scenario(data, lines, file="<test>"), survey)


CONSUMPTION = [
    {"hhid": 1, "item": "bread", "quantity": 10, "value": 5},
    {"hhid": 2, "item": "bread", "quantity": 20, "value": 10},
    {"hhid": 3, "item": "clothing", "value": 40},
]


def written(tmp_path: Path, survey: Survey) -> Path:
    """``survey`` written as Parquet, its item column labelled (only the item file holds it)."""
    labelled = Survey(
        households=survey.households,
        persons=survey.persons,
        items=survey.items,
        design=survey.design,
        metadata=Metadata.of([Variable(name="item", label=Label(en="Item bought", ar="السلعة"))]),
    )
    return write_survey(labelled, tmp_path / "survey")


def spoil(path: Path) -> None:
    path.write_bytes(b"not a parquet file any more")


def test_items_are_not_read_for_a_measure(tmp_path: Path) -> None:
    cash = case("cash_transfer.yaml")
    memory = make_survey(cash["households"], cash["persons"], CONSUMPTION)
    opened = open_survey(written(tmp_path, memory))
    assert isinstance(opened.items, LazyTables)
    assert list(opened.items) == ["consumption"] and not opened.items.is_read("consumption")
    # the label only the item file carries is known at once (from the file's footer)
    assert opened.metadata.get("item").label == Label(en="Item bought", ar="السلعة")

    spoil(tmp_path / "survey" / "consumption.parquet")  # proof that nothing reads it now
    for measure in ("gini", "mean"):
        got = m.compute(opened, measure, "consumption_pc", unit="household")
        want = m.compute(memory, measure, "consumption_pc", unit="household")
        assert got[0].value == want[0].value and got[0].se == want[0].se
    assert not opened.items.is_read("consumption")

    # first use reads it: here the spoiled file, so the error names it
    with pytest.raises(DataError, match=r"consumption\.parquet"):
        opened.items["consumption"]


def test_items_are_not_read_for_a_policy_without_items(tmp_path: Path) -> None:
    cash = case("cash_transfer.yaml")
    memory = make_survey(cash["households"], cash["persons"], CONSUMPTION)
    opened = open_survey(written(tmp_path, memory))
    spoil(tmp_path / "survey" / "consumption.parquet")
    got, want = simulate(opened, cash["scenario"]), simulate(memory, cash["scenario"])
    assert not opened.items.is_read("consumption")  # type: ignore[attr-defined]
    same(got, want)


def test_items_are_read_when_an_instrument_uses_them(tmp_path: Path) -> None:
    vat = case("vat_excise.yaml")
    memory = make_survey(vat["households"], vat["persons"], vat["consumption"])
    opened = open_survey(written(tmp_path, memory))
    got, want = simulate(opened, vat["scenario"]), simulate(memory, vat["scenario"])
    assert opened.items.is_read("consumption")  # type: ignore[attr-defined]
    same(got, want)
    read = opened.items["consumption"].frame
    expected = memory.items["consumption"].frame
    assert read.select(expected.columns).equals(expected.cast(dict(read.schema)))


def test_a_missing_item_file_is_still_an_error_at_open(tmp_path: Path) -> None:
    vat = case("vat_excise.yaml")
    manifest = written(tmp_path, make_survey(vat["households"], vat["persons"], vat["consumption"]))
    (tmp_path / "survey" / "consumption.parquet").unlink()
    with pytest.raises(DataError, match=r"consumption\.parquet"):
        open_survey(manifest)


def test_lazy_tables_read_once() -> None:
    calls: list[str] = []

    def read() -> Any:
        calls.append("read")
        return pl.DataFrame({"x": [1]})

    tables = LazyTables({"t": read})  # type: ignore[dict-item]
    assert len(tables) == 1 and "t" in tables and calls == []
    assert tables["t"] is tables["t"] and calls == ["read"]
    with pytest.raises(KeyError):
        tables["other"]


def test_the_fingerprint_of_unread_items_is_that_of_the_read_table(tmp_path: Path) -> None:
    """An item table not yet read is digested from its file: the survey's fingerprint
    is the same as once it is read, and the table stays unread."""
    from insaf.policy.assessment import fingerprint_of, survey_fingerprint, table_digest

    vat = case("vat_excise.yaml")
    opened = open_survey(
        written(tmp_path, make_survey(vat["households"], vat["persons"], vat["consumption"]))
    )
    assert isinstance(opened.items, LazyTables)
    assert opened.items.scan("consumption") is not None  # a Parquet file read as it is
    lazily = survey_fingerprint(opened)
    assert not opened.items.is_read("consumption")
    read = fingerprint_of({t.name: table_digest(t.frame) for t in opened.tables})
    assert opened.items.is_read("consumption")
    assert lazily == read == survey_fingerprint(opened)


def test_an_item_file_that_reading_changes_is_read_for_its_fingerprint(tmp_path: Path) -> None:
    """A column declared float but stored as integers is converted when read: its file
    is not digested as it is (``scan_table`` says so), the table is read."""
    from insaf.survey.io import scan_table
    from insaf.survey.metadata import VariableType

    vat = case("vat_excise.yaml")
    manifest = written(tmp_path, make_survey(vat["households"], vat["persons"], vat["consumption"]))
    file = manifest.parent / "consumption.parquet"
    assert scan_table(file) is not None
    assert scan_table(file, types={"hhid": VariableType.FLOAT}) is None  # stored as Int64
    assert scan_table(file, types={"hhid": VariableType.INT}) is not None
    spoil(file)
    assert scan_table(file) is None  # a damaged file: reading it says what is wrong

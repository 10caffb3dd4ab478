"""A survey in parts (``dataset.yaml``): written, listed, read back, and refused when
its tables are not split alike or its manifest is wrong."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from insaf.errors import DataError, SpecError
from insaf.survey import Survey, open_survey
from insaf.survey.partitioned import (
    DATASET_MANIFEST,
    is_partitioned_survey,
    open_partitioned,
    write_partitioned_survey,
)
from insaf.survey.synth import synthesize


@pytest.fixture(scope="module")
def demo() -> Survey:
    return synthesize(300, seed=5, year=2024)


def test_written_parts_read_back_whole(demo: Survey, tmp_path: Path) -> None:
    dataset = write_partitioned_survey(demo, tmp_path / "d", by="governorate", households=25)
    assert is_partitioned_survey(tmp_path / "d")
    assert dataset.parts == tuple(sorted(dataset.parts))
    assert all(p.startswith("governorate=") for p in dataset.parts)
    whole = dataset.whole()
    assert whole.households is not None and demo.households is not None
    assert whole.persons is not None and demo.persons is not None
    # the same rows, grouped by governorate in sorted order ("10" before "2", as files sort)
    key = ["hhid"]
    assert_frame_equal(
        whole.households.frame.sort(key), demo.households.frame.sort(key), check_row_order=True
    )
    assert_frame_equal(whole.persons.frame.sort("pid"), demo.persons.frame.sort("pid"))
    assert whole.design == demo.design
    assert whole.metadata.get("governorate").values == demo.metadata.get("governorate").values
    assert whole.policy == demo.policy
    # one part holds its households' persons and items, and nobody else's
    first = dataset.survey(dataset.parts[0])
    assert first.households is not None and first.persons is not None
    ids = set(first.households.frame.get_column("hhid").to_list())
    assert set(first.persons.frame.get_column("hhid").to_list()) <= ids
    consumption = first.items["consumption"].frame
    assert set(consumption.get_column("hhid").to_list()) <= ids
    # open_survey reads the folder as the whole survey
    opened = open_survey(tmp_path / "d")
    assert opened.households is not None
    assert opened.households.height == demo.households.height


def test_a_missing_part_is_named(demo: Survey, tmp_path: Path) -> None:
    dataset = write_partitioned_survey(demo, tmp_path / "d", by="governorate", households=50)
    gone = dataset.file("consumption", dataset.parts[1])
    gone.unlink()
    with pytest.raises(DataError) as caught:
        open_partitioned(tmp_path / "d")
    assert str(gone) in str(caught.value)
    assert "consumption" in str(caught.value)


def test_an_extra_part_is_named(demo: Survey, tmp_path: Path) -> None:
    dataset = write_partitioned_survey(demo, tmp_path / "d", by="governorate", households=50)
    extra = tmp_path / "d" / "persons" / "governorate=99" / "part-00000.parquet"
    extra.parent.mkdir()
    pl.DataFrame({"pid": [1]}).write_parquet(extra)
    with pytest.raises(DataError) as caught:
        open_partitioned(dataset.folder)
    assert str(extra) in str(caught.value)


def test_a_manifest_without_households_is_refused_with_its_key(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / DATASET_MANIFEST).write_text(
        "insaf: 1\ntables:\n  persons: {path: persons, household: hhid}\n"
        "design: {weight: weight}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        open_partitioned(folder)
    assert "households" in str(caught.value)


def test_writing_refuses_a_full_folder(demo: Survey, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "keep.txt").write_text("mine")
    with pytest.raises(DataError):
        write_partitioned_survey(demo, tmp_path / "d", by="governorate")
    assert (tmp_path / "d" / "keep.txt").read_text() == "mine"


def test_household_columns_carried_to_persons(demo: Survey, tmp_path: Path) -> None:
    carried = ["weight", "psu", "consumption_pc"]
    dataset = write_partitioned_survey(
        demo, tmp_path / "d", by="urban", households=40, carried=carried
    )
    assert dataset.tables["persons"].carried == carried
    whole = dataset.whole()
    assert whole.persons is not None and demo.persons is not None and demo.households is not None
    persons = whole.persons.frame.sort("pid")
    expected = demo.persons.frame.join(
        demo.households.frame.select("hhid", *carried), on="hhid", how="left"
    ).sort("pid")
    assert_frame_equal(persons.select(expected.columns), expected)
    assert set(persons.columns) == set(expected.columns)


def test_carrying_refuses_an_unknown_or_clashing_column(demo: Survey, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no household column 'nothing' to carry"):
        write_partitioned_survey(demo, tmp_path / "a", by="urban", carried=["nothing"])
    # income tax is a person's column and a household's (its members' sum) in the demo
    with pytest.raises(DataError, match="a column 'income_tax' of their own"):
        write_partitioned_survey(demo, tmp_path / "b", by="urban", carried=["income_tax"])

"""A census written in partitions (issue 17): the layout, the same rows whatever
the chunk, whole and unique households and persons, persons carrying their
household's design, and the streamed engine giving the in-memory numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
import yaml
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

import insaf.measures as m
from insaf.cli import synth as _synth  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.errors import DataError, DesignError
from insaf.measures import stream
from insaf.survey.design import Design
from insaf.survey.survey import Survey
from insaf.survey.synth.country import GOVERNORATES
from insaf.survey.synth.partitioned import CARRIED, MANIFEST, TABLES, write_partitioned
from insaf.survey.table import Table

from .stats import headcount

N = 20_000
SEED = 4
DESIGN = Design(weight="weight", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The same census written 3,000 and 1,000,000 households at a time."""
    out = {}
    for chunk in (3_000, 1_000_000):
        folder = tmp_path_factory.mktemp(f"chunk{chunk}")
        write_partitioned(folder, households=N, seed=SEED, chunk=chunk, overwrite=True)
        out[chunk] = folder
    return out


@pytest.fixture(scope="module")
def folder(folders: dict[int, Path]) -> Path:
    return folders[3_000]


def _files(folder: Path, table: str) -> list[Path]:
    """The table's files in governorate order, then part order."""
    files = (folder / table).glob("governorate=*/part-*.parquet")
    return sorted(files, key=lambda p: (int(p.parent.name.split("=")[1]), p.name))


def _read(folder: Path, table: str) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(f) for f in _files(folder, table)])


def test_layout_is_hive_partitioned_by_governorate(folder: Path) -> None:
    codes = {g.code for g in GOVERNORATES}
    for table in TABLES:
        files = _files(folder, table)
        assert {int(f.parent.name.removeprefix("governorate=")) for f in files} == codes
        for f in files:  # the folder's key is also a column of the file, and agrees
            column = pl.read_parquet(f, columns=["governorate"])["governorate"]
            assert column.unique().to_list() == [int(f.parent.name.split("=")[1])]
    assert len(_files(folder, "households")) > len(codes)  # several chunks in some governorates
    assert {p.name for p in folder.iterdir()} == {*TABLES, MANIFEST, "README.md"}


def test_other_readers_of_hive_partitions(folder: Path) -> None:
    # as docs/synth.md shows: polars reads the folder key and the column as one;
    # pyarrow needs the key's type (it would guess int32 and refuse to merge)
    persons = folder / "persons"
    rows = pl.scan_parquet(persons, hive_partitioning=True).filter(pl.col("governorate") == 3)
    expected = pl.read_parquet(_files(folder, "persons")[0].parent.parent / "governorate=3")
    assert rows.select(pl.len()).collect().item() == expected.height > 0
    key = ds.partitioning(pa.schema([("governorate", pa.int64())]), flavor="hive")
    table = ds.dataset(persons, format="parquet", partitioning=key).to_table(
        columns=["pid"], filter=ds.field("governorate") == 3
    )
    assert table.num_rows == expected.height


def test_labelled_synthetic(folder: Path) -> None:
    manifest = yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert "synthetic" in manifest["name"]["en"] and "مصطنعة" in manifest["name"]["ar"]
    assert manifest["rows"]["households"] == N
    assert manifest["design"] == {
        "weight": "weight",
        "strata": "stratum",
        "psu": "psu",
        "fpc": "fpc",
    }
    assert manifest["variables"]["persons"]["income_pc"]["ar"]
    # value labels, so a breakdown by governorate names each governorate in both languages
    names = manifest["variables"]["households"]["governorate"]["values"]
    assert names[1] == {"en": "Al-Asima", "ar": "العاصمة"} and len(names) == len(GOVERNORATES)
    from insaf.survey.partitioned import open_partitioned

    metadata = open_partitioned(folder).survey(open_partitioned(folder).parts[0]).metadata
    assert metadata["governorate"].values[12].ar == "الجنوب"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "مصطنعة" in readme


def test_same_rows_whatever_the_chunk(folders: dict[int, Path]) -> None:
    small, whole = folders[3_000], folders[1_000_000]
    assert len(_files(small, "persons")) > len(_files(whole, "persons")) == len(GOVERNORATES)
    for table in TABLES:
        assert_frame_equal(_read(small, table), _read(whole, table))


def test_whole_households_and_persons_no_duplicate_ids(folder: Path) -> None:
    hh, persons = _read(folder, "households"), _read(folder, "persons")
    items = _read(folder, "consumption")
    assert hh.height == N and hh["hhid"].n_unique() == N
    assert persons.height == hh["hhsize"].sum() and persons["pid"].n_unique() == persons.height
    assert persons["hhid"].is_in(hh["hhid"].implode()).all()
    assert items["hhid"].is_in(hh["hhid"].implode()).all()
    assert items.select(["hhid", "item"]).is_duplicated().sum() == 0
    # the manifest counts what the files hold
    rows = yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8"))["rows"]
    assert rows == {"households": N, "persons": persons.height, "consumption": items.height}


def test_a_census_every_ea_taken_weight_one(folder: Path) -> None:
    hh = _read(folder, "households")
    assert (hh["weight"] == 1.0).all()
    per = hh.group_by("stratum").agg(pl.col("psu").n_unique(), pl.col("fpc").first())
    assert per.height == 2 * len(GOVERNORATES)
    assert (per["psu"] == per["fpc"]).all() and per["psu"].min() >= 2  # type: ignore[operator]


def test_persons_carry_their_households_design_and_welfare(folder: Path) -> None:
    hh, persons = _read(folder, "households"), _read(folder, "persons")
    carried = [spec[0] for spec in CARRIED if spec[0] != "income_pc"]
    joined = persons.select(["hhid", *carried, "income_pc"]).join(
        hh.select(["hhid", *carried, "disposable_income"]), on="hhid", suffix="_hh"
    )
    assert joined.height == persons.height
    for name in carried:
        assert (joined[name] == joined[f"{name}_hh"]).all(), name
    income_pc = (joined["disposable_income"] / joined["hhsize"]).round(2)
    assert np.allclose(joined["income_pc"], income_pc, atol=1e-9)


def test_a_plausible_country(folder: Path) -> None:
    # the in-memory survey's targets (test_synth_calibration): poverty about 15 %
    persons = _read(folder, "persons")
    rate = headcount(
        persons["consumption_pc"].to_numpy(),
        persons["poverty_line"].to_numpy(),
        persons["weight"].to_numpy(),
    )
    assert 0.12 <= rate <= 0.18


def test_streamed_gini_and_arpr_equal_in_memory(folder: Path) -> None:
    source = folder / "persons"
    streamed = stream.gini(source, "consumption_pc", design=DESIGN, by="governorate")
    rows = pl.concat([pl.read_parquet(f) for f in stream.parquet_files(source)])
    survey = Survey(persons=Table(name="persons", frame=rows), design=DESIGN)
    expected = m.gini(survey, "consumption_pc", by="governorate")
    assert len(streamed) == len(expected) == len(GOVERNORATES)
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)
        assert 0.2 < got.value < 0.4
    arpr = stream.arpr(source, "income_pc", design=DESIGN)[0]
    assert arpr.value == pytest.approx(m.arpr(survey, "income_pc")[0].value, rel=1e-9)


def test_with_the_fpc_a_census_has_no_sampling_error(folder: Path) -> None:
    census = Design(weight="weight", strata="stratum", psu="psu", fpc="fpc")
    fgt = stream.FGT(variable="consumption_pc", line="poverty_line")
    estimate = stream.estimate(folder / "persons", [fgt], design=census)[0]
    assert estimate.se == 0.0 and estimate.population == estimate.n


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError, match="not empty"):
        write_partitioned(tmp_path, households=500)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    write_partitioned(tmp_path, households=500, seed=2, overwrite=True)
    write_partitioned(tmp_path, households=400, seed=2, overwrite=True)
    assert (tmp_path / "notes.txt").exists()  # overwriting replaces only what a run wrote
    assert _read(tmp_path, "households").height == 400


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"households": 0}, DesignError, "between 100 and"),
        ({"households": -5}, DesignError, "between 100 and"),
        ({"households": 500, "chunk": 0}, DataError, "at least 1 household"),
        ({"households": 500, "seed": -1}, DataError, "non-negative"),
        ({"households": 500, "year": 1990}, DataError, "outside"),
    ],
)
def test_refuses_bad_sizes(
    tmp_path: Path, options: dict[str, int], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        write_partitioned(tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


def test_command_writes_partitions(tmp_path: Path) -> None:
    out = tmp_path / "census"
    args = ["synth", "--partitioned", "--households", "1500", "--chunk", "400", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "synthetic" in result.output
    assert _read(out, "households").height == 1500
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert CliRunner().invoke(app, [*args, "--overwrite"]).exit_code == 0
    csv = CliRunner().invoke(app, [*args, "--overwrite", "--format", "csv"])
    assert csv.exit_code == 2 and "Parquet only" in csv.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--partitioned", "--take", "5"], "--take: not used with --partitioned"),
        (["--chunk", "100", "--overwrite"], "--chunk: only with --partitioned"),
    ],
)
def test_command_refuses_options_that_do_not_apply(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["synth", "--households", "500", "--out", str(out), *extra])
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()

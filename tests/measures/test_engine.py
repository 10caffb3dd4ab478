"""Choosing an engine, and every measure the streamed engine computes, by name, equal
to the in-memory engine on the same dataset opened whole (``open_survey`` of the
folder reads its files in the streamed engine's order)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from insaf.errors import DataError, InsafError
from insaf.measures.engine import (
    HELD_BYTES_PER_VALUE,
    Engine,
    Reason,
    choose,
    estimate_out_of_core,
)
from insaf.measures.registry import STREAMED, MeasureOptions, compute
from insaf.survey import DesignOptions, open_survey
from insaf.survey.design import Design

DESIGN = Design(weight="w", strata="stratum", psu="psu")
COLUMNS = ["w", "stratum", "psu", "y", "region"]


def _dataset(folder: Path, n: int = 3000, seed: int = 2) -> Path:
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, 120, n))
    frame = pl.DataFrame(
        {
            "y": np.round(np.exp(rng.normal(8.0, 0.7, n)), -1),  # rounded: many ties
            "w": rng.uniform(50.0, 150.0, n),
            "stratum": psu // 12,
            "psu": psu,
            "region": rng.integers(0, 3, n),
            "line": rng.uniform(2000.0, 4000.0, n),
        }
    ).sample(fraction=1.0, shuffle=True, seed=5)
    for i, part in enumerate(frame.iter_slices(400)):
        sub = folder / f"region_block={i % 2}"
        sub.mkdir(parents=True, exist_ok=True)
        part.write_parquet(sub / f"part-{i:03d}.parquet")
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _dataset(tmp_path_factory.mktemp("dataset"))


OPTIONS = {
    "mean": MeasureOptions(),
    "total": MeasureOptions(),
    "fgt0": MeasureOptions(line="line"),
    "fgt1": MeasureOptions(line=3000.0),
    "fgt2": MeasureOptions(line=3000.0, below="<="),
    "arpr": MeasureOptions(relative=0.5, rule="eurostat"),
    "gini": MeasureOptions(estimator="eurostat"),
    "median": MeasureOptions(rule="laeken"),
    "quantile": MeasureOptions(p=0.2),
    "qsr": MeasureOptions(),
    "palma": MeasureOptions(rule="eurostat"),
}


def test_every_streamed_measure_is_tested() -> None:
    assert set(OPTIONS) == set(STREAMED)


@pytest.mark.parametrize("measure", sorted(OPTIONS))
def test_a_measure_by_name_out_of_core_equals_it_in_memory(dataset: Path, measure: str) -> None:
    options = OPTIONS[measure]
    streamed = estimate_out_of_core(
        Engine.STREAM, dataset, measure, "y", design=DESIGN, options=options, by="region"
    )
    survey = open_survey(dataset, design=DesignOptions(weight="w", strata="stratum", psu="psu"))
    held = compute(survey, measure, "y", options=options, by="region")
    assert len(streamed) == len(held) == 3
    for got, expected in zip(streamed, held, strict=True):
        assert got.measure == expected.measure and got.domain == expected.domain
        assert got.value == pytest.approx(expected.value, rel=1e-9)
        assert got.se == pytest.approx(expected.se, rel=1e-9)


def test_what_is_not_streamed_is_refused_by_name(dataset: Path) -> None:
    with pytest.raises(InsafError, match="theil is estimated in memory only"):
        estimate_out_of_core(Engine.STREAM, dataset, "theil", "y", design=DESIGN)
    with pytest.raises(InsafError, match="relative line is not computed out of core"):
        estimate_out_of_core(
            Engine.STREAM,
            dataset,
            "fgt0",
            "y",
            design=DESIGN,
            options=MeasureOptions(relative=0.6),
        )
    with pytest.raises(InsafError, match="gini needs a variable"):
        estimate_out_of_core(Engine.STREAM, dataset, "gini", None, design=DESIGN)


def test_auto_reads_a_dataset_in_memory_while_it_fits_and_streams_it_past_that(
    dataset: Path,
) -> None:
    held = 3000 * len(COLUMNS) * HELD_BYTES_PER_VALUE  # rows x columns read x bytes
    fits = choose(dataset, "gini", columns=[*COLUMNS, "w", None], budget=held)
    assert (fits.engine, fits.reason, fits.held, fits.budget) == (
        Engine.MEMORY,
        Reason.FITS,
        held,
        held,
    )
    large = choose(dataset, "gini", columns=COLUMNS, budget=held - 1)
    assert (large.engine, large.reason) == (Engine.STREAM, Reason.LARGE)
    theil = choose(dataset, "theil", columns=COLUMNS, budget=held - 1)
    assert (theil.engine, theil.reason) == (Engine.MEMORY, Reason.NOT_STREAMED)


def test_auto_reads_a_survey_in_memory_and_the_stream_engine_refuses_one(
    tmp_path: Path, dataset: Path
) -> None:
    (tmp_path / "survey.yaml").write_text("name: x\n", encoding="utf-8")
    (tmp_path / "persons.parquet").write_bytes(
        (dataset / "region_block=0" / "part-000.parquet").read_bytes()
    )
    assert choose(tmp_path, "gini", columns=COLUMNS).reason is Reason.SURVEY
    assert choose(tmp_path / "survey.yaml", "gini", columns=COLUMNS).engine is Engine.MEMORY
    with pytest.raises(InsafError, match="the stream engine reads a Parquet dataset"):
        choose(tmp_path, "gini", engine=Engine.STREAM, columns=COLUMNS)
    with pytest.raises(InsafError, match="theil is estimated in memory only"):
        choose(dataset, "theil", engine=Engine.STREAM, columns=COLUMNS)
    asked = choose(dataset, "gini", engine=Engine.STREAM, columns=COLUMNS)
    assert (asked.engine, asked.reason, asked.held) == (Engine.STREAM, Reason.ASKED, None)


def test_a_dataset_whose_files_differ_is_refused_naming_the_file(tmp_path: Path) -> None:
    pl.DataFrame({"y": [1.0, 2.0], "w": [1.0, 1.0]}).write_parquet(tmp_path / "a.parquet")
    pl.DataFrame({"y": [1, 2], "w": [1.0, 1.0]}).write_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataError, match=r"b\.parquet.*columns differ from those of .*a\.parquet"):
        open_survey(tmp_path, design=DesignOptions(weight="w"))

"""The streamed engine's memory follows the batch it is asked for, not the rows.

Its arrays (numpy's allocations, which ``tracemalloc`` sees) are measured at
their peak while the linear measures, the Gini and the ARPR run on a million
rows in files of 50,000: with batches of 10,000 rows the peak must stay a small
fraction of one column held whole, and the same run with batches of all the
rows shows that the measurement sees the difference.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from insaf.measures import stream
from insaf.survey.design import Design

ROWS = 1_000_000
COLUMN = 8 * ROWS
"""Bytes of one column of numbers held whole (8 MB)."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(7)
    psu = np.sort(rng.integers(0, 200, ROWS))
    frame = pl.DataFrame(
        {
            "y": np.exp(rng.normal(8.0, 0.7, ROWS)),
            "w": rng.uniform(50.0, 150.0, ROWS),
            "stratum": psu // 10,
            "psu": psu,
            "region": rng.integers(0, 4, ROWS),
        }
    )
    out = tmp_path_factory.mktemp("bound")
    for i, part in enumerate(frame.iter_slices(50_000)):
        part.write_parquet(out / f"{i:02d}.parquet")
    return out


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _measures(folder: Path, batch_rows: int, spill: Path) -> Callable[[], object]:
    design = Design(weight="w", strata="stratum", psu="psu")

    def run() -> object:
        linear = stream.estimate(
            folder,
            [stream.Mean(variable="y"), stream.FGT(variable="y", line=2500.0)],
            design=design,
            by="region",
            batch_rows=batch_rows,
        )
        with stream.spilled(
            folder, "y", design=design, by="region", batch_rows=batch_rows, spill=spill
        ) as data:
            return linear, stream.gini_of(data), stream.arpr_of(data)

    return run


def test_memory_follows_the_batch(folder: Path, tmp_path: Path) -> None:
    _measures(folder, 10_000, tmp_path)()  # once first: what its imports hold is not data
    bounded = _peak(_measures(folder, 10_000, tmp_path))
    whole = _peak(_measures(folder, ROWS, tmp_path))
    assert bounded < 0.5 * COLUMN, f"{bounded / 1e6:.2f} MB with batches of 10,000 rows"
    assert whole > 2 * COLUMN  # the measurement sees rows held whole

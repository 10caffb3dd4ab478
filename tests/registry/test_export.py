"""National identifiers are masked in exports (all but the last four characters)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from insaf.registry import Registry
from insaf.registry.export import export_view, mask_national_id, masked


def test_mask() -> None:
    assert mask_national_id("011985000037") == "********0037"
    assert mask_national_id(" 1234 ") == "****"
    assert mask_national_id(None) is None
    frame = pl.DataFrame({"n": ["011985000037", "12", None]})
    assert frame.select(masked(pl.col("n"))).to_series().to_list() == ["********0037", "**", None]


def test_export(small: Registry, tmp_path: Path) -> None:
    paths = export_view(small, dt.date(2024, 7, 1), tmp_path, fmt="parquet")
    persons = pl.read_parquet(paths[0])
    assert persons["national_id"].to_list() == ["***0001", "***1001", "***0001"]
    assert "1990001" not in persons.write_csv()
    households = pl.read_parquet(paths[1])
    assert households["pmt_score"].to_list() == [5.2, 5.5]

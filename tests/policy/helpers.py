"""Build small in-memory surveys for policy tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from insaf.survey import Design, Survey, Table


def make_survey(
    households: Sequence[Mapping[str, Any]],
    persons: Sequence[Mapping[str, Any]] = (),
    consumption: Sequence[Mapping[str, Any]] = (),
) -> Survey:
    """A survey from rows; a stratum and one PSU per household are added when absent."""
    hh = pl.DataFrame(list(households), infer_schema_length=None)
    if "stratum" not in hh.columns:
        hh = hh.with_columns(pl.lit(1).alias("stratum"))
    if "psu" not in hh.columns:
        hh = hh.with_columns(pl.col("hhid").alias("psu"))
    persons_table = None
    if persons:
        frame = pl.DataFrame(list(persons), infer_schema_length=None)
        persons_table = Table(name="persons", frame=frame, key=("pid",), household="hhid")
    items = {}
    if consumption:
        schema = {"hhid": pl.Int64, "item": pl.String, "quantity": pl.Float64, "value": pl.Float64}
        rows = [{k: row.get(k) for k in schema} for row in consumption]
        frame = pl.DataFrame(rows, schema=schema)
        items["consumption"] = Table(
            name="consumption", frame=frame, key=("hhid", "item"), household="hhid"
        )
    return Survey(
        households=Table(name="households", frame=hh, key=("hhid",)),
        persons=persons_table,
        items=items,
        design=Design(weight="weight", strata="stratum", psu="psu"),
    )

"""Small in-memory surveys for the rights tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from insaf.survey import Design, Survey, Table


def make_survey(
    households: Sequence[Mapping[str, Any]],
    persons: Sequence[Mapping[str, Any]],
    consumption: Sequence[Mapping[str, Any]] = (),
) -> Survey:
    """A survey from rows: one stratum, PSUs as given (``psu``), weights ``weight``."""
    hh = pl.DataFrame(list(households), infer_schema_length=None).with_columns(
        pl.lit(1).alias("stratum")
    )
    items = {}
    if consumption:
        schema = {"hhid": pl.Int64, "item": pl.String, "quantity": pl.Float64, "value": pl.Float64}
        frame = pl.DataFrame([{k: row[k] for k in schema} for row in consumption], schema=schema)
        items["consumption"] = Table(
            name="consumption", frame=frame, key=("hhid", "item"), household="hhid"
        )
    return Survey(
        households=Table(name="households", frame=hh, key=("hhid",)),
        persons=Table(
            name="persons",
            frame=pl.DataFrame(list(persons), infer_schema_length=None),
            key=("pid",),
            household="hhid",
        ),
        items=items,
        design=Design(weight="weight", strata="stratum", psu="psu"),
    )

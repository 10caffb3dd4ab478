from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from insaf.survey import Survey
from insaf.survey.synth import synthesize


@pytest.fixture(scope="session")
def demo() -> Survey:
    """A small synthetic demo survey (households, persons, consumption items)."""
    return synthesize(800, seed=11, year=2024)


def household_rows(*columns: pl.Expr) -> Survey:
    """The households of a synthetic survey of 1,500 alone, weighted by their persons
    (``_wp``, weight x household size), with ``columns`` added: the rows the impact's
    statistics of persons are computed on (``insaf.policy.person_stats``)."""
    demo = synthesize(1500, seed=7, year=2024)
    assert demo.households is not None
    frame = demo.households.frame.with_columns(
        (pl.col("weight") * pl.col("hhsize")).alias("_wp"), *columns
    )
    return replace(
        demo,
        households=demo.households.with_frame(frame),
        persons=None,
        items={},
        design=replace(demo.design, weight="_wp"),
    )

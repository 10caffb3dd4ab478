"""Deterministic for a (seed, year); different seeds differ; the years of one
seed form a plausible series on one frame (the observatory's trends)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from insaf.survey import Survey
from insaf.survey.synth import synthesize

from .stats import headcount

N = 3000


def _hh(survey: Survey) -> pl.DataFrame:
    assert survey.households is not None
    return survey.households.frame


def test_same_seed_same_survey() -> None:
    first, second = synthesize(N, 42), synthesize(N, 42)
    for a, b in zip(first.tables, second.tables, strict=True):
        assert_frame_equal(a.frame, b.frame)
    assert first.policy == second.policy


def test_different_seeds_differ() -> None:
    first, second = _hh(synthesize(N, 42)), _hh(synthesize(N, 43))
    assert first.height == second.height
    assert not first["psu"].equals(second["psu"])
    assert not np.allclose(first["consumption"].to_numpy(), second["consumption"].to_numpy())


@pytest.fixture(scope="module")
def series() -> dict[int, pl.DataFrame]:
    return {year: _hh(synthesize(20_000, 7, year)) for year in range(2019, 2025)}


def _weight(hh: pl.DataFrame) -> npt.NDArray[np.float64]:
    return (hh["weight"] * hh["hhsize"]).to_numpy()


def _poverty(hh: pl.DataFrame) -> float:
    return headcount(hh["consumption_pc"].to_numpy(), hh["poverty_line"].to_numpy(), _weight(hh))


def test_frame_is_stable_across_years(series: dict[int, pl.DataFrame]) -> None:
    fpc = [
        hh.group_by("stratum").agg(pl.col("fpc").first()).sort("stratum") for hh in series.values()
    ]
    for other in fpc[1:]:
        assert_frame_equal(fpc[0], other)
    for hh in series.values():  # every PSU is an EA of the frame
        assert ((hh["psu"] % 100_000) <= hh["fpc"]).all()


def test_population_grows_smoothly(series: dict[int, pl.DataFrame]) -> None:
    totals = np.array([hh["weight"].to_numpy().sum() for hh in series.values()])
    growth = np.diff(totals) / totals[:-1]
    assert np.all((growth > 0.015) & (growth < 0.03))


def test_poverty_falls_and_consumption_grows(series: dict[int, pl.DataFrame]) -> None:
    poverty = {year: _poverty(hh) for year, hh in series.items()}
    assert poverty[2019] > poverty[2024] + 0.015
    assert poverty[2023] > poverty[2024] - 0.005
    real = {}
    for year, hh in series.items():
        cpi = hh["poverty_line"][0] / hh["price_index"][0]  # the national line moves with the CPI
        real[year] = np.average(
            (hh["consumption_pc"] / hh["price_index"]).to_numpy() / cpi, weights=_weight(hh)
        )
    growth = (real[2024] / real[2019]) ** (1 / 5) - 1
    assert 0.01 < growth < 0.03


def test_access_and_schooling_improve(series: dict[int, pl.DataFrame]) -> None:
    early, late = series[2019], series[2024]
    for column in ("electricity", "water_improved", "internet"):
        assert np.average(late[column], weights=late["weight"]) > np.average(
            early[column], weights=early["weight"]
        ), column


def test_attendance_improves() -> None:
    rates = []
    for year in (2019, 2024):
        survey = synthesize(20_000, 7, year)
        frame = survey.frame(["attending_school", "age"], unit="person")
        teens = frame.filter((pl.col("age") >= 12) & (pl.col("age") <= 17))
        rates.append(np.average(teens["attending_school"], weights=teens["weight"]))
    assert rates[1] > rates[0] + 0.02

"""Every replicate's value at once (from replicate totals per PSU) equals the
statistic recomputed with that replicate's weights, for each kind of replicate:
a delete-one-PSU jackknife, a bootstrap, supplied replicate weights and
recalibrated replicates of calibrated weights."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

from insaf.measures._engine import Kernel, Replicated
from insaf.measures._kernels.linear import mean_of, part_of, ratio_of, share_of
from insaf.measures._sample import Sample, prepare
from insaf.measures.opportunity import _coef_kernel, _Fits, _hoi_kernel
from insaf.survey.calibration import calibrate
from insaf.survey.design import Design, ReplicateMethod, Replicates
from insaf.survey.survey import Survey
from insaf.survey.table import Table


def _frame(n: int = 600, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    psu = np.repeat(np.arange(40), n // 40)
    x = rng.normal(0.0, 1.0, n)
    group = rng.integers(0, 3, n)
    return pl.DataFrame(
        {
            "y": (rng.random(n) < 1.0 / (1.0 + np.exp(-0.5 - x - 0.4 * group))).astype(float),
            "v": np.exp(rng.normal(5.0, 0.6, n)),
            "u": rng.uniform(1.0, 4.0, n),
            "x": np.round(x, 1),
            "group": group.astype(float),
            "w": rng.uniform(50.0, 150.0, n),
            "stratum": psu // 8,
            "psu": psu,
            "region": rng.choice(["a", "b"], n),
        }
    )


def _survey(frame: pl.DataFrame, design: Design) -> Survey:
    return Survey(persons=Table(name="persons", frame=frame), design=design)


def _plain() -> Survey:
    return _survey(_frame(), Design(weight="w", strata="stratum", psu="psu"))


def _pairs() -> Survey:
    """Twenty strata of two PSUs."""
    frame = _frame().with_columns(stratum=pl.col("psu") // 2)
    return _survey(frame, Design(weight="w", strata="stratum", psu="psu"))


def _supplied() -> Survey:
    frame = _frame()
    rng = np.random.default_rng(5)
    factors = rng.poisson(1.0, (40, 15)).astype(np.float64)
    psu = frame.get_column("psu").to_numpy()
    w = frame.get_column("w").to_numpy()
    reps = {f"r{k}": w * factors[psu, k] for k in range(15)}
    return _survey(
        frame.with_columns(**reps),
        Design(
            weight="w",
            strata="stratum",
            psu="psu",
            replicates=Replicates(columns=tuple(reps), method=ReplicateMethod.BOOTSTRAP),
        ),
    )


def _calibrated() -> Survey:
    survey = _plain()
    return calibrate(survey, margins={"region": {"a": 40_000.0, "b": 50_000.0}})


SURVEYS: dict[str, tuple[Callable[[], Survey], str]] = {
    "jackknife": (_plain, "jackknife"),
    "jackknife of pairs": (_pairs, "jackknife"),
    "bootstrap": (_plain, "bootstrap"),
    "supplied": (_supplied, "replicates"),
    "recalibrated jackknife": (_calibrated, "jackknife"),
}


def _kernels() -> dict[str, Kernel]:
    fits = _Fits()
    return {
        "mean": mean_of("v"),
        "ratio": ratio_of("v", "u"),
        "share": share_of("group", 1.0),
        "part": part_of("v", "group", 2.0),
        "coverage": _hoi_kernel("coverage", ["x", "group"], fits),
        "D": _hoi_kernel("D", ["x", "group"], fits),
        "hoi": _hoi_kernel("hoi", ["x", "group"], fits),
        "coefficient": _coef_kernel(1, ["x", "group"], _Fits()),
    }


def _sample(name: str) -> Sample:
    make, variance = SURVEYS[name]
    roles = {"y": "y", "v": "v", "u": "u", "x": "x", "group": "group"}
    return prepare(
        make(), roles, by="region", unit=None, variance=variance, replicates=30, seed=2, sort=None
    )


@pytest.mark.parametrize("name", list(SURVEYS))
def test_replicates_at_once_equal_one_by_one(name: str) -> None:
    sample = _sample(name)
    assert sample.spec is not None
    for d in range(sample.n_domains):
        rows = sample.slice(d)
        cols = {k: v[rows] for k, v in sample.cols.items()}

        def totals(codes, groups, values, rows=rows):  # type: ignore[no-untyped-def]
            return sample.replicate_totals(rows, codes, groups, values)

        for kernel_name, kernel in _kernels().items():
            assert isinstance(kernel, Replicated)
            kernel(cols, sample.w[rows], math.nan, False)  # the full sample's fit first
            at_once = kernel.replicated(cols, totals)
            one_by_one = [
                kernel(cols, sample.replicate_weights(r)[rows], math.nan, False)[0]
                for r in range(sample.spec.n_replicates)
            ]
            assert at_once == pytest.approx(one_by_one, rel=1e-9, abs=1e-12), kernel_name


@pytest.mark.parametrize("name", ["jackknife", "jackknife of pairs"])
def test_a_jackknife_is_summed_block_by_block(name: str) -> None:
    """The jackknife's factors differ from 1 in one stratum per replicate: the
    product with them goes by blocks, and gives the dense product."""
    sample = _sample(name)
    assert sample.factors is not None and sample._factor_blocks is not None
    assert all(block.off is not None for block in sample._factor_blocks)
    totals = np.random.default_rng(1).normal(size=(sample.factors.shape[0], 3))
    assert sample._factors_times(totals) == pytest.approx(sample.factors.T @ totals, rel=1e-12)


def test_a_bootstrap_is_one_dense_product() -> None:
    sample = _sample("bootstrap")
    assert sample._factor_blocks is None

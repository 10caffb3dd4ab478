"""The ARPR (and the FGT0 of a relative line) from rows in table order equal the
general path (every row sorted, ``run_plans`` over the arranged sample) to 1e-12,
over designs, domains, ties, zero weights, quantile rules and options; and the
selection quantile and the kernel sums near a point equal their full versions."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DataError
from insaf.measures._kernels import arpr as in_table_order
from insaf.measures._kernels import plans, selection
from insaf.measures._kernels.plan import Plan, estimate, run_plans, sample_for
from insaf.measures._kernels.quantile import _phi
from insaf.measures._kernels.quantile import quantile as sorted_quantile
from insaf.measures.estimate import Estimates, LinearBasis
from insaf.measures.types import QUANTILE_RULES, By, QuantileRule
from insaf.survey.design import Design
from insaf.survey.survey import Survey
from insaf.survey.table import Table

REL = 1e-12


@pytest.fixture(params=["sorted", "selected"])
def selection_on(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Small samples are sorted; ``selected`` makes them bracket the median by selection."""
    if request.param == "selected":
        monkeypatch.setattr(selection, "SMALL", 64)
        monkeypatch.setattr(selection, "SAMPLE", 40)
    yield request.param


def _frame(n: int = 2400, seed: int = 7, *, ties: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n_psu = 60
    psu = np.sort(rng.integers(0, n_psu, n))
    y = np.exp(rng.normal(8.0, 0.8, n) + rng.normal(0.0, 0.3, n_psu)[psu])
    if ties:
        y = np.round(y, -2)  # many ties, some at the median and the line
    w = rng.uniform(0.5, 3.0, n)
    w[rng.random(n) < 0.04] = 0.0  # zero weights
    region = rng.choice(np.array(["north", "south", "east"]), n)
    region[rng.choice(n, 6, replace=False)] = "tiny"  # a domain with few rows
    return pl.DataFrame(
        {
            "y": y,
            "w": w,
            "h": psu // 6,
            "p": psu,
            "ssu": rng.integers(0, 3, n),
            "region": region,
            "sex": rng.integers(1, 3, n),
        }
    ).with_columns(
        (pl.col("p").n_unique().over("h") * 3).cast(pl.Float64).alias("fpc"),
        pl.lit(8.0).alias("fpc2"),
    )


def _survey(frame: pl.DataFrame, **design: Any) -> Survey:
    return Survey(persons=Table(name="persons", frame=frame), design=Design(weight="w", **design))


def _close(a: float, b: float) -> None:
    assert abs(a - b) <= REL * max(abs(a), abs(b)), (a, b)


def _same(fast: Estimates, general: Estimates) -> None:
    assert len(fast) == len(general) and fast.by == general.by
    for a, b in zip(fast, general, strict=True):
        assert (a.measure, a.variable, a.domain, a.n, a.method) == (
            b.measure,
            b.variable,
            b.domain,
            b.n,
            b.method,
        )
        _close(a.value, b.value)
        _close(a.se, b.se)
        _close(a.population, b.population)
        assert isinstance(a.basis, LinearBasis) and isinstance(b.basis, LinearBasis)
        assert a.basis.design is b.basis.design
        scale = float(np.abs(b.basis.totals).max())
        np.testing.assert_allclose(a.basis.totals, b.basis.totals, rtol=0, atol=REL * scale)


def _both(survey: Survey, plan: Plan, by: By) -> None:
    assert plan.rate is not None and in_table_order.applies(survey.design, "auto")
    fast = estimate(survey, plan, by=by, unit=None, variance="auto", replicates=200, seed=1)
    general = run_plans(sample_for(survey, plan, by, None, "linearization", 200, 1), [plan])
    _same(fast, general)


FRAME = _frame()
SHUFFLED = FRAME.sample(fraction=1.0, shuffle=True, seed=3)
LONELY = FRAME.with_columns(pl.when(pl.col("h") == 9).then(9).otherwise(pl.col("p")).alias("p"))
DESIGNS = {
    "strata and PSUs": (FRAME, {"strata": "h", "psu": "p"}),
    "PSUs only": (FRAME, {"psu": "p"}),
    "no design": (FRAME, {}),
    "unsorted PSUs": (SHUFFLED, {"strata": "h", "psu": "p"}),
    "fpc": (SHUFFLED, {"strata": "h", "psu": "p", "fpc": "fpc"}),
    "two stages": (FRAME, {"strata": "h", "psu": "p", "fpc": "fpc", "ssu": "ssu", "fpc2": "fpc2"}),
    **{
        f"lonely PSU {how}": (LONELY, {"strata": "h", "psu": "p", "lonely_psu": how})
        for how in ("adjust", "average", "remove", "certainty")
    },
}


@pytest.mark.parametrize("by", [None, "region", ["region", "sex"]])
@pytest.mark.parametrize("design", list(DESIGNS))
def test_designs_and_domains(selection_on: str, design: str, by: By) -> None:
    frame, options = DESIGNS[design]
    survey = _survey(frame, **options)
    _both(survey, plans.arpr("y", share=0.6, of="median", below="<", rule="convey"), by)


@pytest.mark.parametrize("rule", QUANTILE_RULES)
@pytest.mark.parametrize("below", ["<", "<="])
@pytest.mark.parametrize(("share", "of"), [(0.6, "median"), (0.5, "median"), (0.6, "mean")])
def test_rules_and_options(
    selection_on: str, rule: QuantileRule, below: Any, share: float, of: Any
) -> None:
    survey = _survey(SHUFFLED, strata="h", psu="p")
    _both(survey, plans.arpr("y", share=share, of=of, below=below, rule=rule), "region")
    line = m.Relative(share=share, of=of)
    _both(survey, plans.fgt("y", line=line, alpha=0.0, below=below, rule=rule), "region")


@pytest.mark.parametrize("rule", QUANTILE_RULES)
def test_median_hit_exactly(selection_on: str, rule: QuantileRule) -> None:
    """Equal weights and an even number of rows: F reaches 1/2 exactly at a row, where
    the rules differ (eurostat averages with the next value)."""
    rng = np.random.default_rng(11)
    n = 1000
    frame = pl.DataFrame(
        {"y": rng.permutation(np.arange(n) * 1.5 + 100.0), "w": np.full(n, 0.01)}
    ).with_columns(region=pl.Series(rng.integers(0, 4, n)))
    survey = _survey(frame)
    _both(survey, plans.arpr("y", share=0.6, of="median", below="<=", rule=rule), "region")


def test_public_functions_take_the_route(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    rates = in_table_order.rates

    def spy(*args: Any) -> Estimates:
        calls.append(args[4])
        found: Estimates = rates(*args)
        return found

    monkeypatch.setattr(in_table_order, "rates", spy)
    survey = _survey(FRAME, strata="h", psu="p")
    m.arpr(survey, "y", by="region")
    m.fgt(survey, "y", line=m.Relative(), by="region")
    m.fgt(survey, "y", line=m.Relative(), alpha=1.0)  # a gap: the general path
    m.arpr(survey, "y", variance="bootstrap", replicates=5)  # replicates: the general path
    prepared = m.prepare(survey, ["y"])
    prepared.estimate([m.Measure(name="arpr", variable="y"), m.Measure(name="gini", variable="y")])
    assert calls == ["arpr", "fgt0", "arpr"]


def test_constant_domain_is_an_error() -> None:
    """A domain whose values are equal wherever its weights are positive has no kernel
    bandwidth: a ``DataError``, whatever the rounding of its sums."""
    frame = FRAME.with_columns(
        pl.when(pl.col("region") == "south").then(3.7).otherwise(pl.col("y")).alias("y")
    )
    with pytest.raises(DataError, match="constant"):
        m.arpr(_survey(frame), "y", by="region")


def test_domain_of_zero_weights_is_the_same_error() -> None:
    frame = FRAME.with_columns(
        pl.when(pl.col("region") == "tiny").then(0.0).otherwise(pl.col("w")).alias("w")
    )
    survey = _survey(frame, strata="h", psu="p")
    plan = plans.arpr("y", share=0.6, of="median", below="<", rule="convey")
    with pytest.raises(DataError) as fast:
        estimate(survey, plan, by="region", unit=None, variance="auto", replicates=200, seed=1)
    with pytest.raises(DataError) as general:
        sample_for(survey, plan, "region", None, "linearization", 200, 1)
    assert str(fast.value) == str(general.value)


# -- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_selection_quantile_is_the_sorted_rule(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(selection, "SMALL", 16)
    monkeypatch.setattr(selection, "SAMPLE", 8 + seed)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 3000))
    y = np.round(rng.lognormal(3.0, 1.0, n), int(rng.integers(-1, 2)))  # ties
    w = rng.choice([rng.uniform(0.0, 2.0, n), np.ones(n), np.full(n, 0.01)])
    w[rng.random(n) < 0.1] = 0.0
    order = np.argsort(y, kind="stable")
    rules: tuple[QuantileRule, ...] = ("convey", "eurostat", "laeken")
    assert rules == QUANTILE_RULES
    for p in (0.1, 0.25, 0.5, 0.9):
        for rule in rules:
            want = sorted_quantile(y[order], w[order], p, rule)
            got = selection.quantile(y, w, p, rule)
            assert got == want or (math.isnan(got) and math.isnan(want)), (p, rule)


def test_selection_falls_back_when_the_bracket_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """A periodic column that the systematic sample reads only at its lowest value."""
    monkeypatch.setattr(selection, "SMALL", 16)
    monkeypatch.setattr(selection, "SAMPLE", 100)
    y = np.tile(np.arange(10.0), 100)
    w = np.ones(y.shape[0])
    assert selection._bracketed(y, w, 0.5, "convey") is None
    assert selection.quantile(y, w, 0.5, "convey") == 4.0


def test_kernel_sums_near_and_far() -> None:
    rng = np.random.default_rng(5)
    n = 5000
    codes = rng.integers(0, 3, n)
    y = rng.normal(100.0, 10.0, n)
    far = codes == 2  # beyond 10 bandwidths: its sum is read from every row
    y[far] = 125.0 + rng.uniform(0.0, 15.0, int(far.sum()))
    w = rng.uniform(0.0, 2.0, n)
    n_pop = np.bincount(codes, weights=w, minlength=3).astype(np.float64)
    h = np.array([1.5, 2.0, 1.0])
    got = selection.kernel_sums(y, w, codes.astype(np.uint8), n_pop, 101.0, h)
    for d in range(3):
        want = float(np.dot(w[codes == d], _phi(101.0, y[codes == d], h[d])))
        assert abs(got[d] - want) <= 1e-14 * want
    assert got[2] > 0


@pytest.mark.parametrize("rule", QUANTILE_RULES)
def test_the_bracket_decides_on_the_test_data(
    monkeypatch: pytest.MonkeyPatch, rule: QuantileRule
) -> None:
    """The ``selected`` runs above find the median by selection, not by the fallback."""
    monkeypatch.setattr(selection, "SAMPLE", 40)
    y, w = FRAME.get_column("y").to_numpy(), FRAME.get_column("w").to_numpy()
    found = selection._bracketed(y, w, 0.5, rule)
    order = np.argsort(y, kind="stable")
    assert found is not None and found == sorted_quantile(y[order], w[order], 0.5, rule)

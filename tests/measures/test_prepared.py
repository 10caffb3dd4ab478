"""``prepare(...).estimate([...])`` gives exactly what each measure's own function
gives: values, standard errors and what they came from, for linearization and
replicates, with and without domains; and ``combine`` is the delta method.

Values, PSU totals and replicate values are identical; a standard error may
differ in the last bit, as the variances of several statistics are summed
together (one matrix product) in another order."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DataError, DesignError, InsafError
from insaf.measures.estimate import LinearBasis, ReplicateBasis
from insaf.survey.design import Design, ReplicateMethod, Replicates
from insaf.survey.survey import Survey
from insaf.survey.table import Table

from .conftest import api, survey_of


def _frame(n: int = 900, seed: int = 11) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    psu = np.repeat(np.arange(60), n // 60)
    income = np.exp(6.0 + rng.normal(0.0, 0.3, 60)[psu] + rng.normal(0.0, 0.8, n))
    income[rng.choice(n, 12, replace=False)] = 0.0  # zeros: log-based measures refuse them
    return pl.DataFrame(
        {
            "income": income,
            "spending": income * rng.uniform(0.5, 1.2, n) + 20.0,
            "line": np.where(rng.random(n) < 0.5, 300.0, 420.0),
            "works": (rng.random(n) < 0.6).astype(np.int64),
            "size": rng.integers(1, 6, n),
            "w": rng.uniform(50.0, 150.0, n),
            "stratum": psu // 6,
            "psu": psu,
            "region": rng.choice(["north", "south", "east"], n),
            "sex": rng.choice([1, 2], n),
        }
    )


@pytest.fixture(scope="module")
def survey() -> Survey:
    return Survey(
        persons=Table(name="persons", frame=_frame()),
        design=Design(weight="w", strata="stratum", psu="psu"),
    )


@pytest.fixture(scope="module")
def supplied() -> Survey:
    """The same data with 20 supplied bootstrap replicate weights."""
    frame = _frame()
    rng = np.random.default_rng(5)
    factors = rng.poisson(1.0, (60, 20)).astype(np.float64)
    psu = frame.get_column("psu").to_numpy()
    w = frame.get_column("w").to_numpy()
    reps = {f"r{k}": w * factors[psu, k] for k in range(20)}
    return Survey(
        persons=Table(name="persons", frame=frame.with_columns(**reps)),
        design=Design(
            weight="w",
            strata="stratum",
            psu="psu",
            replicates=Replicates(columns=tuple(reps), method=ReplicateMethod.BOOTSTRAP),
        ),
    )


Case = tuple[m.Measure, Callable[..., m.Estimates], dict[str, Any]]
Y = "spending"
CASES: list[Case] = [
    (m.Measure(name="mean", variable=Y), m.mean, {}),
    (m.Measure(name="total", variable=Y), m.total, {}),
    (m.Measure(name="proportion", variable="works"), m.proportion, {}),
    (m.Measure(name="proportion", variable="size", value=2), m.proportion, {"value": 2}),
    (m.Measure(name="median", variable=Y), m.median, {}),
    (
        m.Measure(name="quantile", variable=Y, p=0.25, rule="eurostat"),
        m.quantile,
        {"p": 0.25, "rule": "eurostat"},
    ),
    (m.Measure(name="fgt0", variable=Y, line=350.0), m.fgt, {"line": 350.0}),
    (m.Measure(name="fgt1", variable=Y, line="line"), m.fgt, {"line": "line", "alpha": 1.0}),
    (
        m.Measure(name="fgt2", variable=Y, relative=0.5, below="<="),
        m.fgt,
        {"line": m.Relative(share=0.5), "alpha": 2.0, "below": "<="},
    ),
    (
        m.Measure(name="fgt0", variable=Y, relative=0.6, of="mean"),
        m.fgt,
        {"line": m.Relative(share=0.6, of="mean")},
    ),
    (m.Measure(name="watts", variable=Y, line=350.0), m.watts, {"line": 350.0}),
    (m.Measure(name="sen", variable=Y, relative=0.6), m.sen, {"line": m.Relative()}),
    (
        m.Measure(name="poverty_gap_total", variable=Y, line="line"),
        m.poverty_gap_total,
        {"line": "line"},
    ),
    (m.Measure(name="arpt", variable=Y), m.arpt, {}),
    (m.Measure(name="arpr", variable=Y, relative=0.5), m.arpr, {"share": 0.5}),
    (m.Measure(name="rmpg", variable=Y), m.rmpg, {}),
    (m.Measure(name="gini", variable=Y), m.gini, {}),
    (m.Measure(name="gini", variable=Y, estimator="eurostat"), m.gini, {"estimator": "eurostat"}),
    (m.Measure(name="ge", variable=Y, alpha=0.5), m.ge, {"alpha": 0.5}),
    (m.Measure(name="mld", variable=Y), m.mld, {}),
    (m.Measure(name="theil", variable=Y), m.theil, {}),
    (m.Measure(name="atkinson", variable=Y, epsilon=2.0), m.atkinson, {"epsilon": 2.0}),
    (m.Measure(name="qsr", variable=Y), m.qsr, {}),
    (m.Measure(name="palma", variable=Y), m.palma, {}),
    (
        m.Measure(name="mld", variable="income", nonpositive="exclude"),
        m.mld,
        {"nonpositive": "exclude", "variable": "income"},
    ),
    (m.Measure(name="mean", variable="income"), m.mean, {"variable": "income"}),
    (
        m.Measure(name="concentration", variable="income", rank_by=Y),
        m.concentration,
        {"rank_by": Y, "variable": "income"},
    ),
]


def _same(got: m.Estimates, want: m.Estimates) -> None:
    assert len(got) == len(want) and got.by == want.by
    for a, b in zip(got, want, strict=True):
        assert (a.measure, a.variable, a.domain, a.n, a.method) == (
            b.measure,
            b.variable,
            b.domain,
            b.n,
            b.method,
        )
        assert a.value == b.value or (math.isnan(a.value) and math.isnan(b.value))
        assert a.se == pytest.approx(b.se, rel=1e-12)  # the same up to the order of a sum
        assert a.population == b.population
        if isinstance(a.basis, LinearBasis):
            assert isinstance(b.basis, LinearBasis)
            assert np.array_equal(a.basis.totals, b.basis.totals)
            assert a.basis.design.key == b.basis.design.key
        else:
            assert isinstance(a.basis, ReplicateBasis) and isinstance(b.basis, ReplicateBasis)
            assert np.array_equal(a.basis.thetas, b.basis.thetas)
            assert a.basis.key == b.basis.key


@pytest.mark.parametrize("variance", ["linearization", "jackknife", "bootstrap"])
@pytest.mark.parametrize("by", [None, "region", ["region", "sex"]])
def test_every_measure_at_once_equals_its_function(
    survey: Survey, variance: str, by: str | list[str] | None
) -> None:
    common: dict[str, Any] = {"variance": variance, "replicates": 30, "seed": 3}
    prepared = m.prepare(survey, ["spending", "income", "line", "works", "size"], **common)
    got = prepared.estimate([case[0] for case in CASES], by=by)
    assert len(got) == len(CASES)
    for (measure, function, options), estimates in zip(CASES, got, strict=True):
        kwargs = dict(options)
        variable = kwargs.pop("variable", measure.variable)
        _same(estimates, function(survey, variable, by=by, **kwargs, **common))


def test_supplied_replicate_weights(supplied: Survey) -> None:
    prepared = m.prepare(supplied, ["spending", "line"])
    assert prepared.method == "replicates"
    chosen = [CASES[1], CASES[7], CASES[14], CASES[16]]
    got = prepared.estimate([case[0] for case in chosen], by="region")
    for (_, function, options), estimates in zip(chosen, got, strict=True):
        _same(estimates, function(supplied, "spending", by="region", **options))


def test_household_variables_at_person_level(demo: Survey) -> None:
    prepared = m.prepare(demo, ["consumption_pc"], unit="person")
    (gini,) = prepared.estimate([m.Measure(name="gini", variable="consumption_pc")], by="urban")
    _same(gini, m.gini(demo, "consumption_pc", by="urban", unit="person"))
    assert prepared.n == demo.n_persons


def test_estimates_pair_across_calls(survey: Survey) -> None:
    prepared = m.prepare(survey, ["spending", "income"])
    gini, mean = prepared.estimate(
        [m.Measure(name="gini", variable="spending"), m.Measure(name="mean", variable="income")]
    )
    (again,) = prepared.estimate([m.Measure(name="gini", variable="income")])
    diff = m.difference(gini[0], again[0])
    want = m.difference(m.gini(survey, "spending")[0], m.gini(survey, "income")[0])
    assert (diff.value, diff.se) == (want.value, want.se)
    assert np.isfinite(m.ratio_of(gini[0], mean[0]).se)


def test_refusals(survey: Survey) -> None:
    with pytest.raises(InsafError, match="unknown measure 'hoi'"):
        m.Measure(name="hoi", variable="works")
    with pytest.raises(InsafError, match="gini does not take line"):
        m.Measure(name="gini", variable=Y, line=3.0)
    with pytest.raises(InsafError, match="concentration needs rank_by"):
        m.Measure(name="concentration", variable=Y)
    prepared = m.prepare(survey, [Y, "income"])
    with pytest.raises(InsafError, match="a list of measures"):
        prepared.estimate(m.Measure(name="gini", variable=Y))  # type: ignore[arg-type]
    with pytest.raises(InsafError, match="'line' not prepared"):
        prepared.estimate([m.Measure(name="fgt0", variable=Y, line="line")])
    with pytest.raises(InsafError, match="needs a poverty line"):
        prepared.estimate([m.Measure(name="fgt0", variable=Y)])
    with pytest.raises(DataError, match="zero or negative"):
        prepared.estimate([m.Measure(name="theil", variable="income")])
    with pytest.raises(DataError, match="not 0/1"):
        prepared.estimate([m.Measure(name="proportion", variable="income")])
    with pytest.raises(DataError, match="unknown variable"):
        m.prepare(survey, ["nothing"])
    with pytest.raises(DataError, match="unknown variable"):
        prepared.estimate([m.Measure(name="mean", variable=Y)], by="nowhere")


def test_an_order_given_is_used_and_checked(survey: Survey) -> None:
    """``use_order`` takes a column's stable sort found elsewhere (the policy engine
    merges near columns' orders), so the Gini is the same; anything else is refused."""
    prepared = m.prepare(survey, [Y, "income", "size"])
    values = prepared.values(Y)
    assert not values.flags.writeable
    order = np.argsort(values, kind="stable")
    prepared.use_order(Y, order)
    assert np.array_equal(prepared.order(Y), order)
    (gini,) = prepared.estimate([m.Measure(name="gini", variable=Y)])
    _same(gini, m.gini(survey, Y))
    sizes = prepared.values("size")  # household sizes: many ties
    by_size = np.argsort(sizes, kind="stable")
    ties = np.flatnonzero(sizes[by_size][1:] == sizes[by_size][:-1])
    assert ties.size
    by_size[[ties[0], ties[0] + 1]] = by_size[[ties[0] + 1, ties[0]]]  # a tie out of row order
    with pytest.raises(InsafError, match="not the stable sort of 'size'"):
        prepared.use_order("size", by_size)
    with pytest.raises(InsafError, match=f"not the stable sort of '{Y}'"):
        prepared.use_order(Y, order[::-1].copy())
    with pytest.raises(InsafError, match=f"not the stable sort of '{Y}'"):
        prepared.use_order(Y, np.where(order == 0, order.size, order))  # not a permutation
    with pytest.raises(InsafError, match="values for"):
        prepared.use_order(Y, order[1:])
    with pytest.raises(InsafError, match="'nothing' not prepared"):
        prepared.order("nothing")


# -- combine ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clus1() -> Survey:
    return survey_of(api("apiclus1"), weight="pw", psu="dnum", fpc="fpc")


@pytest.mark.parametrize("variance", ["linearization", "jackknife"])
def test_combine_agrees_with_difference_and_ratio(clus1: Survey, variance: str) -> None:
    a = m.mean(clus1, "api00", variance=variance)[0]
    b = m.mean(clus1, "api99", variance=variance)[0]
    diff = m.combine(lambda x, y: x - y, lambda x, y: (1.0, -1.0), a, b, measure="d")
    want = m.difference(a, b)
    assert diff.value == want.value
    assert diff.se == pytest.approx(want.se, rel=1e-12)
    ratio = m.combine(lambda x, y: x / y, lambda x, y: (1 / y, -x / y**2), a, b, measure="r")
    assert ratio.se == pytest.approx(m.ratio_of(a, b).se, rel=1e-12)
    assert ratio.measure == "r" and ratio.method == a.method


def test_combine_is_the_delta_method(clus1: Survey) -> None:
    """The SE of ``log(a/b)`` is the SE of ``a/b`` over ``a/b`` (chain rule), and a
    combination of combinations pairs with its parts."""
    a = m.mean(clus1, "api00")[0]
    b = m.mean(clus1, "api99")[0]
    log_ratio = m.combine(
        lambda x, y: np.log(x / y), lambda x, y: (1 / x, -1 / y), a, b, measure="log ratio"
    )
    ratio = m.ratio_of(a, b)
    assert log_ratio.value == pytest.approx(math.log(ratio.value))
    assert log_ratio.se == pytest.approx(ratio.se / ratio.value, rel=1e-12)
    zero = m.difference(log_ratio, log_ratio)
    assert zero.value == 0.0 and zero.se == 0.0
    by = m.mean(clus1, "api00", by="stype")
    pooled = m.combine(
        lambda *v: sum(v), lambda *v: [1.0] * len(v), *by, measure="sum of domain means"
    )
    assert pooled.domain is None
    assert pooled.n == sum(e.n for e in by) and pooled.n == a.n


def test_combine_refusals(clus1: Survey) -> None:
    a = m.mean(clus1, "api00")[0]
    jk = m.mean(clus1, "api00", variance="jackknife")[0]
    with pytest.raises(DesignError, match="linearized"):
        m.combine(lambda x, y: x + y, lambda x, y: (1.0, 1.0), a, jk, measure="s")
    with pytest.raises(DesignError, match="gradient has 1 value"):
        m.combine(lambda x, y: x + y, lambda x, y: (1.0,), a, a, measure="s")

"""Hand calculations, influence values against numerical derivatives, bad inputs,
the result types and the public API."""

from __future__ import annotations

import inspect
import json
import math

import numpy as np
import polars as pl
import pytest

import insaf.measures as m
import insaf.measures.types
from insaf.errors import DataError, DesignError, InsafError
from insaf.measures._engine import Kernel
from insaf.measures._kernels import basic, inequality, poverty
from insaf.survey import Survey, Unit
from insaf.survey.design import LonelyPSU

from .conftest import survey_of


def test_haughton_khandker_example() -> None:
    """Incomes 100, 110, 150, 160, line 125: P0 = 2/4; P1 = (25 + 15)/125/4 = 0.08;
    P2 = ((25/125)^2 + (15/125)^2)/4 = (0.04 + 0.0144)/4 = 0.0136."""
    s = survey_of(pl.DataFrame({"y": [100.0, 110.0, 150.0, 160.0], "w": [1.0] * 4}), weight="w")
    assert m.fgt(s, "y", line=125.0, alpha=0).value == pytest.approx(0.5, abs=1e-15)
    assert m.fgt(s, "y", line=125.0, alpha=1).value == pytest.approx(0.08, abs=1e-15)
    assert m.fgt(s, "y", line=125.0, alpha=2).value == pytest.approx(0.0136, abs=1e-15)


def test_below_convention_at_the_line() -> None:
    """A unit exactly at the line is poor under '<=' only."""
    s = survey_of(pl.DataFrame({"y": [100.0, 125.0, 150.0, 160.0], "w": [1.0] * 4}), weight="w")
    assert m.fgt(s, "y", line=125.0).value == 0.25
    assert m.fgt(s, "y", line=125.0, below="<=").value == 0.5
    assert (
        m.fgt(s, "y", line=125.0, alpha=1, below="<=").value
        == m.fgt(s, "y", line=125.0, alpha=1).value
    )


def test_small_gini_by_hand() -> None:
    """y = 1, 2, 3, equal weights 1: sum w r y = 1 + 4 + 9 = 14, N = 3, Y = 6.
    Osier (2*14 - 6)/18 - 1 = 2/9; Eurostat (28 - 6)/18 - 1 = 2/9 as w^2 = w."""
    s = survey_of(pl.DataFrame({"y": [3.0, 1.0, 2.0], "w": [1.0] * 3}), weight="w")
    assert m.gini(s, "y").value == pytest.approx(2 / 9, abs=1e-15)
    assert m.gini(s, "y", estimator="eurostat").value == pytest.approx(2 / 9, abs=1e-15)


# -- influence values are derivatives of the estimator with respect to the weights ----------

RNG = np.random.default_rng(7)
Y = np.sort(RNG.lognormal(8.0, 0.8, 40))
W = RNG.uniform(1.0, 5.0, 40)
X = RNG.uniform(1.0, 3.0, 40)


def _smooth_kernels() -> dict[str, tuple[Kernel, dict[str, np.ndarray]]]:
    cols = {"y": Y}
    line_cols = {"y": Y, "line": np.full(40, float(np.median(Y)))}
    return {
        "mean": (basic.mean, cols),
        "ratio": (basic.ratio, {"y": Y, "x": X}),
        "gini_osier": (inequality.gini("osier"), cols),
        "gini_eurostat": (inequality.gini("eurostat"), cols),
        "mld": (inequality.ge(0.0), cols),
        "theil": (inequality.ge(1.0), cols),
        "ge2": (inequality.ge(2.0), cols),
        "ge-1": (inequality.ge(-1.0), cols),
        "atkinson0.5": (inequality.atkinson(0.5), cols),
        "atkinson1": (inequality.atkinson(1.0), cols),
        "atkinson2": (inequality.atkinson(2.0), cols),
        "fgt1": (poverty.fgt(1.0, "<", False).kernel, line_cols),
        "fgt2": (poverty.fgt(2.0, "<", False).kernel, line_cols),
        "watts": (poverty.watts("<", False).kernel, line_cols),
        "sen": (poverty.sen("<").kernel, line_cols),
        "concentration": (inequality.concentration, {"y": X, "x": Y}),
    }


@pytest.mark.parametrize("name", sorted(_smooth_kernels()))
def test_influence_is_the_weight_derivative(name: str) -> None:
    kernel, cols = _smooth_kernels()[name]
    _, z, _ = kernel(cols, W, math.nan, True)
    assert z is not None
    step = 1e-6
    numeric = np.empty_like(W)
    for k in range(W.size):  # a test may loop: 40 finite differences
        up, down = W.copy(), W.copy()
        up[k] += step
        down[k] -= step
        numeric[k] = (
            kernel(cols, up, math.nan, False)[0] - kernel(cols, down, math.nan, False)[0]
        ) / (2 * step)
    np.testing.assert_allclose(z, numeric, rtol=1e-5, atol=1e-7 * np.abs(numeric).max())


# -- bad input gives clear errors ----------------------------------------------------------


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "w": [1.0, 1.0, 2.0, 2.0, 1.0, 1.0],
            "h": ["a", "a", "b", "b", "c", "c"],
            "g": ["x", "x", "x", "y", "y", "y"],
        }
    )


def test_missing_weights_are_named() -> None:
    f = frame().with_columns(pl.when(pl.col("y") > 4).then(None).otherwise(pl.col("w")).alias("w"))
    with pytest.raises(DataError, match=r"weight column 'w' has 2 missing value\(s\)"):
        m.mean(survey_of(f, weight="w"), "y")


def test_missing_analysis_values_are_named() -> None:
    f = frame().with_columns(
        pl.when(pl.col("y") > 5).then(float("nan")).otherwise(pl.col("y")).alias("y")
    )
    with pytest.raises(DataError, match=r"'y' has 1 missing value\(s\) \(0 null, 1 NaN\)"):
        m.gini(survey_of(f, weight="w"), "y")


def test_negative_weights_refused() -> None:
    f = frame().with_columns(pl.lit(-1.0).alias("w"))
    with pytest.raises(DataError, match="negative"):
        m.mean(survey_of(f, weight="w"), "y")


def test_all_zero_domain() -> None:
    f = frame().with_columns(
        pl.when(pl.col("g") == "y").then(0.0).otherwise(pl.col("w")).alias("w")
    )
    with pytest.raises(DataError, match=r"domain \{'g': 'y'\} has only zero weights"):
        m.mean(survey_of(f, weight="w"), "y", by="g")


def test_negative_incomes_for_ge_and_exclusion() -> None:
    f = frame().with_columns(pl.Series("y", [-1.0, 0.0, 3.0, 4.0, 5.0, 6.0]))
    s = survey_of(f, weight="w")
    with pytest.raises(DataError, match=r"column 'y' has 2 zero or negative value\(s\) among 6"):
        m.ge(s, "y", alpha=2)
    with pytest.raises(DataError, match="2 zero or negative"):
        m.atkinson(s, "y")
    kept = m.mld(s, "y", nonpositive="exclude")
    assert kept.value == m.mld(survey_of(f.filter(pl.col("y") > 0), weight="w"), "y").value
    assert kept[0].n == 4


def test_single_psu_stratum_and_rules() -> None:
    f = frame().with_columns(pl.Series("h", ["a", "a", "b", "b", "b", "c"]))
    with pytest.raises(DesignError, match="stratum 'c' has only one PSU"):
        m.mean(survey_of(f, weight="w", strata="h"), "y")
    se = m.mean(survey_of(f, weight="w", strata="h", lonely_psu=LonelyPSU.REMOVE), "y").se
    assert se > 0


def test_fpc_errors() -> None:
    f = frame().with_columns(pl.Series("N", [10.0, 10.0, 0.5, 0.5, 10.0, 10.0]))
    with pytest.raises(DesignError, match="all >= 1"):
        m.mean(survey_of(f, weight="w", strata="h", fpc="N"), "y")
    f = frame().with_columns(pl.Series("N", [10.0, 11.0, 10.0, 10.0, 10.0, 10.0]))
    with pytest.raises(DesignError, match="varies within stratum 'a'"):
        m.mean(survey_of(f, weight="w", strata="h", fpc="N"), "y")
    f = frame().with_columns(pl.Series("N", [1.5, 1.5, 10.0, 10.0, 10.0, 10.0]))
    with pytest.raises(DesignError, match="more than 100% sampling"):
        m.mean(survey_of(f, weight="w", strata="h", fpc="N"), "y")


def test_constant_variable_has_no_kernel_se() -> None:
    f = frame().with_columns(pl.lit(5.0).alias("y"))
    with pytest.raises(DataError, match="constant"):
        m.median(survey_of(f, weight="w"), "y")


def test_bad_options() -> None:
    s = survey_of(frame(), weight="w")
    with pytest.raises(InsafError, match="unknown quantile rule"):
        m.median(s, "y", rule="school")  # type: ignore[arg-type]
    with pytest.raises(InsafError, match="unknown Gini estimator"):
        m.gini(s, "y", estimator="sen")  # type: ignore[arg-type]
    with pytest.raises(InsafError, match="positive"):
        m.fgt(s, "y", line=0.0)
    with pytest.raises(DesignError, match="no replicate weights"):
        m.mean(s, "y", variance="replicates")


# -- created replicates ----------------------------------------------------------------------


def test_bootstrap_is_deterministic_and_close_to_linearization() -> None:
    rng = np.random.default_rng(3)
    n = 4000
    f = pl.DataFrame(
        {
            "y": rng.lognormal(9, 0.6, n),
            "w": rng.uniform(10, 30, n),
            "h": rng.integers(0, 8, n),
            "p": rng.integers(0, 40, n),
        }
    )
    s = survey_of(f, weight="w", strata="h", psu="p")
    a = m.gini(s, "y", variance="bootstrap", replicates=400, seed=5)
    b = m.gini(s, "y", variance="bootstrap", replicates=400, seed=5)
    c = m.gini(s, "y", variance="bootstrap", replicates=400, seed=6)
    lin = m.gini(s, "y")
    assert a.se == b.se and a.se != c.se
    assert a.se == pytest.approx(lin.se, rel=0.2)
    sub = m.gini(s, "y", variance="subbootstrap", replicates=400, seed=5)
    assert sub.se == pytest.approx(lin.se, rel=0.2)


# -- results -----------------------------------------------------------------------------


def test_estimate_values_repr_and_dict() -> None:
    s = survey_of(frame(), weight="w", strata="h")
    est = m.mean(s, "y", by="g")
    x = est.get(g="x")
    assert x.domain == {"g": "x"} and x.n == 3 and x.population == 4.0
    assert x.cv == pytest.approx(x.se / x.value)
    low, high = x.ci(0.9)
    assert (high - low) / 2 == pytest.approx(1.6448536269514722 * x.se)
    assert "mean(y) [g='x']" in repr(x)
    d = x.to_dict()
    assert list(d) == [
        "measure",
        "domain",
        "value",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "n",
        "population",
    ]
    json.dumps(est.to_dicts())
    table = est.table()
    assert table.columns == [
        "measure",
        "g",
        "value",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "n",
        "population",
    ]
    assert table.height == 2
    with pytest.raises(InsafError, match="2 estimates"):
        _ = est.value
    with pytest.raises(AttributeError):
        x.value = 1.0  # type: ignore[misc]


def test_cross_classified_domains() -> None:
    s = survey_of(frame(), weight="w")
    est = m.total(s, "y", by=["g", "h"])
    assert [dict(e.domain or {}) for e in est] == [
        {"g": "x", "h": "a"},
        {"g": "x", "h": "b"},
        {"g": "y", "h": "b"},
        {"g": "y", "h": "c"},
    ]
    assert sum(e.value for e in est) == pytest.approx(m.total(s, "y").value)


def test_all_is_complete() -> None:
    """(Its order is checked with every package's, in tests/test_public_api.py.)"""
    exported = list(m.__all__)
    named = {**vars(m), **{n: getattr(m, n) for n in exported}}  # names imported on first use
    public = {
        n
        for n, v in named.items()
        if not n.startswith("_")
        and not inspect.ismodule(v)
        and (getattr(v, "__module__", "") or "").startswith("insaf.measures")
    }
    assert public <= set(exported)
    types = {n for n in exported if n not in public}  # aliases and constants have no module
    aliases = set(insaf.measures.types.__all__) - {"QUANTILE_RULES", "Relative"}
    assert types == aliases | {"MEASURES"}


def test_level_keyword_of_an_interval_is_renamed_confidence() -> None:
    """docs/glossary.md: ``level=`` still works for one release, with a DeprecationWarning."""
    x = m.Estimate(measure="mean", value=10.0, se=2.0, n=5, population=5.0)
    with pytest.warns(DeprecationWarning, match="level= is deprecated; use confidence="):
        old = x.ci(level=0.9)  # type: ignore[call-arg]
    assert old == x.ci(confidence=0.9)
    # z(0.95) = 1.6448536269514722: 10 -+ 2 z
    assert old == pytest.approx((10.0 - 2 * 1.6448536269514722, 10.0 + 2 * 1.6448536269514722))
    with pytest.raises(TypeError, match="both level= and confidence="):
        x.ci(level=0.9, confidence=0.9)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning):
        assert x.to_dict(level=0.9)["ci_low"] == old[0]  # type: ignore[call-arg]


def test_the_unit_keyword_was_level(demo: Survey) -> None:
    """docs/glossary.md: measures take ``unit=``; ``level=`` still works for one release."""
    new = m.mean(demo, "consumption_pc", unit="household")[0]
    with pytest.warns(DeprecationWarning, match="level= is deprecated; use unit="):
        old = m.mean(demo, "consumption_pc", level="household")[0]  # type: ignore[call-arg]
    assert old.value == new.value and old.se == new.se
    person = m.mean(demo, "consumption_pc", unit="person")[0]
    assert person.value != new.value  # the keyword is read, not dropped
    with pytest.raises(TypeError, match="both level= and unit="):
        m.gini(demo, "consumption_pc", level="person", unit="person")  # type: ignore[call-arg]
    prepared = m.prepare(demo, ["consumption_pc"], unit="household")
    assert prepared.unit is Unit.HOUSEHOLD
    with pytest.warns(DeprecationWarning, match="Prepared.level is deprecated"):
        assert prepared.level is Unit.HOUSEHOLD  # type: ignore[attr-defined]

"""INSAF against R on laeken's eusilc: laeken point estimates (Eurostat
conventions), survey's svymean/svyby/svyquantile, and convey-style linearized
standard errors computed in R (tests/golden/golden_eusilc.R).

Tolerances: point estimates 1e-8 relative where the convention is identical
(the JSON keeps 15 significant digits); linearized SEs 1e-6 relative (same
formulas, different summation order); Woodruff SEs 1e-6 as well.
"""

from __future__ import annotations

from typing import Any

import pytest

import insaf.measures as m
from insaf.errors import DataError
from insaf.survey.survey import Survey

POINT = 1e-8
SE = 1e-6
Golden = dict[str, dict[str, Any]]

pytestmark = pytest.mark.golden


def close(actual: float, expected: float, rel: float) -> None:
    assert actual == pytest.approx(expected, rel=rel, abs=0.0)


def check(est: m.Estimate | m.Estimates, golden: dict[str, Any], *, se: bool = True) -> None:
    close(est.value, golden["value"], POINT)
    if se:
        close(est.se, golden["se"], SE)


# -- published values (docs/references.md) ------------------------------------------------


def test_published_laeken_values(eusilc: Survey) -> None:
    rate = m.arpr(eusilc, "eqIncome", rule="eurostat")
    assert round(rate.value * 100, 5) == 14.44422
    threshold = m.arpt(eusilc, "eqIncome", rule="eurostat")
    assert round(threshold.value, 2) == 10859.24
    assert round(m.qsr(eusilc, "eqIncome", rule="eurostat").value, 6) == 3.970004
    assert round(m.rmpg(eusilc, "eqIncome", rule="eurostat").value * 100, 4) == 18.9286
    assert round(m.gini(eusilc, "eqIncome", estimator="eurostat").value * 100, 5) == 26.48962
    q = m.quantile(eusilc, "eqIncome", p=[0.2, 0.5, 0.8], rule="eurostat")
    assert [round(e.value, 2) for e in q] == [12212.60, 18098.73, 25997.65]
    assert round(m.gini(eusilc, "eqIncome", estimator="osier").value, 9) == 0.264965166


@pytest.mark.parametrize("rule", ["eurostat", "laeken", "convey"])
def test_laeken_points(eusilc: Survey, eusilc_golden: Golden, rule: str) -> None:
    g = eusilc_golden
    check(m.arpr(eusilc, "eqIncome", rule=rule), g["laeken_arpr"], se=False)  # type: ignore[arg-type]
    close(m.arpt(eusilc, "eqIncome", rule=rule).value, g["laeken_arpr"]["threshold"], POINT)  # type: ignore[arg-type]
    check(m.qsr(eusilc, "eqIncome", rule=rule), g["laeken_qsr"], se=False)  # type: ignore[arg-type]
    check(m.rmpg(eusilc, "eqIncome", rule=rule), g["laeken_rmpg"], se=False)  # type: ignore[arg-type]
    check(m.median(eusilc, "eqIncome", rule=rule), g["laeken_median"], se=False)  # type: ignore[arg-type]
    q = m.quantile(eusilc, "eqIncome", p=[0.2, 0.4, 0.8], rule=rule)  # type: ignore[arg-type]
    for est, key in zip(q, ["laeken_q20", "laeken_q40", "laeken_q80"], strict=True):
        check(est, g[key], se=False)


def test_laeken_arpr_by_region(eusilc: Survey, eusilc_golden: Golden) -> None:
    result = m.arpr(eusilc, "eqIncome", by="db040", rule="eurostat")
    assert len(result) == 9
    for est in result:
        assert est.domain is not None
        check(est, eusilc_golden[f"laeken_arpr_db040_{est.domain['db040']}"], se=False)


def test_laeken_gini(eusilc: Survey, eusilc_golden: Golden) -> None:
    check(m.gini(eusilc, "eqIncome", estimator="eurostat"), eusilc_golden["laeken_gini"], se=False)
    for est in m.gini(eusilc, "eqIncome", estimator="eurostat", by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"laeken_gini_rb090_{est.domain['rb090']}"], se=False)


# -- survey package -------------------------------------------------------------------------


def test_svymean_svytotal_svyby(eusilc: Survey, eusilc_golden: Golden) -> None:
    check(m.mean(eusilc, "eqIncome"), eusilc_golden["svymean"])
    check(m.total(eusilc, "eqIncome"), eusilc_golden["svytotal"])
    for est in m.mean(eusilc, "eqIncome", by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"svymean_rb090_{est.domain['rb090']}"])


def test_svyquantile_woodruff(eusilc: Survey, eusilc_golden: Golden) -> None:
    result = m.quantile(eusilc, "eqIncome", p=[0.2, 0.5, 0.8], se="woodruff")
    for est, p in zip(result, ["0.2", "0.5", "0.8"], strict=True):
        g = eusilc_golden[f"svyquantile_{p}"]
        check(est, g)
        low, high = est.ci(0.95)
        close(low, g["ci_low"], POINT)
        close(high, g["ci_high"], POINT)
    for est in m.median(eusilc, "eqIncome", se="woodruff", by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"svyquantile_0.5_rb090_{est.domain['rb090']}"])


# -- convey-style linearization ------------------------------------------------------------


def test_kernel_quantiles(eusilc: Survey, eusilc_golden: Golden) -> None:
    result = m.quantile(eusilc, "eqIncome", p=[0.2, 0.5, 0.8])
    for est, p in zip(result, ["0.2", "0.5", "0.8"], strict=True):
        check(est, eusilc_golden[f"kernel_quantile_{p}"])


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
def test_gini(eusilc: Survey, eusilc_golden: Golden, estimator: str) -> None:
    check(m.gini(eusilc, "eqIncome", estimator=estimator), eusilc_golden[f"gini_{estimator}"])  # type: ignore[arg-type]
    for est in m.gini(eusilc, "eqIncome", estimator=estimator, by="rb090"):  # type: ignore[arg-type]
        assert est.domain is not None
        check(est, eusilc_golden[f"gini_{estimator}_rb090_{est.domain['rb090']}"])


def test_arpt(eusilc: Survey, eusilc_golden: Golden) -> None:
    check(m.arpt(eusilc, "eqIncome"), eusilc_golden["arpt"])


@pytest.mark.parametrize(("below", "tag"), [("<", "lt"), ("<=", "le")])
def test_arpr_whole_and_domains(
    eusilc: Survey, eusilc_golden: Golden, below: str, tag: str
) -> None:
    check(m.arpr(eusilc, "eqIncome", below=below), eusilc_golden[f"arpr_{tag}"])  # type: ignore[arg-type]
    result = m.arpr(eusilc, "eqIncome", by="db040", below=below)  # type: ignore[arg-type]
    for est in result:
        assert est.domain is not None
        check(est, eusilc_golden[f"arpr_{tag}_db040_{est.domain['db040']}"])


@pytest.mark.parametrize(("below", "tag"), [("<", "lt"), ("<=", "le")])
def test_rmpg(eusilc: Survey, eusilc_golden: Golden, below: str, tag: str) -> None:
    check(m.rmpg(eusilc, "eqIncome", below=below), eusilc_golden[f"rmpg_{tag}"])  # type: ignore[arg-type]


def test_share_measures(eusilc: Survey, eusilc_golden: Golden) -> None:
    check(m.qsr(eusilc, "eqIncome"), eusilc_golden["qsr"])
    check(m.palma(eusilc, "eqIncome"), eusilc_golden["palma"])
    check(m.percentile_ratio(eusilc, "eqIncome"), eusilc_golden["p90_p10"])
    lor = m.lorenz(eusilc, "eqIncome", p=[0.2, 0.5])
    check(lor[0], eusilc_golden["lorenz_0.2"])
    check(lor[1], eusilc_golden["lorenz_0.5"])
    shares = m.quantile_shares(eusilc, "eqIncome", groups=5)
    for j, est in enumerate(shares, start=1):
        check(est, eusilc_golden[f"share_{j}_5"])
    assert sum(e.value for e in shares) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("alpha", [0, 1, 2])
def test_fgt_absolute_line(eusilc: Survey, eusilc_golden: Golden, alpha: int) -> None:
    check(m.fgt(eusilc, "eqIncome", line=10000.0, alpha=alpha), eusilc_golden[f"fgt{alpha}_all"])
    for est in m.fgt(eusilc, "eqIncome", line=10000.0, alpha=alpha, by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"fgt{alpha}_{est.domain['rb090']}"])


def test_fgt_line_column(eusilc_frame: Any, eusilc_golden: Golden) -> None:
    import polars as pl

    from .conftest import survey_of

    frame = eusilc_frame.with_columns(pl.lit(10000.0).alias("line"))
    survey = survey_of(frame, weight="rb050", strata="db040", psu="db030")
    check(m.fgt(survey, "eqIncome", line="line", alpha=1), eusilc_golden["fgt1_all"])


@pytest.mark.parametrize("alpha", [1, 2])
def test_fgt_relative_line(eusilc: Survey, eusilc_golden: Golden, alpha: int) -> None:
    est = m.fgt(eusilc, "eqIncome", line=m.Relative(share=0.6), alpha=alpha)
    check(est, eusilc_golden[f"fgt{alpha}_relative"])


def test_fgt0_relative_is_arpr(eusilc: Survey) -> None:
    a = m.fgt(eusilc, "eqIncome", line=m.Relative(), alpha=0)
    b = m.arpr(eusilc, "eqIncome")
    assert (a.value, a.se) == (b.value, b.se)


def test_watts_sen_gap(eusilc: Survey, eusilc_golden: Golden) -> None:
    with pytest.raises(DataError, match=r"'eqIncome' has 3 zero or negative"):
        m.watts(eusilc, "eqIncome", line=10000.0)
    est = m.watts(eusilc, "eqIncome", line=10000.0, nonpositive="exclude")
    check(est, eusilc_golden["watts_exclude"])
    check(m.sen(eusilc, "eqIncome", line=10000.0), eusilc_golden["sen"])
    check(m.poverty_gap_total(eusilc, "eqIncome", line=10000.0), eusilc_golden["poverty_gap_total"])


def test_entropy_and_atkinson(eusilc: Survey, eusilc_golden: Golden) -> None:
    for fn in (m.mld, m.theil):
        with pytest.raises(DataError, match="3 zero or negative"):
            fn(eusilc, "eqIncome")
    check(m.mld(eusilc, "eqIncome", nonpositive="exclude"), eusilc_golden["mld"])
    check(m.theil(eusilc, "eqIncome", nonpositive="exclude"), eusilc_golden["theil"])
    check(m.ge(eusilc, "eqIncome", alpha=2, nonpositive="exclude"), eusilc_golden["ge2"])
    for eps in (0.5, 1.0, 2.0):
        est = m.atkinson(eusilc, "eqIncome", epsilon=eps, nonpositive="exclude")
        check(est, eusilc_golden[f"atkinson_{eps:g}"])


def test_concentration(eusilc: Survey, eusilc_golden: Golden) -> None:
    est = m.concentration(eusilc, "hsize", rank_by="eqIncome")
    check(est, eusilc_golden["concentration_hsize_by_income"])


def test_rmpg_by_region(eusilc: Survey, eusilc_golden: Golden) -> None:
    result = m.rmpg(eusilc, "eqIncome", by="db040")
    assert len(result) == 9
    for est in result:
        assert est.domain is not None
        check(est, eusilc_golden[f"rmpg_lt_db040_{est.domain['db040']}"])


def test_sen_by_sex_and_relative_line(eusilc: Survey, eusilc_golden: Golden) -> None:
    for est in m.sen(eusilc, "eqIncome", line=10000.0, by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"sen_rb090_{est.domain['rb090']}"])
    check(m.sen(eusilc, "eqIncome", line=m.Relative()), eusilc_golden["sen_relative"])
    for est in m.sen(eusilc, "eqIncome", line=m.Relative(), by="rb090"):
        assert est.domain is not None
        check(est, eusilc_golden[f"sen_relative_rb090_{est.domain['rb090']}"])

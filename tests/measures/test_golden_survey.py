"""INSAF against R ``survey`` 4.1 on the api data (tests/golden/golden_survey.R):
stratified and cluster designs, fpc as counts and as fractions, domains,
Woodruff quantiles, every lonely-PSU rule, jackknife replicates made by INSAF
(deterministic, so they must equal R's), and R's bootstrap replicate weights
used as supplied replicates.

Tolerances: 1e-8 relative for point estimates, 1e-6 relative for SEs (the
JSON keeps 15 significant digits; summation order differs).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DesignError
from insaf.survey.design import LonelyPSU, ReplicateMethod, Replicates
from insaf.survey.survey import Survey

from .conftest import api, survey_of

pytestmark = pytest.mark.golden
Golden = dict[str, dict[str, Any]]


def check(est: Any, g: dict[str, Any], *, se: bool = True) -> None:
    assert est.value == pytest.approx(g["value"], rel=1e-8, abs=0.0)
    if se:
        assert est.se == pytest.approx(g["se"], rel=1e-6, abs=0.0)


@pytest.fixture(scope="module")
def strat() -> Survey:
    return survey_of(api("apistrat"), weight="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="module")
def clus1() -> Survey:
    return survey_of(api("apiclus1"), weight="pw", psu="dnum", fpc="fpc")


def test_stratified_with_fpc(strat: Survey, survey_golden: Golden) -> None:
    check(m.mean(strat, "api00"), survey_golden["strat_mean_api00"])
    check(m.total(strat, "enroll"), survey_golden["strat_total_enroll"])
    check(m.ratio(strat, "api00", "api99"), survey_golden["strat_ratio_api00_api99"])


def test_fpc_as_fraction_and_absent(survey_golden: Golden) -> None:
    frac = survey_of(api("apistrat"), weight="pw", strata="stype", fpc="frac")
    check(m.mean(frac, "api00"), survey_golden["frac_mean_api00"])
    plain = survey_of(api("apistrat"), weight="pw", strata="stype")
    check(m.mean(plain, "api00"), survey_golden["nofpc_mean_api00"])


def test_proportion(survey_golden: Golden) -> None:
    frame = api("apistrat").with_columns((pl.col("meals") > 50).alias("high"))
    survey = survey_of(frame, weight="pw", strata="stype", fpc="fpc")
    check(m.proportion(survey, "high"), survey_golden["strat_prop_meals50"])
    check(m.proportion(survey, "high", value=1), survey_golden["strat_prop_meals50"])


def test_cluster_and_domains(clus1: Survey, survey_golden: Golden) -> None:
    check(m.mean(clus1, "api00"), survey_golden["clus1_mean_api00"])
    check(m.total(clus1, "enroll"), survey_golden["clus1_total_enroll"])
    for est in m.mean(clus1, "api00", by="stype"):
        assert est.domain is not None
        check(est, survey_golden[f"clus1_mean_api00_stype_{est.domain['stype']}"])
    for est in m.total(clus1, "enroll", by=["stype"]):
        assert est.domain is not None
        check(est, survey_golden[f"clus1_total_enroll_stype_{est.domain['stype']}"])


def test_first_stage_of_two_stage_design(survey_golden: Golden) -> None:
    survey = survey_of(api("apiclus2"), weight="pw", psu="dnum", fpc="fpc1")
    check(m.mean(survey, "api00"), survey_golden["clus2_mean_api00"])


def test_woodruff_quantiles(clus1: Survey, strat: Survey, survey_golden: Golden) -> None:
    q = m.quantile(clus1, "api00", p=[0.25, 0.5], se="woodruff")
    for est, key in zip(q, ["clus1_quantile_0.25", "clus1_quantile_0.5"], strict=True):
        g = survey_golden[key]
        check(est, g)
        assert est.ci(0.95) == pytest.approx((g["ci_low"], g["ci_high"]), rel=1e-12)
    check(m.median(strat, "api00", se="woodruff"), survey_golden["strat_quantile_0.5"])


@pytest.mark.parametrize("rule", ["remove", "adjust", "average", "certainty"])
def test_lonely_psu_rules(survey_golden: Golden, rule: str) -> None:
    frame = api("apistrat_lonely")
    survey = survey_of(frame, weight="pw", strata="stype", lonely_psu=LonelyPSU(rule))
    check(m.mean(survey, "api00"), survey_golden[f"lonely_{rule}_mean_api00"])
    check(m.total(survey, "enroll"), survey_golden[f"lonely_{rule}_total_enroll"])
    if rule != "certainty":
        est = m.mean(survey, "api00", variance="jackknife")
        check(est, survey_golden[f"lonely_{rule}_jkn_mean_api00"])


def test_lonely_psu_fail_names_the_stratum() -> None:
    survey = survey_of(api("apistrat_lonely"), weight="pw", strata="stype")
    with pytest.raises(DesignError, match="stratum 'H' has only one PSU"):
        m.mean(survey, "api00")


def test_jackknife_made_by_insaf_equals_r(
    strat: Survey, clus1: Survey, survey_golden: Golden
) -> None:
    check(m.mean(strat, "api00", variance="jackknife"), survey_golden["strat_jkn_mean_api00"])
    check(m.total(strat, "enroll", variance="jackknife"), survey_golden["strat_jkn_total_enroll"])
    check(m.gini(strat, "api00", variance="jackknife"), survey_golden["strat_jkn_gini_api00"])
    check(m.mean(clus1, "api00", variance="jackknife"), survey_golden["clus1_jk1_mean_api00"])
    check(m.gini(clus1, "api00", variance="jackknife"), survey_golden["clus1_jk1_gini_api00"])
    for est in m.mean(clus1, "api00", by="stype", variance="jackknife"):
        assert est.domain is not None
        check(est, survey_golden[f"clus1_jk1_mean_api00_stype_{est.domain['stype']}"])


def test_supplied_bootstrap_replicates(survey_golden: Golden) -> None:
    frame = api("apiclus1_boot")
    columns = tuple(c for c in frame.columns if c.startswith("rep"))
    reps = Replicates(
        columns=columns,
        method=ReplicateMethod.BOOTSTRAP,
        scale=survey_golden["boot_scale"]["value"],
        mse=bool(survey_golden["boot_mse"]["value"]),
    )
    survey = survey_of(frame, weight="pw", psu="dnum", replicates=reps)
    check(m.mean(survey, "api00"), survey_golden["clus1_boot_mean_api00"])
    est = m.gini(survey, "api00")
    assert est[0].method == "replicates"
    check(est, survey_golden["clus1_boot_gini_api00"])
    for e in m.mean(survey, "api00", by="stype"):
        assert e.domain is not None
        check(e, survey_golden[f"clus1_boot_mean_api00_stype_{e.domain['stype']}"])


@pytest.mark.parametrize(
    ("rule", "key"), [("convey", "tie_math"), ("eurostat", "tie_school"), ("laeken", "tie_laeken")]
)
def test_quantile_rules_at_an_exact_hit(survey_golden: Golden, rule: str, key: str) -> None:
    frame = pl.DataFrame({"y": [float(i) for i in range(1, 11)], "w": [1.0] * 10})
    survey = survey_of(frame, weight="w")
    check(m.median(survey, "y", rule=rule), survey_golden[key], se=False)  # type: ignore[arg-type]

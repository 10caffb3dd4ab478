"""Differences and ratios of estimates on one sample, against R (svycontrast,
and influence values subtracted in R for the Gini and the ARPR)."""

from __future__ import annotations

from typing import Any

import pytest

import insaf.measures as m
from insaf.errors import DesignError
from insaf.survey.survey import Survey

from .conftest import api, survey_of

Golden = dict[str, dict[str, Any]]


def check(est: m.Estimate, g: dict[str, Any]) -> None:
    assert est.value == pytest.approx(g["value"], rel=1e-8)
    assert est.se == pytest.approx(g["se"], rel=1e-6)


@pytest.fixture(scope="module")
def clus1() -> Survey:
    return survey_of(api("apiclus1"), weight="pw", psu="dnum", fpc="fpc")


@pytest.mark.golden
def test_domain_difference_uses_covariance(clus1: Survey, survey_golden: Golden) -> None:
    by = m.mean(clus1, "api00", by="stype")
    diff = m.difference(by.get(stype="E"), by.get(stype="H"))
    check(diff, survey_golden["clus1_diff_mean_api00_E_H"])
    assert diff.domain is None


@pytest.mark.golden
def test_two_variables_difference_and_ratio(clus1: Survey, survey_golden: Golden) -> None:
    a, b = m.mean(clus1, "api00")[0], m.mean(clus1, "api99")[0]
    check(m.difference(a, b), survey_golden["clus1_diff_mean_api00_api99"])
    check(m.ratio_of(a, b), survey_golden["clus1_ratio_mean_api00_api99"])
    # ignoring the covariance would be far off: the SEs of the two means are ~23 each
    assert m.difference(a, b).se < 0.2 * (a.se**2 + b.se**2) ** 0.5


@pytest.mark.golden
def test_gini_and_arpr_domain_differences(eusilc: Survey, eusilc_golden: Golden) -> None:
    g = m.gini(eusilc, "eqIncome", by="rb090")
    check(
        m.difference(g.get(rb090="female"), g.get(rb090="male")),
        eusilc_golden["gini_osier_diff_female_male"],
    )
    r = m.arpr(eusilc, "eqIncome", by="db040")
    diff = m.difference(r.get(db040="Vienna"), r.get(db040="Tyrol"))
    check(diff, eusilc_golden["arpr_diff_Vienna_Tyrol"])


def test_replicate_differences_use_replicates(clus1: Survey) -> None:
    by = m.mean(clus1, "api00", by="stype", variance="jackknife")
    diff = m.difference(by.get(stype="E"), by.get(stype="H"))
    assert diff.method == "jackknife"
    assert diff.se > 0


def test_incompatible_estimates_are_refused(clus1: Survey) -> None:
    other = survey_of(api("apistrat"), weight="pw", strata="stype", fpc="fpc")
    with pytest.raises(DesignError, match="same sample"):
        m.difference(m.mean(clus1, "api00")[0], m.mean(other, "api00")[0])
    with pytest.raises(DesignError, match="linearized and the other"):
        m.difference(m.mean(clus1, "api00")[0], m.mean(clus1, "api00", variance="jackknife")[0])
    wood = m.median(clus1, "api00", se="woodruff")[0]
    with pytest.raises(DesignError, match="Woodruff"):
        m.difference(wood, m.median(clus1, "api00")[0])

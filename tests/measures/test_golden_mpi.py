"""The MPI and the HOI against R on the synthetic demo survey (tests/golden/golden_mpi.R):
deprivations computed in R from the raw variables, SEs from survey's svymean,
svyratio, svyby + svycontrast, svyglm and JKn replicates.

Tolerances: 1e-8 relative for point estimates, 1e-6 relative for SEs.
"""

from __future__ import annotations

from typing import Any

import pytest

import insaf.measures as m
from insaf.survey.survey import Survey

pytestmark = pytest.mark.golden
Golden = dict[str, dict[str, Any]]
GLOBAL = [
    "nutrition",
    "child_mortality",
    "years_of_schooling",
    "school_attendance",
    "cooking_fuel",
    "sanitation",
    "drinking_water",
    "electricity",
    "housing",
    "assets",
]
ARAB = [
    "years_of_schooling",
    "school_attendance",
    "child_mortality",
    "nutrition",
    "early_marriage",
    "electricity",
    "drinking_water",
    "sanitation",
    "housing",
    "cooking_fuel",
    "overcrowding",
    "assets",
]


def check(est: m.Estimate, g: dict[str, Any]) -> None:
    assert est.value == pytest.approx(g["value"], rel=1e-8, abs=1e-15)
    assert est.se == pytest.approx(g["se"], rel=1e-6, abs=1e-15)


@pytest.mark.parametrize(("preset", "names"), [("global", GLOBAL), ("arab", ARAB)])
def test_headline_headcounts_and_contributions(
    demo: Survey, mpi_golden: Golden, preset: str, names: list[str]
) -> None:
    result = m.mpi(demo, preset)
    for stat in ("H", "A", "M0"):
        check(result.get(f"mpi.{stat}"), mpi_golden[f"{preset}_{stat}"])
    for j in names:
        check(result.get(f"mpi.uncensored[{j}]"), mpi_golden[f"{preset}_uncensored_{j}"])
        check(result.get(f"mpi.censored[{j}]"), mpi_golden[f"{preset}_censored_{j}"])
        check(result.get(f"mpi.contribution[{j}]"), mpi_golden[f"{preset}_contribution_{j}"])
    total = sum(result.get(f"mpi.contribution[{j}]").value for j in names)
    assert total == pytest.approx(1.0, abs=1e-12)
    h, a, m0 = (result.get(f"mpi.{s}").value for s in ("H", "A", "M0"))
    assert m0 == pytest.approx(h * a, rel=1e-12)


def test_by_area_and_decomposition(demo: Survey, mpi_golden: Golden) -> None:
    result = m.mpi(demo, "global", by="urban")
    for u in (0, 1):
        for stat in ("H", "A", "M0"):
            check(result.get(f"mpi.{stat}", urban=u), mpi_golden[f"global_{stat}_urban_{u}"])
        check(result.get("mpi.H", urban=u), mpi_golden[f"global_svyby_H_urban_{u}"])
        check(
            result.get("mpi.contribution[nutrition]", urban=u),
            mpi_golden[f"global_contribution_nutrition_urban_{u}"],
        )
        check(
            result.get("mpi.population_share", urban=u),
            mpi_golden[f"global_population_share_urban_{u}"],
        )
        check(
            result.get("mpi.contribution_of_group", urban=u),
            mpi_golden[f"global_contribution_of_group_urban_{u}"],
        )
    parts = [result.get("mpi.contribution_of_group", urban=u).value for u in (0, 1)]
    assert sum(parts) == pytest.approx(1.0, abs=1e-12)


def test_households_as_unit(demo: Survey, mpi_golden: Golden) -> None:
    result = m.mpi(demo, "global", unit="household")
    check(result.get("mpi.H"), mpi_golden["global_household_H"])
    check(result.get("mpi.A"), mpi_golden["global_household_A"])
    assert result.get("mpi.H").n == 2000


def test_jackknife_made_by_insaf_equals_r(demo: Survey, mpi_golden: Golden) -> None:
    result = m.mpi(demo, "global", variance="jackknife")
    for stat in ("H", "A", "M0"):
        check(result.get(f"mpi.{stat}"), mpi_golden[f"global_jkn_{stat}"])


@pytest.mark.parametrize("stat", ["H", "M0"])
def test_refugee_national_gap(demo: Survey, mpi_golden: Golden, stat: str) -> None:
    result = m.gap(demo, "mpi", between=("nationality", 2, 1))
    diff = [e for e in result if e.measure.startswith(f"gap.difference[mpi.{stat}:")]
    ratio = [e for e in result if e.measure.startswith(f"gap.ratio[mpi.{stat}:")]
    check(diff[0], mpi_golden[f"global_gap_{stat}_difference"])
    check(ratio[0], mpi_golden[f"global_gap_{stat}_ratio"])


HOI = {
    "circumstances": ["sex", "urban", "refugee_hh", "head_education", "hhsize"],
    "categorical": ["head_education"],
    "among": "age >= 6 AND age <= 14",
}
TERMS = (
    ["(Intercept)", "sex", "urban", "refugee_hh"]
    + [f"head_education={k}" for k in range(2, 7)]
    + ["hhsize"]
)


def test_logistic_coefficients_equal_svyglm(demo: Survey, mpi_golden: Golden) -> None:
    result = m.access_model(demo, "attending_school", **HOI)  # type: ignore[arg-type]
    assert [e.measure for e in result] == [f"logit[{t}]" for t in TERMS]
    for est, term in zip(result, TERMS, strict=True):
        check(est, mpi_golden[f"hoi_coef_{term}"])


def test_hoi_linearized_and_jackknife(demo: Survey, mpi_golden: Golden) -> None:
    result = m.hoi(demo, "attending_school", **HOI)  # type: ignore[arg-type]
    check(result.get("hoi.coverage"), mpi_golden["hoi_coverage"])
    check(result.get("hoi.D"), mpi_golden["hoi_D"])
    check(result.get("hoi"), mpi_golden["hoi"])
    jk = m.hoi(demo, "attending_school", variance="jackknife", **HOI)  # type: ignore[arg-type]
    check(jk.get("hoi.coverage"), mpi_golden["hoi_jkn_coverage"])
    check(jk.get("hoi.D"), mpi_golden["hoi_jkn_D"])
    check(jk.get("hoi"), mpi_golden["hoi_jkn"])

"""Decompositions and equity gaps against R on eusilc (tests/golden/golden_equity.R):
FGT by subgroup (svymean/svyby/svyratio; a relative line by the formulas), GE
between/within (svycontrast of group totals: R's symbolic derivatives), and
gaps between women and men (svyby(covmat=TRUE) + svycontrast).

Tolerances: 1e-8 relative for point estimates, 1e-6 relative for SEs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import insaf.measures as m
from insaf.survey.survey import Survey

pytestmark = pytest.mark.golden
Golden = dict[str, dict[str, Any]]


def check(est: m.Estimate, g: dict[str, Any]) -> None:
    assert est.value == pytest.approx(g["value"], rel=1e-8, abs=1e-15)
    assert est.se == pytest.approx(g["se"], rel=1e-6, abs=1e-15)


def tag(region: str) -> str:
    return re.sub("[^A-Za-z]", "", region)


@pytest.mark.parametrize("alpha", [0, 1, 2])
def test_fgt_decomposition_absolute_line(eusilc: Survey, equity_golden: Golden, alpha: int) -> None:
    result = m.fgt_decomposition(eusilc, "eqIncome", group="db040", line=10000.0, alpha=alpha)
    check(result[0], equity_golden[f"fgtdec{alpha}_all"])
    assert len(result) == 1 + 9 * 4
    for est in result[1:]:
        assert est.domain is not None
        key = f"fgtdec{alpha}_{tag(est.domain['db040'])}"
        name = est.measure.split("[")[0]
        suffix = {f"fgt{alpha}": "fgt"}.get(name, name)
        check(est, equity_golden[f"{key}_{suffix}"])
    contributions = [e.value for e in result if e.measure == f"contribution[fgt{alpha}]"]
    assert sum(contributions) == pytest.approx(result[0].value, rel=1e-12)
    shares = [e.value for e in result if e.measure == f"contribution_share[fgt{alpha}]"]
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("alpha", [0, 1])
def test_fgt_decomposition_relative_line(eusilc: Survey, equity_golden: Golden, alpha: int) -> None:
    result = m.fgt_decomposition(eusilc, "eqIncome", group="rb090", line=m.Relative(), alpha=alpha)
    for sex in ("female", "male"):
        key = f"fgtdec{alpha}_relative_{sex}"
        check(
            result.get(f"contribution[fgt{alpha}]", rb090=sex), equity_golden[f"{key}_contribution"]
        )
        check(
            result.get(f"contribution_share[fgt{alpha}]", rb090=sex),
            equity_golden[f"{key}_contribution_share"],
        )


@pytest.mark.parametrize(("alpha", "name"), [(0, "mld"), (1, "theil"), (2, "ge[2]")])
def test_ge_decomposition(eusilc: Survey, equity_golden: Golden, alpha: int, name: str) -> None:
    result = m.ge_decomposition(
        eusilc, "eqIncome", group="db040", alpha=alpha, nonpositive="exclude"
    )
    check(result[0], equity_golden[f"ge{alpha}_total"])
    check(result.get(f"{name}.between"), equity_golden[f"ge{alpha}_between"])
    check(result.get(f"{name}.within"), equity_golden[f"ge{alpha}_within"])
    check(result.get(f"{name}.between_share"), equity_golden[f"ge{alpha}_share"])
    for est in result[4:]:
        assert est.domain is not None
        if est.measure in ("population_share", "income_share"):
            check(est, equity_golden[f"gedec_{tag(est.domain['db040'])}_{est.measure}"])


def test_gaps_between_women_and_men(eusilc: Survey, equity_golden: Golden) -> None:
    between = ("rb090", "female", "male")
    poor = m.gap(
        eusilc, "fgt0", "eqIncome", between=between, options=m.MeasureOptions(line=10000.0)
    )
    check(poor[2], equity_golden["gap_poor_difference"])
    check(poor[3], equity_golden["gap_poor_ratio"])
    mean = m.gap(eusilc, "mean", "eqIncome", between=between)
    check(mean[2], equity_golden["gap_eqIncome_difference"])
    check(mean[3], equity_golden["gap_eqIncome_ratio"])
    arpr = m.gap(eusilc, "arpr", "eqIncome", between=between)
    check(arpr[2], equity_golden["gap_arpr_difference"])
    check(arpr[3], equity_golden["gap_arpr_ratio"])


def test_gap_within_regions(eusilc: Survey, equity_golden: Golden) -> None:
    result = m.gap(
        eusilc,
        "fgt0",
        "eqIncome",
        between=("rb090", "female", "male"),
        by="db040",
        options=m.MeasureOptions(line=10000.0),
    )
    for region in ("Vienna", "Tyrol"):
        diff, ratio = (e for e in result if e.domain == {"db040": region})
        assert diff.measure.startswith("gap.difference[fgt0: rb090=female vs male]")
        check(diff, equity_golden[f"gap_poor_difference_{region}"])
        check(ratio, equity_golden[f"gap_poor_ratio_{region}"])

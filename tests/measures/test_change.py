"""Decomposition of a change in poverty: growth and redistribution (Datt and Ravallion
1992; Shapley split, Shorrocks 2013) and by sector (Ravallion and Huppi 1991).

By hand below; against R (tests/golden/golden_change.R: the formulas in R,
replicated by ``survey::withReplicates`` on a bootstrap replicate design) to
1e-8 (values; 1e-12 absolute for zeros) and 1e-6 (SEs).
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import InsafError
from insaf.measures.change import growth_redistribution, sectoral_decomposition
from insaf.survey.design import ReplicateMethod, Replicates
from insaf.survey.survey import Survey

from .conftest import GOLDEN, api, survey_of


def hand(**columns: list[Any]) -> Survey:
    n = len(next(iter(columns.values())))
    frame = pl.DataFrame({"id": list(range(n)), "w": [1.0] * n, **columns})
    return survey_of(frame, weight="w", psu="id")


def values(result: m.Estimates) -> dict[str, float]:
    return {e.measure: e.value for e in result if e.domain is None}


# -- by hand: growth and redistribution ------------------------------------------------
# start y1 = 1, 2, 3, 6 (mean 3), end y2 = 1, 4, 5, 6 (mean 4), line 3, FGT1 ("<"):
#   P1 = ((3-1)/3 + (3-2)/3)/4 = 1/4;  P2 = ((3-1)/3)/4 = 1/6;  change = -1/12
#   P(mu2, L1) = FGT1 of y1 * 4/3 = (4/3, 8/3, 4, 8): ((5/3)/3 + (1/3)/3)/4 = 1/6
#   P(mu1, L2) = FGT1 of y2 * 3/4 = (.75, 3, 3.75, 4.5): ((3-.75)/3)/4 = 3/16
#   growth G = 1/6 - 1/4 = -1/12; redistribution R = 3/16 - 1/4 = -1/16;
#   residual = -1/12 + 1/12 + 1/16 = 1/16
#   Shapley: G_s = ((-1/12) + (1/6 - 3/16))/2 = -5/96; R_s = ((-1/16) + (1/6 - 1/6))/2 = -1/32
#   (G_s + R_s = -8/96 = -1/12: no residual)


def test_growth_and_redistribution_by_hand() -> None:
    survey = hand(y2=[1.0, 4, 5, 6], y1=[1.0, 2, 3, 6])
    found = values(growth_redistribution(survey, "y2", versus="y1", line=3, alpha=1))
    expected = {
        "fgt.start": 1 / 4,
        "fgt.end": 1 / 6,
        "change": -1 / 12,
        "growth": -1 / 12,
        "redistribution": -1 / 16,
        "residual": 1 / 16,
        "growth.shapley": -5 / 96,
        "redistribution.shapley": -1 / 32,
    }
    assert found == pytest.approx(expected, rel=1e-12)


def test_growth_only_and_redistribution_only() -> None:
    # doubling every income is pure growth; a mean-preserving spread is pure redistribution
    y1 = [1.0, 2, 3, 6]
    doubled = values(growth_redistribution(hand(y2=[2 * y for y in y1], y1=y1), "y2",
                                           versus="y1", line=3, alpha=2))  # fmt: skip
    assert doubled["redistribution"] == doubled["residual"] == 0
    assert doubled["growth"] == doubled["growth.shapley"] == doubled["change"]
    spread = values(growth_redistribution(hand(y2=[0.5, 2, 3, 6.5], y1=y1), "y2",
                                          versus="y1", line=3))  # fmt: skip
    assert spread["growth"] == spread["residual"] == 0
    assert spread["redistribution"] == spread["change"] == pytest.approx(0.0)


# -- by hand: sectors --------------------------------------------------------------------
# line 3, headcount ("<"), each unit weight 1, two surveys (independent samples):
#   start: A = 1, 5 (share 1/3, P 1/2); B = 2, 6, 7, 8 (share 2/3, P 1/4); P1 = 1/3
#   end:   A = 2, 4, 4, 5 (share 2/3, P 1/4); B = 1, 9 (share 1/3, P 1/2); P2 = 1/3
#   within      A: 1/3 (1/4 - 1/2) = -1/12   B: 2/3 (1/2 - 1/4) = 1/6    total 1/12
#   shift       A: 1/2 (2/3 - 1/3) = 1/6     B: 1/4 (1/3 - 2/3) = -1/12  total 1/12
#   interaction A: (1/3)(-1/4) = -1/12       B: (-1/3)(1/4) = -1/12      total -1/6
#   change = 1/12 + 1/12 - 1/6 = 0


def test_sectoral_by_hand() -> None:
    start = hand(y=[1.0, 5, 2, 6, 7, 8], g=["A", "A", "B", "B", "B", "B"])
    end = hand(y=[2.0, 4, 4, 5, 1, 9], g=["A", "A", "A", "A", "B", "B"])
    result = sectoral_decomposition(end, "y", other=start, by="g", line=3)
    assert values(result) == pytest.approx(
        {"change": 0, "within": 1 / 12, "shift": 1 / 12, "interaction": -1 / 6}, abs=1e-15
    )
    groups = {(e.measure, e.domain["g"]): e.value for e in result if e.domain is not None}
    assert groups == pytest.approx(
        {
            ("within", "A"): -1 / 12,
            ("shift", "A"): 1 / 6,
            ("interaction", "A"): -1 / 12,
            ("within", "B"): 1 / 6,
            ("shift", "B"): -1 / 12,
            ("interaction", "B"): -1 / 12,
        }
    )
    assert all(e.se > 0 for e in result)  # created bootstrap replicates of each survey


def test_bad_input() -> None:
    survey = hand(y2=[1.0, 4, 5, 6], y1=[1.0, 2, 3, 6], g=["A", "A", "B", "B"])
    with pytest.raises(InsafError, match="exactly one of versus"):
        growth_redistribution(survey, "y2", line=3)
    with pytest.raises(InsafError, match="absolute poverty line"):
        growth_redistribution(survey, "y2", versus="y1", line="z")  # type: ignore[arg-type]
    with pytest.raises(InsafError, match="alpha must be"):
        growth_redistribution(survey, "y2", versus="y1", line=3, alpha=-1)
    zero = hand(y2=[1.0, 4, 5, 6], y1=[0.0, 0, 0, 0])
    with pytest.raises(InsafError, match="mean of 'y1' is not positive"):
        growth_redistribution(zero, "y2", versus="y1", line=3)
    other = hand(y=[1.0, 2], g=["A", "C"])
    with pytest.raises(InsafError, match="group g = 'C' is not in the end distribution"):
        sectoral_decomposition(survey, "y2", other=other, other_variable="y", by="g", line=3)


# -- against R, and the plumbing against the measures ------------------------------------


@pytest.fixture(scope="module")
def boot() -> Survey:
    frame = api("apiclus1_boot").with_columns(after=pl.col("api00") / 2 + 330)
    columns = tuple(c for c in frame.columns if c.startswith("rep"))
    reps = Replicates(columns=columns, method=ReplicateMethod.BOOTSTRAP)
    return survey_of(frame, weight="pw", psu="dnum", replicates=reps)


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "change.json").read_text())
    return data


def agree(e: m.Estimate, g: dict[str, Any]) -> None:
    assert e.value == pytest.approx(g["value"], rel=1e-8, abs=1e-12)
    assert e.se == pytest.approx(g["se"], rel=1e-6, abs=1e-12)


@pytest.mark.golden
@pytest.mark.parametrize("alpha", [0, 1, 2])
def test_against_r_on_a_replicate_design(
    boot: Survey, golden: dict[str, dict[str, Any]], alpha: int
) -> None:
    dr = growth_redistribution(boot, "after", versus="api00", line=600, alpha=alpha)
    for e in dr:
        agree(e, golden[f"dr_a{alpha}_{e.measure}"])
    sectors = sectoral_decomposition(
        boot, "after", versus="api00", by="stype", line=600, alpha=alpha
    )
    for e in sectors:
        key = e.measure if e.domain is None else f"{e.domain['stype']}.{e.measure}"
        agree(e, golden[f"sector_a{alpha}_{key}"])


def test_start_and_end_are_the_measures_fgt(boot: Survey) -> None:
    # the start and end indices and their replicate SEs are insaf.measures.fgt's;
    # two surveys: each side's variance is its own survey's
    paired = growth_redistribution(boot, "after", versus="api00", line=600, alpha=1)
    before = m.fgt(boot, "api00", line=600, alpha=1)
    after = m.fgt(boot, "after", line=600, alpha=1)
    assert paired.get("fgt.start").se == pytest.approx(before.se, rel=1e-10)
    assert paired.get("fgt.end").se == pytest.approx(after.se, rel=1e-10)
    two = growth_redistribution(boot, "after", other=boot, other_variable="api00", line=600)
    assert two.get("fgt.start").se == pytest.approx(m.fgt(boot, "api00", line=600).se)
    assert two.get("fgt.end").se == pytest.approx(m.fgt(boot, "after", line=600).se)
    assert two.get("change").se > paired.get("change").se  # pairing removes the covariance

"""Poverty dominance: curves, differences, bands and verdicts.

By hand: four units, each its own PSU, weight 1 (so a curve's SE is the
textbook ``s / sqrt(n)``). Against R ``survey`` 4.1
(tests/golden/golden_dominance.R): every curve is ``svymean`` of ``1(y <= z)``
or ``(z - y)_+``; a paired difference ``svymean`` of the difference of those
variables; two groups ``svyby(covmat=TRUE)`` + ``svycontrast``; replicate
designs through ``svrepdesign``. Tolerances: 1e-8 relative for values (1e-12
absolute for the differences, which can be 0), 1e-6 relative for SEs.
"""

from __future__ import annotations

import json
import math
from typing import Any

import polars as pl
import pytest

from insaf.errors import DataError, InsafError
from insaf.measures import dominance
from insaf.measures.dominance import lines_between
from insaf.survey.design import ReplicateMethod, Replicates
from insaf.survey.survey import Survey

from .conftest import GOLDEN, api, survey_of

Golden = dict[str, dict[str, Any]]

# -- by hand ------------------------------------------------------------------------------
#   before B = 1, 2, 4, 8      after A = 2, 3, 3, 6      (each unit its own PSU, weight 1)
#   line z     F_B    F_A    F_A - F_B
#   1.5        1/4    0      -1/4
#   2.5        2/4    1/4    -1/4
#   3.5        2/4    3/4    +1/4
#   5          3/4    3/4     0
#   7          3/4    1      +1/4
# The difference changes sign between 2.5 and 3.5: the curves cross at 3
# (linear interpolation: 2.5 + 1 * 0.25 / 0.5).
# Deficits at z = 5: B (4 + 3 + 1 + 0)/4 = 2, A (3 + 2 + 2 + 0)/4 = 7/4.
# Paired SE at z = 2.5: d = 1(A <= z) - 1(B <= z) = (0, -1, 0, 0), mean -1/4,
#   s^2 = (1/16 + 9/16 + 1/16 + 1/16)/3 = 1/4, se = sqrt(s^2/4) = 1/4.
# Independent SE at z = 2.5: var F_A = (3/4 * 1/4 * 4/3)/4 = 1/16,
#   var F_B = (1/2 * 1/2 * 4/3)/4 = 1/12, se = sqrt(1/16 + 1/12) = sqrt(7/48).
BEFORE = [1.0, 2.0, 4.0, 8.0]
AFTER = [2.0, 3.0, 3.0, 6.0]
LINES = [1.5, 2.5, 3.5, 5.0, 7.0]


def hand(**columns: list[float]) -> Survey:
    n = len(next(iter(columns.values())))
    frame = pl.DataFrame({"id": list(range(n)), "w": [1.0] * n, **columns})
    return survey_of(frame, weight="w", psu="id")


def test_incidence_curves_by_hand() -> None:
    result = dominance(hand(a=AFTER, b=BEFORE), "a", versus="b", lines=LINES)
    assert [p.first.value for p in result.points] == pytest.approx([0, 0.25, 0.75, 0.75, 1])
    assert [p.second.value for p in result.points] == pytest.approx([0.25, 0.5, 0.5, 0.75, 0.75])
    assert [p.difference.value for p in result.points] == pytest.approx(
        [-0.25, -0.25, 0.25, 0, 0.25]
    )
    assert result.points[1].difference.se == pytest.approx(0.25, rel=1e-12)
    assert result.crossings == pytest.approx((3.0,))
    assert result.sampling == "paired" and result.labels == ("a", "b")


def test_deficit_curve_by_hand() -> None:
    result = dominance(hand(a=AFTER, b=BEFORE), "a", versus="b", lines=[5.0], order=2)
    (point,) = result.points
    assert (point.first.value, point.second.value) == pytest.approx((1.75, 2.0))
    assert point.first.measure == "poverty_deficit[5]"


def test_independent_samples_by_hand() -> None:
    result = dominance(hand(y=AFTER), "y", other=hand(y=BEFORE), lines=[2.5])
    (point,) = result.points
    assert point.difference.value == pytest.approx(-0.25)
    assert point.difference.se == pytest.approx(math.sqrt(7 / 48), rel=1e-12)
    assert result.sampling == "independent"


def test_strict_inequality_at_the_line() -> None:
    # at z = 3 two units of A (3, 3) sit on the line: "<=" counts them (3/4), "<" does
    # not (only the 2: 1/4)
    lax = dominance(hand(a=AFTER, b=BEFORE), "a", versus="b", lines=[3.0])
    strict = dominance(hand(a=AFTER, b=BEFORE), "a", versus="b", lines=[3.0], below="<")
    assert (lax.points[0].first.value, strict.points[0].first.value) == (0.75, 0.25)


# -- verdicts -----------------------------------------------------------------------------
# 400 units with incomes 1..400: a shift of 50 lowers the incidence curve by
# 50/400 at every line from 60 to 300 (se about sqrt(.125 * .875 / 400) = .017);
# y/2 + 100 lifts the bottom (no one below 100) and lowers the top (everyone
# below 300): it crosses the original curve at 200.
INCOMES = [float(i) for i in range(1, 401)]


def verdict(after: list[float], lines: list[float], order: int = 1) -> Any:
    survey = hand(a=after, b=INCOMES)
    return dominance(survey, "a", versus="b", lines=lines, order=order)  # type: ignore[arg-type]


def test_verdicts() -> None:
    shifted = [y + 50 for y in INCOMES]
    assert verdict(shifted, [60, 150, 300]).verdict == "dominates"
    halved = [y / 2 + 100 for y in INCOMES]
    crossing = verdict(halved, [50, 100, 190, 210, 350, 380])
    assert crossing.verdict == "cross"
    # at 190: F_A = #(y <= 180)/400 = .45, F_B = .475; at 210: .55 and .525; so the
    # difference goes from -.025 to +.025 and the interpolated crossing is at 200
    assert crossing.crossings == pytest.approx((200.0,))
    assert verdict(INCOMES, [100, 200]).verdict == "not_significant"  # identical curves
    survey = hand(a=shifted, b=INCOMES)
    back = dominance(survey, "b", versus="a", lines=[60, 150, 300])
    assert back.verdict == "dominated"
    # order 2: the shift lowers the deficit at every line above 0 from 20 on
    assert verdict(shifted, [20, 200, 400], order=2).verdict == "dominates"


def test_table_and_dict() -> None:
    result = dominance(hand(a=AFTER, b=BEFORE), "a", versus="b", lines=LINES)
    table = result.table()
    assert table.columns[:3] == ["line", "first", "first_se"]
    assert table.height == 5 and table["sign"].to_list() == [0, 0, 0, 0, 0]
    out = result.to_dict()
    assert out["curve"] == "poverty_incidence" and out["verdict"] == "not_significant"
    assert json.loads(json.dumps(out))["points"][0]["line"] == 1.5


# -- bad input ----------------------------------------------------------------------------


def test_bad_input() -> None:
    survey = hand(a=AFTER, b=BEFORE)
    with pytest.raises(InsafError, match="exactly one of versus"):
        dominance(survey, "a", lines=LINES)
    with pytest.raises(InsafError, match="got versus, other"):
        dominance(survey, "a", versus="b", other=survey, lines=LINES)
    with pytest.raises(InsafError, match="increasing order"):
        dominance(survey, "a", versus="b", lines=[2, 1])
    with pytest.raises(InsafError, match="at least one"):
        dominance(survey, "a", versus="b", lines=[])
    with pytest.raises(InsafError, match="order must be 1"):
        dominance(survey, "a", versus="b", lines=[1], order=3)  # type: ignore[arg-type]
    with pytest.raises(InsafError, match="other_variable"):
        dominance(survey, "a", versus="b", lines=[1], other_variable="b")
    with pytest.raises(InsafError, match=r"no group id = 9.*values found: 0, 1, 2, 3"):
        dominance(survey, "a", between=("id", 0, 9), lines=[1])
    with pytest.raises(DataError, match="missing"):
        dominance(survey, "a", versus="missing", lines=[1])
    with pytest.raises(InsafError, match="go up"):
        lines_between(5, 1, 3)
    with pytest.raises(InsafError, match="at least 2"):
        lines_between(1, 5, 1)
    assert lines_between(1, 5, 3) == (1.0, 3.0, 5.0)


# -- against R survey ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def golden() -> Golden:
    data: Golden = json.loads((GOLDEN / "dominance.json").read_text())
    return data


def agree(estimate: Any, g: dict[str, Any], *, difference: bool = False) -> None:
    if difference:
        assert estimate.value == pytest.approx(g["value"], rel=1e-8, abs=1e-12)
    else:
        assert estimate.value == pytest.approx(g["value"], rel=1e-8)
    assert estimate.se == pytest.approx(g["se"], rel=1e-6, abs=1e-12)


EU_LINES = [6000.0, 9000.0, 12000.0, 15000.0, 18000.0, 21000.0, 24000.0]
API_LINES = [550.0, 650.0, 750.0, 850.0]


@pytest.fixture(scope="module")
def eusilc_reform(eusilc_frame: pl.DataFrame) -> Survey:
    frame = eusilc_frame.with_columns(y1=0.9 * pl.col("eqIncome") + 1500)
    return survey_of(frame, weight="rb050", strata="db040", psu="db030")


@pytest.mark.golden
@pytest.mark.parametrize("order", [1, 2])
def test_paired_and_groups_against_r(golden: Golden, eusilc_reform: Survey, order: int) -> None:
    paired = dominance(eusilc_reform, "y1", versus="eqIncome", lines=EU_LINES, order=order)  # type: ignore[arg-type]
    groups = dominance(
        eusilc_reform,
        "eqIncome",
        between=("rb090", "female", "male"),
        lines=EU_LINES,
        order=order,  # type: ignore[arg-type]
    )
    for z, p, q in zip(EU_LINES, paired.points, groups.points, strict=True):
        key = f"eusilc_o{order}_z{int(z)}"
        agree(p.first, golden[f"{key}_after"])
        agree(p.second, golden[f"{key}_before"])
        agree(p.difference, golden[f"{key}_paired"], difference=True)
        agree(q.first, golden[f"{key}_female"])
        agree(q.second, golden[f"{key}_male"])
        agree(q.difference, golden[f"{key}_female_male"], difference=True)
    if order == 1:  # a flat 1,500 paid for by a 10% tax: incomes fall above 15,000 only
        assert paired.crossings == pytest.approx((15000.0,), rel=0.05)
        assert paired.verdict == "cross"


@pytest.mark.golden
@pytest.mark.parametrize("order", [1, 2])
def test_independent_samples_against_r(golden: Golden, order: int) -> None:
    strat = survey_of(api("apistrat"), weight="pw", strata="stype", fpc="fpc")
    clus1 = survey_of(api("apiclus1"), weight="pw", psu="dnum", fpc="fpc")
    result = dominance(strat, "api00", other=clus1, lines=API_LINES, order=order)  # type: ignore[arg-type]
    for z, p in zip(API_LINES, result.points, strict=True):
        a, b = golden[f"api_o{order}_z{int(z)}_strat"], golden[f"api_o{order}_z{int(z)}_clus1"]
        agree(p.first, a)
        agree(p.second, b)
        assert p.difference.value == pytest.approx(a["value"] - b["value"], rel=1e-8, abs=1e-12)
        assert p.difference.se == pytest.approx(math.hypot(a["se"], b["se"]), rel=1e-6)


@pytest.mark.golden
@pytest.mark.parametrize("order", [1, 2])
def test_replicate_design_against_r(golden: Golden, order: int) -> None:
    frame = api("apiclus1_boot")
    columns = tuple(c for c in frame.columns if c.startswith("rep"))
    reps = Replicates(columns=columns, method=ReplicateMethod.BOOTSTRAP)
    frame = frame.with_columns(after=pl.col("api00") / 2 + 330)
    survey = survey_of(frame, weight="pw", psu="dnum", replicates=reps)
    result = dominance(survey, "after", versus="api00", lines=API_LINES, order=order)  # type: ignore[arg-type]
    for z, p in zip(API_LINES, result.points, strict=True):
        key = f"boot_o{order}_z{int(z)}"
        assert p.difference.method != "linearization"
        agree(p.first, golden[f"{key}_after"])
        agree(p.second, golden[f"{key}_api00"])
        agree(p.difference, golden[f"{key}_paired"], difference=True)

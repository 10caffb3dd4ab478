"""Benefit incidence worked by hand on the ten-household example (``households.py``)."""

from __future__ import annotations

import math

import pytest

from insaf.budget import benefit_incidence, unit_costs
from insaf.errors import DataError
from insaf.policy.in_kind import InKind

from .households import ten_households

PRIMARY = InKind(
    id="primary",
    sector="education",
    function="09.1",
    where="public_school = 1 AND school_level = 1",
)
VISITS = InKind(
    id="outpatient",
    sector="health",
    function="07.2",
    where="public_visits > 0",
    use="public_visits",
)
SPENDING = {"09.1": 300.0, "07.2": 120.0}


def _psu_se(z: list[float]) -> float:
    """Standard error of a total of influence values ``z``, one PSU each in one stratum:
    ``sqrt(n / (n - 1) * sum (z - mean z)^2)``."""
    n = len(z)
    mean = sum(z) / n
    return math.sqrt(n / (n - 1) * sum((v - mean) ** 2 for v in z))


def _rows(rows: list[dict[str, object]], **match: object) -> list[dict[str, object]]:
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def test_unit_costs_by_hand() -> None:
    # Pupils of a public primary school: A, C and E, one each: U = 3, c = 300 / 3 = 100.
    # Visits: 3 + 4 + 2 + 0 + 1 + 1 + 0 + 1 + 0 + 0 = 12, c = 120 / 12 = 10.
    costs = unit_costs(ten_households(), [PRIMARY, VISITS], SPENDING)
    assert costs["primary"].value == pytest.approx(100.0)
    assert costs["outpatient"].value == pytest.approx(10.0)
    # se(c) = c se(U) / U; U's influence values are the households' pupils.
    pupils = [1, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert costs["primary"].se == pytest.approx(100.0 * _psu_se(pupils) / 3.0)
    visits = [3, 4, 2, 0, 1, 1, 0, 1, 0, 0]
    assert costs["outpatient"].se == pytest.approx(10.0 * _psu_se(visits) / 12.0)


def test_quintile_shares_and_concentration_by_hand() -> None:
    found = benefit_incidence(
        ten_households(), [PRIMARY, VISITS], spending=SPENDING, rank_by="consumption_pc"
    )
    # Benefits a year (100 a pupil, 10 a visit):
    # A 100 + 30 = 130, B 40, C 100 + 20 = 120, D 0, E 100 + 10 = 110, F 10, G 0, H 10,
    # I 0, J 0; in all 420 = 300 + 120.
    benefit = [130.0, 40.0, 120.0, 0.0, 110.0, 10.0, 0.0, 10.0, 0.0, 0.0]
    total = 420.0
    quintile = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    rows = _rows(found.quantiles, benefit="all")
    expected = {1: 170.0 / 420, 2: 120.0 / 420, 3: 120.0 / 420, 4: 10.0 / 420, 5: 0.0}
    for row in rows:
        q = row["group"]
        assert row["share"].value == pytest.approx(expected[q])  # type: ignore[union-attr]
        # influence of a share of totals: (1[h in q] b_h - share b_h) / B
        z = [
            ((b if g == q else 0.0) - expected[q] * b) / total
            for b, g in zip(benefit, quintile, strict=True)
        ]
        assert row["share"].se == pytest.approx(_psu_se(z))  # type: ignore[union-attr]
    # per person in quintile 1: 170 over its 3 people
    assert rows[0]["per_person"].value == pytest.approx(170.0 / 3)  # type: ignore[union-attr]
    primary = _rows(found.quantiles, benefit="primary")
    assert [r["share"].value for r in primary] == pytest.approx(  # type: ignore[union-attr]
        [1 / 3, 1 / 3, 1 / 3, 0.0, 0.0]
    )

    # Concentration along consumption p.c., people weighted (w = size), per person
    # benefit y = b / size, mid-point rank r = people before + size / 2 (N = 15):
    #   y: A 65, B 40, C 60, D 0, E 55, F 10, G 0, H 10, I 0, J 0
    #   r: A 1, B 2.5, C 4, D 5.5, E 7, F 8.5, G 10, H 11.5, I 13, J 14.5
    #   sum w y r = 2*65*1 + 40*2.5 + 2*60*4 + 2*55*7 + 10*8.5 + 10*11.5 = 1680
    #   C = 2 * 1680 / (15 * 420) - 1 = -0.46667
    conc = {r["benefit"]: r["concentration"] for r in found.concentration}
    assert conc["all"].value == pytest.approx(2 * 1680 / (15 * 420) - 1)  # type: ignore[union-attr]
    # Visits: w y = A 30, B 40, C 20, E 10, F 10, H 10 (120);
    #   sum w y r = 30*1 + 40*2.5 + 20*4 + 10*7 + 10*8.5 + 10*11.5 = 480
    assert conc["outpatient"].value == pytest.approx(2 * 480 / (15 * 120) - 1)  # type: ignore[union-attr]
    assert conc["all"].se > 0  # type: ignore[union-attr]


def test_breakdown_by_group() -> None:
    found = benefit_incidence(
        ten_households(), [PRIMARY, VISITS], spending=SPENDING, by=["governorate"]
    )
    rows = _rows(found.by_group, benefit="all", by="governorate")
    # governorate 1: A..E = 130 + 40 + 120 + 0 + 110 = 400 of 420, over 8 people
    first = next(r for r in rows if r["category"] == 1)
    assert first["share"].value == pytest.approx(400 / 420)  # type: ignore[union-attr]
    assert first["per_person"].value == pytest.approx(400 / 8)  # type: ignore[union-attr]


def test_explicit_costs_replace_spending() -> None:
    found = benefit_incidence(
        ten_households(), [PRIMARY, VISITS], costs={"primary": 50.0, "outpatient": 1.0}
    )
    total = {r["benefit"]: r for r in _rows(found.quantiles, group=1)}
    # quintile 1: A's pupil 50 + visits of A and B 7 = 57, over 3 people
    assert total["all"]["per_person"].value == pytest.approx(57 / 3)  # type: ignore[union-attr]
    assert found.unit_costs[0]["unit_cost"].se == 0.0  # type: ignore[union-attr]


def test_missing_unit_cost_names_the_service() -> None:
    with pytest.raises(DataError, match=r"'outpatient' has no unit cost"):
        benefit_incidence(ten_households(), [PRIMARY, VISITS], spending={"09.1": 300.0})


def test_unknown_service_or_function_is_refused() -> None:
    with pytest.raises(DataError, match=r"unit cost given for 'secondary', which is not a service"):
        benefit_incidence(ten_households(), [PRIMARY], costs={"secondary": 10.0})
    with pytest.raises(DataError, match=r"spending on function '09.4': no service is paid"):
        benefit_incidence(ten_households(), [PRIMARY], spending={"09.1": 1.0, "09.4": 1.0})


def test_bad_columns_and_groups() -> None:
    with pytest.raises(DataError, match=r"no household column 'income_pc'"):
        benefit_incidence(ten_households(), [PRIMARY], costs={"primary": 1.0}, rank_by="income_pc")
    with pytest.raises(DataError, match=r"at least two quantile groups"):
        benefit_incidence(ten_households(), [PRIMARY], costs={"primary": 1.0}, groups=1)
    level = InKind(id="nursery", sector="education", where="school_grade = 0", unit_cost=1.0)
    with pytest.raises(Exception, match=r"school_grade"):
        benefit_incidence(ten_households(), [level])


def test_no_user_means_no_unit_cost() -> None:
    nobody = InKind(id="tertiary", sector="education", function="09.4", where="school_level = 4")
    with pytest.raises(DataError, match=r"no user of function '09.4'"):
        unit_costs(ten_households(), [nobody], {"09.4": 10.0})

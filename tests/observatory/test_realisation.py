"""Progressive realisation: the spending that serves a right, per person, in real terms."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from pydantic import ValidationError

from insaf.budget import Budget, BudgetError, budget_lines
from insaf.observatory import (
    DEMO_CATALOGUE,
    Catalogue,
    DisclosureRules,
    SeriesPoint,
    load_catalogue,
)
from insaf.observatory.indicators import ContextSeries, Spending
from insaf.observatory.realisation import public_right_spending, realisation, right_spending


def _line(line: str, year: int, phase: str, function: str, amount: float, **more: Any) -> dict:
    return {
        "line": f"{line}-{year}",
        "parent": more.get("parent"),
        "year": year,
        "phase": phase,
        "admin": more.get("admin", "SOC"),
        "function": function,
        "economic": "27",
        "programme": more.get("programme"),
        "governorate": None,
        "source": "treasury",
        "gender_marker": 0,
        "amount": amount,
    }


def _budget() -> Budget:
    rows = []
    for year, k in ((2023, 1.0), (2024, 1.5)):
        for phase, f in (("approved", 2.0), ("executed", 1.0)):  # approved never counts
            rows += [
                # an aggregate line of the ministry: its children add up to it, it is not a leaf
                _line("SOC", year, phase, "10", f * k * (40 + 12 + 8)),
                _line(
                    "SOC.CASH",
                    year,
                    phase,
                    "10.9",
                    f * k * 40,
                    parent=f"SOC-{year}",
                    programme="CASH",
                ),
                _line("SOC.PENS", year, phase, "10.2", f * k * 12, parent=f"SOC-{year}"),
                _line("SOC.ADM", year, phase, "10", f * k * 8, parent=f"SOC-{year}"),
                _line("FUEL", year, phase, "04.3", f * k * 30, programme="ENERGY", admin="SUP"),
                _line("EDU", year, phase, "09.2", f * k * 100, programme="EDU", admin="EDU"),
                _line("GEN", year, phase, "01.3", f * k * 50, admin="FIN"),
                # "01" is not under "10", nor "10.2" under "1"
                _line("OTH", year, phase, "01.0", f * k * 7, admin="FIN"),
            ]
    return Budget(lines=budget_lines(rows), currency="DMD", scale=1e6)


POPULATION = ContextSeries(
    name={"en": "Population", "ar": "السكان"}, values={2023: 2e6, 2024: 2.5e6}
)
PRICES = ContextSeries(
    name={"en": "CPI", "ar": "الأسعار"}, base_year=2024, values={2023: 0.8, 2024: 1.0}
)


def test_spending_of_a_right_by_hand() -> None:
    spending = Spending(functions=["10"], programmes=["CASH", "ENERGY"])
    table = right_spending(_budget(), spending, population=POPULATION, prices=PRICES)
    assert table.columns == [
        "year",
        "executed",
        "population",
        "per_person",
        "price_index",
        "per_person_real",
    ]
    rows = {r["year"]: r for r in table.iter_rows(named=True)}
    # 2023, executed leaves: CASH 40 (under 10, and a programme: once), pensions 12,
    # administration 8 (function 10 itself), fuel 30 (programme ENERGY); not the aggregate
    # SOC 60, not education, general services or 01.0. 90 million DMD.
    assert rows[2023]["executed"] == pytest.approx(90e6)
    assert rows[2023]["per_person"] == pytest.approx(90e6 / 2e6)  # 45 DMD a person
    assert rows[2023]["per_person_real"] == pytest.approx(45 * 1.0 / 0.8)  # 56.25 in 2024 prices
    # 2024: everything times 1.5 (135 million) over 2.5 million people, prices of the base year
    assert rows[2024]["executed"] == pytest.approx(135e6)
    assert rows[2024]["per_person"] == pytest.approx(54.0)
    assert rows[2024]["per_person_real"] == pytest.approx(54.0)


def test_a_year_without_population_or_prices_has_no_amount_per_person() -> None:
    population = ContextSeries(name={"en": "P", "ar": "س"}, values={2024: 2.5e6})
    table = right_spending(_budget(), Spending(functions=["09"]), population=population)
    rows = {r["year"]: r for r in table.iter_rows(named=True)}
    assert rows[2023]["executed"] == pytest.approx(100e6)
    assert rows[2023]["per_person"] is None  # nothing carried over from 2024
    assert rows[2024]["per_person"] == pytest.approx(150e6 / 2.5e6)
    assert rows[2024]["per_person_real"] is None  # no price index: nominal only


def test_a_year_with_no_line_serving_the_right_spent_zero() -> None:
    table = right_spending(_budget(), Spending(functions=["07"]), population=POPULATION)
    assert table["executed"].to_list() == [0.0, 0.0]


def test_an_unknown_programme_is_an_error_naming_it() -> None:
    with pytest.raises(BudgetError, match=r"right icescr_11: .*programme\(s\) BREAD"):
        right_spending(_budget(), Spending(programmes=["BREAD"]), right="icescr_11")


def test_spending_goes_through_disclosure_control() -> None:
    table = right_spending(_budget(), Spending(functions=["10"]), population=POPULATION)
    # administrative totals: no count, no CV, so the rules publish them as they are
    assert public_right_spending(table, DisclosureRules(min_count=10**9)).equals(table)
    assert public_right_spending(table, None) is table


def test_the_outcome_beside_the_spending() -> None:
    spending = right_spending(
        _budget(), Spending(functions=["10"]), population=POPULATION, prices=PRICES
    )
    outcome = [
        SeriesPoint(period=2022, value=30.0, se=1.0, ci_low=28.0, ci_high=32.0),
        SeriesPoint(period=2024, value=27.0, se=1.0, ci_low=25.0, ci_high=29.0),
    ]
    table = realisation(outcome, spending)
    assert table["year"].to_list() == [2022, 2023, 2024]
    assert table["value"].to_list() == [30.0, None, 27.0]
    per_person = table["per_person"].to_list()  # 60 million over 2 million, 90 over 2.5
    assert per_person[0] is None and per_person[1:] == pytest.approx([30.0, 36.0])


def test_the_catalogue_refuses_bad_spending_and_prices() -> None:
    with pytest.raises(ValidationError, match="not a COFOG code"):
        Spending(functions=["social"])
    with pytest.raises(ValidationError, match="at least one function or programme"):
        Spending()
    with pytest.raises(ValidationError, match="positive"):
        ContextSeries(name={"en": "P", "ar": "س"}, values={2024: 0.0})
    data = load_catalogue(DEMO_CATALOGUE).model_dump(mode="json")
    data["prices"]["base_year"] = 2030
    with pytest.raises(ValidationError, match="prices: base_year 2030 has no value"):
        Catalogue.model_validate(data)


def test_the_demo_catalogue_maps_rights_to_spending() -> None:
    from insaf.survey.synth.country import trend

    catalogue = load_catalogue(DEMO_CATALOGUE)
    rights = {r.code: r.spending for r in catalogue.human_rights}
    assert rights["icescr_9"] == Spending(functions=["10"], programmes=["CASH"])
    assert rights["icescr_12"] == Spending(functions=["07"])
    assert rights["icescr_13"] == Spending(functions=["09"])
    assert rights["icescr_11"] == Spending(programmes=["BREAD", "ENERGY"])
    assert catalogue.prices is not None and catalogue.population is not None
    # the demo prices are the synthetic country's CPI
    for year, value in catalogue.prices.values.items():
        assert value == pytest.approx(trend(year).cpi)


def test_demo_health_spending_per_person_is_what_the_demo_budget_costs() -> None:
    """The demo budget pays 160 DMD a resident for health in the survey's year
    (``insaf.budget.demo.COST_PER_PERSON``), residents counted on the survey; the demo
    population is the same survey's estimate, so 160 DMD a person comes back."""
    from insaf.budget.demo import COST_PER_PERSON, demo_budget
    from insaf.survey.synth import synthesize

    catalogue = load_catalogue(DEMO_CATALOGUE)
    budget = demo_budget(synthesize(6000, 7, 2024))
    health = next(r for r in catalogue.human_rights if r.code == "icescr_12")
    assert health.spending is not None
    table = right_spending(
        budget, health.spending, population=catalogue.population, prices=catalogue.prices
    )
    latest = table.filter(pl.col("year") == 2024).row(0, named=True)
    assert latest["per_person"] == pytest.approx(COST_PER_PERSON, rel=1e-3)
    assert table["year"].to_list() == list(range(2019, 2025))

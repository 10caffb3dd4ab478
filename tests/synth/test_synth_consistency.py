"""The data follow the published rules in ``survey.policy``: bills equal the
tariff applied to recorded quantities, taxes the brackets, benefits the
programme's rule; totals add up; questions are answered by those asked.

Rules are re-implemented here from the policy parameters (not imported from
the generator), so a change on one side alone fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
import pytest

from insaf.survey import Survey


def _tables(survey: Survey) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    assert survey.households is not None and survey.persons is not None
    return survey.households.frame, survey.persons.frame, survey.items["consumption"].frame


def _rules(survey: Survey) -> Mapping[str, Any]:
    rules: Mapping[str, Any] = survey.policy["instruments"]
    return rules


def _blocks(
    q: float, fixed: float, blocks: Sequence[float | None], prices: Sequence[float]
) -> float:
    """Increasing-block bill, one unit at a time in spirit: each unit at its block's price."""
    total, lower = fixed, 0.0
    for upper, price in zip(blocks, prices, strict=True):
        top = float("inf") if upper is None else float(upper)
        total += price * max(0.0, min(q, top) - lower)
        lower = top
    return total


def _item(items: pl.DataFrame, survey: Survey, name: str) -> pl.DataFrame:
    code = survey.policy["items"][name]
    return items.filter(pl.col("item") == code)


def test_block_helper_by_hand() -> None:
    # 450 kWh under blocks 200/400/600 at 0.06/0.10/0.16 with a fixed 1.50:
    # 1.50 + 200*0.06 + 200*0.10 + 50*0.16 = 1.50 + 12 + 20 + 8 = 41.50
    assert _blocks(450, 1.5, [200, 400, 600, None], [0.06, 0.10, 0.16, 0.22]) == pytest.approx(41.5)


@pytest.mark.parametrize("utility", ["electricity", "water"])
def test_bills_follow_the_tariff(small: Survey, utility: str) -> None:
    _, _, items = _tables(small)
    tariff = _rules(small)[f"{utility}_tariff"]
    rows = _item(items, small, utility)
    assert rows.height > 0
    for q, value, price in rows.select(["quantity", "value", "unit_price"]).iter_rows():
        expected = _blocks(q, tariff["fixed_charge"], tariff["blocks"], tariff["prices"])
        assert value == pytest.approx(expected, abs=0.006)
        assert price == pytest.approx(value / q, abs=1e-4)
    if utility == "electricity":
        assert (rows["quantity"] == rows["quantity"].round(0)).all()  # meters read whole kWh


def test_electricity_only_with_access(small: Survey) -> None:
    hh, _, items = _tables(small)
    users = _item(items, small, "electricity")["hhid"]
    connected = hh.filter(pl.col("electricity") == 1)["hhid"]
    assert users.is_in(connected.implode()).all()


def test_administered_prices_and_bread_quota(small: Survey) -> None:
    hh, _, items = _tables(small)
    rules = _rules(small)
    prices = {
        "bread": rules["bread_subsidy"]["consumer_price"],
        "lpg": rules["lpg_subsidy"]["consumer_price"],
        "gasoline": rules["fuel_prices"]["gasoline"]["consumer_price"],
        "kerosene": rules["fuel_prices"]["kerosene"]["consumer_price"],
        "diesel": rules["fuel_prices"]["diesel"]["consumer_price"],
    }
    for name, price in prices.items():
        rows = _item(items, small, name)
        assert (rows["unit_price"] == price).all(), name
        assert np.allclose(rows["value"], rows["quantity"] * price, atol=0.006), name
    bread = _item(items, small, "bread").join(hh.select(["hhid", "hhsize"]), on="hhid")
    assert bread.height == hh.height  # every household buys subsidised bread
    quota = rules["bread_subsidy"]["quota_kg_per_person"]
    assert (bread["quantity"] <= quota * bread["hhsize"] + 1e-9).all()


def test_items_add_up_to_consumption(small: Survey) -> None:
    hh, _, items = _tables(small)
    food_codes = [
        small.policy["items"][n]
        for n in ("bread", "flour", "rice", "sugar", "cooking_oil", "other_food")
    ]
    sums = items.group_by("hhid").agg(
        pl.col("value").sum().alias("total"),
        pl.col("value").filter(pl.col("item").is_in(food_codes)).sum().alias("food_items"),
    )
    joined = hh.join(sums, on="hhid")
    assert joined.height == hh.height
    assert np.allclose(joined["total"], joined["consumption"], atol=0.005)
    assert np.allclose(joined["food_items"], joined["food"], atol=0.005)
    assert np.allclose(joined["food"] + joined["nonfood"], joined["consumption"], atol=0.005)
    assert (items["value"] > 0).all()
    priced = items.filter(pl.col("quantity").is_not_null())
    assert np.allclose(
        priced["quantity"] * priced["unit_price"], priced["value"], rtol=0.01, atol=0.02
    )


def test_welfare_aggregates(small: Survey) -> None:
    hh, persons, _ = _tables(small)
    assert np.allclose(hh["consumption_pc"], hh["consumption"] / hh["hhsize"], atol=0.005)
    scale = small.policy["equivalence_scale"]
    counts = persons.group_by("hhid").agg(
        (pl.col("age") >= scale["child_below_age"]).sum().alias("adults"),
        (pl.col("age") < scale["child_below_age"]).sum().alias("children"),
    )
    joined = hh.join(counts, on="hhid")
    ae = 1.0 + 0.5 * (joined["adults"] - 1) + 0.3 * joined["children"]
    assert np.allclose(joined["adult_equivalents"], ae)
    assert np.allclose(
        hh["consumption_ae"], hh["consumption"] / hh["adult_equivalents"], atol=0.005
    )
    line = small.policy["poverty_line"]["national"]
    assert np.allclose(hh["poverty_line"], line * hh["price_index"], atol=0.005)


def test_income_identities(small: Survey) -> None:
    hh, persons, _ = _tables(small)
    sources = [
        "wage_income",
        "self_employment_income",
        "pension_income",
        "remittance_income",
        "transfer_income",
    ]
    assert np.allclose(hh.select(sources).sum_horizontal(), hh["income"], atol=0.01)
    assert np.allclose(
        hh["transfer_income"], hh["cash_assistance"] + hh["other_transfers"], atol=0.005
    )
    assert np.allclose(
        hh["disposable_income"],
        hh["income"] - hh["income_tax"] - hh["social_contributions"],
        atol=0.01,
    )
    sums = persons.group_by("hhid").agg(
        pl.col("wage").sum(), pl.col("pension").sum(), pl.col("income_tax").sum()
    )
    joined = hh.join(sums, on="hhid", suffix="_p")
    assert np.allclose(joined["wage_income"], joined["wage"], atol=0.01)
    assert np.allclose(joined["pension_income"], joined["pension"], atol=0.01)
    assert np.allclose(joined["income_tax"], joined["income_tax_p"], atol=0.01)


def test_income_tax_and_contributions_follow_the_rules(small: Survey) -> None:
    _, persons, _ = _tables(small)
    rules = _rules(small)
    tax, contrib = rules["income_tax"], rules["social_contributions"]
    formal = persons.filter(pl.col("employment_status").is_in([1, 2]))
    assert formal.height > 0 and (formal["social_security"] == 1).all()
    for wage, paid, tax_paid in formal.select(
        ["wage", "social_contributions", "income_tax"]
    ).iter_rows():
        assert paid == pytest.approx(
            contrib["employee_rate"] * min(wage, contrib["ceiling_monthly"]), abs=0.006
        )
        taxable = max(12 * (wage - paid) - tax["personal_allowance_annual"], 0.0)
        expected = _blocks(taxable, 0.0, tax["brackets_annual"], tax["rates"]) / 12
        assert tax_paid == pytest.approx(expected, abs=0.006)
    others = persons.filter(~pl.col("employment_status").is_in([1, 2]).fill_null(False))
    assert (others["income_tax"] == 0).all()


def test_income_tax_brackets_by_hand() -> None:
    # 20,000 a year taxable above the allowance: 6000*5% + 6000*10% + 8000*15% = 300+600+1200
    assert _blocks(20_000, 0, [6000, 12000, 24000, None], [0.05, 0.10, 0.15, 0.20]) == 2100


def test_pmt_score_follows_the_published_formula(small: Survey) -> None:
    hh, _, _ = _tables(small)
    pmt = _rules(small)["cash_assistance"]["pmt"]
    score = np.full(hh.height, pmt["intercept"])
    for term in pmt["terms"]:
        x = hh[term["variable"]].to_numpy().astype(float)
        if "in" in term:
            x = np.isin(x, term["in"]).astype(float)
        if term.get("transform") == "log":
            x = np.log(x)
        score += term["coefficient"] * x
    assert np.allclose(hh["pmt_score"], score, atol=1e-4)


def test_cash_assistance_follows_the_programme(large: Survey) -> None:
    hh, _, _ = _tables(large)
    rule = _rules(large)["cash_assistance"]
    amount = rule["amount"]
    paid = hh.filter(pl.col("cash_assistance") > 0)
    expected = np.minimum(
        amount["base"] + amount["per_member"] * np.maximum(paid["hhsize"] - 1, 0), amount["maximum"]
    )
    assert np.allclose(paid["cash_assistance"], expected)
    eligible = hh["pmt_score"].to_numpy() < rule["pmt"]["cutoff"]
    receives = hh["cash_assistance"].to_numpy() > 0
    # take-up below 100 %: eligible households that do not receive
    assert (eligible & ~receives).sum() > 0.1 * eligible.sum()
    # inclusion errors: a few recipients above the cut-off (registration error)
    above = (~eligible & receives).sum()
    assert 0 < above < 0.5 * receives.sum()
    # most recipients are eligible
    assert (eligible & receives).sum() > 0.5 * receives.sum()


def test_disability_is_the_washington_group_cutoff(small: Survey) -> None:
    _, persons, _ = _tables(small)
    domains = ["seeing", "hearing", "walking", "cognition", "selfcare", "communication"]
    asked = persons.filter(pl.col("age") >= 5)
    worst = asked.select(pl.max_horizontal(domains)).to_series()
    assert ((worst >= 3).cast(pl.Int64) == asked["disability"]).all()
    hh, _, _ = _tables(small)
    any_disabled = persons.group_by("hhid").agg((pl.col("disability") == 1).any().alias("d"))
    joined = hh.join(any_disabled, on="hhid")
    assert (joined["has_disabled"] == joined["d"].cast(pl.Int64)).all()


@pytest.mark.parametrize(
    ("column", "asked"),
    [
        ("attending_school", (pl.col("age") >= 6) & (pl.col("age") <= 24)),
        ("literacy", pl.col("age") >= 10),
        ("employment_status", pl.col("age") >= 15),
        ("social_security", pl.col("age") >= 15),
        ("seeing", pl.col("age") >= 5),
        ("disability", pl.col("age") >= 5),
        ("underweight", pl.col("age") < 5),
        ("stunted", pl.col("age") < 5),
        ("age_first_marriage", pl.col("marital_status") != 1),
    ],
)
def test_questions_answered_by_those_asked(small: Survey, column: str, asked: pl.Expr) -> None:
    _, persons, _ = _tables(small)
    flags = persons.select(asked.alias("asked"), pl.col(column).is_not_null().alias("answered"))
    assert (flags["asked"] == flags["answered"]).all()


def test_schooling_is_consistent(small: Survey) -> None:
    _, persons, _ = _tables(small)
    assert (persons["years_schooling"] <= (persons["age"] - 5).clip(0)).all()
    # levels: 0 years none (1), 1-6 primary (2), 7-9 (3), 10-12 (4), 13-14 (5), 15+ (6)
    level = 1 + np.searchsorted([0.5, 6.5, 9.5, 12.5, 14.5], persons["years_schooling"].to_numpy())
    assert np.array_equal(level, persons["education"].to_numpy())
    married = persons.filter(pl.col("age_first_marriage").is_not_null())
    assert (married["age_first_marriage"] <= married["age"].clip(14)).all()

"""The policies in force in the demo country, and the rules that apply them.

``baseline(year)`` returns the parameters as plain data (written to the
manifest's ``policy:`` section, the baseline a policy simulation starts
from). The rule functions below apply those same parameters to the data, so
every recorded bill, tax and benefit follows the published rule exactly.

All money is in demo dinars (DMD) per month unless a key says ``annual``.
Cost prices (what a unit costs the state or the utility) follow consumer
prices; administered prices change only by decision, on the dates below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from insaf.survey.synth.country import CURRENCY, Trend
from insaf.survey.synth.streams import Columns, FloatArray

__all__ = [
    "ITEMS",
    "PMT_FORMULA",
    "baseline",
    "benefit",
    "block_bill",
    "income_tax",
    "pmt_score",
    "social_contributions",
]

# Consumption items: name -> (code, unit code). Units: 1 kg, 2 litre,
# 3 cylinder (12.5 kg), 4 kWh, 5 cubic metre, 6 value only.
ITEMS: dict[str, tuple[int, int]] = {
    "bread": (1, 1),
    "flour": (2, 1),
    "rice": (3, 1),
    "sugar": (4, 1),
    "cooking_oil": (5, 2),
    "other_food": (6, 6),
    "lpg": (7, 3),
    "gasoline": (8, 2),
    "kerosene": (9, 2),
    "diesel": (10, 2),
    "electricity": (11, 4),
    "water": (12, 5),
    "housing": (13, 6),
    "clothing": (14, 6),
    "health": (15, 6),
    "education": (16, 6),
    "transport_communication": (17, 6),
    "other_nonfood": (18, 6),
}
FOOD_ITEMS = ("bread", "flour", "rice", "sugar", "cooking_oil", "other_food")

# The cash assistance programme's proxy-means formula (estimated by the
# ministry on an earlier survey): the score predicts log monthly consumption
# per capita. Terms: (variable, values counted as 1 or None for the value
# itself, transform, coefficient).
PMT_INTERCEPT = 4.41
PMT_FORMULA: tuple[tuple[str, tuple[int, ...] | None, str | None, float], ...] = (
    ("hhsize", None, "log", -0.03),
    ("n_children", None, None, -0.06),
    ("head_sex", (2,), None, -0.11),
    ("head_education", (4,), None, 0.07),
    ("head_education", (5, 6), None, 0.17),
    ("floor", (4, 5), None, -0.27),
    ("rooms", None, "log", 0.17),
    ("water_source", (1,), None, 0.13),
    ("sanitation", (1,), None, 0.10),
    ("fridge", (1,), None, 0.07),
    ("washing_machine", (1,), None, 0.18),
    ("air_conditioner", (1,), None, 0.26),
    ("car", (1,), None, 0.28),
    ("computer", (1,), None, 0.30),
    ("internet", (1,), None, 0.21),
    ("tv", (1,), None, 0.19),
)
PMT_CUTOFF = 4.95


def _indexed(value_2024: float, trend: Trend) -> float:
    return round(value_2024 * trend.cpi, 2)


def baseline(trend: Trend) -> dict[str, Any]:
    """The policy parameters in force in ``trend.year`` (plain data for YAML).

    Context first (currency, prices, the poverty line, the equivalence scale,
    item codes), then ``instruments``: the policies a simulation changes.
    """
    return {
        "currency": dict(CURRENCY),
        "period": "month",
        "prices": {"cpi": round(trend.cpi, 4), "cpi_base_year": 2024},
        "poverty_line": {
            "national": round(126.0 * trend.cpi, 2),
            "unit_of_measure": "DMD per person per month",
            "welfare": "consumption_pc",
            "variable": "poverty_line",
            "spatial": "national line x price index of the household's stratum",
            "comparison": "poor if consumption_pc < poverty_line",
        },
        "equivalence_scale": {
            "name": "OECD-modified",
            "variable": "consumption_ae",
            "head": 1.0,
            "other_adult": 0.5,
            "child": 0.3,
            "child_below_age": 14,
        },
        "items": {name: code for name, (code, _) in ITEMS.items()},
        "instruments": _instruments(trend),
    }


def _instruments(trend: Trend) -> dict[str, Any]:
    year = trend.year
    after = year >= 2022
    return {
        "cash_assistance": {
            "type": "cash_transfer",
            "name": {
                "en": "National Cash Assistance Programme",
                "ar": "البرنامج الوطني للمساعدات النقدية",
            },
            "variable": "cash_assistance",
            "unit": "household",
            "eligibility": f"pmt_score < {PMT_CUTOFF}",
            "pmt": {
                "variable": "pmt_score",
                "intercept": PMT_INTERCEPT,
                "terms": [
                    {
                        "variable": v,
                        **({"in": list(c)} if c else {}),
                        **({"transform": t} if t else {}),
                        "coefficient": b,
                    }
                    for v, c, t, b in PMT_FORMULA
                ],
                "cutoff": PMT_CUTOFF,
            },
            "amount": {
                "base": 40.0 if year >= 2023 else 35.0,
                "per_member": 14.0 if year >= 2023 else 12.0,
                "members_counted_above": 1,
                "maximum": 124.0 if year >= 2023 else 107.0,
            },
            "take_up": 0.8,
            "score_error_sd": 0.12,
        },
        "bread_subsidy": {
            "type": "price_subsidy",
            "item": "bread",
            "consumer_price": 0.40,
            "cost_price": _indexed(1.60, trend),
            "quota_kg_per_person": 10.0,
        },
        "lpg_subsidy": {
            "type": "price_subsidy",
            "item": "lpg",
            "consumer_price": 4.50 if after else 3.50,
            "cost_price": _indexed(9.00, trend),
        },
        "fuel_prices": {
            "type": "administered_prices",
            "gasoline": {
                "consumer_price": 1.05 if after else 0.90,
                "cost_price": _indexed(1.15, trend),
            },
            "kerosene": {
                "consumer_price": 0.55 if after else 0.45,
                "cost_price": _indexed(0.95, trend),
            },
            "diesel": {
                "consumer_price": 0.60 if after else 0.50,
                "cost_price": _indexed(1.00, trend),
            },
        },
        "electricity_tariff": {
            "type": "block_tariff",
            "item": "electricity",
            "unit_of_measure": "kWh per month",
            "fixed_charge": 1.50 if after else 1.00,
            "blocks": [200, 400, 600, 1000, None],
            "prices": [0.06, 0.10, 0.16, 0.22, 0.28] if after else [0.05, 0.09, 0.14, 0.20, 0.26],
            "rule": "each kWh is billed at the price of the block it falls in",
            "cost_price": _indexed(0.17, trend),
        },
        "water_tariff": {
            "type": "block_tariff",
            "item": "water",
            "unit_of_measure": "cubic metres per month",
            "fixed_charge": 2.00,
            "blocks": [10, 20, None],
            "prices": [0.25, 0.55, 1.10],
            "rule": "each cubic metre is billed at the price of the block it falls in",
            "cost_price": _indexed(0.95, trend),
        },
        "income_tax": {
            "type": "income_tax",
            "base": "annual wages of formal employees less their social contributions",
            "personal_allowance_annual": 4800.0,
            "brackets_annual": [6000.0, 12000.0, 24000.0, None],
            "rates": [0.05, 0.10, 0.15, 0.20],
            "withheld": "monthly, 1/12 of the annual tax",
        },
        "social_contributions": {
            "type": "social_contributions",
            "employee_rate": 0.07,
            "employer_rate": 0.12,
            "self_employed_rate": 0.175,
            "ceiling_monthly": 3000.0,
            "contributors": "persons with social_security = 1",
        },
        "vat": {
            "type": "vat",
            "standard_rate": 0.16 if year >= 2021 else 0.14,
            "reduced_rate": 0.05,
            "prices_include_vat": True,
            "rates": {
                **dict.fromkeys(["bread", "flour", "rice", "sugar", "cooking_oil"], "exempt"),
                "other_food": "reduced",
                **dict.fromkeys(["lpg", "kerosene", "diesel", "electricity", "water"], "exempt"),
                **dict.fromkeys(["housing", "health", "education"], "exempt"),
                **dict.fromkeys(
                    ["gasoline", "clothing", "transport_communication", "other_nonfood"],
                    "standard",
                ),
            },
        },
    }


def block_bill(
    quantity: FloatArray, fixed: float, blocks: Sequence[float | None], prices: Sequence[float]
) -> FloatArray:
    """Bill under an increasing-block tariff; zero for a zero quantity (no connection use)."""
    bill = np.zeros_like(quantity, dtype=np.float64)
    lower = 0.0
    for upper, price in zip(blocks, prices, strict=True):  # a few blocks: loop over parameters
        top = np.inf if upper is None else float(upper)
        bill += price * np.clip(quantity - lower, 0.0, top - lower)
        lower = top
    out: FloatArray = np.where(quantity > 0, np.round(bill + fixed, 2), 0.0)
    return out


def income_tax(annual_base: FloatArray, rule: Mapping[str, Any]) -> FloatArray:
    """Annual income tax on ``annual_base`` under the ``income_tax`` parameters."""
    taxable = np.maximum(annual_base - float(rule["personal_allowance_annual"]), 0.0)
    tax: FloatArray = block_bill(taxable, 0.0, rule["brackets_annual"], rule["rates"])
    return tax


def social_contributions(
    wage: FloatArray, self_income: FloatArray, member: FloatArray, rule: Mapping[str, Any]
) -> FloatArray:
    """Monthly contributions of contributors (``member`` = 1): employees on their
    wage, the self-employed on their income, both capped at the ceiling."""
    ceiling = float(rule["ceiling_monthly"])
    employee = rule["employee_rate"] * np.minimum(wage, ceiling)
    own = rule["self_employed_rate"] * np.minimum(self_income, ceiling)
    out: FloatArray = np.round(np.where(wage > 0, employee, own) * member, 2)
    return out


def pmt_score(hh: Columns, pmt: Mapping[str, Any]) -> FloatArray:
    """The programme's score from the household columns and the published formula."""
    score = np.full(len(hh["hhid"]), float(pmt["intercept"]))
    for term in pmt["terms"]:
        x = hh[term["variable"]].astype(np.float64)
        if "in" in term:
            x = np.isin(hh[term["variable"]], term["in"]).astype(np.float64)
        if term.get("transform") == "log":
            x = np.log(x)
        score += float(term["coefficient"]) * x
    out: FloatArray = np.round(score, 4)
    return out


def benefit(hhsize: FloatArray, amount: Mapping[str, Any]) -> FloatArray:
    """Monthly benefit of an enrolled household of ``hhsize`` members."""
    extra = np.maximum(hhsize - float(amount["members_counted_above"]), 0.0)
    value = float(amount["base"]) + float(amount["per_member"]) * extra
    out: FloatArray = np.minimum(value, float(amount["maximum"]))
    return out

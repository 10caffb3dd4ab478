"""Consumption by item, consistent with the household's total.

Items with administered prices are driven by quantities: subsidised bread
(kg, within the quota), LPG cylinders, gasoline, kerosene, diesel,
electricity (kWh, billed under the block tariff) and piped water (m3, billed
under its tariff); their values are the quantities at the policy's prices.
The rest of the budget is shared among the other items by Engel curves (the
food share falls with welfare) with household noise. Every value is
rounded to 0.01 and the household's total is the sum of its items, so
``consumption`` equals the sum of the item table exactly (to rounding).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from insaf.survey.synth.country import Trend
from insaf.survey.synth.policy import FOOD_ITEMS, ITEMS, block_bill
from insaf.survey.synth.streams import Columns, FloatArray

__all__ = ["MARKET_PRICES", "items"]

MARKET_PRICES = {"flour": 0.90, "rice": 1.60, "sugar": 1.10, "cooking_oil": 2.20}
"""National average prices in 2024 (per kg or litre), before the area's price level."""
_ENGEL: dict[str, tuple[float, float]] = {
    # item: (log weight at x = 0, slope in x); other terms added in ``_shares``
    "flour": (-4.3, -0.4),
    "rice": (-3.6, -0.3),
    "sugar": (-4.0, -0.5),
    "cooking_oil": (-3.9, -0.4),
    "other_food": (-1.35, -0.35),
    "housing": (-3.5, 0.0),
    "clothing": (-2.8, 0.0),
    "health": (-3.2, 0.2),
    "education": (-3.3, 0.3),
    "transport_communication": (-2.2, 0.3),
    "other_nonfood": (-1.6, 0.3),
}
MAX_ADMINISTERED_SHARE = 0.5


def _administered(
    hh: Columns, x: FloatArray, policy: Mapping[str, Any], rng: np.random.Generator
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Quantities of the items with administered prices (before any scaling)."""
    n = len(x)
    size = hh["hhsize"].astype(np.float64)
    urban = hh["urban"] == 1
    rural = ~urban
    bread = policy["bread_subsidy"]
    per_person = np.clip(
        7.0 - 1.6 * x - 0.8 * urban + rng.normal(0, 1.2, n), 1.0, bread["quota_kg_per_person"]
    )
    q: dict[str, FloatArray] = {"bread": per_person * size}
    lpg = (1.0 + 0.22 * size + 0.5 * rural + rng.normal(0, 0.3, n)) * (hh["cooking_fuel"] == 1)
    heater = (hh["cooking_fuel"] != 1) & (rng.uniform(size=n) < 0.3)
    q["lpg"] = np.maximum(lpg, 0.5 * heater)
    car = np.exp(np.log(70.0) + 0.5 * x + rng.normal(0, 0.4, n)) * hh["car"]
    q["gasoline"] = car + 18.0 * hh["motorcycle"]
    heating = rural & (rng.uniform(size=n) < 0.25) & (x < 0.3)
    q["kerosene"] = 25.0 * (hh["cooking_fuel"] == 4) + 15.0 * heating
    q["diesel"] = 30.0 * (rng.uniform(size=n) < np.where(rural, 0.12, 0.03)).astype(np.float64)
    kwh = np.exp(np.log(150.0) + 0.35 * x + 0.35 * np.log(size) + rng.normal(0, 0.3, n))
    kwh += 220.0 * hh["air_conditioner"] + 45.0 * hh["fridge"] + 15.0 * hh["washing_machine"]
    q["electricity"] = kwh * hh["electricity"]
    m3 = np.exp(np.log(3.2) + 0.8 * np.log(size) + 0.2 * x + rng.normal(0, 0.25, n))
    q["water"] = m3 * np.isin(hh["water_source"], [1, 2])
    prices = {
        "bread": bread["consumer_price"],
        "lpg": policy["lpg_subsidy"]["consumer_price"],
        **{k: v["consumer_price"] for k, v in policy["fuel_prices"].items() if k != "type"},
    }
    return q, {k: np.full(n, float(v)) for k, v in prices.items()}


def _values(
    q: dict[str, FloatArray], prices: dict[str, FloatArray], policy: Mapping[str, Any]
) -> dict[str, FloatArray]:
    decimals = {"electricity": 0, "water": 1}
    for name in q:
        q[name] = np.round(q[name], decimals.get(name, 1))
    values = {name: np.round(q[name] * prices[name], 2) for name in prices}
    for name in ("electricity", "water"):
        tariff = policy[f"{name}_tariff"]
        values[name] = block_bill(
            q[name], tariff["fixed_charge"], tariff["blocks"], tariff["prices"]
        )
    return values


def _shares(hh: Columns, x: FloatArray, rng: np.random.Generator) -> dict[str, FloatArray]:
    n = len(x)
    rural = hh["urban"] == 0
    raw = {}
    for name, (a, b) in _ENGEL.items():  # a loop over items, not rows
        raw[name] = a + b * x + rng.normal(0, 0.25, n)
    raw["flour"] = raw["flour"] + 1.0 * rural
    raw["other_food"] = raw["other_food"] + 0.15 * rural
    raw["housing"] = raw["housing"] + 1.7 * (hh["tenure"] == 2)
    raw["health"] = raw["health"] + 0.5 * (hh["chronic_members"] > 0)
    students = hh["students"]
    raw["education"] = np.where(students > 0, raw["education"] + 0.3 * np.log1p(students), -9.0)
    weights = {k: np.exp(v) for k, v in raw.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def items(
    hh: Columns,
    x: FloatArray,
    total: FloatArray,
    trend: Trend,
    policy: Mapping[str, Any],
    rng: np.random.Generator,
) -> Columns:
    """The item table; adds ``food``, ``nonfood`` and ``consumption`` to ``hh``.

    ``total`` is the nominal consumption the items should add up to;
    ``policy`` holds the instruments (prices and tariffs) in force.
    """
    n = len(x)
    q, prices = _administered(hh, x, policy, rng)
    values = _values(q, prices, policy)
    spent = sum(values.values())
    scale = np.minimum(1.0, MAX_ADMINISTERED_SHARE * total / np.maximum(spent, 1e-9))
    if np.any(scale < 1.0):
        q = {k: v * scale for k, v in q.items()}
        values = _values(q, prices, policy)
        spent = sum(values.values())
    for name in ("electricity", "water"):  # the average price paid under the tariff
        used = q[name] > 0
        prices[name] = np.where(used, np.round(values[name] / np.where(used, q[name], 1), 4), 0)
    rest = np.maximum(total - spent, 0.0)
    level = hh["price_index"] * trend.cpi
    for name, share in _shares(hh, x, rng).items():
        values[name] = np.round(share * rest, 2)
        if name in MARKET_PRICES:
            prices[name] = np.round(MARKET_PRICES[name] * level * np.exp(rng.normal(0, 0.06, n)), 3)
            q[name] = np.round(values[name] / prices[name], 3)

    names = list(ITEMS)
    value = np.stack([values[k] for k in names], axis=1)
    quantity = np.stack([q.get(k, np.full(n, np.nan)) for k in names], axis=1)
    unit_price = np.stack([prices.get(k, np.full(n, np.nan)) for k in names], axis=1)
    keep = (value > 0).ravel()  # row-major: sorted by household, then item
    code = np.array([ITEMS[k][0] for k in names], dtype=np.int64)
    unit = np.array([ITEMS[k][1] for k in names], dtype=np.int64)
    food = np.isin(names, FOOD_ITEMS)
    hh["food"] = np.round(value[:, food].sum(axis=1), 2)
    hh["consumption"] = np.round(value.sum(axis=1), 2)
    hh["nonfood"] = np.round(hh["consumption"] - hh["food"], 2)
    return {
        "hh_index": np.repeat(np.arange(n, dtype=np.int64), len(names))[keep],
        "item": np.tile(code, n)[keep],
        "quantity": quantity.ravel()[keep],
        "unit": np.tile(unit, n)[keep],
        "unit_price": unit_price.ravel()[keep],
        "value": value.ravel()[keep],
    }

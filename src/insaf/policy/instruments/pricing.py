"""How price instruments combine into consumer prices, welfare and fiscal effects.

For one item bought by household ``h`` (``q0`` units at the observed unit
price ``p0``, both from the consumption table), in a policy state::

    x   = x0 * (1 + sum change_rate) + sum change_per_unit      producer price
    b   = x + sum unit wedges                                   (subsidy per unit < 0, excise > 0)
    pre = b * (1 + sum ad_valorem)                              (subsidy rate < 0, excise rate > 0)
    p   = pre * (1 + vat)                                       consumer price

so that ``p = x0 + sum_i wedge_i`` with one additive wedge per instrument:
``x0 * change_rate`` or ``change_per_unit``, ``unit``, ``ad_valorem * b``,
``vat * pre``. An item under a block tariff instead has ``p = bill(q)/q * (1 +
vat)`` and the tariff's wedge is ``bill(q)/q - x0``.

The reference producer price ``x0`` is what makes the baseline price equal the
observed one: ``x0 = ((p0 / ((1 + A)(1 + vat)) - U) - dp) / (1 + r)`` with the
baseline's sums ``A``, ``U``, ``dp``, ``r``; for an item under a block tariff
in the baseline ``x0`` is the tariff's ``cost_price``.

From the baseline to a reform, with ``dp = p_R(q0) - p_B(q0)``:

- quantity: ``q1 = q0 * max(0, 1 + e * dp / p_B)`` with the item's own-price
  elasticity ``e`` (``q1 = q0`` without one);
- welfare effect (money per period, the trapezoid of consumer surplus; first
  order ``-q0 * dp`` when ``e`` is 0): ``-dp * (q0 + q1) / 2``, split exactly
  among instruments as ``-(wedge_R,i - wedge_B,i) * (q0 + q1) / 2``;
- fiscal flow of each instrument in each state, at that state's quantity:
  ``cost_i = -wedge_i * q`` (a subsidy's cost, a tax's revenue as a negative
  cost), except a price change (no flow) and a tariff (``(cost_price -
  bill(q)/q) * q``); the household's *benefit* used for incidence is
  ``-wedge_i * q``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from insaf.policy.instruments.base import FloatArray, Term

__all__ = ["ItemPrices", "ItemSource", "PriceResult", "price_effects"]


class ItemSource(Protocol):
    """What pricing reads from the data: quantities and observed unit prices per household."""

    def quantity(self, item: str) -> FloatArray: ...

    def price(self, item: str) -> FloatArray: ...


@dataclass(eq=False)
class ItemPrices:
    """One item in one state at given quantities: price and, per instrument, wedge and cost."""

    price: FloatArray
    wedge: dict[str, FloatArray] = field(default_factory=dict)
    cost: dict[str, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class PriceResult:
    """Per instrument id: ``benefit`` and ``cost`` per household in this state, and the
    welfare ``effect`` against the baseline; per item, the quantity bought and the
    welfare effect of its price change (``item_effect``, all instruments together)."""

    benefit: Mapping[str, FloatArray]
    cost: Mapping[str, FloatArray]
    effect: Mapping[str, FloatArray]
    quantity: Mapping[str, FloatArray]
    item_effect: Mapping[str, FloatArray] = field(default_factory=dict)


def _by_item(terms: Sequence[Term]) -> dict[str, list[Term]]:
    out: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        out[term.item].append(term)
    return out


def _sum(terms: Sequence[Term], role: str) -> float:
    return float(sum(t.value for t in terms if t.role == role))


def reference_price(terms: Sequence[Term], p0: FloatArray) -> FloatArray:
    """``x0``: the producer price that reproduces the observed price under ``terms``."""
    for term in terms:
        if term.tariff is not None:
            return np.full_like(p0, term.tariff.cost_price)
    a, v = _sum(terms, "ad_valorem"), _sum(terms, "vat")
    u, r, dp = _sum(terms, "unit"), _sum(terms, "change_rate"), _sum(terms, "change_unit")
    out: FloatArray = ((p0 / ((1.0 + a) * (1.0 + v)) - u) - dp) / (1.0 + r)
    return out


def _add(target: dict[str, FloatArray], key: str, value: FloatArray) -> None:
    target[key] = target[key] + value if key in target else value


def item_prices(terms: Sequence[Term], x0: FloatArray, q: FloatArray) -> ItemPrices:
    """Consumer price and each instrument's wedge and cost per unit, at quantity ``q``."""
    out = ItemPrices(price=x0)
    vat = [t for t in terms if t.role == "vat"]
    tariff = next((t for t in terms if t.tariff is not None), None)
    if tariff is not None and tariff.tariff is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            average = np.where(q > 0.0, tariff.tariff.bill(q) / q, x0)
        out.wedge[tariff.instrument] = average - x0
        out.cost[tariff.instrument] = tariff.tariff.cost_price - average
        pre = average
    else:
        x = x0.copy()
        for t in terms:
            if t.role == "change_rate":
                _add(out.wedge, t.instrument, x0 * t.value)
                x = x + x0 * t.value
            elif t.role == "change_unit":
                _add(out.wedge, t.instrument, np.full_like(x0, t.value))
                x = x + t.value
        b = x.copy()
        for t in terms:
            if t.role == "unit":
                _add(out.wedge, t.instrument, np.full_like(x0, t.value))
                _add(out.cost, t.instrument, np.full_like(x0, -t.value))
                b = b + t.value
        pre = b.copy()
        for t in terms:
            if t.role == "ad_valorem":
                _add(out.wedge, t.instrument, b * t.value)
                _add(out.cost, t.instrument, -b * t.value)
                pre = pre + b * t.value
    price = pre
    for t in vat:
        _add(out.wedge, t.instrument, pre * t.value)
        _add(out.cost, t.instrument, -pre * t.value)
        price = price + pre * t.value
    out.price = price
    return out


def price_effects(
    state: Sequence[Term],
    baseline: Sequence[Term],
    data: ItemSource,
    elasticities: Mapping[str, float],
    *,
    is_baseline: bool = False,
) -> PriceResult:
    """Benefits, costs and welfare effects of the price instruments of ``state``."""
    benefit: dict[str, FloatArray] = {}
    cost: dict[str, FloatArray] = {}
    effect: dict[str, FloatArray] = {}
    quantity: dict[str, FloatArray] = {}
    item_effect: dict[str, FloatArray] = {}
    base_terms, state_terms = _by_item(baseline), _by_item(state)
    for item in sorted(set(base_terms) | set(state_terms)):
        q0, p0 = data.quantity(item), data.price(item)
        x0 = reference_price(base_terms.get(item, []), p0)
        before = item_prices(base_terms.get(item, []), x0, q0)
        if is_baseline:
            after, q1 = before, q0
        else:
            after = item_prices(state_terms.get(item, []), x0, q0)
            q1 = q0
            e = elasticities.get(item)
            if e:
                with np.errstate(divide="ignore", invalid="ignore"):
                    change = np.where(before.price > 0, after.price / before.price - 1.0, 0.0)
                q1 = q0 * np.maximum(1.0 + e * change, 0.0)
            middle = 0.5 * (q0 + q1)
            zero = np.zeros_like(q0)
            for key in set(after.wedge) | set(before.wedge):
                delta = after.wedge.get(key, zero) - before.wedge.get(key, zero)
                _add(effect, key, -delta * middle)
                _add(item_effect, item, -delta * middle)
            tariffed = any(t.tariff is not None for t in state_terms.get(item, []))
            if tariffed and q1 is not q0:
                after = item_prices(state_terms.get(item, []), x0, q1)
        quantity[item] = q1
        for key in {t.instrument for t in state_terms.get(item, [])}:
            zero = np.zeros_like(q1)
            _add(benefit, key, -after.wedge.get(key, zero) * q1)
            _add(cost, key, after.cost.get(key, zero) * q1)
    return PriceResult(
        benefit=benefit, cost=cost, effect=effect, quantity=quantity, item_effect=item_effect
    )

"""Household incomes by source, direct taxes and social contributions.

Person earnings (``labour``) are summed to households by ``np.bincount``.
Remittances go mostly to households whose husband works abroad and to some
regions; other transfers (zakat, charity, and an agency's cash aid to
refugees) to refugees and some poorer households. Income tax and employee
social contributions follow the baseline rules in ``policy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from insaf.survey.synth.country import Trend, governorate_array
from insaf.survey.synth.policy import income_tax, social_contributions
from insaf.survey.synth.streams import Columns, FloatArray, logistic

__all__ = ["household_incomes", "taxes"]


def taxes(persons: Columns, policy: Mapping[str, Any]) -> None:
    """Add monthly ``social_contributions`` and ``income_tax`` to ``persons``."""
    member = (persons["social_security"] == 1).astype(np.float64)
    contributions = social_contributions(
        persons["wage"],
        persons["self_employment_income"],
        member,
        policy["instruments"]["social_contributions"],
    )
    formal = (persons["employment_status"] == 1) | (persons["employment_status"] == 2)
    employee_part = np.where(persons["wage"] > 0, contributions, 0.0)
    annual = 12.0 * (persons["wage"] - employee_part)
    tax = np.where(formal, income_tax(annual, policy["instruments"]["income_tax"]) / 12.0, 0.0)
    persons["social_contributions"] = contributions
    persons["income_tax"] = np.round(tax, 2)


def household_incomes(
    persons: Columns, hh: Columns, standing: FloatArray, trend: Trend, rng: np.random.Generator
) -> None:
    """Add incomes by source (without the cash assistance) to ``hh``."""
    n = len(hh["hhid"])
    index = persons["hh_index"]

    def total(column: str) -> FloatArray:
        out: FloatArray = np.round(np.bincount(index, weights=persons[column], minlength=n), 2)
        return out

    hh["wage_income"] = total("wage")
    hh["self_employment_income"] = total("self_employment_income")
    hh["pension_income"] = total("pension")
    hh["income_tax"] = total("income_tax")
    hh["social_contributions"] = total("social_contributions")

    rural = hh["urban"] == 0
    refugee = hh["nationality"] == 2
    abroad = hh["spouse_abroad"] == 1
    region = governorate_array("remittances")[hh["governorate"]]
    p = logistic(-2.7 + 3.2 * abroad + region + 0.3 * rural - 0.5 * refugee - 0.2 * standing)
    receives = rng.uniform(size=n) < p
    amount = np.exp(np.log(170.0) + 0.6 * abroad + rng.normal(0.0, 0.6, n)) * trend.nominal
    hh["remittance_income"] = np.where(receives, np.round(amount, 2), 0.0)

    female_head = hh["head_sex"] == 2
    p_aid = np.where(refugee, 0.45, logistic(-3.6 - 0.6 * standing + 0.8 * female_head))
    aid = rng.uniform(size=n) < p_aid
    per_head = np.where(refugee, 14.0, 12.0) * hh["hhsize"] ** 0.8
    amount = per_head * np.exp(rng.normal(0.0, 0.3, n)) * trend.cpi
    hh["other_transfers"] = np.where(aid, np.round(amount, 2), 0.0)

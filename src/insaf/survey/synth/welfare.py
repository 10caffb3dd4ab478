"""Household welfare: socio-economic standing, consumption before the cash
assistance, and the programme that pays it.

Consumption per capita, in real terms (2024 national prices), is a
log-linear function of disposable income per capita (elasticity 0.55: the
poor consume more than they report earning, the rich save), urban residence,
region and standing, with a household-specific residual. The cash
assistance is added in full to consumption. Money is then nominal: real
values times the year's CPI and the stratum's price level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from insaf.survey.synth.country import Trend, governorate_array
from insaf.survey.synth.policy import benefit, pmt_score
from insaf.survey.synth.streams import Columns, FloatArray

__all__ = ["REFERENCE", "assistance", "consumption_before_assistance", "standing"]

REFERENCE = 200.0
"""Real consumption per capita (2024 DMD a month) at which ``log_welfare`` is 0."""
ELASTICITY = 0.55
INTERCEPT = 2.795
RESIDUAL_SD = 0.23
INCOME_FLOOR = 35.0


def standing(hh: Columns, rng: np.random.Generator) -> FloatArray:
    """Socio-economic standing (mean 0, sd 1): the EA's effect plus the household's own."""
    own = rng.normal(0.0, np.sqrt(1.0 - 0.45**2), len(hh["hhid"]))
    out: FloatArray = hh["ea_effect"] + own
    return out


def consumption_before_assistance(
    hh: Columns, z: FloatArray, trend: Trend, rng: np.random.Generator
) -> FloatArray:
    """Real consumption per capita before the cash assistance (2024 national prices)."""
    disposable = (
        hh["wage_income"]
        + hh["self_employment_income"]
        + hh["pension_income"]
        + hh["remittance_income"]
        + hh["other_transfers"]
        - hh["income_tax"]
        - hh["social_contributions"]
    )
    size = hh["hhsize"].astype(np.float64)
    real_pc = disposable / (size * hh["price_index"] * trend.cpi)
    region = governorate_array("welfare")[hh["governorate"]]
    log_c = (
        INTERCEPT
        + (1.0 - ELASTICITY) * np.log(trend.real)
        + ELASTICITY * np.log(np.maximum(real_pc, 0.0) + INCOME_FLOOR)
        - 0.12 * np.log(size)
        + 0.10 * hh["urban"]
        + 0.5 * region
        + 0.08 * z
        + rng.normal(0.0, RESIDUAL_SD, len(size))
    )
    out: FloatArray = np.exp(log_c)
    return out


def assistance(hh: Columns, policy: Mapping[str, Any], rng: np.random.Generator) -> None:
    """Add ``pmt_score`` and ``cash_assistance`` to ``hh``.

    The programme enrols households whose score, as recorded at registration
    (the survey's score plus an error: outdated or misreported answers), is
    below the cut-off, and of those a share ``take_up`` has applied. This
    gives the exclusion and inclusion errors real programmes have.
    """
    rule = policy["instruments"]["cash_assistance"]
    score = pmt_score(hh, rule["pmt"])
    n = len(score)
    recorded = score + rng.normal(0.0, float(rule["score_error_sd"]), n)
    enrolled = (recorded < float(rule["pmt"]["cutoff"])) & (
        rng.uniform(size=n) < float(rule["take_up"])
    )
    hh["pmt_score"] = score
    amount = benefit(hh["hhsize"].astype(np.float64), rule["amount"])
    hh["cash_assistance"] = np.where(enrolled, amount, 0.0)
    hh["transfer_income"] = np.round(hh["cash_assistance"] + hh["other_transfers"], 2)

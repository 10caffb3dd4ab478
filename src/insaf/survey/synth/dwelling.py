"""Dwelling, utilities and assets: the proxies of a proxy-means test and the
living-standard indicators of a multidimensional poverty index.

Each characteristic depends on the household's welfare ``x`` (log real
consumption per capita before the cash assistance, relative to 200 a month),
its standing, urban residence and the year ``t`` (years since 2024: access
to electricity and water, and ownership of modern assets, improve with time).
"""

from __future__ import annotations

import numpy as np

from insaf.survey.synth.country import Trend
from insaf.survey.synth.streams import Columns, FloatArray, IntArray, categorical, logistic

__all__ = ["ASSETS", "COOKING_FUEL", "SANITATION", "WATER_SOURCE", "dwelling"]

WATER_SOURCE = {
    "piped_dwelling": 1,
    "piped_yard": 2,
    "public_tap": 3,
    "protected_well": 4,
    "tanker": 5,
    "bottled": 6,
    "unprotected_well": 7,
    "surface": 8,
}
SANITATION = {"sewer": 1, "septic": 2, "pit_slab": 3, "pit_open": 4, "bucket": 5, "none": 6}
COOKING_FUEL = {
    "lpg": 1,
    "natural_gas": 2,
    "electricity": 3,
    "kerosene": 4,
    "wood": 5,
    "charcoal": 6,
    "dung": 7,
}
# Asset: (intercept, welfare, urban, year, rural-only)
ASSETS: dict[str, tuple[float, float, float, float]] = {
    "tv": (3.0, 1.2, 0.3, 0.05),
    "radio": (-0.9, 0.3, -0.2, -0.15),
    "fridge": (2.4, 1.5, 0.4, 0.08),
    "washing_machine": (1.2, 1.4, 0.3, 0.10),
    "air_conditioner": (-1.2, 1.6, 0.5, 0.12),
    "computer": (-1.2, 1.8, 0.6, 0.10),
    "mobile_phone": (3.3, 1.2, 0.3, 0.20),
    "internet": (0.5, 1.5, 0.8, 0.20),
    "car": (-1.3, 1.6, 0.0, 0.05),
    "motorcycle": (-2.6, 0.3, -0.7, 0.0),
    "bicycle": (-2.0, 0.2, -0.3, 0.0),
}
_NEEDS_POWER = ("fridge", "washing_machine", "air_conditioner", "computer", "internet")


def _ordered_quality(
    latent: FloatArray,
    cuts: list[float],
    worst_first: list[int],
    good: list[int],
    rng: np.random.Generator,
) -> IntArray:
    """Worst codes below the cuts, then one of the ``good`` codes at random."""
    n = len(latent)
    band = np.searchsorted(np.asarray(cuts), latent)
    good_codes = np.asarray(good)[rng.integers(0, len(good), n)]
    codes = np.asarray([*worst_first, 0])[band]
    out: IntArray = np.where(band == len(cuts), good_codes, codes).astype(np.int64)
    return out


def _housing(hh: Columns, x: FloatArray, z: FloatArray, t: float, rng: np.random.Generator) -> None:
    n = len(x)
    urban = hh["urban"] == 1
    refugee = hh["nationality"] == 2
    foreign = hh["nationality"] == 3
    p_rent = logistic(-2.3 + 1.3 * urban + 1.6 * refugee + 2.0 * foreign - 0.2 * x)
    u = rng.uniform(size=n)
    hh["tenure"] = np.select([u < p_rent, u < p_rent + 0.05], [2, 3], 1).astype(np.int64)

    quality = 1.1 * x + 0.9 * urban + 0.4 * z - 0.6 * refugee + 0.06 * t + rng.normal(0, 1, n)
    # Codes: wall 1 concrete, 2 stone, 3 brick, 4 mud, 5 makeshift;
    # roof 1 concrete, 2 metal, 3 wood/tiles, 4 mud/thatch, 5 tent/plastic;
    # floor 1 tiles, 2 cement, 3 carpet/vinyl, 4 wood planks, 5 earth/sand.
    noise = rng.normal(0, 0.5, (3, n))
    hh["wall"] = _ordered_quality(quality + noise[0], [-2.9, -2.3], [5, 4], [1, 1, 1, 1, 2, 3], rng)
    hh["roof"] = _ordered_quality(
        quality + noise[1], [-2.9, -2.4, -1.9], [5, 4, 2], [1, 1, 1, 1, 3], rng
    )
    hh["floor"] = _ordered_quality(quality + noise[2], [-2.4, -2.0], [5, 4], [1, 1, 2, 2, 3], rng)

    size = hh["hhsize"].astype(np.float64)
    lam = np.exp(np.log(1.5) + 0.35 * x + 0.25 * np.log(size) + 0.15 * ~urban)
    rooms = np.clip(1 + rng.poisson(lam), 1, 10).astype(np.int64)
    hh["rooms"] = rooms
    hh["persons_per_room"] = np.round(size / rooms, 2)
    hh["overcrowded"] = (size / rooms >= 3.0).astype(np.int64)


def _utilities(hh: Columns, x: FloatArray, t: float, rng: np.random.Generator) -> None:
    n = len(x)
    urban = hh["urban"] == 1
    rural = ~urban
    dry = np.isin(hh["governorate"], [5, 10, 11])
    power = rng.uniform(size=n) < logistic(2.2 + 3.5 * urban + 0.8 * x + 0.12 * t)
    hh["electricity"] = power.astype(np.int64)

    s = np.empty((n, 8))
    s[:, 0] = 1.0 + 2.2 * urban + 0.8 * x + 0.12 * t
    s[:, 1] = 0.2 + 0.2 * rural
    s[:, 2] = -0.8 - 0.3 * x
    s[:, 3] = -1.2 + 1.0 * rural
    s[:, 4] = -1.2 + 1.2 * dry
    s[:, 5] = -2.6 + 0.8 * x + 1.0 * urban
    s[:, 6] = -1.5 + 0.8 * rural - 0.6 * x - 0.12 * t
    s[:, 7] = -3.0 + 0.8 * rural - 0.6 * x - 0.12 * t
    source = 1 + categorical(rng, s)
    hh["water_source"] = source
    hh["water_improved"] = (source <= 6).astype(np.int64)
    away = np.isin(source, [3, 4, 7, 8])
    minutes = np.round(np.exp(np.log(np.where(urban, 10.0, 20.0)) + rng.normal(0, 0.7, n)))
    hh["water_minutes"] = np.where(away, np.maximum(minutes, 1), 0).astype(np.int64)

    s = np.empty((n, 6))
    s[:, 0] = -0.5 + 3.0 * urban + 0.7 * x + 0.05 * t
    s[:, 1] = 1.0 + 0.3 * x
    s[:, 2] = 0.2 + 0.6 * rural
    s[:, 3] = -0.8 + 0.6 * rural - 0.6 * x - 0.1 * t
    s[:, 4] = -3.5 + 0.5 * rural - 0.5 * x
    s[:, 5] = -3.2 + 1.0 * rural - 0.8 * x - 0.12 * t
    sanitation = 1 + categorical(rng, s)
    shared = rng.uniform(size=n) < logistic(-2.8 - 0.5 * x + 1.0 * (hh["nationality"] == 2))
    hh["sanitation"] = sanitation
    hh["sanitation_shared"] = np.where(sanitation == 6, 0, shared).astype(np.int64)
    hh["sanitation_improved"] = ((sanitation <= 3) & ~shared).astype(np.int64)

    s = np.empty((n, 7))
    s[:, 0] = 2.5 + np.zeros(n)
    s[:, 1] = -1.5 + 1.3 * urban + 1.0 * (hh["governorate"] == 1) + 0.5 * x
    s[:, 2] = np.where(power, -3.0 + 0.5 * x + 1.0 * urban, -np.inf)
    s[:, 3] = -1.4 - 0.5 * x - 0.1 * t
    s[:, 4] = -1.2 + 1.8 * rural - 1.0 * x - 0.15 * t - 2.0 * urban
    s[:, 5] = -3.5 + 0.5 * rural
    s[:, 6] = -2.2 + 1.3 * rural - 1.0 * x - 0.15 * t - 2.0 * urban
    hh["cooking_fuel"] = 1 + categorical(rng, s)


def _assets(hh: Columns, x: FloatArray, z: FloatArray, t: float, rng: np.random.Generator) -> None:
    n = len(x)
    urban = hh["urban"].astype(np.float64)
    power = hh["electricity"] == 1
    for name, (a, b, c, d) in ASSETS.items():  # a loop over assets, not rows
        p = logistic(a + b * x + c * urban + d * t + 0.3 * z)
        owned = rng.uniform(size=n) < p
        if name in _NEEDS_POWER:
            owned &= power
        hh[name] = owned.astype(np.int64)
    rural = 1.0 - urban
    livestock = logistic(-3.6 + 2.6 * rural - 0.2 * x)
    land = logistic(-3.6 + 3.0 * rural + 0.4 * x + 0.2 * z)
    hh["livestock"] = (rng.uniform(size=n) < livestock).astype(np.int64)
    hh["agricultural_land"] = (rng.uniform(size=n) < land).astype(np.int64)


def dwelling(
    hh: Columns, x: FloatArray, z: FloatArray, trend: Trend, seed_rng: np.random.Generator
) -> None:
    """Add tenure, materials, rooms, overcrowding, water, sanitation, electricity,
    cooking fuel and assets to ``hh``."""
    t = trend.t
    _housing(hh, x, z, t, seed_rng)
    _utilities(hh, x, t, seed_rng)
    _assets(hh, x, z, t, seed_rng)

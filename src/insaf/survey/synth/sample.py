"""The sampling frame and the two-stage stratified cluster design.

Frame: every governorate x urban/rural stratum is cut into enumeration areas
(EAs, مناطق العد) whose census household counts are the measures of size.
The frame depends on the seed only, so it is the same in every survey year;
each EA's current number of households drifts slowly away from its census
count.

Design, stratum by stratum (``h``):

1. Allocation: ``N_h`` responding households, power allocation
   ``N_h ~ H_h ** p`` (``p`` = 0.7 for ordinary samples, rising to 1,
   proportional, for very large ones), at least 2 per stratum.
2. First stage: ``n_h`` EAs (at least 2, at most 45 % of the stratum's EAs)
   by systematic sampling with probability proportional to census size:
   ``pi_i = n_h * size_i / sum(size_h)``.
3. Second stage: a fixed take of ``k_h`` households out of the ``M_i``
   listed in the EA, by simple random sampling.
4. Unit non-response at random within the stratum (the rate is a property of
   the stratum); the first household drawn in each EA always responds.
5. Weights: ``M_i / (pi_i * k_h)``, times the non-response adjustment
   (issued over responding base weights, by stratum), times a calibration
   factor to the stratum's current number of households, so the weights sum
   to the household population exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from insaf.errors import DesignError, said
from insaf.survey.synth.country import CENSUS_YEAR, GOVERNORATES, Trend
from insaf.survey.synth.streams import Columns, FloatArray, IntArray, stream

__all__ = [
    "EA_SIZE",
    "MAX_SAMPLE_SHARE",
    "MIN_HOUSEHOLDS",
    "Frame",
    "Sample",
    "allocate",
    "build_frame",
    "draw_sample",
    "stratum_code",
]

MIN_HOUSEHOLDS = 100
MAX_SAMPLE_SHARE = 0.2
"""The largest sample, as a share of the country's households."""
EA_SIZE = {1: 130.0, 0: 95.0}
"""Mean census households per EA, urban (1) and rural (0)."""
MAX_EA_SHARE = 0.45
"""At most this share of a stratum's EAs is selected (keeps PPS probabilities below 1)."""
NONRESPONSE = {1: 0.08, 0: 0.04}
CAPITAL_NONRESPONSE = 0.12


def stratum_code(governorate: int, urban: int) -> int:
    """Stratum code: governorate x 10 + 1 (urban) or 2 (rural); e.g. 51 = Al-Hudud urban."""
    return governorate * 10 + (1 if urban else 2)


@dataclass(frozen=True, slots=True)
class Frame:
    """Enumeration areas, sorted by stratum; per-stratum arrays in stratum order."""

    strata: IntArray
    governorate_of: IntArray
    urban_of: IntArray
    start: IntArray
    count: IntArray
    stratum: IntArray
    """Stratum position (0..S-1) of each EA."""
    serial: IntArray
    size: FloatArray
    drift: FloatArray
    effect: FloatArray
    refugee: FloatArray

    def listed(self, trend: Trend) -> FloatArray:
        """Households living in each EA in ``trend.year``."""
        years = trend.year - CENSUS_YEAR
        current = self.size * trend.households * np.exp(self.drift * years)
        return np.maximum(np.round(current), 1.0)

    @property
    def psu(self) -> IntArray:
        """EA identifier: stratum code x 100000 + serial within the stratum."""
        return self.strata[self.stratum] * 100_000 + self.serial


def build_frame(seed: int) -> Frame:
    """The census frame of EAs; the same for every year of a seed."""
    rng = stream(seed, "frame")
    strata, govs, urbans, counts = [], [], [], []
    sizes: list[FloatArray] = []
    for gov in GOVERNORATES:  # 12 governorates x 2 areas: a loop over strata, not rows
        for urban in (1, 0):
            share = gov.urban_share if urban else 1.0 - gov.urban_share
            total = gov.households * share
            mean = EA_SIZE[urban]
            n = max(math.ceil(total / mean), 20)
            size = mean * np.clip(rng.lognormal(0.0, 0.3, n), 0.5, 1.9)
            sizes.append(np.maximum(np.round(size * total / size.sum()), 1.0))
            strata.append(stratum_code(gov.code, urban))
            govs.append(gov.code)
            urbans.append(urban)
            counts.append(n)
    count = np.asarray(counts, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    stratum = np.repeat(np.arange(len(count), dtype=np.int64), count)
    total = int(count.sum())
    return Frame(
        strata=np.asarray(strata, dtype=np.int64),
        governorate_of=np.asarray(govs, dtype=np.int64),
        urban_of=np.asarray(urbans, dtype=np.int64),
        start=start,
        count=count,
        stratum=stratum,
        serial=np.arange(total, dtype=np.int64) - start[stratum] + 1,
        size=np.concatenate(sizes),
        drift=rng.normal(0.0, 0.015, total),
        effect=rng.normal(0.0, 0.45, total),
        refugee=np.exp(rng.normal(0.0, 1.0, total)),
    )


@dataclass(frozen=True, slots=True)
class Sample:
    """Responding households with their design columns, and the design by stratum."""

    households: Columns
    strata: Columns
    """Per stratum: stratum, eas (frame), selected, take, issued, responded, households."""


def allocate(total: int, sizes: FloatArray, minimum: int) -> IntArray:
    """Largest-remainder allocation of ``total`` proportional to ``sizes``, each >= minimum."""
    spare = total - minimum * len(sizes)
    exact = spare * sizes / sizes.sum()
    base = np.floor(exact).astype(np.int64)
    left = spare - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    out: IntArray = base + minimum
    return out


def draw_sample(frame: Frame, households: int, trend: Trend, seed: int, take: int) -> Sample:
    """Select ``households`` responding households from ``frame`` in ``trend.year``."""
    rng = stream(seed, "sample", trend.year)
    listed = frame.listed(trend)
    population = np.bincount(frame.stratum, weights=listed)
    limit = int(MAX_SAMPLE_SHARE * population.sum())
    if not MIN_HOUSEHOLDS <= households <= limit:
        raise DesignError(
            said(
                "households must be between {min_households} and {limit:,} "
                "({max_sample_share:.0%} of the country's households); got "
                "{households:,}",
                min_households=MIN_HOUSEHOLDS,
                limit=limit,
                max_sample_share=MAX_SAMPLE_SHARE,
                households=households,
            )
        )
    if not 2 <= take <= 99:
        raise DesignError(
            said(
                "the take per EA must be between 2 and 99 households; got {take}",
                take=take,
            )
        )

    # Allocation of respondents, EAs and the take per EA, by stratum.
    power = min(1.0, 0.7 + 6.0 * households / population.sum())
    wanted = allocate(households, population**power, 2)
    nonresponse = np.where(frame.urban_of == 1, NONRESPONSE[1], NONRESPONSE[0])
    nonresponse[0] = CAPITAL_NONRESPONSE
    eas = np.round(wanted / ((1.0 - nonresponse) * take)).astype(np.int64)
    eas = np.clip(eas, 2, np.floor(MAX_EA_SHARE * frame.count).astype(np.int64))
    per_ea = np.ceil(wanted / (eas * (1.0 - nonresponse))).astype(np.int64)
    if per_ea.max() > 99:
        raise DesignError(
            said(
                "{households:,} households need more than 99 per EA; ask for fewer",
                households=households,
            )
        )

    # First stage: systematic PPS within each stratum, vectorised over all EAs.
    stratum_size = np.bincount(frame.stratum, weights=frame.size)
    cumulative = np.cumsum(frame.size)
    before = np.concatenate([[0.0], cumulative])[frame.start]
    step = eas[frame.stratum] / stratum_size[frame.stratum]
    upper = (cumulative - before[frame.stratum]) * step
    lower = upper - frame.size * step
    start = (1.0 - rng.uniform(0.0, 1.0, len(eas)))[frame.stratum]  # in (0, 1]
    chosen = np.flatnonzero(np.floor(upper - start) - np.floor(lower - start) > 0)
    pi = frame.size[chosen] * step[chosen]
    if pi.max() >= 1.0:  # excluded by MAX_EA_SHARE and the bounds on EA sizes
        raise DesignError(
            said(
                "an EA would be selected with certainty; the frame is too small",
            )
        )

    # Second stage: k households out of those listed in each selected EA.
    ea_stratum = frame.stratum[chosen]
    k = np.minimum(per_ea[ea_stratum], listed[chosen]).astype(np.int64)
    issued = int(k.sum())
    ea_of = np.repeat(np.arange(len(chosen)), k)
    serial = np.arange(issued) - np.repeat(np.cumsum(k) - k, k) + 1
    hh_stratum = ea_stratum[ea_of]
    issued_h = np.bincount(hh_stratum, minlength=len(eas))
    if np.any(issued_h < wanted):
        raise DesignError(
            said(
                "the frame cannot yield {households:,} households; ask for fewer",
                households=households,
            )
        )

    # Non-response: exactly issued - wanted households per stratum, at random,
    # never the first household of an EA.
    key = rng.uniform(0.0, 1.0, issued) + (serial == 1)  # first ones sort last
    order = np.lexsort((key, hh_stratum))
    first_of = np.concatenate([[0], np.cumsum(issued_h)[:-1]])
    rank = np.empty(issued, dtype=np.int64)
    rank[order] = np.arange(issued) - first_of[hh_stratum[order]]
    responds = rank >= (issued_h - wanted)[hh_stratum]

    base = (listed[chosen] / (pi * k))[ea_of]
    adjust = np.bincount(hh_stratum, weights=base) / np.bincount(
        hh_stratum, weights=base * responds
    )
    weight = base * adjust[hh_stratum]
    calibrate = population / np.bincount(hh_stratum, weights=weight * responds)
    weight *= calibrate[hh_stratum]

    keep = np.flatnonzero(responds)
    ea = chosen[ea_of[keep]]
    psu = frame.psu[ea]
    s = frame.stratum[ea]
    columns: Columns = {
        "hhid": psu * 100 + serial[keep],
        "governorate": frame.governorate_of[s],
        "urban": frame.urban_of[s],
        "stratum": frame.strata[s],
        "psu": psu,
        "fpc": frame.count[s],
        "weight": weight[keep],
        "ea_effect": frame.effect[ea],
        "ea_refugee": frame.refugee[ea],
    }
    design: Columns = {
        "stratum": frame.strata,
        "eas": frame.count,
        "selected": eas,
        "take": per_ea,
        "issued": issued_h,
        "responded": wanted,
        "households": population,
    }
    return Sample(households=columns, strata=design)

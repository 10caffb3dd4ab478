"""Poverty, inequality and basic measures with design-based standard errors.

Every function takes a ``Survey``, a variable and keyword-only options, and
returns ``Estimates`` (one ``Estimate`` per domain and statistic). Variance by
linearization (influence values, R ``survey::svyrecvar``), by the design's
replicate weights, or by created jackknife or bootstrap replicates. See
``docs/methods/`` for each formula, convention and source.
"""

from __future__ import annotations

from insaf.measures.basic import mean, median, proportion, quantile, ratio, total
from insaf.measures.compare import difference, ratio_of
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.inequality import (
    atkinson,
    concentration,
    ge,
    gini,
    lorenz,
    mld,
    palma,
    percentile_ratio,
    qsr,
    quantile_shares,
    theil,
)
from insaf.measures.poverty import (
    Relative,
    arpr,
    arpt,
    fgt,
    poverty_gap_total,
    rmpg,
    sen,
    watts,
)

__all__ = [
    "Estimate",
    "Estimates",
    "Relative",
    "arpr",
    "arpt",
    "atkinson",
    "concentration",
    "difference",
    "fgt",
    "ge",
    "gini",
    "lorenz",
    "mean",
    "median",
    "mld",
    "palma",
    "percentile_ratio",
    "poverty_gap_total",
    "proportion",
    "qsr",
    "quantile",
    "quantile_shares",
    "ratio",
    "ratio_of",
    "rmpg",
    "sen",
    "theil",
    "total",
    "watts",
]

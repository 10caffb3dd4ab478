"""Poverty, inequality and basic measures with design-based standard errors.

Every function takes a ``Survey``, a variable and keyword-only options, then
the estimation keywords ``by`` (domains), ``unit``, ``variance``, ``replicates``
and ``seed`` (``insaf.measures.types.Estimation``), and returns ``Estimates``
(one ``Estimate`` per domain and statistic): basic
measures, poverty, inequality, their subgroup decompositions, multidimensional
poverty (Alkire–Foster, ``mpi``), the Human Opportunity Index (``hoi``) and
equity gaps between two groups for any measure (``gap``) and poverty
dominance of two distributions (``dominance``), the decomposition of a change
in poverty (``growth_redistribution``, ``sectoral_decomposition``). Many measures of
one survey come cheaper from one preparation: ``prepare(survey, variables)``
then ``.estimate([Measure(...), ...], by=...)``; ``combine`` gives a smooth
function of estimates with its delta-method standard error. Variance by
linearization (influence values, R ``survey::svyrecvar``), by the design's
replicate weights, or by created jackknife or bootstrap replicates. See
``docs/methods/`` for each formula, convention and source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from insaf.measures.basic import mean, median, proportion, quantile, ratio, total
from insaf.measures.change import growth_redistribution, sectoral_decomposition
from insaf.measures.compare import combine, difference, ratio_of
from insaf.measures.decomposition import fgt_decomposition, ge_decomposition
from insaf.measures.dominance import Dominance, dominance
from insaf.measures.equity import gap
from insaf.measures.estimate import Estimate, Estimates, estimate_dict
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
from insaf.measures.mpi import deprivations, mpi
from insaf.measures.opportunity import access_model, hoi
from insaf.measures.poverty import (
    arpr,
    arpt,
    fgt,
    poverty_gap_total,
    rmpg,
    sen,
    watts,
)
from insaf.measures.prepared import Measure, Prepared, prepare
from insaf.measures.registry import MEASURES, MeasureOptions, MeasureSpec, compute
from insaf.measures.types import (
    Below,
    By,
    GiniEstimator,
    Line,
    NonPositive,
    QuantileRule,
    Relative,
    RelativeOf,
    VarianceMethod,
)

if TYPE_CHECKING:
    from insaf.measures.mpi_spec import MPISpec, load_mpi_spec

_MPI_SPEC = ("MPISpec", "load_mpi_spec")
"""Names of ``insaf.measures.mpi_spec`` (pydantic and YAML), imported on first use:
the other measures need no MPI specification."""


def __getattr__(name: str) -> Any:
    if name in _MPI_SPEC:
        from insaf.measures import mpi_spec

        return getattr(mpi_spec, name)
    raise AttributeError(f"module 'insaf.measures' has no attribute {name!r}")


__all__ = [
    "MEASURES",
    "Below",
    "By",
    "Dominance",
    "Estimate",
    "Estimates",
    "GiniEstimator",
    "Line",
    "MPISpec",
    "Measure",
    "MeasureOptions",
    "MeasureSpec",
    "NonPositive",
    "Prepared",
    "QuantileRule",
    "Relative",
    "RelativeOf",
    "VarianceMethod",
    "access_model",
    "arpr",
    "arpt",
    "atkinson",
    "combine",
    "compute",
    "concentration",
    "deprivations",
    "difference",
    "dominance",
    "estimate_dict",
    "fgt",
    "fgt_decomposition",
    "gap",
    "ge",
    "ge_decomposition",
    "gini",
    "growth_redistribution",
    "hoi",
    "load_mpi_spec",
    "lorenz",
    "mean",
    "median",
    "mld",
    "mpi",
    "palma",
    "percentile_ratio",
    "poverty_gap_total",
    "prepare",
    "proportion",
    "qsr",
    "quantile",
    "quantile_shares",
    "ratio",
    "ratio_of",
    "rmpg",
    "sectoral_decomposition",
    "sen",
    "theil",
    "total",
    "watts",
]

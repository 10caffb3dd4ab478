"""The Spark engine: the streamed engine's estimates computed by Spark jobs.

``estimate`` gives linear measures (``stream.Total``, ``Mean``, ``Ratio``,
``FGT``), ``gini`` the Gini coefficient, ``arpr`` the at-risk-of-poverty
rate, ``quantile`` any quantile (the median by default), ``qsr`` and ``palma``
the share ratios, each by domain with its linearized standard error, equal to
the in-memory ``insaf.measures`` and the streamed ``insaf.measures.stream`` on
the same rows (docs/scale.md, "Spark"). Spark sums; only small tables (cells
of PSUs x domains, per-partition sums, the few rows that decide a quantile)
come back to the driver. ``ranked`` sorts once for ``gini_of``, ``arpr_of``,
``quantile_of``, ``qsr_of`` and ``palma_of``.
"""

from insaf.measures.spark._source import session
from insaf.measures.spark.linear import estimate
from insaf.measures.spark.poverty import arpr, arpr_of
from insaf.measures.spark.quantiles import quantile, quantile_of
from insaf.measures.spark.ranked import ROWS_PER_PARTITION, Ranked, gini, gini_of, ranked
from insaf.measures.spark.shares import palma, palma_of, qsr, qsr_of

__all__ = [
    "ROWS_PER_PARTITION",
    "Ranked",
    "arpr",
    "arpr_of",
    "estimate",
    "gini",
    "gini_of",
    "palma",
    "palma_of",
    "qsr",
    "qsr_of",
    "quantile",
    "quantile_of",
    "ranked",
    "session",
]

"""The Spark engine: the streamed engine's estimates computed by Spark jobs.

``estimate`` gives linear measures (``stream.Total``, ``Mean``, ``Ratio``,
``FGT``), ``gini`` the Gini coefficient and ``arpr`` the at-risk-of-poverty
rate, each by domain with its linearized standard error, equal to the
in-memory ``insaf.measures`` and the streamed ``insaf.measures.stream`` on
the same rows (docs/scale.md, "Spark"). Spark sums; only small tables (cells
of PSUs x domains, per-partition sums, the partitions that hold the median)
come back to the driver. ``ranked`` sorts once for ``gini_of`` and ``arpr_of``.
"""

from insaf.measures.spark._source import session
from insaf.measures.spark.linear import estimate
from insaf.measures.spark.poverty import arpr, arpr_of
from insaf.measures.spark.ranked import ROWS_PER_PARTITION, Ranked, gini, gini_of, ranked

__all__ = [
    "ROWS_PER_PARTITION",
    "Ranked",
    "arpr",
    "arpr_of",
    "estimate",
    "gini",
    "gini_of",
    "ranked",
    "session",
]

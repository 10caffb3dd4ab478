"""The Spark engine: the streamed engine's estimates computed by Spark jobs.

``estimate`` gives linear measures (``stream.Total``, ``Mean``, ``Ratio``,
``FGT``), ``gini`` the Gini coefficient and ``arpr`` the at-risk-of-poverty
rate, each by domain with its linearized standard error, equal to the
in-memory ``insaf.measures`` and the streamed ``insaf.measures.stream`` on
the same rows (docs/scale.md, "Spark"). Spark sums; only small tables (cells
of PSUs x domains, per-partition sums) come back to the driver.
"""

from insaf.measures.spark._source import session
from insaf.measures.spark.linear import estimate

__all__ = ["estimate", "session"]

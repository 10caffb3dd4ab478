"""The streamed engine: estimates from a partitioned Parquet dataset larger than memory.

``estimate`` gives linear measures (``Total``, ``Mean``, ``Ratio``, ``FGT`` at
an absolute line), ``gini`` the Gini coefficient, ``arpr`` the at-risk-of-poverty rate and
``quantile`` any quantile (the median by default), ``qsr`` and ``palma``
the share ratios,
each by domain with its linearized standard error, equal to the in-memory
``insaf.measures`` on the same rows (docs/scale.md).
"""

from insaf.measures.stream._files import parquet_files
from insaf.measures.stream.linear import BATCH_ROWS, estimate
from insaf.measures.stream.ordered import Spilled, gini, gini_of, spilled
from insaf.measures.stream.poverty import arpr, arpr_of
from insaf.measures.stream.quantiles import quantile, quantile_of
from insaf.measures.stream.shares import palma, palma_of, qsr, qsr_of
from insaf.measures.stream.statistic import FGT, Linear, Mean, Ratio, Total

__all__ = [
    "BATCH_ROWS",
    "FGT",
    "Linear",
    "Mean",
    "Ratio",
    "Spilled",
    "Total",
    "arpr",
    "arpr_of",
    "estimate",
    "gini",
    "gini_of",
    "palma",
    "palma_of",
    "parquet_files",
    "qsr",
    "qsr_of",
    "quantile",
    "quantile_of",
    "spilled",
]

"""Linear measures as a Spark job: Spark sums the cells, the driver does the rest.

A total, a mean, a ratio and an FGT index at an absolute line need only the
(stratum, PSU, domain) cells that the streamed engine adds up batch by batch
(``insaf.measures.stream._cells``): Spark computes the same per-row values
(``_columns``), groups the rows by cell and sums them, and the cell table,
PSUs x domains rows, is collected to the driver through Arrow and handed to
``stream.linear.from_cells``, the streamed engine's own variance code. A
design whose units are their own PSUs gets, per stratum and domain, the sums
and cross-products of the unit values instead, as streamed. With replicate
weights, each replicate's values are more columns of the same job, summed by
domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from insaf.errors import DataError, said
from insaf.measures.estimate import Estimates
from insaf.measures.spark._source import cell_table, read, session
from insaf.measures.stream import _cells as table
from insaf.measures.stream.linear import from_cells
from insaf.measures.stream.statistic import Linear
from insaf.survey.design import Design

__all__ = ["estimate"]


def estimate(
    source: str | Path | Sequence[str | Path] | DataFrame,
    statistics: Sequence[Linear],
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    spark: SparkSession | None = None,
) -> Estimates:
    """Each statistic (``stream.Total``, ``Mean``, ``Ratio``, ``FGT``) in each domain
    of ``by``, with its linearized standard error, from the Parquet files of
    ``source`` (a file, a folder or a list of files) or a Spark DataFrame, summed
    by ``spark`` (the active session, or a new ``local[*]`` one, when ``None``).

    Equal to ``stream.estimate`` and to the in-memory functions on the same rows.
    The design is one-stage or has replicate weights (their totals by domain are
    columns summed in the same job); calibration and a second stage are refused
    by name. Missing or non-finite values are refused, naming the column, the
    file and the row.
    """
    table.check_streamable(design, replicates=True)
    if not statistics:
        raise DataError(said("no statistic to estimate"))
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    plan = table.Plan(design, by_cols, tuple(statistics))
    return from_cells(plan, cell_table(plan, read(source, session(spark))))

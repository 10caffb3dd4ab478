"""The at-risk-of-poverty rate as Spark jobs, exact, from one distributed sort.

As in ``stream.poverty``: ``ARPR_d`` is the share of domain ``d`` below
``t = share x median`` (or ``share x mean``) of the whole population, and its
influence value is the domain's own part plus the domain's kernel density at
``t`` times the threshold's influence value. From a ``Ranked`` dataset:

1. the median is found as ``spark.quantiles`` finds a quantile: the
   partitions' weights (collected with the sort) say which range partitions
   hold it; only those, and the next one, are walked by ``mapInArrow``, which
   gives back the few rows that decide it under the quantile rule, fed on the
   driver to ``stream.quantiles``' ``RunningQuantile`` (with its tolerance for
   an exact hit of one half, also across partitions);
2. the sums of ``w y^2`` by partition and domain give the kernels'
   bandwidths (``sd N^(-1/5)``);
3. one Spark aggregation adds up, per (PSU or stratum, domain), the weights
   of the poor and of all, the threshold's indicator, the Gaussian kernel
   sums and, for units as PSUs, the squares and products the variance needs;
   collected, they combine as ``stream.poverty`` combines them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf

from insaf.measures.estimate import Estimates
from insaf.measures.spark.quantiles import by_domain, cell_sums, population_quantile
from insaf.measures.spark.ranked import Ranked, ranked
from insaf.measures.stream.ordered import refuse_spark_replicates
from insaf.measures.stream.poverty import check_arpr, rate_estimates, rates
from insaf.measures.stream.quantiles import bandwidths
from insaf.measures.types import Below, QuantileRule, RelativeOf
from insaf.survey.design import Design

__all__ = ["arpr", "arpr_of"]


def arpr(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    share: float = 0.6,
    of: RelativeOf = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Estimates:
    """The at-risk-of-poverty rate of ``variable`` in each domain of ``by`` (below
    ``share`` times the whole population's median or mean), with its linearized SE,
    computed by ``spark`` (the active session, or a new ``local[*]`` one), equal to
    ``stream.arpr`` and ``insaf.measures.arpr`` on the same rows. To compute several
    rank-based measures from one sort, use ``ranked`` and ``arpr_of``."""
    refuse_spark_replicates(design, "the ARPR")
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return arpr_of(data, share=share, of=of, below=below, rule=rule)


def arpr_of(
    data: Ranked,
    *,
    share: float = 0.6,
    of: RelativeOf = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
) -> Estimates:
    """The at-risk-of-poverty rate of a sorted dataset (``ranked``), by domain."""
    check_arpr(share, rule)
    data.summary.refuse_replicates("the ARPR")
    summary = data.summary
    n_all, y_all = float(summary.n_pop.sum()), float(summary.big_y.sum())
    wy2 = data.wy2.sum(axis=0)
    h_dom = bandwidths(summary.n_pop, summary.big_y, wy2)
    centre = population_quantile(data, 0.5, rule) if of == "median" else y_all / n_all
    h_all = float(bandwidths(np.array([n_all]), np.array([y_all]), np.array([wy2.sum()]))[0])
    sums = _threshold_sums(data, share * centre, centre, h_dom, h_all, of, below)
    rate, slope = rates(sums, summary.n_pop, h_dom, h_all, share, of)
    return rate_estimates(summary, rate, slope, sums)


def _threshold_sums(
    data: Ranked,
    line: float,
    centre: float,
    h_dom: np.ndarray,
    h_all: float,
    of: RelativeOf,
    below: Below,
) -> dict[str, np.ndarray]:
    """Per (PSU or stratum, domain) cell, summed by Spark: the weights of the poor and
    of all, ``w q`` (``q = 1(y <= med) - 1/2``, or ``y - mean``), the kernel sums at
    the line and at the median, and, for units as PSUs, squares and products; shaped
    as ``stream.poverty``'s sums."""
    summary = data.summary
    y, w, d = sf.col("y"), sf.col("w"), sf.col("d")
    poor = ((y < sf.lit(line)) if below == "<" else (y <= sf.lit(line))).cast("double")
    q = (y <= sf.lit(centre)).cast("double") - sf.lit(0.5) if of == "median" else y - sf.lit(centre)
    u = (sf.lit(line) - y) / by_domain(h_dom, d)
    v = (sf.lit(centre) - y) / sf.lit(h_all)
    parts: dict[str, Column] = {
        "poor": w * poor,
        "weight": w,
        "q": w * q,
        "kernel": w * sf.exp(-(u * u) / 2.0),
        "kernel_all": w * sf.exp(-(v * v) / 2.0),
    }
    if summary.arrays is None:
        w2 = w * w
        parts |= {
            "w2p": w2 * poor,
            "w2": w2,
            "w2pq": w2 * poor * q,
            "w2q": w2 * q,
            "w2qq": w2 * q * q,
        }
    grids = cell_sums(data, parts)
    cells = ("poor", "weight", "w2p", "w2", "w2pq", "w2q")
    sums = {name: grids[name] for name in cells if name in grids}
    sums["q"] = grids["q"].sum(axis=1)
    sums["kernel"] = grids["kernel"].sum(axis=0)
    sums["kernel_all"] = np.array([grids["kernel_all"].sum()])
    if "w2qq" in grids:
        sums["w2qq"] = grids["w2qq"].sum(axis=1)
    return sums

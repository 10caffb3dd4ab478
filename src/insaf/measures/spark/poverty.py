"""The at-risk-of-poverty rate as Spark jobs, exact, from one distributed sort.

As in ``stream.poverty``: ``ARPR_d`` is the share of domain ``d`` below
``t = share x median`` (or ``share x mean``) of the whole population, and its
influence value is the domain's own part plus the domain's kernel density at
``t`` times the threshold's influence value. From a ``Ranked`` dataset:

1. the partitions' weights (collected with the sort) say which range
   partitions hold the median; only those, and the next one, are collected,
   in order, and the median is read off them under the quantile rule
   (``stream.quantiles``' ``RunningQuantile``, with its tolerance for an exact hit of
   one half, also across partitions);
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
import polars as pl
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf

from insaf.measures.estimate import Estimates
from insaf.measures.spark._source import FILE, ROW, spark_errors
from insaf.measures.spark.ranked import Ranked, _dense, ranked
from insaf.measures.stream.poverty import check_arpr, rate_estimates, rates
from insaf.measures.stream.quantiles import (
    RunningQuantile,
    bandwidths,
)
from insaf.measures.types import Below, QuantileRule, RelativeOf
from insaf.survey.design import Design

__all__ = ["arpr", "arpr_of"]

_MARGIN = 1e-9
"""Partitions whose running weight is within this (relative) of one half are read:
the driver's and Spark's sums of the weights differ only in their last digits."""


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
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return arpr_of(data, share=share, of=of, below=below, rule=rule)


def _median(data: Ranked, rule: QuantileRule, total: float) -> float:
    """The whole population's weighted median, from the partitions that hold it."""
    weights = data.w.sum(axis=1)
    before = np.r_[0.0, np.cumsum(weights)[:-1]]
    half = 0.5 * total
    near = np.flatnonzero(
        (before <= half * (1 + _MARGIN)) & (before + weights >= half * (1 - _MARGIN))
    )
    nonempty = np.flatnonzero(weights > 0)
    following = nonempty[nonempty > near[-1]] if near.size else nonempty[:1]
    wanted = sorted({*near.tolist(), *following[:1].tolist()})
    part = sf.spark_partition_id()
    with spark_errors():
        found = (
            data.frame.where(part.isin(wanted))
            .select(part.alias("p"), "y", "w", FILE, ROW)
            .toArrow()
        )
    rows = pl.from_arrow(found)
    assert isinstance(rows, pl.DataFrame)
    rows = rows.sort(["p", "y", FILE, ROW])
    middle = RunningQuantile(0.5, rule, total)
    middle.running = float(before[wanted[0]]) if wanted else 0.0
    middle.feed(rows.get_column("y").to_numpy(), rows.get_column("w").to_numpy())
    return middle.result()


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
    summary = data.summary
    n_all, y_all = float(summary.n_pop.sum()), float(summary.big_y.sum())
    wy2 = data.wy2.sum(axis=0)
    h_dom = bandwidths(summary.n_pop, summary.big_y, wy2)
    centre = _median(data, rule, n_all) if of == "median" else y_all / n_all
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
    n_dom, n_groups = summary.n_dom, summary.n_groups
    y, w, d = sf.col("y"), sf.col("w"), sf.col("d")
    poor = ((y < sf.lit(line)) if below == "<" else (y <= sf.lit(line))).cast("double")
    q = (y <= sf.lit(centre)).cast("double") - sf.lit(0.5) if of == "median" else y - sf.lit(centre)
    h = sf.element_at(sf.array(*(sf.lit(float(x)) for x in h_dom)), (d + 1).cast("int"))
    u = (sf.lit(line) - y) / h
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
    with spark_errors():
        found = (
            data.frame.groupBy(sf.col("g").alias("r"), d.alias("c"))
            .agg(*(sf.sum(x).alias(name) for name, x in parts.items()))
            .toArrow()
        )
    grids = _dense(found, n_groups, n_dom, list(parts))
    cells = ("poor", "weight", "w2p", "w2", "w2pq", "w2q")
    sums = {name: grids[name] for name in cells if name in grids}
    sums["q"] = grids["q"].sum(axis=1)
    sums["kernel"] = grids["kernel"].sum(axis=0)
    sums["kernel_all"] = np.array([grids["kernel_all"].sum()])
    if "w2qq" in grids:
        sums["w2qq"] = grids["w2qq"].sum(axis=1)
    return sums

"""Quantiles as Spark jobs, exact, from one distributed sort, with their
kernel-linearized SEs.

As in ``stream.quantiles``: the quantile ``q_d`` of domain ``d`` at ``p`` under
the in-memory engine's rules (convey, eurostat, laeken) has the influence value
``z_k = -(1(y_k <= q_d) - p) / (N_d f_d(q_d))`` for the units of ``d``. From a
``Ranked`` dataset (sorted by value in range partitions, with each partition's
sums of ``w`` by domain):

1. the partitions' weights by domain say which range partitions can hold the
   rows that decide each quantile (those where the domain's ``F`` passes
   ``p``, and the next one holding the domain); ``mapInArrow`` walks only
   those, each from its offsets (the weight of each domain in the partitions
   before it), and gives back, per probability and domain, the rows that
   decide the quantile under every rule (``stream.running.RunningQuantile``):
   from the first whose ``F`` reaches ``p - HIT`` to the first whose ``F``
   passes ``p + HIT``, each with the weight before it; a partition where ``F``
   stays below gives its last row of the domain (the quantile's value if ``F``
   never reaches ``p``). That is a row or two per partition walked, domain and
   probability; the driver feeds them, in order, to one ``RunningQuantile`` per
   domain and probability. The ARPR's median is found the same way;
2. the sums of ``w y^2`` by partition and domain (``ranked``) give the kernels'
   bandwidths (``sd N^(-1/5)``);
3. one Spark aggregation adds up, per (PSU or stratum, domain), the weights at
   or below ``q_d`` and of all (for units as PSUs, also with ``w^2``) and the
   Gaussian kernel sums at ``q_d``; collected, they combine as
   ``stream.quantiles.quantile_estimates`` combines them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
from pyspark import TaskContext
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf

from insaf.measures._kernels.quantile import HIT
from insaf.measures.estimate import Estimates
from insaf.measures.spark._source import spark_errors
from insaf.measures.spark.ranked import Ranked, _dense, _offsets, ranked
from insaf.measures.stream.ordered import refuse_spark_replicates
from insaf.measures.stream.quantiles import (
    RunningQuantile,
    bandwidths,
    check_quantile,
    quantile_estimates,
)
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray
from insaf.survey.design import Design

__all__ = [
    "MARGIN",
    "by_domain",
    "cell_sums",
    "deciding",
    "domain_quantiles",
    "population_quantile",
    "quantile",
    "quantile_of",
]

MARGIN = 1e-9
"""Range partitions whose distribution function comes within this of ``p +- HIT``
are walked: the driver's sums of the partitions' weights and the walk's differ
only in their last digits."""

_DECIDING = "k long, j long, r long, s long, y double, w double, before double"
"""A row that decides a quantile: the probability's and the domain's index, the range
partition, the row's place among those the partition gives, its value and weight,
and the weight of its domain before it."""


def quantile(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    p: float = 0.5,
    rule: QuantileRule = "convey",
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Estimates:
    """The quantile ``p`` of ``variable`` in each domain of ``by`` with its
    kernel-linearized SE, computed by ``spark`` (the active session, or a new
    ``local[*]`` one), equal to ``stream.quantile`` and ``insaf.measures.quantile``
    (and, at ``p=0.5``, ``median``) on the same rows. Several rank-based measures
    from one sort: ``ranked`` and ``quantile_of``."""
    check_quantile(p, rule)
    refuse_spark_replicates(design, "a quantile")
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return quantile_of(data, p=p, rule=rule)


def quantile_of(
    data: Ranked, *, p: float = 0.5, rule: QuantileRule = "convey", name: str | None = None
) -> Estimates:
    """The quantile ``p`` of a sorted dataset (``ranked``), by domain; ``name`` in the
    results (``quantile[p]`` by default, as in memory)."""
    check_quantile(p, rule)
    data.summary.refuse_replicates("a quantile")
    (q,), h = domain_quantiles(data, (p,), rule)
    summary = data.summary
    y, w, d = sf.col("y"), sf.col("w"), sf.col("d")
    below = (y <= by_domain(q, d)).cast("double")
    u = (by_domain(q, d) - y) / by_domain(h, d)
    parts: dict[str, Column] = {
        "at_or_below": w * below,
        "weight": w,
        "kernel": w * sf.exp(-(u * u) / 2.0),
    }
    if summary.arrays is None:
        parts |= {"w2": w * w, "w2i": w * w * below}
    sums = cell_sums(data, parts)
    sums["kernel"] = sums["kernel"].sum(axis=0)
    return quantile_estimates(summary, q, h, p, sums, name)


def by_domain(values: FloatArray, d: Column) -> Column:
    """Each row's entry of ``values`` (one per domain), by its domain code ``d``."""
    return sf.element_at(sf.array(*(sf.lit(float(x)) for x in values)), (d + 1).cast("int"))


def cell_sums(data: Ranked, parts: dict[str, Column]) -> dict[str, FloatArray]:
    """Each of ``parts`` summed by Spark per (PSU or stratum, domain), collected as
    PSUs (or strata) x domains grids."""
    summary = data.summary
    with spark_errors():
        found = (
            data.frame.groupBy(sf.col("g").alias("r"), sf.col("d").alias("c"))
            .agg(*(sf.sum(x).alias(name) for name, x in parts.items()))
            .toArrow()
        )
    return _dense(found, summary.n_groups, summary.n_dom, list(parts))


def domain_quantiles(
    data: Ranked, probs: Sequence[float], rule: QuantileRule
) -> tuple[list[FloatArray], FloatArray]:
    """Each domain's quantile at each of ``probs`` (one array per probability) and
    its kernel bandwidth: steps 1 and 2."""
    summary = data.summary
    h = bandwidths(summary.n_pop, summary.big_y, data.wy2.sum(axis=0))
    return deciding(data, probs, rule), h


def population_quantile(data: Ranked, p: float, rule: QuantileRule) -> float:
    """The whole population's quantile at ``p`` (all domains together), as step 1."""
    (found,) = deciding(data, (p,), rule, whole=True)
    return float(found[0])


def _wanted(w: FloatArray, n_pop: FloatArray, levels: Sequence[float]) -> list[int]:
    """The range partitions that can hold a row deciding a quantile: for each
    probability and domain, those where ``F`` passes through ``p +- HIT`` (within
    ``MARGIN``: the partitions' weights are Spark's sums, not the walk's) and the
    next one holding the domain (where the first value past ``p`` may be)."""
    before = _offsets(w)
    chosen: set[int] = set()
    for j in range(w.shape[1]):
        holds = np.flatnonzero(w[:, j] > 0)
        start, end = before[holds, j] / n_pop[j], (before[holds, j] + w[holds, j]) / n_pop[j]
        for p in levels:
            near = np.flatnonzero((start <= p + HIT + MARGIN) & (end >= p - HIT - MARGIN))
            if near.size == 0:
                chosen.add(int(holds[-1]))
                continue
            chosen.update(holds[near].tolist())
            chosen.update(holds[near[-1] + 1 : near[-1] + 2].tolist())
    return sorted(chosen)


def deciding(
    data: Ranked, probs: Sequence[float], rule: QuantileRule, *, whole: bool = False
) -> list[FloatArray]:
    """Step 1: each domain's (or, if ``whole``, the population's) quantile at each of
    ``probs``, from the rows that decide it, found by ``mapInArrow`` in the range
    partitions that can hold them (``_wanted``) and fed to ``RunningQuantile``."""
    summary = data.summary
    w_parts = data.w.sum(axis=1, keepdims=True) if whole else data.w
    n_pop = np.array([summary.n_pop.sum()]) if whole else summary.n_pop
    n_dom = n_pop.size
    carry = _offsets(w_parts)
    levels = [float(p) for p in probs]

    def walk(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """One range partition in (value, file, row) order, from its offsets."""
        context = TaskContext.get()
        assert context is not None
        part = context.partitionId()
        run = carry[part].copy()
        # per probability and domain: 0 before the deciding rows, 1 among them, 2 past them
        state = np.zeros((len(levels), n_dom), dtype=np.int8)
        last: dict[int, tuple[float, float, float]] = {}
        rows: list[tuple[int, int, float, float, float]] = []
        for batch in batches:
            y, w = (batch.column(i).to_numpy() for i in range(2))
            d = np.zeros(y.size, dtype=np.int64) if whole else batch.column(2).to_numpy()
            # rows come in value order: a stable sort by domain keeps it
            order = np.argsort(d, kind="stable")
            y, w, d = y[order], w[order], d[order]
            starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
            for a, b in zip(starts, np.r_[starts[1:], d.size], strict=True):
                j = int(d[a])
                # summed as RunningQuantile sums, so that both take the same rows
                after = np.cumsum(np.r_[run[j], w[a:b]])[1:]
                before = np.r_[run[j], after[:-1]]
                f = after / n_pop[j]
                for k, p in enumerate(levels):
                    if state[k, j] == 2:
                        continue
                    lo = 0 if state[k, j] == 1 else int(np.searchsorted(f, p - HIT, side="left"))
                    if lo == f.size:
                        continue
                    hi = int(np.searchsorted(f, p + HIT, side="right"))
                    state[k, j] = 2 if hi < f.size else 1
                    rows += [
                        (k, j, float(y[a + i]), float(w[a + i]), float(before[i]))
                        for i in range(lo, min(hi + 1, f.size))
                    ]
                run[j] = after[-1]
                last[j] = (float(y[b - 1]), float(w[b - 1]), float(before[-1]))
        for k in range(len(levels)):
            rows += [(k, j, *last[j]) for j in sorted(last) if state[k, j] == 0]
        if rows:
            k_, j_, y_, w_, before_ = zip(*rows, strict=True)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(k_, pa.int64()),
                    pa.array(j_, pa.int64()),
                    pa.array([part] * len(rows), pa.int64()),
                    pa.array(range(len(rows)), pa.int64()),
                    pa.array(y_, pa.float64()),
                    pa.array(w_, pa.float64()),
                    pa.array(before_, pa.float64()),
                ],
                names=["k", "j", "r", "s", "y", "w", "before"],
            )

    wanted = _wanted(w_parts, n_pop, levels)
    with spark_errors():
        found = (
            data.frame.where(sf.spark_partition_id().isin(wanted))
            .select("y", "w", "d")
            .mapInArrow(walk, _DECIDING)
            .toArrow()
        )
    rows = pl.from_arrow(found)
    assert isinstance(rows, pl.DataFrame)
    quantiles = []
    for k, p in enumerate(levels):
        at_p = []
        for j in range(n_dom):
            running = RunningQuantile(p, rule, float(n_pop[j]))
            mine = rows.filter((pl.col("k") == k) & (pl.col("j") == j)).sort("r", "s")
            for (_,), chunk in mine.group_by("r", maintain_order=True):
                running.feed(
                    chunk.get_column("y").to_numpy(),
                    chunk.get_column("w").to_numpy(),
                    before=float(chunk.get_column("before")[0]),
                )
            at_p.append(running.result())
        quantiles.append(np.array(at_p))
    return quantiles

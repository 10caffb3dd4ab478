"""Share ratios as Spark jobs, exact, from one distributed sort: the quintile share
ratio S80/S20 (``qsr``) and the Palma ratio (``palma``), with linearized SEs.

As in ``stream.shares``: ``R = (Y - S(q_high)) / S(q_low)`` in each domain, with
``S(q) = sum w y 1(y <= q)``, and every unit's influence value a combination of
six features (``stream.shares.features``) with coefficients known per domain.
From a ``Ranked`` dataset, both quantiles of every domain are found as
``spark.quantiles.domain_quantiles`` finds them; then one Spark aggregation adds
up, per (PSU or stratum, domain), the weighted features (for units as PSUs,
also their 21 ``w^2``-weighted cross-products) and the kernel sums at both
quantiles; collected, they combine as ``stream.shares.share_ratio_estimates``
combines them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf

from insaf.measures.estimate import Estimates
from insaf.measures.spark.quantiles import by_domain, cell_sums, domain_quantiles
from insaf.measures.spark.ranked import Ranked, ranked
from insaf.measures.stream.ordered import refuse_spark_replicates
from insaf.measures.stream.quantiles import check_rule
from insaf.measures.stream.shares import PALMA, QSR, features, share_ratio_estimates
from insaf.measures.types import QuantileRule
from insaf.survey.design import Design

__all__ = ["palma", "palma_of", "qsr", "qsr_of", "share_ratio_of"]


def qsr(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    rule: QuantileRule = "convey",
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Estimates:
    """S80/S20 of ``variable`` in each domain of ``by``, with its linearized SE,
    computed by ``spark`` (the active session, or a new ``local[*]`` one), equal to
    ``stream.qsr`` and ``insaf.measures.qsr`` on the same rows."""
    check_rule(rule)
    refuse_spark_replicates(design, "a share ratio")
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return qsr_of(data, rule=rule)


def palma(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    rule: QuantileRule = "convey",
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Estimates:
    """The Palma ratio of ``variable`` in each domain of ``by``, with its linearized
    SE, computed by ``spark``, equal to ``stream.palma`` and ``insaf.measures.palma``
    on the same rows."""
    check_rule(rule)
    refuse_spark_replicates(design, "a share ratio")
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return palma_of(data, rule=rule)


def qsr_of(data: Ranked, *, rule: QuantileRule = "convey") -> Estimates:
    """S80/S20 of a sorted dataset (``ranked``), by domain."""
    low, high = QSR
    return share_ratio_of(data, low=low, high=high, rule=rule, name="qsr")


def palma_of(data: Ranked, *, rule: QuantileRule = "convey") -> Estimates:
    """The Palma ratio of a sorted dataset (``ranked``), by domain."""
    low, high = PALMA
    return share_ratio_of(data, low=low, high=high, rule=rule, name="palma")


def share_ratio_of(
    data: Ranked, *, low: float, high: float, rule: QuantileRule, name: str
) -> Estimates:
    """``(Y - S(q_high)) / S(q_low)`` of a sorted dataset, by domain."""
    check_rule(rule)
    data.summary.refuse_replicates("a share ratio")
    (q_low, q_high), h = domain_quantiles(data, (low, high), rule)
    y, w, d = sf.col("y"), sf.col("w"), sf.col("d")
    below_low = (y <= by_domain(q_low, d)).cast("double")
    below_high = (y <= by_domain(q_high, d)).cast("double")
    found = features(y, below_low, below_high, sf.lit(1.0))
    parts: dict[str, Column] = {f"f{i}": w * f for i, f in enumerate(found)}
    for at, q in (("low", q_low), ("high", q_high)):
        u = (by_domain(q, d) - y) / by_domain(h, d)
        phi = w * sf.exp(-(u * u) / 2.0)
        parts |= {f"w_kernel_{at}": phi, f"wy_kernel_{at}": phi * y}
    units = data.summary.arrays is None
    if units:
        w2 = w * w
        parts |= {
            f"g{i}_{j}": w2 * found[i] * found[j]
            for i in range(len(found))
            for j in range(i, len(found))
        }
    grids = cell_sums(data, parts)
    sums = {
        "features": np.stack([grids[f"f{i}"] for i in range(len(found))], axis=2),
        **{
            f"{x}_kernel_{at}": grids[f"{x}_kernel_{at}"].sum(axis=0)
            for x in ("w", "wy")
            for at in ("low", "high")
        },
    }
    if units:
        n_groups, n_dom = grids["f0"].shape
        gram = np.zeros((n_groups, n_dom, len(found), len(found)))
        for i in range(len(found)):
            for j in range(i, len(found)):
                gram[:, :, i, j] = gram[:, :, j, i] = grids[f"g{i}_{j}"]
        sums["gram"] = gram
    return share_ratio_estimates(data.summary, sums, h, low=low, high=high, name=name)

"""Run statistics over a prepared sample: every domain, linearized or replicate variance.

A *statistic* is a kernel over one domain's rows (sorted by the analysis
variable): ``kernel(cols, w, t, influence) -> (value, z, dvalue_dt)``. ``z``
are the influence values (Deville's linearized variable, so that
``value ≈ value_0 + sum_k w_k z_k`` to first order); ``t`` is a threshold
estimated on the whole population (NaN when there is none) and ``dvalue_dt``
the derivative of the domain statistic with respect to it, which carries the
threshold's own variance into the domain's: ``z_total = z + dvalue_dt * z_t``.

With replicate weights, a kernel that has a ``replicated(cols, totals)``
method (means, ratios, the HOI) gives the values of every replicate at once
from replicate totals by group (``Sample.replicate_totals``); the others are
computed again for each replicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from insaf.measures._sample import Sample
from insaf.measures.estimate import Estimate, Estimates, LinearBasis, ReplicateBasis
from insaf.measures.variance import (
    FloatArray,
    IntArray,
    linearized_variance,
    replicate_variance,
)

__all__ = [
    "Cols",
    "Kernel",
    "KernelOut",
    "ReplicateTotals",
    "Replicated",
    "Statistic",
    "ThresholdKernel",
    "run",
]

Cols = Mapping[str, FloatArray]
KernelOut = tuple[float, FloatArray | None, float]
Kernel = Callable[[Cols, FloatArray, float, bool], KernelOut]
ThresholdKernel = Callable[[Cols, FloatArray, bool], tuple[float, FloatArray | None]]
ReplicateTotals = Callable[[IntArray, int, Sequence[FloatArray]], FloatArray]
"""``(codes, groups, m columns of values) -> (R, groups, m)``: replicate-weighted totals
of one domain's rows by group (``Sample.replicate_totals`` on the domain)."""


@runtime_checkable
class Replicated(Protocol):
    """A kernel that computes every replicate's value at once (no threshold)."""

    def __call__(self, cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut: ...

    def replicated(self, cols: Cols, totals: ReplicateTotals) -> FloatArray:
        """The value in each replicate, ``(R,)``."""
        ...


@dataclass(frozen=True, kw_only=True)
class Statistic:
    """A named kernel; ``variable`` is the column shown in results."""

    name: str
    kernel: Kernel
    variable: str | None = None


def run(
    sample: Sample,
    stats: Sequence[Statistic],
    *,
    threshold: ThresholdKernel | None = None,
) -> Estimates:
    """Value and variance of each statistic in each domain of ``sample``."""
    n_dom, n_stat = sample.n_domains, len(stats)
    linear = sample.method == "linearization"
    values = np.empty((n_stat, n_dom))
    whole = sample.whole if threshold else None
    whole_cols: dict[str, FloatArray] = {}
    if whole is not None:  # the columns in the order of the whole population
        for k, v in sample.cols.items():
            whole_cols[k] = sample.ranked[k] if k in sample.ranked else np.take(v, whole)

    t = float("nan")
    t_totals: FloatArray | None = None
    if threshold is not None and whole is not None:
        t, z_t = threshold(whole_cols, np.take(sample.w, whole), linear)
        if linear:
            assert z_t is not None
            z_full = np.empty_like(z_t)
            z_full[sample.whole] = z_t
            t_totals = sample.psu_totals(slice(None), sample.w * z_full)

    totals = np.zeros((sample.design.n_totals, n_stat, n_dom)) if linear else None
    domain_cols = []
    for d in range(n_dom):
        rows = sample.slice(d)
        cols = {k: v[rows] for k, v in sample.cols.items()}
        domain_cols.append(cols)
        w = sample.w[rows]
        for j, stat in enumerate(stats):
            value, z, slope = stat.kernel(cols, w, t, linear)
            values[j, d] = value
            if totals is not None:
                assert z is not None
                totals[:, j, d] = sample.psu_totals(rows, w * z)
                if t_totals is not None and slope != 0.0:
                    totals[:, j, d] += slope * t_totals

    if totals is not None:
        var = linearized_variance(totals.reshape(totals.shape[0], -1), sample.design).reshape(
            n_stat, n_dom
        )
        thetas = None
    else:
        assert sample.spec is not None
        n_rep = sample.spec.n_replicates
        thetas = np.empty((n_rep, n_stat, n_dom))
        at_once = [isinstance(stat.kernel, Replicated) for stat in stats]
        for d in range(n_dom):
            rows = sample.slice(d)

            def by_group(
                codes: IntArray, groups: int, v: Sequence[FloatArray], rows: slice = rows
            ) -> FloatArray:
                return sample.replicate_totals(rows, codes, groups, v)

            for j, stat in enumerate(stats):
                kernel = stat.kernel
                if isinstance(kernel, Replicated):
                    thetas[:, j, d] = kernel.replicated(domain_cols[d], by_group)
        again = [j for j in range(n_stat) if not at_once[j]]
        for r in range(n_rep if again else 0):  # loop over replicates, each vectorised
            w_r = sample.replicate_weights(r)
            t_r = float("nan")
            if threshold is not None:
                t_r = threshold(whole_cols, w_r[sample.whole], False)[0]
            for d in range(n_dom):
                rows = sample.slice(d)
                for j in again:
                    thetas[r, j, d] = stats[j].kernel(domain_cols[d], w_r[rows], t_r, False)[0]
        var = replicate_variance(
            thetas.reshape(n_rep, -1), values.reshape(-1), sample.spec
        ).reshape(n_stat, n_dom)

    out: list[Estimate] = []
    for d in range(n_dom):
        rows = sample.slice(d)
        n = int(rows.stop - rows.start)
        population = float(sample.w[rows].sum())
        for j, stat in enumerate(stats):
            basis: LinearBasis | ReplicateBasis
            if totals is not None:
                basis = LinearBasis(totals=totals[:, j, d].copy(), design=sample.design)
            else:
                assert thetas is not None and sample.spec is not None
                basis = ReplicateBasis(
                    thetas=thetas[:, j, d].copy(), spec=sample.spec, key=sample.replicate_key
                )
            out.append(
                Estimate(
                    measure=stat.name,
                    value=float(values[j, d]),
                    se=float(np.sqrt(max(var[j, d], 0.0))),
                    n=n,
                    population=population,
                    domain=sample.domains[d],
                    variable=stat.variable,
                    method=sample.method,
                    basis=basis,
                )
            )
    return Estimates(out, by=sample.by)

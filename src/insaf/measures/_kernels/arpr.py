"""The at-risk-of-poverty rate and its linearized SE from the rows in table order.

The general path (``plans.arpr`` run by ``insaf.measures._engine.run``) sorts every
row by the variable and gathers every column by domain. The rate needs neither:
the median is found by selection (``selection.quantile``), each domain's rate,
bandwidth and PSU totals are weighted counts by domain code (``np.bincount``),
and the kernel densities read only the rows near the line and the median
(``selection.kernel_sums``). The numbers are the general path's, to rounding.

It serves linearization without calibration, with every unit kept (the ARPR
excludes none); ``applies`` says when. Its influence values are the general
path's: ``z_k = 1_D (1(poor) - ARPR_D)/N_D + f_D(t) z_t,k`` with ``z_t`` the
threshold's (``share (1/2 - 1(y <= med))/(N f(med))``, or ``share (y - mean)/N``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from insaf.errors import DataError, Location
from insaf.measures import _kept
from insaf.measures._kernels.quantile import CONSTANT
from insaf.measures._kernels.selection import Codes, kernel_sums, quantile
from insaf.measures._sample import check_domains
from insaf.measures.estimate import Estimate, Estimates, LinearBasis
from insaf.measures.types import Below, By, QuantileRule, RelativeOf
from insaf.measures.variance import DesignArrays, FloatArray, IntArray, linearized_variance
from insaf.survey.design import Design
from insaf.survey.survey import Level, Survey

__all__ = ["RelativeRate", "applies", "estimate", "rates"]

_SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True, kw_only=True)
class RelativeRate:
    """A plan's statistic is the share of each domain below ``share`` times the whole
    population's median or mean (the ARPR, the FGT0 of a relative line)."""

    share: float
    of: RelativeOf
    below: Below
    rule: QuantileRule


def applies(design: Design, variance: str) -> bool:
    """Whether ``variance`` resolves to linearization of uncalibrated weights."""
    if variance == "auto":
        variance = "replicates" if design.replicates is not None else "linearization"
    return variance == "linearization" and design.calibration is None


def estimate(
    survey: Survey,
    rate: RelativeRate,
    name: str,
    variable: str,
    *,
    by: By,
    unit: Level | str | None,
) -> Estimates:
    """The measure ``name`` (``rate``) of ``variable`` as its function gives it, when
    ``applies``: the survey's data read and checked as ``_sample.prepare`` does."""
    by_cols = [by] if isinstance(by, str) else list(by or [])
    level = _kept.unit_level(survey, unit)
    frame = survey.frame([variable], unit=level)
    y = _kept.numeric(frame, variable, Location(file=survey.path, column=variable), "y")
    kept = _kept.base(survey, level)
    found = _kept.domains(survey, level, by_cols)
    return rates(y, kept, found, rate, name, variable, Location(file=survey.path))


def rates(
    y: FloatArray,
    kept: _kept.Base,
    found: _kept.Domains,
    rate: RelativeRate,
    name: str,
    variable: str,
    where: Location,
) -> Estimates:
    """Each domain's ``rate`` of ``y`` (the units of ``kept``, in table order) with its
    linearized SE, as ``measure`` of ``variable``."""
    share, of, below, rule = rate.share, rate.of, rate.below, rate.rule
    w, design = kept.w, kept.design
    n_dom = len(found.labels)
    clusters, n_totals = design.total_codes, design.n_totals
    codes = found.codes
    if codes is None:
        key = clusters
    else:  # each unit's (cluster, domain) pair
        key = np.multiply(clusters, n_dom)
        key += codes
    by_domain = _Sums(key, codes, n_totals, n_dom)
    counts = by_domain(None).astype(np.int64)
    n_pop = by_domain(w)
    check_domains(found, counts, n_pop > 0, where)

    scratch = np.multiply(w, y)  # one array of n values, reused: each new one costs
    big_y = by_domain(scratch)
    scratch *= y
    sum_wyy = by_domain(scratch)
    h = _bandwidths(y, w, codes, n_pop, big_y, sum_wyy)
    n_all = float(n_pop.sum())
    z_t = scratch
    if of == "median":
        med = quantile(y, w, 0.5, rule)
        h_all = _bandwidths(
            y, w, None, np.array([n_all]), np.array([big_y.sum()]), np.array([sum_wyy.sum()])
        )
        f_med = float(kernel_sums(y, w, None, np.array([n_all]), med, h_all)[0])
        f_med = f_med / _SQRT_2PI / (n_all * float(h_all[0]))
        np.subtract(0.5, np.less_equal(y, med), out=z_t)  # as quantile.quantile_influence
        z_t /= n_all * f_med
        z_t *= share
        line = share * med
    else:
        mean = float(big_y.sum()) / n_all
        np.subtract(y, mean, out=z_t)
        z_t *= share
        z_t /= n_all
        line = share * mean
    z_t *= w
    t_totals = _cluster_totals(design, z_t)

    # the domains' z = (1(poor) - value_d) / N_d, summed by cluster
    poor = np.less(y, line) if below == "<" else np.less_equal(y, line)
    totals = _cell_totals(design, key, n_dom, np.multiply(w, poor, out=scratch))
    value = totals.sum(axis=0) / n_pop
    weight = _cell_totals(design, key, n_dom, w)
    weight *= value[None, :]
    totals -= weight
    totals /= n_pop[None, :]
    slope = kernel_sums(y, w, codes, n_pop, line, h) / _SQRT_2PI / (n_pop * h)
    totals += slope[None, :] * t_totals[:, None]
    var = linearized_variance(totals, design)
    return Estimates(
        [
            Estimate(
                measure=name,
                value=float(value[d]),
                se=float(np.sqrt(max(float(var[d]), 0.0))),
                n=int(counts[d]),
                population=float(n_pop[d]),
                domain=found.labels[d],
                variable=variable,
                method="linearization",
                basis=LinearBasis(totals=totals[:, d].copy(), design=design),
            )
            for d in range(n_dom)
        ],
        by=found.by,
    )


class _Sums:
    """Sums by domain of values of the units in table order: from their sums by
    (cluster, domain) ``key`` when there are fewer pairs than units, else by domain
    ``codes`` (``None``: one domain)."""

    def __init__(self, key: IntArray, codes: Codes | None, n_totals: int, n_dom: int) -> None:
        self.n_dom = n_dom
        self.pairs = n_totals * n_dom if n_totals * n_dom <= key.shape[0] else 0
        self.key = key
        self.codes = codes.astype(np.intp) if codes is not None and not self.pairs else codes

    def __call__(self, values: FloatArray | None) -> FloatArray:
        if self.codes is None:
            total = float(self.key.shape[0]) if values is None else float(values.sum())
            return np.array([total])
        if self.pairs:
            sums = np.bincount(self.key, weights=values, minlength=self.pairs)
            out: FloatArray = sums.reshape(-1, self.n_dom).sum(axis=0).astype(np.float64)
            return out
        found = np.bincount(self.codes, weights=values, minlength=self.n_dom)
        return found.astype(np.float64, copy=False)


def _cell_totals(design: DesignArrays, key: IntArray, n_dom: int, values: FloatArray) -> FloatArray:
    """Sums of ``values`` by cluster and domain, ``(clusters, domains)``."""
    if n_dom == 1:
        return _cluster_totals(design, values)[:, None]
    sums = np.bincount(key, weights=values, minlength=design.n_totals * n_dom)
    cells: FloatArray = sums.astype(np.float64, copy=False).reshape(design.n_totals, n_dom)
    return cells


def _cluster_totals(design: DesignArrays, values: FloatArray) -> FloatArray:
    """Sums of ``values`` (units in table order) by cluster: over each cluster's run
    of units when they come cluster by cluster, else a weighted count."""
    runs = design.runs
    if runs is None:
        totals = np.bincount(design.total_codes, weights=values, minlength=design.n_totals)
        return totals.astype(np.float64, copy=False)
    by_run = np.add.reduceat(values, runs)
    first = design.total_codes[runs]
    out = np.empty(design.n_totals)
    out[first] = by_run
    return out


def _bandwidths(
    y: FloatArray,
    w: FloatArray,
    codes: Codes | None,
    n_pop: FloatArray,
    big_y: FloatArray,
    sum_wyy: FloatArray,
) -> FloatArray:
    """convey's ``h = sd N^(-1/5)`` per domain (``quantile.bandwidth``); a domain
    whose values are all equal where its weights are positive is a ``DataError``,
    as a standard deviation of 0 is there."""
    var = (sum_wyy - big_y * big_y / n_pop) / n_pop
    sd = np.sqrt(np.maximum(var, 0.0))
    mean = big_y / n_pop
    for d in np.flatnonzero(~(sd > 1e-6 * np.abs(mean))).tolist():  # near 0: look closer
        mine = w > 0 if codes is None else (codes == d) & (w > 0)
        values = y[mine]
        if not sd[d] > 0 or values.min() == values.max():
            raise DataError(CONSTANT)
    out: FloatArray = sd / np.exp(0.2 * np.log(n_pop))
    return out

"""Ratios of weighted totals, by domain, with linearized standard errors, in one pass.

Every targeting metric is a ratio of two weighted totals over people (or a
difference of two such ratios): coverage ``sum w P B / sum w P``, shares of
benefits ``sum_D w t / sum w t``, FGT indices with an absolute line ``sum w
g^a / sum w``. For a ratio ``R_d = sum_{k in d} w_k y_k / sum_{k in d} w_k
x_k`` the influence values are R ``survey``'s (``svyratio``)::

    z_k = 1(k in d) (y_k - R_d x_k) / X_d

and the variance is ``insaf.measures.variance.linearized_variance`` of their
PSU totals ``t_hi = sum_{k in hi} w_k z_k`` (with-replacement ultimate
clusters, fpc and single-PSU rules of the design). The PSU totals of every
domain come from one ``np.bincount`` over ``psu * D + domain``. Each result is
an ``insaf.measures.Estimate`` carrying its PSU totals (``LinearBasis``), so
``insaf.measures.difference`` pairs two of them with the right covariance.

A ratio whose denominator is zero (a rule that selects nobody has no
"share of beneficiaries who are poor") is undefined: NaN, standard error NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from insaf._arrays import IntArray
from insaf.measures import Estimate
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import DesignArrays, FloatArray, linearized_variance

__all__ = ["Domains", "LinearBatch", "scaled"]


@dataclass(frozen=True, eq=False, kw_only=True)
class Domains:
    """A partition of the units: ``codes[k]`` in ``0..len(labels)-1``, or -1 (in none)."""

    name: str
    codes: IntArray
    labels: tuple[Any, ...]

    @property
    def size(self) -> int:
        return len(self.labels)


@dataclass(frozen=True, eq=False)
class _Cells:
    """Per (PSU, domain) cell index of every unit, and each domain's count and weight."""

    flat: IntArray
    weights: FloatArray  # the unit weights, 0 outside every domain
    n_domains: int
    counts: IntArray
    population: FloatArray
    complete: bool


class LinearBatch:
    """Ratio estimates over one design and one weight vector.

    The PSU totals of a domain ratio are ``t_pd = (Y_pd - R_d X_pd) / X_d`` with
    ``Y_pd``, ``X_pd`` the weighted sums of ``y`` and ``x`` in PSU ``p`` and
    domain ``d``: two ``bincount`` over a cell index kept per partition, and no
    per-unit influence array at all.
    """

    def __init__(self, design: DesignArrays, weight: FloatArray) -> None:
        self.design = design
        self.w = weight
        self.n = int(weight.shape[0])
        self._cells: dict[int, tuple[Domains, _Cells]] = {}
        self._whole = _Cells(
            flat=design.psu,
            weights=weight,
            n_domains=1,
            counts=np.array([self.n], dtype=np.int64),
            population=np.array([float(weight.sum())]),
            complete=True,
        )

    def _cells_of(self, domains: Domains | None) -> _Cells:
        if domains is None:
            return self._whole
        found = self._cells.get(id(domains))
        if found is not None and found[0] is domains:
            return found[1]
        n_dom = domains.size
        inside = domains.codes >= 0
        safe = np.where(inside, domains.codes, 0)
        complete = bool(inside.all())
        weights = self.w if complete else np.where(inside, self.w, 0.0)
        cells = _Cells(
            flat=self.design.psu * n_dom + safe,
            weights=weights,
            n_domains=n_dom,
            counts=np.bincount(safe[inside], minlength=n_dom).astype(np.int64),
            population=np.bincount(safe, weights=weights, minlength=n_dom).astype(np.float64),
            complete=complete,
        )
        self._cells[id(domains)] = (domains, cells)
        return cells

    def _sums(self, cells: _Cells, values: FloatArray | None) -> FloatArray:
        """Weighted sums ``(P, D)`` of ``values`` (1 when None) by PSU and domain."""
        weights = cells.weights if values is None else cells.weights * values
        size = self.design.n_psus * cells.n_domains
        out: FloatArray = np.bincount(cells.flat, weights=weights, minlength=size).astype(
            np.float64
        )
        return out.reshape(self.design.n_psus, cells.n_domains)

    def ratio(
        self,
        numerator: FloatArray,
        denominator: FloatArray | None = None,
        *,
        measure: str,
        domains: Domains | None = None,
        variable: str | None = None,
    ) -> list[Estimate]:
        """``sum_d w y / sum_d w x`` per domain (``x = 1``: a mean), with its SE."""
        cells = self._cells_of(domains)
        y_pd = self._sums(cells, numerator)
        x_pd = self._sums(cells, denominator)
        big_y, big_x = y_pd.sum(axis=0), x_pd.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(big_x != 0, big_y / big_x, np.nan)
            totals = np.where(big_x != 0, (y_pd - r * x_pd) / big_x, 0.0)
        var = linearized_variance(totals, self.design)
        out = []
        for d in range(cells.n_domains):
            value = float(r[d])
            se = math.sqrt(max(float(var[d]), 0.0)) if not math.isnan(value) else math.nan
            out.append(
                Estimate(
                    measure=measure,
                    value=value,
                    se=se,
                    n=int(cells.counts[d]),
                    population=float(cells.population[d]),
                    domain=None if domains is None else {domains.name: domains.labels[d]},
                    variable=variable,
                    basis=LinearBasis(totals=totals[:, d].copy(), design=self.design),
                )
            )
        return out

    def shares(self, values: FloatArray, domains: Domains, *, measure: str) -> list[Estimate]:
        """Each domain's share of the whole total: ``sum_d w y / sum w y``.

        Influence ``(y 1(k in d) - S_d y) / Y`` (a ratio whose denominator is the
        whole population's total): PSU totals ``(Y_pd - S_d Y_p) / Y``."""
        cells = self._cells_of(domains)
        by_psu = self._sums(cells, values)
        whole = (
            by_psu.sum(axis=1)
            if cells.complete
            else np.bincount(self.design.psu, weights=self.w * values, minlength=by_psu.shape[0])
        )
        big_y = float(whole.sum())
        n_dom = cells.n_domains
        if big_y == 0:
            s = np.full(n_dom, np.nan)
            totals = np.zeros_like(by_psu)
        else:
            s = by_psu.sum(axis=0) / big_y
            totals = (by_psu - whole[:, None] * s[None, :]) / big_y
        var = linearized_variance(totals, self.design)
        return [
            Estimate(
                measure=measure,
                value=float(s[d]),
                se=math.sqrt(max(float(var[d]), 0.0)) if big_y != 0 else math.nan,
                n=int(cells.counts[d]),
                population=float(cells.population[d]),
                domain={domains.name: domains.labels[d]},
                basis=LinearBasis(totals=totals[:, d].copy(), design=self.design),
            )
            for d in range(n_dom)
        ]

    def one(
        self,
        numerator: FloatArray,
        denominator: FloatArray | None = None,
        *,
        measure: str,
        variable: str | None = None,
    ) -> Estimate:
        """The ratio over the whole population."""
        return self.ratio(numerator, denominator, measure=measure, variable=variable)[0]

    def total(self, values: FloatArray, *, measure: str, factor: float = 1.0) -> Estimate:
        """``factor * sum w y`` (influence ``factor * y``)."""
        totals = np.bincount(
            self.design.psu, weights=self.w * values * factor, minlength=self.design.n_psus
        ).astype(np.float64)
        var = float(linearized_variance(totals, self.design))
        return Estimate(
            measure=measure,
            value=float(np.dot(self.w, values)) * factor,
            se=math.sqrt(max(var, 0.0)),
            n=self.n,
            population=float(self.w.sum()),
            basis=LinearBasis(totals=totals, design=self.design),
        )


def scaled(e: Estimate, factor: float, measure: str, shift: float = 0.0) -> Estimate:
    """``shift + factor * e`` under a new name (same influence, times ``factor``)."""
    basis = e.basis
    if isinstance(basis, LinearBasis):
        basis = LinearBasis(totals=basis.totals * factor, design=basis.design)
    return Estimate(
        measure=measure,
        value=shift + e.value * factor,
        se=e.se * abs(factor),
        n=e.n,
        population=e.population,
        domain=e.domain,
        variable=e.variable,
        basis=basis,
    )

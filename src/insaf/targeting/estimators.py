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
import numpy.typing as npt

from insaf.measures import Estimate
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import DesignArrays, FloatArray, linearized_variance

__all__ = ["Domains", "LinearBatch", "scaled"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False, kw_only=True)
class Domains:
    """A partition of the units: ``codes[k]`` in ``0..len(labels)-1``, or -1 (in none)."""

    name: str
    codes: IntArray
    labels: tuple[Any, ...]

    @property
    def size(self) -> int:
        return len(self.labels)


class LinearBatch:
    """Ratio estimates over one design and one weight vector."""

    def __init__(self, design: DesignArrays, weight: FloatArray) -> None:
        self.design = design
        self.w = weight
        self.n = int(weight.shape[0])

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
        w = self.w
        x = np.ones(self.n) if denominator is None else denominator
        if domains is None:
            codes = np.zeros(self.n, dtype=np.int64)
            n_dom = 1
        else:
            codes = domains.codes
            n_dom = domains.size
        inside = codes >= 0
        safe = np.where(inside, codes, 0)
        wy = np.where(inside, w * numerator, 0.0)
        wx = np.where(inside, w * x, 0.0)
        big_y = np.bincount(safe, weights=wy, minlength=n_dom)
        big_x = np.bincount(safe, weights=wx, minlength=n_dom)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(big_x != 0, big_y / big_x, np.nan)
            wz = np.where(inside & (big_x[safe] != 0), (wy - r[safe] * wx) / big_x[safe], 0.0)
        size = self.design.n_psus * n_dom
        flat = np.bincount(self.design.psu * n_dom + safe, weights=wz, minlength=size)
        totals: FloatArray = flat.astype(np.float64).reshape(self.design.n_psus, n_dom)
        var = linearized_variance(totals, self.design)
        counts = np.bincount(safe[inside], minlength=n_dom)
        population = np.bincount(safe, weights=np.where(inside, w, 0.0), minlength=n_dom)
        out = []
        for d in range(n_dom):
            value = float(r[d])
            se = math.sqrt(max(float(var[d]), 0.0)) if not math.isnan(value) else math.nan
            out.append(
                Estimate(
                    measure=measure,
                    value=value,
                    se=se,
                    n=int(counts[d]),
                    population=float(population[d]),
                    domain=None if domains is None else {domains.name: domains.labels[d]},
                    variable=variable,
                    basis=LinearBasis(totals=totals[:, d].copy(), design=self.design),
                )
            )
        return out

    def shares(self, values: FloatArray, domains: Domains, *, measure: str) -> list[Estimate]:
        """Each domain's share of the whole total: ``sum_d w y / sum w y``.

        Influence ``(y 1(k in d) - S_d y) / Y`` (a ratio whose denominator is the
        whole population's total)."""
        w = self.w
        n_dom = domains.size
        codes = domains.codes
        inside = codes >= 0
        safe = np.where(inside, codes, 0)
        wy = w * values
        big_y = float(wy.sum())
        part = np.bincount(safe, weights=np.where(inside, wy, 0.0), minlength=n_dom)
        p = self.design.n_psus
        by_psu = np.bincount(
            self.design.psu * n_dom + safe, weights=np.where(inside, wy, 0.0), minlength=p * n_dom
        ).reshape(p, n_dom)
        whole = np.bincount(self.design.psu, weights=wy, minlength=p)
        if big_y == 0:
            s = np.full(n_dom, np.nan)
            totals = np.zeros((p, n_dom))
        else:
            s = part / big_y
            totals = (by_psu - whole[:, None] * s[None, :]) / big_y
        var = linearized_variance(totals, self.design)
        counts = np.bincount(safe[inside], minlength=n_dom)
        population = np.bincount(safe, weights=np.where(inside, w, 0.0), minlength=n_dom)
        return [
            Estimate(
                measure=measure,
                value=float(s[d]),
                se=math.sqrt(max(float(var[d]), 0.0)) if big_y != 0 else math.nan,
                n=int(counts[d]),
                population=float(population[d]),
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

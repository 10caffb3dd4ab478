"""Concentration coefficients of many columns along one ranking, the ranks computed once.

The incidence measures every instrument's concentration along market income
(``insaf.policy.incidence``). Each is the ``concentration`` statistic of
``insaf.measures`` (mid-point ranks of ``x``, ties sharing one rank)::

    C = 2 sum_k w_k y_k R_k / (N Y) - 1,   R_k = (weight before k's tie) + w_tie / 2

whose ranks, tie groups and sort depend on ``x`` and the weights only. Here they
are computed once for all the columns, and each column costs its sums and its
influence values ``z_k = (2 (y_k R_k + A_k + Y_g / 2) - (C + 1)(Y + N y_k)) / (N Y)``
(``A_k`` the sum of ``w y`` over later tie groups, ``Y_g`` over ``k``'s), summed by
PSU, as the statistic computes them one column at a time
(``tests/policy/test_concentration.py`` checks they are equal).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from insaf.errors import DataError, said
from insaf.measures import Estimate, GiniEstimator
from insaf.measures._kernels.arrays import dot, sorted_order
from insaf.measures._kernels.inequality import gini as gini_kernel
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import DesignArrays, FloatArray, IntArray, linearized_variance

__all__ = ["concentrations_along", "gini_along", "stable_order"]


def concentrations_along(
    columns: Mapping[str, FloatArray],
    x: FloatArray,
    w: FloatArray,
    arrays: DesignArrays,
    *,
    rank_by: str,
    gini: GiniEstimator | None = None,
) -> dict[tuple[str, ...], Estimate] | None:
    """The linearized concentration coefficient of each of ``columns`` along ``x``
    (named ``rank_by``), with weights ``w`` and the design ``arrays`` (of the same
    rows, one stage), as ``insaf.measures.concentration`` gives it, keyed
    ``(column, "concentration")``; with ``gini``, also the Gini of ``x`` itself from
    the same sort (``insaf.measures.gini``'s kernel), keyed ``(rank_by, "gini")``.
    ``None`` when a value is missing or infinite (the general path then says which)."""
    if not columns and gini is None:
        return {}
    if arrays.second is not None or not np.all(np.isfinite(x)) or not np.all(np.isfinite(w)):
        return None
    if not all(np.all(np.isfinite(y)) for y in columns.values()):
        return None
    order, xs = sorted_order(x)
    ws = np.take(w, order)
    psu = np.take(arrays.psu, order)
    new = np.empty(xs.shape[0], dtype=bool)
    new[:1] = True
    new[1:] = xs[1:] != xs[:-1]
    group = np.cumsum(new) - 1
    w_g = np.bincount(group, weights=ws)
    before = np.cumsum(w_g) - w_g
    rank = (before + w_g / 2.0)[group]  # N F_mid(x_k)
    n_pop = float(ws.sum())
    totals = np.empty((arrays.n_psus, len(columns)))
    values: list[float] = []
    # the formulas of insaf.measures' kernel, in the same order, in four arrays reused
    # by every column (the same numbers, without a new array per step)
    size = xs.shape[0]
    ys, wy, da, step = (np.empty(size) for _ in range(4))
    for j, y in enumerate(columns.values()):
        np.take(y, order, out=ys)
        np.multiply(ws, ys, out=wy)
        big_y = float(wy.sum())
        if big_y == 0:
            raise DataError(
                said("the concentration coefficient needs a non-zero total of the variable")
            )
        c = 2.0 * float(dot(wy, rank)) / (n_pop * big_y) - 1.0
        wy_g: FloatArray = np.bincount(group, weights=wy).astype(np.float64, copy=False)
        later = np.cumsum(wy_g)
        np.subtract(big_y, later, out=later)  # sum of w y over later groups
        np.multiply(ys, rank, out=da)  # da = y R + later + own group / 2
        da += np.take(later, group, out=step)
        wy_g /= 2.0
        da += np.take(wy_g, group, out=step)
        np.multiply(ys, n_pop, out=step)  # z = (2 da - (C + 1)(Y + N y)) / (N Y)
        step += big_y
        step *= c + 1.0
        da *= 2.0
        da -= step
        da /= n_pop * big_y
        da *= ws
        totals[:, j] = np.bincount(psu, weights=da, minlength=arrays.n_psus)
        values.append(c)
    n = int(x.shape[0])
    out: dict[tuple[str, ...], Estimate] = {}
    if gini is not None:
        g, z_g, _ = gini_kernel(gini)({"y": xs}, ws, math.nan, True)
        assert z_g is not None
        wz = np.asarray(np.bincount(psu, weights=ws * z_g, minlength=arrays.n_psus), float)
        out[rank_by, "gini"] = _estimate("gini", g, wz, arrays, n, n_pop, rank_by)
    if columns:
        var = linearized_variance(totals, arrays)
        for j, name in enumerate(columns):
            basis = LinearBasis(totals=totals[:, j].copy(), design=arrays)
            out[name, "concentration"] = Estimate(
                measure="concentration",
                value=values[j],
                se=float(np.sqrt(max(float(var[j]), 0.0))),
                n=n,
                population=n_pop,
                variable=f"{name}|{rank_by}",
                basis=basis,
            )
    return out


def _estimate(
    measure: str,
    value: float,
    totals: FloatArray,
    arrays: DesignArrays,
    n: int,
    population: float,
    variable: str,
) -> Estimate:
    var = float(linearized_variance(totals[:, None], arrays)[0])
    return Estimate(
        measure=measure,
        value=float(value),
        se=float(np.sqrt(max(var, 0.0))),
        n=n,
        population=population,
        variable=variable,
        basis=LinearBasis(totals=totals, design=arrays),
    )


def stable_order(values: FloatArray, hints: Sequence[IntArray] = ()) -> tuple[IntArray, FloatArray]:
    """``np.argsort(values, kind="stable")`` (``values`` finite) and the values in that
    order, from the first of ``hints`` (orders of similar values) that gives it: the
    hint itself when the values are non-decreasing along it, else the hint re-sorted
    when few of its steps go down (a stable sort of nearly sorted values is one pass);
    kept only if tied values are in the order of their rows, which makes it the stable
    order (the only order with both properties). Else ``sorted_order``. A welfare
    after rounding or a small change keeps nearly its order: no full sort."""
    for hint in hints:
        if hint.shape != values.shape or hint.size < 2:
            continue
        ranked = np.take(values, hint)
        falls = int(np.count_nonzero(ranked[1:] < ranked[:-1]))
        if falls > hint.size // 100:
            continue
        order = hint
        if falls:
            order = hint[np.argsort(ranked, kind="stable")]
            ranked = np.take(values, order)
        tied = ranked[1:] == ranked[:-1]
        if np.all(order[1:][tied] > order[:-1][tied]):
            return order, ranked
    return sorted_order(values)


def gini_along(
    y: FloatArray,
    w: FloatArray,
    arrays: DesignArrays,
    order: IntArray,
    *,
    estimator: GiniEstimator,
    variable: str,
    ranked: FloatArray | None = None,
) -> Estimate:
    """The linearized Gini of ``y`` over rows in ``order`` (its stable sort, from
    ``stable_order``, with ``ranked`` the values in that order if known), with
    weights ``w`` and design ``arrays`` of one stage: ``insaf.measures.gini``'s
    kernel and PSU totals, as ``insaf.measures.gini`` gives it."""
    ws = np.take(w, order)
    ys = np.take(y, order) if ranked is None else ranked
    g, z, _ = gini_kernel(estimator)({"y": ys}, ws, math.nan, True)
    assert z is not None
    psu = np.take(arrays.psu, order)
    wz = np.asarray(np.bincount(psu, weights=ws * z, minlength=arrays.n_psus), float)
    return _estimate("gini", g, wz, arrays, int(y.shape[0]), float(ws.sum()), variable)

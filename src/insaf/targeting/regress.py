"""Weighted least squares from cross-product matrices: OLS, forward stepwise, lasso.

For rows ``a_k = (1, x_k1..x_kp, y_k)`` and weights ``w_k``, the cross-product
(Gram) matrix ``G = sum_k w_k a_k a_k'`` holds everything a linear fit needs:

- OLS on columns ``S`` (with the intercept): ``G[S,S] b = G[S,y]``;
- the weighted sum of squared residuals of any coefficients ``b``:
  ``theta' G theta`` with ``theta = (-b, 1)`` on ``(S, y)``;
- a fold's training matrix is the total minus the fold's own.

So the data are read once per fold (``grams``), and model selection and
cross-validation are small dense computations. ``lstsq`` solves the normal
equations, so a column that is constant zero in a training fold (a rare level)
gets coefficient 0 instead of an error.

Forward stepwise adds, at each step, the proxy (all its columns) that lowers
``BIC = n ln(SSE/W) + k ln(n)`` most (``n`` households, ``W`` their total
weight, ``k`` coefficients), and stops when none does. The lasso minimises
``(1/2W) sum w (y - a - x b)^2 + lambda sum_j s_j |b_j|`` (``s_j`` the weighted
standard deviation of column ``j``: the penalty of standardised columns) by
cyclic coordinate descent on the standardised covariance matrix (Friedman,
Hastie and Tibshirani 2010, "covariance updates").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from insaf._arrays import IntArray
from insaf.measures.variance import FloatArray

__all__ = ["grams", "lasso_path", "ols", "sse", "stepwise"]

CHUNK = 16_384


def grams(a: FloatArray, w: FloatArray, bounds: IntArray) -> FloatArray:
    """``G[c] = sum_{k in c} w_k a_k a_k'`` for cells of consecutive rows
    ``bounds[c]:bounds[c+1]``, shape ``(C, q, q)`` (rows read in chunks, in order)."""
    q = a.shape[1]
    n_cells = bounds.shape[0] - 1
    out = np.zeros((n_cells, q, q))
    for c in range(n_cells):  # loop over cells (folds x groups) and row chunks
        for start in range(int(bounds[c]), int(bounds[c + 1]), CHUNK):
            stop = min(start + CHUNK, int(bounds[c + 1]))
            block = a[start:stop]
            out[c] += block.T @ (block * w[start:stop, None])
    return out


def ols(g: FloatArray, columns: Sequence[int]) -> FloatArray:
    """Coefficients on ``columns`` of ``g`` (0 is the intercept; the last is y)."""
    s = np.asarray(columns, dtype=np.int64)
    y = g.shape[0] - 1
    beta, *_ = np.linalg.lstsq(g[np.ix_(s, s)], g[s, y], rcond=None)
    out: FloatArray = beta
    return out


def sse(g: FloatArray, columns: Sequence[int], beta: FloatArray) -> float:
    """Weighted sum of squared residuals of ``beta`` on ``columns``, from ``g``."""
    theta = np.zeros(g.shape[0])
    theta[np.asarray(columns, dtype=np.int64)] = -beta
    theta[-1] = 1.0
    value = float(theta @ g @ theta)
    return max(value, 0.0)


def stepwise(g: FloatArray, blocks: Sequence[Sequence[int]], n_obs: int) -> list[int]:
    """Forward selection of ``blocks`` (column groups) by BIC; the chosen block indices."""
    weight = g[0, 0]
    chosen: list[int] = []
    columns = [0]
    best = n_obs * np.log(max(sse(g, columns, ols(g, columns)) / weight, 1e-300)) + np.log(n_obs)
    while True:
        candidates = [b for b in range(len(blocks)) if b not in chosen]
        if not candidates:
            return chosen
        scores = []
        for b in candidates:
            cols = columns + list(blocks[b])
            rss = sse(g, cols, ols(g, cols))
            scores.append(n_obs * np.log(max(rss / weight, 1e-300)) + len(cols) * np.log(n_obs))
        i = int(np.argmin(scores))
        if scores[i] >= best:
            return chosen
        best = scores[i]
        chosen.append(candidates[i])
        columns = columns + list(blocks[candidates[i]])


def _standardised(g: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float]:
    """Correlation-scale ``R`` (p, p), ``r`` (p,), column means, sds, and mean of y."""
    weight = g[0, 0]
    mean = g[0] / weight
    cov = g / weight - np.outer(mean, mean)
    p = g.shape[0] - 2
    var = np.diag(cov)[1 : p + 1].copy()
    sd = np.sqrt(np.maximum(var, 0.0))
    top = float(sd.max()) if sd.size else 0.0
    live = sd > 1e-12 * max(1.0, top)
    safe = np.where(live, sd, 1.0)
    big_r = cov[1 : p + 1, 1 : p + 1] / np.outer(safe, safe)
    r = cov[1 : p + 1, p + 1] / safe
    big_r[~live, :] = 0.0
    big_r[:, ~live] = 0.0
    r[~live] = 0.0
    return big_r, r, mean[1 : p + 1], np.where(live, sd, 0.0), float(mean[p + 1])


def _sweep(
    big_r: FloatArray, r: FloatArray, diag: FloatArray, b: FloatArray, lam: float, cols: list[int]
) -> float:
    """One pass of coordinate descent over ``cols``; the largest change."""
    biggest = 0.0
    for j in cols:  # coordinate descent over columns (p is small)
        rho = r[j] - float(big_r[j] @ b) + diag[j] * b[j]
        new = (rho - lam if rho > lam else rho + lam if rho < -lam else 0.0) / diag[j]
        change = abs(new - b[j])
        if change > biggest:
            biggest = change
        b[j] = new
    return biggest


def lasso_path(
    g: FloatArray, lambdas: FloatArray, *, tol: float = 1e-7, max_iter: int = 10_000
) -> FloatArray:
    """Coefficients ``(L, p + 1)`` (intercept first) along ``lambdas`` (descending).

    Warm starts along the path, and active-set cycling: sweep the non-zero
    coefficients until they settle, then all columns once; stop when a full
    sweep changes nothing by more than ``tol``."""
    big_r, r, mean, sd, mean_y = _standardised(g)
    p = r.shape[0]
    b = np.zeros(p)
    out = np.zeros((lambdas.shape[0], p + 1))
    diag = np.diag(big_r).copy()
    every = [j for j in range(p) if diag[j] > 0]
    for i, lam in enumerate(lambdas):
        for _ in range(max_iter):
            if _sweep(big_r, r, diag, b, float(lam), every) < tol:
                break
            active = [j for j in every if b[j] != 0.0]
            for _ in range(max_iter):
                if _sweep(big_r, r, diag, b, float(lam), active) < tol:
                    break
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = np.where(sd > 0, b / np.where(sd > 0, sd, 1.0), 0.0)
        out[i, 0] = mean_y - float(beta @ mean)
        out[i, 1:] = beta
    return out


def lambda_grid(g: FloatArray, n: int = 40, ratio: float = 1e-3) -> FloatArray:
    """``n`` penalties from the smallest that keeps every coefficient at 0, down by ``ratio``."""
    _, r, *_ = _standardised(g)
    top = float(np.max(np.abs(r))) if r.size else 1.0
    grid: FloatArray = np.geomspace(max(top, 1e-12), max(top, 1e-12) * ratio, n)
    return grid

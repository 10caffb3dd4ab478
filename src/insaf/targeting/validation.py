"""Honest validation of a proxy-means test: out-of-sample fit and targeting errors.

Predictions are *out of sample*: each household's prediction comes from a model
fitted without its PSU (k-fold cross-validation by PSU within strata, or a
held-out test set of PSUs; ``insaf.targeting.folds``). With ``y`` log welfare
per person, ``p`` the prediction and ``w`` the regression weights:

- ``r2 = 1 - sum w (y - p)^2 / sum w (y - ybar)^2`` (``ybar`` the weighted mean of
  the data scored: out-of-sample R², which can be negative);
- ``rmse = sqrt(sum w (y - p)^2 / sum w)``;
- ``spearman``: the weighted correlation of the mid-point weighted ranks of
  ``y`` and ``p`` (ties are not averaged: welfare and scores are continuous);
- error curves at coverage ``c`` (10 % to 60 %): the people (weights ``w_h n_h``)
  with the lowest scores, ``share(p) < c``, are selected; exclusion error
  ``1 - sum wP S / sum wP`` and inclusion error ``sum w(1-P) S / sum w S``, for
  ``P`` the poorest ``c`` (``share(y) < c``: the definition for which a perfect
  ranking makes both errors zero) and ``P`` below the poverty line.

Confidence intervals: percentile intervals over ``replicates`` bootstrap
samples that draw ``n_h`` PSUs with replacement in each stratum (R's
``bootweights``), deterministic for a ``seed``; the predictions are held
fixed (the interval is for the performance of *this* model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from insaf.measures.variance import DesignArrays, FloatArray
from insaf.targeting.folds import bootstrap_factors_for

__all__ = ["COVERAGES", "fit_metrics", "validate_predictions"]

COVERAGES: tuple[float, ...] = tuple(round(0.10 + 0.05 * i, 2) for i in range(11))
"""Coverage rates of the error curves: 10 %, 15 %, ..., 60 %."""

SCALARS = ("r2", "rmse", "spearman")
CURVES = ("exclusion_poorest", "inclusion_poorest", "exclusion_line", "inclusion_line")


def _shares(order: np.ndarray[Any, Any], w: FloatArray) -> FloatArray:
    sorted_w = w[order]
    cumulative = np.cumsum(sorted_w)
    total = cumulative[-1] if cumulative.size and cumulative[-1] > 0 else 1.0
    out = np.empty(w.shape[0])
    out[order] = (cumulative - 0.5 * sorted_w) / total
    return out


class _Scorer:
    """Metrics of fixed predictions under any weights (the full sample or a replicate)."""

    def __init__(
        self,
        y: FloatArray,
        pred: FloatArray,
        line_poor: FloatArray | None,
        coverages: Sequence[float],
    ) -> None:
        self.y = y
        self.pred = pred
        self.line_poor = line_poor
        self.levels = np.asarray(coverages, dtype=np.float64)
        self.order_y = np.argsort(y, kind="stable")
        self.order_p = np.argsort(pred, kind="stable")

    def _cum(self, position: FloatArray, weights: FloatArray) -> FloatArray:
        """``sum w 1(position < c)`` for every level ``c``."""
        index = np.searchsorted(self.levels, position, side="right")
        counts = np.bincount(index, weights=weights, minlength=self.levels.size + 1)
        out: FloatArray = np.cumsum(counts, dtype=np.float64)[: self.levels.size]
        return out

    def __call__(self, w: FloatArray, wp: FloatArray) -> dict[str, FloatArray]:
        y, p = self.y, self.pred
        total = float(w.sum())
        resid = y - p
        mean_y = float(np.dot(w, y)) / total
        ss_res = float(np.dot(w, resid * resid))
        ss_tot = float(np.dot(w, (y - mean_y) ** 2))
        ry = _shares(self.order_y, w)
        rp = _shares(self.order_p, w)
        my, mp = float(np.dot(w, ry)) / total, float(np.dot(w, rp)) / total
        cov = float(np.dot(w, (ry - my) * (rp - mp)))
        sy = float(np.dot(w, (ry - my) ** 2))
        sp = float(np.dot(w, (rp - mp) ** 2))
        out = {
            "r2": np.array(1.0 - ss_res / ss_tot if ss_tot > 0 else np.nan),
            "rmse": np.array(np.sqrt(ss_res / total)),
            "spearman": np.array(cov / np.sqrt(sy * sp) if sy > 0 and sp > 0 else np.nan),
        }
        sy_p = _shares(self.order_y, wp)
        sp_p = _shares(self.order_p, wp)
        selected = self._cum(sp_p, wp)
        poor = self._cum(sy_p, wp)
        both = self._cum(np.maximum(sy_p, sp_p), wp)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["exclusion_poorest"] = 1.0 - both / poor
            out["inclusion_poorest"] = (selected - both) / selected
            if self.line_poor is not None:
                lp = wp * self.line_poor
                hit = self._cum(sp_p, lp)
                out["exclusion_line"] = 1.0 - hit / float(lp.sum())
                out["inclusion_line"] = (selected - hit) / selected
        return out


def fit_metrics(y: FloatArray, pred: FloatArray, w: FloatArray) -> dict[str, float]:
    """In-sample R² and RMSE (weighted)."""
    total = float(w.sum())
    resid = y - pred
    mean_y = float(np.dot(w, y)) / total
    ss_res = float(np.dot(w, resid * resid))
    ss_tot = float(np.dot(w, (y - mean_y) ** 2))
    return {"r2": 1.0 - ss_res / ss_tot, "rmse": float(np.sqrt(ss_res / total))}


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 10)


def validate_predictions(
    y: FloatArray,
    pred: FloatArray,
    w: FloatArray,
    people: FloatArray,
    design: DesignArrays,
    *,
    line_poor: FloatArray | None = None,
    coverages: Sequence[float] = COVERAGES,
    replicates: int = 100,
    seed: int = 1,
    level: float = 0.95,
) -> dict[str, Any]:
    """Out-of-sample metrics with bootstrap percentile intervals (JSON-ready)."""
    scorer = _Scorer(y, pred, line_poor, coverages)
    point = scorer(w, people)
    draws: dict[str, list[FloatArray]] = {k: [] for k in point}
    if replicates > 1:
        factors = bootstrap_factors_for(design, replicates, seed)
        for r in range(replicates):  # loop over replicates, each vectorised
            f = factors[design.psu, r]
            for k, v in scorer(w * f, people * f).items():
                draws[k].append(v)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2

    def interval(k: str) -> tuple[FloatArray, FloatArray]:
        if not draws[k]:
            nan = np.full(np.shape(point[k]), np.nan)
            return nan, nan
        stack = np.asarray(draws[k])
        return np.nanpercentile(stack, lo, axis=0), np.nanpercentile(stack, hi, axis=0)

    out: dict[str, Any] = {"replicates": replicates, "seed": seed, "confidence": level}
    for k in SCALARS:
        low, high = interval(k)
        out[k] = {
            "estimate": _num(float(point[k])),
            "ci_low": _num(float(low)),
            "ci_high": _num(float(high)),
        }
    curve: list[dict[str, Any]] = []
    bounds = {k: interval(k) for k in CURVES if k in point}
    for i, c in enumerate(coverages):
        row: dict[str, Any] = {"coverage": c}
        for k, (low, high) in bounds.items():
            row[k] = {
                "estimate": _num(float(point[k][i])),
                "ci_low": _num(float(low[i])),
                "ci_high": _num(float(high[i])),
            }
        curve.append(row)
    out["curve"] = curve
    return out

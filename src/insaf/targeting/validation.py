"""Honest validation of a proxy-means test: out-of-sample fit and targeting errors.

Predictions are *out of sample*: each household's prediction comes from a model
fitted without its PSU (k-fold cross-validation by PSU within strata, or a
held-out test set of PSUs; ``insaf.targeting.folds``). With ``y`` log welfare
per person, ``p`` the prediction and ``w`` the regression weights:

- ``r2 = 1 - sum w (y - p)^2 / sum w (y - ybar)^2`` (``ybar`` the weighted mean of
  the data scored: out-of-sample R², which can be negative);
- ``rmse = sqrt(sum w (y - p)^2 / sum w)``;
- ``spearman``: the correlation, over people (weights ``w_h n_h``), of the
  mid-point people-weighted ranks of ``y`` and ``p`` (ties are not averaged:
  welfare and scores are continuous);
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

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from insaf._arrays import IntArray
from insaf.measures.variance import DesignArrays, FloatArray
from insaf.targeting.folds import bootstrap_factors_for

__all__ = ["COVERAGES", "fit_metrics", "validate_predictions"]

COVERAGES: tuple[float, ...] = tuple(round(0.10 + 0.05 * i, 2) for i in range(11))
"""Coverage rates of the error curves: 10 %, 15 %, ..., 60 %."""

SCALARS = ("r2", "rmse", "spearman")
CURVES = ("exclusion_poorest", "inclusion_poorest", "exclusion_line", "inclusion_line")


class _Scorer:
    """Metrics of fixed predictions under any PSU weight factors (None: the full sample).

    Everything is kept in two sorted orders (by ``y`` and by the prediction),
    so a replicate needs only sequential passes and two gathers: its weights in
    each order are the sorted weights times the factor of each row's PSU.
    """

    def __init__(
        self,
        y: FloatArray,
        pred: FloatArray,
        w: FloatArray,
        people: FloatArray,
        psu: IntArray,
        line_poor: FloatArray | None,
        coverages: Sequence[float],
    ) -> None:
        self.levels = np.asarray(coverages, dtype=np.float64)
        oy = np.argsort(y, kind="stable")
        op = np.argsort(pred, kind="stable")
        inverse = np.empty_like(op)
        inverse[op] = np.arange(op.size)
        self.p_of_y = inverse[oy]  # position in prediction order of each row in y order
        # R² and RMSE are sums over PSUs: sum w, w y, w y^2, w (y - p)^2 per PSU
        n_psu = int(psu.max()) + 1 if psu.size else 0
        self.psu_sums = np.column_stack(
            [
                np.bincount(psu, weights=v, minlength=n_psu)
                for v in (w, w * y, w * y * y, w * (y - pred) ** 2)
            ]
        )
        self.people_y, self.people_p = people[oy], people[op]
        self.psu_y, self.psu_p = psu[oy], psu[op]
        self.line_p = None if line_poor is None else line_poor[op]

    def _entry(
        self, cumulative: FloatArray, weights: FloatArray
    ) -> tuple[IntArray, npt.NDArray[np.int8], FloatArray]:
        """Sorted rows with mid-point share ``< c`` for each level ``c``: the prefix
        lengths, each row's first level (``levels.size`` when none), and the shares."""
        shares = (cumulative - 0.5 * weights) / (cumulative[-1] if cumulative[-1] > 0 else 1.0)
        lengths = np.searchsorted(shares, self.levels, side="left").astype(np.int64)
        widths = np.diff(np.concatenate([[0], lengths, [shares.size]]))
        entry = np.repeat(np.arange(self.levels.size + 1, dtype=np.int8), widths)
        return lengths, entry, shares

    def __call__(self, factors: FloatArray | None) -> dict[str, FloatArray]:
        if factors is None:
            people_y, people_p = self.people_y, self.people_p
            total, wy, wy2, ss_res = self.psu_sums.sum(axis=0)
        else:
            people_y = self.people_y * factors[self.psu_y]
            people_p = self.people_p * factors[self.psu_p]
            total, wy, wy2, ss_res = factors @ self.psu_sums
        ss_tot = wy2 - wy * wy / total
        cum_y = np.cumsum(people_y)
        cum_p = np.cumsum(people_p)
        len_y, entry_y, ry = self._entry(cum_y, people_y)
        len_p, entry_p, rp_sorted = self._entry(cum_p, people_p)
        rp = rp_sorted[self.p_of_y]
        n_people = float(cum_y[-1])
        wry = people_y * ry
        my, mp = float(wry.sum()) / n_people, float(np.dot(people_y, rp)) / n_people
        cov = float(np.dot(wry, rp)) - n_people * my * mp
        sy = float(np.dot(wry, ry)) - n_people * my * my
        sp = float(np.dot(people_y * rp, rp)) - n_people * mp * mp
        out = {
            "r2": np.array(1.0 - ss_res / ss_tot if ss_tot > 0 else np.nan),
            "rmse": np.array(np.sqrt(ss_res / total)),
            "spearman": np.array(cov / np.sqrt(sy * sp) if sy > 0 and sp > 0 else np.nan),
        }
        poor = np.where(len_y > 0, cum_y[np.maximum(len_y - 1, 0)], 0.0)
        selected = np.where(len_p > 0, cum_p[np.maximum(len_p - 1, 0)], 0.0)
        later = np.maximum(entry_y, entry_p[self.p_of_y])
        both = np.cumsum(np.bincount(later, weights=people_y, minlength=self.levels.size + 1))
        both = both[: self.levels.size]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["exclusion_poorest"] = 1.0 - both / poor
            out["inclusion_poorest"] = (selected - both) / selected
            if self.line_p is not None:
                hit_cum = np.cumsum(people_p * self.line_p)
                hit = np.where(len_p > 0, hit_cum[np.maximum(len_p - 1, 0)], 0.0)
                out["exclusion_line"] = 1.0 - hit / float(hit_cum[-1])
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
    scorer = _Scorer(y, pred, w, people, design.psu, line_poor, coverages)
    point = scorer(None)
    draws: dict[str, list[FloatArray]] = {k: [] for k in point}
    if replicates > 1:
        factors = bootstrap_factors_for(design, replicates, seed)
        columns = [np.ascontiguousarray(factors[:, r]) for r in range(replicates)]
        # replicates are independent: two threads (numpy releases the GIL in its loops)
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            for result in pool.map(scorer, columns):
                for k, v in result.items():
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
            "value": _num(float(point[k])),
            "ci_low": _num(float(low)),
            "ci_high": _num(float(high)),
        }
    curve: list[dict[str, Any]] = []
    bounds = {k: interval(k) for k in CURVES if k in point}
    for i, c in enumerate(coverages):
        row: dict[str, Any] = {"coverage": c}
        for k, (low, high) in bounds.items():
            row[k] = {
                "value": _num(float(point[k][i])),
                "ci_low": _num(float(low[i])),
                "ci_high": _num(float(high[i])),
            }
        curve.append(row)
    out["curve"] = curve
    return out

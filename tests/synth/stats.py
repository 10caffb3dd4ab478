"""Plain numpy estimators for the calibration tests (independent of insaf.measures)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def weighted_gini(x: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> float:
    """Gini of ``x`` with weights ``w`` from the Lorenz curve (trapezoids):
    G = 1 - sum_i w_i (L_{i-1} + L_i) / W, with L the cumulative share of x
    over units sorted by x and W the sum of weights."""
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    lorenz = np.cumsum(w * x) / np.sum(w * x)
    before = np.concatenate([[0.0], lorenz[:-1]])
    return float(1.0 - np.sum(w * (before + lorenz)) / np.sum(w))


def headcount(
    welfare: npt.NDArray[np.float64], line: npt.NDArray[np.float64], w: npt.NDArray[np.float64]
) -> float:
    """Weighted share below the line (strict ``<``)."""
    return float(np.sum(w * (welfare < line)) / np.sum(w))

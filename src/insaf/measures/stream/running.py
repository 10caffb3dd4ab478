"""A weighted quantile of values fed in ascending order, chunk by chunk, exact."""

from __future__ import annotations

import math

import numpy as np

from insaf.measures._kernels.quantile import HIT
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray

__all__ = ["RunningQuantile"]


class RunningQuantile:
    """The weighted quantile ``p`` of values fed in ascending order, chunk by chunk,
    under the in-memory engine's rules (``_kernels.quantile.quantile``, with its
    tolerance ``HIT``): it is decided by the first value whose ``F`` reaches
    ``p - HIT`` and the first whose ``F`` passes ``p + HIT`` (the last value if none)."""

    def __init__(self, p: float, rule: QuantileRule, total: float) -> None:
        self.p, self.rule, self.total = p, rule, total
        self.running = 0.0
        self.value: float | None = None
        self.pending: float | None = None  # eurostat: F hit p at this value
        self.last = math.nan

    def feed(self, y: FloatArray, w: FloatArray, before: float | None = None) -> None:
        """The next values and their weights; ``before``, the weight of all values
        below them when some were not fed (by default, the weight fed so far)."""
        if self.value is not None or not y.size:
            return
        if before is not None:
            self.running = before
        f = np.cumsum(np.r_[self.running, w])[1:] / self.total
        p = self.p
        if self.pending is not None:
            j = int(np.searchsorted(f, p + HIT, side="right"))
            if j < y.size:
                self.value = float((self.pending + y[j]) / 2.0)
                return
        elif self.rule == "laeken":
            i = int(np.searchsorted(f, p + HIT, side="right"))
            if i < y.size:
                self.value = float(y[i])
                return
        else:
            i = int(np.searchsorted(f, p - HIT, side="left"))
            if i < y.size:
                if self.rule == "eurostat" and abs(f[i] - p) <= HIT:
                    j = int(np.searchsorted(f, p + HIT, side="right"))
                    if j < y.size:
                        self.value = float((y[i] + y[j]) / 2.0)
                        return
                    self.pending = float(y[i])
                else:
                    self.value = float(y[i])
                    return
        self.running = float(f[-1] * self.total)
        self.last = float(y[-1])

    def result(self) -> float:
        if self.value is not None:
            return self.value
        return self.pending if self.pending is not None else self.last

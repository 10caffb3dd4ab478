"""Fiscal impoverishment and fiscal gains of the poor (Higgins and Lustig 2016).

With welfare ``y0`` before and ``y1`` after a fiscal change (a reform against
the baseline, or the whole fiscal system: market income against consumable
income) and a poverty line ``z``, a person is fiscally impoverished when
``y1 < y0`` and ``y1 < z``, by ``min(y0, z) - y1``. The fiscal gains of the
poor are the mirror image: ``y0 < z`` and ``y1 > y0``, by ``min(y1, z) - y0``.
For every person the change in the poverty gap ``max(z - y, 0)`` equals the
impoverishment minus the gain, so the totals satisfy ``gap after - gap
before = FI - FGP`` exactly. The poor who lose: people below the line before
(``y0 < z``, or ``<=`` with ``below="<="``) whose welfare falls.

The policy impact measures the fiscal system's (``insaf.policy.incidence``),
the rights assessment a reform's (``insaf.rights.minimum_core``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from insaf._arrays import BoolArray
from insaf.policy.instruments.base import FloatArray

__all__ = ["Impoverishment", "impoverishment"]


@dataclass(frozen=True, eq=False)
class Impoverishment:
    """Per unit (values per person): who is impoverished or gains, and by how much.
    Each indicator is computed when first read (a caller reads only some)."""

    y0: FloatArray
    y1: FloatArray
    line: FloatArray
    below: str = "<"

    @cached_property
    def _fi(self) -> BoolArray:
        return (self.y1 < self.y0) & (self.y1 < self.line)

    @cached_property
    def _fgp(self) -> BoolArray:
        return (self.y0 < self.line) & (self.y1 > self.y0)

    @cached_property
    def _losing(self) -> BoolArray:
        poor_before = self.y0 < self.line if self.below == "<" else self.y0 <= self.line
        return poor_before & (self.y1 < self.y0)

    @property
    def impoverished(self) -> FloatArray:
        return self._fi.astype(np.float64)

    @property
    def impoverishment(self) -> FloatArray:
        return np.where(self._fi, np.minimum(self.y0, self.line) - self.y1, 0.0)

    @property
    def gaining(self) -> FloatArray:
        return self._fgp.astype(np.float64)

    @property
    def gains(self) -> FloatArray:
        return np.where(self._fgp, np.minimum(self.y1, self.line) - self.y0, 0.0)

    @property
    def gap_before(self) -> FloatArray:
        return np.maximum(self.line - self.y0, 0.0)

    @property
    def gap_after(self) -> FloatArray:
        return np.maximum(self.line - self.y1, 0.0)

    @property
    def poor_losing(self) -> FloatArray:
        return self._losing.astype(np.float64)

    @property
    def losses(self) -> FloatArray:
        return np.where(self._losing, self.y0 - self.y1, 0.0)


def impoverishment(
    y0: FloatArray, y1: FloatArray, line: FloatArray, *, below: str = "<"
) -> Impoverishment:
    """Fiscal impoverishment, fiscal gains of the poor and losses of the poor of each unit."""
    return Impoverishment(y0=y0, y1=y1, line=line, below=below)

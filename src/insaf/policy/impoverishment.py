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

import numpy as np

from insaf.policy.instruments.base import FloatArray

__all__ = ["Impoverishment", "impoverishment"]


@dataclass(frozen=True, eq=False)
class Impoverishment:
    """Per unit (values per person): who is impoverished or gains, and by how much."""

    impoverished: FloatArray
    impoverishment: FloatArray
    gaining: FloatArray
    gains: FloatArray
    gap_before: FloatArray
    gap_after: FloatArray
    poor_losing: FloatArray
    losses: FloatArray


def impoverishment(
    y0: FloatArray, y1: FloatArray, line: FloatArray, *, below: str = "<"
) -> Impoverishment:
    """Fiscal impoverishment, fiscal gains of the poor and losses of the poor of each unit."""
    fi = (y1 < y0) & (y1 < line)
    fgp = (y0 < line) & (y1 > y0)
    poor_before = y0 < line if below == "<" else y0 <= line
    losing = poor_before & (y1 < y0)
    return Impoverishment(
        impoverished=fi.astype(np.float64),
        impoverishment=np.where(fi, np.minimum(y0, line) - y1, 0.0),
        gaining=fgp.astype(np.float64),
        gains=np.where(fgp, np.minimum(y1, line) - y0, 0.0),
        gap_before=np.maximum(line - y0, 0.0),
        gap_after=np.maximum(line - y1, 0.0),
        poor_losing=losing.astype(np.float64),
        losses=np.where(losing, y0 - y1, 0.0),
    )

"""The sample the rights tests are estimated on: the survey's households and design,
and the columns each test needs, all estimated at once by ``insaf.policy.linear``.

Statistics over people are ratios over households: a share of people is
``sum_h w_h k_h x_h / sum_h w_h k_h`` and a number of people
``sum_h w_h k_h x_h``, with ``k_h`` the household's members (or those of a
group) and ``w_h`` its weight. Being linear, their design-based standard errors
come from influence values, and two of them from the same sample compare with
``insaf.measures.difference``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import polars as pl

from insaf.measures import Estimate
from insaf.measures.variance import DesignArrays
from insaf.policy.engine import Simulation
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey, Table

__all__ = ["GROUPS_AT_ONCE", "Sample", "in_chunks"]

GROUPS_AT_ONCE = 4
"""Groups whose columns a test holds at once (``discrimination``, ``retrogression``):
each group's estimates read only its own columns, so a few groups at a time bound
the memory without changing a number (every group at once held 0.54 GB a million
households for one test, 0.35 GB for the other)."""


@dataclass(eq=False)
class Sample:
    """Columns per household over the survey's design, and their estimates."""

    simulation: Simulation
    columns: dict[str, FloatArray]

    @classmethod
    def of(cls, simulation: Simulation) -> Sample:
        return cls(simulation=simulation, columns={})

    def add(self, name: str, values: FloatArray) -> str:
        if name in self.columns:
            raise ValueError(f"column {name!r} is already in the rights sample")
        self.columns[name] = np.asarray(values, dtype=np.float64)
        return name

    def estimator(self, arrays: DesignArrays | None = None) -> LinearEstimator:
        """A linear estimator over the columns added so far (household weights);
        ``arrays``: the design's codes, when an estimator of the same sample made them."""
        sim = self.simulation
        design = sim.data.survey.design
        frame = sim.data.households.select(list(design.columns)).hstack(pl.DataFrame(self.columns))
        table = Table(name="rights", frame=frame, key=(), household=None)
        survey = Survey(households=table, design=design, path=sim.data.survey.path)
        options = sim.scenario.options
        return LinearEstimator(
            survey,
            variance=options.variance,
            replicates=options.replicates,
            seed=options.seed,
            arrays=arrays,
        )


Added = TypeVar("Added")


def in_chunks(
    simulation: Simulation, count: int, add: Callable[[Sample, int], Added]
) -> Iterator[tuple[LinearEstimator, dict[int, Added]]]:
    """Groups ``0 .. count - 1``, ``GROUPS_AT_ONCE`` at a time: for each chunk, a
    sample of its own to which ``add(sample, j)`` adds group ``j``'s columns (and
    returns their names), then the chunk's estimator and what ``add`` returned by
    group. The chunks share the design's codes, made once."""
    arrays: DesignArrays | None = None
    for start in range(0, count, GROUPS_AT_ONCE):
        held = Sample.of(simulation)
        added = {j: add(held, j) for j in range(start, min(start + GROUPS_AT_ONCE, count))}
        estimator = held.estimator(arrays)
        arrays = estimator.arrays
        yield estimator, added


def share(
    estimator: LinearEstimator, numerators: Mapping[str, str], denominator: str
) -> dict[str, Estimate]:
    """``sum w y / sum w k`` for each named numerator column over one denominator."""
    found = estimator.ratios(list(numerators.values()), denominator, measure="ratio")
    return {name: found[column][0] for name, column in numerators.items()}

"""A ``Plan``: how one statistic runs over a survey, and running plans.

A plan names the statistic (its kernel), the survey columns its roles read,
the role rows are sorted by, the whole-population threshold (a relative
poverty line) and the checks its data need. A measure's public function and
``Prepared.estimate`` build the same plan (``insaf.measures._kernels.plans``)
and so give the same numbers; plans with the same ``together`` key run over
one arranged sample.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Unpack

import numpy as np

from insaf.errors import DataError, InsafError, said
from insaf.measures import _sample
from insaf.measures._engine import Statistic, ThresholdKernel, run
from insaf.measures._kernels import arpr as in_table_order
from insaf.measures._kernels.arpr import RelativeRate
from insaf.measures.estimate import Estimates
from insaf.measures.types import By, Estimation, NonPositive, VarianceMethod
from insaf.survey.survey import Level, Survey

__all__ = ["Plan", "check", "estimate", "run_plans", "sample_for"]


@dataclass(frozen=True, eq=False, kw_only=True)
class Plan:
    """How a statistic runs: the columns its roles read (``(role, column)`` pairs),
    the role rows are sorted by, the whole-population threshold, and the checks:
    ``positive`` (``y`` must be > 0 unless ``nonpositive="exclude"``),
    ``line_column`` (a per-unit poverty line must be > 0) and ``zero_one``.
    ``rate``: the statistic is a share below a relative line, which ``estimate``
    computes from the rows in table order when the variance is linearized
    without calibration (``insaf.measures._kernels.arpr``)."""

    stat: Statistic
    roles: tuple[tuple[str, str], ...]
    sort: str | None = "y"
    threshold: ThresholdKernel | None = None
    threshold_key: Hashable = None
    positive: bool = False
    nonpositive: NonPositive = "error"
    line_column: str | None = None
    zero_one: bool = False
    rate: RelativeRate | None = None

    @property
    def together(self) -> Hashable:
        """Plans with the same key run over one arranged sample."""
        exclude = self.positive and self.nonpositive == "exclude"
        return (self.roles, self.sort, self.threshold_key, exclude)


def check(sample: _sample.Sample, plan: Plan) -> None:
    """What the plan asks of the arranged data: a positive line, a 0/1 variable."""
    if plan.line_column is not None and np.any(sample.cols["line"] <= 0):
        raise InsafError(
            said(
                "poverty line column {column} has non-positive values",
                column=repr(plan.line_column),
            )
        )
    if plan.zero_one:
        y = sample.cols["y"]
        if not np.all((y == 0) | (y == 1)):
            raise DataError(
                said(
                    "column {column} is not 0/1 or boolean; "
                    "pass value= to say which value to count",
                    column=repr(sample.names["y"]),
                )
            )


def sample_for(
    survey: Survey,
    plan: Plan,
    by: By,
    unit: Level | str | None,
    variance: VarianceMethod,
    replicates: int,
    seed: int,
) -> _sample.Sample:
    """The survey's data read, checked and arranged for ``plan`` (and the plans
    that run with it), in the domains of ``by``."""
    sample = _sample.prepare(
        survey,
        dict(plan.roles),
        by=by,
        unit=unit,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=plan.sort,
        positive=("y",) if plan.positive else (),
        nonpositive=plan.nonpositive,
    )
    check(sample, plan)
    return sample


def estimate(survey: Survey, plan: Plan, **estimation: Unpack[Estimation]) -> Estimates:
    """``plan`` in the domains of ``by``: a ``rate`` from the rows in table order when
    that applies, else over the sample arranged for it (``sample_for``, ``run_plans``).
    ``estimation`` holds all five keywords, as a measure is given them
    (``estimation_keywords``)."""
    if plan.rate is not None and in_table_order.applies(survey.design, estimation["variance"]):
        variable = dict(plan.roles)["y"]
        return in_table_order.estimate(
            survey,
            plan.rate,
            plan.stat.name,
            variable,
            by=estimation["by"],
            unit=estimation["unit"],
        )
    return run_plans(sample_for(survey, plan, **estimation), [plan])


def run_plans(sample: _sample.Sample, plans: Sequence[Plan]) -> Estimates:
    """Each plan in each domain of ``sample``, arranged for the first (all plans
    must share its ``together`` key: the same rows, roles, sort and threshold)."""
    first = plans[0]
    if any(plan.together != first.together for plan in plans[1:]):
        raise InsafError("plans estimated together must read and arrange the same rows")
    return run(sample, [plan.stat for plan in plans], threshold=first.threshold)

"""The survey as the budget's analyses read it: households as rows, weighted by people.

Statistics over people are computed on households with weight ``w_h n_h``
(``insaf.policy.analysis.design_of_people``), as the policy impact does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from insaf.measures import Estimate
from insaf.measures._kept import base
from insaf.measures.variance import DesignArrays
from insaf.policy.analysis import design_of_people
from insaf.policy.data import PolicyData
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator
from insaf.survey import Level, Survey, Table

__all__ = ["OPTIONS", "group_shares", "household_arrays", "people_survey", "policy_data"]

OPTIONS = {"unit": "household", "variance": "auto", "replicates": 200, "seed": 1}
"""Options of ``insaf.policy.batch`` for statistics on ``people_survey``."""


def policy_data(survey: Survey) -> PolicyData:
    """The survey as the policy engine reads it (items are not needed here)."""
    return PolicyData.build(replace(survey, items={}), period="year")


def household_arrays(survey: Survey) -> DesignArrays | None:
    """The design's codes over the household rows, kept with ``survey`` (built once
    for every analysis of it), when a ``LinearEstimator`` over those rows reads
    the design from them alone: no replicate weights, no calibration, no second
    stage. Otherwise None (the estimators then build what they need)."""
    design = survey.design
    staged = design.ssu is not None and not design.ultimate_cluster
    if (
        survey.households is None
        or design.replicates is not None
        or design.calibration is not None
        or staged
    ):
        return None
    return base(survey, Level.HOUSEHOLD).design


def people_survey(data: PolicyData, columns: Mapping[str, npt.NDArray[Any]]) -> Survey:
    """Households as rows, weighted by their people (``_wp``), with ``columns``."""
    design, scaled = design_of_people(data)
    frame = data.households.select(list(data.survey.design.columns)).with_columns(
        pl.Series("_wp", data.weight * data.members),
        *(pl.Series(k, v) for k, v in {**scaled, **columns}.items()),
    )
    table = Table(name="incidence", frame=frame, key=(), household=None)
    return Survey(households=table, design=design, path=data.survey.path)


def group_shares(
    people: Survey, estimator: LinearEstimator, y: FloatArray, codes: FloatArray, labels: list[Any]
) -> list[Estimate]:
    """``sum_{h in g} w b / sum_h w b`` for each group ``g`` of ``codes``, from ``y``
    the benefit per person (``b / n``) under the people weights ``w n``."""
    columns = {f"_g{j}": np.where(codes == label, y, 0.0) for j, label in enumerate(labels)}
    frame = people.design_table.frame.select(list(people.design.columns)).with_columns(
        pl.Series("_y", y), *(pl.Series(k, v) for k, v in columns.items())
    )
    survey = replace(people, households=Table(name="shares", frame=frame, key=()))
    found = LinearEstimator(survey, arrays=estimator.arrays).ratios(
        list(columns), "_y", measure="share"
    )
    return [found[c][0] for c in columns]

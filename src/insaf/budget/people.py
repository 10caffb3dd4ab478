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
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import DesignArrays, linearized_variance
from insaf.policy.analysis import design_of_people
from insaf.policy.data import PolicyData
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator
from insaf.survey import Level, Survey, Table

__all__ = [
    "OPTIONS",
    "group_shares",
    "group_shares_of",
    "household_arrays",
    "people_survey",
    "policy_data",
]

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
    return group_shares_of(people, estimator, {"_y": y}, codes, labels)["_y"]


def group_shares_of(
    people: Survey,
    estimator: LinearEstimator,
    ys: Mapping[str, FloatArray],
    codes: npt.NDArray[Any],
    labels: list[Any],
) -> dict[str, list[Estimate]]:
    """``group_shares`` of each column of ``ys``, the groups coded once.

    Each share ``R_g = Y_g / Y`` is a ratio of totals with influence values
    ``z = (1_g y - R_g y) / Y``; the PSU totals of ``w z`` of every group come
    from one ``bincount`` of ``w y`` by (PSU, group): ``(T_g - R_g T) / Y``.
    """
    arrays = estimator.arrays
    if not estimator.fast or arrays is None:
        return {k: _shares_one_by_one(people, estimator, y, codes, labels) for k, y in ys.items()}
    n_groups = len(labels)
    group = _group_codes(codes, labels)  # rows of no listed group: n_groups, left out
    width = n_groups + 1
    cell = arrays.psu * np.int64(width) + group
    w = estimator.w
    one = np.zeros(w.size, dtype=np.int64)
    population = float(np.bincount(one, weights=w, minlength=1)[0])
    out: dict[str, list[Estimate]] = {}
    for key, y in ys.items():
        wy = w * y
        big_y = float(np.bincount(one, weights=wy, minlength=1)[0])
        inverse_y = 1.0 / big_y if big_y != 0 else 0.0
        by_group = np.bincount(group, weights=wy, minlength=width)[:n_groups]
        share = by_group * inverse_y if big_y != 0 else np.full(n_groups, np.nan)
        psu_all = np.bincount(arrays.psu, weights=wy, minlength=arrays.n_psus)
        psu_group = np.bincount(cell, weights=wy, minlength=arrays.n_psus * width)
        psu_group = psu_group.reshape(arrays.n_psus, width)[:, :n_groups]
        totals: FloatArray = (psu_group - psu_all[:, None] * np.nan_to_num(share)[None, :]) * (
            inverse_y
        )
        var = linearized_variance(totals, arrays)
        out[key] = [
            Estimate(
                measure="share",
                value=float(share[j]),
                se=float(np.sqrt(max(float(var[j]), 0.0))),
                n=int(w.size),
                population=population,
                variable=f"_g{j}/_y",
                basis=LinearBasis(totals=totals[:, j].copy(), design=arrays),
            )
            for j in range(n_groups)
        ]
    return out


def _group_codes(codes: npt.NDArray[Any], labels: list[Any]) -> npt.NDArray[np.int64]:
    """Each row's position in ``labels`` (``len(labels)`` for a code not listed)."""
    n_groups = len(labels)
    sorted_numbers = np.asarray(labels) if labels else np.zeros(0)
    if (
        n_groups
        and codes.dtype.kind in "iuf"
        and sorted_numbers.dtype.kind in "iuf"
        and bool(np.all(sorted_numbers[:-1] < sorted_numbers[1:]))
    ):
        at = np.minimum(np.searchsorted(sorted_numbers, codes), n_groups - 1)
        return np.where(sorted_numbers[at] == codes, at, n_groups).astype(np.int64)
    position = {label: j for j, label in enumerate(labels)}
    found, inverse = np.unique(codes, return_inverse=True)
    to_group = np.array([position.get(v, n_groups) for v in found.tolist()], dtype=np.int64)
    out: npt.NDArray[np.int64] = to_group[inverse.reshape(-1)]
    return out


def _shares_one_by_one(
    people: Survey, estimator: LinearEstimator, y: FloatArray, codes: FloatArray, labels: list[Any]
) -> list[Estimate]:
    """``group_shares`` through ``LinearEstimator.ratios`` (designs it linearizes not
    from the codes: replicate weights)."""
    columns = {f"_g{j}": np.where(codes == label, y, 0.0) for j, label in enumerate(labels)}
    frame = people.design_table.frame.select(list(people.design.columns)).with_columns(
        pl.Series("_y", y), *(pl.Series(k, v) for k, v in columns.items())
    )
    survey = replace(people, households=Table(name="shares", frame=frame, key=()))
    found = LinearEstimator(survey, arrays=estimator.arrays).ratios(
        list(columns), "_y", measure="share"
    )
    return [found[c][0] for c in columns]

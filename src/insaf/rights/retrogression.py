"""Non-retrogression: does an indicator linked to a right get worse, for anyone?

Each indicator is a share of people (``x_h`` per household, before and after):

- ``poverty_national`` and ``poverty_extreme``: the poverty headcount on each
  line (adequate standard of living, ICESCR art. 11);
- one per ``rights.burdens`` entry: the mean share of the household's money
  that goes on those items (food: art. 11; energy and water: art. 11, housing).
  After the reform: what the same basket costs at the new prices
  (``State.item_effect``), less what the reform adds to the household's cash
  (direct benefits less direct taxes; a cut adds to the cost), over the same
  money, and at least zero. A household compensated exactly keeps its share;
  a raw ratio of food spending to a larger budget would rise even then.

For the whole population, each quintile of welfare before the reform, and
each protected group (``k_h`` members), ``I = sum w k x / sum w k`` before and
after; the change ``I1 - I0`` (``insaf.measures.difference``) is tested one
sided (a worsening larger than ``minimum_effect``), and the groups of one
indicator form one family corrected by Holm at ``alpha``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from insaf.measures import Estimate, difference
from insaf.policy.impact import Row
from insaf.policy.instruments.base import FloatArray
from insaf.rights.groups import Group
from insaf.rights.sample import Sample, in_chunks
from insaf.rights.stats import holm, p_greater

__all__ = ["Indicator", "retrogression_rows"]


@dataclass(frozen=True, eq=False)
class Indicator:
    """An indicator linked to a right: its value per household before and after."""

    name: str
    label: dict[str, str]
    right: str
    before: FloatArray
    after: FloatArray


def retrogression_rows(
    sample: Sample,
    indicators: Sequence[Indicator],
    groups: Sequence[Group],
    *,
    alpha: float,
    minimum_effect: float,
) -> list[Row]:
    """One row per indicator and group (the population first): ``before`` and ``after``
    (not ``baseline`` and ``reform``: the impact's flat tables name the reform
    ``reform``), change,
    one-sided p-value and Holm's decision within the indicator; ``n`` sample households
    with a member in the group and ``population`` the people they stand for.
    ``sample`` gives the simulation; the groups' columns go to samples of their own,
    ``GROUPS_AT_ONCE`` groups at a time (each ratio reads only its group's columns)."""
    found: dict[tuple[int, int], tuple[Estimate, Estimate]] = {}
    population: dict[int, float] = {}

    def add(held: Sample, j: int) -> tuple[str, list[tuple[str, str]]]:
        members = groups[j].members
        weight = held.add(f"_nr_k{j}", members)
        pairs = [
            (
                held.add(f"_nr_{i}_{j}_0", members * indicator.before),
                held.add(f"_nr_{i}_{j}_1", members * indicator.after),
            )
            for i, indicator in enumerate(indicators)
        ]
        return weight, pairs

    for estimator, chunk in in_chunks(sample.simulation, len(groups), add):
        for j, (weight, pairs) in chunk.items():
            if not np.any(groups[j].members):
                continue
            for i, (before_col, after_col) in enumerate(pairs):
                ratios = estimator.ratios([before_col, after_col], weight, measure="ratio")
                found[i, j] = (ratios[before_col][0], ratios[after_col][0])
            population[j] = float(np.dot(estimator.w, groups[j].members))
    rows: list[Row] = []
    for i, indicator in enumerate(indicators):
        family: list[Row] = []
        for j, group in enumerate(groups):
            if not np.any(group.members):
                continue
            before, after = found[i, j]
            change = difference(after, before)
            family.append(
                {
                    "indicator": indicator.name,
                    "indicator_en": indicator.label["en"],
                    "indicator_ar": indicator.label["ar"],
                    "right": indicator.right,
                    "group": group.name,
                    "n": int(np.count_nonzero(group.members)),
                    "population": population[j],
                    "label_en": group.label["en"],
                    "label_ar": group.label["ar"],
                    "before": before,
                    "after": after,
                    "change": change,
                    "p_value": p_greater(change, null=minimum_effect),
                }
            )
        steps = holm([row["p_value"] for row in family], alpha)
        for row, step in zip(family, steps, strict=True):
            row["holm_rank"] = step.rank
            row["holm_threshold"] = step.threshold
            row["flagged"] = step.rejected
        rows.extend(family)
    return rows

"""Non-discrimination: does the reform hurt a protected group more than everyone else?

For a group with ``k_h`` members in household ``h`` (``n_h`` members in all),
the change in welfare as a share of welfare is

    r_g = sum_h w_h k_h d_h / sum_h w_h k_h y0_h,
    r_rest = sum_h w_h (n_h - k_h) d_h / sum_h w_h (n_h - k_h) y0_h,

with ``d_h`` the change per person. The test is on ``D = r_g - r_rest``
(``insaf.measures.difference``: both ratios come from one sample), two-sided,
and every group of the assessment is one hypothesis of a single family
corrected by Holm's step-down rule at ``alpha``. Disparate impact is flagged
where Holm rejects and the group fares worse, by more than ``minimum_effect``
(``D < -minimum_effect``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from insaf.measures import difference
from insaf.policy.impact import Row
from insaf.policy.instruments.base import FloatArray
from insaf.rights.groups import Group
from insaf.rights.sample import Sample, in_chunks
from insaf.rights.stats import holm, p_two_sided

__all__ = ["discrimination_rows"]


def discrimination_rows(
    sample: Sample,
    groups: Sequence[Group],
    y0: FloatArray,
    change: FloatArray,
    members: FloatArray,
    *,
    alpha: float,
    minimum_effect: float,
) -> list[Row]:
    """One row per group: its change, the rest's, the difference, p-value and Holm's step.

    ``n`` is the number of sample households with a member in the group and
    ``population`` the number of people it stands for (for disclosure control).
    ``sample`` gives the simulation; the groups' columns go to samples of their own,
    ``GROUPS_AT_ONCE`` groups at a time.
    """
    rows: list[Row] = []

    def add(held: Sample, i: int) -> tuple[str, str, str, str]:
        group = groups[i]
        others = members - group.members
        return (
            held.add(f"_nd_{i}_d", group.members * change),
            held.add(f"_nd_{i}_y", group.members * y0),
            held.add(f"_nd_{i}_rd", others * change),
            held.add(f"_nd_{i}_ry", others * y0),
        )

    for estimator, chunk in in_chunks(sample.simulation, len(groups), add):
        for i, (gd, gy, rd, ry) in chunk.items():
            group = groups[i]
            if not group.members.any() or not (members - group.members).any():
                continue  # nobody (or everybody) in the group: nothing to compare
            mine = estimator.ratios([gd], gy, measure="ratio")[gd][0]
            rest = estimator.ratios([rd], ry, measure="ratio")[rd][0]
            gap = difference(mine, rest)
            rows.append(
                {
                    "group": group.name,
                    "label_en": group.label["en"],
                    "label_ar": group.label["ar"],
                    "n": int(np.count_nonzero(group.members)),
                    "population": float((estimator.w * group.members).sum()),
                    "group_change": mine,
                    "rest_change": rest,
                    "difference": gap,
                    "p_value": p_two_sided(gap),
                }
            )
    steps = holm([row["p_value"] for row in rows], alpha)
    for row, step in zip(rows, steps, strict=True):
        worse = row["difference"].value < -minimum_effect
        row["holm_rank"] = step.rank
        row["holm_threshold"] = step.threshold
        row["significant"] = step.rejected
        row["flagged"] = step.rejected and worse
    return rows

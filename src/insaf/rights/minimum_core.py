"""Minimum core and "do no harm": who the reform makes poor, or poorer.

Fiscal impoverishment (Higgins and Lustig 2016; ``insaf.policy.impoverishment``
computes it) with welfare ``y0`` before and ``y1`` after the reform: a person
is fiscally impoverished when ``y1 < y0`` and ``y1 < z``, by ``min(y0, z) -
y1``; the fiscal gains of the poor are the mirror image, and the change in the
total poverty gap equals the first total less the second.

The poor who lose: people below the line before the reform (``y0 < z``, or
``<=`` with ``options.below``) whose welfare falls, and by how much in total.

Numbers of people are totals over people; amounts are in the welfare's unit
per person, summed over people, a year. Every figure is against the national
line and against the extreme line.
"""

from __future__ import annotations

from insaf.measures import Estimate, difference
from insaf.policy.impact import Row
from insaf.policy.impoverishment import Impoverishment, impoverishment
from insaf.policy.instruments.base import FloatArray
from insaf.rights.sample import Sample

__all__ = ["INDICATORS", "Impoverishment", "impoverishment", "minimum_core_rows"]

INDICATORS = (
    "impoverished",
    "impoverished_share",
    "impoverishment",
    "poor_gaining",
    "gains_of_the_poor",
    "poverty_gap_change",
    "poor_losing",
    "poor_losing_share",
    "losses_of_the_poor",
)
"""The rows of the minimum-core table, for each line, in order."""


def _rows_of(
    found: dict[str, Estimate], shares: dict[str, Estimate], role: str, line: str
) -> list[Row]:
    return [
        {
            "line": role,
            "line_name": line,
            "indicator": name,
            "value": found[name] if name in found else shares[name],
        }
        for name in INDICATORS
    ]


def minimum_core_rows(
    sample: Sample,
    lines: dict[str, tuple[str, FloatArray]],
    y0: FloatArray,
    y1: FloatArray,
    members: FloatArray,
    *,
    annual: float,
    below: str,
) -> list[Row]:
    """The minimum-core table: every indicator against each line (``{role: (name, z)}``)."""
    names: dict[str, dict[str, str]] = {}
    for role, (_line, z) in lines.items():
        f = impoverishment(y0, y1, z, below=below)
        p = f"_mc_{role}_"
        names[role] = {
            "impoverished": sample.add(p + "fi", members * f.impoverished),
            "impoverishment": sample.add(p + "fia", members * f.impoverishment * annual),
            "poor_gaining": sample.add(p + "fgp", members * f.gaining),
            "gains_of_the_poor": sample.add(p + "fgpa", members * f.gains * annual),
            "gap_before": sample.add(p + "g0", members * f.gap_before * annual),
            "gap_after": sample.add(p + "g1", members * f.gap_after * annual),
            "poor_losing": sample.add(p + "pl", members * f.poor_losing),
            "losses_of_the_poor": sample.add(p + "pla", members * f.losses * annual),
        }
    people = sample.add("_mc_people", members)
    estimator = sample.estimator()
    columns = [c for by_role in names.values() for c in by_role.values()]
    totals = estimator.totals(columns)
    rows: list[Row] = []
    for role, (line, _z) in lines.items():
        col = names[role]
        found = {k: totals[c] for k, c in col.items()}
        found["poverty_gap_change"] = difference(found["gap_after"], found["gap_before"])
        ratios = estimator.ratios(
            [col["impoverished"], col["poor_losing"]], people, measure="ratio"
        )
        shares = {
            "impoverished_share": ratios[col["impoverished"]][0],
            "poor_losing_share": ratios[col["poor_losing"]][0],
        }
        rows.extend(_rows_of(found, shares, role, line))
    return rows

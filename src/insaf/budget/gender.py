"""Gender budgeting: spending by gender marker, and who receives the transfers.

**Spending by marker** (OECD DAC gender equality policy marker; SDG 5.c.1):
the budget's leaf lines of one year and phase summed by ``gender_marker``
(0 not targeted, 1 gender equality a significant objective, 2 the principal
objective), with each marker's share of the total. Administrative totals:
no standard error.

**Incidence of transfers on women and men** (CEQ Handbook, Lustig 2018, on
allocating household benefits): each transfer of the policy engine's state
(the baseline by default) is a household amount ``b_h`` a year, shared equally
by its ``n_h`` members; ``f_h`` and ``m_h`` are its women and men. Over
people (household weights ``w_h``):

- ``share`` reaching women: ``sum w b f/n / sum w b`` (men alike);
- ``per_person`` a woman: ``sum w b f/n / sum w f``;
- ``coverage`` of women: ``sum w f 1[b > 0] / sum w f``, the share of women
  living in a household that receives it;
- the same for the people of female-headed and male-headed households, with
  ``population_share`` the group's share of people;
- ``gaps``: women minus men, female-headed minus male-headed, per person and
  coverage, each difference from the same sample (``insaf.measures.difference``).

Each row also counts the sample behind it: ``households`` with a member of the
group, and ``recipients`` among them (households that receive the transfer).
``public_gender`` passes the rows through ``insaf.disclosure``, each counted by
its recipients, women and men (and the two kinds of household) each a line whose
total is everyone, so that a withheld group is not given back by the other; a gap
is withheld with either of its groups. ``public_markers`` does the same for
spending by marker, administrative totals that the rules publish as they are.

Every survey figure is a ratio of totals with its linearized standard error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from insaf.budget.model import Budget
from insaf.budget.people import people_survey
from insaf.disclosure import Cell, DisclosureRules, control
from insaf.errors import DataError, said
from insaf.measures import Estimate, difference
from insaf.policy.engine import Simulation
from insaf.policy.impact import Row, flat_row, json_row
from insaf.policy.instruments import Kind
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator

__all__ = [
    "GROUPS",
    "GenderIncidence",
    "public_gender",
    "public_markers",
    "spending_by_marker",
    "transfers_by_sex",
]

GROUPS = {"women": "f", "men": "m", "female_headed": "fhh", "male_headed": "mhh"}
"""The groups of people, and the tag of their columns."""


def spending_by_marker(budget: Budget, *, year: int, phase: str = "executed") -> list[Row]:
    """Spending of ``year`` and ``phase`` by gender marker, with its share."""
    lines = budget.of_year(phase, year)
    sums = lines.group_by("gender_marker").agg(pl.col("amount").sum(), pl.len().alias("lines"))
    total = float(lines["amount"].sum())
    found = {int(m): (float(a), int(n)) for m, a, n in sums.iter_rows()}
    return [
        {
            "gender_marker": marker,
            "amount": found.get(marker, (0.0, 0))[0] * budget.scale,
            "share": found.get(marker, (0.0, 0))[0] / total if total else None,
            "lines": found.get(marker, (0.0, 0))[1],
        }
        for marker in (0, 1, 2)
    ]


@dataclass(frozen=True, eq=False)
class GenderIncidence:
    """Who receives each transfer, by sex and by the household head's sex."""

    state: str
    rows: list[Row]
    gaps: list[Row]

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        return {
            "state": self.state,
            "groups": [json_row(r, confidence) for r in self.rows],
            "gaps": [json_row(r, confidence) for r in self.gaps],
        }

    def tables(self, confidence: float = 0.95) -> dict[str, pl.DataFrame]:
        return {
            name: pl.DataFrame([flat_row(r, confidence) for r in rows], infer_schema_length=None)
            for name, rows in (("groups", self.rows), ("gaps", self.gaps))
            if rows
        }


def transfers_by_sex(
    sim: Simulation,
    *,
    state: str = "baseline",
    sex: str = "sex",
    female: int | str = 2,
    female_head: str = "head_sex = 2",
) -> GenderIncidence:
    """The incidence of each transfer of ``state`` (``baseline`` or a reform of
    ``sim``) on women and men and on female-headed households."""
    data = sim.data
    if state == "baseline":
        found = sim.baseline
    elif state in sim.reforms:
        found = sim.reforms[state]
    else:
        raise DataError(
            said(
                "no state {state} in the simulation (baseline, {reforms})",
                state=repr(state),
                reforms=", ".join(sim.reforms),
            )
        )
    if data.persons is None or sex not in data.persons.columns:
        raise DataError(said("transfers by sex need the person column {name}", name=repr(sex)))
    women = data.household_sum((data.persons.get_column(sex) == female).to_numpy())
    men = data.members - women
    head = data.condition(female_head, "household").astype(np.float64)
    transfers = {
        key: flows.benefit * sim.annual
        for key, flows in found.flows.items()
        if found.kinds[key] is Kind.TRANSFER
    }
    if not transfers:
        raise DataError(said("state {state} has no cash transfer", state=repr(state)))

    if len(transfers) > 1:
        transfers["all"] = np.sum(list(transfers.values()), axis=0)
    n = data.members
    columns: dict[str, FloatArray] = {
        "_f": women / n,
        "_m": men / n,
        "_fhh": head,
        "_mhh": 1.0 - head,
        "_one": np.ones_like(n),
    }
    member = {
        "f": women > 0,
        "m": men > 0,
        "fhh": head > 0,
        "mhh": head == 0,
    }
    for key, b in transfers.items():
        receives = (b > 0).astype(np.float64)
        columns[f"_b_{key}"] = b / n
        for tag in GROUPS.values():
            columns[f"_b_{key}_{tag}"] = b / n * columns[f"_{tag}"]
            columns[f"_r_{key}_{tag}"] = receives * columns[f"_{tag}"]
    people = people_survey(data, columns)
    estimator = LinearEstimator(people)
    rows: list[Row] = []
    gaps: list[Row] = []
    for key in transfers:
        by_group: dict[str, Row] = {}
        for group, tag in GROUPS.items():
            size = f"_{tag}"
            share = estimator.ratios([f"_b_{key}_{tag}"], f"_b_{key}", measure="share")
            per = estimator.ratios([f"_b_{key}_{tag}"], size, measure="per_person")
            reach = estimator.ratios([f"_r_{key}_{tag}"], size, measure="coverage")
            population = estimator.ratios([size], "_one", measure="share")
            row: Row = {
                "instrument": key,
                "group": group,
                "share": share[f"_b_{key}_{tag}"][0],
                "per_person": per[f"_b_{key}_{tag}"][0],
                "coverage": reach[f"_r_{key}_{tag}"][0],
                "population_share": population[size][0],
                "households": int(member[tag].sum()),
                "recipients": int((member[tag] & (b > 0)).sum()),
            }
            by_group[group] = row
            rows.append(row)
        for first, second in (("women", "men"), ("female_headed", "male_headed")):
            a, b2 = by_group[first], by_group[second]
            gaps.append(
                {
                    "instrument": key,
                    "comparison": f"{first} - {second}",
                    "per_person": difference(a["per_person"], b2["per_person"]),
                    "coverage": difference(a["coverage"], b2["coverage"]),
                }
            )
    return GenderIncidence(state=state, rows=rows, gaps=gaps)


LINES = {"women": "sex", "men": "sex", "female_headed": "head", "male_headed": "head"}
"""Each group's line: the groups of one line add up to everyone."""


def public_gender(found: GenderIncidence, rules: DisclosureRules | None) -> GenderIncidence:
    """``found`` with the groups the rules withhold emptied (``"suppressed": true``) and
    the gaps that compare a withheld group with it (``rules=None``: the analyst's view)."""
    if rules is None:
        return found
    cells: list[Cell] = []
    totals: dict[tuple[str, str], Cell] = {}
    for row in found.rows:
        line = (str(row["instrument"]), LINES[str(row["group"])])
        estimates = [v for v in row.values() if isinstance(v, Estimate)]
        cvs = [e.cv for e in estimates if e.value and np.isfinite(e.cv)]
        share = row["population_share"]
        cells.append(
            Cell(
                table=("gender", *line),
                disaggregation=((line[1], str(row["group"])),),
                n=int(row["recipients"]),
                cv=max(cvs) if cvs else None,
                amounts=(float(share.value) if isinstance(share, Estimate) else 0.0,),
            )
        )
        totals[line] = Cell(table=("gender", *line), n=None, amounts=(1.0,))
    decided = control([*cells, *totals.values()], rules)
    withheld = {
        (str(r["instrument"]), str(r["group"]))
        for r, status in zip(found.rows, decided.statuses[: len(cells)], strict=True)
        if status.suppressed
    }

    def empty(row: Row) -> Row:
        out = {k: (None if isinstance(v, Estimate) else v) for k, v in row.items()}
        out["suppressed"] = True
        return out

    rows = [
        empty(r)
        if (str(r["instrument"]), str(r["group"])) in withheld
        else {**r, "suppressed": False}
        for r in found.rows
    ]
    gaps = []
    for gap in found.gaps:
        pair = str(gap["comparison"]).split(" - ")
        hidden = any((str(gap["instrument"]), g) in withheld for g in pair)
        gaps.append(empty(gap) if hidden else {**gap, "suppressed": False})
    return replace(found, rows=rows, gaps=gaps)


def public_markers(rows: list[Row], rules: DisclosureRules | None) -> list[Row]:
    """Spending by marker through disclosure control: administrative totals (no sample
    count), which the rules publish as they are unless they say otherwise."""
    if rules is None:
        return rows
    decided = control([Cell(table=("marker", r["gender_marker"])) for r in rows], rules)
    return [
        {**r, "amount": None, "share": None, "suppressed": True}
        if status.suppressed
        else {**r, "suppressed": False}
        for r, status in zip(rows, decided.statuses, strict=True)
    ]

"""The table the impact is measured on: one row per household, every state's welfare.

Welfare is a household variable (every member has the household's welfare per
person), so statistics over *people* are computed on households with weight
``w_h * n_h`` (``n_h`` members): identical to a person table, at a fifth of
the rows. The design's strata, PSUs and fpc are carried as they are (replicate
weights are multiplied by ``n_h`` too).

Columns (``{r}`` is a reform's position, ``{s}`` a state: ``b`` or ``r{r}``):

- ``_wp`` people weight; ``_members``; ``_scale`` equivalence scale;
- ``w0`` baseline welfare per person; ``_decile`` decile of ``w0`` (people);
- ``_poor`` 1 when ``w0`` is below the first poverty line;
- ``_r{r}_w`` welfare after reform ``r``; ``_r{r}_d`` the change per person;
  ``_r{r}_rel`` the change as a share of ``w0``; ``_r{r}_win``, ``_r{r}_lose``,
  ``_r{r}_same`` winners (gain above the threshold), losers, and the rest;

Each instrument's annual cost per household in state ``s`` (``b`` or ``r{r}``),
``_f_{s}_{id}``, is not in the table: ``annual_costs`` gives a reform's when its
fiscal table is made (at a million households, 22 columns held through the whole
impact were 0.18 GB of its peak).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.measures._kernels.arrays import sorted_order
from insaf.policy.data import PolicyData
from insaf.policy.engine import Simulation, State
from insaf.policy.instruments.base import FloatArray
from insaf.survey import Design, Survey, Table

__all__ = [
    "DEFAULT_GROUPS",
    "Analysis",
    "annual_costs",
    "build_analysis",
    "default_groups",
    "design_of_people",
    "person_rows",
    "weighted_groups",
]


def weighted_groups(values: FloatArray, weights: FloatArray, groups: int) -> FloatArray:
    """Quantile group (1..``groups``) of each value, by the cumulative share of weight
    (rows in ``np.argsort(values, kind="stable")`` order, from ``sorted_order``)."""
    order = (
        sorted_order(values)[0]
        if np.all(np.isfinite(values))
        else np.argsort(values, kind="stable")
    )
    cumulative = np.cumsum(weights[order])
    total = cumulative[-1] if cumulative.size else 1.0
    share = (cumulative - 0.5 * weights[order]) / total
    out = np.empty(values.size, dtype=np.float64)
    out[order] = np.clip(np.floor(share * groups) + 1.0, 1.0, float(groups))
    return out


@dataclass(frozen=True, eq=False)
class Analysis:
    """The analysis table and the two surveys over it: people and households."""

    frame: pl.DataFrame
    people: Survey
    homes: Survey
    reform_index: dict[str, int]
    lines: dict[str, float | str]


def _design_columns(sim: Simulation) -> dict[str, FloatArray | np.ndarray[Any, Any]]:
    design = sim.data.survey.design
    frame = sim.data.households
    out: dict[str, FloatArray | np.ndarray[Any, Any]] = {}
    for column in design.columns:
        out[column] = frame.get_column(column).to_numpy()
    return out


def design_of_people(data: PolicyData) -> tuple[Design, dict[str, FloatArray]]:
    """The design of statistics over people on a table of households: weight ``_wp``
    (``w_h * n_h``), the same strata, PSUs and fpc, and replicate weights times
    ``n_h`` (the columns ``_rep{i}`` it returns). The table must hold ``_wp``, the
    design's columns and the returned ones."""
    design = data.survey.design
    scaled: dict[str, FloatArray] = {}
    replicates = None
    if design.replicates is not None:
        for i, column in enumerate(design.replicates.columns):
            values = data.households.get_column(column).cast(pl.Float64).to_numpy()
            scaled[f"_rep{i}"] = values * data.members
        replicates = replace(design.replicates, columns=tuple(scaled))
    people = Design(
        weight="_wp",
        strata=design.strata,
        psu=design.psu,
        fpc=design.fpc,
        replicates=replicates,
        lonely_psu=design.lonely_psu,
    )
    return people, scaled


def build_analysis(sim: Simulation) -> Analysis:
    """The analysis table of ``sim`` (see the module's docstring for its columns)."""
    data = sim.data
    options = sim.scenario.options
    design = data.survey.design
    members = data.members
    w0 = sim.welfare
    people_weight = data.weight * members
    columns: dict[str, object] = dict(_design_columns(sim))
    columns["_wp"] = people_weight
    columns["_members"] = members
    columns["_scale"] = sim.scale
    columns["w0"] = w0
    columns["_decile"] = weighted_groups(w0, people_weight, options.deciles).astype(np.int64)

    lines: dict[str, float | str] = {}
    for name, line in sim.scenario.lines.items():
        lines[name] = line if isinstance(line, str) else float(line)
        if isinstance(line, str):
            columns[line] = data.column(line)
    first = next(iter(lines.values()))
    line_values = data.column(first) if isinstance(first, str) else np.full(w0.size, first)
    below = w0 < line_values if options.below == "<" else w0 <= line_values
    columns["_poor"] = below.astype(np.float64)

    groups = sim.scenario.groups if sim.scenario.groups is not None else default_groups(sim)
    for group in groups:
        columns[group] = data.households.get_column(group).to_numpy()

    threshold = options.winner_threshold
    index: dict[str, int] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for r, (name, state) in enumerate(sim.reforms.items()):
            index[name] = r
            d = state.change / sim.scale
            rel = np.where(w0 > 0, d / w0, 0.0)
            columns[f"_r{r}_w"] = w0 + d
            columns[f"_r{r}_d"] = d
            columns[f"_r{r}_rel"] = rel
            columns[f"_r{r}_win"] = (rel > threshold).astype(np.float64)
            columns[f"_r{r}_lose"] = (rel < -threshold).astype(np.float64)
            columns[f"_r{r}_same"] = (np.abs(rel) <= threshold).astype(np.float64)

    people_design, scaled = design_of_people(data)
    columns.update(scaled)

    frame = pl.DataFrame(columns)
    if not np.all(np.isfinite(w0)):
        raise DataError(
            said(
                "welfare variable {name} has missing values",
                name=repr(sim.scenario.welfare.variable),
            )
        )
    table = Table(name="analysis", frame=frame, key=(), household=None)
    homes = Survey(households=table, design=design, path=data.survey.path)
    people = Survey(households=table, design=people_design, path=data.survey.path)
    return Analysis(frame=frame, people=people, homes=homes, reform_index=index, lines=lines)


def annual_costs(sim: Simulation, states: Mapping[str, State]) -> dict[str, FloatArray]:
    """``_f_{s}_{id}``: each instrument's annual cost per household in each of
    ``states`` (by key ``s``); flows that states share are multiplied once."""
    annual = sim.annual
    made: dict[int, FloatArray] = {}
    columns: dict[str, FloatArray] = {}
    for key, state in states.items():
        for instrument, flows in state.flows.items():
            if id(flows) not in made:
                made[id(flows)] = flows.fiscal * annual
            columns[f"_f_{key}_{instrument}"] = made[id(flows)]
    return columns


def person_rows(analysis: Analysis, columns: list[str]) -> Survey:
    """One row per person: each household's row of ``columns`` repeated for each of
    its members, with the household's weight (and replicate weights).

    Statistics of persons are computed on person rows everywhere (``insaf
    estimate``, the observatory, ``insaf simulate``): the Osier Gini of household
    rows weighted by size differs from that of person rows by
    ``sum_h (n_h^2 - n_h) w_h^2 y_h / (N Y)`` (docs/methods/inequality.md), so the
    one population gives one number only on one kind of row.
    """
    people = analysis.people
    design = people.design
    frame = analysis.frame
    members = frame.get_column("_members").to_numpy()
    counts = np.rint(members).astype(np.int64)
    if np.any(np.abs(members - counts) > 1e-9) or np.any(counts < 0):
        raise DataError(said("household sizes must be whole numbers to give one row per person"))
    index = np.repeat(np.arange(frame.height), counts)
    wanted = list(dict.fromkeys([*columns, *design.columns]))
    per_person = [design.weight, *(design.replicates.columns if design.replicates else ())]
    rows = frame.select(
        [
            (pl.col(c) / pl.col("_members")).alias(c) if c in per_person else pl.col(c)
            for c in wanted
        ]
    )[index]
    table = Table(name="persons", frame=rows)
    return Survey(persons=table, design=design, path=people.path)


DEFAULT_GROUPS = (
    "governorate",
    "region",
    "urban",
    "head_sex",
    "refugee_hh",
    "has_disabled",
    "has_children",
    "has_elderly",
)
"""Breakdowns used when a scenario names none, where the survey has them."""


def default_groups(sim: Simulation) -> list[str]:
    columns = set(sim.data.households.columns)
    return [g for g in DEFAULT_GROUPS if g in columns]

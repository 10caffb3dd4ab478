"""Bringing a survey to a policy year: uprated money, weights on projected population.

A survey describes the year it was fielded; a reform takes effect later. A
``Projection`` (a YAML file, ``docs/methods/projection.md``) says, for each
year it covers:

- ``uprate``: by how much each money column grows from the survey's year
  (a factor per column and year: wages by the wage index, consumption by its
  growth, a transfer by its indexation rule);
- ``population``: the projected number of persons in each cell of age group ×
  sex × governorate (a statistics office's population projection).

``project(survey, projection, year)`` multiplies each column by its factor
and calibrates the weights (``insaf.survey.calibration``; raking distance by
default, so weights stay positive) so that the survey's persons add up to the
projected totals in every cell: integrated weighting, one weight per household,
when the survey has households. A year the projection has no totals for, a
column without a factor for the year, or a cell of the sample without a
projected total is an error that names it; nothing is extrapolated silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from insaf.errors import DataError, InsafError, Location, said
from insaf.survey.calibration import calibrate
from insaf.survey.design import Distance
from insaf.survey.survey import Survey, Unit
from insaf.survey.table import Table

__all__ = [
    "CELL",
    "PopulationRow",
    "Projection",
    "ProjectionError",
    "ProjectionPopulation",
    "load_projection",
    "project",
]

CELL = "_projection_cell"
"""The person column ``project`` adds: each person's cell ``age|sex|governorate``."""


class ProjectionError(InsafError):
    """A projection that cannot be applied to this survey for this year."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PopulationRow(_Spec):
    """The projected number of persons of one cell: ``age`` is the lower bound of
    its age group (one of ``age_groups``)."""

    age: int
    sex: int | str
    governorate: int | str
    total: float = Field(gt=0)


class ProjectionPopulation(_Spec):
    """Projected persons by age group × sex × governorate, per year."""

    age: str = "age"
    sex: str = "sex"
    governorate: str = "governorate"
    age_groups: list[int] = Field(min_length=1)
    """Lower bounds of the age groups, increasing, the first 0: ``[0, 15, 65]`` is
    0–14, 15–64, 65 and over."""
    totals: dict[int, list[PopulationRow]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ProjectionPopulation:
        bounds = self.age_groups
        if bounds[0] != 0 or any(b <= a for a, b in itertools.pairwise(bounds)):
            raise ValueError(
                said(
                    "age_groups must start at 0 and increase, not {bounds}",
                    bounds=bounds,
                )
            )
        for year, rows in self.totals.items():
            seen: set[tuple[int, str, str]] = set()
            for row in rows:
                if row.age not in bounds:
                    raise ValueError(
                        said(
                            "totals of {year}: age {age} is not the lower bound of an age group "
                            "({bounds})",
                            year=year,
                            age=row.age,
                            bounds=bounds,
                        )
                    )
                key = (row.age, str(row.sex), str(row.governorate))
                if key in seen:
                    raise ValueError(
                        said(
                            "totals of {year}: the cell {key} is given twice",
                            year=year,
                            key=key,
                        )
                    )
                seen.add(key)
        return self


class Projection(_Spec):
    """A projection of the survey to later years (see the module's docstring)."""

    source: str
    """Who made the projection and when (shown in every output that uses it)."""
    survey_year: int
    uprate: dict[str, dict[int, float]] = Field(default_factory=dict)
    population: ProjectionPopulation
    distance: Distance = Distance.RAKING

    def years(self) -> list[int]:
        return sorted(self.population.totals)

    def describe(self, year: int) -> dict[str, Any]:
        """What the projection did for ``year``, for the outputs that use it."""
        rows = self.population.totals[year]
        return {
            "source": self.source,
            "survey_year": self.survey_year,
            "year": year,
            "uprated": {column: factors[year] for column, factors in self.uprate.items()},
            "population": float(sum(r.total for r in rows)),
            "cells": len(rows),
            "by": ["age", "sex", "governorate"],
        }


def load_projection(path: str | Path) -> Projection:
    """A projection file, checked (errors name the key and line)."""
    from insaf.specs import load_spec

    return load_spec(Projection, path)


def _age_group(age: np.ndarray[Any, Any], bounds: list[int]) -> np.ndarray[Any, Any]:
    """The lower bound of each age's group."""
    at = np.searchsorted(np.asarray(bounds), age, side="right") - 1
    return np.asarray(bounds)[at]


def _cells(survey: Survey, population: ProjectionPopulation) -> pl.Series:
    """Each person's cell, ``age|sex|governorate``."""
    columns = [population.age, population.sex, population.governorate]
    frame = survey.frame(columns, unit=Unit.PERSON)
    for c in columns:
        missing = frame.get_column(c).null_count()
        if missing:
            raise DataError(
                said(
                    "column {column} has {missing} missing value(s): every person needs an age, "
                    "a sex and a governorate to be weighted to the projected population",
                    column=repr(c),
                    missing=missing,
                ),
                Location(file=survey.path, column=c),
            )
    age = frame.get_column(population.age).cast(pl.Float64).to_numpy()
    if np.any(age < 0):
        raise DataError(
            said(
                "column {age} has negative ages",
                age=repr(population.age),
            ),
            Location(file=survey.path, column=population.age),
        )
    group = _age_group(age, population.age_groups)
    sex = frame.get_column(population.sex).cast(pl.String)
    governorate = frame.get_column(population.governorate).cast(pl.String)
    return pl.Series(
        CELL,
        [f"{a}|{s}|{g}" for a, s, g in zip(group.tolist(), sex, governorate, strict=True)],
    )


def _number_text(value: int | str) -> str:
    """A category as the survey's text of it (``1`` for 1; strings as they are)."""
    return str(value)


def _uprated(survey: Survey, factors: Mapping[str, float]) -> Survey:
    tables: dict[str, Table] = {}
    for column, factor in factors.items():
        found = [
            (name, t)
            for name, t in (("households", survey.households), ("persons", survey.persons))
            if t is not None and column in (tables.get(name) or t).frame.columns
        ]
        if not found:
            raise ProjectionError(
                said(
                    "uprate: the survey has no column {column} (in households or persons)",
                    column=repr(column),
                )
            )
        name, table = found[0]
        table = tables.get(name) or table
        dtype = table.frame.schema[column]
        if not dtype.is_numeric():
            raise DataError(
                said(
                    "uprate: column {column} is {dtype}, not a number",
                    column=repr(column),
                    dtype=dtype,
                ),
                Location(file=survey.path, column=column),
            )
        tables[name] = replace(
            table, frame=table.frame.with_columns(pl.col(column).cast(pl.Float64) * factor)
        )
    return survey.with_tables(**tables) if tables else survey


def project(survey: Survey, projection: Projection, year: int) -> Survey:
    """``survey`` in ``year``: money columns uprated, weights calibrated to the projected
    persons by age group × sex × governorate (see the module's docstring)."""
    totals = projection.population.totals
    if year not in totals:
        known = ", ".join(str(y) for y in projection.years()) or "none"
        raise ProjectionError(
            said(
                "the projection ({source}) has no population totals for {year}; years "
                "with totals: {known}",
                source=projection.source,
                year=year,
                known=known,
            )
        )
    factors: dict[str, float] = {}
    for column, by_year in projection.uprate.items():
        if year not in by_year:
            raise ProjectionError(
                said(
                    "uprate: no factor for column {column} in {year} (the projection gives "
                    "{years})",
                    column=repr(column),
                    year=year,
                    years=", ".join(str(y) for y in sorted(by_year)) or said("no year"),
                )
            )
        factors[column] = float(by_year[year])
        if not factors[column] > 0:
            raise ProjectionError(
                said(
                    "uprate: the factor of {column} in {year} must be > 0",
                    column=repr(column),
                    year=year,
                )
            )
    out = _uprated(survey, factors)
    cells = _cells(out, projection.population)
    margin = {
        f"{r.age}|{_number_text(r.sex)}|{_number_text(r.governorate)}": r.total
        for r in totals[year]
    }
    unknown = sorted(set(cells.unique().to_list()) - set(margin))
    if unknown:
        age, sex, gov = unknown[0].split("|")
        raise ProjectionError(
            said(
                "the sample has persons aged {age}+ of sex {sex} in governorate {gov}, "
                "a cell with no projected total for {year} ({n_unknown} such cell(s))",
                age=age,
                sex=sex,
                gov=gov,
                year=year,
                n_unknown=len(unknown),
            )
        )
    persons = out.persons
    if persons is None:
        raise ProjectionError(
            said(
                "the survey has no persons table to weight to a population",
            )
        )
    out = out.with_tables(persons=replace(persons, frame=persons.frame.with_columns(cells)))
    return calibrate(
        out,
        margins={CELL: margin},
        distance=projection.distance,
        unit=Unit.PERSON,
        weight=f"weight_{year}",
    )

"""Uprating a survey and weighting it to a projected population (insaf.survey.projection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from insaf.errors import DataError, SpecError
from insaf.survey import Design, Survey, Table
from insaf.survey.projection import Projection, ProjectionError, load_projection, project
from insaf.survey.synth import synthesize


def tiny() -> Survey:
    households = pl.DataFrame(
        {"hhid": [1, 2], "weight": [20.0, 20.0], "governorate": [1, 1], "income": [100, 200]}
    )
    persons = pl.DataFrame(
        {"pid": [1, 2, 3], "hhid": [1, 2, 2], "age": [30, 40, 5], "sex": [1, 1, 2]}
    )
    return Survey(
        households=Table(name="households", frame=households, key=("hhid",)),
        persons=Table(name="persons", frame=persons, key=("pid",), household="hhid"),
        design=Design(weight="weight"),
    )


def spec(**changes: Any) -> Projection:
    data: dict[str, Any] = {
        "source": "test projection, 2025 revision",
        "survey_year": 2024,
        "uprate": {"income": {2026: 1.1}},
        "population": {
            "age_groups": [0, 15, 65],
            "totals": {
                2026: [
                    {"age": 15, "sex": 1, "governorate": 1, "total": 60},
                    {"age": 0, "sex": 2, "governorate": 1, "total": 50},
                ]
            },
        },
    }
    data.update(changes)
    return Projection.model_validate(data)


def test_tiny_by_hand() -> None:
    # persons aged 15-64, male, governorate 1: one in h1, one in h2 -> w1 + w2 = 60;
    # aged 0-14, female: one in h2 -> w2 = 50. So w1 = 10, w2 = 50 (any distance).
    out = project(tiny(), spec(), 2026)
    homes = out.households
    assert homes is not None
    assert homes.frame["weight_2026"].to_list() == pytest.approx([10.0, 50.0], rel=1e-10)
    assert homes.frame["income"].to_list() == pytest.approx([110.0, 220.0], rel=1e-15)
    assert out.design.weight == "weight_2026"
    assert spec().describe(2026) == {
        "source": "test projection, 2025 revision",
        "survey_year": 2024,
        "year": 2026,
        "uprated": {"income": 1.1},
        "population": 110.0,
        "cells": 2,
        "by": ["age", "sex", "governorate"],
    }


def test_demo_reaches_every_cell_and_uprates() -> None:
    survey = synthesize(600, seed=5, year=2024)
    frame = survey.frame(["age", "sex", "governorate"], unit="person")
    groups = np.where(frame["age"].to_numpy() >= 65, 65, np.where(frame["age"] >= 15, 15, 0))
    cells = (
        frame.with_columns(group=pl.Series(groups))
        .group_by("group", "sex", "governorate")
        .agg(pl.col("weight").sum() * 1.05)
    )
    rows = [
        {"age": int(r["group"]), "sex": r["sex"], "governorate": r["governorate"],
         "total": r["weight"]}
        for r in cells.iter_rows(named=True)
    ]  # fmt: skip
    projection = spec(
        uprate={"consumption_pc": {2026: 1.062}},
        population={"age_groups": [0, 15, 65], "totals": {2026: rows}},
    )
    out = project(survey, projection, 2026)
    after = out.frame(["age", "sex", "governorate", "_projection_cell"], unit="person")
    reached = after.group_by("_projection_cell").agg(pl.col("weight_2026").sum())
    wanted = {f"{r['age']}|{r['sex']}|{r['governorate']}": r["total"] for r in rows}
    for cell, total in reached.iter_rows():
        assert total == pytest.approx(wanted[cell], rel=1e-8)
    before = survey.frame(["consumption_pc"], unit="household")["consumption_pc"].to_numpy()
    uprated = out.frame(["consumption_pc"], unit="household")["consumption_pc"].to_numpy()
    assert uprated == pytest.approx(before * 1.062, rel=1e-15)


def test_errors_name_the_year_column_and_cell() -> None:
    with pytest.raises(ProjectionError, match="no population totals for 2030; years with "
                       "totals: 2026"):  # fmt: skip
        project(tiny(), spec(), 2030)
    with pytest.raises(ProjectionError, match="no factor for column 'income' in 2026"):
        project(tiny(), spec(uprate={"income": {2025: 1.05}}), 2026)
    with pytest.raises(ProjectionError, match="no column 'wage'"):
        project(tiny(), spec(uprate={"wage": {2026: 1.05}}), 2026)
    one_cell = {"age_groups": [0, 15], "totals": {2026: [
        {"age": 15, "sex": 1, "governorate": 1, "total": 60}]}}  # fmt: skip
    with pytest.raises(ProjectionError, match="persons aged 0\\+ of sex 2 in governorate 1"):
        project(tiny(), spec(population=one_cell), 2026)
    no_age = tiny()
    persons = no_age.persons
    assert persons is not None
    frame = persons.frame.with_columns(age=pl.Series([30, None, 5]))
    no_age = no_age.with_tables(persons=Table(name="persons", frame=frame, key=("pid",),
                                              household="hhid"))  # fmt: skip
    with pytest.raises(DataError, match="column 'age' has 1 missing"):
        project(no_age, spec(), 2026)


def test_the_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "projection.yaml"
    path.write_text(
        "source: x\nsurvey_year: 2024\npopulation:\n  age_groups: [0, 15]\n  totals:\n"
        "    2026:\n      - {age: 10, sex: 1, governorate: 1, total: 5}\n"
    )
    with pytest.raises(SpecError, match="age 10 is not the lower bound"):
        load_projection(path)
    path.write_text(
        "source: x\nsurvey_year: 2024\npopulation:\n  age_groups: [0, 15]\n  totals:\n"
        "    2026:\n      - {age: 0, sex: 1, governorate: 1, total: 5}\n"
    )
    assert load_projection(path).years() == [2026]

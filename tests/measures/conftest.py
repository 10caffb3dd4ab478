"""Fixtures: the golden data sets as surveys, and the golden values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from insaf.survey.design import Design, LonelyPSU
from insaf.survey.survey import Survey
from insaf.survey.table import Table

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def survey_of(frame: pl.DataFrame, **design: Any) -> Survey:
    return Survey(persons=Table(name="persons", frame=frame), design=Design(**design))


@pytest.fixture(scope="session")
def eusilc_frame() -> pl.DataFrame:
    return pl.read_csv(GOLDEN / "data" / "eusilc.csv")


@pytest.fixture(scope="session")
def eusilc(eusilc_frame: pl.DataFrame) -> Survey:
    return survey_of(eusilc_frame, weight="rb050", strata="db040", psu="db030")


@pytest.fixture(scope="session")
def eusilc_golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "eusilc.json").read_text())
    return data


@pytest.fixture(scope="session")
def survey_golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "survey.json").read_text())
    return data


@pytest.fixture(scope="session")
def demo() -> Survey:
    """The small synthetic demo survey of the MPI and HOI goldens (households and persons)."""
    households = pl.read_csv(GOLDEN / "data" / "demo_households.csv")
    persons = pl.read_csv(GOLDEN / "data" / "demo_persons.csv")
    return Survey(
        households=Table(name="households", frame=households, key=("hhid",)),
        persons=Table(name="persons", frame=persons, key=("pid",), household="hhid"),
        design=Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
    )


@pytest.fixture(scope="session")
def mpi_golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "mpi.json").read_text())
    return data


def api(name: str) -> pl.DataFrame:
    return pl.read_csv(GOLDEN / "data" / f"{name}.csv", infer_schema_length=None)


__all__ = ["GOLDEN", "LonelyPSU", "api", "survey_of"]


@pytest.fixture(scope="session")
def equity_golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "equity.json").read_text())
    return data

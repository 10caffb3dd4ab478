"""Export a small synthetic demo survey for the MPI and HOI golden tests.

    .venv/bin/python tests/golden/export_synth.py      (from the repository root)

The data come from INSAF's synthetic generator (``insaf synth``): they are
*input* data, like laeken's eusilc. Every golden *value* is computed from these
CSV files by R (``golden_mpi.R``), never by INSAF. The files are kept in the
repository, so later changes to the generator do not move the goldens.
"""

from __future__ import annotations

from pathlib import Path

from insaf.survey.synth import synthesize

HERE = Path(__file__).resolve().parent / "data"
HOUSEHOLDS = [
    "hhid",
    "stratum",
    "psu",
    "fpc",
    "weight",
    "urban",
    "governorate",
    "nationality",
    "refugee_hh",
    "head_sex",
    "head_education",
    "hhsize",
    "child_death_5y",
    "electricity",
    "water_improved",
    "water_minutes",
    "water_source",
    "sanitation",
    "sanitation_improved",
    "sanitation_shared",
    "cooking_fuel",
    "floor",
    "roof",
    "wall",
    "rooms",
    "persons_per_room",
    "radio",
    "tv",
    "mobile_phone",
    "computer",
    "bicycle",
    "motorcycle",
    "fridge",
    "washing_machine",
    "air_conditioner",
    "car",
    "consumption_pc",
]
PERSONS = [
    "pid",
    "hhid",
    "sex",
    "age",
    "marital_status",
    "age_first_marriage",
    "years_schooling",
    "attending_school",
    "underweight",
    "stunted",
    "disability",
]


def main() -> None:
    survey = synthesize(2000, 7, 2024)
    assert survey.households is not None and survey.persons is not None
    survey.households.frame.select(HOUSEHOLDS).write_csv(HERE / "demo_households.csv")
    survey.persons.frame.select(PERSONS).write_csv(HERE / "demo_persons.csv")


if __name__ == "__main__":
    main()

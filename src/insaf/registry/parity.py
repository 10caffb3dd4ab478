"""Parity: the registry runtime gives each household what the survey simulation gives it.

``from_survey(survey)`` makes a registry of the survey's households: each
household and person becomes a registry record, each of their survey values an
observation (source ``survey``, observed on the survey's date), each person's
age a birth date, and each household's purchases ``consumption.<item>.*``
observations. ``parity(scenario, survey)`` then runs every policy of the
scenario (the baseline and each reform, with the parameters the solver found)
twice: by ``insaf simulate``'s engine on the survey, and as rulesets on the
registry as of the survey's date. It compares every instrument's benefit
household by household, and the survey-weighted total of the registry's
fiscal flows with the simulation's annual cost.

Why they agree: both runtimes hand the same columns to the same instrument
code (``Engine.run``); the registry changes only how the columns are stored
(dated observations) and gathered (latest on or before the date), so any
difference found here is a defect of the registry's storage or layout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.policy.engine import Simulation, State, simulate_states
from insaf.policy.scenario import Scenario
from insaf.registry.model import CONSUMPTION, Registry
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import run_ruleset
from insaf.survey import Survey

__all__ = ["InstrumentParity", "ParityReport", "from_survey", "parity", "survey_date"]


def survey_date(survey: Survey) -> dt.date:
    """The date a survey's values are taken to be observed: 1 July of its year."""
    return dt.date(survey.year or 2024, 7, 1)


def _long(frame: pl.DataFrame, id_column: str, unit: str, date: dt.date) -> pl.DataFrame:
    """Each non-missing value of ``frame`` as one observation."""
    numeric = [
        c for c, t in frame.schema.items() if c != id_column and (t.is_numeric() or t == pl.Boolean)
    ]
    text = [c for c in frame.columns if c != id_column and c not in numeric]
    parts = []
    if numeric:
        parts.append(
            frame.select(
                pl.col(id_column).alias("id"), *(pl.col(c).cast(pl.Float64) for c in numeric)
            )
            .unpivot(index="id", variable_name="variable", value_name="value")
            .filter(pl.col("value").is_not_null())
            .with_columns(text=pl.lit(None, pl.String))
        )
    if text:
        parts.append(
            frame.select(pl.col(id_column).alias("id"), *(pl.col(c).cast(pl.String) for c in text))
            .unpivot(index="id", variable_name="variable", value_name="text")
            .filter(pl.col("text").is_not_null())
            .with_columns(value=pl.lit(None, pl.Float64))
            .select("id", "variable", "value", "text")
        )
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).with_columns(
        unit=pl.lit(unit),
        source=pl.lit("survey"),
        observed=pl.lit(date),
        verification=pl.lit("unverified"),
        id=pl.col("id").cast(pl.Int64),
    )


def from_survey(survey: Survey, *, date: dt.date | None = None) -> Registry:
    """A registry of the survey's households and persons (module notes)."""
    date = date or survey_date(survey)
    if survey.households is None or survey.persons is None or survey.household_key is None:
        raise DataError(said("a registry is built from a survey with household and person tables"))
    key = survey.household_key
    hh = survey.households.frame
    if not hh.schema[key].is_integer():
        raise DataError(
            said("household key {key} must be whole numbers to be a registry id", key=repr(key))
        )
    persons = survey.persons.frame
    person_key = [c for c in survey.persons.key if c != key]
    if len(person_key) == 1 and persons.schema[person_key[0]].is_integer():
        pid = persons.get_column(person_key[0]).cast(pl.Int64)
    else:
        pid = pl.Series(np.arange(1, persons.height + 1, dtype=np.int64))
    persons = persons.with_columns(pid.alias("__pid__"))
    birth = pl.date(date.year - pl.col("age").cast(pl.Int32), date.month, 1) - pl.duration(days=1)
    if "age" not in persons.columns:
        birth = pl.lit(None, pl.Date)
    people = persons.select(
        person_id=pl.col("__pid__"),
        national_id=pl.lit(None, pl.String),
        name=pl.col("__pid__").cast(pl.String),
        name_latin=pl.lit(None, pl.String),
        sex=pl.lit(None, pl.String),
        birth_date=birth,
    )
    memberships = persons.select(
        person_id=pl.col("__pid__"),
        household_id=pl.col(key).cast(pl.Int64),
        relationship=pl.lit(None, pl.String),
        start=pl.lit(date),
        end=pl.lit(None, pl.Date),
    )
    dropped = {key, "age", *person_key, "__pid__"}
    observations = [
        _long(hh, key, "household", date),
        _long(
            persons.select("__pid__", *(c for c in persons.columns if c not in dropped)),
            "__pid__",
            "person",
            date,
        ),
    ]
    observations.extend(_consumption(survey, key, date))
    return Registry(
        persons=people,
        groups=hh.select(household_id=pl.col(key).cast(pl.Int64), registered=pl.lit(date)),
        memberships=memberships,
        observations=pl.concat(
            [
                o.select(
                    "unit", "id", "variable", "value", "text", "source", "observed", "verification"
                )
                for o in observations
                if o.height
            ]
        ),
    )


def _consumption(survey: Survey, key: str, date: dt.date) -> list[pl.DataFrame]:
    """``consumption.<item>.quantity`` and ``.value`` per household, as the engine reads them."""
    table = survey.items.get("consumption")
    if table is None:
        return []
    frame = table.frame
    item = frame.get_column("item")
    names = survey.policy.get("items")
    if item.dtype != pl.String and isinstance(names, dict):
        by_code = {str(code): name for name, code in names.items()}
        item = item.cast(pl.String).replace(by_code)
    spent = pl.col("value").cast(pl.Float64).fill_null(0.0)
    sums = (
        frame.with_columns(item.cast(pl.String).alias("item"))
        .group_by(key, "item")
        .agg(
            quantity=pl.col("quantity").cast(pl.Float64).fill_null(spent).sum(),
            value=spent.sum(),
        )
    )
    out = []
    for what in ("quantity", "value"):
        out.append(
            sums.select(
                id=pl.col(key).cast(pl.Int64),
                variable=pl.lit(CONSUMPTION) + pl.col("item") + pl.lit(f".{what}"),
                value=pl.col(what),
                text=pl.lit(None, pl.String),
                unit=pl.lit("household"),
                source=pl.lit("survey"),
                observed=pl.lit(date),
                verification=pl.lit("unverified"),
            )
        )
    return out


@dataclass(frozen=True)
class InstrumentParity:
    """One instrument in one policy state: largest household difference, and totals."""

    state: str
    instrument: str
    max_difference: float
    households: int
    registry_total: float
    """Survey-weighted annual fiscal total of the registry's outcomes."""
    simulation_total: float
    """The simulation's annual fiscal total (what ``insaf simulate`` reports)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "instrument": self.instrument,
            "max_difference": self.max_difference,
            "households": self.households,
            "registry_total": self.registry_total,
            "simulation_total": self.simulation_total,
        }


@dataclass(frozen=True)
class ParityReport:
    """Every instrument of every policy state, compared."""

    scenario: str
    rows: list[InstrumentParity] = field(default_factory=list)
    benefits: dict[str, dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]] = field(
        default_factory=dict, repr=False
    )
    """``benefits[state][instrument] = (registry, simulation)``, in the survey's order."""

    def worst(self) -> float:
        return max((r.max_difference for r in self.rows), default=0.0)

    def holds(self, tolerance: float = 1e-9) -> bool:
        """Every household's benefit and every total agree within ``tolerance`` (relative
        for totals)."""
        for r in self.rows:
            scale = max(1.0, abs(r.simulation_total))
            if r.max_difference > tolerance or abs(r.registry_total - r.simulation_total) > (
                tolerance * scale
            ):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "holds": self.holds(),
            "worst": self.worst(),
            "rows": [r.to_dict() for r in self.rows],
        }


def parity(
    scenario: Scenario,
    survey: Survey,
    *,
    simulation: Simulation | None = None,
    registry: Registry | None = None,
) -> ParityReport:
    """Run every policy of ``scenario`` on the survey and on its registry; compare (notes)."""
    sim = simulation or simulate_states(scenario, survey)
    registry = registry or from_survey(survey)
    view = registry.as_of(survey_date(survey))
    key = survey.household_key
    assert survey.households is not None and key is not None
    survey_ids = survey.households.frame.get_column(key).cast(pl.Int64).to_numpy()
    weight = survey.design.weight
    report = ParityReport(scenario=scenario.title)
    states: dict[str, State] = {"baseline": sim.baseline, **sim.reforms}
    for name, state in states.items():
        ruleset = Ruleset.from_scenario(scenario, state.policy, id=name, drafted_by="parity")
        run = run_ruleset(ruleset, view, weight=weight)
        reg_ids = run.household_ids
        order = np.argsort(reg_ids)
        position = order[np.searchsorted(reg_ids[order], survey_ids)]
        if not np.array_equal(reg_ids[position], survey_ids):
            raise DataError(said("the registry's households are not the survey's"))

        reg_weight = run.data.weight
        compared = report.benefits.setdefault(name, {})
        for instrument in state.flows:
            registry_flows = run.state.flows[instrument]
            simulated = state.flows[instrument]
            registry_benefit = registry_flows.benefit[position]
            compared[instrument] = (registry_benefit, simulated.benefit)
            report.rows.append(
                InstrumentParity(
                    state=name,
                    instrument=instrument,
                    max_difference=float(np.max(np.abs(registry_benefit - simulated.benefit)))
                    if simulated.benefit.size
                    else 0.0,
                    households=int(simulated.benefit.size),
                    registry_total=float(np.dot(reg_weight, registry_flows.fiscal)) * sim.annual,
                    simulation_total=float(np.dot(sim.data.weight, simulated.fiscal)) * sim.annual,
                )
            )
    return report

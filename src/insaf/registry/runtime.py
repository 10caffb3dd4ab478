"""The registry runtime: a ruleset's instruments on the registry, by the policy engine.

The registry on a date (``Registry.as_of``) is laid out as a survey (a household
table, a person table, an item table; every household weighs 1 unless a weight
variable is named), and the ruleset's policy is computed by the engine that
``insaf simulate`` uses: ``prepare_data`` (the scenario's derived variables
and the checks of the instruments against the data), then ``Engine.run`` on
the baseline and, for a reform, on the reform against the baseline. Nothing
about the rules is restated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.policy.data import PolicyData
from insaf.policy.engine import Engine, State, prepare_data
from insaf.policy.instruments import Flows
from insaf.registry.model import AsOf
from insaf.registry.rules import Ruleset
from insaf.survey import Design, Survey, Table

__all__ = ["HOUSEHOLD", "WEIGHT", "Run", "registry_survey", "run_ruleset", "simulate_ruleset"]

HOUSEHOLD = "household_id"
WEIGHT = "__weight__"


def registry_survey(view: AsOf, *, weight: str | None = None) -> Survey:
    """The registry on a date as a survey the policy engine reads.

    ``weight`` names a household variable holding a weight (a registry built
    from a survey keeps the survey's weights); without it every household
    weighs 1.
    """
    households = view.households
    if weight is None:
        households = households.with_columns(pl.lit(1.0).alias(WEIGHT))
        weight = WEIGHT
    elif weight not in households.columns:
        raise DataError(
            said("no household variable {name} to weight households by", name=repr(weight))
        )
    items = {}
    if view.items is not None:
        items["consumption"] = Table(
            name="consumption", frame=view.items, key=(HOUSEHOLD, "item"), household=HOUSEHOLD
        )
    return Survey(
        households=Table(name="households", frame=households, key=(HOUSEHOLD,)),
        persons=Table(name="persons", frame=view.persons, key=("person_id",), household=HOUSEHOLD),
        items=items,
        design=Design(weight=weight),
        path=f"<registry as of {view.date.isoformat()}>",
    )


@dataclass(frozen=True, eq=False)
class Run:
    """A ruleset computed on the registry: the engine's data and state, per instrument."""

    ruleset: Ruleset
    view: AsOf
    data: PolicyData
    state: State

    @property
    def household_ids(self) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
        ids: np.ndarray[tuple[int], np.dtype[np.int64]] = self.data.households.get_column(
            HOUSEHOLD
        ).to_numpy()
        return ids

    @property
    def flows(self) -> Mapping[str, Flows]:
        """Flows of the programme's instruments."""
        return {i: self.state.flows[i] for i in self.ruleset.instruments}

    def entitlement(self) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
        """Each household's entitlement: the sum of the programme's instruments' benefits."""
        total = np.zeros(self.data.n_households)
        for flows in self.flows.values():
            total += flows.benefit
        return total

    def pmt_score(self) -> np.ndarray[tuple[int], np.dtype[np.float64]] | None:
        if self.ruleset.pmt is None:
            return None
        return self.data.column(self.ruleset.pmt.variable)


def _with_pmt(view: AsOf, ruleset: Ruleset) -> AsOf:
    if ruleset.pmt is None:
        return view
    score = ruleset.pmt.model.score(view.households)
    households = view.households.with_columns(pl.Series(ruleset.pmt.variable, score))
    return AsOf(
        date=view.date,
        households=households,
        persons=view.persons,
        items=view.items,
        provenance=view.provenance,
    )


def run_ruleset(ruleset: Ruleset, view: AsOf, *, weight: str | None = None) -> Run:
    """Compute ``ruleset`` on the registry as of ``view.date`` (module notes)."""
    view = _with_pmt(view, ruleset)
    data, state = simulate_ruleset(ruleset, registry_survey(view, weight=weight))
    return Run(ruleset=ruleset, view=view, data=data, state=state)


def simulate_ruleset(ruleset: Ruleset, survey: Survey) -> tuple[PolicyData, State]:
    """The engine on ``survey``: the ruleset's baseline and, for a reform, the reform
    against it (the data prepared for both, and the last state)."""
    policies = [ruleset.base] if ruleset.base is ruleset.policy else [ruleset.base, ruleset.policy]
    data = prepare_data(ruleset.scenario, survey, policies)
    engine = Engine(ruleset.scenario, data)
    state = engine.run(ruleset.base)
    if ruleset.policy is not ruleset.base:
        state = engine.run(ruleset.policy, state)
    return data, state


def check_date(ruleset: Ruleset, as_of: dt.date) -> None:
    """Refuse a date on which the ruleset is not in force."""
    if not ruleset.in_force(as_of):
        until = ruleset.effective_to.isoformat() if ruleset.effective_to else said("open-ended")
        raise DataError(
            said(
                "ruleset {id} version {version} is in force from {start} to {until}, not on {date}",
                id=repr(ruleset.id),
                version=ruleset.version,
                start=ruleset.effective_from.isoformat(),
                until=until,
                date=as_of.isoformat(),
            )
        )

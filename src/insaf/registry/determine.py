"""Determinations: a ruleset run on the registry as of a date, explained and hashed.

``determine(ruleset, registry, as_of)`` runs the ruleset's instruments through
the policy engine (``insaf.registry.runtime``) and gives, per household:

- ``eligible``: the programme pays the household something (some instrument has
  a recipient in it, or a non-zero benefit for instruments without recipients);
- ``entitlement``: the sum of the programme's instruments' benefits per period,
  with ``amounts`` per instrument;
- ``pmt_score`` when the ruleset scores households with a PMT;
- ``reasons``: codes ``<instrument>.<condition>.met`` or ``.not_met`` for
  each rule the instruments read (``eligible``, ``taken_up``), then
  ``<instrument>.entitled`` or ``<instrument>.not_entitled``, and
  ``<instrument>.cap.applied`` when the cap bound;
- ``trace``: each expression an instrument read, its value for the household,
  and every input it used with the input's source, date and verification.

``input_hash`` is a SHA-256 over the ruleset's content hash, the date, the
household and every input value the ruleset reads (with its provenance);
``hash`` adds the outcome. The same inputs give the same hashes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, said
from insaf.registry.model import AsOf, Columns, Registry, columns_of, complete
from insaf.registry.rules import ApprovalError, Ruleset
from insaf.registry.runtime import HOUSEHOLD, Run, check_date, run_ruleset
from insaf.registry.trace import entries, explain_frame, read_trace

__all__ = [
    "Condition",
    "Determination",
    "Input",
    "checked_view",
    "determinations",
    "determine",
    "determine_frame",
    "explain",
]

Value = float | str | None


@dataclass(frozen=True, slots=True)
class Input:
    """One value a rule read: whose (``unit``, ``id``), which variable, and where it came from.

    ``source`` is the observation's source, or ``derived`` for a value the
    engine or the scenario computes from others (``n_children``) and
    ``registry`` for ``age`` (from the birth date).
    """

    unit: str
    id: int
    variable: str
    value: Value
    source: str
    observed: dt.date | None
    verification: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "id": self.id,
            "variable": self.variable,
            "value": self.value,
            "source": self.source,
            "observed": self.observed.isoformat() if self.observed else None,
            "verification": self.verification,
        }


@dataclass(frozen=True, slots=True)
class Condition:
    """One expression of an instrument evaluated for a household.

    ``holds`` is set for rules (``eligible``, ``taken_up``): at person level
    it holds when ``value`` (the members for whom it holds) is above zero.
    """

    instrument: str
    key: str
    text: str
    level: str
    value: float
    holds: bool | None
    inputs: tuple[Input, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "key": self.key,
            "text": self.text,
            "level": self.level,
            "value": self.value,
            "holds": self.holds,
            "inputs": [i.to_dict() for i in self.inputs],
        }


@dataclass(frozen=True, slots=True)
class Determination:
    """One household's outcome under one ruleset on one date (module notes)."""

    household_id: int
    ruleset: str
    version: int
    ruleset_hash: str
    as_of: dt.date
    eligible: bool
    entitlement: float
    amounts: Mapping[str, float]
    pmt_score: float | None
    reasons: tuple[str, ...]
    trace: tuple[Condition, ...]
    input_hash: str
    hash: str
    stored_trace: Mapping[str, Any] = field(default_factory=dict)
    """The trace as it is stored (``insaf.registry.trace``: the values of each entry and
    every input, in columns)."""
    draft: bool = False
    """Run on a ruleset not yet approved (a trial: never paid)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "ruleset": self.ruleset,
            "version": self.version,
            "ruleset_hash": self.ruleset_hash,
            "as_of": self.as_of.isoformat(),
            "eligible": self.eligible,
            "entitlement": self.entitlement,
            "amounts": dict(self.amounts),
            "pmt_score": self.pmt_score,
            "reasons": list(self.reasons),
            "trace": [c.to_dict() for c in self.trace],
            "input_hash": self.input_hash,
            "hash": self.hash,
            "draft": self.draft,
        }


def checked_view(
    rulesets: Sequence[Ruleset],
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None,
    *,
    draft: bool,
    columns: Columns | None = None,
) -> AsOf:
    """The registry on ``as_of`` for these rulesets, once each is checked.

    Each ruleset must be approved (or the run a ``draft``) and in force on ``as_of``;
    every household asked for must have members on that day. The households asked for
    are laid out as in the whole registry's view (``complete``): with every variable the
    registry has on that day, empty where none of them was observed on it. ``columns``
    gives those variables when ``registry`` holds only part of the registry (a range, or
    the households read from a database).
    """
    for ruleset in rulesets:
        if not ruleset.approved and not draft:
            raise ApprovalError(
                said(
                    "ruleset {id} version {version} is not approved: "
                    "determinations need an approved ruleset (a trial run passes draft=True)",
                    id=repr(ruleset.id),
                    version=ruleset.version,
                )
            )
        check_date(ruleset, as_of)
    if households is not None:
        if columns is None:
            columns = columns_of(registry.observations, as_of)
        registry = registry.subset(households)
    view = registry.as_of(as_of)
    if columns is not None:
        view = complete(view, columns)
    if households is not None:
        found = set(view.households.get_column(HOUSEHOLD).to_list())
        missing = [h for h in households if h not in found]
        if missing:
            raise DataError(
                said(
                    "household(s) {missing} have no members in the registry on {date}",
                    missing=", ".join(str(m) for m in missing[:10]),
                    date=as_of.isoformat(),
                )
            )
    return view


def _checked_run(
    ruleset: Ruleset,
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None,
    *,
    draft: bool,
    weight: str | None,
    columns: Columns | None,
) -> Run:
    view = checked_view([ruleset], registry, as_of, households, draft=draft, columns=columns)
    return run_ruleset(ruleset, view, weight=weight)


def determine_frame(
    ruleset: Ruleset,
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
    weight: str | None = None,
    columns: Columns | None = None,
) -> pl.DataFrame:
    """Outcomes only, as a frame (one row per household): for large runs.

    Columns: ``household_id``, ``eligible``, ``entitlement``, ``pmt_score``
    and one ``amount.<instrument>`` per instrument.
    """
    run = _checked_run(
        ruleset, registry, as_of, households, draft=draft, weight=weight, columns=columns
    )
    return outcomes(run)


def outcomes(run: Run) -> pl.DataFrame:
    eligible = np.zeros(run.data.n_households, dtype=np.bool_)
    columns: dict[str, Any] = {HOUSEHOLD: run.household_ids}
    for name, flows in run.flows.items():
        paid = flows.recipients > 0 if flows.recipients is not None else flows.benefit != 0
        eligible |= paid
        columns[f"amount.{name}"] = flows.benefit
    score = run.pmt_score()
    out = pl.DataFrame(
        {
            HOUSEHOLD: run.household_ids,
            "eligible": eligible,
            "entitlement": run.entitlement(),
            "pmt_score": score if score is not None else np.full(eligible.size, np.nan),
        }
    ).with_columns(pl.col("pmt_score").fill_nan(None))
    return out.hstack(pl.DataFrame({k: v for k, v in columns.items() if k != HOUSEHOLD}))


def determine(
    ruleset: Ruleset,
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
    weight: str | None = None,
    columns: Columns | None = None,
) -> list[Determination]:
    """Every household's determination (or those of ``households``), with trace and hashes.

    Refuses a ruleset not in force on ``as_of``, and one not approved unless
    ``draft`` (a trial run, marked so). ``columns``: the whole registry's variables on
    ``as_of`` when ``registry`` holds only part of it (``checked_view``).
    """
    run = _checked_run(
        ruleset, registry, as_of, households, draft=draft, weight=weight, columns=columns
    )
    return explain(run, draft=draft)


def explain(run: Run, *, draft: bool = False) -> list[Determination]:
    """The determinations of every household of ``run`` (see ``determine``).

    Computed for all households at once (``insaf.registry.trace.explain_frame``);
    each ``Determination`` carries the trace as stored (``stored_trace``) and
    read back into conditions (``trace``).
    """
    return determinations(run.ruleset, run.view.date, explain_frame(run, draft=draft), draft=draft)


def determinations(
    ruleset: Ruleset, as_of: dt.date, frame: pl.DataFrame, *, draft: bool = False
) -> list[Determination]:
    """The determinations in ``frame`` (``explain_frame``'s rows for ``ruleset`` on
    ``as_of``), each with its trace read back into conditions."""
    rules = entries(ruleset)
    names = [i.id for i in ruleset.selected]
    out: list[Determination] = []
    for row in frame.iter_rows(named=True):
        stored = json.loads(row["trace"])
        trace = tuple(
            Condition(
                instrument=entry.instrument,
                key=entry.key,
                text=entry.text,
                level=entry.level,
                value=value,
                holds=bool(value > 0) if entry.kind == "rule" else None,
                inputs=tuple(
                    Input(u.unit, u.id, u.variable, u.value, u.source, u.observed, u.verification)
                    for u in used
                ),
            )
            for entry, value, used in read_trace(rules, stored)
        )
        score = row["pmt_score"]
        out.append(
            Determination(
                household_id=int(row[HOUSEHOLD]),
                ruleset=ruleset.id,
                version=ruleset.version,
                ruleset_hash=ruleset.content_hash,
                as_of=as_of,
                eligible=bool(row["eligible"]),
                entitlement=float(row["entitlement"]),
                amounts={n: float(row[f"amount.{n}"]) for n in names},
                pmt_score=None if score is None else float(score),
                reasons=tuple(row["reasons"]),
                trace=trace,
                input_hash=row["input_hash"],
                hash=row["hash"],
                stored_trace=stored,
                draft=draft,
            )
        )
    return out

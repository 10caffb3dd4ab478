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
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError
from insaf.policy.instruments.base import compiled
from insaf.registry.model import Registry
from insaf.registry.rules import ApprovalError, Ruleset
from insaf.registry.runtime import HOUSEHOLD, Run, check_date, run_ruleset

__all__ = ["Condition", "Determination", "Input", "determine", "determine_frame", "explain"]

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


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checked_run(
    ruleset: Ruleset,
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None,
    *,
    draft: bool,
    weight: str | None,
) -> Run:
    if not ruleset.approved and not draft:
        raise ApprovalError(
            f"ruleset {ruleset.id!r} version {ruleset.version} is not approved: determinations "
            "need an approved ruleset (a trial run passes draft=True)"
        )
    check_date(ruleset, as_of)
    if households is not None:
        registry = registry.subset(households)
    view = registry.as_of(as_of)
    if households is not None:
        found = set(view.households.get_column(HOUSEHOLD).to_list())
        missing = [h for h in households if h not in found]
        if missing:
            raise DataError(
                f"household(s) {', '.join(str(m) for m in missing[:10])} have no members in the "
                f"registry on {as_of.isoformat()}"
            )
    return run_ruleset(ruleset, view, weight=weight)


def determine_frame(
    ruleset: Ruleset,
    registry: Registry,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
    weight: str | None = None,
) -> pl.DataFrame:
    """Outcomes only, as a frame (one row per household): for large runs.

    Columns: ``household_id``, ``eligible``, ``entitlement``, ``pmt_score``
    and one ``amount.<instrument>`` per instrument.
    """
    run = _checked_run(ruleset, registry, as_of, households, draft=draft, weight=weight)
    return _outcomes(run)


def _outcomes(run: Run) -> pl.DataFrame:
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
) -> list[Determination]:
    """Every household's determination (or those of ``households``), with trace and hashes.

    Refuses a ruleset not in force on ``as_of``, and one not approved unless
    ``draft`` (a trial run, marked so).
    """
    run = _checked_run(ruleset, registry, as_of, households, draft=draft, weight=weight)
    return explain(run, draft=draft)


class _Lookup:
    """Provenance and values of one run, by household (built once)."""

    def __init__(self, run: Run, variables: Iterable[str]) -> None:
        self.run = run
        self.households = run.data.households
        self.persons = run.data.persons
        order = np.argsort(run.data.person_hh, kind="stable")
        bounds = np.searchsorted(run.data.person_hh[order], np.arange(run.data.n_households + 1))
        self._order, self._bounds = order, bounds
        read = run.view.provenance.filter(pl.col("variable").is_in(list(variables)))
        self.prov: dict[tuple[str, int, str], tuple[str, dt.date | None, str | None]] = {
            (row[0], row[1], row[2]): (row[3], row[4], row[5]) for row in read.iter_rows()
        }
        self._columns: dict[tuple[str, str], list[Any]] = {}

    def rows(self, h: int) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
        rows: np.ndarray[tuple[int], np.dtype[np.int64]] = self._order[
            self._bounds[h] : self._bounds[h + 1]
        ]
        return rows

    def _column(self, level: str, name: str) -> list[Any]:
        key = (level, name)
        if key not in self._columns:
            frame = self.households if level == "household" else self.persons
            assert frame is not None
            self._columns[key] = frame.get_column(name).to_list()
        return self._columns[key]

    def household_input(self, h: int, hid: int, name: str) -> Input:
        value = _plain(self._column("household", name)[h])
        found = self.prov.get(("household", hid, name))
        if found is None:
            return Input("household", hid, name, value, "derived", None, None)
        return Input("household", hid, name, value, found[0], found[1], found[2])

    def person_ids(self, h: int) -> list[int]:
        ids = self._column("person", "person_id")
        return [int(ids[int(row)]) for row in self.rows(h)]

    def person_inputs(self, h: int, name: str) -> list[Input]:
        out = []
        ids = self._column("person", "person_id")
        column = self._column("person", name)
        for row in self.rows(h):
            pid = int(ids[int(row)])
            value = _plain(column[int(row)])
            found = self.prov.get(("person", pid, name))
            if name == "age":
                out.append(Input("person", pid, name, value, "registry", None, None))
            elif found is None:
                out.append(Input("person", pid, name, value, "derived", None, None))
            else:
                out.append(Input("person", pid, name, value, found[0], found[1], found[2]))
        return out


def _plain(value: Any) -> Value:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return float(value)
    number = float(value)
    return None if np.isnan(number) else number


def _inputs(look: _Lookup, h: int, hid: int, names: Iterable[str], level: str) -> list[Input]:
    out: list[Input] = []
    persons = look.persons
    for name in names:
        if level == "person" and persons is not None and name in persons.columns:
            out.extend(look.person_inputs(h, name))
        else:
            out.append(look.household_input(h, hid, name))
    return out


def _expand(ruleset: Ruleset, names: Iterable[str]) -> list[str]:
    """Names read, with the scenario's derived variables followed to what they read."""
    out: list[str] = []
    variables = ruleset.scenario.variables
    for name in names:
        out.append(name)
        if name in variables:
            out.extend(_expand(ruleset, compiled(variables[name].text).names))
    return list(dict.fromkeys(out))


def explain(run: Run, *, draft: bool = False) -> list[Determination]:
    """The determinations of every household of ``run`` (see ``determine``)."""
    ruleset = run.ruleset
    data = run.data
    content_hash = ruleset.content_hash
    ids = run.household_ids
    outcomes = _outcomes(run)
    eligible = outcomes.get_column("eligible").to_numpy()
    entitlement = outcomes.get_column("entitlement").to_numpy()
    scores = run.pmt_score()
    flows = run.flows
    evaluated: list[tuple[str, str, str, str, np.ndarray[Any, Any], bool]] = []
    for instrument in ruleset.selected:
        for need in instrument.needs():
            if need.what != "expression":
                continue
            key = ".".join(str(k) for k in need.key)
            is_rule = need.key[-1] in ("eligible", "taken_up")
            if is_rule:
                if need.unit == "person":
                    values = data.count(need.text)
                else:
                    values = data.condition(need.text, "household").astype(np.float64)
            elif need.unit == "person":
                values = data.household_sum(data.values(need.text, "person"))
            else:
                values = data.values(need.text, "household")
            evaluated.append((instrument.id, key, need.text, need.unit, values, is_rule))
    expanded = {e[2]: _expand(ruleset, compiled(e[2]).names) for e in evaluated}
    caps = {i.id: getattr(i, "cap", None) for i in ruleset.selected}
    pmt_names: list[str] = []
    if ruleset.pmt is not None:
        pmt_names = list(ruleset.pmt.model.variables)
    look = _Lookup(run, {n for names in expanded.values() for n in names} | set(pmt_names))
    out: list[Determination] = []
    for h, hid_raw in enumerate(ids):
        hid = int(hid_raw)
        trace: list[Condition] = []
        reasons: list[str] = []
        for instrument_id, key, text, level, values, is_rule in evaluated:
            names = expanded[text]
            inputs = tuple(_inputs(look, h, hid, names, level))
            value = float(values[h])
            holds = bool(value > 0) if is_rule else None
            if is_rule:
                reasons.append(f"{instrument_id}.{key}.{'met' if holds else 'not_met'}")
            trace.append(Condition(instrument_id, key, text, level, value, holds, inputs))
        if pmt_names and ruleset.pmt is not None:
            inputs = tuple(_inputs(look, h, hid, pmt_names, "household"))
            assert scores is not None
            trace.append(
                Condition(
                    "pmt",
                    ruleset.pmt.variable,
                    "pmt model",
                    "household",
                    float(scores[h]),
                    None,
                    inputs,
                )
            )
        amounts = {name: float(f.benefit[h]) for name, f in flows.items()}
        for name, amount in amounts.items():
            reasons.append(f"{name}.{'entitled' if amount != 0 else 'not_entitled'}")
            cap = caps.get(name)
            if cap is not None and amount > 0 and amount == cap:
                reasons.append(f"{name}.cap.applied")
        roster = sorted(look.person_ids(h)) if data.persons is not None else []
        input_hash = _digest(
            {
                "ruleset": content_hash,
                "as_of": run.view.date.isoformat(),
                "household": hid,
                "members": roster,
                "inputs": sorted(
                    json.dumps(i.to_dict(), sort_keys=True) for c in trace for i in c.inputs
                ),
            }
        )
        score = float(scores[h]) if scores is not None else None
        outcome = {
            "input_hash": input_hash,
            "eligible": bool(eligible[h]),
            "entitlement": float(entitlement[h]),
            "amounts": amounts,
            "pmt_score": score,
            "reasons": reasons,
            "draft": draft,
        }
        out.append(
            Determination(
                household_id=hid,
                ruleset=ruleset.id,
                version=ruleset.version,
                ruleset_hash=content_hash,
                as_of=run.view.date,
                eligible=bool(eligible[h]),
                entitlement=float(entitlement[h]),
                amounts=amounts,
                pmt_score=score,
                reasons=tuple(reasons),
                trace=tuple(trace),
                input_hash=input_hash,
                hash=_digest(outcome),
                draft=draft,
            )
        )
    return out

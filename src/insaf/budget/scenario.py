"""Budget scenarios: move money between programmes, or change one programme's
envelope, and let the policy engine say who gains and who loses.

A programme of the plan names the policy instruments that deliver it
(``Programme.instruments``, ids of the scenario's baseline instruments). Its
envelope ``E_p`` is the sum of its leaf lines in one year and phase (executed
by default; amount times the budget's scale). A new envelope ``E'_p`` scales
each linked instrument's money per beneficiary by ``r_p = E'_p / E_p``:

====================  ===========================================
instrument type        parameters scaled by ``r_p``
====================  ===========================================
``cash_transfer``      ``amount``, ``per_member``, ``cap``
``price_subsidy``      ``subsidy_per_unit`` (or ``subsidy_rate``)
====================  ===========================================

Scaling is exact for the cost when the instrument is linear in its amounts
(no cap binding, no behavioural response); otherwise the simulated cost moves
by about ``r_p``. With ``solve=True`` and one programme changing, the first
scaled parameter of its first instrument is instead solved by the policy
engine's solver so that the annual net cost changes by exactly
``E'_p - E_p`` (``budget_neutral`` with ``net_cost``; the programme's other
parameters are scaled by ``r_p``). The result is a policy ``Scenario`` with one
reform, which ``insaf.policy.simulate`` assesses and a council referral can
carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from insaf.budget.model import Budget, Plan, Programme
from insaf.errors import DataError, said
from insaf.policy.scenario import Scenario, parse_scenario

__all__ = ["SCALED", "budget_scenario", "envelopes", "move", "planned_programme"]


def planned_programme(plan: Plan, code: str) -> Programme:
    """The programme ``code`` of ``plan``; a ``DataError`` lists the plan's programmes."""
    try:
        return plan.programme(code)
    except KeyError:
        known = ", ".join(p.code for p in plan.programmes)
        raise DataError(
            said(
                "no programme {code} in the plan (programmes: {known})",
                code=repr(code),
                known=known,
            )
        ) from None


SCALED: Mapping[str, tuple[str, ...]] = {
    "cash_transfer": ("amount", "per_member", "cap"),
    "price_subsidy": ("subsidy_per_unit", "subsidy_rate"),
}
"""The money per beneficiary of each instrument type that an envelope scales."""


def envelopes(budget: Budget, *, year: int, phase: str = "executed") -> dict[str, float]:
    """Each programme's envelope in ``year`` and ``phase`` (amount times scale)."""
    lines = budget.of_year(phase, year).filter(pl.col("programme").is_not_null())
    sums = lines.group_by("programme").agg(pl.col("amount").sum())
    return {str(p): float(a) * budget.scale for p, a in sums.iter_rows()}


def move(
    budget: Budget,
    *,
    year: int,
    source: str,
    target: str,
    amount: float,
    phase: str = "executed",
) -> dict[str, float]:
    """New envelopes when ``amount`` moves from programme ``source`` to ``target``."""
    current = envelopes(budget, year=year, phase=phase)
    for code in (source, target):
        if code not in current:
            raise DataError(
                said(
                    "programme {code} has no line in {year} ({phase}); programmes: {known}",
                    code=repr(code),
                    year=year,
                    phase=phase,
                    known=", ".join(sorted(current)) or said("none"),
                )
            )
    if amount > current[source]:
        raise DataError(
            said(
                "cannot move {amount:,.0f} from {code}: its envelope is {envelope:,.0f}",
                amount=amount,
                code=repr(source),
                envelope=current[source],
            )
        )
    return {source: current[source] - amount, target: current[target] + amount}


def budget_scenario(
    scenario: Scenario,
    budget: Budget,
    new: Mapping[str, float],
    *,
    year: int,
    phase: str = "executed",
    name: str = "budget",
    label: Mapping[str, str] | None = None,
    solve: bool = False,
) -> Scenario:
    """``scenario``'s baseline with one reform, ``name``: the programmes of ``new``
    (programme code to new envelope) with their instruments scaled (see the module)."""
    if budget.plan is None:
        raise DataError(said("the budget has no plan, so no programme names its instruments"))
    current = envelopes(budget, year=year, phase=phase)
    baseline = {i.id: i for i in scenario.baseline}
    changes: list[dict[str, Any]] = []
    solved: dict[str, Any] | None = None
    for code, envelope in new.items():
        programme = planned_programme(budget.plan, code)
        old = current.get(code, 0.0)
        if old <= 0:
            raise DataError(
                said(
                    "programme {code} has no spending in {year} ({phase}) to scale",
                    code=repr(code),
                    year=year,
                    phase=phase,
                )
            )
        if envelope < 0:
            raise DataError(
                said(
                    "programme {code}: a new envelope cannot be negative ({envelope})",
                    code=repr(code),
                    envelope=envelope,
                )
            )
        if not programme.instruments:
            raise DataError(
                said("programme {code} names no instrument of the scenario", code=repr(code))
            )
        ratio = envelope / old
        for position, instrument_id in enumerate(programme.instruments):
            instrument = baseline.get(instrument_id)
            if instrument is None:
                raise DataError(
                    said(
                        "programme {code}: instrument {id} is not in the scenario's baseline "
                        "({known})",
                        code=repr(code),
                        id=repr(instrument_id),
                        known=", ".join(baseline),
                    )
                )
            kind = getattr(instrument, "type", "")
            names = [p for p in SCALED.get(kind, ()) if getattr(instrument, p, None) is not None]
            if not names:
                raise DataError(
                    said(
                        "programme {code}: instrument {id} ({kind}) has no amount "
                        "per beneficiary to scale (scaled: {known})",
                        code=repr(code),
                        id=repr(instrument_id),
                        kind=kind,
                        known=", ".join(sorted(SCALED)),
                    )
                )
            change: dict[str, Any] = {"change": instrument_id}
            for parameter in names:
                change[parameter] = float(getattr(instrument, parameter)) * ratio
            if solve and len(new) == 1 and position == 0:
                solved = {
                    "parameter": f"{instrument_id}.{names[0]}",
                    "target": "budget_neutral",
                    "net_cost": envelope - old,
                }
                del change[names[0]]
            if len(change) > 1:
                changes.append(change)
            elif solved is not None:  # the solver needs the instrument among the changes
                changes.append({**change, names[0]: float(getattr(instrument, names[0]))})
    if solve and len(new) != 1:
        raise DataError(said("solve needs exactly one programme whose envelope changes"))

    raw = dict(scenario.definition())
    reform: dict[str, Any] = {"changes": changes}
    reform["label"] = (
        dict(label)
        if label
        else {
            "en": "Budget scenario: " + ", ".join(new),
            "ar": "سيناريو الموازنة: " + "، ".join(new),
        }
    )
    if solved is not None:
        reform["solve"] = solved
    raw["reforms"] = {name: reform}
    return parse_scenario(raw, file=scenario.file)

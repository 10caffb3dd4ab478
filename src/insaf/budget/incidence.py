"""Benefit incidence of public spending (the unit-cost method of Demery).

Who benefits from what the government spends on schools and clinics. Each
service (``insaf.policy.in_kind.InKind``: primary pupils of public schools,
visits to public clinics, ...) has a unit cost ``c_s``: given, or derived from
executed spending ``S_f`` on its COFOG function ``f`` divided by the
survey-weighted units used of every service paid from that function::

    c_s = S_f / U_f,   U_f = sum_h w_h u_h,f,   se(c_s) = c_s * se(U_f) / U_f

(the delta method; ``S_f`` is an administrative total without sampling
error). A household's benefit is ``b_h = sum_s c_s u_h,s`` a year
(``insaf.policy.in_kind.in_kind_total``). Over people ranked by welfare per
person ``y`` (per-capita consumption by default), each weighted
``w_h n_h``:

- ``share`` of quantile group ``q``: ``sum_{h in q} w_h b_h / sum_h w_h b_h``,
  a ratio of totals, with the linearized variance (influence values
  ``(1[h in q] b_h - share b_h) / B``);
- ``per_person`` in ``q``: ``sum_{h in q} w_h b_h / sum_{h in q} w_h n_h``;
- the concentration coefficient of ``b_h / n_h`` along ``y``
  (``insaf.measures.concentration``: ``2 cov(b, F(y)) / mean(b)``, mid-point
  ranks), negative when spending reaches the poor more than the rich.

The groups' cut points are taken as fixed in the standard errors (the usual
practice of incidence studies; a cut estimated from the same sample adds a
little variance this ignores). Benefits are annual amounts in the budget's
currency; ``docs/budget.md`` gives the method with its sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from insaf.budget.model import Budget
from insaf.budget.people import (
    OPTIONS,
    group_shares_of,
    household_arrays,
    people_survey,
    policy_data,
)
from insaf.errors import DataError, said
from insaf.measures import Estimate, combine
from insaf.policy.analysis import weighted_groups
from insaf.policy.batch import concentrations
from insaf.policy.data import PolicyData
from insaf.policy.impact import Row, flat_row, json_row
from insaf.policy.in_kind import InKind, users
from insaf.policy.instruments.base import FloatArray, TextSpec
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey

__all__ = [
    "DEMO_SERVICES",
    "BenefitIncidence",
    "benefit_incidence",
    "budget_spending",
    "paid_from",
    "unit_costs",
]

DEMO_SERVICES: tuple[InKind, ...] = (
    InKind(
        id="primary",
        label=TextSpec(en="Primary education", ar="التعليم الابتدائي"),
        sector="education",
        function="09.1",
        where="public_school = 1 AND school_level = 1",
    ),
    InKind(
        id="secondary",
        label=TextSpec(en="Secondary education", ar="التعليم الثانوي"),
        sector="education",
        function="09.2",
        where="public_school = 1 AND school_level IN (2, 3)",
    ),
    InKind(
        id="tertiary",
        label=TextSpec(en="Tertiary education", ar="التعليم العالي"),
        sector="education",
        function="09.4",
        where="public_school = 1 AND school_level = 4",
    ),
    InKind(
        id="outpatient",
        label=TextSpec(en="Outpatient care", ar="الرعاية الصحية الخارجية"),
        sector="health",
        function="07.2",
        where="public_visits > 0",
        use="public_visits",
    ),
    InKind(
        id="hospital",
        label=TextSpec(en="Hospital care", ar="خدمات المستشفيات"),
        sector="health",
        function="07.3",
        where="public_stays > 0",
        use="public_stays",
    ),
)
"""The services of the synthetic survey (``docs/synth.md``), by COFOG function."""


def _check(services: Sequence[InKind]) -> None:
    if not services:
        raise DataError(said("benefit incidence needs at least one service"))
    seen: set[str] = set()
    for service in services:
        if service.id in seen:
            raise DataError(said("service {id} is listed twice", id=repr(service.id)))
        seen.add(service.id)


def _under(code: str, key: str) -> bool:
    """``code`` is COFOG class ``key`` or one of its subclasses."""
    return code == key or code.startswith(key + ".")


def paid_from(service: InKind, spending: Mapping[str, float]) -> str | None:
    """The spending key that pays for ``service``: the most detailed key that is its
    function or a class above it."""
    if service.function is None:
        return None
    keys = [k for k in spending if _under(service.function, k)]
    return max(keys, key=len) if keys else None


def unit_costs(
    survey: Survey,
    services: Sequence[InKind],
    spending: Mapping[str, float],
    *,
    data: PolicyData | None = None,
    units: Mapping[str, FloatArray] | None = None,
) -> dict[str, Estimate]:
    """Unit cost of each service: executed spending on its function over the
    survey-weighted units used of the services that spending pays for.

    ``spending``: annual executed spending by COFOG class (``{"09.1": 4.2e8}``). A
    class pays for every service whose function is that class or below it and
    that no more detailed class pays for (``{"09": ...}`` pools every level of
    education: one unit cost per pupil). Services with a ``unit_cost`` of their
    own keep it (standard error 0). ``units``: each service's units used per
    household (``insaf.policy.in_kind.users``) when already counted.
    """
    _check(services)
    data = data if data is not None else policy_data(survey)
    units = units if units is not None else {}
    pools = {s.id: paid_from(s, spending) for s in services if s.unit_cost is None}
    for key in spending:
        if key not in pools.values():
            known = sorted({s.function for s in services if s.function is not None})
            raise DataError(
                said(
                    "spending on function {key}: no service is paid from it "
                    "(the services' functions: {known})",
                    key=repr(key),
                    known=", ".join(known) or said("none"),
                )
            )
    used: dict[str, FloatArray] = {}
    for service in services:
        if service.unit_cost is not None:
            continue
        pool = pools[service.id]
        if pool is None:
            raise DataError(
                said(
                    "service {id} has no unit cost: give its 'unit_cost' or the "
                    "executed spending on its function ({function})",
                    id=repr(service.id),
                    function=service.function or said("none given"),
                )
            )
        counted = units.get(service.id)
        used[pool] = used.get(pool, 0.0) + (
            counted if counted is not None else users(service, data)
        )
    survey_hh = people_survey(data, {f"_u_{k}": v for k, v in used.items()})
    estimator = LinearEstimator(
        replace(survey_hh, design=data.survey.design), arrays=household_arrays(survey)
    )
    totals = estimator.totals([f"_u_{k}" for k in used]) if used else {}
    out: dict[str, Estimate] = {}
    for service in services:
        if service.unit_cost is not None:
            out[service.id] = Estimate(
                measure="unit_cost",
                value=float(service.unit_cost),
                se=0.0,
                n=data.n_households,
                population=float(data.weight.sum()),
                variable=service.id,
                method="given",
            )
            continue
        pool = pools[service.id]
        assert pool is not None
        amount = float(spending[pool])
        total = totals[f"_u_{pool}"]
        if total.value <= 0:
            raise DataError(
                said(
                    "service {id}: the survey records no user of function "
                    "{function}, so its unit cost is undefined",
                    id=repr(service.id),
                    function=repr(pool),
                )
            )
        out[service.id] = combine(
            lambda u, s=amount: s / u,
            lambda u, s=amount: (-s / u**2,),
            total,
            measure="unit_cost",
        )
    return out


def budget_spending(
    budget: Budget,
    services: Sequence[InKind],
    *,
    year: int,
    phase: str = "executed",
) -> dict[str, float]:
    """Spending of ``year`` and ``phase`` on the services' functions, by the key that
    ``unit_costs`` reads (amounts times the budget's scale, leaf lines only).

    In each COFOG division (``09`` education, ``07`` health) that has a service:
    when every line of the division is at a service's class or below it, and
    every such service has a line, spending is by the services' classes;
    otherwise the budget does not follow the services' classes and the
    division's spending is pooled (``{"09": ...}``: one unit cost per unit of use
    in the division). Lines of divisions without a service are left out.
    """
    lines = budget.of_year(phase, year)
    codes = lines.group_by("function").agg(pl.col("amount").sum())
    amounts = {str(c): float(a) * budget.scale for c, a in codes.iter_rows()}
    functions = sorted({s.function for s in services if s.function is not None})
    out: dict[str, float] = {}
    for division in sorted({f[:2] for f in functions}):
        own = [f for f in functions if f[:2] == division]
        here = {c: a for c, a in amounts.items() if c[:2] == division}
        home = {c: max((f for f in own if _under(c, f)), key=len, default=None) for c in here}
        if here and all(home.values()) and set(home.values()) == set(own):
            for code, amount in here.items():
                key = home[code]
                assert key is not None
                out[key] = out.get(key, 0.0) + amount
        elif here:
            out[division] = sum(here.values())
    return out


@dataclass(frozen=True, eq=False)
class BenefitIncidence:
    """Who receives public spending in kind: tables of rows (values are ``Estimate``s)."""

    rank_by: str
    groups: int
    unit_costs: list[Row]
    quantiles: list[Row]
    concentration: list[Row]
    by_group: list[Row] = field(default_factory=list)
    benefit: Mapping[str, FloatArray] = field(default_factory=dict, repr=False)
    """Annual in-kind benefit of each household from each service."""

    TABLES = ("unit_costs", "quantiles", "concentration", "by_group")

    def table(self, name: str) -> list[Row]:
        if name not in self.TABLES:
            raise KeyError(f"no incidence table {name!r} (tables: {', '.join(self.TABLES)})")
        rows: list[Row] = getattr(self, name)
        return rows

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        out: dict[str, Any] = {"rank_by": self.rank_by, "groups": self.groups}
        for name in self.TABLES:
            out[name] = [json_row(r, confidence) for r in self.table(name)]
        return out

    def tables(self, confidence: float = 0.95) -> dict[str, pl.DataFrame]:
        return {
            name: pl.DataFrame([flat_row(r, confidence) for r in rows], infer_schema_length=None)
            for name in self.TABLES
            if (rows := self.table(name))
        }


def _series(services: Sequence[InKind], benefit: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Each service, each sector with more than one service, and all together."""
    out = dict(benefit)
    sectors: dict[str, list[str]] = {}
    for s in services:
        sectors.setdefault(s.sector, []).append(s.id)
    for sector, ids in sectors.items():
        if len(ids) > 1 and sector not in out:
            out[sector] = np.sum([benefit[i] for i in ids], axis=0)
    if len(services) > 1:
        out["all"] = np.sum([benefit[s.id] for s in services], axis=0)
    return out


def benefit_incidence(
    survey: Survey,
    services: Sequence[InKind] = DEMO_SERVICES,
    *,
    costs: Mapping[str, float] | None = None,
    spending: Mapping[str, float] | None = None,
    rank_by: str = "consumption_pc",
    groups: int = 5,
    by: Sequence[str] = (),
) -> BenefitIncidence:
    """Benefit incidence of ``services`` on ``survey`` (see the module for the formulas).

    Unit costs: a service's own ``unit_cost``, else ``costs[service id]``, else
    derived from ``spending`` by COFOG function (``unit_costs``). ``rank_by`` is a
    household welfare per person; ``groups`` quantile groups of people (5:
    quintiles); ``by``: household columns to break the benefit down by.
    """
    _check(services)
    if groups < 2:
        raise DataError(
            said(
                "benefit incidence needs at least two quantile groups, not {groups}", groups=groups
            )
        )
    data = policy_data(survey)
    for name in (rank_by, *by):
        if name not in data.households.columns:
            raise DataError(
                said(
                    "benefit incidence: no household column {name} in the survey "
                    "(rank_by and by name household columns)",
                    name=repr(name),
                )
            )
    given = dict(costs or {})
    ids = {s.id for s in services}
    for key in given:
        if key not in ids:
            raise DataError(
                said(
                    "unit cost given for {key}, which is not a service (services: {known})",
                    key=repr(key),
                    known=", ".join(sorted(ids)),
                )
            )
    fixed = [
        s if s.id not in given else s.model_copy(update={"unit_cost": given[s.id]})
        for s in services
    ]
    units = {s.id: users(s, data) for s in fixed}
    cost = unit_costs(survey, fixed, spending or {}, data=data, units=units)
    # in_kind_total's benefit (unit cost times use), from the units counted once
    benefit = {s.id: cost[s.id].value * units[s.id] for s in fixed}
    series = _series(fixed, benefit)
    welfare = data.column(rank_by)
    members = data.members
    wp = data.weight * members
    quantile = weighted_groups(welfare, wp, groups)
    per_person = {f"_b_{k}": v / members for k, v in series.items()}
    columns: dict[str, FloatArray] = {"_rank": welfare, "_q": quantile, **per_person}
    for name in by:
        columns[name] = data.households.get_column(name).to_numpy()
    people = people_survey(data, columns)
    estimator = LinearEstimator(people, arrays=household_arrays(survey))
    found = concentrations(people, list(per_person), rank_by="_rank", options=OPTIONS)
    means = {
        k: {e.domain["_q"] if e.domain else None: e for e in v}
        for k, v in estimator.ratios(list(per_person), by="_q").items()
    }
    q_labels = list(range(1, groups + 1))
    q_shares = group_shares_of(
        people, estimator, per_person, quantile, [float(q) for q in q_labels]
    )
    quantiles: list[Row] = []
    concentration: list[Row] = []
    for key in series:
        shares = q_shares[f"_b_{key}"]
        for q, share in zip(q_labels, shares, strict=True):
            quantiles.append(
                {
                    "benefit": key,
                    "group": q,
                    "share": share,
                    "per_person": means[f"_b_{key}"].get(float(q)),
                }
            )
        concentration.append({"benefit": key, "concentration": found[f"_b_{key}"]})
    by_group: list[Row] = []
    for name in by:
        codes = data.households.get_column(name).to_numpy()
        labels = sorted(set(codes.tolist()))
        group_means = estimator.ratios(list(per_person), by=name)
        by_shares = group_shares_of(people, estimator, per_person, codes, labels)
        for key in series:
            shares = by_shares[f"_b_{key}"]
            for j, label in enumerate(labels):
                by_group.append(
                    {
                        "benefit": key,
                        "by": name,
                        "category": label,
                        "share": shares[j],
                        "per_person": group_means[f"_b_{key}"][j],
                    }
                )
    cost_rows: list[Row] = [
        {
            "service": s.id,
            "sector": s.sector,
            "function": s.function,
            "paid_from": "given" if s.unit_cost is not None else paid_from(s, spending or {}),
            "unit_cost": cost[s.id],
        }
        for s in fixed
    ]
    return BenefitIncidence(
        rank_by=rank_by,
        groups=groups,
        unit_costs=cost_rows,
        quantiles=quantiles,
        concentration=concentration,
        by_group=by_group,
        benefit=benefit,
    )

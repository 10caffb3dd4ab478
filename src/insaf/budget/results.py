"""Programme results: what each programme's money bought, measured on the survey.

For a programme ``p`` and a year ``y`` with executed spending ``E`` (leaf lines
of ``p``, in money: amount x scale), on a survey of that year:

- recipients: ``r_i = 1`` when unit ``i`` receives the programme, from the
  programme's ``recipients`` expression (what the survey records), else from
  its instruments in the scenario's baseline (a positive benefit);
- beneficiaries ``B = sum_i w_i r_i`` (a survey total, with its design-based SE);
  poor beneficiaries ``B_poor = sum_i w_i r_i poor_i``;
- cost per beneficiary ``E / B``, per poor beneficiary ``E / B_poor``: ``E`` is
  an administrative total with no sampling error, so by the delta method
  ``SE(E / B) = E / B^2 x SE(B)``;
- coverage of the target group ``sum w r t / sum w t`` and leakage (the share
  of recipients outside it) ``sum w r (1 - t) / sum w r``: ratios of totals
  with linearized SEs;
- the simulated annual cost of the programme's instruments
  ``periods x sum_h w_h fiscal_h`` (the policy engine's baseline), beside the
  executed spending, so that a budget and a survey that disagree are seen;
- each linked result's indicator: its movement between two observations of
  the observatory (the national series, of the one area observed or ``area``;
  the first at or after the result's baseline year, the last),
  ``change = v_last - v_first`` with ``SE = sqrt(se_first^2 + se_last^2)``
  (independent surveys) and a normal 95% interval, and the share of the
  planned change achieved ``(v_last - baseline) / (target - baseline)``.

The results chain (inputs → outputs → outcomes) says plainly where the
evidence is weak: a survey of another year, fewer than ``MIN_RESPONDENTS``
recipients in the sample or a CV above ``CV_WEAK``, no target group, an
indicator with fewer than two observations or whose change's interval holds
zero, and always that the indicator's movement is not attributed to the
programme (no counterfactual is estimated).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from insaf.budget.model import Budget, Programme
from insaf.budget.people import household_arrays
from insaf.budget.problems import BudgetError
from insaf.errors import said
from insaf.i18n import translated
from insaf.measures import Estimate, Measure, combine, estimate_dict, prepare, ratio_of
from insaf.measures.variance import DesignArrays
from insaf.observatory.observations import Observation
from insaf.policy.engine import Engine, State, prepare_data
from insaf.policy.expressions import parse_expression
from insaf.policy.linear import LinearEstimator
from insaf.policy.period import per_year
from insaf.policy.scenario import Scenario
from insaf.survey import Survey, Table, Unit

__all__ = [
    "CV_WEAK",
    "MIN_RESPONDENTS",
    "ChainLink",
    "OutcomeMovement",
    "ProgrammeResult",
    "chain_in",
    "programme_results",
    "reason",
]

MIN_RESPONDENTS = 30
"""Fewer recipients than this in the sample make the output evidence weak."""
CV_WEAK = 0.165
"""A coefficient of variation above this makes an estimate's evidence weak (the
lower tier of the disclosure rules)."""
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class OutcomeMovement:
    """A linked result's indicator between two observations, against its target."""

    result: str
    indicator: str
    baseline: float
    target: float
    target_year: int
    first_year: int | None = None
    first: float | None = None
    last_year: int | None = None
    last: float | None = None
    change: float | None = None
    se: float | None = None
    progress: float | None = None
    """Share of the planned change achieved: (last - baseline) / (target - baseline)."""

    def ci(self) -> tuple[float, float] | None:
        if self.change is None or self.se is None:
            return None
        return (self.change - Z95 * self.se, self.change + Z95 * self.se)

    def to_dict(self) -> dict[str, Any]:
        interval = self.ci()
        return {
            "result": self.result,
            "indicator": self.indicator,
            "baseline": self.baseline,
            "target": self.target,
            "target_year": self.target_year,
            "first_year": self.first_year,
            "first": self.first,
            "last_year": self.last_year,
            "last": self.last,
            "change": self.change,
            "se": self.se,
            "ci_low": interval[0] if interval else None,
            "ci_high": interval[1] if interval else None,
            "progress": self.progress,
        }


NOT_EXECUTED = "no executed amount this year"
NO_SURVEY = "no survey of {year} (the survey is of {survey_year})"
FEW_RECIPIENTS = "{count} recipients in the sample (fewer than {minimum})"
HIGH_CV = "beneficiaries' CV {cv:.1%} (above {limit:.1%})"
NO_TARGET = "no target group: coverage and leakage cannot be measured"
SIMULATED = "recipients simulated from the rules, not recorded by the survey"
NO_RESULT = "no linked result"
FEW_OBSERVATIONS = "fewer than two observations since the baseline year"
NO_SE = "the observations carry no standard error"
HOLDS_ZERO = "the 95% confidence interval of the change holds zero"
NOT_ATTRIBUTED = "the indicator's movement is not attributed to the programme (no counterfactual)"
REASONS = (
    NOT_EXECUTED, NO_SURVEY, FEW_RECIPIENTS, HIGH_CV, NO_TARGET, SIMULATED, NO_RESULT,
    FEW_OBSERVATIONS, NO_SE, HOLDS_ZERO, NOT_ATTRIBUTED,
)  # fmt: skip
"""Every reason a link of the chain can give: a template and its values, so that a
reader in another language can translate the template (the library's catalogue has
them, context ``budget.reason``; ``reason``)."""
SPENDING = "executed spending"
OUTPUTS = "beneficiaries, coverage, leakage"
INDICATORS = "linked indicators"
WHAT = (SPENDING, OUTPUTS, INDICATORS)
"""What a link measures (an outcome link names its indicator's code instead); the
catalogue's context ``budget.chain``."""


def reason(template: str, values: Mapping[str, Any], lang: str) -> str:
    """One reason in ``lang`` (``en`` or ``ar``) from the library's catalogue."""
    return translated("budget.reason", template, lang).format(**values)


def what(text: str, lang: str) -> str:
    """What a link measures, in ``lang`` (an indicator's code stays as it is)."""
    return translated("budget.chain", text, lang) if text in WHAT else text


def chain_in(chain: Iterable[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Links of a results chain as ``ChainLink.to_dict`` wrote them (a stored result),
    with their words in ``lang``: what each measures and its reasons, from the templates
    it keeps (``why``)."""
    return [
        {
            **link,
            "what": what(str(link.get("what", "")), lang),
            "reasons": [reason(w["template"], w["values"], lang) for w in link.get("why", [])],
        }
        for link in chain
    ]


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One link of the results chain: ``inputs``, ``outputs`` or ``outcomes``."""

    stage: str
    what: str
    evidence: str
    """``strong``, ``weak`` or ``none``."""
    why: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    """The reasons, each a template of ``REASONS`` and its values."""

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in English."""
        return self.reasons_in("en")

    def reasons_in(self, lang: str) -> tuple[str, ...]:
        """The reasons in ``lang`` (``en`` or ``ar``)."""
        return tuple(reason(template, values, lang) for template, values in self.why)

    @property
    def weak(self) -> bool:
        return self.evidence != "strong"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "stage": self.stage,
            "what": what(self.what, lang),
            "evidence": self.evidence,
            "reasons": list(self.reasons_in(lang)),
            "why": [{"template": t, "values": dict(v)} for t, v in self.why],
        }


@dataclass(frozen=True, kw_only=True)
class ProgrammeResult:
    """One programme in one year: money, beneficiaries, costs, coverage, outcomes."""

    programme: str
    year: int
    executed: float | None
    """Executed spending in money (amounts x the budget's scale); None if not executed yet."""
    approved: float | None
    currency: str
    unit: str
    survey_year: int | None
    beneficiaries: Estimate | None = None
    poor_beneficiaries: Estimate | None = None
    cost_per_beneficiary: Estimate | None = None
    cost_per_poor_beneficiary: Estimate | None = None
    coverage: Estimate | None = None
    leakage: Estimate | None = None
    simulated_cost: Estimate | None = None
    respondents: dict[str, int] = field(default_factory=dict)
    """Unweighted sample counts behind the cells: recipients, poor recipients, target."""
    outcomes: tuple[OutcomeMovement, ...] = ()
    chain: tuple[ChainLink, ...] = ()
    suppressed: tuple[str, ...] = ()
    """Cells withheld by disclosure control (``public_results``)."""

    @property
    def evidence_weak(self) -> bool:
        return any(link.weak for link in self.chain)

    def to_dict(self, confidence: float = 0.95, lang: str = "en") -> dict[str, Any]:
        def est(e: Estimate | None) -> dict[str, float | None] | None:
            return estimate_dict(e, confidence) if e is not None else None

        return {
            "programme": self.programme,
            "year": self.year,
            "currency": self.currency,
            "unit": self.unit,
            "survey_year": self.survey_year,
            "approved": self.approved,
            "executed": self.executed,
            "simulated_cost": est(self.simulated_cost),
            "beneficiaries": est(self.beneficiaries),
            "poor_beneficiaries": est(self.poor_beneficiaries),
            "cost_per_beneficiary": est(self.cost_per_beneficiary),
            "cost_per_poor_beneficiary": est(self.cost_per_poor_beneficiary),
            "coverage": est(self.coverage),
            "leakage": est(self.leakage),
            "respondents": dict(self.respondents),
            "outcomes": [o.to_dict() for o in self.outcomes],
            "chain": [c.to_dict(lang) for c in self.chain],
            "evidence_weak": self.evidence_weak,
            "suppressed": list(self.suppressed),
        }


@dataclass(frozen=True)
class _Measured:
    """What the survey says about one programme (its survey year)."""

    beneficiaries: Estimate
    poor_beneficiaries: Estimate
    coverage: Estimate | None
    leakage: Estimate | None
    simulated_cost: Estimate | None
    respondents: dict[str, int]


def _poor_rule(scenario: Scenario | None, poor: str | None) -> str:
    if poor is not None:
        return poor
    if scenario is None:
        raise BudgetError(said("say who is poor: give poor= (an expression) or a scenario"))
    line = next(iter(scenario.lines.values()))
    bound = f'"{line}"' if isinstance(line, str) else repr(float(line))
    return f'"{scenario.welfare.variable}" < {bound}'


def _baseline(scenario: Scenario, survey: Survey) -> tuple[Engine, Any]:
    data = prepare_data(scenario, survey)
    engine = Engine(scenario, data)
    return engine, engine.run(scenario.baseline_policy)


def _recipients(
    survey: Survey, programme: Programme, frame: pl.DataFrame, state: Any
) -> npt.NDArray[np.bool_]:
    """Who receives ``programme``, one flag per unit of its ``unit``."""
    if programme.recipients is not None:
        return parse_expression(programme.recipients).condition(frame)
    if state is None or not programme.instruments:
        raise BudgetError(
            said(
                "programme {code}: give its 'recipients' expression, or "
                "instruments and a scenario to simulate them",
                code=repr(programme.code),
            )
        )
    missing = [i for i in programme.instruments if i not in state.flows]
    if missing:
        raise BudgetError(
            said(
                "programme {code}: instrument {id} is not in the scenario's baseline ({known})",
                code=repr(programme.code),
                id=repr(missing[0]),
                known=", ".join(state.flows),
            )
        )
    benefit = sum(state.flows[i].benefit for i in programme.instruments)
    household = np.asarray(benefit > 0, dtype=np.bool_)
    if Unit(programme.unit) is Unit.HOUSEHOLD:
        return household
    out: npt.NDArray[np.bool_] = household[survey.household_index()]
    return out


def _flags(
    survey: Survey,
    programmes: Sequence[Programme],
    poor: str,
    state: Any,
    annual: float,
) -> tuple[dict[Unit, dict[str, npt.NDArray[np.float64]]], dict[str, dict[str, int]]]:
    """Each programme's 0/1 columns (recipient, poor recipient, target, ...) at its
    unit, its simulated cost per household, and the sample counts behind them."""
    added: dict[Unit, dict[str, npt.NDArray[np.float64]]] = {Unit.HOUSEHOLD: {}, Unit.PERSON: {}}
    counts: dict[str, dict[str, int]] = {}
    for unit in (Unit.HOUSEHOLD, Unit.PERSON):
        mine = [p for p in programmes if Unit(p.unit) is unit]
        if not mine:
            continue
        rules = [poor] + [r for p in mine for r in (p.recipients, p.target_group) if r]
        names = sorted({n for text in rules for n in parse_expression(text).names})
        frame = survey.frame(names, unit=unit)
        is_poor = parse_expression(poor).condition(frame)
        for p in mine:
            recipient = _recipients(survey, p, frame, state)
            columns = added[unit]
            columns[f"{p.code}.recipient"] = recipient.astype(np.float64)
            columns[f"{p.code}.poor_recipient"] = (recipient & is_poor).astype(np.float64)
            counts[p.code] = {
                "recipients": int(recipient.sum()),
                "poor_recipients": int((recipient & is_poor).sum()),
            }
            if p.target_group:
                target = parse_expression(p.target_group).condition(frame)
                columns[f"{p.code}.target"] = target.astype(np.float64)
                columns[f"{p.code}.target_recipient"] = (recipient & target).astype(np.float64)
                columns[f"{p.code}.outside_recipient"] = (recipient & ~target).astype(np.float64)
                counts[p.code]["target"] = int(target.sum())
    if state is not None:
        for p in programmes:
            if p.instruments and all(i in state.flows for i in p.instruments):
                fiscal = sum(state.flows[i].fiscal for i in p.instruments) * annual
                added[Unit.HOUSEHOLD][f"{p.code}.cost"] = np.asarray(fiscal, dtype=np.float64)
    return added, counts


def _totals_prepared(
    survey: Survey, added: Mapping[Unit, Mapping[str, npt.NDArray[np.float64]]]
) -> dict[str, Estimate]:
    """Every column's survey total, from one preparation per unit (any design)."""
    measured = survey
    for unit, columns in added.items():
        if columns:
            table = survey.table(unit)
            extended = table.with_frame(
                table.frame.with_columns(pl.Series(k, v) for k, v in columns.items())
            )
            measured = (
                replace(measured, households=extended)
                if unit is Unit.HOUSEHOLD
                else replace(measured, persons=extended)
            )
    found: dict[str, Estimate] = {}
    for unit, columns in added.items():
        if columns:
            names = list(columns)
            prepared = prepare(measured, names, unit=unit.value)
            estimates = prepared.estimate([Measure(name="total", variable=n) for n in names])
            found.update((n, e[0]) for n, e in zip(names, estimates, strict=True))
    return found


def _totals_linear(
    survey: Survey,
    added: Mapping[Unit, Mapping[str, npt.NDArray[np.float64]]],
    arrays: DesignArrays,
) -> dict[str, Estimate]:
    """Every column's survey total over the household rows: a person column enters as
    its sum over each household's members. The same totals and standard errors as
    over person rows (the design's clusters hold whole households, so their totals
    are the same sums); each person total keeps its person count and population."""
    households = survey.households
    assert households is not None
    design = survey.design
    columns: dict[str, npt.NDArray[np.float64]] = dict(added[Unit.HOUSEHOLD])
    people = added[Unit.PERSON]
    index = survey.household_index() if people else np.zeros(0, dtype=np.int64)
    for name, values in people.items():
        summed = np.bincount(index, weights=values, minlength=households.height)
        columns[name] = summed.astype(np.float64, copy=False)
    frame = households.frame.select(list(design.columns)).with_columns(
        pl.Series(k, v) for k, v in columns.items()
    )
    table = Table(name="programmes", frame=frame, key=())
    estimator = LinearEstimator(replace(survey, households=table), arrays=arrays)
    found = estimator.totals(list(columns))
    if people:
        w = households.frame.get_column(design.weight).cast(pl.Float64).to_numpy()
        n, population = int(index.size), float(w[index].sum())
        for name in people:
            found[name] = replace(found[name], n=n, population=population)
    return found


def _measure_all(
    survey: Survey,
    programmes: Sequence[Programme],
    poor: str,
    state: Any,
    annual: float,
) -> dict[str, _Measured]:
    """What the survey says about each programme, every estimate from one design, so
    that they can be combined: over the household rows with the survey's own design
    codes (``insaf.budget.people.household_arrays``) where the design allows it, else
    from one preparation per unit (household, person)."""
    added, counts = _flags(survey, programmes, poor, state, annual)
    arrays = household_arrays(survey)
    if arrays is not None and (not added[Unit.PERSON] or survey.persons is not None):
        found = _totals_linear(survey, added, arrays)
    else:
        found = _totals_prepared(survey, added)
    out: dict[str, _Measured] = {}
    for p in programmes:
        coverage = leakage = None
        if p.target_group:
            coverage = ratio_of(found[f"{p.code}.target_recipient"], found[f"{p.code}.target"])
            leakage = ratio_of(found[f"{p.code}.outside_recipient"], found[f"{p.code}.recipient"])
        out[p.code] = _Measured(
            found[f"{p.code}.recipient"],
            found[f"{p.code}.poor_recipient"],
            coverage,
            leakage,
            found.get(f"{p.code}.cost"),
            counts[p.code],
        )
    return out


def _per(spending: float, count: Estimate, measure: str) -> Estimate | None:
    if count.value <= 0:
        return None
    return combine(lambda b: spending / b, lambda b: (-spending / b**2,), count, measure=measure)


def _movement(
    code: str,
    indicator: str,
    baseline: float,
    baseline_year: int,
    target: float,
    target_year: int,
    observations: Sequence[Observation],
    area: str | None,
) -> OutcomeMovement:
    whole = [o for o in observations if o.indicator == indicator and not o.disaggregation]
    areas = sorted({o.area for o in whole})
    if area is None and len(areas) > 1:
        raise BudgetError(
            said(
                "indicator {code} is observed for several areas ({areas}): "
                "say which is the country's (area=)",
                code=repr(indicator),
                areas=", ".join(areas),
            )
        )
    found = sorted(
        (
            o
            for o in whole
            if (area is None or o.area == area)
            and o.value is not None
            and o.period >= baseline_year
        ),
        key=lambda o: o.period,
    )
    move = OutcomeMovement(code, indicator, baseline, target, target_year)
    if len(found) < 2:
        return move
    first, last = found[0], found[-1]
    assert first.value is not None and last.value is not None  # filtered above
    se = (
        math.sqrt(first.se**2 + last.se**2)
        if first.se is not None and last.se is not None
        else None
    )
    planned = target - baseline
    return replace(
        move,
        first_year=first.period,
        first=first.value,
        last_year=last.period,
        last=last.value,
        change=last.value - first.value,
        se=se,
        progress=(last.value - baseline) / planned if planned else None,
    )


def _chain(
    programme: Programme,
    executed: float | None,
    measured: _Measured | None,
    survey_year: int | None,
    year: int,
    outcomes: Sequence[OutcomeMovement],
) -> tuple[ChainLink, ...]:
    none: dict[str, Any] = {}
    inputs = (
        ChainLink("inputs", SPENDING, "strong")
        if executed is not None
        else ChainLink("inputs", SPENDING, "none", ((NOT_EXECUTED, none),))
    )
    if measured is None:
        missing: Mapping[str, Any] = {"year": year, "survey_year": survey_year}
        outputs = ChainLink("outputs", OUTPUTS, "none", ((NO_SURVEY, missing),))
    else:
        reasons: list[tuple[str, Mapping[str, Any]]] = []
        count = measured.respondents["recipients"]
        if count < MIN_RESPONDENTS:
            reasons.append((FEW_RECIPIENTS, {"count": count, "minimum": MIN_RESPONDENTS}))
        cv = measured.beneficiaries.cv
        if not math.isfinite(cv) or cv > CV_WEAK:
            reasons.append((HIGH_CV, {"cv": cv, "limit": CV_WEAK}))
        if programme.target_group is None:
            reasons.append((NO_TARGET, none))
        if programme.recipients is None:
            reasons.append((SIMULATED, none))
        outputs = ChainLink(
            "outputs",
            OUTPUTS,
            "weak" if reasons else "strong",
            tuple(reasons),
        )
    links = [inputs, outputs]
    if not outcomes:
        links.append(ChainLink("outcomes", INDICATORS, "none", ((NO_RESULT, none),)))
    for move in outcomes:
        interval = move.ci()
        first: list[tuple[str, Mapping[str, Any]]]
        if move.change is None:
            first, evidence = [(FEW_OBSERVATIONS, none)], "none"
        elif interval is None:
            first, evidence = [(NO_SE, none)], "weak"
        elif interval[0] <= 0 <= interval[1]:
            first, evidence = [(HOLDS_ZERO, none)], "weak"
        else:
            first, evidence = [], "strong"  # measured; attribution stays a caveat
        links.append(
            ChainLink("outcomes", move.indicator, evidence, (*first, (NOT_ATTRIBUTED, none)))
        )
    return tuple(links)


def programme_results(
    budget: Budget,
    survey: Survey,
    *,
    scenario: Scenario | None = None,
    observations: Iterable[Observation] = (),
    poor: str | None = None,
    programmes: Sequence[str] | None = None,
    area: str | None = None,
    baseline: State | None = None,
) -> list[ProgrammeResult]:
    """Each programme of the plan (or those named) in each year it has lines.

    ``poor`` is an expression true for a poor unit (by default the scenario's
    welfare below its first poverty line). Survey measures are for the
    survey's year (``survey.year``); other years get the money and the
    outcomes, and their outputs are marked as not measured. An outcome is read from the
    ``observations`` of its indicator without disaggregation, in ``area`` (by default the
    one area they are for; several areas without ``area`` are an error). ``baseline``: the
    scenario's baseline already computed on this survey
    (``insaf.policy.engine.simulate_states(scenario, survey).baseline``), so
    that the policy engine does not compute it again.
    """
    if budget.plan is None:
        raise BudgetError(said("the budget has no plan, so no programme"))
    chosen = [p for p in budget.plan.programmes if programmes is None or p.code in programmes]
    unknown = sorted(set(programmes or ()) - {p.code for p in chosen})
    if unknown:
        raise BudgetError(said("programme {code} is not in the plan", code=repr(unknown[0])))
    rule = _poor_rule(scenario, poor)
    if baseline is not None and scenario is None:
        raise BudgetError(said("a baseline is given without its scenario: give scenario= too"))
    households = survey.n_households
    if baseline is not None and any(
        f.fiscal.shape[0] != households for f in baseline.flows.values()
    ):
        raise BudgetError(
            said(
                "the baseline given was computed on another survey (not of {count} households)",
                count=survey.n_households,
            )
        )
    state = baseline
    if state is None and scenario is not None:
        state = _baseline(scenario, survey)[1]
    annual = per_year(scenario.period) if scenario is not None else 1.0
    observed = list(observations)
    leaves = budget.leaves().filter(pl.col("programme").is_in([p.code for p in chosen]))
    money = (
        leaves.group_by("programme", "year")
        .agg(
            *(
                pl.col("amount").filter(pl.col("phase") == phase).sum().alias(phase)
                for phase in ("approved", "executed")
            ),
            *(
                (pl.col("phase") == phase).any().alias(f"has_{phase}")
                for phase in ("approved", "executed")
            ),
        )
        .sort("programme", "year")
    )
    spent = set(money.filter(pl.col("year") == survey.year)["programme"].to_list())
    measured_all = _measure_all(survey, [p for p in chosen if p.code in spent], rule, state, annual)
    out: list[ProgrammeResult] = []
    for programme in chosen:
        rows = money.filter(pl.col("programme") == programme.code)
        measured = measured_all.get(programme.code)
        outcomes = tuple(
            _movement(
                r.code,
                r.indicator,
                r.baseline,
                r.baseline_year,
                r.target,
                r.target_year,
                observed,
                area,
            )
            for r in (budget.plan.result(code) for code in programme.results)
        )
        for row in rows.iter_rows(named=True):
            year = int(row["year"])
            executed = row["executed"] * budget.scale if row["has_executed"] else None
            approved = row["approved"] * budget.scale if row["has_approved"] else None
            here = measured if year == survey.year else None
            result = ProgrammeResult(
                programme=programme.code,
                year=year,
                executed=executed,
                approved=approved,
                currency=budget.currency,
                unit=programme.unit,
                survey_year=survey.year,
                outcomes=outcomes,
                chain=_chain(programme, executed, here, survey.year, year, outcomes),
            )
            if here is not None:
                result = replace(
                    result,
                    beneficiaries=here.beneficiaries,
                    poor_beneficiaries=here.poor_beneficiaries,
                    coverage=here.coverage,
                    leakage=here.leakage,
                    simulated_cost=here.simulated_cost,
                    respondents=here.respondents,
                    cost_per_beneficiary=(
                        _per(executed, here.beneficiaries, "cost_per_beneficiary")
                        if executed is not None
                        else None
                    ),
                    cost_per_poor_beneficiary=(
                        _per(executed, here.poor_beneficiaries, "cost_per_poor_beneficiary")
                        if executed is not None
                        else None
                    ),
                )
            out.append(result)
    return out

"""Computing indicators from survey microdata with ``insaf.measures``.

For each indicator with a ``compute`` section, every breakdown it declares
(and the total) is estimated with design-based standard errors; the result is
a list of ``Observation``s, not yet disclosure-controlled (``publish`` does
that before storing).

Dimensions are derived from survey columns once per survey: a category
matches listed survey codes (``values``), an interval (``range``), or, for a
``quantiles`` dimension, the weighted quantile groups of a variable
(person-weighted, cut points shared by every indicator). Columns named in
``derive`` and the ``population`` restriction are Polars SQL expressions,
parsed by Polars, never evaluated as Python. A restricted population is
estimated as a domain (``by``), so units outside it still count in the design.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from statistics import NormalDist

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError
from insaf.measures import fgt, gini, mean, proportion
from insaf.measures.estimate import Estimates
from insaf.observatory.indicators import Catalogue, Computation, Dimension, Indicator
from insaf.observatory.observations import Observation
from insaf.survey.survey import Level, Survey

__all__ = ["DIM_PREFIX", "SCOPE", "compute_catalogue", "compute_indicator", "prepare_survey"]

DIM_PREFIX = "dim__"
SCOPE = "scope__"
VALUE = "value__"
_OTHER = "__other"
_Z95 = NormalDist().inv_cdf(0.975)


def _first_match(cases: list[tuple[pl.Expr, str]]) -> pl.Expr:
    """The code of the first condition that holds, else ``_OTHER``."""
    return pl.coalesce(
        [pl.when(condition).then(pl.lit(code)) for condition, code in cases] + [pl.lit(_OTHER)]
    )


def _category_expr(dim: Dimension, column: pl.Expr) -> pl.Expr:
    cases: list[tuple[pl.Expr, str]] = []
    for cat in dim.categories:
        if cat.range is not None:
            condition = (column >= cat.range[0]) & (column < cat.range[1])
        else:
            values = cat.values or [cat.code]
            condition = column.cast(pl.String).is_in([str(v) for v in values])
        cases.append((condition, cat.code))
    return _first_match(cases)


def _weighted_cuts(values: np.ndarray, weights: np.ndarray, groups: int) -> list[float]:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w) / w.sum()
    return [float(v[np.searchsorted(cum, k / groups)]) for k in range(1, groups)]


def _dimension_columns(survey: Survey, catalogue: Catalogue, level: Level) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for dim in catalogue.dimensions:
        variable = dim.variable or dim.code
        if variable not in survey.columns(level) and not (
            level is Level.PERSON
            and survey.households is not None
            and variable in survey.columns(Level.HOUSEHOLD)
        ):
            continue
        if dim.quantiles:
            people = survey.frame(
                [variable], level=Level.PERSON if survey.persons is not None else level
            )
            cuts = _weighted_cuts(
                people.get_column(variable).to_numpy().astype(float),
                people.get_column(survey.design.weight).to_numpy().astype(float),
                len(dim.categories),
            )
            col = pl.col(variable)
            cases = [(col <= cut, cat.code) for cat, cut in zip(dim.categories, cuts, strict=False)]
            cases.append((col.is_not_null(), dim.categories[-1].code))
            exprs.append(_first_match(cases).alias(DIM_PREFIX + dim.code))
        else:
            exprs.append(_category_expr(dim, pl.col(variable)).alias(DIM_PREFIX + dim.code))
    return exprs


def prepare_survey(survey: Survey, catalogue: Catalogue) -> Survey:
    """The survey with a column per dimension and per derived variable or population.

    Columns are added to the person table and, when there is one, the
    household table, computed on the unit's frame (household columns carried
    to persons).
    """
    out = survey
    for level in (Level.PERSON, Level.HOUSEHOLD):
        table = survey.table(level) if level in _levels(survey) else None
        if table is None:
            continue
        columns = list(
            dict.fromkeys(
                [
                    *survey.columns(level),
                    *(
                        survey.columns(Level.HOUSEHOLD)
                        if level is Level.PERSON and survey.households is not None
                        else []
                    ),
                ]
            )
        )
        frame = survey.frame(columns, level=level)
        exprs = _dimension_columns(survey, catalogue, level)
        derived: dict[str, pl.Expr] = {}
        scoped: dict[str, pl.Expr] = {}
        for indicator in catalogue.indicators:
            comp = indicator.compute
            if comp is None or Level(comp.level) is not level:
                continue
            for name, sql in comp.derive.items():
                derived[name] = _sql(sql, indicator.code).alias(name)
            if comp.population:
                inside = _sql(comp.population, indicator.code).fill_null(False)
                scoped[SCOPE + indicator.code] = inside.cast(pl.Int64).alias(SCOPE + indicator.code)
                scoped[VALUE + indicator.code] = (
                    pl.when(inside)
                    .then(pl.col(comp.variable))
                    .otherwise(pl.lit(0))
                    .alias(VALUE + indicator.code)
                )
        try:
            stage = frame.with_columns([*exprs, *derived.values()])
            stage = stage.with_columns(list(scoped.values()))
            names = [e.meta.output_name() for e in [*exprs, *derived.values(), *scoped.values()]]
            extra = stage.select(names)
        except pl.exceptions.PolarsError as exc:
            raise DataError(
                f"cannot derive indicator columns at {level.value} level: {exc}"
            ) from None
        new = table.with_frame(
            table.frame.hstack(
                extra.select([c for c in extra.columns if c not in table.frame.columns])
            )
        )
        out = replace(out, persons=new) if level is Level.PERSON else replace(out, households=new)
    return out


def _levels(survey: Survey) -> list[Level]:
    return [
        lv
        for lv, t in ((Level.PERSON, survey.persons), (Level.HOUSEHOLD, survey.households))
        if t is not None
    ]


def _sql(expression: str, code: str) -> pl.Expr:
    try:
        return pl.sql_expr(expression)
    except Exception as exc:  # Polars raises several kinds for a bad expression
        raise InsafError(
            f"indicator {code}: cannot parse expression {expression!r}: {exc}"
        ) from None


Runner = Callable[..., Estimates]


def _runner(comp: Computation) -> tuple[Runner, dict[str, object]]:
    line: float | str | None = comp.poverty_line
    if comp.measure == "headcount":
        return fgt, {"line": line, "alpha": 0.0}
    if comp.measure == "poverty_gap":
        return fgt, {"line": line, "alpha": 1.0}
    if comp.measure == "poverty_severity":
        return fgt, {"line": line, "alpha": 2.0}
    if comp.measure == "gini":
        return gini, {}
    if comp.measure == "mean":
        return mean, {}
    return proportion, {}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def compute_indicator(
    indicator: Indicator,
    survey: Survey,
    *,
    period: int,
    area: str,
    breakdowns: Sequence[tuple[str, ...]] | None = None,
) -> list[Observation]:
    """Every breakdown of one indicator on a survey prepared by ``prepare_survey``."""
    comp = indicator.compute
    if comp is None:
        raise InsafError(f"indicator {indicator.code} has no compute section")
    run, options = _runner(comp)
    scope = SCOPE + indicator.code if comp.population else None
    variable = VALUE + indicator.code if comp.population else comp.variable
    out: list[Observation] = []
    for breakdown in breakdowns if breakdowns is not None else indicator.breakdowns:
        by = [*([scope] if scope else []), *(DIM_PREFIX + d for d in breakdown)]
        estimates = run(survey, variable, by=by or None, level=comp.level, **options)
        for est in estimates:
            domain = dict(est.domain or {})
            if scope is not None and domain.pop(scope, 1) != 1:
                continue
            cats = {k.removeprefix(DIM_PREFIX): str(v) for k, v in domain.items()}
            if _OTHER in cats.values():
                continue
            low, high = est.ci(0.95) if est.interval is None else (est.interval[1], est.interval[2])
            s = comp.scale
            out.append(
                Observation(
                    indicator=indicator.code,
                    period=period,
                    area=area,
                    disaggregation=tuple(cats.items()),
                    value=_finite(est.value * s),
                    se=_finite(est.se * s),
                    ci_low=_finite(low * s),
                    ci_high=_finite(high * s),
                    n=int(est.n),
                    population=_finite(est.population),
                )
            )
    return out


def compute_catalogue(
    catalogue: Catalogue,
    survey: Survey,
    *,
    period: int | None = None,
    indicators: Iterable[str] | None = None,
) -> list[Observation]:
    """Every computable indicator (or those named) on one survey, for its year."""
    year = period if period is not None else survey.year
    if year is None:
        raise InsafError("the survey has no year: give the period")
    prepared = prepare_survey(survey, catalogue)
    wanted = set(indicators) if indicators is not None else None
    out: list[Observation] = []
    for indicator in catalogue.indicators:
        if indicator.compute is None or (wanted is not None and indicator.code not in wanted):
            continue
        out.extend(compute_indicator(indicator, prepared, period=year, area=catalogue.area))
    return out

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
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, said, said_unit
from insaf.measures import Measure, prepare
from insaf.measures.registry import INDICATOR_MEASURES
from insaf.observatory.gaps import z_value
from insaf.observatory.indicators import Catalogue, Computation, Dimension, Indicator
from insaf.observatory.observations import Observation
from insaf.survey.design import Design
from insaf.survey.survey import Level, Survey
from insaf.survey.table import Table

__all__ = ["DIM_PREFIX", "SCOPE", "compute_catalogue", "compute_indicator", "prepare_survey"]

DIM_PREFIX = "dim__"
SCOPE = "scope__"
VALUE = "value__"
_OTHER = "__other"
_Z95 = z_value(0.95)


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
                [variable], unit=Level.PERSON if survey.persons is not None else level
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


def prepare_survey(survey: Survey, catalogue: Catalogue) -> dict[Level, Survey]:
    """One flat survey per level holding exactly what the indicators need.

    Each has a single table (household columns already carried to persons)
    with the design columns, the variables the indicators use, one column per
    dimension and per derived variable or population. Estimating on it skips
    the person-household join that every estimate would otherwise repeat.
    """
    out: dict[Level, Survey] = {}
    for level in _levels(survey):
        exprs = _dimension_columns(survey, catalogue, level)
        derived: dict[str, pl.Expr] = {}
        scoped: dict[str, pl.Expr] = {}
        needed: set[str] = set()
        for expr in exprs:
            needed.update(expr.meta.root_names())
        for indicator in catalogue.indicators:
            comp = indicator.compute
            if comp is None or Level(comp.unit) is not level:
                continue
            for name, sql in comp.derive.items():
                derived[name] = _sql(sql, indicator.code).alias(name)
                needed.update(derived[name].meta.root_names())
            needed.add(comp.variable)
            if isinstance(comp.line, str):
                needed.add(comp.line)
            if comp.population:
                inside = _sql(comp.population, indicator.code).fill_null(False)
                needed.update(inside.meta.root_names())
                scoped[SCOPE + indicator.code] = inside.cast(pl.Int64).alias(SCOPE + indicator.code)
                scoped[VALUE + indicator.code] = (
                    pl.when(inside)
                    .then(pl.col(comp.variable))
                    .otherwise(pl.lit(0))
                    .alias(VALUE + indicator.code)
                )
        available = set(survey.columns(level))
        if level is Level.PERSON and survey.households is not None:
            available |= set(survey.columns(Level.HOUSEHOLD))
        columns = sorted(c for c in needed - set(derived) if c in available)
        frame = survey.frame(columns, unit=level)
        try:
            flat = frame.with_columns(exprs)
            for expr in derived.values():  # in order: a derived column may use an earlier one
                flat = flat.with_columns(expr)
            flat = flat.with_columns(list(scoped.values()))
        except pl.exceptions.PolarsError as exc:
            raise DataError(
                said(
                    "cannot derive indicator columns at {unit} level: {reason}",
                    unit=said_unit(level.value),
                    reason=str(exc),
                )
            ) from None
        table = Table(name=level.value, frame=flat)
        single = (
            Survey(persons=table, design=survey.design, year=survey.year, path=survey.path)
            if level is Level.PERSON
            else Survey(households=table, design=survey.design, year=survey.year, path=survey.path)
        )
        out[level] = single
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
            said(
                "indicator {code}: cannot parse expression {expression}: {reason}",
                code=code,
                expression=repr(expression),
                reason=str(exc),
            )
        ) from None


def _measure(comp: Computation, variable: str) -> Measure:
    """The ``insaf.measures`` measure an indicator's computation names."""
    spec = INDICATOR_MEASURES[comp.measure]
    line = comp.line if "line" in spec.accepts else None
    return Measure(name=spec.name, variable=variable, line=line)


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
    """Every breakdown of one indicator on the flat survey ``prepare_survey`` made for its level.

    The indicator's variables are read and sorted once (``insaf.measures.prepare``),
    then each breakdown is one estimate over them; the design's codes and each
    breakdown's domain codes are kept with the survey, for every indicator.
    """
    comp = indicator.compute
    if comp is None:
        raise InsafError(said("indicator {code} has no compute section", code=indicator.code))
    scope = SCOPE + indicator.code if comp.population else None
    variable = VALUE + indicator.code if comp.population else comp.variable
    measure = _measure(comp, variable)
    prepared = prepare(survey, measure.columns, unit=comp.unit)
    out: list[Observation] = []
    for breakdown in breakdowns if breakdowns is not None else indicator.breakdowns:
        by = [*([scope] if scope else []), *(DIM_PREFIX + d for d in breakdown)]
        (estimates,) = prepared.estimate([measure], by=by)
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


_SHARED: dict[Level, Survey] = {}


def _share(parts: dict[Level, tuple[pl.DataFrame, Design, int | None]]) -> None:
    """Worker initializer: rebuild the flat surveys sent by the parent (once per worker)."""
    for level, (frame, design, year) in parts.items():
        table = Table(name=level.value, frame=frame)
        _SHARED[level] = (
            Survey(persons=table, design=design, year=year)
            if level is Level.PERSON
            else Survey(households=table, design=design, year=year)
        )


def _compute_shared(indicator: Indicator, period: int, area: str) -> list[Observation]:
    """Worker side of ``compute_catalogue``."""
    assert indicator.compute is not None
    flat = _SHARED[Level(indicator.compute.unit)]
    return compute_indicator(indicator, flat, period=period, area=area)


def compute_catalogue(
    catalogue: Catalogue,
    survey: Survey,
    *,
    period: int | None = None,
    indicators: Iterable[str] | None = None,
    workers: int = 1,
) -> list[Observation]:
    """Every computable indicator (or those named) on one survey, for its year.

    ``workers > 1`` computes indicators in that many worker processes (started
    fresh, not forked: Polars' thread pool does not survive a fork), each sent
    the prepared flat surveys once.
    """
    year = period if period is not None else survey.year
    if year is None:
        raise InsafError(said("the survey has no year: give the period"))

    prepared = prepare_survey(survey, catalogue)
    wanted = set(indicators) if indicators is not None else None
    todo = [
        i
        for i in catalogue.indicators
        if i.compute is not None and (wanted is None or i.code in wanted)
    ]
    if workers > 1 and len(todo) > 1:
        parts = {
            level: (flat.design_table.frame, flat.design, flat.year)
            for level, flat in prepared.items()
        }
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_share, initargs=(parts,)
        ) as pool:
            results = pool.map(
                _compute_shared, todo, [year] * len(todo), [catalogue.area] * len(todo)
            )
            return [obs for part in results for obs in part]
    out: list[Observation] = []
    for indicator in todo:
        assert indicator.compute is not None
        flat = prepared[Level(indicator.compute.unit)]
        out.extend(compute_indicator(indicator, flat, period=year, area=catalogue.area))
    return out

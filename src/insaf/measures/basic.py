"""Totals, means, ratios, proportions and quantiles with design-based standard errors.

Influence values (R ``survey``): total ``z = y``; mean ``z = (y - mean)/N``;
ratio ``z = (y - R x)/X``. Quantiles: kernel linearization
``z = -(1(y <= q) - p)/(N f(q))`` (convey ``svyiqalpha``) or the Woodruff
interval (R ``svyquantile``'s default, ``interval.type="mean"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, Unpack

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, Location, said
from insaf.measures._kernels import plans
from insaf.measures._kernels.plan import estimate, run_plans, sample_for
from insaf.measures._kernels.quantile import check_rule
from insaf.measures._kernels.quantile import quantile as weighted_quantile
from insaf.measures._sample import Sample, with_columns
from insaf.measures.estimate import Estimate, Estimates, critical
from insaf.measures.types import By, Estimation, QuantileRule, estimation_keywords
from insaf.measures.variance import FloatArray, linearized_variance, replicate_variance
from insaf.survey.survey import Level, Survey

__all__ = ["By", "QuantileRule", "mean", "median", "proportion", "quantile", "ratio", "total"]

QuantileSE = Literal["kernel", "woodruff"]


@estimation_keywords()
def total(
    survey: Survey,
    variable: str,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Weighted total ``sum w y`` (R ``svytotal``)."""
    plan = plans.total(variable)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def mean(
    survey: Survey,
    variable: str,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Weighted mean ``sum w y / sum w`` (R ``svymean``; ``svyby`` for domains)."""
    plan = plans.mean(variable)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def ratio(
    survey: Survey,
    numerator: str,
    denominator: str,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Ratio of totals ``sum w y / sum w x`` (R ``svyratio``)."""
    plan = plans.ratio(numerator, denominator)
    return estimate(survey, plan, **estimation)


@estimation_keywords()
def proportion(
    survey: Survey,
    variable: str,
    *,
    value: float | str | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Weighted share of units with ``variable == value`` (or of a 0/1 or boolean column).

    ``value`` may name a category of a text column (``value="rural"``), or a
    category of a labelled numeric column by its label in either language
    (``value="Female"`` for the code whose label is Female); the estimate's
    variable then reads ``variable = value``.
    """
    unit = estimation["unit"]
    if value is not None and not isinstance(value, str):
        dtype = survey.frame([variable], unit=unit).schema[variable]
        if not dtype.is_numeric() and dtype != pl.Boolean:
            value = f"{value:g}"  # a number given for a text column: its category
    if isinstance(value, str):
        survey, variable, value = (
            _category(survey, variable, value, unit),
            f"{variable} = {value}",
            None,
        )
    plan = plans.proportion(variable, value=value)
    return estimate(survey, plan, **estimation)


def _category(survey: Survey, variable: str, value: str, unit: Level | str | None) -> Survey:
    """``survey`` with a 0/1 column ``variable = value``: the units in that category."""
    column = survey.frame([variable], unit=unit).get_column(variable)
    where = Location(file=survey.path, column=variable)
    if column.null_count():
        raise DataError(
            said(
                "column {variable} has {null_count} missing value(s)",
                variable=repr(variable),
                null_count=column.null_count(),
            ),
            where,
        )
    if column.dtype.is_numeric():
        labels = survey.metadata.get(variable).values
        codes = [c for c, label in labels.items() if value in (label.en, label.ar, str(c))]
        if not codes:
            try:
                codes = [float(value)]
            except ValueError:
                known = ", ".join(f"{c}: {label.get('en')}" for c, label in labels.items())
                if known:
                    raise DataError(
                        said(
                            "{value} is neither a number nor a label of {variable} "
                            "(labels: {known})",
                            value=repr(value),
                            variable=repr(variable),
                            known=known,
                        ),
                        where,
                    ) from None
                raise DataError(
                    said(
                        "{value} is neither a number nor a label of {variable} "
                        "(it has no value labels)",
                        value=repr(value),
                        variable=repr(variable),
                    ),
                    where,
                ) from None
        inside = column.cast(pl.Float64).is_in([float(c) for c in codes])
    else:
        found = column.cast(pl.String)
        if not found.eq(value).any():
            shown = ", ".join(repr(v) for v in found.unique().sort().head(12).to_list())
            raise DataError(
                said(
                    "no unit has {variable} = {value} (values: {shown})",
                    variable=repr(variable),
                    value=repr(value),
                    shown=shown,
                ),
                where,
            )
        inside = found.eq(value)
    added = pl.DataFrame({f"{variable} = {value}": inside.cast(pl.Float64)})
    return with_columns(survey, unit, added)


@estimation_keywords(ci_level="confidence")
def quantile(
    survey: Survey,
    variable: str,
    *,
    p: float | Sequence[float] = 0.5,
    rule: QuantileRule = "convey",
    se: QuantileSE = "kernel",
    confidence: float = 0.95,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Weighted quantile(s) at ``p`` under ``rule`` (``docs/methods/quantiles.md``).

    ``se="kernel"``: linearization with a Gaussian kernel density (convey's
    ``svyiqalpha``). ``se="woodruff"``: R ``svyquantile``'s default interval —
    a ``confidence`` interval for ``F(q)`` with Student's t on the design's
    degrees of freedom, mapped back through the quantile function with the same
    ``rule``; the reported ``se`` is its width over ``2 t`` as in R. With
    replicate weights, ``se="kernel"`` re-estimates the quantile in each
    replicate (R ``interval.type="quantile"``) and ``se="woodruff"`` takes the
    variance of ``F(q)`` from the replicates, with Student's t on the rank of
    the replicate weights minus one (R ``svyquantile`` on a replicate design,
    its default ``interval.type="mean"``).
    """
    check_rule(rule)
    probs = [p] if isinstance(p, float | int) else list(p)
    each = [plans.quantile(variable, p=prob, rule=rule) for prob in probs]
    sample = sample_for(survey, each[0], **estimation)
    result = run_plans(sample, each)
    if se == "kernel":
        return result
    if se != "woodruff":
        raise InsafError(
            said(
                "unknown quantile se method {se}; choose kernel or woodruff",
                se=repr(se),
            )
        )
    woodruff = _woodruff if sample.method == "linearization" else _woodruff_replicates
    return Estimates(
        [
            woodruff(sample, e, float(probs[i % len(probs)]), rule, confidence)
            for i, e in enumerate(result)
        ],
        by=result.by,
    )


def _woodruff(
    sample: Sample, est: Estimate, p: float, rule: QuantileRule, level: float
) -> Estimate:
    d = sample.domains.index(est.domain if est.domain is None else dict(est.domain))
    rows = sample.slice(d)
    y, w = sample.cols["y"][rows], sample.w[rows]
    below = (y <= est.value).astype(np.float64)
    n_pop = float(w.sum())
    share = float(np.dot(w, below)) / n_pop
    totals = sample.psu_totals(rows, w * (below - share) / n_pop)
    se_share = math.sqrt(max(float(linearized_variance(totals, sample.design)), 0.0))
    positive = w > 0
    psus = sample.psu[rows][positive]
    df = int(np.unique(psus).size - np.unique(sample.design.psu_stratum[psus]).size)
    return _mapped_back(est, y, w, (share, se_share, df), rule, level)


def _mapped_back(
    est: Estimate,
    y: FloatArray,
    w: FloatArray,
    share: tuple[float, float, int],
    rule: QuantileRule,
    level: float,
) -> Estimate:
    """The interval of ``F(q)`` (value, SE, degrees of freedom) mapped back through
    the quantile function: R ``survey:::woodruffCI`` with ``method="mean"``."""
    value, se, df = share
    crit = critical(level, float(df))
    low_p, high_p = value - crit * se, value + crit * se
    low = math.nan if low_p < 0 else weighted_quantile(y, w, low_p, rule)
    high = math.nan if high_p > 1 else weighted_quantile(y, w, high_p, rule)
    return replace(
        est,
        se=(high - low) / (2 * crit),
        df=float(df),
        interval=(level, low, high),
        method="woodruff",
        basis=None,
    )


def _woodruff_replicates(
    sample: Sample, est: Estimate, p: float, rule: QuantileRule, level: float
) -> Estimate:
    """R ``survey:::woodruffCI`` on a replicate design: ``svymean(y <= q)`` with its
    replicate variance, ``confint`` with ``degf`` (rank of the replicate weights
    minus one, R's tolerance 1e-5), mapped back through the quantile function."""
    assert sample.spec is not None  # a replicate sample
    d = sample.domains.index(est.domain if est.domain is None else dict(est.domain))
    rows = sample.slice(d)
    y, w = sample.cols["y"][rows], sample.w[rows]
    below = (y <= est.value).astype(np.float64)
    share = float(np.dot(w, below) / w.sum())
    weights = np.column_stack(
        [sample.replicate_weights(r) for r in range(sample.spec.n_replicates)]
    )
    shares = (weights[rows].T @ below) / weights[rows].sum(axis=0)
    var = replicate_variance(shares[:, None], np.array([share]), sample.spec)
    se_share = math.sqrt(max(float(var[0]), 0.0))
    singular = np.linalg.svd(weights, compute_uv=False)
    df = int(np.sum(singular > 1e-5 * singular[0])) - 1
    return _mapped_back(est, y, w, (share, se_share, df), rule, level)


@estimation_keywords(ci_level="confidence")
def median(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    se: QuantileSE = "kernel",
    confidence: float = 0.95,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """The weighted median: ``quantile(p=0.5)`` named ``median``."""
    result = quantile(
        survey,
        variable,
        p=0.5,
        rule=rule,
        se=se,
        confidence=confidence,
        **estimation,
    )
    return Estimates([replace(e, measure="median") for e in result], by=result.by)

"""Totals, means, ratios, proportions and quantiles with design-based standard errors.

Influence values (R ``survey``): total ``z = y``; mean ``z = (y - mean)/N``;
ratio ``z = (y - R x)/X``. Quantiles: kernel linearization
``z = -(1(y <= q) - p)/(N f(q))`` (convey ``svyiqalpha``) or the Woodruff
interval (R ``svyquantile``'s default, ``interval.type="mean"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from insaf.errors import DataError, InsafError
from insaf.measures._engine import Cols, Statistic, run
from insaf.measures._kernels import QUANTILE_RULES, QuantileRule, quantile_influence
from insaf.measures._kernels import quantile as weighted_quantile
from insaf.measures._sample import Sample, VarianceMethod, prepare
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.variance import FloatArray, linearized_variance
from insaf.survey.survey import Level, Survey

__all__ = ["By", "QuantileRule", "mean", "median", "proportion", "quantile", "ratio", "total"]

By = str | Sequence[str] | None
QuantileSE = Literal["kernel", "woodruff"]


def _total(
    cols: Cols, w: FloatArray, t: float, influence: bool
) -> tuple[float, FloatArray | None, float]:
    y = cols["y"]
    return float(np.dot(w, y)), (y if influence else None), 0.0


def _mean(
    cols: Cols, w: FloatArray, t: float, influence: bool
) -> tuple[float, FloatArray | None, float]:
    y = cols["y"]
    n_pop = float(w.sum())
    m = float(np.dot(w, y)) / n_pop
    return m, ((y - m) / n_pop if influence else None), 0.0


def _ratio(
    cols: Cols, w: FloatArray, t: float, influence: bool
) -> tuple[float, FloatArray | None, float]:
    y, x = cols["y"], cols["x"]
    big_x = float(np.dot(w, x))
    r = float(np.dot(w, y)) / big_x
    return r, ((y - r * x) / big_x if influence else None), 0.0


def total(
    survey: Survey,
    variable: str,
    *,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Weighted total ``sum w y`` (R ``svytotal``)."""
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
    )
    return run(sample, [Statistic(name="total", kernel=_total, variable=variable)])


def mean(
    survey: Survey,
    variable: str,
    *,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Weighted mean ``sum w y / sum w`` (R ``svymean``; ``svyby`` for domains)."""
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
    )
    return run(sample, [Statistic(name="mean", kernel=_mean, variable=variable)])


def ratio(
    survey: Survey,
    numerator: str,
    denominator: str,
    *,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Ratio of totals ``sum w y / sum w x`` (R ``svyratio``)."""
    sample = prepare(
        survey,
        {"y": numerator, "x": denominator},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
    )
    return run(
        sample, [Statistic(name="ratio", kernel=_ratio, variable=f"{numerator}/{denominator}")]
    )


def proportion(
    survey: Survey,
    variable: str,
    *,
    value: float | None = None,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Weighted share of units with ``variable == value`` (or of a 0/1 or boolean column)."""
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
    )
    y = sample.cols["y"]
    if value is None:
        if not np.all((y == 0) | (y == 1)):
            raise DataError(
                f"column {variable!r} is not 0/1 or boolean; "
                "pass value= to say which value to count"
            )
    else:
        indicator = (y == value).astype(np.float64)
        sample = _with_col(sample, "y", indicator)
    return run(sample, [Statistic(name="proportion", kernel=_mean, variable=variable)])


def _with_col(sample: Sample, role: str, values: FloatArray) -> Sample:
    from dataclasses import replace

    cols = dict(sample.cols)
    cols[role] = values
    return replace(sample, cols=cols)


def _check_rule(rule: str) -> None:
    if rule not in QUANTILE_RULES:
        raise InsafError(
            f"unknown quantile rule {rule!r}; choose one of {', '.join(QUANTILE_RULES)}"
        )


def _quantile_kernel(p: float, rule: QuantileRule) -> Statistic:
    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        q = weighted_quantile(y, w, p, rule)
        return q, (quantile_influence(y, w, q, p) if influence else None), 0.0

    return Statistic(name=f"quantile[{p:g}]", kernel=kernel)


def quantile(
    survey: Survey,
    variable: str,
    *,
    p: float | Sequence[float] = 0.5,
    rule: QuantileRule = "convey",
    se: QuantileSE = "kernel",
    ci_level: float = 0.95,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Weighted quantile(s) at ``p`` under ``rule`` (see ``insaf.measures._kernels``).

    ``se="kernel"``: linearization with a Gaussian kernel density (convey's
    ``svyiqalpha``). ``se="woodruff"``: R ``svyquantile``'s default interval —
    a ``ci_level`` interval for ``F(q)`` with Student's t on the design's
    degrees of freedom, mapped back through the quantile function with the same
    ``rule``; the reported ``se`` is its width over ``2 t`` as in R. With
    replicate weights, each replicate re-estimates the quantile.
    """
    _check_rule(rule)
    probs = [p] if isinstance(p, float | int) else list(p)
    for prob in probs:
        if not 0.0 < prob < 1.0:
            raise InsafError(f"quantile probabilities must be in (0, 1), not {prob}")
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )
    stats = [_quantile_kernel(float(prob), rule) for prob in probs]
    stats = [Statistic(name=s.name, kernel=s.kernel, variable=variable) for s in stats]
    result = run(sample, stats)
    if se == "kernel" or sample.method != "linearization":
        return result
    if se != "woodruff":
        raise InsafError(f"unknown quantile se method {se!r}; choose kernel or woodruff")
    return Estimates(
        [
            _woodruff(sample, e, float(probs[i % len(probs)]), rule, ci_level)
            for i, e in enumerate(result)
        ],
        by=result.by,
    )


def _woodruff(
    sample: Sample, est: Estimate, p: float, rule: QuantileRule, level: float
) -> Estimate:
    from dataclasses import replace

    from insaf.measures.estimate import _critical

    d = sample.domains.index(est.domain if est.domain is None else dict(est.domain))
    rows = sample.slice(d)
    y, w = sample.cols["y"][rows], sample.w[rows]
    below = (y <= est.value).astype(np.float64)
    n_pop = float(w.sum())
    share = float(np.dot(w, below)) / n_pop
    totals = np.bincount(
        sample.psu[rows], weights=w * (below - share) / n_pop, minlength=sample.design.n_psus
    ).astype(np.float64)
    se_share = math.sqrt(max(float(linearized_variance(totals, sample.design)), 0.0))
    positive = w > 0
    psus = sample.psu[rows][positive]
    df = int(np.unique(psus).size - np.unique(sample.design.psu_stratum[psus]).size)
    crit = _critical(level, float(df))
    low_p, high_p = share - crit * se_share, share + crit * se_share
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


def median(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    se: QuantileSE = "kernel",
    ci_level: float = 0.95,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """The weighted median: ``quantile(p=0.5)`` named ``median``."""
    result = quantile(
        survey,
        variable,
        p=0.5,
        rule=rule,
        se=se,
        ci_level=ci_level,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )
    from dataclasses import replace

    return Estimates([replace(e, measure="median") for e in result], by=result.by)

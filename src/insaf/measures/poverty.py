"""Poverty measures: FGT family, Watts, Sen, the at-risk-of-poverty threshold and
rate, the relative median poverty gap and the poverty gap in money terms.

A poverty line is a number, the name of a per-unit column (a line that depends
on the household's composition or region), or ``Relative(share, of)``: a share
of the median or mean *of the whole population*, estimated from the same
sample. A relative line's own sampling variance is carried into every domain's
standard error (``z = z_domain + dvalue/dt * z_t``; convey ``svyarpr``).

``below`` says who is poor: ``"<"`` (income strictly below the line; laeken,
Eurostat's "below the threshold", World Bank PIP) is the default, ``"<="`` is
convey's. Gaps ``(t - y)/t`` are zero at the line, so only headcounts differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from insaf.errors import InsafError
from insaf.measures._engine import Cols, Statistic, ThresholdKernel, run
from insaf.measures._kernels import (
    QuantileRule,
    bandwidth,
    density,
    quantile_influence,
)
from insaf.measures._kernels import quantile as weighted_quantile
from insaf.measures._sample import NonPositive, VarianceMethod, prepare
from insaf.measures.basic import By, _check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.inequality import _gini_kernel
from insaf.measures.variance import FloatArray
from insaf.survey.survey import Level, Survey

__all__ = [
    "Below",
    "Relative",
    "arpr",
    "arpt",
    "fgt",
    "poverty_gap_total",
    "rmpg",
    "sen",
    "watts",
]

Below = Literal["<", "<="]


@dataclass(frozen=True, slots=True, kw_only=True)
class Relative:
    """A relative poverty line: ``share`` times the whole population's median or mean."""

    share: float = 0.6
    of: Literal["median", "mean"] = "median"

    def __post_init__(self) -> None:
        if not self.share > 0:
            raise InsafError(f"a relative line needs a positive share, not {self.share}")
        if self.of not in ("median", "mean"):
            raise InsafError(
                f"a relative line is a share of the median or the mean, not {self.of!r}"
            )


Line = float | int | str | Relative


def _threshold(line: Relative, rule: QuantileRule) -> ThresholdKernel:
    """The whole-population threshold and its influence values (convey ``svyarpt``)."""

    def kernel(cols: Cols, w: FloatArray, influence: bool) -> tuple[float, FloatArray | None]:
        y = cols["y"]
        if line.of == "median":
            med = weighted_quantile(y, w, 0.5, rule)
            z = line.share * quantile_influence(y, w, med, 0.5) if influence else None
            return line.share * med, z
        n_pop = float(w.sum())
        mu = float(np.dot(w, y)) / n_pop
        return line.share * mu, (line.share * (y - mu) / n_pop if influence else None)

    return kernel


def _poor(y: FloatArray, line: FloatArray | float, below: Below) -> FloatArray:
    return (y < line) if below == "<" else (y <= line)  # type: ignore[return-value]


def _line_of(cols: Cols, t: float) -> FloatArray | float:
    return cols.get("line", t)


def _fgt_kernel(alpha: float, below: Below, relative: bool) -> Statistic:
    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        line = _line_of(cols, t)
        poor = _poor(y, line, below)
        n_pop = float(w.sum())
        if alpha == 0:
            h = poor.astype(np.float64)
        else:
            gap = np.where(poor, (line - y) / line, 0.0)
            h = np.where(poor, gap**alpha, 0.0)
        value = float(np.dot(w, h)) / n_pop
        if not influence:
            return value, None, 0.0
        z = (h - value) / n_pop
        slope = 0.0
        if relative:
            if alpha == 0:
                slope = density(y, w, t)
            else:
                base = np.where(poor, (t - y) / t, 1.0) ** (alpha - 1)
                slope = alpha * float(np.dot(w * poor, base * y)) / (t * t * n_pop)
        return value, z, slope

    return Statistic(name=f"fgt{alpha:g}", kernel=kernel)


def _variables(variable: str, line: Line) -> dict[str, str]:
    cols = {"y": variable}
    if isinstance(line, str):
        cols["line"] = line
    return cols


def _check_line(line: Line) -> None:
    if isinstance(line, float | int) and not isinstance(line, bool) and not line > 0:
        raise InsafError(f"a poverty line must be positive, not {line}")


def _run_poverty(
    survey: Survey,
    variable: str,
    stat: Statistic,
    line: Line,
    *,
    rule: QuantileRule,
    by: By,
    level: Level | str | None,
    variance: VarianceMethod,
    replicates: int,
    seed: int,
    positive: bool = False,
    nonpositive: NonPositive = "error",
) -> Estimates:
    _check_line(line)
    _check_rule(rule)
    sample = prepare(
        survey,
        _variables(variable, line),
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        positive=("y",) if positive else (),
        nonpositive=nonpositive,
    )
    if "line" in sample.cols and np.any(sample.cols["line"] <= 0):
        raise InsafError(f"poverty line column {line!r} has non-positive values")
    threshold = _threshold(line, rule) if isinstance(line, Relative) else None
    if isinstance(line, float | int):
        fixed = float(line)
        inner = stat.kernel

        def kernel(
            cols: Cols, w: FloatArray, t: float, influence: bool
        ) -> tuple[float, FloatArray | None, float]:
            return inner(cols, w, fixed, influence)

        stat = Statistic(name=stat.name, kernel=kernel, variable=variable)
    else:
        stat = Statistic(name=stat.name, kernel=stat.kernel, variable=variable)
    return run(sample, [stat], threshold=threshold)


def fgt(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    alpha: float = 0.0,
    below: Below = "<",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Foster–Greer–Thorbecke ``P_alpha = (1/N) sum w ((t - y)/t)^alpha 1(poor)``.

    ``alpha=0`` headcount ratio, 1 poverty gap index, 2 severity. With a
    relative line the derivative with respect to the line is the domain's
    kernel density at ``t`` for ``alpha=0`` and ``alpha/N sum w g^(alpha-1) y/t^2``
    otherwise. Income may be zero or negative (gaps above 1 are kept as they are).
    """
    if alpha < 0:
        raise InsafError(f"FGT alpha must be >= 0, not {alpha}")
    stat = _fgt_kernel(float(alpha), below, isinstance(line, Relative))
    return _run_poverty(
        survey,
        variable,
        stat,
        line,
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def _watts_kernel(below: Below, relative: bool) -> Statistic:
    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        line = _line_of(cols, t)
        poor = _poor(y, line, below)
        h = np.where(poor, np.log(line / y), 0.0)  # y > 0 is checked before
        n_pop = float(w.sum())
        value = float(np.dot(w, h)) / n_pop
        if not influence:
            return value, None, 0.0
        slope = float(np.dot(w, poor)) / (n_pop * t) if relative else 0.0
        return value, (h - value) / n_pop, slope

    return Statistic(name="watts", kernel=kernel)


def watts(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    nonpositive: NonPositive = "error",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Watts index ``(1/N) sum w ln(t/y) 1(poor)``; needs positive incomes.

    Zero or negative values raise a ``DataError`` naming the column and the
    count, unless ``nonpositive="exclude"`` leaves them out of every domain.
    """
    stat = _watts_kernel(below, isinstance(line, Relative))
    return _run_poverty(
        survey,
        variable,
        stat,
        line,
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        positive=True,
        nonpositive=nonpositive,
    )


def _sen_kernel(below: Below, relative: bool = False) -> Statistic:
    gini_poor = _gini_kernel("osier")

    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        line = _line_of(cols, t)
        poor = _poor(y, line, below)
        n_pop = float(w.sum())
        gap = np.where(poor, (line - y) / line, 0.0)
        p0 = float(np.dot(w, poor)) / n_pop
        p1 = float(np.dot(w, gap)) / n_pop
        idx = np.flatnonzero(poor)
        gp, z_gp = 0.0, None
        n_p = float(w[idx].sum())
        y_p = float(np.dot(w[idx], y[idx]))
        if idx.size and y_p > 0:
            gp, z_gp, _ = gini_poor({"y": y[idx]}, w[idx], math.nan, influence)
        value = p0 * gp + p1 * (1.0 - gp)
        if not influence:
            return value, None, 0.0
        z = gp * (poor - p0) / n_pop + (1.0 - gp) * (gap - p1) / n_pop
        if z_gp is not None:
            z[idx] += (p0 - p1) * z_gp
        slope = 0.0
        if relative:
            f_t = density(y, w, t)
            dp1 = float(np.dot(w * poor, y)) / (t * t * n_pop)
            dgp = 0.0
            if z_gp is not None:  # a unit at the top of the poor, y = t, times dN_p/dt
                top = (2.0 * n_p * t - t - (gp + 1.0) * (y_p + n_p * t)) / (n_p * y_p)
                dgp = top * n_pop * f_t
            slope = gp * f_t + (1.0 - gp) * dp1 + (p0 - p1) * dgp
        return value, z, slope

    return Statistic(name="sen", kernel=kernel)


def sen(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Sen index ``S = P0 G_p + P1 (1 - G_p)``, ``G_p`` the (Osier) Gini among the poor.

    Equivalent to Sen's ``H (I + (1 - I) G_p)`` with ``I`` the income-gap ratio.
    With a relative line, ``dS/dt = G_p f(t) + (1 - G_p) dP1/dt + (P0 - P1) dG_p/dt``
    carries the line's variance: ``f`` the domain's kernel density at ``t``,
    ``dG_p/dt`` the Gini's influence at a poor unit with ``y = t`` times
    ``dN_p/dt = N f(t)`` (see ``docs/methods/poverty.md``).
    """
    return _run_poverty(
        survey,
        variable,
        _sen_kernel(below, isinstance(line, Relative)),
        line,
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def _gap_total_kernel(below: Below, relative: bool) -> Statistic:
    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        line = _line_of(cols, t)
        poor = _poor(y, line, below)
        h = np.where(poor, line - y, 0.0)
        value = float(np.dot(w, h))
        slope = float(np.dot(w, poor)) if relative and influence else 0.0
        return value, (h if influence else None), slope

    return Statistic(name="poverty_gap_total", kernel=kernel)


def poverty_gap_total(
    survey: Survey,
    variable: str,
    *,
    line: Line,
    below: Below = "<",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Poverty gap in money: ``sum w (t - y) 1(poor)``, the cost of closing every gap
    with perfect targeting (a total, in the currency of ``variable`` per period)."""
    return _run_poverty(
        survey,
        variable,
        _gap_total_kernel(below, isinstance(line, Relative)),
        line,
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def arpt(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    of: Literal["median", "mean"] = "median",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """At-risk-of-poverty threshold ``share * median`` (convey ``svyarpt``).

    With ``by=``, each domain's own threshold (as ``svyby(..., svyarpt)``); the
    rate ``arpr`` instead uses the whole population's threshold in every domain.
    """
    relative = Relative(share=share, of=of)
    _check_rule(rule)
    threshold = _threshold(relative, rule)

    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        value, z = threshold(cols, w, influence)
        return value, z, 0.0

    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )
    return run(sample, [Statistic(name="arpt", kernel=kernel, variable=variable)])


def arpr(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    of: Literal["median", "mean"] = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """At-risk-of-poverty rate: share of the domain below ``share * median`` of the
    whole population. ``z = 1_D (1(poor) - ARPR)/N_D + f_D(t) z_t`` (convey
    ``svyarpr``, with ``below="<="``; laeken uses ``"<"``, the default)."""
    stat = _fgt_kernel(0.0, below, True)
    stat = Statistic(name="arpr", kernel=stat.kernel)
    return _run_poverty(
        survey,
        variable,
        stat,
        Relative(share=share, of=of),
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def _rmpg_kernel(below: Below, rule: QuantileRule) -> Statistic:
    def kernel(
        cols: Cols, w: FloatArray, t: float, influence: bool
    ) -> tuple[float, FloatArray | None, float]:
        y = cols["y"]
        poor = _poor(y, t, below)
        idx = np.flatnonzero(poor)
        if idx.size == 0 or float(w[idx].sum()) == 0:
            return math.nan, (np.zeros_like(y) if influence else None), 0.0
        medp = weighted_quantile(y[idx], w[idx], 0.5, rule)
        value = 1.0 - medp / t
        if not influence:
            return value, None, 0.0
        n_pop = float(w.sum())
        h = bandwidth(y, w)
        f_medp = density(y, w, medp, h)
        f_t = density(y, w, t, h)
        if_medp = ((y <= medp).astype(np.float64) - 0.5 * poor) / n_pop
        z = if_medp / (f_medp * t)
        slope = medp / (t * t) - 0.5 * f_t / (f_medp * t)
        return value, z, slope

    return Statistic(name="rmpg", kernel=kernel)


def rmpg(
    survey: Survey,
    variable: str,
    *,
    share: float = 0.6,
    below: Below = "<",
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Relative median poverty gap ``(t - median of the poor)/t`` with ``t`` the whole
    population's ``share * median``; linearized as convey ``svyrmpg``/``svypoormed``."""
    _check_rule(rule)
    return _run_poverty(
        survey,
        variable,
        _rmpg_kernel(below, rule),
        Relative(share=share),
        rule=rule,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )

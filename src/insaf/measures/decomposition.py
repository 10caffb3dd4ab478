"""Subgroup decompositions: FGT poverty (additive) and generalised entropy
(between and within groups), with design-based standard errors.

FGT (Foster, Greer and Thorbecke 1984): ``P = sum_g (N_g/N) P_g``. For each
group ``g``: its own ``P_g`` (a domain estimate), its population share
``N_g/N``, its absolute contribution ``(N_g/N) P_g = sum_{i in g} w h_i / N``
and its percentage contribution ``(N_g/N) P_g / P``. The last three are
statistics of the whole sample, linearized as a mean and a ratio; with a
relative line the line's own variance is carried in as everywhere else.

Generalised entropy (Shorrocks 1980, 1984): ``GE(a) = GE_W + GE_B``, with the
between-group term the GE of the distribution where everyone has their
group's mean (``s_g = N_g/N``, ``mu_g`` the group mean):

- ``a`` not 0 or 1: ``GE_B = (sum_g s_g (mu_g/mu)^a - 1) / (a (a - 1))``
- ``a = 0`` (MLD): ``GE_B = sum_g s_g ln(mu / mu_g)``
- ``a = 1`` (Theil): ``GE_B = sum_g s_g (mu_g/mu) ln(mu_g/mu)``

and ``GE_W = GE - GE_B = sum_g s_g^(1-a) v_g^a GE_g`` (``v_g = Y_g/Y``).
``GE_B`` is a smooth function of the group totals ``N_g`` and ``Y_g``, so its
influence is its derivative with respect to each unit's weight (written out
in ``docs/methods/decomposition.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Unpack

import numpy as np

from insaf.measures._engine import Cols, Kernel, KernelOut, Statistic, run
from insaf.measures._kernels import inequality as kernels
from insaf.measures._kernels import poverty as poverty_kernels
from insaf.measures._kernels.linear import label_groups, part_of, share_of
from insaf.measures._kernels.quantile import check_rule, density
from insaf.measures._sample import GROUP, prepare, with_groups
from insaf.measures.estimate import Estimate, Estimates
from insaf.measures.inequality import ge
from insaf.measures.poverty import fgt
from insaf.measures.types import (
    Below,
    Inference,
    Line,
    NonPositive,
    QuantileRule,
    Relative,
    estimation_keywords,
)
from insaf.measures.variance import FloatArray
from insaf.survey.survey import Survey

__all__ = ["fgt_decomposition", "ge_decomposition"]

Group = str | Sequence[str]


def _fgt_values(cols: Cols, t: float, alpha: float, below: Below) -> tuple[FloatArray, FloatArray]:
    """Per-unit FGT terms ``h = ((t - y)/t)^a 1(poor)`` and the poor flag."""
    y = cols["y"]
    line = cols.get("line", t)
    poor = poverty_kernels.poor(y, line, below)
    if alpha == 0:
        return poor.astype(np.float64), poor
    gap = np.where(poor, (line - y) / line, 0.0)
    return np.where(poor, gap**alpha, 0.0), poor


def _slope(
    y: FloatArray, w: FloatArray, poor: FloatArray, t: float, alpha: float, n_pop: float
) -> float:
    """``d/dt`` of ``sum w h / n_pop`` over the rows given (as ``_kernels.poverty.fgt``)."""
    if alpha == 0:
        return float(w.sum()) / n_pop * density(y, w, t) if w.sum() > 0 else 0.0
    base = np.where(poor, (t - y) / t, 1.0) ** (alpha - 1)
    return alpha * float(np.dot(w * poor, base * y)) / (t * t * n_pop)


def _contribution(
    code: float, alpha: float, below: Below, fixed: float | None, relative: bool, share: bool
) -> Kernel:
    """``sum_g w h / N`` (absolute) or ``sum_g w h / sum w h`` (``share``)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        line = fixed if fixed is not None else t
        y = cols["y"]
        h, poor = _fgt_values(cols, line, alpha, below)
        inside = cols["group"] == code
        n_pop = float(w.sum())
        part = float(np.dot(w, np.where(inside, h, 0.0))) / n_pop
        total = float(np.dot(w, h)) / n_pop
        if share and total == 0:  # nobody is poor: the shares are undefined
            return math.nan, (np.zeros_like(y) if influence else None), 0.0
        value = part / total if share else part
        if not influence:
            return value, None, 0.0
        z_part = (np.where(inside, h, 0.0) - part) / n_pop
        slope_part = slope_total = 0.0
        if relative:
            slope_part = _slope(y[inside], w[inside], poor[inside], line, alpha, n_pop)
            slope_total = _slope(y, w, poor, line, alpha, n_pop)
        if not share:
            return value, z_part, slope_part
        z_total = (h - total) / n_pop
        return value, (z_part - value * z_total) / total, (slope_part - value * slope_total) / total

    return kernel


@estimation_keywords()
def fgt_decomposition(
    survey: Survey,
    variable: str,
    *,
    group: Group,
    line: Line,
    alpha: float = 0.0,
    below: Below = "<",
    rule: QuantileRule = "convey",
    **inference: Unpack[Inference],
) -> Estimates:
    """FGT of the whole population, then for each group: ``fgt{a}`` (the group's
    own), ``population_share``, ``contribution`` (``N_g P_g / N``, summing to
    ``P``) and ``contribution_share`` (summing to 1)."""
    poverty_kernels.check_alpha(alpha)
    poverty_kernels.check_line(line)
    check_rule(rule)
    by = [group] if isinstance(group, str) else list(group)
    whole = fgt(survey, variable, line=line, alpha=alpha, below=below, rule=rule, **inference)
    own = fgt(survey, variable, line=line, alpha=alpha, below=below, rule=rule, by=by, **inference)
    grouped, groups = with_groups(survey, by, inference["unit"])
    roles = {"y": variable, "group": GROUP}
    if isinstance(line, str):
        roles["line"] = line
    sample = prepare(grouped, roles, by=None, **inference)
    relative = isinstance(line, Relative)
    fixed = float(line) if isinstance(line, float | int) else None
    stats: list[Statistic] = []
    for g in range(groups.height):
        stats += [
            Statistic(name="population_share", kernel=share_of("group", g), variable=variable),
            Statistic(
                name=f"contribution[fgt{alpha:g}]",
                kernel=_contribution(g, alpha, below, fixed, relative, share=False),
                variable=variable,
            ),
            Statistic(
                name=f"contribution_share[fgt{alpha:g}]",
                kernel=_contribution(g, alpha, below, fixed, relative, share=True),
                variable=variable,
            ),
        ]
    threshold = poverty_kernels.threshold(line, rule) if isinstance(line, Relative) else None
    parts = label_groups(run(sample, stats, threshold=threshold), sample, groups, "group")
    return _whole_then_groups(whole, own, parts, groups.height, by)


def _whole_then_groups(
    whole: Estimates, own: Estimates, parts: Sequence[Estimate], n_groups: int, by: list[str]
) -> Estimates:
    """The whole population's estimates, then each group's own estimate followed by its
    share of ``parts`` (whole-sample statistics labelled by group, in group order)."""
    ordered = [*whole]
    per = len(parts) // n_groups
    for g, est in enumerate(own):
        ordered += [est, *parts[g * per : (g + 1) * per]]
    return Estimates(ordered, by=by)


# -- generalised entropy ----------------------------------------------------------------


def _between_kernel(alpha: float, n_groups: int) -> Kernel:
    """``GE_B`` from the group totals; ``z_k = dGE_B/dw_k``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        g = cols["group"].astype(np.int64)
        n_pop = float(w.sum())
        big_y = float(np.dot(w, y))
        mu = big_y / n_pop
        n_g = np.bincount(g, weights=w, minlength=n_groups)
        y_g = np.bincount(g, weights=w * y, minlength=n_groups)
        seen = n_g > 0  # a group may be empty in a replicate
        mu_g = np.where(seen, y_g / np.where(seen, n_g, 1.0), 1.0)
        if alpha == 0.0:
            ln_g = np.log(mu_g)
            mean_ln = float(np.dot(n_g[seen], ln_g[seen])) / n_pop
            value = math.log(mu) - mean_ln
            z = None
            if influence:
                z = (y / big_y - 1.0 / n_pop) - (ln_g[g] + y / mu_g[g] - 1.0 - mean_ln) / n_pop
        elif alpha == 1.0:
            ln_g = np.log(mu_g)
            q = float(np.dot(y_g[seen], ln_g[seen]))
            value = q / big_y - math.log(mu)
            z = None
            if influence:
                z = (y * ln_g[g] + y - mu_g[g]) / big_y - q * y / big_y**2 - (y / big_y - 1 / n_pop)
        else:
            terms = np.where(seen, (n_g / n_pop) * (mu_g / mu) ** alpha, 0.0)
            b = float(terms.sum())
            value = (b - 1.0) / (alpha * (alpha - 1.0))
            z = None
            if influence:
                own = terms[g] * ((1.0 - alpha) / n_g[g] + alpha * y / y_g[g])
                z = (own + b * ((alpha - 1.0) / n_pop - alpha * y / big_y)) / (
                    alpha * (alpha - 1.0)
                )
        return value, z, 0.0

    return kernel


def _combined(alpha: float, n_groups: int, which: str) -> Kernel:
    """``GE - GE_B`` (``within``) or ``GE_B / GE`` (``between_share``)."""
    total_k = kernels.ge(alpha)
    between_k = _between_kernel(alpha, n_groups)

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        total, z_t, _ = total_k(cols, w, t, influence)
        between, z_b, _ = between_k(cols, w, t, influence)
        if which == "within":
            return total - between, (None if z_t is None or z_b is None else z_t - z_b), 0.0
        if abs(total) < 1e-14:  # no inequality (up to rounding): the share is undefined
            return math.nan, (np.zeros_like(cols["y"]) if influence else None), 0.0
        r = between / total
        return r, (None if z_t is None or z_b is None else (z_b - r * z_t) / total), 0.0

    return kernel


@estimation_keywords()
def ge_decomposition(
    survey: Survey,
    variable: str,
    *,
    group: Group,
    alpha: float = 2.0,
    nonpositive: NonPositive = "error",
    **inference: Unpack[Inference],
) -> Estimates:
    """``GE(a)`` of the whole population with ``between``, ``within`` and
    ``between_share`` (``GE_B/GE``), then for each group its own ``GE_g``,
    ``population_share`` and ``income_share`` (``Y_g/Y``). Positive values only
    (see ``ge``)."""
    alpha = float(alpha)
    by = [group] if isinstance(group, str) else list(group)
    grouped, groups = with_groups(survey, by, inference["unit"])
    sample = prepare(
        grouped,
        {"y": variable, "group": GROUP},
        by=None,
        sort=None,
        positive=("y",),
        nonpositive=nonpositive,
        **inference,
    )
    name = kernels.ge_name(alpha)
    n_groups = groups.height
    whole = run(
        sample,
        [
            Statistic(name=name, kernel=kernels.ge(alpha), variable=variable),
            Statistic(
                name=f"{name}.between", kernel=_between_kernel(alpha, n_groups), variable=variable
            ),
            Statistic(
                name=f"{name}.within",
                kernel=_combined(alpha, n_groups, "within"),
                variable=variable,
            ),
            Statistic(
                name=f"{name}.between_share",
                kernel=_combined(alpha, n_groups, "between_share"),
                variable=variable,
            ),
        ],
    )
    own = ge(survey, variable, alpha=alpha, nonpositive=nonpositive, by=by, **inference)
    stats: list[Statistic] = []
    for g in range(n_groups):
        stats += [
            Statistic(name="population_share", kernel=share_of("group", g), variable=variable),
            Statistic(name="income_share", kernel=part_of("y", "group", g), variable=variable),
        ]
    parts = label_groups(run(sample, stats), sample, groups, "group")
    return _whole_then_groups(whole, own, parts, n_groups, by)

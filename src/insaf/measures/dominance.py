"""Poverty dominance of two distributions: incidence and deficit curves, their
difference with a pointwise confidence band over a range of lines, and the verdict.

For a distribution ``F`` of ``y`` and a line ``z`` (Duclos and Araar 2006, ch. 8):

- order 1, the *poverty incidence curve* ``D1(z) = F(z) = (1/N) sum w 1(y <= z)``
  (the headcount at line ``z``);
- order 2, the *poverty deficit curve* ``D2(z) = integral_0^z F = (1/N) sum w (z - y)_+``
  (the FGT1 index times ``z``: the average shortfall in money).

``A`` dominates ``B`` at order ``s`` over ``[z-, z+]`` when ``D_s^A(z) < D_s^B(z)``
at every ``z`` in the range: every poverty index of order ``s`` (the headcount
for ``s = 1``; every index that is decreasing and convex in income, the
poverty gap included, for ``s = 2``) is lower in ``A`` for every line there.
The curves are estimated on a grid of lines; each is a mean of a per-unit
variable, so its influence values are ``(h_i - D)/N`` and its standard error is
R ``svymean``'s of ``1(y <= z)`` or ``(z - y)_+``. The difference ``D^A - D^B``:

- ``versus=`` (two variables of the same units, before and after a reform):
  the joint influence values of the two estimates (or their replicates), so the
  covariance of the paired estimates is in the standard error;
- ``between=`` (two groups of one survey): the same, across the groups' PSUs
  (R ``svyby(..., covmat=TRUE)`` then ``svycontrast``);
- ``other=`` (an independent sample: another year, another country):
  ``var = var_A + var_B``.

The verdict reads the two-sided pointwise band at ``confidence``: the band
below zero at every line: ``dominates``; above zero at every line:
``dominated``; significantly below at some lines and significantly above at
others: ``cross``; anything else: ``not_significant``. "Dominates" so requires
every one of the one-sided tests of ``D^A(z) < D^B(z)`` at level
``(1 - confidence)/2`` to reject: the intersection-union test of Davidson and
Duclos (2013), which controls the level of the whole verdict without a
multiple-comparison correction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Unpack

import numpy as np
import polars as pl

from insaf.errors import InsafError, said
from insaf.measures._engine import Cols, KernelOut, Statistic, run
from insaf.measures._kernels.poverty import check_below
from insaf.measures._sample import prepare
from insaf.measures.compare import difference
from insaf.measures.equity import same_group
from insaf.measures.estimate import Estimate, Estimates, critical
from insaf.measures.types import Below, Inference, estimation_keywords
from insaf.measures.variance import FloatArray
from insaf.survey.survey import Survey

__all__ = [
    "CurvePoint",
    "Dominance",
    "Order",
    "Sampling",
    "Verdict",
    "dominance",
    "lines_between",
]

Order = Literal[1, 2]
Verdict = Literal["dominates", "dominated", "cross", "not_significant"]
Sampling = Literal["paired", "groups", "independent"]
CURVES: Mapping[int, str] = {1: "poverty_incidence", 2: "poverty_deficit"}


@dataclass(frozen=True, kw_only=True)
class CurvePoint:
    """The two curves and their difference ``first - second`` at one line."""

    line: float
    first: Estimate
    second: Estimate
    difference: Estimate


@dataclass(frozen=True, kw_only=True)
class Dominance:
    """Two curves of order ``order`` over a grid of lines, their difference
    (``first - second``) and the verdict at ``confidence``."""

    order: int
    labels: tuple[str, str]
    sampling: Sampling
    confidence: float
    below: Below
    points: tuple[CurvePoint, ...]

    @property
    def curve(self) -> str:
        return CURVES[self.order]

    def signs(self) -> tuple[int, ...]:
        """Per line: -1 when the band of the difference is below zero, +1 above, 0 else."""
        out = []
        for p in self.points:
            low, high = p.difference.ci(self.confidence)
            out.append(-1 if high < 0 else 1 if low > 0 else 0)
        return tuple(out)

    @property
    def verdict(self) -> Verdict:
        """``dominates`` (the first has less poverty at every line of the range,
        significantly), ``dominated``, ``cross`` or ``not_significant``."""
        signs = self.signs()
        if all(s < 0 for s in signs):
            return "dominates"
        if all(s > 0 for s in signs):
            return "dominated"
        if -1 in signs and 1 in signs:
            return "cross"
        return "not_significant"

    @property
    def crossings(self) -> tuple[float, ...]:
        """Lines where the estimated curves cross: where the difference changes sign
        between two grid lines (linear interpolation), or is 0 with non-zero
        differences on both sides of opposite signs."""
        out: list[float] = []
        last: tuple[float, float] | None = None
        for p in self.points:
            d = p.difference.value
            if d == 0 or math.isnan(d):
                continue
            if last is not None and (last[1] < 0) != (d < 0):
                z0, d0 = last
                out.append(z0 + (p.line - z0) * d0 / (d0 - d))
            last = (p.line, d)
        return tuple(out)

    def table(self) -> pl.DataFrame:
        """One row per line: both curves, the difference, its band and its sign."""
        rows: dict[str, list[Any]] = {
            k: []
            for k in (
                "line",
                "first",
                "first_se",
                "second",
                "second_se",
                "difference",
                "se",
                "ci_low",
                "ci_high",
                "sign",
            )
        }
        for p, sign in zip(self.points, self.signs(), strict=True):
            low, high = p.difference.ci(self.confidence)
            values = (
                p.line,
                p.first.value,
                p.first.se,
                p.second.value,
                p.second.se,
                p.difference.value,
                p.difference.se,
                low,
                high,
            )
            for key, value in zip(rows, values, strict=False):
                rows[key].append(value)
            rows["sign"].append(sign)
        schema: dict[str, Any] = dict.fromkeys(rows, pl.Float64)
        schema["sign"] = pl.Int64
        return pl.DataFrame(rows, schema=schema)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: the curve, the two distributions, the verdict, the points."""
        return {
            "curve": self.curve,
            "order": self.order,
            "first": self.labels[0],
            "second": self.labels[1],
            "sampling": self.sampling,
            "below": self.below,
            "confidence": self.confidence,
            "verdict": self.verdict,
            "crossings": list(self.crossings),
            "points": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                for row in self.table().to_dicts()
            ],
        }


def lines_between(low: float, high: float, points: int) -> tuple[float, ...]:
    """``points`` equally spaced lines from ``low`` to ``high`` (both included)."""
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise InsafError(
            said(
                "the range of lines must go up: from {low} to {high}",
                low=low,
                high=high,
            )
        )
    if points < 2:
        raise InsafError(
            said(
                "a range of lines needs at least 2 points, not {points}",
                points=points,
            )
        )
    return tuple(float(z) for z in np.linspace(low, high, points))


def _checked(lines: Sequence[float]) -> tuple[float, ...]:
    out = tuple(float(z) for z in lines)
    if not out:
        raise InsafError(said("dominance needs at least one poverty line"))
    if not all(math.isfinite(z) for z in out):
        raise InsafError(
            said(
                "poverty lines must be finite numbers, not {lines}",
                lines=list(out),
            )
        )
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise InsafError(
            said(
                "poverty lines must be given in increasing order: {lines}",
                lines=list(out),
            )
        )
    return out


def _curve(role: str, line: float, order: int, below: Below) -> Statistic:
    """``(1/N) sum w h`` with ``h = 1(y <= z)`` (order 1) or ``(z - y)_+`` (order 2);
    influence ``(h - D)/N``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols[role]
        h: FloatArray
        if order == 1:
            h = ((y <= line) if below == "<=" else (y < line)).astype(np.float64)
        else:
            h = np.maximum(line - y, 0.0)
        total = float(np.einsum("i->", w))
        value = float(np.einsum("i,i->", w, h)) / total
        z: FloatArray | None = (h - value) / total if influence else None
        return value, z, 0.0

    return Statistic(name=f"{CURVES[order]}[{line:g}]", kernel=kernel)


def _curves(
    survey: Survey,
    variables: Mapping[str, str],
    lines: tuple[float, ...],
    order: int,
    below: Below,
    by: str | None,
    design: Inference,
) -> Estimates:
    sample = prepare(survey, dict(variables), by=by, sort=None, **design)
    stats = [
        replace(_curve(role, z, order, below), variable=name)
        for role, name in variables.items()
        for z in lines
    ]
    return run(sample, stats)


def _independent(a: Estimate, b: Estimate) -> Estimate:
    """``a - b`` of two independent samples: ``var = var_a + var_b``."""
    method = f"{a.method} + {b.method}" if a.method != b.method else a.method
    return Estimate(
        measure=f"difference({a.measure}, {b.measure})",
        value=a.value - b.value,
        se=math.sqrt(a.se**2 + b.se**2),
        n=a.n + b.n,
        population=a.population + b.population,
        variable=a.variable if a.variable == b.variable else None,
        method=method,
    )


@estimation_keywords()
def dominance(
    survey: Survey,
    variable: str,
    *,
    lines: Sequence[float],
    order: Order = 1,
    versus: str | None = None,
    between: tuple[str, Any, Any] | None = None,
    other: Survey | None = None,
    other_variable: str | None = None,
    below: Below = "<=",
    confidence: float = 0.95,
    **inference: Unpack[Inference],
) -> Dominance:
    """Curves of order ``order`` (1: poverty incidence, 2: poverty deficit) of two
    distributions at each of ``lines``, their difference ``first - second`` with
    its standard error, and the verdict over the range at ``confidence``.

    The two distributions are, with exactly one of:

    - ``versus``: ``variable`` and ``versus`` on the same units (after and before
      a reform; paired, their covariance counted);
    - ``between=(column, a, b)``: ``variable`` in group ``a`` and group ``b`` of
      one survey (covariance through shared PSUs counted);
    - ``other``: ``variable`` in ``survey`` and ``other_variable`` (by default the
      same name) in the independent sample ``other``.

    ``below`` says whether a unit exactly at the line counts at order 1 (``"<="``,
    the distribution function, as DASP; or ``"<"``).
    """
    if order not in (1, 2):
        raise InsafError(
            said(
                "dominance order must be 1 (incidence) or 2 (deficit), not {order}",
                order=order,
            )
        )
    check_below(below)
    critical(confidence, None)  # checks the level
    chosen = [
        name
        for name, v in (("versus", versus), ("between", between), ("other", other))
        if v is not None
    ]
    if len(chosen) != 1:
        got = said("; got {options}", options=", ".join(chosen)) if chosen else ""
        raise InsafError(
            said(
                "dominance compares two distributions: give exactly one of versus= (another "
                "variable of the same units), between= (two groups) or other= (another "
                "survey){got}",
                got=got,
            )
        )
    if other_variable is not None and other is None:
        raise InsafError(
            said(
                "other_variable= names the variable of other=, which is not given",
            )
        )
    grid = _checked(lines)
    k = len(grid)
    sampling: Sampling
    if versus is not None:
        found = list(
            _curves(survey, {"a": variable, "b": versus}, grid, order, below, None, inference)
        )
        first, second = found[:k], found[k:]
        labels, sampling = (variable, versus), "paired"
    elif between is not None:
        column, a, b = between
        found = list(_curves(survey, {"y": variable}, grid, order, below, column, inference))
        values = sorted({str((e.domain or {}).get(column)) for e in found})
        picked = []
        for wanted in (a, b):
            side = [e for e in found if same_group((e.domain or {}).get(column), wanted)]
            if not side:
                raise InsafError(
                    said(
                        "no group {column} = {wanted} in the survey; values found: {values}",
                        column=column,
                        wanted=repr(wanted),
                        values=", ".join(values),
                    )
                )
            picked.append(side)
        first, second = picked
        labels = (f"{column}={a}", f"{column}={b}")
        sampling = "groups"
    else:
        assert other is not None
        found_a = list(_curves(survey, {"y": variable}, grid, order, below, None, inference))
        second_name = other_variable or variable
        found_b = list(_curves(other, {"y": second_name}, grid, order, below, None, inference))
        first, second = found_a, found_b
        labels = (_name(survey, variable), _name(other, second_name))
        sampling = "independent"
    points = []
    for z, ea, eb in zip(grid, first, second, strict=True):
        diff = _independent(ea, eb) if sampling == "independent" else difference(ea, eb)
        points.append(CurvePoint(line=z, first=ea, second=eb, difference=diff))
    return Dominance(
        order=order,
        labels=labels,
        sampling=sampling,
        confidence=confidence,
        below=below,
        points=tuple(points),
    )


def _name(survey: Survey, variable: str) -> str:
    """The variable and where it comes from (its file and folder)."""
    if survey.path is None:
        return variable
    path = Path(survey.path)
    return f"{variable} ({path.parent.name}/{path.name})"

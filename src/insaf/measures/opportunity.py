"""The Human Opportunity Index (Barros, Ferreira, Molinas and Saavedra 2009).

For an access indicator ``y`` (0/1, for example a child attending school) and
circumstances ``x`` (sex, area, parents' education, ...), with weights ``w``:

1. a weighted logistic regression ``logit P(y = 1) = x'b`` (with an
   intercept), fitted by iteratively reweighted least squares; predicted
   probabilities ``p_i``;
2. coverage ``p = sum w p_i / N`` (equal to the weighted mean of ``y``: the
   logistic score equations with an intercept make the two agree);
3. dissimilarity ``D = sum w |p_i - p| / (2 N p)``;
4. ``HOI = p (1 - D)``.

Standard errors by linearization: with ``J = sum w p(1-p) x x'``, the
coefficients' influence is ``z_k(b) = J^-1 x_k (y_k - p_k)`` (what R's
``svyglm`` uses for its sandwich variance), and, for ``S = sum w |p_i - p|``
and ``s_i = sign(p_i - p)``:

- ``z_k(p) = (p_k - p)/N + a' z_k(b) / N``,  ``a = sum w p(1-p) x``
- ``z_k(S) = |p_k - p| - (sum w s) z_k(p) + c' z_k(b)``,  ``c = sum w s p(1-p) x``
- ``z_k(D) = z_k(S) / (2 N p) - D (1/N + z_k(p)/p)``
- ``z_k(HOI) = (1 - D) z_k(p) - p z_k(D)``

(``|.|`` is not differentiable where ``p_i = p``, a set of measure zero for
continuous circumstances; with replicate weights each replicate refits the
model instead.) Units with the same circumstances share ``x``, hence ``p``, so
a replicate's fit and its ``p``, ``D`` and HOI need only the replicate's
weighted counts and accesses per distinct ``x`` (``Sample.replicate_totals``):
each replicate is refitted on those few rows, with the same iterations,
tolerance and checks as the full sample. Categorical circumstances enter as indicators of each level
but the first (the lowest code, or the first in sort order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Unpack

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, said
from insaf.measures._engine import Cols, Kernel, KernelOut, ReplicateTotals, Statistic, run
from insaf.measures._sample import prepare, with_columns
from insaf.measures.estimate import Estimates
from insaf.measures.types import Estimation, estimation_keywords
from insaf.measures.variance import FloatArray, IntArray
from insaf.survey.survey import Level, Survey

__all__ = ["access_model", "hoi"]

_MAX_ITER = 100
_TOL = 1e-12


class _Fits:
    """The last fit, shared by the statistics of one estimation: the three HOI
    statistics (and the coefficients) of a domain and replicate need one fit,
    and each replicate starts from the previous solution. A fit is reused only
    for exactly the same rows and weights (compared in full)."""

    def __init__(self) -> None:
        self.key: tuple[FloatArray, FloatArray, FloatArray] | None = None
        self.result: tuple[FloatArray, FloatArray, FloatArray] | None = None
        self.start: FloatArray | None = None
        self.replicates: tuple[Cols, _ReplicateFits] | None = None

    def replicated(
        self, cols: Cols, names: Sequence[str], totals: ReplicateTotals
    ) -> _ReplicateFits:
        """Every replicate's fit on the domain ``cols`` (kept for its other statistics)."""
        if self.replicates is not None and self.replicates[0] is cols:
            return self.replicates[1]
        x = _design(cols, names)
        patterns, codes = _distinct_rows(x)
        counts = totals(codes, patterns.shape[0], (np.ones(x.shape[0]), cols["y"]))
        betas = _fit_counts(patterns, counts[:, :, 0], counts[:, :, 1], self.start)
        p = 1.0 / (1.0 + np.exp(-(betas @ patterns.T)))
        fits = _ReplicateFits(weight=counts[:, :, 0], beta=betas, p=p)
        self.replicates = (cols, fits)
        return fits

    def fit(
        self, x: FloatArray, y: FloatArray, w: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        if self.key is not None and self.result is not None:
            kx, ky, kw = self.key
            if (
                kw.shape == w.shape
                and kx.shape == x.shape
                and np.array_equal(kw, w)
                and np.array_equal(ky, y)
                and np.array_equal(kx, x)
            ):
                return self.result
        start = self.start if self.start is not None and self.start.shape[0] == x.shape[1] else None
        self.result = _fit(x, y, w, start)
        self.key = (x.copy(), y.copy(), w.copy())
        self.start = self.result[0]
        return self.result


def _distinct_rows(x: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct rows of ``x`` and each row's number among them (a key per row
    made column by column, then one sort of integers)."""
    key = np.zeros(x.shape[0], dtype=np.int64)
    for column in x.T:  # loop over the few columns
        values, code = np.unique(column, return_inverse=True)
        if (int(key.max(initial=0)) + 1) * values.size >= 2**62:
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
        key = key * np.int64(values.size) + code.reshape(-1)
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    return x[first], codes.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class _ReplicateFits:
    """Each replicate's fit over the distinct ``x`` of a domain: the replicate's
    weighted count of units with each ``x`` (``R x U``), coefficients, ``p``."""

    weight: FloatArray
    beta: FloatArray
    p: FloatArray


def _fit_counts(
    x: FloatArray, w: FloatArray, wy: FloatArray, start: FloatArray | None
) -> FloatArray:
    """``_newton``'s coefficients for every replicate at once (``R x k``), from each
    replicate's weighted units ``w`` and weighted units with access ``wy`` per
    row of distinct ``x`` (``R x U``): the score ``sum w (y - p) x`` is
    ``sum (wy - w p) x``. Each replicate iterates until its own step is within
    the tolerance, as ``_newton`` does; steps are least-squares solutions as
    ``np.linalg.lstsq`` gives them (SVD, the same cut-off)."""
    n_rep, k = w.shape[0], x.shape[1]
    beta = np.zeros((n_rep, k)) if start is None else np.repeat(start[None, :], n_rep, axis=0)
    outer = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], k * k)  # x x' of each row
    active = np.arange(n_rep)
    for _ in range(_MAX_ITER):
        b, wa = beta[active], w[active]
        p = 1.0 / (1.0 + np.exp(-(b @ x.T)))
        info = ((wa * p * (1.0 - p)) @ outer).reshape(-1, k, k)
        score = (wy[active] - wa * p) @ x
        u, sv, vt = np.linalg.svd(info)
        cut = np.finfo(np.float64).eps * k * sv[:, :1]
        inverse = np.where(sv > cut, 1.0 / np.where(sv > cut, sv, 1.0), 0.0)
        projected = np.matmul(u.transpose(0, 2, 1), score[:, :, None])[:, :, 0] * inverse
        step = np.matmul(vt.transpose(0, 2, 1), projected[:, :, None])[:, :, 0]
        b = b + step
        beta[active] = b
        small = np.max(np.abs(step), axis=1) <= _TOL * (1.0 + np.max(np.abs(b), axis=1))
        active = active[~small]
        if active.size == 0:
            break
    else:
        _not_converged()
    _separated(beta)
    return beta


def _newton(
    x: FloatArray,
    w: FloatArray,
    residual: Callable[[FloatArray], FloatArray],
    start: FloatArray | None,
) -> FloatArray:
    """Newton–Raphson for the weighted logistic score ``x' residual(p) = 0``."""
    beta = np.zeros(x.shape[1]) if start is None else start.copy()
    for _ in range(_MAX_ITER):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        q = w * p * (1.0 - p)
        info = (x * q[:, None]).T @ x
        step = np.linalg.lstsq(info, x.T @ residual(p), rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) <= _TOL * (1.0 + np.max(np.abs(beta))):
            break
    else:
        _not_converged()
    _separated(beta)
    return beta


def _not_converged() -> None:
    raise DataError(
        said(
            "the logistic regression of access on circumstances did not converge "
            "(a circumstance predicts access perfectly, or access never varies)",
        )
    )


def _separated(beta: FloatArray) -> None:
    if np.max(np.abs(beta)) > 30:
        raise DataError(
            said(
                "the logistic regression separates access perfectly (a coefficient "
                "beyond 30): drop or merge the circumstance that predicts access "
                "without error",
            )
        )


def _fit(
    x: FloatArray, y: FloatArray, w: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted logistic regression by Newton–Raphson (IRLS): ``(b, p, J^-1)``."""
    beta = _newton(x, w, lambda p: w * (y - p), start)
    p = 1.0 / (1.0 + np.exp(-(x @ beta)))
    q = w * p * (1.0 - p)
    j_inv: FloatArray = np.linalg.pinv((x * q[:, None]).T @ x).astype(np.float64)
    return beta, p, j_inv


def _design(cols: Cols, names: Sequence[str]) -> FloatArray:
    y = cols["y"]
    return np.column_stack([np.ones_like(y), *(cols[n] for n in names)])


def _hoi_values(w: FloatArray, p: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Coverage, ``D`` and HOI from weights and probabilities (last axis: units),
    one per leading row."""
    n_pop = w.sum(axis=-1)
    cover = np.einsum("...i,...i->...", w, p) / n_pop
    spread = np.einsum("...i,...i->...", w, np.abs(p - cover[..., None]))
    d = spread / (2.0 * n_pop * cover)
    return cover, d, cover * (1.0 - d)


class _Hoi:
    """The kernel of one HOI statistic (``coverage``, ``D`` or ``hoi``)."""

    def __init__(self, which: str, names: Sequence[str], fits: _Fits) -> None:
        self.which, self.names, self.shared = which, names, fits

    def __call__(self, cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        which, shared = self.which, self.shared
        y = cols["y"]
        x = _design(cols, self.names)
        _, p, j_inv = shared.fit(x, y, w)
        n_pop = float(w.sum())
        cover = float(np.dot(w, p)) / n_pop
        dev = p - cover
        s = np.sign(dev)
        big_s = float(np.dot(w, np.abs(dev)))
        d = big_s / (2.0 * n_pop * cover)
        index = cover * (1.0 - d)
        value = {"coverage": cover, "D": d, "hoi": index}[which]
        if not influence:
            return value, None, 0.0
        z_b = (x * (y - p)[:, None]) @ j_inv  # row k: J^-1 x_k (y_k - p_k)
        q = w * p * (1.0 - p)
        z_cover = dev / n_pop + z_b @ (x.T @ q) / n_pop
        z_s = np.abs(dev) - float(np.dot(w, s)) * z_cover + z_b @ (x.T @ (q * s))
        z_d = z_s / (2.0 * n_pop * cover) - d * (1.0 / n_pop + z_cover / cover)
        z = {"coverage": z_cover, "D": z_d, "hoi": (1.0 - d) * z_cover - cover * z_d}[which]
        return value, z, 0.0

    def replicated(self, cols: Cols, totals: ReplicateTotals) -> FloatArray:
        fits = self.shared.replicated(cols, self.names, totals)
        values = _hoi_values(fits.weight, fits.p)
        out: FloatArray = values[("coverage", "D", "hoi").index(self.which)]
        return out


def _hoi_kernel(which: str, names: Sequence[str], fits: _Fits | None = None) -> Kernel:
    return _Hoi(which, names, fits or _Fits())


class _Coefficient:
    """The kernel of one coefficient of the access model."""

    def __init__(self, j: int, names: Sequence[str], fits: _Fits) -> None:
        self.j, self.names, self.shared = j, names, fits

    def __call__(self, cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        x = _design(cols, self.names)
        beta, p, j_inv = self.shared.fit(x, y, w)
        if not influence:
            return float(beta[self.j]), None, 0.0
        return float(beta[self.j]), (x * (y - p)[:, None]) @ j_inv[:, self.j], 0.0

    def replicated(self, cols: Cols, totals: ReplicateTotals) -> FloatArray:
        out: FloatArray = self.shared.replicated(cols, self.names, totals).beta[:, self.j]
        return out


def _coef_kernel(j: int, names: Sequence[str], fits: _Fits | None = None) -> Kernel:
    return _Coefficient(j, names, fits or _Fits())


def _prepared(
    survey: Survey,
    variable: str,
    circumstances: Sequence[str],
    categorical: Sequence[str],
    among: str | None,
    level: Level | str | None,
) -> tuple[Survey, dict[str, str], list[str]]:
    """The survey with indicator columns for categorical circumstances; roles; term names."""
    unknown = [c for c in categorical if c not in circumstances]
    if unknown:
        raise InsafError(
            said(
                "categorical {unknown} must also be listed among the circumstances",
                unknown=unknown,
            )
        )
    if not circumstances:
        raise InsafError(said("the HOI needs at least one circumstance"))
    frame = survey.frame(
        [*categorical, *(pl.sql_expr(among).meta.root_names() if among else [])], unit=level
    )
    eligible = (
        frame.select(pl.sql_expr(among).fill_null(False)).to_series()
        if among is not None
        else pl.Series([True] * frame.height)
    )
    added: dict[str, pl.Series] = {}
    variables = {"y": variable}
    terms: list[str] = []
    for i, c in enumerate(circumstances):
        if c not in categorical:
            variables[f"x{i}"] = c
            terms.append(c)
            continue
        column = frame.get_column(c)
        levels = sorted(column.filter(eligible).drop_nulls().unique().to_list())
        for value in levels[1:]:
            name = f"{c}={value}"
            role = f"x{i}:{value}"
            added["__hoi_" + role] = (column == value).fill_null(False).cast(pl.Float64)
            variables[role] = "__hoi_" + role
            terms.append(name)
    if added:
        survey = with_columns(survey, level, pl.DataFrame(added))
    return survey, variables, terms


def _estimate(
    survey: Survey,
    variable: str,
    circumstances: Sequence[str],
    categorical: Sequence[str],
    among: str | None,
    stats_of: str,
    estimation: Estimation,
) -> Estimates:
    derived, variables, terms = _prepared(
        survey, variable, circumstances, categorical, among, estimation["unit"]
    )
    sample = prepare(derived, variables, sort=None, among=among, **estimation)
    y = sample.cols["y"]
    if not np.all((y == 0) | (y == 1)):
        raise DataError(
            said(
                "access indicator {variable} must be 0/1 (or boolean)",
                variable=repr(variable),
            )
        )
    roles = [r for r in variables if r != "y"]
    fits = _Fits()
    if stats_of == "hoi":
        stats = [
            Statistic(name=name, kernel=_hoi_kernel(which, roles, fits), variable=variable)
            for name, which in (("hoi.coverage", "coverage"), ("hoi.D", "D"), ("hoi", "hoi"))
        ]
    else:
        stats = [
            Statistic(name=f"logit[{term}]", kernel=_coef_kernel(j, roles, fits), variable=variable)
            for j, term in enumerate(["(Intercept)", *terms])
        ]
    return run(sample, stats)


@estimation_keywords()
def hoi(
    survey: Survey,
    variable: str,
    *,
    circumstances: Sequence[str],
    categorical: Sequence[str] = (),
    among: str | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Human Opportunity Index of access indicator ``variable`` (0/1) given
    ``circumstances``: per domain ``hoi.coverage`` (p), ``hoi.D`` (dissimilarity)
    and ``hoi`` (``p (1 - D)``), with linearized or replicate SEs.

    ``among`` restricts the population (for example ``"age >= 6 AND age <= 14"``)
    as a domain: units outside keep their place in the design. With ``by=``
    the model is fitted in each domain separately.
    """
    return _estimate(survey, variable, circumstances, categorical, among, "hoi", estimation)


@estimation_keywords()
def access_model(
    survey: Survey,
    variable: str,
    *,
    circumstances: Sequence[str],
    categorical: Sequence[str] = (),
    among: str | None = None,
    **estimation: Unpack[Estimation],
) -> Estimates:
    """Coefficients ``logit[term]`` of the HOI's weighted logistic regression, with
    design-based SEs (R ``svyglm(family=quasibinomial)``'s sandwich variance)."""
    return _estimate(survey, variable, circumstances, categorical, among, "coef", estimation)

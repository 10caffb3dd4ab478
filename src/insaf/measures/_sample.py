"""From a ``Survey`` to the arrays an estimator needs, checked, sorted once.

Rows are put in the order (domain, sort variable, original row), so each
domain is a contiguous slice sorted by the analysis variable: rank-based
estimators then need no further sort, and the replicate loop reuses the order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf.errors import DataError, DesignError, Location
from insaf.measures.variance import (
    DesignArrays,
    FloatArray,
    IntArray,
    ReplicateSpec,
    bootstrap_factors,
    jackknife_factors,
    subbootstrap_factors,
)
from insaf.survey.design import ReplicateMethod, Replicates
from insaf.survey.survey import Level, Survey

__all__ = [
    "GROUP",
    "NonPositive",
    "Sample",
    "VarianceMethod",
    "prepare",
    "with_columns",
    "with_groups",
]

VarianceMethod = Literal[
    "auto", "linearization", "replicates", "jackknife", "bootstrap", "subbootstrap"
]
NonPositive = Literal["error", "exclude"]


@dataclass(frozen=True, eq=False, kw_only=True)
class Sample:
    """Arrays for one estimation, rows grouped by domain and sorted within it.

    ``bounds[d]:bounds[d+1]`` is domain ``d``. ``whole`` orders all rows by the
    sort variable (for statistics of the whole population such as a relative
    poverty threshold). Replicate weights are either PSU factors ``(P, R)`` or
    unit weights ``(n, R)``.
    """

    cols: Mapping[str, FloatArray]
    names: Mapping[str, str]
    w: FloatArray
    psu: IntArray
    design: DesignArrays
    bounds: IntArray
    domains: tuple[Mapping[str, Any] | None, ...]
    by: tuple[str, ...]
    whole: IntArray
    method: str
    factors: FloatArray | None = None
    unit_replicates: FloatArray | None = None
    spec: ReplicateSpec | None = None
    replicate_key: str = ""

    @property
    def n_domains(self) -> int:
        return int(self.bounds.shape[0] - 1)

    def slice(self, d: int) -> slice:
        return slice(int(self.bounds[d]), int(self.bounds[d + 1]))

    def replicate_weights(self, r: int) -> FloatArray:
        """Weights of every row in replicate ``r``."""
        if self.factors is not None:
            weights: FloatArray = self.w * self.factors[self.psu, r]
            return weights
        assert self.unit_replicates is not None
        return np.ascontiguousarray(self.unit_replicates[:, r])


def _numeric(
    frame: pl.DataFrame,
    column: str,
    where: Location,
    role: str,
    inside: np.ndarray[Any, np.dtype[np.bool_]] | None = None,
) -> FloatArray:
    """The column as floats; missing values are an error (only ``inside``, if given,
    where the rest are set to 0: those rows are left out of every domain)."""
    series = frame.get_column(column)
    if series.dtype == pl.Boolean:
        series = series.cast(pl.Float64)
    if not series.dtype.is_numeric():
        raise DataError(f"{role} column {column!r} is not numeric ({series.dtype})", where)
    if inside is not None:
        series = series.cast(pl.Float64).zip_with(
            pl.Series(inside), pl.zeros(len(series), eager=True)
        )
    nulls = series.null_count()
    values = series.cast(pl.Float64).to_numpy()
    nans = int(np.isnan(values).sum()) - nulls
    if nulls or nans:
        raise DataError(
            f"{role} column {column!r} has {nulls + nans} missing value(s) "
            f"({nulls} null, {nans} NaN) among {len(values)} rows; INSAF does not drop them "
            "silently: filter or impute them first",
            where,
        )
    if np.any(np.isinf(values)):
        raise DataError(
            f"{role} column {column!r} has {int(np.isinf(values).sum())} infinite value(s)",
            where,
        )
    return np.ascontiguousarray(values, dtype=np.float64)


def _labels(frame: pl.DataFrame, column: str, where: Location, role: str) -> Any:
    series = frame.get_column(column)
    if series.null_count():
        raise DataError(
            f"{role} column {column!r} has {series.null_count()} missing value(s)", where
        )
    return series.to_numpy()


def _supplied_spec(rep: Replicates) -> ReplicateSpec:
    n_rep = len(rep.columns)
    method = ReplicateMethod(rep.method)
    rscales = np.asarray(rep.rscales, dtype=np.float64) if rep.rscales else np.ones(n_rep)
    scale = rep.scale
    if scale is None:
        if method is ReplicateMethod.BRR:
            scale = 1.0 / n_rep
        elif method is ReplicateMethod.FAY:
            if rep.rho is None:
                raise DesignError("Fay replicate weights need rho")
            scale = 1.0 / (n_rep * (1.0 - rep.rho) ** 2)
        elif method is ReplicateMethod.BOOTSTRAP:
            scale = 1.0 / (n_rep - 1)
        elif method is ReplicateMethod.JK1:
            scale = (n_rep - 1) / n_rep
        elif method is ReplicateMethod.SDR:
            scale = 4.0 / n_rep
        elif method is ReplicateMethod.JKN:
            if rep.rscales is None:
                raise DesignError(
                    "JKn replicate weights need rscales ((n_h - 1)/n_h per replicate)"
                )
            scale = 1.0
        else:
            raise DesignError(f"replicate method {method.value!r} needs an explicit scale")
    return ReplicateSpec(method=method, scale=float(scale), rscales=rscales, mse=rep.mse)


def prepare(
    survey: Survey,
    variables: Mapping[str, str],
    *,
    by: str | Sequence[str] | None,
    level: Level | str | None,
    variance: VarianceMethod,
    replicates: int,
    seed: int,
    sort: str | None = "y",
    positive: Sequence[str] = (),
    nonpositive: NonPositive = "error",
    among: str | None = None,
) -> Sample:
    """Check and arrange the data for ``variables`` (role -> column).

    ``positive`` lists roles that must be > 0 (log-based measures): a
    ``DataError`` names the column and the count, unless ``nonpositive`` is
    ``"exclude"``, which leaves those units out of every domain (they keep
    their place in the design, as in domain estimation). ``among`` (a Polars
    SQL expression, for example ``"age >= 6 AND age <= 14"``) restricts every
    domain to the units for which it is true, in the same way; the analysis
    variables may be missing outside it.
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    design = survey.design
    where = Location(file=survey.path)
    among_cols: list[str] = []
    if among is not None:
        try:
            among_cols = pl.sql_expr(among).meta.root_names()
        except Exception as exc:  # polars raises several types for a bad expression
            raise DataError(f"among: not a valid SQL expression: {exc}", where) from None
    frame = survey.frame(
        list(dict.fromkeys([*variables.values(), *by_cols, *among_cols])), level=level
    )
    inside: np.ndarray[Any, np.dtype[np.bool_]] | None = None
    if among is not None:
        try:
            chosen = frame.select(pl.sql_expr(among).fill_null(False).alias("a")).get_column("a")
        except pl.exceptions.PolarsError as exc:
            raise DataError(f"among {among!r}: {exc}", where) from None
        if chosen.dtype != pl.Boolean:
            raise DataError(f"among {among!r} is not a true/false condition", where)
        inside = chosen.to_numpy().astype(bool)
    cols = {
        role: _numeric(frame, name, Location(file=survey.path, column=name), role, inside)
        for role, name in variables.items()
    }
    w = _numeric(frame, design.weight, Location(file=survey.path, column=design.weight), "weight")
    if np.any(w < 0):
        raise DataError(
            f"weight column {design.weight!r} has {int((w < 0).sum())} negative value(s)",
            Location(file=survey.path, column=design.weight),
        )
    n = frame.height
    if n == 0:
        raise DataError("the survey has no rows at this level", where)
    strata = _labels(frame, design.strata, where, "strata") if design.strata else None
    psu = _labels(frame, design.psu, where, "PSU") if design.psu else None
    fpc = _numeric(frame, design.fpc, where, "fpc") if design.fpc else None
    arrays = DesignArrays.build(n=n, strata=strata, psu=psu, fpc=fpc, lonely=design.lonely_psu)

    method = variance
    if method == "auto":
        method = "replicates" if design.replicates is not None else "linearization"
    unit_reps: FloatArray | None = None
    factors: FloatArray | None = None
    spec: ReplicateSpec | None = None
    key = ""
    if method == "replicates":
        if design.replicates is None:
            raise DesignError("the design has no replicate weights; use linearization")
        reps = design.replicates
        unit_reps = np.column_stack(
            [
                _numeric(frame, c, Location(file=survey.path, column=c), "replicate weight")
                for c in reps.columns
            ]
        )
        spec = _supplied_spec(reps)
        key = arrays.key + "|" + ",".join(reps.columns)
    elif method == "jackknife":
        factors, spec = jackknife_factors(arrays)
        key = arrays.key + "|jkn"
    elif method == "bootstrap":
        factors, spec = bootstrap_factors(arrays, replicates=replicates, seed=seed)
        key = f"{arrays.key}|bootstrap|{replicates}|{seed}"
    elif method == "subbootstrap":
        factors, spec = subbootstrap_factors(arrays, replicates=replicates, seed=seed)
        key = f"{arrays.key}|subbootstrap|{replicates}|{seed}"
    elif method != "linearization":
        raise DesignError(f"unknown variance method {method!r}")

    keep: np.ndarray[Any, np.dtype[np.bool_]] | None = None
    for role in positive:
        bad = cols[role] <= 0
        if inside is not None:
            bad &= inside
        if np.any(bad):
            if nonpositive == "error":
                raise DataError(
                    f"column {variables[role]!r} has {int(bad.sum())} zero or negative value(s) "
                    f"among {n}; this measure needs positive values (nonpositive='exclude', "
                    "or --nonpositive exclude, leaves those units out)",
                    Location(file=survey.path, column=variables[role]),
                )
            keep = ~bad if keep is None else keep & ~bad
    if inside is not None:
        keep = inside if keep is None else keep & inside

    if by_cols:
        keys = frame.select(by_cols)
        for c in by_cols:
            _labels(frame, c, Location(file=survey.path, column=c), "by")
        uniq = keys.unique().sort(by_cols)
        codes = (
            keys.join(
                uniq.with_row_index("__domain"), on=by_cols, how="left", maintain_order="left"
            )
            .get_column("__domain")
            .to_numpy()
            .astype(np.int64)
        )
        domains: tuple[Mapping[str, Any] | None, ...] = tuple(uniq.iter_rows(named=True))
    else:
        codes = np.zeros(n, dtype=np.int64)
        domains = (None,)

    rows = np.arange(n) if keep is None else np.flatnonzero(keep)
    order = rows if sort is None else rows[np.argsort(cols[sort][rows], kind="stable")]
    by_domain = order[np.argsort(codes[order], kind="stable")]
    counts = np.bincount(codes[by_domain], minlength=len(domains))
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    position = np.empty(n, dtype=np.int64)
    position[by_domain] = np.arange(by_domain.size)
    whole = position[order]

    w_sorted = w[by_domain]
    for d, dom in enumerate(domains):
        sl = slice(int(bounds[d]), int(bounds[d + 1]))
        if counts[d] == 0 or not np.any(w_sorted[sl] > 0):
            label = "the population" if dom is None else f"domain {dict(dom)}"
            reason = "no units" if counts[d] == 0 else "only zero weights"
            raise DataError(f"{label} has {reason} left to estimate from", where)

    return Sample(
        cols={role: np.ascontiguousarray(a[by_domain]) for role, a in cols.items()},
        names=dict(variables),
        w=np.ascontiguousarray(w_sorted),
        psu=np.ascontiguousarray(arrays.psu[by_domain]),
        design=arrays,
        bounds=bounds,
        domains=domains,
        by=tuple(by_cols),
        whole=whole,
        method=method,
        factors=factors,
        unit_replicates=None if unit_reps is None else np.ascontiguousarray(unit_reps[by_domain]),
        spec=spec,
        replicate_key=key,
    )


def with_columns(survey: Survey, level: Level | str | None, added: pl.DataFrame) -> Survey:
    """``survey`` with ``added`` (one row per unit at ``level``, in table order) joined
    column-wise to the table at that level: derived variables for an estimator."""
    unit = Level(level) if level is not None else survey.default_level
    table = survey.table(unit)
    if added.height != table.height:
        raise DataError(f"{added.height} derived rows for {table.height} {unit.value} rows")
    new = replace(table, frame=table.frame.hstack(added))
    return survey.with_tables(**{"persons" if unit is Level.PERSON else "households": new})


GROUP = "__group"
"""Name of the derived column holding group codes (see ``with_groups``)."""


def with_groups(
    survey: Survey, by: Sequence[str], level: Level | str | None
) -> tuple[Survey, pl.DataFrame]:
    """``survey`` with a column ``__group``: the code 0..G-1 of each unit's group
    (combination of the ``by`` columns, in sorted order, as the domains of
    ``prepare``), and the groups themselves (one row per code)."""
    if not by:
        raise DataError("a decomposition needs at least one group column")
    keys = survey.frame(list(by), level=level).select(list(by))
    for c in by:
        _labels(keys, c, Location(file=survey.path, column=c), "group")
    groups = keys.unique().sort(list(by))
    codes = keys.join(
        groups.with_row_index(GROUP), on=list(by), how="left", maintain_order="left"
    ).get_column(GROUP)
    added = pl.DataFrame({GROUP: codes.cast(pl.Float64)})
    return with_columns(survey, level, added), groups

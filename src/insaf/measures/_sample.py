"""From a ``Survey`` to the arrays an estimator needs, checked, sorted once.

Rows are put in the order (domain, sort variable, original row), so each
domain is a contiguous slice sorted by the analysis variable: rank-based
estimators then need no further sort, and the replicate loop reuses the order.

What depends only on the survey's data is computed once per survey and kept
with it (``Survey.cached``: a survey is immutable, and a survey derived from
it starts with nothing kept). At each level: the checked weights and the
design's integer codes (``Base``), the replicate factors or weights of each
variance method (``Replication``), and the domain codes of each ``by``
(``Domains``). Kept arrays are read-only. Each estimate then reads, checks and
sorts only its analysis variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
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
    "Arrangement",
    "Base",
    "Domains",
    "NonPositive",
    "Replication",
    "Sample",
    "VarianceMethod",
    "arrange",
    "arrangement",
    "base",
    "domains",
    "excluded",
    "prepare",
    "replication",
    "sample",
    "unit_level",
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

    ``bounds[d]:bounds[d+1]`` is domain ``d``. ``rows`` is the unit (table row)
    of each sample row, ``order`` the units kept in the order of the sort
    variable, and ``whole`` the sample rows in that order (for statistics of the
    whole population such as a relative poverty threshold). Replicate weights
    are either PSU factors ``(P, R)`` or unit weights ``(n, R)``.
    """

    cols: Mapping[str, FloatArray]
    names: Mapping[str, str]
    w: FloatArray
    psu: IntArray
    design: DesignArrays
    bounds: IntArray
    domains: tuple[Mapping[str, Any] | None, ...]
    by: tuple[str, ...]
    rows: IntArray
    order: IntArray
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

    @cached_property
    def whole(self) -> IntArray:
        """Sample rows in the order of the sort variable, all domains together
        (computed when a whole-population threshold needs it)."""
        if self.rows is self.order:
            return np.arange(self.order.size, dtype=np.int64)
        position = np.empty(self.design.n_units, dtype=np.int64)
        position[self.rows] = np.arange(self.rows.size)
        whole: IntArray = position[self.order]
        return whole

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


_CACHE = "insaf.measures"
"""First element of every key this module uses in ``Survey.cached``."""

UIntArray = np.ndarray[Any, np.dtype[np.unsignedinteger[Any]]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def _read_only(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    array.flags.writeable = False
    return array


def unit_level(survey: Survey, level: Level | str | None) -> Level:
    """``level``, or the survey's default level when it is ``None``."""
    return Level(level) if level is not None else survey.default_level


# -- what depends only on the survey, kept with it -------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class Base:
    """The checked weights and the design's codes of every unit at one level, in
    table order."""

    w: FloatArray
    design: DesignArrays

    @property
    def n(self) -> int:
        return int(self.w.shape[0])


def base(survey: Survey, level: Level) -> Base:
    """Weights (numeric, no missing or negative value) and ``DesignArrays`` at
    ``level``; computed once per survey (an error is raised again on each call)."""
    return survey.cached((_CACHE, "base", level), lambda: _base(survey, level))


def _base(survey: Survey, level: Level) -> Base:
    design = survey.design
    where = Location(file=survey.path)
    frame = survey.frame(level=level)
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
    for part in (arrays.stratum, arrays.psu, arrays.psu_stratum, arrays.n_psu, arrays.fpc_factor):
        _read_only(part)
    return Base(w=_read_only(w), design=arrays)


@dataclass(frozen=True, eq=False, kw_only=True)
class Replication:
    """The variance method and, for replicate methods, PSU factors ``(P, R)`` or
    unit replicate weights ``(n, R)`` (table order), how they combine, and a key
    that says which replicates they are (estimates pair only on the same key)."""

    method: str
    factors: FloatArray | None = None
    unit_replicates: FloatArray | None = None
    spec: ReplicateSpec | None = None
    key: str = ""


def replication(
    survey: Survey, level: Level, base: Base, variance: VarianceMethod, replicates: int, seed: int
) -> Replication:
    """The variance method ``variance`` resolves to, with its replicates; created
    replicates are kept per (method, replicates, seed), supplied ones per level."""
    design = survey.design
    method: str = variance
    if method == "auto":
        method = "replicates" if design.replicates is not None else "linearization"
    if method == "linearization":
        return Replication(method=method)
    if method == "replicates":
        if design.replicates is None:
            raise DesignError("the design has no replicate weights; use linearization")
        return survey.cached(
            (_CACHE, "replicates", level), lambda: _supplied(survey, level, base.design)
        )
    if method not in ("jackknife", "bootstrap", "subbootstrap"):
        raise DesignError(f"unknown variance method {method!r}")
    arrays = base.design
    if method == "jackknife":
        key: tuple[Any, ...] = (_CACHE, method, level)
    else:
        key = (_CACHE, method, level, int(replicates), int(seed))

    def create() -> Replication:
        if method == "jackknife":
            factors, spec = jackknife_factors(arrays)
            tag = arrays.key + "|jkn"
        else:
            make = bootstrap_factors if method == "bootstrap" else subbootstrap_factors
            factors, spec = make(arrays, replicates=replicates, seed=seed)
            tag = f"{arrays.key}|{method}|{replicates}|{seed}"
        return Replication(method=method, factors=_read_only(factors), spec=spec, key=tag)

    return survey.cached(key, create)


def _supplied(survey: Survey, level: Level, arrays: DesignArrays) -> Replication:
    reps = survey.design.replicates
    assert reps is not None
    frame = survey.frame(level=level)
    unit_reps = np.column_stack(
        [
            _numeric(frame, c, Location(file=survey.path, column=c), "replicate weight")
            for c in reps.columns
        ]
    )
    return Replication(
        method="replicates",
        unit_replicates=_read_only(unit_reps),
        spec=_supplied_spec(reps),
        key=arrays.key + "|" + ",".join(reps.columns),
    )


@dataclass(frozen=True, eq=False, kw_only=True)
class Domains:
    """The domains of ``by``: each unit's code (``None`` for one domain, the whole
    population) and each domain's values, in sorted order of the values."""

    by: tuple[str, ...]
    codes: UIntArray | None
    labels: tuple[Mapping[str, Any] | None, ...]


_WHOLE = Domains(by=(), codes=None, labels=(None,))


def domains(survey: Survey, level: Level, by: Sequence[str]) -> Domains:
    """Domain codes of the ``by`` columns at ``level``, computed once per survey."""
    by_cols = tuple(by)
    if not by_cols:
        return _WHOLE
    return survey.cached(
        (_CACHE, "domains", level, by_cols), lambda: _domains(survey, level, by_cols)
    )


def _domains(survey: Survey, level: Level, by: tuple[str, ...]) -> Domains:
    keys = survey.frame(list(by), level=level).select(list(by))
    for c in by:
        missing = keys.get_column(c).null_count()
        if missing:
            raise DataError(
                f"by column {c!r} has {missing} missing value(s)",
                Location(file=survey.path, column=c),
            )
    uniq = keys.unique().sort(list(by))
    codes = (
        keys.join(uniq.with_row_index("__domain"), on=list(by), how="left", maintain_order="left")
        .get_column("__domain")
        .to_numpy()
    )
    small = codes.astype(np.min_scalar_type(max(uniq.height - 1, 0)))
    labels = tuple(MappingProxyType(row) for row in uniq.iter_rows(named=True))
    return Domains(by=by, codes=_read_only(small), labels=labels)


# -- what each estimate reads --------------------------------------------------------------


def excluded(
    survey: Survey,
    cols: Mapping[str, FloatArray],
    variables: Mapping[str, str],
    *,
    positive: Sequence[str],
    nonpositive: NonPositive,
    inside: BoolArray | None = None,
) -> BoolArray | None:
    """Which units stay in every domain (``None``: all of them): those inside the
    ``among`` condition, and, with ``nonpositive="exclude"``, those whose
    ``positive`` roles are > 0; a ``DataError`` if any is not and that is an error."""
    keep: BoolArray | None = None
    for role in positive:
        bad = cols[role] <= 0
        if inside is not None:
            bad &= inside
        if np.any(bad):
            if nonpositive == "error":
                raise DataError(
                    f"column {variables[role]!r} has {int(bad.sum())} zero or negative value(s) "
                    f"among {bad.size}; this measure needs positive values "
                    "(nonpositive='exclude', or --nonpositive exclude, leaves those units out)",
                    Location(file=survey.path, column=variables[role]),
                )
            keep = ~bad if keep is None else keep & ~bad
    if inside is not None:
        keep = inside if keep is None else keep & inside
    return keep


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
    unit = unit_level(survey, level)
    where = Location(file=survey.path)
    among_cols: list[str] = []
    if among is not None:
        try:
            among_cols = pl.sql_expr(among).meta.root_names()
        except Exception as exc:  # polars raises several types for a bad expression
            raise DataError(f"among: not a valid SQL expression: {exc}", where) from None
    frame = survey.frame(list(dict.fromkeys([*variables.values(), *among_cols])), level=unit)
    inside: BoolArray | None = None
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
    kept = base(survey, unit)
    replicated = replication(survey, unit, kept, variance, replicates, seed)
    keep = excluded(
        survey, cols, variables, positive=positive, nonpositive=nonpositive, inside=inside
    )
    found = domains(survey, unit, by_cols)
    rows = np.arange(kept.n) if keep is None else np.flatnonzero(keep)
    order = rows if sort is None else rows[np.argsort(cols[sort][rows], kind="stable")]
    return arrange(
        cols=cols,
        names=variables,
        base=kept,
        replication=replicated,
        domains=found,
        order=order,
        where=where,
    )


@dataclass(frozen=True, eq=False, kw_only=True)
class Arrangement:
    """Units kept, in sample order: grouped by domain (``bounds``), each domain in
    the order of ``order`` (the units kept, sorted by the analysis variable).
    ``rows`` is the unit of each sample row; weights, PSU codes and unit
    replicate weights are in sample order."""

    order: IntArray
    rows: IntArray
    bounds: IntArray
    w: FloatArray
    psu: IntArray
    unit_replicates: FloatArray | None


def arrangement(
    *,
    base: Base,
    replication: Replication,
    domains: Domains,
    order: IntArray,
    where: Location,
) -> Arrangement:
    """The rows in ``order`` grouped by domain with a stable sort, so each domain
    stays sorted; a ``DataError`` names a domain left with no unit or no weight."""
    n_dom = len(domains.labels)
    if domains.codes is None:
        by_domain = order
        counts = np.array([order.size], dtype=np.int64)
    else:
        codes = domains.codes[order]
        by_domain = order[np.argsort(codes, kind="stable")]  # radix sort of small codes
        counts = np.bincount(codes, minlength=n_dom)
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    w_sorted = base.w[by_domain]
    for d, dom in enumerate(domains.labels):
        sl = slice(int(bounds[d]), int(bounds[d + 1]))
        if counts[d] == 0 or not np.any(w_sorted[sl] > 0):
            label = "the population" if dom is None else f"domain {dict(dom)}"
            reason = "no units" if counts[d] == 0 else "only zero weights"
            raise DataError(f"{label} has {reason} left to estimate from", where)

    unit_reps = replication.unit_replicates
    return Arrangement(
        order=order,
        rows=by_domain,
        bounds=bounds,
        w=np.ascontiguousarray(w_sorted),
        psu=np.ascontiguousarray(base.design.psu[by_domain]),
        unit_replicates=None if unit_reps is None else np.ascontiguousarray(unit_reps[by_domain]),
    )


def sample(
    arranged: Arrangement,
    *,
    cols: Mapping[str, FloatArray],
    names: Mapping[str, str],
    base: Base,
    replication: Replication,
    domains: Domains,
) -> Sample:
    """A ``Sample`` of arranged rows; ``cols`` are already in sample order."""
    return Sample(
        cols=cols,
        names=dict(names),
        w=arranged.w,
        psu=arranged.psu,
        design=base.design,
        bounds=arranged.bounds,
        domains=domains.labels,
        by=domains.by,
        rows=arranged.rows,
        order=arranged.order,
        method=replication.method,
        factors=replication.factors,
        unit_replicates=arranged.unit_replicates,
        spec=replication.spec,
        replicate_key=replication.key,
    )


def arrange(
    *,
    cols: Mapping[str, FloatArray],
    names: Mapping[str, str],
    base: Base,
    replication: Replication,
    domains: Domains,
    order: IntArray,
    where: Location,
) -> Sample:
    """A ``Sample`` of the rows in ``order`` (the units kept, sorted by the analysis
    variable), grouped by domain (``arrangement``), with ``cols`` in that order."""
    arranged = arrangement(
        base=base, replication=replication, domains=domains, order=order, where=where
    )
    return sample(
        arranged,
        cols={role: np.ascontiguousarray(a[arranged.rows]) for role, a in cols.items()},
        names=names,
        base=base,
        replication=replication,
        domains=domains,
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

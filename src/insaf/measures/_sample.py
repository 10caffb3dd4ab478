"""From a ``Survey`` to the arrays an estimator needs, checked, sorted once.

Rows are put in the order (domain, sort variable, original row), so each
domain is a contiguous slice sorted by the analysis variable: rank-based
estimators then need no further sort, and the replicate loop reuses the order.

The weights, the design's codes, the replicates and the domain codes come from
what the survey keeps (``insaf.measures._kept``); each estimate reads, checks
and sorts only its analysis variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from insaf._arrays import BoolArray, FloatArray, IntArray
from insaf.errors import DataError, Location, said
from insaf.measures._kept import (
    Base,
    Domains,
    Replication,
    base,
    domains,
    labels,
    numeric,
    replication,
    unit_level,
)
from insaf.measures._kernels.arrays import sorted_order
from insaf.measures.types import NonPositive, VarianceMethod
from insaf.measures.variance import CalibrationArrays, DesignArrays, ReplicateSpec
from insaf.survey.survey import Level, Survey

__all__ = [
    "GROUP",
    "Arrangement",
    "BoolArray",
    "Sample",
    "arrange",
    "arrangement",
    "check_domains",
    "excluded",
    "prepare",
    "sample",
    "with_columns",
    "with_groups",
]

Rows = slice  # the method Sample.slice shadows the builtin inside the class


@dataclass(frozen=True, eq=False)
class _Block:
    """Replicates ``reps`` (``(B, r)``) that change only PSUs ``psus`` (``(B, p)``),
    by ``change`` (``(B, p, r)``, the factors less 1). A delete-one-PSU jackknife
    block is ``a`` off the diagonal and ``d`` on it (the PSU dropped): then
    ``change' t = a sum(t) + (d - a) t``, with no product of matrices."""

    psus: IntArray
    reps: IntArray
    change: FloatArray
    off: FloatArray | None = None
    diagonal: FloatArray | None = None

    @classmethod
    def of(cls, psus: IntArray, reps: IntArray, change: FloatArray) -> _Block:
        if change.shape[1] != change.shape[2] or change.shape[1] < 2:
            return cls(psus, reps, change)
        size = change.shape[1]
        diagonal = np.diagonal(change, axis1=1, axis2=2)
        off = change[:, 0, 1]
        expected = off[:, None, None] + (diagonal[:, :1, None] - off[:, None, None]) * np.eye(size)
        if np.array_equal(change, expected):
            return cls(psus, reps, change, off, diagonal[:, 0].copy())
        return cls(psus, reps, change)

    def times(self, totals: FloatArray) -> FloatArray:
        """``change' totals`` for PSU totals ``(B, p, x)``: ``(B, r, x)``."""
        if self.off is None or self.diagonal is None:
            out: FloatArray = np.matmul(self.change.transpose(0, 2, 1), totals)
            return out
        a, d = self.off[:, None, None], self.diagonal[:, None, None]
        structured: FloatArray = a * totals.sum(axis=1, keepdims=True) + (d - a) * totals
        return structured


@dataclass(frozen=True, eq=False, kw_only=True)
class Sample:
    """Arrays for one estimation, rows grouped by domain and sorted within it.

    ``bounds[d]:bounds[d+1]`` is domain ``d``. ``rows`` is the unit (table row)
    of each sample row, ``order`` the units kept in the order of the sort
    variable, and ``whole`` the sample rows in that order (for statistics of the
    whole population such as a relative poverty threshold); ``grouped`` the
    positions in ``order`` of the sample rows (``rows = order[grouped]``),
    ``None`` when there is one domain (``rows`` is ``order``); ``ranked`` the
    columns already in ``order`` (the sort column, from its sort). Replicate
    weights are either PSU factors ``(P, R)`` or unit weights ``(n, R)``.
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
    calibration: CalibrationArrays | None = None
    cell: IntArray | None = None
    cell_factors: FloatArray | None = None
    base_w: FloatArray | None = None
    grouped: IntArray | None = None
    ranked: Mapping[str, FloatArray] = field(default_factory=dict)

    @property
    def n_domains(self) -> int:
        return int(self.bounds.shape[0] - 1)

    def slice(self, d: int) -> slice:
        return slice(int(self.bounds[d]), int(self.bounds[d + 1]))

    @cached_property
    def whole(self) -> IntArray:
        """Sample rows in the order of the sort variable, all domains together
        (computed when a whole-population threshold needs it)."""
        whole: IntArray = np.arange(self.order.size, dtype=np.int64)
        if self.grouped is None:
            return whole
        inverse = np.empty_like(whole)
        inverse[self.grouped] = whole
        return inverse

    def psu_totals(self, rows: Rows, wz: FloatArray) -> FloatArray:
        """Cluster totals (PSUs, or SSUs of a two-stage design) of weighted
        influence values ``wz`` of sample ``rows``; for calibrated weights, of
        their calibration residuals."""
        if self.calibration is not None:
            return self.calibration.residual_totals(
                self.rows[rows], wz, self.w[rows], self.design.n_totals
            )
        codes = (
            self.psu[rows]
            if self.design.second is None
            else self.design.second.ssu[self.rows[rows]]
        )
        totals = np.bincount(codes, weights=wz, minlength=self.design.n_totals)
        return totals.astype(np.float64)

    @cached_property
    def _psu_cell(self) -> IntArray:
        """Each row's (PSU, calibration cell) pair, numbered ``psu * C + cell``."""
        assert self.cell is not None and self.cell_factors is not None
        pair: IntArray = self.psu * np.int64(self.cell_factors.shape[0]) + self.cell
        return pair

    def replicate_totals(
        self, rows: Rows, codes: IntArray, groups: int, values: Sequence[FloatArray]
    ) -> FloatArray:
        """Replicate-weighted totals of sample ``rows`` by group, ``(R, groups, m)``.

        Entry ``[r, g, j]`` is ``sum w_r,k values[j][k]`` over the rows ``k`` whose
        code is ``g`` (``codes`` in ``0..groups-1``, ``m`` columns of values).
        Replicate weights are ``w_k f[psu_k, r]`` (times ``c[cell_k, r]`` for
        recalibrated replicates), so these are the totals of ``w values`` per PSU
        (and cell) and group, combined by one product with the factors, instead of
        a pass over the rows for each replicate. Unit replicate weights are
        summed by group the same way, as one sparse product per column.
        """
        m = len(values)
        if self.factors is not None:
            n_psu = self.factors.shape[0]
            if self.cell_factors is not None:
                assert self.base_w is not None
                n_cell = self.cell_factors.shape[0]
                cluster, clusters, w = self._psu_cell[rows], n_psu * n_cell, self.base_w[rows]
            else:
                cluster, clusters, w = self.psu[rows], n_psu, self.w[rows]
            key = cluster * np.int64(groups) + codes
            totals = np.empty((clusters * groups, m))
            for j, v in enumerate(values):  # loop over columns, each one bincount
                totals[:, j] = np.bincount(key, weights=w * v, minlength=clusters * groups)
            flat = totals.reshape(clusters, groups * m)
            if self.cell_factors is None:
                out = self._factors_times(flat)
            else:
                out = np.einsum(
                    "pcx,pr,cr->rx",
                    flat.reshape(n_psu, n_cell, groups * m),
                    self.factors,
                    self.cell_factors,
                    optimize=True,
                )
            result: FloatArray = out.reshape(-1, groups, m)
            return result
        assert self.unit_replicates is not None
        from scipy.sparse import csr_matrix

        n = codes.shape[0]
        reps = self.unit_replicates[rows]
        member = csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(groups, n))
        stacked = np.stack([member @ (reps * v[:, None]) for v in values], axis=-1)
        by_group: FloatArray = np.ascontiguousarray(stacked.transpose(1, 0, 2))
        return by_group

    @cached_property
    def _factor_blocks(self) -> list[_Block] | None:
        """The factors' departures from 1 as blocks, when they are few.

        A jackknife replicate changes only the PSUs of one stratum, and the
        replicates of one stratum change the same PSUs: replicates are grouped
        by the PSUs they change, and groups of one shape are stacked. ``None``
        when more than half of the factors differ from 1 (a bootstrap).
        """
        assert self.factors is not None
        change = self.factors - 1.0
        changed = change != 0.0
        if np.count_nonzero(changed) > 0.5 * changed.size:
            return None
        pattern = np.packbits(changed, axis=0).T
        _, group = np.unique(pattern, axis=0, return_inverse=True)
        group = group.reshape(-1)
        shapes: dict[tuple[int, int], list[tuple[IntArray, IntArray]]] = {}
        for g in range(int(group.max()) + 1 if group.size else 0):  # loop over groups (strata)
            reps = np.flatnonzero(group == g)
            psus = np.flatnonzero(changed[:, reps[0]])
            if psus.size:
                shapes.setdefault((psus.size, reps.size), []).append((psus, reps))
        blocks = []
        for members in shapes.values():
            psus = np.stack([p for p, _ in members])
            reps = np.stack([r for _, r in members])
            blocks.append(_Block.of(psus, reps, change[psus[:, :, None], reps[:, None, :]]))
        return blocks

    def _factors_times(self, totals: FloatArray) -> FloatArray:
        """``f' totals`` (``(R, x)`` from PSU totals ``(P, x)``). For a jackknife, the
        totals' sums plus the few factors' departures from 1, block by block:
        reading the dense ``P x R`` factors for each product costs more than it."""
        assert self.factors is not None
        blocks = self._factor_blocks
        if blocks is None:
            dense: FloatArray = self.factors.T @ totals
            return dense
        out: FloatArray = np.empty((self.factors.shape[1], totals.shape[1]))
        out[:] = totals.sum(axis=0)
        for block in blocks:
            out[block.reps] += block.times(totals[block.psus])
        return out

    def replicate_weights(self, r: int) -> FloatArray:
        """Weights of every row in replicate ``r``."""
        if self.cell_factors is not None:
            assert self.factors is not None and self.base_w is not None
            factors = np.outer(self.factors[:, r], self.cell_factors[:, r]).reshape(-1)
            recalibrated: FloatArray = self.base_w * factors[self._psu_cell]
            return recalibrated
        if self.factors is not None:
            weights: FloatArray = self.w * self.factors[self.psu, r]
            return weights
        assert self.unit_replicates is not None
        return np.ascontiguousarray(self.unit_replicates[:, r])


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
                    said(
                        "column {column} has {count} zero or negative value(s) among {size}; "
                        "this measure needs positive values (nonpositive='exclude', or "
                        "--nonpositive exclude, leaves those units out)",
                        column=repr(variables[role]),
                        count=int(bad.sum()),
                        size=bad.size,
                    ),
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
    unit: Level | str | None,
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
    unit = unit_level(survey, unit)
    where = Location(file=survey.path)
    among_cols: list[str] = []
    if among is not None:
        try:
            among_cols = pl.sql_expr(among).meta.root_names()
        except Exception as exc:  # polars raises several types for a bad expression
            raise DataError(
                said("among: not a valid SQL expression: {reason}", reason=str(exc)), where
            ) from None
    frame = survey.frame(list(dict.fromkeys([*variables.values(), *among_cols])), unit=unit)
    inside: BoolArray | None = None
    if among is not None:
        try:
            chosen = frame.select(pl.sql_expr(among).fill_null(False).alias("a")).get_column("a")
        except pl.exceptions.PolarsError as exc:
            raise DataError(
                said("among {among}: {reason}", among=repr(among), reason=str(exc)), where
            ) from None
        if chosen.dtype != pl.Boolean:
            raise DataError(
                said(
                    "among {among} is not a true/false condition",
                    among=repr(among),
                ),
                where,
            )
        inside = chosen.to_numpy().astype(bool)
    cols = {
        role: numeric(frame, name, Location(file=survey.path, column=name), role, inside)
        for role, name in variables.items()
    }
    kept = base(survey, unit)
    replicated = replication(survey, unit, kept, variance, replicates, seed)
    keep = excluded(
        survey, cols, variables, positive=positive, nonpositive=nonpositive, inside=inside
    )
    found = domains(survey, unit, by_cols)
    ranked: FloatArray | None = None
    if sort is None:
        order = np.arange(kept.n) if keep is None else np.flatnonzero(keep)
    elif keep is None:
        order, ranked = sorted_order(cols[sort])
    else:
        rows = np.flatnonzero(keep)
        order, ranked = sorted_order(cols[sort][rows])
        order = rows[order]
    return arrange(
        cols=cols,
        names=variables,
        base=kept,
        replication=replicated,
        domains=found,
        order=order,
        where=where,
        ranked=None if sort is None or ranked is None else {sort: ranked},
    )


@dataclass(frozen=True, eq=False, kw_only=True)
class Arrangement:
    """Units kept, in sample order: grouped by domain (``bounds``), each domain in
    the order of ``order`` (the units kept, sorted by the analysis variable).
    ``rows`` is the unit of each sample row (``order[grouped]``; ``grouped`` is
    ``None`` when there is one domain and ``rows`` is ``order``); weights, PSU
    codes and unit replicate weights are in sample order."""

    order: IntArray
    rows: IntArray
    grouped: IntArray | None
    bounds: IntArray
    w: FloatArray
    psu: IntArray
    unit_replicates: FloatArray | None
    cell: IntArray | None = None
    base_w: FloatArray | None = None


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
    grouped: IntArray | None = None
    if domains.codes is None:
        by_domain = order
        counts = np.array([order.size], dtype=np.int64)
    else:
        codes = domains.codes[order]
        grouped = np.argsort(codes, kind="stable")  # radix sort of small codes
        by_domain = np.take(order, grouped)
        counts = np.bincount(codes, minlength=n_dom)
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    w_sorted = np.take(base.w, by_domain)  # np.take: faster than indexing
    weighed = np.zeros(n_dom, dtype=bool)  # weights are >= 0: a domain's largest is > 0
    some = counts > 0
    if some.any():
        weighed[some] = np.maximum.reduceat(w_sorted, bounds[:-1][some]) > 0
    check_domains(domains, counts, weighed, where)

    unit_reps = replication.unit_replicates
    return Arrangement(
        order=order,
        rows=by_domain,
        grouped=grouped,
        bounds=bounds,
        w=w_sorted,
        psu=np.take(base.design.psu, by_domain),
        unit_replicates=None if unit_reps is None else np.ascontiguousarray(unit_reps[by_domain]),
        cell=None if replication.cell is None else replication.cell[by_domain],
        base_w=None if replication.base_w is None else replication.base_w[by_domain],
    )


def check_domains(domains: Domains, counts: IntArray, weighed: BoolArray, where: Location) -> None:
    """A ``DataError`` naming the first domain with no unit (``counts``) or no
    positive weight (``weighed``)."""
    if not weighed.all():
        d = int(np.argmin(weighed))
        dom = domains.labels[d]
        label = said("the population") if dom is None else said("domain {domain}", domain=dict(dom))
        reason = said("no units") if counts[d] == 0 else said("only zero weights")
        raise DataError(
            said(
                "{label} has {reason} left to estimate from",
                label=label,
                reason=reason,
            ),
            where,
        )


def sample(
    arranged: Arrangement,
    *,
    cols: Mapping[str, FloatArray],
    names: Mapping[str, str],
    base: Base,
    replication: Replication,
    domains: Domains,
    ranked: Mapping[str, FloatArray] | None = None,
) -> Sample:
    """A ``Sample`` of arranged rows; ``cols`` are already in sample order, ``ranked``
    columns in the order of ``arranged.order``."""
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
        grouped=arranged.grouped,
        method=replication.method,
        factors=replication.factors,
        unit_replicates=arranged.unit_replicates,
        spec=replication.spec,
        replicate_key=replication.key,
        calibration=base.calibration,
        cell=arranged.cell,
        cell_factors=replication.cell_factors,
        base_w=arranged.base_w,
        ranked=dict(ranked or {}),
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
    ranked: Mapping[str, FloatArray] | None = None,
) -> Sample:
    """A ``Sample`` of the rows in ``order`` (the units kept, sorted by the analysis
    variable), grouped by domain (``arrangement``), with ``cols`` in that order.
    ``ranked`` holds columns already in ``order`` (the sort column, from its sort):
    they are regrouped by domain rather than read again row by row."""
    arranged = arrangement(
        base=base, replication=replication, domains=domains, order=order, where=where
    )
    ready = dict(ranked or {})

    def arranged_col(role: str, values: FloatArray) -> FloatArray:
        if role not in ready:
            return np.take(values, arranged.rows)
        if arranged.grouped is None:
            return ready[role]
        return np.take(ready[role], arranged.grouped)

    return sample(
        arranged,
        cols={role: arranged_col(role, a) for role, a in cols.items()},
        names=names,
        base=base,
        replication=replication,
        domains=domains,
        ranked=ready,
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
        raise DataError(said("a decomposition needs at least one group column"))
    keys = survey.frame(list(by), unit=level).select(list(by))
    for c in by:
        labels(keys, c, Location(file=survey.path, column=c), "group")
    groups = keys.unique().sort(list(by))
    codes = keys.join(
        groups.with_row_index(GROUP), on=list(by), how="left", maintain_order="left"
    ).get_column(GROUP)
    added = pl.DataFrame({GROUP: codes.cast(pl.Float64)})
    return with_columns(survey, level, added), groups

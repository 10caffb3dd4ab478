"""What a survey keeps for estimation: computed once per survey and level.

A ``Survey`` is immutable, so what depends only on its data is computed the
first time an estimate needs it and kept with it (``Survey.cached``; a survey
derived from another starts with nothing kept): the checked weights and the
design's integer codes (``Base``), the replicate factors or weights of each
variance method (``Replication``), and the domain codes of each ``by``
(``Domains``). Kept arrays are read-only. An error is never kept: it is raised
again on every call. See ``docs/methods/prepared.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import DataError, DesignError, Location, said, words
from insaf.measures.types import VarianceMethod
from insaf.measures.variance import (
    CalibrationArrays,
    DesignArrays,
    FloatArray,
    IntArray,
    ReplicateSpec,
    bootstrap_factors,
    jackknife_factors,
    label_codes,
    subbootstrap_factors,
)
from insaf.survey.calibration import (
    CalibrationError,
    calibration_factors,
    calibration_model,
    cell_factors,
    design_weights,
)
from insaf.survey.design import ReplicateMethod, Replicates
from insaf.survey.survey import Level, Survey

__all__ = [
    "Base",
    "Domains",
    "Replication",
    "base",
    "domains",
    "labels",
    "numeric",
    "replication",
    "supplied_spec",
    "unit_level",
]


def numeric(
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
        raise DataError(
            said(
                "{role} column {column} is not numeric ({dtype})",
                role=role,
                column=repr(column),
                dtype=series.dtype,
            ),
            where,
        )
    if inside is not None:
        series = series.cast(pl.Float64).zip_with(
            pl.Series(inside), pl.zeros(len(series), eager=True)
        )
    nulls = series.null_count()
    values = series.cast(pl.Float64).to_numpy()
    if not nulls and np.isfinite(np.add.reduce(values)):  # one pass: no NaN, no infinity
        return np.ascontiguousarray(values, dtype=np.float64)
    nans = int(np.isnan(values).sum()) - nulls
    if nulls or nans:
        raise DataError(
            said(
                "{role} column {column} has {missing} missing value(s) ({nulls} null, "
                "{nans} NaN) among {rows} rows; INSAF does not drop them silently: "
                "filter or impute them first",
                role=role,
                column=repr(column),
                missing=nulls + nans,
                nulls=nulls,
                nans=nans,
                rows=len(values),
            ),
            where,
        )
    if np.any(np.isinf(values)):
        raise DataError(
            said(
                "{role} column {column} has {count} infinite value(s)",
                role=role,
                column=repr(column),
                count=int(np.isinf(values).sum()),
            ),
            where,
        )
    return np.ascontiguousarray(values, dtype=np.float64)


def labels(frame: pl.DataFrame, column: str, where: Location, role: str) -> Any:
    series = frame.get_column(column)
    if series.null_count():
        raise DataError(
            said(
                "{role} column {column} has {null_count} missing value(s)",
                role=role,
                column=repr(column),
                null_count=series.null_count(),
            ),
            where,
        )
    return series.to_numpy()


def supplied_spec(rep: Replicates) -> ReplicateSpec:
    """How supplied replicate weights combine, with R ``svrepdesign``'s defaults:
    ``scale`` 1/R (BRR), 1/(R (1 - rho)^2) (Fay), 1/(R - 1) (bootstrap),
    (R - 1)/R (JK1), 4/R (SDR), 1 (JKn, other); ``rscales`` 1; ``mse`` false.
    Where R fixes the scale and ignores one given (BRR, Fay, SDR), a given
    scale is an error rather than ignored."""
    n_rep = len(rep.columns)
    method = ReplicateMethod(rep.method)
    rscales = np.asarray(rep.rscales, dtype=np.float64) if rep.rscales else np.ones(n_rep)
    fixed = {
        ReplicateMethod.BRR: "1/R",
        ReplicateMethod.FAY: "1/(R (1 - rho)^2)",
        ReplicateMethod.SDR: "4/R",
    }
    if method in fixed and rep.scale is not None:
        raise DesignError(
            said(
                "{method} replicate weights have scale {fixed} (R's svrepdesign does "
                "not read scale= for them); remove scale, or use method 'other' with "
                "yours",
                method=method.value,
                fixed=fixed[method],
            )
        )
    scale = rep.scale
    if scale is None:
        if method is ReplicateMethod.BRR:
            scale = 1.0 / n_rep
        elif method is ReplicateMethod.FAY:
            if rep.rho is None:
                raise DesignError(said("Fay replicate weights need rho"))
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
                    said(
                        "JKn replicate weights need rscales ((n_h - 1)/n_h per replicate)",
                    )
                )
            scale = 1.0
        else:
            scale = 1.0  # R: "scale or rscales not specified, set to 1"
    return ReplicateSpec(method=method, scale=float(scale), rscales=rscales, mse=rep.mse)


_CACHE = "insaf.measures"
"""First element of every key this module uses in ``Survey.cached``."""

UIntArray = np.ndarray[Any, np.dtype[np.unsignedinteger[Any]]]


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
    calibration: CalibrationArrays | None = None

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
    frame = survey.frame(unit=level)
    w = numeric(
        frame, design.weight, Location(file=survey.path, column=design.weight), said("weight")
    )
    if w.size and w.min() < 0:
        raise DataError(
            said(
                "weight column {weight} has {count} negative value(s)",
                weight=repr(design.weight),
                count=int((w < 0).sum()),
            ),
            Location(file=survey.path, column=design.weight),
        )
    n = frame.height
    if n == 0:
        raise DataError(said("the survey has no rows at this level"), where)
    strata = labels(frame, design.strata, where, said("strata")) if design.strata else None
    psu = labels(frame, design.psu, where, said("PSU")) if design.psu else None
    fpc = numeric(frame, design.fpc, where, "fpc") if design.fpc else None
    staged = design.ssu is not None and not design.ultimate_cluster
    ssu = labels(frame, design.ssu, where, said("SSU")) if staged and design.ssu else None
    fpc2 = numeric(frame, design.fpc2, where, "fpc2") if staged and design.fpc2 else None
    arrays = DesignArrays.build(
        n=n, strata=strata, psu=psu, fpc=fpc, lonely=design.lonely_psu, ssu=ssu, fpc2=fpc2
    )
    for part in (arrays.stratum, arrays.psu, arrays.psu_stratum, arrays.n_psu, arrays.fpc_factor):
        _read_only(part)
    calibrated = _calibration(survey, level, arrays, w) if design.calibration else None
    return Base(w=_read_only(w), design=arrays, calibration=calibrated)


def _design_level(survey: Survey) -> Level:
    return Level.HOUSEHOLD if survey.households is not None else Level.PERSON


def _calibration(
    survey: Survey, level: Level, arrays: DesignArrays, w: FloatArray
) -> CalibrationArrays:
    """The arrays of the calibration residuals (at the design table's rows)."""
    cal = survey.design.calibration
    assert cal is not None  # checked by the caller
    model = calibration_model(survey, cal)
    w0 = design_weights(survey, cal.base_weight)
    at = _design_level(survey)
    if at is level:
        psu, to_cal, w_cal = arrays.total_codes, None, w
    else:
        top = base(survey, at)
        if top.design.n_totals != arrays.n_totals:
            raise DesignError(
                f"{arrays.n_totals} clusters hold {level.value}s but the design table has "
                f"{top.design.n_totals}: a cluster without {level.value}s"
            )
        psu, to_cal, w_cal = top.design.total_codes, survey.household_index(), top.w
    cw = model.cell_weights(w0)
    gram = (model.x * cw[:, None]).T @ model.x
    return CalibrationArrays(
        cell=model.cell,
        x=model.x,
        gram_pinv=np.asarray(np.linalg.pinv(gram), dtype=np.float64),
        w0=w0,
        w=np.asarray(w_cal, dtype=np.float64),
        psu=psu,
        to_cal=to_cal,
        margins=model.margins,
        rake=cal.variance == "rake",
    )


@dataclass(frozen=True, eq=False, kw_only=True)
class Replication:
    """The variance method and, for replicate methods, PSU factors ``(P, R)`` or
    unit replicate weights ``(n, R)`` (table order), how they combine, and a key
    that says which replicates they are (estimates pair only on the same key).

    Created replicates of calibrated weights keep, instead of ``n x R``
    weights, each unit's weight before calibration (``base_w``) and
    calibration cell (``cell``), and each replicate's calibration factor per
    cell (``cell_factors``, ``(C, R)``): replicate ``r``'s weight is
    ``base_w * factors[psu, r] * cell_factors[cell, r]``."""

    method: str
    factors: FloatArray | None = None
    unit_replicates: FloatArray | None = None
    spec: ReplicateSpec | None = None
    key: str = ""
    cell: IntArray | None = None
    cell_factors: FloatArray | None = None
    base_w: FloatArray | None = None


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
            raise DesignError(
                said(
                    "the design has no replicate weights; use linearization",
                )
            )
        if design.calibration is not None:
            return survey.cached(
                (_CACHE, "replicates", level), lambda: _recalibrated(survey, level, None)
            )
        return survey.cached(
            (_CACHE, "replicates", level), lambda: _supplied(survey, level, base.design)
        )
    if method not in ("jackknife", "bootstrap", "subbootstrap"):
        raise DesignError(
            said(
                "unknown variance method {method}",
                method=repr(method),
            )
        )
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
        made = Replication(method=method, factors=_read_only(factors), spec=spec, key=tag)
        if design.calibration is not None:
            return _recalibrated(survey, level, made)
        return made

    return survey.cached(key, create)


def _recalibrated(survey: Survey, level: Level, made: Replication | None) -> Replication:
    """Replicate weights of a calibrated survey: each replicate of the weights
    before calibration (PSU factors ``made``, or the supplied replicate columns,
    read as uncalibrated) is calibrated to the same totals (R
    ``calibrate.svyrep.design``), then carried to ``level``."""
    cal = survey.design.calibration
    assert cal is not None  # checked by the caller
    at = _design_level(survey)
    top = base(survey, at)
    w0 = design_weights(survey, cal.base_weight)
    model = calibration_model(survey, cal)
    n_cells = model.x.shape[0]
    columns: tuple[str, ...] = ()
    if made is not None:
        assert made.factors is not None and made.spec is not None
        factors, spec, key = made.factors, made.spec, made.key
        n_rep = factors.shape[1]
        # replicate weights are w0 * f[psu]: their cell sums for every replicate at
        # once from the (PSU, cell) sums of w0
        pair = top.design.psu * n_cells + model.cell
        by_pair = np.bincount(pair, weights=w0, minlength=top.design.n_psus * n_cells)
        cell_sums = by_pair.reshape(top.design.n_psus, n_cells).T @ factors
    else:
        supplied = survey.design.replicates
        assert supplied is not None
        spec, key = supplied_spec(supplied), top.design.key + "|" + ",".join(supplied.columns)
        columns = supplied.columns
        n_rep = len(columns)
    if made is not None:
        g = np.empty((n_cells, n_rep))
        for r in range(n_rep):  # each replicate is one calibration, on the cells
            try:
                g[:, r] = cell_factors(model, cell_sums[:, r], cal)
            except CalibrationError as exc:
                raise CalibrationError(
                    said("replicate {number}: {reason}", number=r + 1, reason=words(exc))
                ) from None
        to_level = survey.household_index() if at is not level else None
        cell = model.cell if to_level is None else model.cell[to_level]
        base_w = w0 if to_level is None else w0[to_level]
        return Replication(
            method=made.method,
            factors=made.factors,
            spec=spec,
            key=key + "|calibrated",
            cell=_read_only(cell),
            cell_factors=_read_only(g),
            base_w=_read_only(base_w),
        )
    out = np.empty((w0.shape[0], n_rep), order="F")
    for r in range(n_rep):  # each replicate is one calibration
        weights = design_weights(survey, columns[r])
        try:
            out[:, r] = weights * calibration_factors(model, weights, cal)
        except CalibrationError as exc:
            raise CalibrationError(
                said("replicate {number}: {reason}", number=r + 1, reason=words(exc))
            ) from None
    if at is not level:
        out = out[survey.household_index()]
    return Replication(
        method="replicates",
        unit_replicates=_read_only(out),
        spec=spec,
        key=key + "|calibrated",
    )


def _supplied(survey: Survey, level: Level, arrays: DesignArrays) -> Replication:
    reps = survey.design.replicates
    assert reps is not None
    frame = survey.frame(unit=level)
    unit_reps = np.column_stack(
        [
            numeric(frame, c, Location(file=survey.path, column=c), said("replicate weight"))
            for c in reps.columns
        ]
    )
    return Replication(
        method="replicates",
        unit_replicates=_read_only(unit_reps),
        spec=supplied_spec(reps),
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
    keys = survey.frame(list(by), unit=level).select(list(by))
    for c in by:
        missing = keys.get_column(c).null_count()
        if missing:
            raise DataError(
                said(
                    "by column {column} has {missing} missing value(s)",
                    column=repr(c),
                    missing=missing,
                ),
                Location(file=survey.path, column=c),
            )
    values: tuple[Mapping[str, Any], ...]
    if len(by) == 1 and keys.dtypes[0].is_integer():  # codes without a join
        codes, found = label_codes(keys.get_column(by[0]).to_numpy())
        values = tuple(MappingProxyType({by[0]: v}) for v in found.tolist())
    else:
        uniq = keys.unique().sort(list(by))
        codes = (
            keys.join(
                uniq.with_row_index("__domain"), on=list(by), how="left", maintain_order="left"
            )
            .get_column("__domain")
            .to_numpy()
        )
        values = tuple(MappingProxyType(row) for row in uniq.iter_rows(named=True))
    small = codes.astype(np.min_scalar_type(max(len(values) - 1, 0)))
    return Domains(by=by, codes=_read_only(small), labels=values)

"""Calibrated weights: post-stratification, raking and calibration to known totals.

``calibrate`` finds factors ``g_k`` close to 1 (in the chosen ``Distance``)
such that the weights ``w_k = g_k * d_k`` reproduce the population totals of
the calibration variables exactly (Deville and Särndal 1992; R ``survey``'s
``calibrate``, whose Newton iteration ``grake`` this follows). The result is a
``Survey`` whose design names the new weight column and keeps the
``Calibration``, so that linearized variances use the calibration residuals
and replicate variances recalibrate every replicate
(``docs/methods/calibration.md``).

Weights are one per row of the design table. When a survey has households and
persons and the totals count persons, each household carries the number of
its members in every category (integrated household weighting: one weight per
household, calibrated to person totals).

Units that share every calibration value share ``g``, so the iteration works
on the distinct rows of the calibration matrix ("cells"), not on every unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from insaf._arrays import FloatArray, IntArray
from insaf.errors import DataError, DesignError, Location, said
from insaf.survey.design import Calibration, Distance
from insaf.survey.survey import Survey, Unit
from insaf.survey.table import Table

if TYPE_CHECKING:  # the manifest (pydantic, YAML) is imported when a spec is made
    from insaf.survey.manifest import CalibrationSpec

__all__ = [
    "CalibrationError",
    "CalibrationModel",
    "apply_calibration",
    "calibrate",
    "calibration_factors",
    "calibration_model",
    "cell_factors",
    "poststratify",
    "rake",
    "uncalibrated",
]


Margins = Mapping[str, Mapping[str, float]]


class CalibrationError(DesignError):
    """Totals that cannot be reached, or an iteration that did not converge."""


@dataclass(frozen=True, eq=False, kw_only=True)
class CalibrationModel:
    """The calibration matrix of the design table's rows, collapsed to cells.

    ``x[cell[k]]`` is unit ``k``'s row; ``targets`` the population totals of
    the columns ``names``; ``margins`` each categorical margin's category code
    per unit (used by the variance of R's ``rake``).
    """

    cell: IntArray
    x: FloatArray
    targets: FloatArray
    names: tuple[str, ...]
    margins: tuple[IntArray, ...]

    def cell_weights(self, weights: FloatArray) -> FloatArray:
        """Sum of ``weights`` (one per unit, or (n, R)) in each cell."""
        n_cells = self.x.shape[0]
        if weights.ndim == 1:
            return np.bincount(self.cell, weights=weights, minlength=n_cells).astype(np.float64)
        out = np.empty((n_cells, weights.shape[1]))
        for r in range(weights.shape[1]):  # loop over replicates, not units
            out[:, r] = np.bincount(self.cell, weights=weights[:, r], minlength=n_cells)
        return out


def _unit(survey: Survey, unit: Unit | str | None) -> Unit:
    design_unit = Unit.HOUSEHOLD if survey.households is not None else Unit.PERSON
    wanted = Unit(unit) if unit is not None else survey.default_level
    if wanted is Unit.PERSON and survey.persons is None:
        raise DesignError(
            said(
                "person totals need a person table; this survey has households only",
            )
        )
    if wanted is Unit.HOUSEHOLD and design_unit is Unit.PERSON:
        raise DesignError(
            said(
                "household totals need a household table; this survey has persons only",
            )
        )
    return wanted


def calibration_model(survey: Survey, calibration: Calibration) -> CalibrationModel:
    """The calibration matrix of ``survey``'s design table for ``calibration``
    (computed once per survey).

    Errors name the variable and category: a missing value, a category in the
    data without a population total, a total without a unit in the sample,
    margins whose totals disagree.
    """
    return survey.cached(
        ("insaf.survey.calibration", calibration), lambda: _model(survey, calibration)
    )


def _model(survey: Survey, calibration: Calibration) -> CalibrationModel:
    unit = _unit(survey, calibration.unit)
    frame = survey.frame(list(calibration.variables), unit=unit)
    integrated = unit is Unit.PERSON and survey.households is not None
    codes_of = [_margin_codes(survey, frame, v, cats) for v, cats in calibration.margins]
    _same_population(survey, calibration)
    names: list[str] = []
    targets: list[float] = []
    for i, (variable, categories) in enumerate(calibration.margins):
        for j, (label, target) in enumerate(categories):
            if i > 0 and j == 0:
                continue  # implied by the first margin: keeps the matrix of full rank
            names.append(f"{variable}={label}")
            targets.append(float(target))
    numeric = [_numeric(survey, frame, v) for v, _ in calibration.totals]
    names += [v for v, _ in calibration.totals]
    targets += [float(t) for _, t in calibration.totals]
    if not names:
        raise DesignError(said("a calibration needs at least one margin or total"))
    sizes = [len(cats) for _, cats in calibration.margins]
    if not numeric and not integrated:
        cell, cell_codes = _cells(codes_of, sizes)
        x = _indicators(cell_codes, sizes)
    else:
        x_units = np.column_stack([*_indicators(codes_of, sizes).T, *numeric])
        if integrated:
            index = survey.household_index()
            n_h = survey.households.height if survey.households is not None else 0
            x_units = np.column_stack(
                [np.bincount(index, weights=c, minlength=n_h) for c in x_units.T]
            )
            codes_of = []  # categories are counts per household, not one category each
        x, inverse = np.unique(x_units, axis=0, return_inverse=True)
        cell = inverse.reshape(-1).astype(np.int64)
    return CalibrationModel(
        cell=cell,
        x=np.ascontiguousarray(x, dtype=np.float64),
        targets=np.asarray(targets, dtype=np.float64),
        names=tuple(names),
        margins=tuple(codes_of),
    )


def _margin_codes(
    survey: Survey, frame: pl.DataFrame, variable: str, categories: tuple[tuple[str, float], ...]
) -> IntArray:
    """Each unit's category of ``variable`` as the position of its label in ``categories``."""
    where = Location(file=survey.path, column=variable)
    series = frame.get_column(variable)
    if series.null_count():
        raise DataError(
            said(
                "calibration variable {variable} has {null_count} missing value(s)",
                variable=repr(variable),
                null_count=series.null_count(),
            ),
            where,
        )
    known = [label for label, _ in categories]
    text = series.cast(pl.String)
    coded = text.replace_strict(known, list(range(len(known))), default=None, return_dtype=pl.Int64)
    if coded.null_count():
        unknown = text.filter(coded.is_null()).unique().sort().to_list()
        raise DataError(
            said(
                "calibration variable {variable}: categor(ies) {unknown} occur in the "
                "data but have no population total (totals given for {known})",
                variable=repr(variable),
                unknown=", ".join(map(repr, unknown)),
                known=", ".join(map(repr, known)),
            ),
            where,
        )
    codes = coded.to_numpy().astype(np.int64)
    seen = np.bincount(codes, minlength=len(known)) > 0
    absent = [label for (label, total), s in zip(categories, seen, strict=True) if total and not s]
    if absent:
        raise CalibrationError(
            said(
                "calibration variable {variable}: category {absent} has a population "
                "total but no unit in the sample; that total cannot be reached",
                variable=repr(variable),
                absent=repr(absent[0]),
            ),
            where,
        )
    return codes


def _same_population(survey: Survey, calibration: Calibration) -> None:
    """Every margin's totals sum to the same population."""
    first: float | None = None
    for variable, categories in calibration.margins:
        total = float(sum(t for _, t in categories))
        if first is not None and not np.isclose(total, first, rtol=1e-9, atol=0.0):
            raise CalibrationError(
                said(
                    "calibration variable {variable}: its totals sum to {total:g}, but the "
                    "first margin's sum to {first:g}; the margins must describe one "
                    "population",
                    variable=repr(variable),
                    total=total,
                    first=first,
                ),
                Location(file=survey.path, column=variable),
            )
        first = total if first is None else first


def _numeric(survey: Survey, frame: pl.DataFrame, variable: str) -> FloatArray:
    where = Location(file=survey.path, column=variable)
    series = frame.get_column(variable)
    if not series.dtype.is_numeric():
        raise DataError(
            said(
                "calibration variable {variable} is not numeric",
                variable=repr(variable),
            ),
            where,
        )
    values = series.cast(pl.Float64).to_numpy()
    missing = int(np.isnan(values).sum()) if series.null_count() == 0 else series.null_count()
    if missing:
        raise DataError(
            said(
                "calibration variable {variable} has {missing} missing value(s)",
                variable=repr(variable),
                missing=missing,
            ),
            where,
        )
    return np.asarray(values, dtype=np.float64)


def _cells(codes_of: list[IntArray], sizes: list[int]) -> tuple[IntArray, list[IntArray]]:
    """Each unit's cell (combination of categories, numbered in order) and each
    cell's category codes; in one pass over the units (no sort)."""
    combined = np.zeros(codes_of[0].shape[0], dtype=np.int64)
    for codes, size in zip(codes_of, sizes, strict=True):
        combined = combined * size + codes
    present = np.zeros(int(np.prod(sizes)), dtype=bool)
    present[combined] = True
    rank = np.cumsum(present, dtype=np.int64) - 1
    found = np.flatnonzero(present)
    cell_codes = []
    for size in reversed(sizes):
        cell_codes.append(found % size)
        found = found // size
    return rank[combined], cell_codes[::-1]


def _indicators(codes_of: list[IntArray], sizes: list[int]) -> FloatArray:
    """Indicator columns of every category, the first of each later margin left out."""
    columns = []
    for i, (codes, size) in enumerate(zip(codes_of, sizes, strict=True)):
        columns += [(codes == j).astype(np.float64) for j in range(1 if i else 0, size)]
    n = codes_of[0].shape[0] if codes_of else 0
    return np.column_stack(columns) if columns else np.zeros((n, 0))


# -- distances (R's calfun objects: F(u) = g - 1 and its derivative) ----------------------


def _f(distance: Distance, u: FloatArray, low: float, high: float) -> tuple[FloatArray, FloatArray]:
    if distance is Distance.LINEAR:
        g = np.clip(u + 1.0, low, high)
        return g - 1.0, ((u < high - 1.0) & (u > low - 1.0)).astype(np.float64)
    if distance is Distance.RAKING:
        e = np.exp(u)
        return e - 1.0, e
    a = (high - low) / ((1.0 - low) * (high - 1.0))
    e = np.exp(a * u)
    den = high - 1.0 + (1.0 - low) * e
    num = low * (high - 1.0) + high * (1.0 - low) * e
    deriv = high * (1.0 - low) * e * a / den - num * ((1.0 - low) * e * a) / den**2
    return num / den - 1.0, deriv


def calibration_factors(
    model: CalibrationModel, base: FloatArray, calibration: Calibration
) -> FloatArray:
    """Factors ``g`` (one per unit) that calibrate the weights ``base`` (one per unit)."""
    return cell_factors(model, model.cell_weights(base), calibration)[model.cell]


def cell_factors(
    model: CalibrationModel, cell_weights: FloatArray, calibration: Calibration
) -> FloatArray:
    """Factors ``g`` (one per cell) for weights whose sum in each cell is ``cell_weights``.

    Linear without bounds has a closed form; other distances follow R's
    ``grake``: Newton steps on the Lagrange multipliers until every total is
    within ``epsilon`` (relative to ``1 + |total|``), else ``CalibrationError``.
    Trimming (``calibration.trim``) clips ``g`` and spreads what was cut over
    the untrimmed units in proportion to their weights, once, as R does.
    """
    g = _solve(model, cell_weights, calibration)
    if calibration.trim is not None:
        low, high = calibration.trim
        clipped = np.clip(g, low, high)
        outside = ((g < low) | (g > high)) & (cell_weights > 0)
        if np.any(outside):
            cut = float(np.sum((g - clipped) * cell_weights))
            inside = ~outside
            clipped[inside] += cut / float(cell_weights[inside].sum())
            g = clipped
    return g


def _solve(model: CalibrationModel, cw: FloatArray, calibration: Calibration) -> FloatArray:
    x, targets = model.x, model.targets
    distance = calibration.distance
    low, high = calibration.bounds if calibration.bounds is not None else (-np.inf, np.inf)
    if distance is Distance.LOGIT and not (np.isfinite(low) and np.isfinite(high)):
        raise DesignError(
            said(
                "logit calibration needs finite bounds (for example 0.5 and 2)",
            )
        )
    if not low < 1.0 < high:
        raise DesignError(
            said(
                "calibration bounds ({low:g}, {high:g}) must contain 1",
                low=low,
                high=high,
            )
        )
    sample = x.T @ cw
    if distance is Distance.LINEAR and calibration.bounds is None:
        gram = (x * cw[:, None]).T @ x
        try:
            lam = np.linalg.solve(gram, targets - sample)
        except np.linalg.LinAlgError:
            raise CalibrationError(
                said(
                    "the calibration variables are collinear in the sample ({names}): no "
                    "unique calibration",
                    names=", ".join(model.names),
                )
            ) from None
        return np.asarray(1.0 + x @ lam, dtype=np.float64)
    eta = np.zeros(x.shape[1])
    misfit = targets - sample
    for _ in range(calibration.maxit):
        f, deriv = _f(distance, x @ eta, low, high)
        misfit = targets - x.T @ (cw * (1.0 + f))
        if np.all(np.abs(misfit) / (1.0 + np.abs(targets)) < calibration.epsilon):
            return np.asarray(1.0 + f, dtype=np.float64)
        step = np.linalg.pinv((x * (cw * deriv)[:, None]).T @ x, rcond=256 * np.finfo(float).eps)
        delta = step @ misfit
        eta = eta + delta
        for _ in range(60):  # halve a step that overflows
            f, deriv = _f(distance, x @ eta, low, high)
            if np.all(np.isfinite(f)) and np.all(np.isfinite(deriv)):
                break
            delta = delta / 2.0
            eta = eta - delta
    worst = int(np.argmax(np.abs(misfit) / (1.0 + np.abs(targets))))
    reached = targets[worst] - misfit[worst]
    bounds = (
        ""
        if calibration.bounds is None
        else said(" within bounds {low:g} to {high:g}", low=low, high=high)
    )
    raise CalibrationError(
        said(
            "{distance} calibration did not converge in {maxit} "
            "iterations{bounds}: the weighted total of {names} is {reached:.6g}, "
            "its population total {targets:.6g} (widen the bounds or check the "
            "totals)",
            distance=distance.value,
            maxit=calibration.maxit,
            bounds=bounds,
            names=model.names[worst],
            reached=reached,
            targets=targets[worst],
        )
    )


# -- surveys with calibrated weights ----------------------------------------------------------


def calibrate(
    survey: Survey,
    *,
    margins: Margins | None = None,
    totals: Mapping[str, float] | None = None,
    distance: Distance | str = Distance.LINEAR,
    unit: Unit | str | None = None,
    bounds: tuple[float, float] | None = None,
    trim: tuple[float, float] | None = None,
    weight: str = "calibrated_weight",
    maxit: int = 50,
    epsilon: float = 1e-10,
    variance: str = "greg",
) -> Survey:
    """``survey`` with weights calibrated to population totals.

    ``margins`` gives, per categorical variable, each category's population
    total (``{"sex": {"1": 4.9e6, "2": 5.1e6}}``; labels as text);
    ``totals`` the population total of numeric variables. ``unit`` says what
    the totals count (``person`` or ``household``; default the survey's
    default unit). The calibrated weight is written to the column ``weight``
    of the design table and becomes the design's weight; the ``Calibration``
    is kept in the design for the variance.
    """
    if survey.design.calibration is not None:
        raise DesignError(
            said(
                "the survey's weights are already calibrated ({calibration}); calibrate "
                "the uncalibrated survey once, to all totals together",
                calibration=survey.design.calibration.describe(),
            )
        )
    if variance not in ("greg", "rake"):
        raise DesignError(
            said(
                "unknown calibration variance {variance} (greg or rake)",
                variance=repr(variance),
            )
        )
    calibration = Calibration(
        base_weight=survey.design.weight,
        margins=tuple(
            (v, tuple((str(k), float(t)) for k, t in cats.items()))
            for v, cats in (margins or {}).items()
        ),
        totals=tuple((v, float(t)) for v, t in (totals or {}).items()),
        distance=Distance(distance),
        unit=_unit(survey, unit).value,
        bounds=None if bounds is None else (float(bounds[0]), float(bounds[1])),
        trim=None if trim is None else (float(trim[0]), float(trim[1])),
        variance=variance,
        maxit=maxit,
        epsilon=epsilon,
    )
    table = survey.design_table
    if weight in table.frame.columns:
        raise DataError(
            said(
                "column {weight} already exists in the {table} table; name the "
                "calibrated weight otherwise (weight=...)",
                weight=repr(weight),
                table=table.name,
            ),
            Location(file=survey.path, column=weight),
        )
    model = calibration_model(survey, calibration)
    base = design_weights(survey, calibration.base_weight)
    g = calibration_factors(model, base, calibration)
    new = replace(table, frame=table.frame.with_columns(pl.Series(weight, base * g)))
    which = "households" if survey.households is not None else "persons"
    out = survey.with_tables(**{which: new})
    return out.with_design(replace(survey.design, weight=weight, calibration=calibration))


def design_weights(survey: Survey, column: str) -> FloatArray:
    """A weight column of the design table as floats: no missing or negative value."""
    table: Table = survey.design_table
    where = Location(file=survey.path, column=column)
    if column not in table.frame.columns:
        raise DataError(
            said(
                "weight column {column} is not in the {table} table",
                column=repr(column),
                table=table.name,
            ),
            where,
        )
    series = table.frame.get_column(column).cast(pl.Float64, strict=False)
    values = series.to_numpy().astype(np.float64)
    if series.null_count() or np.isnan(values).any():
        raise DataError(
            said(
                "weight column {column} has missing values",
                column=repr(column),
            ),
            where,
        )
    if np.any(values < 0):
        raise DataError(
            said(
                "weight column {column} has negative values",
                column=repr(column),
            ),
            where,
        )
    return values


def poststratify(
    survey: Survey,
    variable: str,
    totals: Mapping[str, float],
    *,
    unit: Unit | str | None = None,
    weight: str = "calibrated_weight",
) -> Survey:
    """Post-stratification (R ``postStratify``): the weights of each category of
    ``variable`` are scaled to its population total; linear calibration on
    that one margin, with the same variance."""
    return calibrate(survey, margins={variable: totals}, unit=unit, weight=weight)


def rake(
    survey: Survey,
    margins: Margins,
    *,
    unit: Unit | str | None = None,
    weight: str = "calibrated_weight",
    maxit: int = 100,
    epsilon: float = 1e-10,
) -> Survey:
    """Raking to marginal totals (R ``rake``): the weights of iterative
    proportional fitting (raking distance), with R ``rake``'s variance: the
    influence values are centred within the categories of each margin in turn,
    ten rounds (``survey:::svyrecvar``)."""
    chosen = _unit(survey, unit)
    if chosen is Unit.PERSON and survey.households is not None:
        raise DesignError(
            said(
                "rake() calibrates one unit to its own categories; for person totals "
                "with household weights use calibrate(..., distance='raking')",
            )
        )
    return calibrate(
        survey,
        margins=margins,
        distance=Distance.RAKING,
        unit=chosen,
        weight=weight,
        maxit=maxit,
        epsilon=epsilon,
        variance="rake",
    )


def apply_calibration(survey: Survey, spec: CalibrationSpec) -> Survey:
    """``survey`` calibrated as a manifest's (or a calibration file's) ``spec`` says."""
    margins = spec.category_totals()
    if spec.method == "poststratify":
        ((variable, totals),) = margins.items()
        return poststratify(survey, variable, totals, unit=spec.unit, weight=spec.weight)
    if spec.method == "rake":
        return rake(
            survey,
            margins,
            unit=spec.unit,
            weight=spec.weight,
            maxit=spec.maxit,
            epsilon=spec.epsilon,
        )
    return calibrate(
        survey,
        margins=margins,
        totals=spec.totals,
        distance=spec.distance,
        unit=spec.unit,
        bounds=spec.bounds,
        trim=spec.trim,
        weight=spec.weight,
        maxit=spec.maxit,
        epsilon=spec.epsilon,
    )


def uncalibrated(survey: Survey) -> tuple[Survey, CalibrationSpec | None]:
    """``survey`` with its weights before calibration (the calibrated column
    removed) and the calibration as a manifest spec; unchanged and ``None`` if
    its weights are not calibrated."""
    from insaf.survey.manifest import CalibrationSpec

    cal = survey.design.calibration
    if cal is None:
        return survey, None
    spec = CalibrationSpec(
        method="rake" if cal.variance == "rake" else "calibrate",
        distance=cal.distance,
        unit="person" if cal.unit == "person" else "household",
        margins={v: dict(cats) for v, cats in cal.margins},
        totals=dict(cal.totals),
        bounds=cal.bounds,
        trim=cal.trim,
        weight=survey.design.weight,
        maxit=cal.maxit,
        epsilon=cal.epsilon,
    )
    table = survey.design_table
    which = "households" if survey.households is not None else "persons"
    plain = survey.with_tables(
        **{which: replace(table, frame=table.frame.drop(survey.design.weight))}
    )
    design = replace(survey.design, weight=cal.base_weight, calibration=None)
    return plain.with_design(design), spec

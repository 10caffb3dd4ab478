"""Fit and validate a proxy-means test on a survey (``fit_pmt``).

The regression is ``ln(y_h) = a + x_h b + e_h``: ``y_h`` welfare per person of
household ``h`` (less an existing benefit per person with ``net_of``), ``x_h``
the proxies' columns (``insaf.targeting.proxies``), weighted by the household
sampling weight (``unit="household"``, the usual PMT regression) or by
weight x size (``"person"``). ``selection``:

- ``ols``: every proxy;
- ``stepwise``: forward selection of proxies by BIC (``insaf.targeting.regress``);
- ``lasso``: the penalty chosen by k-fold cross-validation (by PSU), then OLS
  on the columns the lasso keeps ("post-lasso", Belloni and Chernozhukov 2013),
  which keeps the scores on the scale of log welfare for poverty-line cut-offs.

``by`` fits one model per value of a household variable (``urban``,
``governorate``). Validation is honest: in k-fold cross-validation (whole PSUs
within strata) the selection is run again on each training fold, and each
household is predicted by the model that did not see its PSU; with
``test_share`` a share of PSUs is held out, the model is fitted and
cross-validated on the rest, and the held-out PSUs give the test metrics
(``insaf.targeting.validation``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf import __version__
from insaf._renamed import renamed_keywords
from insaf.errors import DataError, InsafError, said
from insaf.measures.variance import DesignArrays, FloatArray
from insaf.survey import Design, Survey
from insaf.targeting.folds import psu_folds, psu_split
from insaf.targeting.model import GroupModel, PmtModel
from insaf.targeting.proxies import Proxy, design_matrix, parse_proxies, resolve
from insaf.targeting.regress import grams, lambda_grid, lasso_path, ols, stepwise
from insaf.targeting.validation import COVERAGES, fit_metrics, validate_predictions

__all__ = ["Selection", "Weights", "fit_pmt"]

Selection = Literal["ols", "stepwise", "lasso"]
Weights = Literal["household", "person"]


@dataclass(frozen=True, eq=False)
class _Rows:
    """The regression data, rows in working order: ``a = (1, x, ln y)``."""

    a: FloatArray
    names: list[str]
    w: FloatArray
    people: FloatArray
    strata: np.ndarray[Any, Any] | None
    psu: np.ndarray[Any, Any] | None
    lonely: str
    line_poor: FloatArray | None

    @property
    def y(self) -> FloatArray:
        out: FloatArray = self.a[:, -1]
        return out

    def design(self, rows: slice) -> DesignArrays:
        return DesignArrays.build(
            n=len(range(*rows.indices(self.a.shape[0]))),
            strata=None if self.strata is None else self.strata[rows],
            psu=None if self.psu is None else self.psu[rows],
            lonely=self.lonely,
        )


def _rows(
    frame: pl.DataFrame,
    design: Design,
    proxies: list[Proxy],
    welfare: str,
    net_of: str | None,
    unit: Weights,
    line: str | float | None,
) -> _Rows:
    need = [welfare, design.weight, "hhsize"] + ([net_of] if net_of else [])
    absent = [c for c in need if c not in frame.columns]
    if absent:
        raise DataError(
            said(
                "variable(s) {absent} not in the household table",
                absent=", ".join(repr(a) for a in absent),
            )
        )
    a, names = design_matrix(proxies, frame, left=1, right=1)
    size = frame.get_column("hhsize").cast(pl.Float64).to_numpy()
    value = frame.get_column(welfare).cast(pl.Float64).to_numpy()
    if net_of is not None:
        value = value - frame.get_column(net_of).cast(pl.Float64).fill_null(0).to_numpy() / size
    bad = ~np.isfinite(value) | (value <= 0)
    if np.any(bad):
        raise DataError(
            said(
                "welfare {welfare} is missing, zero or negative for {count} "
                "household(s): the model predicts its logarithm",
                welfare=repr(welfare),
                count=int(bad.sum()),
            )
        )
    a[:, 0] = 1.0
    a[:, -1] = np.log(value)
    hw = frame.get_column(design.weight).cast(pl.Float64).to_numpy()
    people = hw * size
    line_poor = None
    if isinstance(line, str):
        z = frame.get_column(line).cast(pl.Float64).to_numpy()
        line_poor = (value < z).astype(np.float64)
    elif line is not None:
        line_poor = (value < float(line)).astype(np.float64)
    return _Rows(
        a=a,
        names=names,
        w=hw if unit == "household" else people,
        people=people,
        strata=frame.get_column(design.strata).to_numpy() if design.strata else None,
        psu=frame.get_column(design.psu).to_numpy() if design.psu else None,
        lonely=design.lonely_psu.value,
        line_poor=line_poor,
    )


def _arrays(frame: pl.DataFrame, design: Design, rows: np.ndarray[Any, Any]) -> DesignArrays:
    return DesignArrays.build(
        n=int(rows.sum()),
        strata=frame.get_column(design.strata).to_numpy()[rows] if design.strata else None,
        psu=frame.get_column(design.psu).to_numpy()[rows] if design.psu else None,
        lonely=design.lonely_psu,
    )


class _Selector:
    """Chooses columns and coefficients from a Gram matrix, the same way in every fold."""

    def __init__(self, selection: Selection, blocks: list[list[int]]) -> None:
        self.selection = selection
        self.blocks = blocks
        self.grid: FloatArray | None = None
        self.best: int | None = None
        self.paths: list[FloatArray] = []

    def columns(self, g: FloatArray, n_obs: int, fold: int | None = None) -> list[int]:
        """Columns chosen on the cross-products ``g`` (``fold``: its training data)."""
        p = g.shape[0] - 2
        if self.selection == "ols":
            return list(range(p + 1))
        if self.selection == "stepwise":
            chosen = stepwise(g, self.blocks, n_obs)
            return [0, *sorted(c for b in chosen for c in self.blocks[b])]
        assert self.grid is not None and self.best is not None
        if fold is not None and fold < len(self.paths):
            last = self.paths[fold][self.best]  # computed when tuning
        else:
            last = lasso_path(g, self.grid[: self.best + 1])[-1]
        keep = np.flatnonzero(last[1:] != 0.0) + 1
        return [0, *keep.tolist()]

    def tune(self, cells: FloatArray) -> None:
        """Lasso: the penalty with the smallest cross-validated squared error."""
        if self.selection != "lasso":
            return
        total = cells.sum(axis=0)
        self.grid = lambda_grid(total)
        errors = np.zeros(self.grid.shape[0])
        for f in range(cells.shape[0]):
            train = total - cells[f]
            path = lasso_path(train, self.grid)
            self.paths.append(path)
            for i in range(path.shape[0]):
                theta = np.concatenate([-path[i], [1.0]])
                errors[i] += float(theta @ cells[f] @ theta)
        self.best = int(np.argmin(errors))

    @property
    def penalty(self) -> float | None:
        if self.grid is None or self.best is None:
            return None
        return float(self.grid[self.best])


def _coefficients(g: FloatArray, columns: list[int]) -> FloatArray:
    beta = np.zeros(g.shape[0] - 1)
    beta[columns] = ols(g, columns)
    return beta


def _group_codes(
    frame: pl.DataFrame, by: str | None
) -> tuple[np.ndarray[Any, Any], list[float | int | None]]:
    if by is None:
        return np.zeros(frame.height, dtype=np.int64), [None]
    if by not in frame.columns:
        raise DataError(
            said(
                "'by' variable {by} is not in the household table",
                by=repr(by),
            )
        )
    values = frame.get_column(by).cast(pl.Float64).to_numpy()
    if np.any(~np.isfinite(values)):
        raise DataError(said("'by' variable {by} has missing values", by=repr(by)))
    labels, codes = np.unique(values, return_inverse=True)
    if labels.size > 50:
        raise InsafError(
            said(
                "'by' variable {by} has {size} values: at most 50 models",
                by=repr(by),
                size=labels.size,
            )
        )
    return codes.astype(np.int64), [int(v) if float(v).is_integer() else float(v) for v in labels]


@dataclass(frozen=True, eq=False)
class _Layout:
    """Where each household sits: training rows grouped by (model group, fold), the
    held-out test rows last; ``order`` puts the frame in that order and ``bounds``
    are the first row of each (group, fold) cell, then of the test rows."""

    group: np.ndarray[Any, Any]
    labels: list[float | int | None]
    fold: np.ndarray[Any, Any]
    order: np.ndarray[Any, Any]
    bounds: np.ndarray[Any, Any]
    folds: int

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    @property
    def n_train(self) -> int:
        return int(self.bounds[self.n_groups * self.folds])

    def cell(self, g: int, f: int) -> slice:
        """The rows of fold ``f`` of group ``g``."""
        k = g * self.folds + f
        return slice(int(self.bounds[k]), int(self.bounds[k + 1]))

    def rows_of(self, g: int) -> slice:
        """The training rows of group ``g``."""
        return slice(int(self.bounds[g * self.folds]), int(self.bounds[(g + 1) * self.folds]))


def _layout(
    frame: pl.DataFrame,
    design: Design,
    by: str | None,
    folds: int,
    test_share: float | None,
    seed: int,
) -> _Layout:
    """Held-out PSUs (``test_share``), PSU folds of the rest, one block per model group."""
    n = frame.height
    everyone = np.ones(n, dtype=bool)
    test = (
        psu_split(_arrays(frame, design, everyone), test_share, seed)
        if test_share is not None
        else ~everyone
    )
    group, labels = _group_codes(frame, by)
    n_cells = len(labels) * folds
    fold = np.full(n, -1, dtype=np.int64)
    fold[~test] = psu_folds(_arrays(frame, design, ~test), folds, seed)
    key = np.where(test, n_cells, group * folds + fold)
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(n_cells + 2))
    return _Layout(group=group, labels=labels, fold=fold, order=order, bounds=bounds, folds=folds)


def _proxies(survey: Survey, proxies: Sequence[str | Proxy]) -> tuple[pl.DataFrame, list[Proxy]]:
    """The household table, and the proxies given (parsed from text where needed)
    resolved on it."""
    if survey.households is None:
        raise DataError(
            said(
                "a proxy-means test is fitted on a household table; this survey has none",
            )
        )
    given = [p for p in proxies if isinstance(p, Proxy)]
    texts = [p for p in proxies if not isinstance(p, Proxy)]
    parsed = given + (parse_proxies(texts) if texts else [])
    if not parsed:
        raise InsafError(said("no proxies given"))
    frame = survey.households.frame
    return frame, resolve(parsed, survey, frame)


def _blocks(resolved: Sequence[Proxy]) -> list[list[int]]:
    """Each proxy's columns of the design matrix (column 0 is the intercept)."""
    blocks: list[list[int]] = []
    j = 1
    for p in resolved:
        width = len(p.columns())
        blocks.append(list(range(j, j + width)))
        j += width
    return blocks


@dataclass(eq=False)
class _Fits:
    """Every group's model, its out-of-fold predictions and its fitted scores."""

    oof: FloatArray
    fitted: FloatArray
    models: list[GroupModel]
    penalties: list[float]


def _fit_groups(
    rows: _Rows,
    layout: _Layout,
    selection: Selection,
    blocks: list[list[int]],
    by: str | None,
) -> _Fits:
    """Per model group: the selection tuned and run again on each training fold (its
    fold predicted out of fold), then on all training rows (the group's model, which
    scores its training and held-out rows)."""
    a, w = rows.a, rows.w
    n, n_train, folds = layout.order.shape[0], layout.n_train, layout.folds
    cells = grams(a, w, layout.bounds[: layout.n_groups * folds + 1]).reshape(
        layout.n_groups, folds, a.shape[1], a.shape[1]
    )
    counts = np.diff(layout.bounds[: layout.n_groups * folds + 1]).reshape(layout.n_groups, folds)
    fits = _Fits(oof=np.zeros(n_train), fitted=np.zeros(n), models=[], penalties=[])
    group_sorted = layout.group[layout.order]
    for g in range(layout.n_groups):
        selector = _Selector(selection, blocks)
        selector.tune(cells[g])
        total = cells[g].sum(axis=0)
        if total[0, 0] <= 0:
            raise DataError(
                said(
                    "no training households in group {by}={labels}",
                    by=by,
                    labels=layout.labels[g],
                )
            )
        for f in range(folds):
            cols = selector.columns(
                total - cells[g, f], int(counts[g].sum() - counts[g, f]), fold=f
            )
            beta = _coefficients(total - cells[g, f], cols)
            cell = layout.cell(g, f)
            fits.oof[cell] = a[cell, :-1] @ beta
        cols = selector.columns(total, int(counts[g].sum()))
        beta = _coefficients(total, cols)
        mine = layout.rows_of(g)
        fits.fitted[mine] = a[mine, :-1] @ beta
        held = np.flatnonzero(group_sorted[n_train:] == g) + n_train
        fits.fitted[held] = a[held, :-1] @ beta
        stats = fit_metrics(rows.y[mine], fits.fitted[mine], w[mine])
        fits.models.append(
            GroupModel(
                group=layout.labels[g],
                intercept=float(beta[0]),
                coefficients={
                    rows.names[c - 1]: float(beta[c]) for c in cols if c > 0 and beta[c] != 0.0
                },
                n=int(counts[g].sum()),
                r2=stats["r2"],
                rmse=stats["rmse"],
            )
        )
        if selector.penalty is not None:
            fits.penalties.append(selector.penalty)
    return fits


def _validation(
    rows: _Rows,
    layout: _Layout,
    fits: _Fits,
    *,
    test_share: float | None,
    unit: Weights,
    line: str | float | None,
    coverages: Sequence[float],
    replicates: int,
    seed: int,
) -> dict[str, Any]:
    """In-sample fit, cross-validated metrics (overall and per fold) and, with
    ``test_share``, the metrics of the held-out PSUs."""
    w, n_train, n = rows.w, layout.n_train, layout.order.shape[0]
    train, test_rows = slice(0, n_train), slice(n_train, n)
    validation: dict[str, Any] = {
        "folds": layout.folds,
        "seed": seed,
        "test_share": test_share,
        "unit": unit,
        "line": line,
        "in_sample": fit_metrics(rows.y[train], fits.fitted[train], w[train]),
    }
    line_poor = rows.line_poor

    def check(part: slice, predicted: FloatArray) -> dict[str, Any]:
        return validate_predictions(
            rows.y[part],
            predicted,
            w[part],
            rows.people[part],
            rows.design(part),
            line_poor=None if line_poor is None else line_poor[part],
            coverages=coverages,
            replicates=replicates,
            seed=seed,
        )

    cv = check(train, fits.oof)
    fold_sorted = layout.fold[layout.order][:n_train]
    cv["per_fold"] = [
        {"fold": f, "n": int((fold_sorted == f).sum())}
        | fit_metrics(
            rows.y[train][fold_sorted == f],
            fits.oof[fold_sorted == f],
            w[train][fold_sorted == f],
        )
        for f in range(layout.folds)
    ]
    validation["cv"] = cv
    if test_share is not None:
        validation["test"] = check(test_rows, fits.fitted[test_rows]) | {"n": n - n_train}
    return validation


@renamed_keywords(weights="unit")
def fit_pmt(
    survey: Survey,
    proxies: Sequence[str | Proxy],
    *,
    welfare: str = "consumption_pc",
    net_of: str | None = None,
    by: str | None = None,
    selection: Selection = "ols",
    unit: Weights = "household",
    folds: int = 5,
    test_share: float | None = None,
    seed: int = 1,
    replicates: int = 100,
    line: str | float | None = "poverty_line",
    coverages: Sequence[float] = COVERAGES,
) -> PmtModel:
    """Fit a proxy-means test of ``ln(welfare)`` on ``proxies`` and validate it."""
    if selection not in ("ols", "stepwise", "lasso"):
        raise InsafError(
            said(
                "selection must be ols, stepwise or lasso, not {selection}",
                selection=repr(selection),
            )
        )
    if unit not in ("household", "person"):
        raise InsafError(
            said(
                "unit must be household or person, not {unit}",
                unit=repr(unit),
            )
        )
    frame, resolved = _proxies(survey, proxies)
    if isinstance(line, str) and line not in frame.columns:
        line = None
    layout = _layout(frame, survey.design, by, folds, test_share, seed)
    rows = _rows(frame[layout.order], survey.design, resolved, welfare, net_of, unit, line)
    fits = _fit_groups(rows, layout, selection, _blocks(resolved), by)
    used = {c for m in fits.models for c in m.coefficients}
    return PmtModel(
        proxies=tuple(p for p in resolved if any(c in used for c in p.columns())),
        models=tuple(fits.models),
        welfare=welfare if net_of is None else f"{welfare} - {net_of}/hhsize",
        by=by,
        selection=selection,
        unit=unit,
        penalty=float(np.mean(fits.penalties)) if fits.penalties else None,
        seed=seed,
        survey=_provenance(survey, frame.height),
        validation=_validation(
            rows,
            layout,
            fits,
            test_share=test_share,
            unit=unit,
            line=line,
            coverages=coverages,
            replicates=replicates,
            seed=seed,
        ),
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        insaf_version=__version__,
    )


def _provenance(survey: Survey, n: int) -> dict[str, Any]:
    return {
        "name": survey.name.to_dict(),
        "year": survey.year,
        "synthetic": survey.synthetic,
        "path": survey.path,
        "households": n,
    }

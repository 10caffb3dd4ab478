"""Many linear estimates at once (totals, means and ratios by domain) on one design.

An impact has dozens of linear statistics (the cost of each instrument in each
state, mean gains and shares of winners by decile and group, coverage). Each is
a ratio ``R_d = sum_d w y / sum_d w x`` (a mean when ``x = 1``, a total when
there is no denominator) with influence values ``z = 1_d (y - R_d x) / X_d``
(``z = y`` for a total), R ``survey``'s. Here the design's integer codes are
built once (``insaf.measures.variance.DesignArrays``). The PSU totals of the
influence values are those of ``w y`` and ``w x`` by PSU and domain::

    sum_{i in p, d} w_i z_i = (Y_pd - R_d X_pd) / X_d

(``Y_d`` is the sum of ``Y_pd`` over PSUs), so a variable costs one ``bincount``
whatever the number of domains; a denominator's totals are kept for every variable
divided by it; and the variances of all the statistics of one call come from
one ``insaf.measures.variance.linearized_variance``. Every result is an
``insaf.measures.Estimate`` carrying its PSU totals, so
``insaf.measures.difference`` pairs it with another estimate of the same sample.

Designs with replicate weights, and created replicates (jackknife,
bootstrap), go through the public ``insaf.measures`` functions one statistic
at a time instead: slower, the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from insaf import measures
from insaf.measures import Estimate, Estimates
from insaf.measures._kernels.arrays import dot
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import DesignArrays, FloatArray, linearized_variance
from insaf.survey import Survey

__all__ = ["LinearEstimator"]


@dataclass(frozen=True, eq=False)
class _Cells:
    """The domains of one ``by``: each row's domain, the domains' values, each row's
    (PSU, domain) cell, and the rows and population of each domain."""

    codes: np.ndarray[Any, Any]
    labels: list[Any]
    flat: np.ndarray[Any, Any]
    counts: np.ndarray[Any, Any]
    population: FloatArray


class LinearEstimator:
    """Totals and ratios of household columns of ``survey`` (its household table)."""

    def __init__(
        self,
        survey: Survey,
        *,
        variance: str = "auto",
        replicates: int = 200,
        seed: int = 1,
        arrays: DesignArrays | None = None,
        indicators: Mapping[str, tuple[str, Any]] | None = None,
    ) -> None:
        """``arrays``: the design's codes when already built for the same rows.

        ``indicators``: columns ``name`` that are ``1(column == value)`` (0 where
        ``column`` is missing), given as ``{name: (column, value)}``: the sums of all
        the indicators of one column come from one pass over the rows, summed as the
        0/1 columns would be. Replicate designs read them from the survey: it must
        hold them."""
        self.survey = survey
        self.variance = variance
        self.replicates = replicates
        self.seed = seed
        design = survey.design
        self.fast = variance in ("auto", "linearization") and design.replicates is None
        frame = survey.design_table.frame
        self.frame = frame
        self.w = frame.get_column(design.weight).cast(pl.Float64).to_numpy()
        self.arrays: DesignArrays | None = arrays
        self._columns: dict[str, FloatArray] = {}
        self._cells_kept: dict[str | None, _Cells] = {}
        self._sums_kept: dict[tuple[str | None, str | None], tuple[FloatArray, FloatArray]] = {}
        self.indicators = dict(indicators or {})
        self._codes: dict[str, np.ndarray[Any, Any]] = {}
        if self.fast and self.arrays is None:
            self.arrays = DesignArrays.build(
                n=frame.height,
                strata=frame.get_column(design.strata).to_numpy() if design.strata else None,
                psu=frame.get_column(design.psu).to_numpy() if design.psu else None,
                fpc=(
                    frame.get_column(design.fpc).cast(pl.Float64).to_numpy() if design.fpc else None
                ),
                lonely=design.lonely_psu,
            )

    def _column(self, name: str) -> FloatArray:
        if name not in self._columns:
            series = self.frame.get_column(name)
            if series.dtype != pl.Float64:
                series = series.cast(pl.Float64)
            self._columns[name] = np.ascontiguousarray(series.to_numpy(), dtype=np.float64)
        return self._columns[name]

    def _domains(self, by: str | None) -> tuple[np.ndarray[Any, Any], list[Any]]:
        if by is None:
            return np.zeros(self.frame.height, dtype=np.int64), [None]
        values = self.frame.get_column(by)
        if values.dtype.is_integer() and values.null_count() == 0 and values.len() > 0:
            # the same codes as below: the sorted distinct values, each row's position
            array = values.to_numpy().astype(np.int64, copy=False)
            low, high = int(array.min()), int(array.max())
            if high - low <= 4 * array.size + 1024:  # a table of every value in the range
                shifted = array - low
                distinct = np.flatnonzero(np.bincount(shifted, minlength=high - low + 1))
                table = np.zeros(high - low + 1, dtype=np.int64)
                table[distinct] = np.arange(distinct.size)
                return table[shifted], (distinct + low).tolist()
            distinct = np.unique(array)
            return np.searchsorted(distinct, array).astype(np.int64), distinct.tolist()
        labels = values.unique().sort().to_list()
        codes = (
            values.to_frame("v")
            .join(
                pl.DataFrame({"v": labels}, schema={"v": values.dtype}).with_row_index("c"),
                on="v",
                how="left",
                maintain_order="left",
            )
            .get_column("c")
            .to_numpy()
            .astype(np.int64)
        )
        return codes, labels

    def _slow(self, kind: str, column: str, denominator: str | None, by: str | None) -> Estimates:
        options: dict[str, Any] = {
            "by": by,
            "unit": "household",
            "variance": self.variance,
            "replicates": self.replicates,
            "seed": self.seed,
        }
        if kind == "total":
            return measures.total(self.survey, column, **options)
        if denominator is None:
            return measures.mean(self.survey, column, **options)
        return measures.ratio(self.survey, column, denominator, **options)

    def _cells(self, by: str | None) -> _Cells:
        """The domains of ``by`` and what every ratio by them shares (kept)."""
        found = self._cells_kept.get(by)
        if found is None:
            assert self.arrays is not None
            codes, labels = self._domains(by)
            n_dom = len(labels)
            found = _Cells(
                codes=codes,
                labels=labels,
                flat=self.arrays.psu * n_dom + codes if n_dom > 1 else self.arrays.psu,
                counts=np.bincount(codes, minlength=n_dom),
                population=np.asarray(
                    np.bincount(codes, weights=self.w, minlength=n_dom), dtype=np.float64
                ),
            )
            self._cells_kept[by] = found
        return found

    def _sums(self, by: str | None, column: str | None) -> tuple[FloatArray, FloatArray]:
        """``sum w y`` of ``column`` (``None``: of 1) by domain of ``by`` and by PSU and
        domain (``P x D``), from one pass, kept: a column asked for again (a mean's
        and a ratio's denominator, or in two calls) is summed once."""
        assert self.arrays is not None
        key = (by, column)
        if key not in self._sums_kept and column in self.indicators:
            self._indicator_sums(by, self.indicators[column][0])
        found = self._sums_kept.get(key)
        if found is None:
            cells = self._cells(by)
            n_dom = len(cells.labels)
            wy = self.w * self._column(column) if column is not None else self.w
            by_psu = np.bincount(cells.flat, weights=wy, minlength=self.arrays.n_psus * n_dom)
            cells_sums = np.asarray(by_psu, dtype=np.float64).reshape(self.arrays.n_psus, n_dom)
            found = cells_sums.sum(axis=0), cells_sums
            self._sums_kept[key] = found
        return found

    def indicator_codes(self, source: str) -> np.ndarray[Any, Any]:
        """Each row's position among the indicators of ``source`` (in ``indicators``'
        order), or their number where it has none of their values; kept."""
        found = self._codes.get(source)
        if found is None:
            values = [value for column, value in self.indicators.values() if column == source]
            series = self.frame.get_column(source)
            found = np.full(self.frame.height, len(values), dtype=np.int64)
            for position, value in enumerate(values):
                found[(series == value).fill_null(False).to_numpy()] = position
            self._codes[source] = found
        return found

    def _indicator_sums(self, by: str | None, source: str) -> None:
        """Keep the sums of every indicator of ``source`` by PSU and domain of ``by``, from
        one ``bincount`` over (PSU, domain, category) cells: each cell adds the same
        weights in the same order as the sum of ``w * 1(source == value)`` over the
        (PSU, domain) cell, whose other rows add zeros."""
        assert self.arrays is not None
        named = [(n, value) for n, (column, value) in self.indicators.items() if column == source]
        k = len(named)
        codes = self.indicator_codes(source)
        cells = self._cells(by)
        n_dom = len(cells.labels)
        flat = cells.flat * (k + 1) + codes
        size = self.arrays.n_psus * n_dom * (k + 1)
        found = np.bincount(flat, weights=self.w, minlength=size).astype(np.float64, copy=False)
        cube = found.reshape(self.arrays.n_psus, n_dom, k + 1)
        for position, (name, _) in enumerate(named):
            cells_sums = np.ascontiguousarray(cube[:, :, position])
            self._sums_kept[by, name] = cells_sums.sum(axis=0), cells_sums

    def ratios(
        self,
        columns: Sequence[str],
        denominator: str | None = None,
        *,
        by: str | None = None,
        measure: str = "mean",
    ) -> dict[str, list[Estimate]]:
        """``sum w y / sum w x`` of each column in each domain of ``by`` (a mean when
        ``denominator`` is None). Domains are in sorted order of their values.

        The PSU totals of the influence values come from the PSU totals of ``w y``
        and ``w x``: in domain ``d``, ``sum_{i in p, d} w_i z_i = (Y_pd - R_d X_pd) / X_d``,
        so each column costs one pass over the rows (its totals by PSU and domain), and
        every variance comes from one call."""
        if not self.fast:
            return {c: list(self._slow("ratio", c, denominator, by)) for c in columns}
        assert self.arrays is not None
        cells = self._cells(by)
        n_dom = len(cells.labels)
        big_x, x_pd = self._sums(by, denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            inverse_d = np.where(big_x != 0, 1.0 / big_x, 0.0)
        values: list[FloatArray] = []
        blocks: list[FloatArray] = []
        for column in columns:
            big_y, y_pd = self._sums(by, column)
            r = np.where(big_x != 0, big_y * inverse_d, np.nan)
            values.append(r)
            blocks.append((y_pd - x_pd * np.nan_to_num(r)) * inverse_d)
        totals = np.concatenate(blocks, axis=1) if blocks else np.zeros((self.arrays.n_psus, 0))
        var = linearized_variance(totals, self.arrays) if blocks else np.zeros(0)
        out: dict[str, list[Estimate]] = {}
        for j, column in enumerate(columns):
            out[column] = [
                Estimate(
                    measure=measure,
                    value=float(values[j][d]),
                    se=float(np.sqrt(max(float(var[j * n_dom + d]), 0.0))),
                    n=int(cells.counts[d]),
                    population=float(cells.population[d]),
                    domain=None if by is None else {by: cells.labels[d]},
                    variable=column if denominator is None else f"{column}/{denominator}",
                    basis=LinearBasis(totals=totals[:, j * n_dom + d].copy(), design=self.arrays),
                )
                for d in range(n_dom)
            ]
        return out

    def totals(self, columns: Sequence[str]) -> dict[str, Estimate]:
        """``sum w y`` of each column over the whole population."""
        if not self.fast:
            return {c: self._slow("total", c, None, None)[0] for c in columns}
        assert self.arrays is not None
        arrays = self.arrays
        n = self.frame.height
        population = float(self.w.sum())
        values = [self._column(c) for c in columns]
        totals = np.empty((arrays.n_psus, len(columns)))
        for j, y in enumerate(values):
            totals[:, j] = np.bincount(arrays.psu, weights=self.w * y, minlength=arrays.n_psus)
        var = linearized_variance(totals, arrays) if columns else np.zeros(0)
        out: dict[str, Estimate] = {}
        for j, column in enumerate(columns):
            out[column] = Estimate(
                measure="total",
                value=dot(self.w, values[j]),  # summed as the measures sum it
                se=float(np.sqrt(max(float(var[j]), 0.0))),
                n=n,
                population=population,
                variable=column,
                basis=LinearBasis(totals=totals[:, j].copy(), design=arrays),
            )
        return out

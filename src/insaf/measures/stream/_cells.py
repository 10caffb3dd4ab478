"""The cell table: sums of a dataset's values by (stratum, PSU, domain), batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from insaf.errors import DataError, DesignError, Location, said
from insaf.measures.stream._files import batches, checked
from insaf.measures.stream.statistic import Linear
from insaf.measures.variance import (
    DesignArrays,
    FloatArray,
    IntArray,
    _fpc_factor,
    stratum_scales,
)
from insaf.survey.design import Design

__all__ = [
    "Domains",
    "Plan",
    "Strata",
    "W",
    "check_streamable",
    "coded",
    "column",
    "domains",
    "psu_design",
    "strata",
    "sum_cells",
]

W = "__w"


def column(cells: pl.DataFrame, name: str) -> FloatArray:
    return cells.get_column(name).cast(pl.Float64).to_numpy()


@dataclass(frozen=True)
class Plan:
    """What to sum: the design keys, the domain keys and the value columns."""

    design: Design
    by: tuple[str, ...]
    statistics: tuple[Linear, ...]

    @property
    def clustered(self) -> bool:
        return self.design.psu is not None

    @property
    def strata(self) -> list[str]:
        return [self.design.strata] if self.design.strata else []

    @property
    def psu_keys(self) -> list[str]:
        """Stratum and PSU (a PSU label is unique within its stratum, R's nest=TRUE)."""
        return [*self.strata, self.design.psu] if self.design.psu else []

    @property
    def replicates(self) -> tuple[str, ...]:
        """The replicate weights' columns (none for a design without them)."""
        given = self.design.replicates
        return tuple(given.columns) if given is not None else ()

    @property
    def keys(self) -> list[str]:
        """The cells' keys: (stratum, PSU, domain), or the domain alone with replicate
        weights (each replicate's totals by domain are all their variance needs)."""
        if self.replicates:
            return [*self.by]
        return [*(self.psu_keys or self.strata), *self.by]

    @property
    def numeric(self) -> list[str]:
        fpc = [self.design.fpc] if self.design.fpc and not self.replicates else []
        cols = [c for s in self.statistics for c in s.columns]
        return list(dict.fromkeys([self.design.weight, *fpc, *self.replicates, *cols]))

    def weights(self) -> list[tuple[str, str]]:
        """Each weight's suffix in the cells' names and its column: ``""`` for the
        design's weight, ``"_{r}"`` for replicate ``r``."""
        return [("", self.design.weight), *((f"_{r}", c) for r, c in enumerate(self.replicates))]

    @property
    def read(self) -> list[str]:
        return list(dict.fromkeys([*self.keys, *self.numeric]))

    def values(self) -> list[pl.Expr]:
        """``__w``, then ``__a{j}`` and ``__b{j}`` for each statistic j, and with
        replicate weights ``__a{j}_{r}`` and ``__b{j}_{r}`` for each replicate r."""
        out = [pl.col(self.design.weight).cast(pl.Float64).alias(W)]
        for suffix, weight in self.weights():
            w = pl.col(weight).cast(pl.Float64)
            for j, s in enumerate(self.statistics):
                out.append(s.numerator(w).alias(f"__a{j}{suffix}"))
                b = s.denominator_of(w)
                out.append((b if b is not None else pl.lit(0.0)).alias(f"__b{j}{suffix}"))
        return out

    @property
    def value_names(self) -> list[str]:
        return [
            W,
            *(
                f"__{x}{j}{suffix}"
                for suffix, _ in self.weights()
                for j in range(len(self.statistics))
                for x in "ab"
            ),
        ]

    @property
    def crossed(self) -> bool:
        """Whether the cells carry the units' cross-products (units as their own PSUs,
        without replicate weights)."""
        return not self.clustered and not self.replicates

    def sums(self, frame: pl.DataFrame) -> pl.DataFrame:
        """One batch's sums by cell (and, unclustered, its cross-products)."""
        values = frame.with_columns(self.values())
        names = self.value_names
        aggs = [pl.len().alias("__n"), *(pl.col(c).sum() for c in names)]
        if self.design.fpc and not self.replicates:
            fpc = pl.col(self.design.fpc).cast(pl.Float64)
            aggs += [fpc.min().alias("__fpc_lo"), fpc.max().alias("__fpc_hi")]
        if self.crossed:
            aggs += [
                (pl.col(f"__{x}{j}") * pl.col(f"__{y}{j}")).sum().alias(f"__{x}{y}{j}")
                for j in range(len(self.statistics))
                for x, y in ("aa", "ab", "bb")
            ]
        keys: list[str | pl.Expr] = [*self.keys] or [pl.lit(0).alias("__all")]
        return values.group_by(keys).agg(aggs)

    def merged(self, parts: list[pl.DataFrame]) -> pl.DataFrame:
        """Cells of several batches added together."""
        frame = pl.concat(parts, how="vertical_relaxed")
        keys = self.keys or ["__all"]
        aggs = [
            pl.col(c).min()
            if c == "__fpc_lo"
            else pl.col(c).max()
            if c == "__fpc_hi"
            else pl.col(c).sum()
            for c in frame.columns
            if c not in keys
        ]
        return frame.group_by(keys).agg(aggs)


def sum_cells(
    files: Sequence[Path],
    plan: Plan,
    rows: int,
    visit: Callable[[pl.DataFrame], None] | None = None,
) -> pl.DataFrame:
    """The cells of the whole dataset; ``visit`` sees each checked batch too."""
    parts: list[pl.DataFrame] = []
    for path in files:
        first = 0
        for frame in batches(path, plan.read, rows):
            checked(frame, path, first, plan.numeric)
            if visit is not None:
                visit(frame)
            parts.append(plan.sums(frame))
            first += frame.height
            if len(parts) >= 16:
                parts = [plan.merged(parts)]
    if not parts:
        raise DataError(said("the dataset has no rows"), Location(file=str(files[0])))
    return plan.merged(parts)


def coded(frame: pl.DataFrame, keys: Sequence[str], lookup: pl.DataFrame) -> IntArray:
    """The ``__code`` that ``lookup`` gives each row's ``keys``."""
    return (
        frame.select(list(keys))
        .join(lookup, on=list(keys), how="left", maintain_order="left")
        .get_column("__code")
        .to_numpy()
        .astype(np.int64)
    )


def _numbered(cells: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """The distinct ``keys`` of the cells, sorted, each with its ``__code``."""
    return cells.select(list(keys)).unique().sort(list(keys)).with_row_index("__code")


@dataclass(frozen=True, eq=False)
class Domains:
    """The domains of ``by`` in sorted order (as in memory), and how to find them."""

    by: tuple[str, ...]
    labels: list[dict[str, object]]
    lookup: pl.DataFrame | None

    def of(self, frame: pl.DataFrame) -> IntArray:
        if self.lookup is None:
            return np.zeros(frame.height, dtype=np.int64)
        return coded(frame, self.by, self.lookup)


def domains(cells: pl.DataFrame, by: Sequence[str]) -> Domains:
    if not by:
        return Domains((), [{}], None)
    lookup = _numbered(cells, by)
    return Domains(tuple(by), list(lookup.drop("__code").iter_rows(named=True)), lookup)


def _fpc(cells: pl.DataFrame, group: IntArray, n: int, stratum_of: Sequence[str]) -> FloatArray:
    """The fpc of each of ``n`` groups (PSUs or strata) of the cells; an error names
    the stratum where it varies."""
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(low, group, column(cells, "__fpc_lo"))
    np.maximum.at(high, group, column(cells, "__fpc_hi"))
    varies = low != high
    if np.any(varies):
        raise DesignError(
            said(
                "fpc varies within stratum {stratum}",
                stratum=repr(stratum_of[int(np.argmax(varies))]),
            )
        )
    return low


def psu_design(plan: Plan, cells: pl.DataFrame) -> tuple[DesignArrays, pl.DataFrame]:
    """The design over the PSUs found in ``cells``, and a lookup from (stratum, PSU)
    to the PSU's code in it."""
    keys = plan.psu_keys
    psus = _numbered(cells, keys)
    fpc_values = None
    if plan.design.fpc:
        names = [str(x) for x in psus.get_column(keys[0]).to_list()]
        fpc_values = _fpc(cells, coded(cells, keys, psus), psus.height, names)
    arrays = DesignArrays.build(
        n=psus.height,
        strata=psus.get_column(plan.strata[0]).to_numpy() if plan.strata else None,
        psu=psus.get_column(keys[-1]).to_numpy(),
        fpc=fpc_values,
        lonely=plan.design.lonely_psu,
    )
    return arrays, psus.with_columns(pl.Series("__code", arrays.psu))


@dataclass(frozen=True, eq=False)
class Strata:
    """Units as their own PSUs: the strata, their sizes and variance scales
    (as ``variance._centred`` has them for PSUs)."""

    keys: list[str]
    lookup: pl.DataFrame | None
    n_h: IntArray
    scale: FloatArray
    multiplier: float
    adjust: np.ndarray

    @property
    def size(self) -> int:
        return int(self.n_h.size)

    def of(self, frame: pl.DataFrame) -> IntArray:
        if self.lookup is None:
            return np.zeros(frame.height, dtype=np.int64)
        return coded(frame, self.keys, self.lookup)

    def variance(self, squares: np.ndarray, sums: np.ndarray) -> float:
        """From each stratum's sum of squared unit totals and sum of unit totals
        (``sum (t - tbar)^2 = sum t^2 - n tbar^2``; uncentred where 'adjust' says)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            centred = np.where(
                self.adjust, squares, squares - sums * sums / np.maximum(self.n_h, 1)
            )
        return float(np.sum(self.scale * centred)) * self.multiplier


def strata(plan: Plan, cells: pl.DataFrame) -> Strata:
    """The strata of a design whose units are their own PSUs."""
    keys = plan.strata
    lookup = _numbered(cells, keys) if keys else None
    labels = (
        tuple(str(x) for x in lookup.get_column(keys[0]).to_list())
        if lookup is not None
        else ("(all)",)
    )
    code = coded(cells, keys, lookup) if lookup is not None else np.zeros(cells.height, np.int64)
    n_h = np.bincount(code, weights=column(cells, "__n"), minlength=len(labels)).astype(np.int64)
    factor = np.ones(len(labels))
    if plan.design.fpc:
        value_h = _fpc(cells, code, len(labels), labels)
        factor = _fpc_factor(value_h, np.arange(len(labels)), n_h, labels)
    scale, multiplier, adjust = stratum_scales(n_h, factor, plan.design.lonely_psu, labels)
    return Strata(keys, lookup, n_h, scale, multiplier, adjust)


def check_streamable(design: Design, *, replicates: bool = False) -> None:
    """What the streamed engine does not do yet is refused by name (``replicates``:
    whether the measure takes replicate weights)."""
    for name, given in (
        ("replicate weights", design.replicates if not replicates else None),
        ("calibration", design.calibration),
        ("a second stage (ssu)", design.ssu),
    ):
        if given:
            raise DesignError(
                said(
                    "the streamed engine does not handle {name} yet; use memory",
                    name=name,
                )
            )

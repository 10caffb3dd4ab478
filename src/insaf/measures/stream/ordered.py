"""The Gini coefficient of a dataset larger than memory, exact, by an external sort.

The Gini needs each unit's rank: ``G = (2 sum w r y - S)/(N Y) - 1`` with
``r_k`` the cumulative weight of the domain up to and including unit ``k``
(rows sorted by ``y``, ties in row order) and ``S = Y`` (Osier) or
``sum w^2 y`` (Eurostat). Its influence value (``insaf.measures`` gini kernel)
is ``z_k = (2 (r_k y_k + tail_k) - own_k - (G + 1)(Y + N y_k)) / (N Y)`` with
``tail_k = sum_{j >= k} w_j y_j``: linear in ``G``. So:

1. one pass adds up the cells (``_cells``: N, Y, the PSUs and the domains)
   and keeps a thin sample of ``y``;
2. a second pass writes each row's value, weight, domain and PSU into one of
   B spill files, in row order, by value range (bounds from the sample's
   quantiles: a value always goes to the same file, so ties stay together);
3. the spill files are read in value order, one at a time, each sorted by
   (domain, value, row); running sums of ``w`` and ``w y`` per domain carry
   from file to file, and the PSU totals of ``w (2 (r y + tail) - own)`` and
   ``w (Y + N y)`` are added up. Once ``G`` is known they combine into the
   PSU totals of ``w z``, and the variance is the in-memory code's.

Memory is one batch, or one spill file (about ``batch_rows`` rows), plus the
PSU totals; disk is about 32 bytes a row for the spill. The result equals
``insaf.measures.gini`` on the same rows read into memory in file order.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from insaf.errors import DataError, DesignError, said
from insaf.measures._kept import supplied_spec
from insaf.measures.estimate import Basis, Estimate, Estimates, LinearBasis, ReplicateBasis
from insaf.measures.stream import _cells as table
from insaf.measures.stream._files import batches, parquet_files
from insaf.measures.stream.linear import BATCH_ROWS
from insaf.measures.stream.statistic import Mean
from insaf.measures.types import GiniEstimator
from insaf.measures.variance import (
    DesignArrays,
    FloatArray,
    IntArray,
    ReplicateSpec,
    linearized_variance,
    replicate_variance,
)
from insaf.survey.design import Design

__all__ = [
    "Replicated",
    "Spilled",
    "add_rank_sums",
    "check_gini",
    "gini",
    "gini_estimates",
    "gini_of",
    "read_spill",
    "read_weighted",
    "refuse_spark_replicates",
    "replicated_gini",
    "replicated_of",
    "spark_refusal",
    "spilled",
]

_SAMPLE = 2048
"""Values of ``y`` kept from each batch to place the spill files' bounds."""

_SAMPLE_CAP = 1 << 16
"""Values of ``y`` kept at most (0.5 MB): past it, every batch's share is halved, so
the sample does not grow with the number of batches."""

_SPILL = pa.schema(
    [
        ("y", pa.float64()),
        ("w", pa.float64()),
        ("domain", pa.int64()),
        ("group", pa.int64()),
    ]
)


@dataclass
class _Sums:
    """What the Gini's ordered pass adds up, per domain (and per PSU or stratum)."""

    n_dom: int
    n_groups: int
    cells: dict[str, FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.carry_w, self.carry_wy, self.rwy, self.wwy = (np.zeros(self.n_dom) for _ in range(4))

    def add(self, name: str, index: IntArray, values: FloatArray) -> None:
        size = self.n_groups * self.n_dom
        found = np.bincount(index, weights=values, minlength=size)
        self.cells[name] = self.cells.get(name, np.zeros(size)) + found

    def grid(self, name: str) -> FloatArray:
        return self.cells[name].reshape(self.n_groups, self.n_dom)

    def grids(self) -> dict[str, FloatArray]:
        """Every sum added, as a grid (PSUs or strata x domains)."""
        return {name: self.grid(name) for name in self.cells}


@dataclass(frozen=True, eq=False)
class Replicated:
    """Replicate weights of a spilled dataset: how they combine, and each replicate's
    population and total of the variable by domain (replicates x domains)."""

    spec: ReplicateSpec
    key: str
    n_pop: FloatArray
    big_y: FloatArray

    @property
    def count(self) -> int:
        return int(self.n_pop.shape[0])


@dataclass(eq=False)
class Spilled:
    """A dataset's cell table, domains and PSUs (or strata), and its rows written
    to spill files by value range (``paths``, in value order)."""

    variable: str
    plan: table.Plan
    cells: pl.DataFrame
    found: table.Domains
    codes: IntArray
    n_pop: FloatArray
    big_y: FloatArray
    n: FloatArray
    arrays: DesignArrays | None
    units: table.Strata | None
    paths: list[Path]
    replicated: Replicated | None = None
    """With replicate weights: their population and total by domain (the spill files
    carry each row's replicate weights after its four columns)."""

    @property
    def n_dom(self) -> int:
        return len(self.found.labels)

    def replicate_estimates(self, measure: str, values: FloatArray) -> Estimates:
        """``measure`` with the design's weight (row 0 of ``values``, weights x domains)
        and the variance of the replicates' (the next rows), as in memory (R
        ``svrVar``)."""
        replicated = self.replicated
        assert replicated is not None
        if not np.all(np.isfinite(values[0])):
            raise DataError(
                said(
                    "{measure} is not defined in every domain (a domain without income?)",
                    measure=measure,
                )
            )
        thetas = values[1:]
        variances = replicate_variance(thetas, values[0], replicated.spec)
        bases = [
            ReplicateBasis(thetas=thetas[:, d].copy(), spec=replicated.spec, key=replicated.key)
            for d in range(self.n_dom)
        ]
        return self.estimates(measure, values[0], variances, bases, "replicates")

    def linearized_estimates(
        self, measure: str, values: FloatArray, totals: FloatArray
    ) -> Estimates:
        """``measure`` with the linearized variance of ``totals`` (the influence values'
        totals, PSUs or strata x domains) under the design's arrays, each domain's
        estimate keeping its ``LinearBasis``."""
        arrays = self.arrays
        assert arrays is not None
        variances = linearized_variance(totals, arrays)
        bases = [LinearBasis(totals=totals[:, d].copy(), design=arrays) for d in range(self.n_dom)]
        return self.estimates(measure, values, variances, bases)

    def refuse_replicates(self, measure: str) -> None:
        """What Spark does not compute with replicate weights yet is refused by name."""
        if self.replicated is not None:
            raise spark_refusal(measure)

    @property
    def n_groups(self) -> int:
        """PSUs (or strata) the rows are coded by: one with replicate weights."""
        if self.replicated is not None:
            return 1
        if self.arrays is not None:
            return self.arrays.n_totals
        assert self.units is not None
        return self.units.size

    def estimates(
        self,
        measure: str,
        values: FloatArray,
        variances: FloatArray,
        bases: Sequence[Basis | None] | None = None,
        method: str = "linearization",
    ) -> Estimates:
        """One estimate per domain: ``values``, the SEs of ``variances`` and ``bases``
        (none by default)."""
        if bases is None:
            bases = [None] * self.n_dom
        return Estimates(
            [
                Estimate(
                    measure=measure,
                    value=float(values[d]),
                    se=float(np.sqrt(max(variances[d], 0.0))),
                    n=int(self.n[d]),
                    population=float(self.n_pop[d]),
                    domain=self.found.labels[d] or None,
                    variable=self.variable,
                    method=method,
                    basis=bases[d],
                )
                for d in range(self.n_dom)
            ],
            by=self.plan.by,
        )


@contextmanager
def spilled(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Iterator[Spilled]:
    """Passes 1 and 2: the cells, then the spill files, in a temporary folder (under
    ``spill`` if given) removed on leaving the block. With replicate weights, each
    row's are spilled too (8 bytes a replicate), for every measure read from the files."""
    table.check_streamable(design, replicates=True)
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    plan = table.Plan(design, by_cols, (Mean(variable=variable),))
    files = parquet_files(source)
    sample: list[FloatArray] = []
    halvings = 0

    def keep(frame: pl.DataFrame) -> None:
        nonlocal halvings
        wanted = max(1, _SAMPLE >> halvings)
        values = frame.get_column(variable).cast(pl.Float64).to_numpy()
        sample.append(
            values[:: max(1, frame.height // wanted)].copy()
        )  # not a view: the batch goes
        if sum(kept.size for kept in sample) > _SAMPLE_CAP:  # every batch's share halved
            sample[:] = [kept[::2].copy() for kept in sample]
            halvings += 1

    cells = table.sum_cells(files, plan, batch_rows, keep)
    found = table.domains(cells, by_cols)
    codes = found.of(cells)
    n_dom = len(found.labels)
    rows = int(table.column(cells, "__n").sum())
    bounds = _bounds(np.concatenate(sample), math.ceil(rows / batch_rows))
    group_of: Callable[[pl.DataFrame], IntArray]
    arrays, units, replicated = None, None, None
    if plan.replicates:
        replicated = replicated_of(plan, cells, codes, n_dom)

        def group_of(frame: pl.DataFrame) -> IntArray:
            return np.zeros(frame.height, dtype=np.int64)
    elif plan.clustered:
        arrays, lookup = table.psu_design(plan, cells)

        def group_of(frame: pl.DataFrame) -> IntArray:
            return table.coded(frame, plan.psu_keys, lookup)
    else:
        units = table.strata(plan, cells)
        group_of = units.of
    with tempfile.TemporaryDirectory(prefix="insaf-spill-", dir=spill) as folder:
        paths = _spill(files, plan, variable, batch_rows, bounds, found, group_of, Path(folder))
        yield Spilled(
            variable=variable,
            plan=plan,
            cells=cells,
            found=found,
            codes=codes,
            n_pop=_by_domain(codes, table.column(cells, "__b0"), n_dom),
            big_y=_by_domain(codes, table.column(cells, "__a0"), n_dom),
            n=_by_domain(codes, table.column(cells, "__n"), n_dom),
            arrays=arrays,
            units=units,
            paths=paths,
            replicated=replicated,
        )


def read_weighted(path: Path, count: int) -> tuple[FloatArray, IntArray, FloatArray]:
    """One spill file's values, domains and every weight (the design's, then each of
    ``count`` replicates': weights x rows), in row order."""
    with pa.memory_map(str(path)) as source:
        found = pa.ipc.open_file(source).read_all()
    columns = [1, *range(len(_SPILL), len(_SPILL) + count)]  # replicates after the four
    weights = np.array([found.column(c).to_numpy() for c in columns])
    return found.column(0).to_numpy(), found.column(2).to_numpy(), weights


def read_spill(path: Path) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """One spill file's value, weight, domain and PSU (or stratum), in row order."""
    with pa.memory_map(str(path)) as source:
        spilled = pa.ipc.open_file(source).read_all()
    y, w, d, grp = (spilled.column(i).to_numpy() for i in range(4))
    return y, w, d, grp


def gini(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    estimator: GiniEstimator = "osier",
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Estimates:
    """The Gini of ``variable`` in each domain of ``by``, with its linearized SE,
    from the Parquet files of ``source``, sorting through spill files in a
    temporary folder (under ``spill`` if given). To compute several rank-based
    measures from one sort, use ``spilled`` and ``gini_of``."""
    with spilled(
        source, variable, design=design, by=by, batch_rows=batch_rows, spill=spill
    ) as data:
        return gini_of(data, estimator=estimator)


def gini_of(data: Spilled, *, estimator: GiniEstimator = "osier") -> Estimates:
    """The Gini of a spilled dataset (``spilled``), by domain, with its SE."""
    check_gini(data, estimator)
    if data.replicated is not None:
        return _replicated_gini(data, data.replicated, estimator)
    sums = _Sums(data.n_dom, data.n_groups)
    for path in data.paths:
        _ordered(path, sums, data.n_pop, data.big_y, estimator, clustered=data.arrays is not None)
    return gini_estimates(data, estimator, sums.rwy, sums.wwy, sums.grids())


def check_gini(data: Spilled, estimator: str) -> None:
    """The Gini's ``estimator`` known, and the variable's total positive in every domain."""
    if estimator not in ("osier", "eurostat"):
        raise DataError(
            said(
                "unknown Gini estimator {estimator}; choose osier or eurostat",
                estimator=repr(estimator),
            )
        )
    if np.any(data.big_y <= 0):
        raise DataError(
            said(
                "the Gini needs a positive total of the variable in every domain",
            )
        )


def gini_estimates(
    data: Spilled,
    estimator: str,
    rwy: FloatArray,
    wwy: FloatArray,
    grids: Mapping[str, FloatArray],
) -> Estimates:
    """The Gini by domain with its linearized variance, from the ordered pass's sums:
    ``rwy`` (``sum r w y``) and ``wwy`` (``sum w^2 y``) per domain, and ``grids`` per
    (PSU or stratum, domain): ``t1`` and ``t2``, and for units as PSUs their squares
    and product ``t11``, ``t12`` and ``t22``."""
    n_pop, big_y = data.n_pop, data.big_y
    second = big_y if estimator == "osier" else wwy
    g = (2.0 * rwy - second) / (n_pop * big_y) - 1.0
    scale = n_pop * big_y
    if data.arrays is not None:
        totals = (grids["t1"] - (g + 1.0) * grids["t2"]) / scale
        return data.linearized_estimates("gini", g, totals)
    assert data.units is not None
    c = g + 1.0
    squares = grids["t11"] - 2 * c * grids["t12"] + c * c * grids["t22"]
    first = (grids["t1"] - c * grids["t2"]) / scale
    units = data.units
    variances = np.array(
        [units.variance(squares[:, d] / scale[d] ** 2, first[:, d]) for d in range(data.n_dom)]
    )
    return data.estimates("gini", g, variances)


def refuse_spark_replicates(design: Design, measure: str) -> None:
    """A design with replicate weights refused for ``measure`` before any Spark job
    (``spark_refusal``)."""
    if design.replicates is not None:
        raise spark_refusal(measure)


def spark_refusal(measure: str) -> DesignError:
    """Spark's refusal of ``measure`` with replicate weights (each replicate would need
    its own quantile found along the distributed sort)."""
    return DesignError(
        said(
            "Spark does not estimate {measure} with replicate weights yet (the Gini and the "
            "linear measures it does); the streamed engine does (--engine stream), or memory",
            measure=measure,
        )
    )


def replicated_of(plan: table.Plan, cells: pl.DataFrame, codes: IntArray, n_dom: int) -> Replicated:
    """The replicate weights' spec, and each replicate's population and total by domain
    from the cell table (its ``__b0_{r}`` and ``__a0_{r}`` columns)."""
    given = plan.design.replicates
    assert given is not None
    count = len(plan.replicates)
    return Replicated(
        spec=supplied_spec(given),
        key="stream|" + ",".join(given.columns),
        n_pop=np.array(
            [_by_domain(codes, table.column(cells, f"__b0_{r}"), n_dom) for r in range(count)]
        ),
        big_y=np.array(
            [_by_domain(codes, table.column(cells, f"__a0_{r}"), n_dom) for r in range(count)]
        ),
    )


def _replicated_gini(data: Spilled, replicated: Replicated, estimator: GiniEstimator) -> Estimates:
    """The Gini with the design's weight and with each replicate weight, along the one
    order of the spill files (ties in row order, as in memory), and the variance of
    the replicate Ginis as in memory (R ``svrVar``)."""
    n_dom, count = data.n_dom, replicated.count
    carry_w, rwy, wwy = (np.zeros((count + 1, n_dom)) for _ in range(3))
    for path in data.paths:
        y, d, weights = read_weighted(path, count)
        by_value = np.argsort(y, kind="stable")
        order = by_value[np.argsort(d[by_value].astype(np.int32), kind="stable")]
        add_rank_sums(y[order], d[order], weights[:, order], carry_w, rwy, wwy)
    return replicated_gini(data, replicated, rwy, wwy, estimator)


def add_rank_sums(
    y: FloatArray,
    d: IntArray,
    weights: FloatArray,
    carry_w: FloatArray,
    rwy: FloatArray,
    wwy: FloatArray,
) -> None:
    """Rows in (domain, value, row) order, with every weight (weights x rows): add, per
    weight and domain, ``sum r w y`` to ``rwy`` and ``sum w^2 y`` to ``wwy`` (``r`` the
    cumulative weight of the domain, from ``carry_w``, the weight of the rows before
    these), and the rows' weights to ``carry_w``."""
    n_dom = carry_w.shape[1]
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    lengths = np.diff(np.r_[starts, d.size])
    for k, w in enumerate(weights):
        wy, cw = w * y, np.cumsum(w)
        r = carry_w[k][d] + cw - np.repeat(np.r_[0.0, cw][starts], lengths)
        rwy[k] += np.bincount(d, weights=r * wy, minlength=n_dom)
        wwy[k] += np.bincount(d, weights=w * wy, minlength=n_dom)
        carry_w[k] += np.bincount(d, weights=w, minlength=n_dom)


def replicated_gini(
    data: Spilled,
    replicated: Replicated,
    rwy: FloatArray,
    wwy: FloatArray,
    estimator: GiniEstimator,
) -> Estimates:
    """The Gini with the design's weight (row 0 of ``rwy`` and ``wwy``, the sums of
    ``r w y`` and ``w^2 y`` by domain) and each replicate's (the next rows), with the
    variance of the replicate Ginis (R ``svrVar``)."""
    n_pop = np.vstack([data.n_pop, replicated.n_pop])
    big_y = np.vstack([data.big_y, replicated.big_y])
    second = big_y if estimator == "osier" else wwy
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (2.0 * rwy - second) / (n_pop * big_y) - 1.0
    return data.replicate_estimates("gini", g)


def _by_domain(codes: IntArray, values: FloatArray, n_dom: int) -> FloatArray:
    return np.asarray(np.bincount(codes, weights=values, minlength=n_dom), dtype=np.float64)


def _bounds(sample: FloatArray, parts: int) -> FloatArray:
    """Values that cut the data into about ``parts`` spill files of equal size."""
    if parts <= 1:
        return np.empty(0)
    return np.unique(np.quantile(sample, np.linspace(0.0, 1.0, parts + 1)[1:-1]))


def _spill(
    files: Sequence[Path],
    plan: table.Plan,
    variable: str,
    rows: int,
    bounds: FloatArray,
    found: table.Domains,
    group_of: Callable[[pl.DataFrame], IntArray],
    folder: Path,
) -> list[Path]:
    """Every row's (y, w, domain, PSU or stratum) in the spill file of its value
    range, in row order (which the ordered pass relies on for ties); the files in
    value order."""
    paths = [folder / f"{i:05d}.arrow" for i in range(bounds.size + 1)]
    schema = _SPILL
    for r in range(len(plan.replicates)):
        schema = schema.append(pa.field(f"r{r}", pa.float64()))
    writers: dict[int, pa.RecordBatchFileWriter] = {}
    try:
        for path in files:
            for frame in batches(path, plan.read, rows):
                y = frame.get_column(variable).cast(pl.Float64).to_numpy()
                w = frame.get_column(plan.design.weight).cast(pl.Float64).to_numpy()
                part = np.searchsorted(bounds, y, side="right")
                order = np.argsort(part, kind="stable")
                columns = [
                    y[order],
                    w[order],
                    found.of(frame)[order],
                    group_of(frame)[order],
                    *(
                        frame.get_column(c).cast(pl.Float64).to_numpy()[order]
                        for c in plan.replicates
                    ),
                ]
                cuts = np.flatnonzero(np.diff(part[order])) + 1
                for chunk in np.split(np.arange(frame.height), cuts):
                    if not chunk.size:
                        continue
                    b = int(part[order][chunk[0]])
                    if b not in writers:
                        writers[b] = pa.ipc.new_file(paths[b], schema)
                    writers[b].write_batch(
                        pa.record_batch([pa.array(c[chunk]) for c in columns], schema=schema)
                    )
    finally:
        for writer in writers.values():
            writer.close()
    return [paths[b] for b in sorted(writers)]


def _ordered(
    path: Path,
    sums: _Sums,
    n_pop: FloatArray,
    big_y: FloatArray,
    estimator: GiniEstimator,
    *,
    clustered: bool,
) -> None:
    """Add one spill file, in (domain, value, row) order, to the running sums."""
    y, w, d, grp = read_spill(path)
    # a spill file holds its rows in row order, so two stable sorts give (domain, value, row)
    by_value = np.argsort(y, kind="stable")
    order = by_value[np.argsort(d[by_value].astype(np.int32), kind="stable")]
    y, w, d, grp = y[order], w[order], d[order], grp[order]
    wy = w * y
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    lengths = np.diff(np.r_[starts, d.size])
    cw, cwy = np.cumsum(w), np.cumsum(wy)
    base_w = np.repeat(np.r_[0.0, cw][starts], lengths)
    base_wy = np.repeat(np.r_[0.0, cwy][starts], lengths)
    r = sums.carry_w[d] + cw - base_w
    tail = big_y[d] - (sums.carry_wy[d] + cwy - base_wy) + wy
    sums.rwy += np.bincount(d, weights=r * wy, minlength=sums.n_dom)
    sums.wwy += np.bincount(d, weights=w * wy, minlength=sums.n_dom)
    sums.carry_w += np.bincount(d, weights=w, minlength=sums.n_dom)
    sums.carry_wy += np.bincount(d, weights=wy, minlength=sums.n_dom)
    own = y if estimator == "osier" else 2.0 * wy
    t1 = w * (2.0 * (r * y + tail) - own)
    t2 = w * (big_y[d] + n_pop[d] * y)
    index = grp * sums.n_dom + d
    sums.add("t1", index, t1)
    sums.add("t2", index, t2)
    if not clustered:
        sums.add("t11", index, t1 * t1)
        sums.add("t12", index, t1 * t2)
        sums.add("t22", index, t2 * t2)

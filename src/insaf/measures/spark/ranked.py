"""The Gini coefficient as Spark jobs, exact, by a distributed sort.

As in the streamed engine (``stream.ordered``), the Gini and its influence
values need each unit's cumulative weight and cumulative ``w y`` within its
domain, in value order. Here:

1. Spark sums the cell table (``_source.cell_table``: N, Y, the PSUs and the
   domains), collected to the driver;
2. each row's value, weight, domain and PSU (or stratum) are range-partitioned
   on the value (``repartitionByRange``: equal values land in the same
   partition, and partition ``p`` holds values below partition ``p + 1``'s),
   sorted within each partition by (value, file, row in the file), and kept
   (``persist``);
3. one small job sums ``w``, ``w y`` and ``w y^2`` by (partition, domain);
   collected, their running totals are each partition's offsets;
4. ``mapInArrow`` walks each partition in order from its offsets, giving each
   row its cumulative sums (``r`` and ``tail``) and adding the parts of its
   influence value into (PSU, domain) cells, which Spark sums and the driver
   combines as ``stream.ordered.gini_of`` does, with the in-memory variance
   code.

**Ties.** With tied values a unit's influence value (and, with unequal
weights, the Gini) depends on its place among the ties. The in-memory and
streamed engines take rows in reading order; so does this one, exactly: a
row's place is its file's place in ``source`` (``stream.parquet_files``
order) and its row in that file (Spark's ``_metadata.row_index``). A Spark
DataFrame given as ``source`` is taken in its own order
(``monotonically_increasing_id``, the order ``collect`` returns).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
from pyspark import StorageLevel, TaskContext
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf
from pyspark.sql.types import LongType, StructField, StructType

from insaf.errors import DataError
from insaf.measures.estimate import Estimates
from insaf.measures.spark._source import (
    FILE,
    PATH,
    ROW,
    Source,
    _local,
    cell_table,
    read,
    session,
    spark_errors,
)
from insaf.measures.stream import _cells as table
from insaf.measures.stream.ordered import (
    Replicated,
    Spilled,
    add_rank_sums,
    check_gini,
    gini_estimates,
    replicated_gini,
    replicated_of,
)
from insaf.measures.stream.statistic import Mean
from insaf.measures.types import GiniEstimator
from insaf.measures.variance import FloatArray
from insaf.survey.design import Design

__all__ = ["ROWS_PER_PARTITION", "Ranked", "gini", "gini_of", "ranked"]

ROWS_PER_PARTITION = 2_000_000
"""Rows per range partition when ``partitions`` is not given (at least Spark's
default parallelism): a partition's rows pass through one Python worker."""

_CODED = ("y", "w", "d", "g", "__file", "__row")
"""The sorted rows' first columns: value, weight, domain, group (PSU or stratum),
file and row; the replicate weights follow."""
_FIRST_REPLICATE = len(_CODED)
"""The column of the first replicate weight in the sorted rows."""
_GINI_PARTS = ("t1", "t2", "rwy", "wwy", "t11", "t12", "t22")


@dataclass(eq=False)
class Ranked:
    """A dataset sorted by value in Spark, with what the rank-based measures share:
    ``summary`` (the cell table, domains, PSUs or strata, N and Y by domain; as
    ``stream.Spilled``, without spill files), ``frame`` (the persisted rows, range
    partition ``p`` holding the ``p``-th range of values, sorted), and per
    partition and domain the sums of ``w``, ``w y`` and ``w y^2``."""

    summary: Spilled
    frame: DataFrame
    w: FloatArray
    wy: FloatArray
    wy2: FloatArray
    replicate_w: FloatArray | None = None
    """With replicate weights: each replicate's sum of ``w`` by partition and domain
    (replicates x partitions x domains), its offsets along the sort."""

    @property
    def partitions(self) -> int:
        return int(self.w.shape[0])


def _file_order(files: Sequence[Path] | None) -> Callable[[str], int]:
    """A file's place in the reading order, from its name as Spark gives it."""
    place: dict[str, int] = {}
    for i, path in enumerate(files or ()):
        place.setdefault(str(path.absolute()), i)
        place.setdefault(str(path.resolve()), i)

    def of(uri: str) -> int:
        local = _local(uri)
        found = place.get(local, place.get(str(Path(local).resolve())))
        if found is None:
            raise DataError(f"Spark read a file that is not in the dataset: {local}")
        return found

    return of


def _spelt(path: Column | str) -> Column:
    """A file's URI with ``file:`` and its slashes made one ``/`` (Spark spells the
    same file ``file:/a`` in ``_metadata`` and ``file:///a`` in ``inputFiles``)."""
    column = sf.col(path) if isinstance(path, str) else path
    return sf.regexp_replace(column, "^file:/+", "/")


def _code(
    frame: DataFrame, keys: Sequence[str], lookup: pl.DataFrame | None, name: str
) -> DataFrame:
    """``frame`` with the code ``lookup`` gives each row's ``keys`` (0 without keys),
    by a broadcast join on the small lookup."""
    if lookup is None or not keys:
        return frame.withColumn(name, sf.lit(0).cast("long"))
    schema = StructType([*(frame.schema[k] for k in keys), StructField(name, LongType())])
    rows = lookup.select(*keys, pl.col("__code").cast(pl.Int64).alias(name)).rows()
    small = frame.sparkSession.createDataFrame(rows, schema=schema)
    return frame.join(sf.broadcast(small), on=list(keys), how="left")


def _coded(
    data: Source,
    variable: str,
    weight: str,
    found: table.Domains,
    groups: tuple[Sequence[str], pl.DataFrame | None],
    replicates: Sequence[str] = (),
) -> DataFrame:
    """Each row's value, weight, domain code, PSU (or stratum) code and place (its
    file's place in the reading order and its row), then its replicate weights
    (``w0``, ``w1``...), all in Spark."""
    frame = _code(data.frame, found.by, found.lookup, "d")
    frame = _code(frame, groups[0], groups[1], "g")
    if data.files is None:
        place = sf.lit(0).cast("long")
    else:
        order = _file_order(data.files)
        pairs = [(uri, order(uri)) for uri in data.frame.inputFiles()]
        spelt = sf.create_map(
            *(x for uri, i in pairs for x in (_spelt(sf.lit(uri)), sf.lit(i).cast("long")))
        )
        place = sf.coalesce(
            sf.element_at(spelt, _spelt(PATH)),
            sf.raise_error(sf.concat(sf.lit("a file is not in the dataset: "), sf.col(PATH))),
        ).cast("long")
    return frame.select(
        sf.col(variable).cast("double").alias("y"),
        sf.col(weight).cast("double").alias("w"),
        "d",
        "g",
        place.alias(FILE),
        sf.col(ROW).cast("long").alias(ROW),
        *(sf.col(c).cast("double").alias(f"w{r}") for r, c in enumerate(replicates)),
    )


def _dense(found: pa.Table, rows: int, cols: int, names: Sequence[str]) -> dict[str, FloatArray]:
    """Sums collected in long form (``r``, ``c``, values) as ``rows x cols`` grids."""
    frame = pl.from_arrow(found)
    assert isinstance(frame, pl.DataFrame)
    r, c = frame.get_column("r").to_numpy(), frame.get_column("c").to_numpy()
    out = {}
    for name in names:
        grid = np.zeros((rows, cols))
        np.add.at(grid, (r, c), frame.get_column(name).cast(pl.Float64).to_numpy())
        out[name] = grid
    return out


@contextmanager
def ranked(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Iterator[Ranked]:
    """Steps 1 to 3: the cells, the sorted rows (kept in Spark while the block runs,
    released on leaving it) and the partitions' sums. ``partitions`` range
    partitions (by default one per ``ROWS_PER_PARTITION`` rows, at least Spark's
    default parallelism)."""
    table.check_streamable(design, replicates=True)
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    plan = table.Plan(design, by_cols, (Mean(variable=variable),))
    spark = session(spark)
    data = read(source, spark)
    cells = cell_table(plan, data)
    found = table.domains(cells, by_cols)
    codes = found.of(cells)
    n_dom = len(found.labels)
    groups: tuple[Sequence[str], pl.DataFrame | None]
    arrays, units, replicated = None, None, None
    if plan.replicates:
        replicated = replicated_of(plan, cells, codes, n_dom)
        groups = ((), None)
    elif plan.clustered:
        arrays, lookup = table.psu_design(plan, cells)
        groups = (plan.psu_keys, lookup)
    else:
        units = table.strata(plan, cells)
        groups = (units.keys, units.lookup)

    def by_domain(name: str) -> FloatArray:
        return np.bincount(codes, weights=table.column(cells, name), minlength=n_dom).astype(
            np.float64
        )

    summary = Spilled(
        variable=variable,
        plan=plan,
        cells=cells,
        found=found,
        codes=codes,
        n_pop=by_domain("__b0"),
        big_y=by_domain("__a0"),
        n=by_domain("__n"),
        arrays=arrays,
        units=units,
        paths=[],
        replicated=replicated,
    )
    rows = int(summary.n.sum())
    count = partitions or max(
        spark.sparkContext.defaultParallelism, math.ceil(rows / ROWS_PER_PARTITION)
    )
    coded = _coded(data, variable, design.weight, found, groups, plan.replicates)
    ordered = (
        coded.repartitionByRange(count, "y")
        .sortWithinPartitions("y", FILE, ROW)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        y, w = sf.col("y"), sf.col("w")
        with spark_errors():
            parts = (
                ordered.groupBy(sf.spark_partition_id().alias("r"), sf.col("d").alias("c"))
                .agg(
                    sf.sum(w).alias("w"),
                    sf.sum(w * y).alias("wy"),
                    sf.sum(w * y * y).alias("wy2"),
                    *(sf.sum(f"w{r}").alias(f"w{r}") for r in range(len(plan.replicates))),
                )
                .toArrow()
            )
        names = [f"w{r}" for r in range(len(plan.replicates))]
        sums = _dense(parts, count, n_dom, ("w", "wy", "wy2", *names))
        replicate_w = np.array([sums[n] for n in names]) if names else None
        yield Ranked(summary, ordered, sums["w"], sums["wy"], sums["wy2"], replicate_w)
    finally:
        ordered.unpersist()


def _offsets(per_part: FloatArray) -> FloatArray:
    """Each partition's running total before it, per domain."""
    return np.vstack([np.zeros(per_part.shape[1]), np.cumsum(per_part, axis=0)[:-1]])


def gini(
    source: str | Path | Sequence[str | Path] | DataFrame,
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    estimator: GiniEstimator = "osier",
    spark: SparkSession | None = None,
    partitions: int | None = None,
) -> Estimates:
    """The Gini of ``variable`` in each domain of ``by``, with its linearized SE,
    computed by ``spark`` (the active session, or a new ``local[*]`` one), equal to
    ``stream.gini`` and ``insaf.measures.gini`` on the same rows in reading order.
    To compute several rank-based measures from one sort, use ``ranked`` and
    ``gini_of``."""
    with ranked(source, variable, design=design, by=by, spark=spark, partitions=partitions) as data:
        return gini_of(data, estimator=estimator)


def gini_of(data: Ranked, *, estimator: GiniEstimator = "osier") -> Estimates:
    """The Gini of a sorted dataset (``ranked``), by domain, with its SE."""
    summary = data.summary
    check_gini(summary, estimator)
    n_pop, big_y, n_dom, n_groups = summary.n_pop, summary.big_y, summary.n_dom, summary.n_groups
    if summary.replicated is not None:
        return _replicated_gini(data, summary.replicated, estimator)
    carry_w, carry_wy = _offsets(data.w), _offsets(data.wy)
    clustered = summary.arrays is not None
    osier = estimator == "osier"

    def walk(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """One range partition, in (value, file, row) order, from its offsets."""
        context = TaskContext.get()
        assert context is not None
        part = context.partitionId()
        run_w, run_wy = carry_w[part].copy(), carry_wy[part].copy()
        size = n_groups * n_dom
        acc = {name: np.zeros(size) for name in _GINI_PARTS}
        seen = np.zeros(size, dtype=bool)
        for batch in batches:
            y, w, d, grp = (batch.column(i).to_numpy() for i in range(4))
            # rows come in (value, row) order: a stable sort by domain keeps it
            order = np.argsort(d, kind="stable")
            y, w, d, grp = y[order], w[order], d[order], grp[order]
            wy = w * y
            starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
            lengths = np.diff(np.r_[starts, d.size])
            cw, cwy = np.cumsum(w), np.cumsum(wy)
            r = run_w[d] + cw - np.repeat(np.r_[0.0, cw][starts], lengths)
            tail = big_y[d] - (run_wy[d] + cwy - np.repeat(np.r_[0.0, cwy][starts], lengths)) + wy
            run_w += np.bincount(d, weights=w, minlength=n_dom)
            run_wy += np.bincount(d, weights=wy, minlength=n_dom)
            own = y if osier else 2.0 * wy
            t1 = w * (2.0 * (r * y + tail) - own)
            t2 = w * (big_y[d] + n_pop[d] * y)
            values = {"t1": t1, "t2": t2, "rwy": r * wy, "wwy": w * wy}
            if not clustered:
                values |= {"t11": t1 * t1, "t12": t1 * t2, "t22": t2 * t2}
            index = grp * n_dom + d
            seen[index] = True
            for name, v in values.items():
                acc[name] += np.bincount(index, weights=v, minlength=size)
        cell = np.flatnonzero(seen)
        if cell.size:
            yield pa.RecordBatch.from_arrays(
                [pa.array(cell // n_dom), pa.array(cell % n_dom)]
                + [pa.array(acc[name][cell]) for name in _GINI_PARTS],
                names=["r", "c", *_GINI_PARTS],
            )

    schema = "r long, c long, " + ", ".join(f"{name} double" for name in _GINI_PARTS)
    with spark_errors():
        found = (
            data.frame.mapInArrow(walk, schema)
            .groupBy("r", "c")
            .agg(*(sf.sum(name).alias(name) for name in _GINI_PARTS))
            .toArrow()
        )
    sums = _dense(found, n_groups, n_dom, _GINI_PARTS)
    rwy, wwy = sums["rwy"].sum(axis=0), sums["wwy"].sum(axis=0)
    return gini_estimates(summary, estimator, rwy, wwy, sums)


def _replicated_gini(data: Ranked, replicated: Replicated, estimator: GiniEstimator) -> Estimates:
    """The Gini with the design's weight and each replicate's along the one sort: each
    partition walked from its offsets of every weight, giving per weight and domain
    the sums of ``r w y`` and ``w^2 y`` (``stream.ordered.replicated_gini``)."""
    assert data.replicate_w is not None
    n_dom, count = data.summary.n_dom, replicated.count
    offsets = np.array([_offsets(w) for w in (data.w, *data.replicate_w)])

    def walk(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """One range partition, in (value, file, row) order, from its offsets."""
        context = TaskContext.get()
        assert context is not None
        run_w = offsets[:, context.partitionId()].copy()  # weights x domains
        rwy, wwy = np.zeros((count + 1, n_dom)), np.zeros((count + 1, n_dom))
        columns = [1, *range(_FIRST_REPLICATE, _FIRST_REPLICATE + count)]
        for batch in batches:
            y, d = batch.column(0).to_numpy(), batch.column(2).to_numpy()
            order = np.argsort(d, kind="stable")  # rows come in (value, row) order
            weights = np.array([batch.column(c).to_numpy()[order] for c in columns])
            add_rank_sums(y[order], d[order], weights, run_w, rwy, wwy)
        weight, domain = np.divmod(np.arange((count + 1) * n_dom), n_dom)
        yield pa.RecordBatch.from_arrays(
            [pa.array(weight), pa.array(domain), pa.array(rwy.ravel()), pa.array(wwy.ravel())],
            names=["r", "c", "rwy", "wwy"],
        )

    with spark_errors():
        found = (
            data.frame.mapInArrow(walk, "r long, c long, rwy double, wwy double")
            .groupBy("r", "c")
            .agg(sf.sum("rwy").alias("rwy"), sf.sum("wwy").alias("wwy"))
            .toArrow()
        )
    sums = _dense(found, count + 1, n_dom, ("rwy", "wwy"))
    return replicated_gini(data.summary, replicated, sums["rwy"], sums["wwy"], estimator)

"""Reading a dataset into Spark, summing its cells, and naming what is wrong with it."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import polars as pl
from py4j.protocol import Py4JJavaError
from pyspark import SparkConf, SparkContext
from pyspark.errors import PySparkException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as sf
from pyspark.sql.types import BooleanType, DoubleType, FloatType, NumericType

from insaf.errors import DataError, InsafError, Location, said
from insaf.measures.spark._columns import denominator, number, numerator
from insaf.measures.stream import _cells as table
from insaf.measures.stream._files import parquet_files

__all__ = ["FILE", "PATH", "ROW", "Source", "cell_table", "read", "session", "spark_errors"]

FILE, PATH, ROW = "__file", "__path", "__row"
"""Where a row comes from: its file's place in the reading order, the file as Spark
names it, and its 0-based row in the file."""

_READING = re.compile(r"reading file (\S+?)\.?(?:\s|$)")
_CAUSE = re.compile(r"Caused by: \S+: (.*)")


def session(spark: SparkSession | None = None) -> SparkSession:
    """``spark``, or the active session, or a new one whose Python workers run this
    interpreter (unless ``PYSPARK_PYTHON`` says otherwise), so that they import the
    same INSAF, NumPy and Polars. The new session's master is the one Spark was given
    (``spark-submit --master``, or ``--master`` in ``PYSPARK_SUBMIT_ARGS``), else this
    machine's cores (``local[*]``)."""
    if spark is not None:
        return spark
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if SparkContext._gateway is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        _check_java()  # a JVM to start here, not one spark-submit started
    SparkContext._ensure_initialized()  # the JVM, with the settings it was started with
    builder = SparkSession.builder.appName("insaf")
    if not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
    return builder.getOrCreate()


def _check_java() -> None:
    """Refuse, in words, to start Spark without the Java runtime it starts as Spark's own
    launcher finds it (``JAVA_HOME``'s, else ``java`` on the path): Spark's own error is
    only that its gateway "exited before sending its port number"."""
    home = os.environ.get("JAVA_HOME")
    if home:
        if (Path(home) / "bin" / "java").is_file():
            return
        where = f"JAVA_HOME is {home}, which has no bin/java"
    elif shutil.which("java") is not None:
        return
    else:
        where = "no java is on the path and JAVA_HOME is not set"
    raise InsafError(
        said(
            "the Spark engine needs a Java runtime, version 17 or later: {where} "
            "(on Debian: apt-get install openjdk-17-jre-headless)",
            where=where,
        )
    )


def _local(uri: str) -> str:
    """A file as Spark names it (``file:/a%20b.parquet``), as a path (``/a b.parquet``)."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme in ("", "file") else uri


@contextmanager
def spark_errors() -> Iterator[None]:
    """A file Spark cannot read becomes a ``DataError`` naming it; other failures pass."""
    try:
        yield
    except (Py4JJavaError, PySparkException) as exc:
        text = str(exc)
        found = _READING.search(text)
        if found is None:
            raise
        causes = _CAUSE.findall(text)
        reason = causes[-1].strip() if causes else text.strip().splitlines()[0]
        raise DataError(
            said("not a readable Parquet file: {reason}", reason=reason),
            Location(file=_local(found.group(1))),
        ) from None


@dataclass(frozen=True, eq=False)
class Source:
    """A dataset in Spark, each row with where it comes from: ``__path`` (the file, as
    Spark names it) and ``__row`` (its 0-based row there); for a DataFrame given as
    such, no file and its position in the DataFrame's order."""

    frame: DataFrame
    files: list[Path] | None
    label: str | None

    @property
    def from_files(self) -> bool:
        return self.files is not None

    def where(self, path: str | None, row: int | None, column: str) -> Location:
        if path is None:
            return Location(file=self.label, column=column)
        return Location(file=_local(path), row=None if row is None else row + 1, column=column)


def read(source: str | Path | Sequence[str | Path] | DataFrame, spark: SparkSession) -> Source:
    """The Parquet files of ``source`` (a file, a folder searched recursively, or a list,
    as ``stream.parquet_files``), or a Spark DataFrame as it is."""
    if isinstance(source, DataFrame):
        frame = source.withColumns(
            {PATH: sf.lit(None).cast("string"), ROW: sf.monotonically_increasing_id()}
        )
        return Source(frame, None, "the DataFrame")
    files = parquet_files(source)
    with spark_errors():
        reader = spark.read
        if isinstance(source, (str, Path)) and Path(source).is_dir():
            # partition keys in folder names (governorate=3/) become columns, as in stream
            reader = reader.option("basePath", str(Path(source).absolute()))
        frame = reader.parquet(*(str(p.absolute()) for p in files))
        frame = frame.select(
            "*",
            sf.col("_metadata.file_path").alias(PATH),
            sf.col("_metadata.row_index").alias(ROW),
        )
    label = str(source) if isinstance(source, (str, Path)) else None
    return Source(frame, files, label)


def _bad(frame: DataFrame, name: str) -> Column:
    """Rows whose ``name`` is missing, or not finite (for a floating-point column)."""
    c = sf.col(name)
    bad = c.isNull()
    if isinstance(frame.schema[name].dataType, (FloatType, DoubleType)):
        bad = bad | sf.isnan(c) | (sf.abs(c) == sf.lit(float("inf")))
    return bad


def checked(data: Source, plan: table.Plan) -> None:
    """Every column the plan reads is there, and those it sums are numbers."""
    names = set(data.frame.columns)
    for c in plan.read:
        if c not in names:
            raise DataError(
                said("column {column} is not in the dataset", column=repr(c)),
                Location(file=data.label, column=c),
            )
    for c in plan.numeric:
        kind = data.frame.schema[c].dataType
        if not isinstance(kind, (NumericType, BooleanType)):
            raise DataError(
                said(
                    "column {column} is not numeric ({dtype})",
                    column=repr(c),
                    dtype=kind.simpleString(),
                ),
                Location(file=data.label, column=c),
            )


def cell_table(plan: table.Plan, data: Source) -> pl.DataFrame:
    """The cells ``_cells.Plan.sums`` gives for the whole dataset, summed by Spark and
    collected (PSUs x domains rows, or strata x domains for units as PSUs). A missing
    or non-finite value is an error naming its column, file and row."""
    checked(data, plan)
    frame = data.frame
    values: dict[str, Column] = {table.W: number(plan.design.weight)}
    for suffix, weight in plan.weights():
        w = number(weight)
        for j, stat in enumerate(plan.statistics):
            values[f"__a{j}{suffix}"] = numerator(stat, w)
            b = denominator(stat, w)
            values[f"__b{j}{suffix}"] = b if b is not None else sf.lit(0.0)
    bad = {f"__bad{i}": _bad(frame, c) for i, c in enumerate(plan.read)}
    aggs = [sf.count(sf.lit(1)).alias("__n"), *(sf.sum(v).alias(k) for k, v in values.items())]
    if plan.design.fpc and not plan.replicates:
        fpc = number(plan.design.fpc)
        aggs += [sf.min(fpc).alias("__fpc_lo"), sf.max(fpc).alias("__fpc_hi")]
    if plan.crossed:
        aggs += [
            sf.sum(values[f"__{x}{j}"] * values[f"__{y}{j}"]).alias(f"__{x}{y}{j}")
            for j in range(len(plan.statistics))
            for x, y in ("aa", "ab", "bb")
        ]
    aggs += [sf.sum(flag.cast("long")).alias(k) for k, flag in bad.items()]
    keys = [sf.col(k) for k in plan.keys] or [sf.lit(0).alias("__all")]
    with spark_errors():
        found = frame.groupBy(*keys).agg(*aggs).toArrow()
    cells = pl.from_arrow(found)
    if not isinstance(cells, pl.DataFrame) or cells.height == 0:
        raise DataError(said("the dataset has no rows"), Location(file=data.label))
    for i, c in enumerate(plan.read):
        count = int(cells.get_column(f"__bad{i}").sum())
        if count:
            first = frame.where(_bad(frame, c)).select(PATH, ROW).limit(1).collect()[0]
            raise DataError(
                said(
                    "column {column} has {count} missing or non-finite value(s) (or the column "
                    "is absent from that file), the first shown; INSAF does not drop them "
                    "silently: filter or impute them first",
                    column=repr(c),
                    count=count,
                ),
                data.where(first[PATH], first[ROW] if data.from_files else None, c),
            )
    return cells.drop([f"__bad{i}" for i in range(len(plan.read))])

"""Which engine estimates a measure: in memory, streamed, or on Spark.

The in-memory engine (``insaf.measures``) holds the survey; the streamed engine
(``insaf.measures.stream``) reads a Parquet dataset in batches and holds only
sums; Spark (``insaf.measures.spark``) runs the same reductions on a cluster.
All give the same numbers. ``choose`` picks one for a dataset and a measure
and says why (``Choice``); ``estimate_out_of_core`` runs a measure on the
streamed engine or on Spark, by the measure's name as ``compute`` does in memory.

The rule: a survey with a manifest, or a file that is not Parquet, is read in
memory; a Parquet dataset (a file or a folder of partitions) or a survey in
parts (a folder with a ``dataset.yaml``, ``insaf.survey.partitioned``) is read
in memory when what the in-memory engine would hold fits in half the memory
available now, and streamed when it does not and the measure is streamed.
Spark is never chosen for you: it needs a cluster, or at least a JVM.

Out of core, a survey in parts is read from its persons table, one file a part
in the parts' order (the rows and order the in-memory engine reads), under the
manifest's design and with its labels (``dataset_input``): a person's row
carries its household's design and welfare columns (``carried``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from insaf.errors import DataError, InsafError, Location, said
from insaf.measures import streamed as out_of_core
from insaf.measures.estimate import Estimates
from insaf.measures.registry import STREAMED, MeasureOptions, spec_of
from insaf.measures.streamed import OutOfCore, Source
from insaf.survey.design import Design
from insaf.survey.load import is_parquet_dataset
from insaf.survey.metadata import Metadata

__all__ = [
    "HELD_BYTES_PER_VALUE",
    "Choice",
    "DatasetInput",
    "Engine",
    "Reason",
    "available_memory",
    "by_size",
    "choose",
    "dataset_input",
    "estimate_out_of_core",
    "held_bytes",
    "spark_missing",
    "takes_replicates",
]

HELD_BYTES_PER_VALUE = 32
"""Bytes the in-memory engine holds per value it reads (8 for the value, and its
sorted copy, codes and influence values; measured: 1.53 GB at 10 million persons
and 6 columns for the Gini, the ARPR and four linear measures)."""


class Engine(StrEnum):
    AUTO = "auto"
    MEMORY = "memory"
    STREAM = "stream"
    SPARK = "spark"


class Reason(StrEnum):
    """Why ``choose`` picked its engine."""

    ASKED = "asked"  # the engine was named
    SURVEY = "survey"  # not a Parquet dataset: a manifest or another format
    FITS = "fits"  # the dataset fits in memory
    LARGE = "large"  # it does not, and the measure is streamed
    NOT_STREAMED = "not_streamed"  # it does not, but the measure is not streamed


@dataclass(frozen=True)
class Choice:
    """The engine, why, and (for a Parquet dataset) the bytes the in-memory engine
    would hold against the memory it may use."""

    engine: Engine
    reason: Reason
    held: int | None = None
    budget: int | None = None


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``), or the machine's total."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))


@dataclass(frozen=True)
class DatasetInput:
    """What an out-of-core engine reads of the dataset at ``path``: its files (or
    folder), the design its manifest gives (``None`` for bare Parquet files: the design
    is named on the command line) and the labels of its variables."""

    path: Path
    source: Path | list[Path]
    design: Design | None
    metadata: Metadata | None


def dataset_input(path: str | Path, columns: Sequence[str | None] = ()) -> DatasetInput:
    """A survey in parts: its persons table's files, in the parts' order, its design
    and labels; each of ``columns`` (and the design's) must be in the persons' rows.
    A Parquet file or folder: itself, no design, no labels."""
    path = Path(path)
    if not _in_parts(path):
        return DatasetInput(path, path, None, None)
    from insaf.survey.partitioned import DATASET_MANIFEST, PERSONS, open_partitioned

    dataset = open_partitioned(path)
    manifest = Location(file=str(path / DATASET_MANIFEST), key=f"tables.{PERSONS}")
    if PERSONS not in dataset.tables:
        raise DataError(
            said(
                "out of core, a survey in parts is read from its persons table, and "
                "this one has none: read it in memory (--engine memory)",
            ),
            manifest,
        )
    files = dataset.files(PERSONS)
    design = dataset.design
    wanted = [*columns, design.weight, design.strata, design.psu, design.fpc]
    import polars as pl

    present = set(pl.scan_parquet(files[0]).collect_schema().names())
    present |= set(dataset.tables[PERSONS].partitioned_by)
    missing = [c for c in dict.fromkeys(wanted) if c is not None and c not in present]
    if missing:
        raise DataError(
            said(
                "out of core, a survey in parts is read from its persons' rows, which "
                "do not carry {missing} (household columns on persons' rows are listed "
                "under 'carried'): write the parts with them carried, or read the "
                "survey in memory (--engine memory)",
                missing=", ".join(repr(c) for c in missing),
            ),
            manifest,
        )
    return DatasetInput(path, files, design, dataset.metadata)


def _in_parts(path: Path) -> bool:
    """A survey in parts; a file is not (and is told apart without importing the
    manifest's module, which would cost a short command a tenth of a second)."""
    if not path.is_dir():
        return False
    from insaf.survey.partitioned import is_partitioned_survey

    return is_partitioned_survey(path)


def held_bytes(source: Path | Sequence[Path], columns: int) -> int:
    """What the in-memory engine would hold to read ``columns`` columns of the Parquet
    dataset ``source`` (a file, a folder, or a list of files; its row count from the
    files' footers)."""
    import polars as pl

    from insaf.survey.io import parquet_files

    files = parquet_files(source) if isinstance(source, Path) else source
    # polars reads each file's row count from its footer; importing pyarrow.parquet
    # for it would cost a short `insaf estimate` about a tenth of a second
    rows = sum(int(pl.scan_parquet(f).select(pl.len()).collect().item()) for f in files)
    return rows * columns * HELD_BYTES_PER_VALUE


def choose(
    source: str | Path,
    measure: str,
    *,
    engine: Engine = Engine.AUTO,
    columns: Sequence[str | None],
    budget: int | None = None,
) -> Choice:
    """The engine for ``measure`` on ``source``, reading ``columns`` (``None`` and
    repeats ignored); ``budget``, the bytes the in-memory engine may hold (half the
    memory available now by default)."""
    name = spec_of(measure).name
    path = Path(source)
    dataset = _in_parts(path) or is_parquet_dataset(path)
    if engine is not Engine.AUTO:
        if engine is not Engine.MEMORY and not dataset:
            raise InsafError(
                said(
                    "the {engine} engine reads a Parquet dataset (a .parquet file or a "
                    "folder of them) or a survey in parts (a folder with a dataset.yaml), "
                    "not {path}",
                    engine=engine.value,
                    path=path,
                )
            )
        if engine is not Engine.MEMORY and name not in STREAMED:
            raise InsafError(
                said(
                    "{name} is estimated in memory only; the {engine} engine estimates {streamed}",
                    name=name,
                    engine=engine.value,
                    streamed=", ".join(STREAMED),
                )
            )
        return Choice(engine, Reason.ASKED)
    if not dataset:
        return Choice(Engine.MEMORY, Reason.SURVEY)
    read = {c for c in columns if c is not None}
    try:
        found = dataset_input(path)
    except DataError:  # a survey in parts whose persons' rows cannot be read alone
        return Choice(Engine.MEMORY, Reason.SURVEY)
    if found.design is not None:  # the manifest's design columns are read too
        design = found.design
        read |= {c for c in (design.weight, design.strata, design.psu, design.fpc) if c}
    held = held_bytes(found.source, len(read))
    return by_size(held, budget, streamed=name in STREAMED)


def by_size(held: int, budget: int | None = None, *, streamed: bool = True) -> Choice:
    """In memory when ``held`` bytes fit in ``budget`` (half the memory available now
    by default), else streamed, when the work can be (``streamed``)."""
    limit = available_memory() // 2 if budget is None else budget
    if held <= limit:
        return Choice(Engine.MEMORY, Reason.FITS, held, limit)
    if streamed:
        return Choice(Engine.STREAM, Reason.LARGE, held, limit)
    return Choice(Engine.MEMORY, Reason.NOT_STREAMED, held, limit)


def spark_missing(exc: ImportError) -> InsafError:
    """The error when the Spark engine (``insaf.measures.spark``, ``insaf.policy.spark``)
    cannot be imported."""
    return InsafError(said("the Spark engine needs pyspark and Java: {reason}", reason=str(exc)))


def _module(engine: Engine) -> OutOfCore:
    if engine is Engine.STREAM:
        from insaf.measures import stream

        return stream
    if engine is Engine.SPARK:
        try:
            from insaf.measures import spark
        except ImportError as exc:
            raise spark_missing(exc) from None
        found: OutOfCore = spark
        return found
    raise InsafError(
        said(
            "{engine} is not an out-of-core engine",
            engine=engine.value,
        )
    )


def takes_replicates(measure: str, engine: Engine) -> bool:
    """Whether ``engine`` (out of core) estimates ``measure`` with replicate weights:
    the streamed engine every measure it computes; Spark the mean, the total, FGT at
    an absolute line and the Gini."""
    streamed = spec_of(measure).streamed
    spark = engine is Engine.SPARK
    return streamed is not None and out_of_core.takes_replicates(streamed, spark=spark)


def estimate_out_of_core(
    engine: Engine,
    source: Source,
    measure: str,
    variable: str | None,
    *,
    design: Design,
    options: MeasureOptions | None = None,
    by: str | Sequence[str] | None = None,
) -> Estimates:
    """``measure`` (a name from ``STREAMED``) of ``variable`` on the Parquet dataset
    ``source``, by the streamed engine or Spark: the numbers ``compute`` gives in
    memory on the same rows."""
    spec = spec_of(measure)
    if spec.streamed is None:
        raise InsafError(
            said(
                "{name} is estimated in memory only; out of core: {streamed}",
                name=spec.name,
                streamed=", ".join(STREAMED),
            )
        )
    if variable is None:
        raise InsafError(said("{name} needs a variable", name=spec.name))
    arguments = spec.arguments(options or MeasureOptions())
    by_cols = [by] if isinstance(by, str) else list(by or ())
    asked = out_of_core.Asked(_module(engine), source, variable, design, by_cols, arguments)
    return spec.streamed(asked)

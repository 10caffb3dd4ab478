"""The registry's determination run as Spark tasks (``insaf registry determine --engine spark``).

A household's determination reads only that household's rows: its group, its
memberships, its members' person records, and what is observed of it and of
them. So the households are split into ranges of ids (``--household`` splits the
households asked for), one Spark task a range. Each task reads its range's rows
of every table from the registry's folder (a Polars scan filtered on the
household id, then on its members' person ids), lays them out on the date
(``checked_view``) and runs each ruleset on them with the library's own code
(``run_ruleset``, then ``explain_frame``: the outcomes, reasons, trace and
hashes that ``insaf registry determine`` gives). It sends back one Arrow IPC
stream per ruleset; the driver puts the ranges end to end, in the households'
order, and reads them into ``Determination`` values (``determinations``), the
rulesets in the order given, each in the households' order, as ``determine_each``.

The registry on a date has one column per variable observed by then, anywhere in
the registry; a range where nobody has been observed on one of them would lack
the column. The driver reads the variables from the observations' columns
``unit``, ``variable``, ``observed`` and ``text`` and each task adds those its
range lacks, empty, as the whole registry's layout has them.

The folder must be readable at the same path from the driver (which reads the
households' ids and the observations' variables) and from every executor: on a
cluster, a shared file system. What comes back to the driver is the
determinations; the tables' rows stay on the executors.

An error in a task (an ``InsafError``: a ruleset not in force, a variable the
registry lacks, a file that does not conform) is raised on the driver as it is
raised locally, or, when it cannot travel, as its text with the households'
range and the folder named. A value a task refuses is named by its row of the
file, as ``read_registry`` names it; what the message counts is the rows of the
task's range (``read_registry`` counts the whole file's). The rows no task
reads (a person in no household, and what is observed of them) are checked on
the driver (``_check_unread``), as are every row's links (``check_links``).
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from pyspark.sql import SparkSession

from insaf.errors import DataError, InsafError, Location, said
from insaf.measures.spark import session
from insaf.policy.spark import from_ipc, sent_error, to_ipc
from insaf.registry.determine import Determination, checked_view, determinations
from insaf.registry.model import (
    KINDS,
    Columns,
    Kind,
    Registry,
    check_links,
    columns_of,
    conform_frame,
    empty,
)
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, run_ruleset
from insaf.registry.trace import explain_frame
from insaf.survey.table import Format, Source

__all__ = [
    "HOUSEHOLDS_PER_TASK",
    "determine_spark",
    "determine_spark_frames",
    "read_span",
    "registry_columns",
]

HOUSEHOLDS_PER_TASK = 50_000
"""At most this many households a task, unless ``tasks`` says otherwise."""

Span = tuple[int, int, tuple[int, ...] | None]
"""A task's households: ids from ``lo`` to ``hi`` (both included), or only those listed."""


_ROW = "__row__"
"""The column ``read_span`` keeps each row's place in its file in, until it is checked."""


@dataclass(frozen=True)
class _Part(Source):
    """Some rows of a file: the frame's row ``index`` is the file's row ``rows[index]``, so
    that a value refused is named by its row in the file, as ``read_registry`` names it."""

    rows: pl.Series = field(compare=False)

    def where(self, index: int | None = None, column: str | None = None) -> Location:
        return Source.where(self, None if index is None else int(self.rows[index]), column)


def _path(folder: Path, kind: Kind) -> Path:
    return folder / f"{kind}.parquet"


def _scan(folder: Path, kind: Kind, *, rows: bool = False) -> pl.LazyFrame:
    """The file of ``kind`` as a scan (empty when the registry has none), with each row's
    place in the file as ``_ROW`` when ``rows``."""
    path = _path(folder, kind)
    if path.exists():
        if rows and _ROW in (schema := pl.read_parquet_schema(path)):  # refused as locally
            conform_frame(
                pl.DataFrame(schema=schema), kind, source=Source(str(path), Format.PARQUET)
            )
        return pl.scan_parquet(path, row_index_name=_ROW if rows else None)
    frame = empty(kind).lazy()
    return frame.with_row_index(_ROW) if rows else frame


def _conformed(folder: Path, kind: Kind, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (some rows of the file of ``kind``, with ``_ROW``) checked, each refused
    value named by its row in the file."""
    path = _path(folder, kind)
    part = _Part(str(path), Format.of(path), rows=frame.get_column(_ROW))
    return conform_frame(frame.drop(_ROW), kind, source=part)


def _check_unread(folder: Path) -> None:
    """The rows no task reads, checked on the driver as ``read_registry`` checks every row:
    a person in no household (no membership names them) and what is observed of them."""
    members = _scan(folder, "memberships").select("person_id")
    ids = _scan(folder, "persons").select("person_id").join(members, on="person_id", how="anti")
    alone = ids.collect().to_series().implode()  # the ids only: few, or none
    person = pl.col("person_id")
    persons = _scan(folder, "persons", rows=True).filter(person.is_in(alone) | person.is_null())
    observations = _scan(folder, "observations", rows=True).filter(
        (pl.col("unit").cast(pl.String) == "person") & pl.col("id").is_in(alone)
    )
    rows, observed = pl.collect_all([persons, observations])
    _conformed(folder, "persons", rows)
    _conformed(folder, "observations", observed)


def _within(column: str, span: Span) -> pl.Expr:
    lo, hi, listed = span
    if listed is None:
        return pl.col(column).is_between(lo, hi)
    return pl.col(column).is_in(pl.Series(listed, dtype=pl.Int64).implode())


def read_span(folder: Path, span: Span) -> Registry:
    """The registry's rows about the households of ``span`` (``Registry.subset``, read
    from the folder's files without reading the rest of them)."""
    tables = {kind: _scan(folder, kind, rows=True) for kind in KINDS}
    groups = tables["groups"].filter(_within(HOUSEHOLD, span)).collect()
    memberships = tables["memberships"].filter(_within(HOUSEHOLD, span)).collect()
    people = memberships.get_column("person_id").unique().implode()
    unit = pl.col("unit").cast(pl.String)
    observations = tables["observations"].filter(
        ((unit == "household") & _within("id", span))
        | ((unit == "person") & pl.col("id").is_in(people))
    )
    frames = {
        "groups": groups,
        "memberships": memberships,
        "persons": tables["persons"].filter(pl.col("person_id").is_in(people)).collect(),
        "observations": observations.collect(),
    }
    # the links were checked over the whole registry, on the driver (check_links)
    return Registry(**{k: _conformed(folder, k, f) for k, f in frames.items()})  # type: ignore[arg-type]


def registry_columns(folder: Path, as_of: dt.date) -> Columns:
    """The variables the whole registry has on ``as_of``, by unit (``Columns``), from
    four columns of its observations' file."""
    return columns_of(_scan(folder, "observations"), as_of)


def _task(
    rulesets: Sequence[Ruleset],
    folder: Path,
    as_of: dt.date,
    columns: Columns,
    draft: bool,
    span: Span,
) -> tuple[list[bytes] | None, bytes | None]:
    """One range of households on an executor: each ruleset's ``explain_frame`` as
    Arrow, or the error that stopped it."""
    lo, hi, wanted = span
    try:
        registry = read_span(folder, span)
        view = checked_view(rulesets, registry, as_of, wanted, draft=draft, columns=columns)
        return [to_ipc(explain_frame(run_ruleset(r, view), draft=draft)) for r in rulesets], None
    except InsafError as exc:
        return None, sent_error(exc, f"households {lo} to {hi} of {folder}")


def _spans(ids: np.ndarray[tuple[int], np.dtype[np.int64]], tasks: int, listed: bool) -> list[Span]:
    spans: list[Span] = []
    for chunk in np.array_split(ids, max(1, min(tasks, ids.size))):
        if chunk.size:
            spans.append((int(chunk[0]), int(chunk[-1]), tuple(chunk.tolist()) if listed else None))
    return spans or [(0, -1, () if listed else None)]


def determine_spark_frames(
    rulesets: Sequence[Ruleset],
    folder: str | Path,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
    tasks: int | None = None,
    spark: SparkSession | None = None,
) -> list[pl.DataFrame]:
    """Each ruleset's ``explain_frame`` over the registry in ``folder`` on ``as_of`` (or
    over ``households``), one Spark task a range of households (module notes): one
    frame a ruleset, in the order given, its rows in the households' order.

    ``tasks`` is the number of ranges (by default enough for at most
    ``HOUSEHOLDS_PER_TASK`` households each, and at least Spark's parallelism).
    """
    folder = Path(folder).absolute()
    if not folder.is_dir():
        raise DataError(said("registry folder not found"), Location(file=str(folder)))
    # the rulesets' own checks (approval, date in force) before any task, on no households
    checked_view(rulesets, Registry(), as_of, None, draft=draft)
    # the rows no task reads are checked, and then every row's links (as read_registry
    # checks values, then links): a row naming nobody registered is refused as locally
    _check_unread(folder)
    check_links({kind: _scan(folder, kind) for kind in KINDS}, str(folder))
    context = session(spark).sparkContext
    if households is None:
        ids = _scan(folder, "groups").select(HOUSEHOLD).unique().sort(HOUSEHOLD).collect()
        wanted = ids.to_series().to_numpy()
    else:
        wanted = np.unique(np.asarray(households, dtype=np.int64))
    count = tasks or max(context.defaultParallelism, math.ceil(wanted.size / HOUSEHOLDS_PER_TASK))
    spans = _spans(wanted, count, households is not None)
    columns = registry_columns(folder, as_of)
    rules = list(rulesets)
    found = (
        context.parallelize(spans, numSlices=len(spans))
        .map(lambda span: _task(rules, folder, as_of, columns, draft, span))
        .collect()
    )
    for _, error in found:
        if error is not None:
            raise pickle.loads(error)
    return [
        pl.concat([from_ipc(packed[i]) for packed, _ in found if packed is not None])
        for i in range(len(rules))
    ]


def determine_spark(
    rulesets: Sequence[Ruleset],
    folder: str | Path,
    as_of: dt.date,
    households: Sequence[int] | None = None,
    *,
    draft: bool = False,
    tasks: int | None = None,
    spark: SparkSession | None = None,
) -> list[Determination]:
    """``determine_each`` on the registry in ``folder``, as Spark tasks (module notes):
    the same determinations, in the same order; ``spark`` is the session (by default the
    active one, or a new one on this machine, as ``insaf.measures.spark``)."""
    frames = determine_spark_frames(
        rulesets, folder, as_of, households, draft=draft, tasks=tasks, spark=spark
    )
    return [
        d
        for r, f in zip(rulesets, frames, strict=True)
        for d in determinations(r, as_of, f, draft=draft)
    ]

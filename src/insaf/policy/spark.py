"""A scenario on a survey in parts as Spark tasks (``--engine spark``).

Every instrument computes a household from that household's own rows, so the
scenario rules run on each part alone: Spark runs one task per part. The
parts' names are parallelised, one to a Spark partition; each task opens its
part from the dataset's folder, runs ``partitioned.simulate_part`` (the one
step the streamed engine runs on each part in turn) and sends back what the
impact keeps of the part (``Part``): its kept per-household and per-person
columns as Arrow IPC record batches (zstd), its tables' digests and the shape of
each state. The driver puts the parts end to end in the parts' order
(``partitioned.join_parts``) and measures the impact and the rights
assessment as the other engines do: the numbers are theirs (the tests compare
the whole ``impact.json``).

The folder must be readable at the same path from the driver (which reads the
manifest, the files' footers and the first part's item names) and from every
executor: on a cluster, a shared file system. What comes back to the driver is
the kept columns (docs/scale.md, "Scenarios on Spark"); the parts' persons,
items and other columns stay on the executors.

Refused as on the streamed engine, with the scenario's key: a reform solved
for a target and a projection (``partitioned.check_partitioned``).
"""

from __future__ import annotations

import io
import pickle
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from pyspark import SparkContext
from pyspark.sql import SparkSession

from insaf.errors import InsafError
from insaf.measures.spark import session
from insaf.policy.assessment import assess
from insaf.policy.engine import Simulation
from insaf.policy.impact import Impact
from insaf.policy.partitioned import (
    Part,
    Progress,
    check_partitioned,
    dataset_items,
    join_parts,
    simulate_part,
)
from insaf.policy.scenario import Scenario
from insaf.survey.partitioned import PartitionedSurvey, open_partitioned

__all__ = [
    "Packed",
    "from_ipc",
    "pack",
    "sent_error",
    "simulate_spark",
    "simulate_spark_parts",
    "to_ipc",
    "unpack",
    "watched",
]

WATCH_SECONDS = 0.5
"""How often ``watched`` asks Spark how many tasks are done."""

Packed = tuple[bytes, bytes, bytes, bytes]
"""A part as its task sends it: the kept household values, the household columns,
each person's household and person columns (each an Arrow IPC stream), and its
keys, digests and states pickled."""


def to_ipc(frame: pl.DataFrame) -> bytes:
    """``frame`` as an Arrow IPC stream (zstd), as a task sends it."""
    sink = io.BytesIO()
    frame.write_ipc_stream(sink, compression="zstd")
    return sink.getvalue()


def from_ipc(data: bytes) -> pl.DataFrame:
    """The frame ``to_ipc`` sent."""
    return pl.read_ipc_stream(io.BytesIO(data))


def pack(part: Part) -> Packed:
    """``part`` as Arrow record batches (its columns) and a small pickle (its keys,
    digests and states)."""
    values = pl.DataFrame([pl.Series(str(i), v) for i, v in enumerate(part.homes.values())])
    people = pl.DataFrame({"household": part.person_hh})
    if part.person_frame is not None:
        people = people.hstack(part.person_frame.rename(lambda c: f"person.{c}"))
    rest = (list(part.homes), part.digests, part.models, part.shared, part.in_kind)
    return to_ipc(values), to_ipc(part.frame), to_ipc(people), pickle.dumps(rest)


def unpack(packed: Packed) -> Part:
    """The ``Part`` that ``pack`` sent."""
    values, frame, people, rest = packed
    keys, digests, models, shared, in_kind = pickle.loads(rest)
    columns, persons = from_ipc(values), from_ipc(people)
    return Part(
        homes={k: columns.to_series(i).to_numpy() for i, k in enumerate(keys)},
        person_hh=persons.get_column("household").to_numpy(),
        frame=from_ipc(frame),
        person_frame=(
            persons.drop("household").rename(lambda c: c.removeprefix("person."))
            if persons.width > 1
            else None
        ),
        digests=digests,
        models=models,
        shared=shared,
        in_kind=in_kind,
    )


def _task(
    scenario: Scenario, folder: str, items: tuple[str, ...], part: str
) -> tuple[Packed | None, bytes | None]:
    """One part on an executor: the part packed, or the error that stopped it (an
    ``InsafError`` names the file or the scenario's key; it is raised on the driver)."""
    try:
        survey = open_partitioned(folder).survey(part)
        return pack(simulate_part(scenario, survey, items)), None
    except InsafError as exc:
        return None, sent_error(exc, f"part {part}")


def sent_error(exc: InsafError, where: str) -> bytes:
    """``exc`` pickled for the driver to raise; an error that does not travel sends its
    text, prefixed with ``where`` (the part or households the task had)."""
    try:
        sent = pickle.dumps(exc)
        pickle.loads(sent)
    except Exception:  # an error that does not travel: its text does
        sent = pickle.dumps(InsafError(f"{where}: {exc}"))
    return sent


@contextmanager
def watched(context: SparkContext, tasks: int, progress: Progress | None) -> Iterator[None]:
    """Tell ``progress`` the tasks done out of ``tasks`` while the Spark job started in
    the block runs (asked of Spark's status tracker every ``WATCH_SECONDS``, by the
    block's own job group), and all of them when it ends."""
    if progress is None:
        yield
        return
    group = f"insaf-{uuid.uuid4().hex}"
    context.setJobGroup(group, "insaf simulate: one task a part")
    tracker = context.statusTracker()
    stop = threading.Event()

    def watch() -> None:
        told = -1
        while not stop.wait(WATCH_SECONDS):
            done = 0
            for job in tracker.getJobIdsForGroup(group):
                info = tracker.getJobInfo(job)
                for stage in info.stageIds if info is not None else ():
                    found = tracker.getStageInfo(stage)
                    done += found.numCompletedTasks if found is not None else 0
            if done != told:
                told = done
                progress(min(done, tasks), tasks)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
        context.setLocalProperty("spark.job.description", None)  # type: ignore[arg-type]
    progress(tasks, tasks)


def simulate_spark_parts(
    scenario: Scenario,
    dataset: PartitionedSurvey,
    *,
    spark: SparkSession | None = None,
    progress: Progress | None = None,
) -> tuple[Simulation, str]:
    """Every policy on every part, one Spark task a part, joined on the driver: the
    simulation and the survey's fingerprint (``partitioned.simulate_parts``);
    ``progress`` is told the parts done as Spark finishes them."""
    check_partitioned(scenario)
    folder = str(Path(dataset.folder).absolute())
    items = dataset_items(scenario, dataset, dataset.survey(dataset.parts[0]))
    context = session(spark).sparkContext
    names = list(dataset.parts)
    with watched(context, len(names), progress):
        found = (
            context.parallelize(names, numSlices=len(names))
            .map(lambda part: _task(scenario, folder, items, part))
            .collect()
        )
    for _, error in found:
        if error is not None:
            raise pickle.loads(error)

    def parts() -> Iterator[Part]:
        for i, (packed, _) in enumerate(found):
            found[i] = (None, None)  # the driver lets each part go once joined
            if packed is not None:
                yield unpack(packed)

    return join_parts(scenario, dataset, parts())


def simulate_spark(
    scenario: Scenario,
    dataset: PartitionedSurvey,
    *,
    spark: SparkSession | None = None,
    progress: Progress | None = None,
) -> Impact:
    """``simulate`` on a survey in parts, one Spark task a part (see the module);
    ``spark`` is the session (by default the active one, or a new one on this
    machine, as ``insaf.measures.spark``); ``progress`` is told the parts done."""
    simulation, fingerprint = simulate_spark_parts(
        scenario, dataset, spark=spark, progress=progress
    )
    return assess(simulation, fingerprint=fingerprint)

"""A scenario on a survey in parts, one part in memory at a time (``--engine stream``).

Every instrument computes each household from that household's own rows, so
the engine runs part by part (``insaf.survey.partitioned``): each part's
households, persons and items are read, every policy is computed on them, and
only what the impact needs is kept, one value per household:

- each instrument's benefit, cost and recipients in each state, each
  reform's change, the welfare effects of prices (``State``);
- baseline welfare, the equivalence scale and the in-kind values;
- the household columns the impact and the rights assessment read (design,
  breakdowns, poverty lines, protected groups), the person columns of person
  rules of protected groups (usually ``sex``), and each person's household;
- spending on the items of the rights assessment's budget shares.

The parts are then put end to end, in the parts' order, and ``assess`` and
``insaf.rights`` measure the impact as they do in memory: the numbers are the
in-memory engine's on the whole survey (the tests hold them to 1e-9). What is
held grows with households, not with persons, items or columns: about
``8 * (kept columns + 3 * instruments * states + 8) bytes`` per household, less
the arrays equal to another (held once), and the impact's own working tables;
a large join is held in files the system may page out
(``insaf.policy.part_columns``; see docs/scale.md).

Not on parts: a reform whose parameter is solved for (each step of the solver
would read the whole survey again) and a scenario's ``projection`` (it
reweights the whole survey); both are refused with their key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from insaf._arrays import FloatArray, IntArray
from insaf._memory import give_back
from insaf.errors import InsafError, Location, SpecError, said
from insaf.measures.engine import Choice, Engine, Reason, by_size
from insaf.policy.analysis import DEFAULT_GROUPS
from insaf.policy.assessment import TableDigest, assess, fingerprint_of, table_digest
from insaf.policy.data import BUILT_IN, PolicyData, item_names
from insaf.policy.engine import Simulation, State, simulate_states
from insaf.policy.impact import Impact
from insaf.policy.instruments import Flows
from insaf.policy.instruments.base import compiled
from insaf.policy.part_columns import PartColumns
from insaf.policy.rights_options import DEFAULT_PROTECTED_GROUPS
from insaf.policy.scenario import Scenario
from insaf.survey import Survey, Table
from insaf.survey.partitioned import (
    DATASET_MANIFEST,
    PartitionedSurvey,
    is_partitioned_survey,
    open_partitioned,
)

__all__ = [
    "HELD_BYTES_PER_VALUE",
    "Paged",
    "Part",
    "Progress",
    "check_partitioned",
    "choose_engine",
    "dataset_items",
    "held_bytes",
    "join_parts",
    "simulate_part",
    "simulate_partitioned",
    "simulate_parts",
]

HELD_BYTES_PER_VALUE = 24
"""Bytes the in-memory engine holds per value of the survey when it simulates a
scenario and measures its impact (the tables, the engine's arrays, the impact's
working tables; measured: 23 at 100,000 households of ``insaf synth
--partitioned``, 38.8 million values, with ``benchmarks/policy_benchmark.yaml``)."""

Paged = Path | str | bool | None
"""Where the parts' joined arrays live (``insaf.policy.part_columns.PartColumns``):
``False`` in memory, ``True`` or a folder in files the system may page out, ``None``
chosen by their size."""

Progress = Callable[[int, int], None]
"""Called after each part with the parts done and the number of parts."""


def _default_group_variables(unit: str) -> list[str]:
    """The variables of the rights assessment's default protected groups at ``unit``."""
    return [variable for _, variable, of, _ in DEFAULT_PROTECTED_GROUPS if of == unit]


def held_bytes(dataset: PartitionedSurvey) -> int:
    """What the in-memory engine would hold for ``dataset``: every value of every table
    (rows and columns from the files' footers) times ``HELD_BYTES_PER_VALUE``."""
    return sum(dataset.shape(t)[1] for t in dataset.tables) * HELD_BYTES_PER_VALUE


def choose_engine(
    survey: str | Path,
    engine: Engine = Engine.AUTO,
    *,
    budget: int | None = None,
) -> Choice:
    """The engine that runs a scenario on ``survey``, and why: a survey in parts runs in
    memory when it fits in ``budget`` (half the memory available now by default),
    else one part at a time; any other survey runs in memory. Spark, when asked,
    runs a survey in parts, one task a part (``insaf.policy.spark``)."""
    path = Path(survey)
    parts = is_partitioned_survey(path)
    if engine is Engine.STREAM and not parts:
        raise InsafError(
            said(
                "the streamed engine runs a scenario on a survey in parts (a folder with a "
                "{manifest}), not {path}",
                manifest=DATASET_MANIFEST,
                path=path,
            )
        )
    if engine is Engine.SPARK and not parts:
        raise InsafError(
            said(
                "Spark runs a scenario on a survey in parts (a folder with a {manifest}), "
                "not {path}",
                manifest=DATASET_MANIFEST,
                path=path,
            )
        )
    if engine is not Engine.AUTO:
        return Choice(engine, Reason.ASKED)
    if not parts:
        return Choice(Engine.MEMORY, Reason.SURVEY)
    return by_size(held_bytes(open_partitioned(path)), budget)


def check_partitioned(scenario: Scenario) -> None:
    """Refuse what cannot run one part at a time, with the scenario's keys."""
    problems: list[tuple[Location, str]] = [
        (
            scenario.locate(("reforms", name, "solve")),
            said(
                "reform {name!r} solves for {parameter}, which needs the whole survey at each "
                "step: solve it on the in-memory engine (--engine memory) or on a sample, then "
                "set the value in the scenario",
                name=name,
                parameter=policy.solve.parameter,
            ),
        )
        for name, policy in scenario.policies().items()
        if policy.solve is not None
    ]
    if scenario.projection is not None:
        problems.append(
            (
                scenario.locate(("projection",)),
                said(
                    "a projection reweights the whole survey: it cannot run one part at a "
                    "time (use --engine memory)"
                ),
            )
        )
    if problems:
        raise SpecError(scenario.file, problems)


def _household_columns(scenario: Scenario, data: PolicyData) -> list[str]:
    """The household columns the impact and the rights assessment read."""
    design = data.survey.design
    rights = scenario.rights
    wanted: list[str] = [*design.columns]
    key = data.survey.household_key
    if key is not None:
        wanted.append(key)
    wanted.extend(scenario.groups if scenario.groups is not None else DEFAULT_GROUPS)
    wanted.extend(line for line in scenario.lines.values() if isinstance(line, str))
    wanted.extend([scenario.welfare.variable, "hhsize", "n_members", *BUILT_IN])
    wanted.extend(_default_group_variables("household"))
    wanted.extend(rights.compare_by or ["governorate"])
    for group in rights.groups or ():
        if group.unit == "household":
            wanted.extend(compiled(group.where).names)
    present = set(data.households.columns)
    return [c for c in dict.fromkeys(wanted) if c in present]


def _person_columns(scenario: Scenario, data: PolicyData) -> list[str]:
    """The person columns that person rules of protected groups read."""
    if data.persons is None:
        return []
    wanted = _default_group_variables("person")
    for group in scenario.rights.groups or ():
        if group.unit == "person":
            wanted.extend(compiled(group.where).names)
    present = set(data.persons.columns)
    return [c for c in dict.fromkeys(wanted) if c in present]


def dataset_items(scenario: Scenario, dataset: PartitionedSurvey, first: Survey) -> tuple[str, ...]:
    """Every item of the dataset's item table, as the engine names and orders them
    (one column of every part read; a part may lack items others have)."""
    table = scenario.items.table
    if table is None:
        others = [n for n in dataset.tables if n not in ("households", "persons")]
        if not others:
            return ()
        table = "consumption" if "consumption" in others else others[0]
    if table not in dataset.tables:
        return ()  # the engine names the missing table when an instrument needs it
    files = [dataset.file(table, part) for part in dataset.parts]
    column = scenario.items.item
    labels = pl.scan_parquet(files).select(pl.col(column).unique()).collect().get_column(column)
    return item_names(labels, first, scenario.items.names)


@dataclass(frozen=True, eq=False)
class Part:
    """What one part leaves for the impact (``simulate_part``): the kept values of its
    households and persons, its tables' digests, and the shape of each state."""

    homes: dict[tuple[str, ...], np.ndarray]
    """One value per household of the part, by key: ``("weight",)``, ``("welfare",)``,
    ``(state, "benefit", instrument)``, ``("spending", item)``..."""
    person_hh: IntArray
    """Each person's household, 0-based in the part."""
    frame: pl.DataFrame
    """The household columns the impact and the rights assessment read."""
    person_frame: pl.DataFrame | None
    """The person columns of person rules of protected groups, if any."""
    digests: dict[str, TableDigest]
    models: dict[str, State]
    """Each state emptied: its policy, its instruments and their kinds."""
    shared: dict[str, set[str]]
    """Each state's instruments whose flows are the baseline's."""
    in_kind: list[str]

    @property
    def households(self) -> int:
        return self.frame.height

    @property
    def persons(self) -> int:
        return int(self.person_hh.size)


def simulate_part(scenario: Scenario, survey: Survey, items: Sequence[str]) -> Part:
    """Every policy on one part (``survey``), and what the impact keeps of it; ``items``
    names every item of the whole dataset (``dataset_items``). The one step of both
    engines on parts: the streamed engine calls it on each part in turn, Spark in
    one task per part."""
    sim = simulate_states(scenario, survey, items=items)
    data = sim.data
    homes: dict[tuple[str, ...], np.ndarray] = {
        ("weight",): data.weight,
        ("members",): data.members,
        ("welfare",): sim.welfare,
        ("scale",): sim.scale,
    }
    if data.household_ids is not None:
        homes[("ids",)] = data.household_ids
    for name, values in sim.in_kind.items():
        homes[("in_kind", name)] = values
    burdens = {i for b in scenario.rights.burdens.values() for i in b.items}
    for item in sorted(burdens & set(data.item_names)):
        homes[("quantity", item)] = data.quantity(item)
        homes[("spending", item)] = data.spending(item)
    models: dict[str, State] = {}
    shared: dict[str, set[str]] = {}
    for name, state in {"baseline": sim.baseline, **sim.reforms}.items():
        empty = Flows(benefit=np.zeros(0), fiscal=np.zeros(0))
        models[name] = State(
            policy=state.policy,
            flows=dict.fromkeys(state.flows, empty),
            kinds=dict(state.kinds),
            effect={},
            change=np.zeros(0),
        )
        shared[name] = _kept_state(homes, name, state, sim.baseline, burdens)
    person_columns = _person_columns(scenario, data)
    return Part(
        homes=homes,
        person_hh=data.person_hh,
        frame=data.households.select(_household_columns(scenario, data)),
        person_frame=(
            data.persons.select(person_columns)
            if data.persons is not None and person_columns
            else None
        ),
        digests={t.name: table_digest(t.frame) for t in survey.tables},
        models=models,
        shared=shared,
        in_kind=list(sim.in_kind),
    )


def _kept_state(
    homes: dict[tuple[str, ...], np.ndarray],
    name: str,
    state: State,
    baseline: State,
    burdens: set[str],
) -> set[str]:
    """Put what the impact reads of ``state`` in ``homes``; its instruments whose flows
    are the baseline's (kept once, with the baseline)."""
    shared = {
        k for k, f in state.flows.items() if state is not baseline and baseline.flows.get(k) is f
    }
    for key, flows in state.flows.items():
        if key in shared:
            continue
        homes[(name, "benefit", key)] = flows.benefit
        homes[(name, "fiscal", key)] = flows.fiscal
        if flows.recipients is not None:
            homes[(name, "recipients", key)] = flows.recipients
    for key, values in state.effect.items():
        homes[(name, "effect", key)] = values
    for item in burdens & set(state.item_effect):
        homes[(name, "item_effect", item)] = state.item_effect[item]
    homes[(name, "change")] = state.change
    return shared


class _Joined:
    """What every part leaves for the impact, put end to end as the parts come."""

    def __init__(
        self, scenario: Scenario, households: int, persons: int, paged: Paged = None
    ) -> None:
        self.scenario = scenario
        self.homes = PartColumns(households, paged=paged)
        self.people = PartColumns(persons, paged=paged)
        self.frames: list[pl.DataFrame] = []
        self.person_frames: list[pl.DataFrame] = []
        self.digests: list[dict[str, TableDigest]] = []
        self.shared: dict[str, set[str]] = {}
        self.models: dict[str, State] = {}
        """Each state of the first part, emptied: its policy, instruments and kinds."""
        self.in_kind: list[str] = []
        self.households = 0
        self.persons = 0

    def add(self, part: Part) -> None:
        if not self.models:
            self.models, self.in_kind = part.models, part.in_kind
        for name, shared in part.shared.items():
            if self.shared.setdefault(name, shared) != shared:
                raise RuntimeError(f"parts share different flows with the baseline in {name!r}")
        self.homes.put_part(self.households, part.homes)
        self.people.put_part(self.persons, {("household",): part.person_hh + self.households})
        self.frames.append(part.frame)
        if part.person_frame is not None:
            self.person_frames.append(part.person_frame)
        self.digests.append(part.digests)
        self.households += part.households
        self.persons += part.persons

    def state(self, name: str, baseline: State | None) -> State:
        model = self.models[name]
        homes = self.homes
        flows: dict[str, Flows] = {}
        for key in model.flows:
            if baseline is not None and key in self.shared[name]:
                flows[key] = baseline.flows[key]
                continue
            recipients = homes.arrays.get((name, "recipients", key))
            flows[key] = Flows(
                benefit=homes.arrays[(name, "benefit", key)],
                fiscal=homes.arrays[(name, "fiscal", key)],
                recipients=recipients,
            )
        order = [*(baseline.flows if baseline is not None else ()), *model.flows]
        return State(
            policy=model.policy,
            flows=flows,
            kinds=dict(model.kinds),
            effect=homes.keyed((name, "effect"), order),
            change=homes.arrays[(name, "change")],
            item_effect=homes.keyed((name, "item_effect")),
        )

    def data(self, dataset: PartitionedSurvey) -> PolicyData:
        """One ``PolicyData`` over the kept columns of every part."""
        households = pl.concat(self.frames, how="vertical", rechunk=True)
        self.frames = []
        persons = (
            pl.concat(self.person_frames, how="vertical", rechunk=True)
            if self.person_frames and len(self.person_frames) == len(self.digests)
            else None
        )
        self.person_frames = []
        key = dataset.tables["households"].key_columns
        tables = {"households": Table(name="households", frame=households, key=key)}
        if persons is not None:
            tables["persons"] = Table(name="persons", frame=persons, household=key[0])
        homes = self.homes
        items = homes.keyed(("spending",))
        quantities = homes.keyed(("quantity",))
        names = tuple(items)

        def read_items() -> tuple[tuple[str, ...], FloatArray, FloatArray]:
            empty = np.zeros((0, self.households))
            if not names:
                return (), empty, empty
            return (
                names,
                np.stack([quantities[n] for n in names]),
                np.stack([items[n] for n in names]),
            )

        return PolicyData(
            survey=dataset.assemble(tables, path=str(dataset.folder)),
            households=households,
            persons=persons,
            person_hh=self.people.arrays.get(("household",), np.zeros(0, dtype=np.int64)),
            weight=homes.arrays[("weight",)],
            members=homes.arrays[("members",)],
            period=self.scenario.period,
            read_items=read_items,
            household_ids=homes.arrays.get(("ids",)),
        )

    def fingerprint(self) -> str:
        """``survey_fingerprint`` of the whole survey: a sum of hashes is the sum of the
        parts' sums, modulo 2**64."""
        whole: dict[str, TableDigest] = {}
        for name, (schema, _, _) in self.digests[0].items():
            height = sum(d[name][1] for d in self.digests)
            columns = zip(*(d[name][2] for d in self.digests), strict=True)
            whole[name] = (schema, height, tuple(sum(c) % 2**64 for c in columns))
        return fingerprint_of(whole)


def simulate_parts(
    scenario: Scenario,
    dataset: PartitionedSurvey,
    *,
    progress: Progress | None = None,
    paged: Paged = None,
) -> tuple[Simulation, str]:
    """Every policy on every part, joined: the simulation and the survey's fingerprint
    (``paged``: where the joined arrays live, ``insaf.policy.part_columns``)."""
    check_partitioned(scenario)

    def parts() -> Iterator[Part]:
        items: tuple[str, ...] | None = None
        for done, part in enumerate(dataset.parts, start=1):
            survey = dataset.survey(part)
            if items is None:
                items = dataset_items(scenario, dataset, survey)
            yield simulate_part(scenario, survey, items)
            del survey
            give_back()  # what the part's reading and computing freed (insaf._memory)
            if progress is not None:
                progress(done, len(dataset.parts))

    return join_parts(scenario, dataset, parts(), paged=paged)


def join_parts(
    scenario: Scenario, dataset: PartitionedSurvey, parts: Iterable[Part], *, paged: Paged = None
) -> tuple[Simulation, str]:
    """The parts of ``dataset`` (``simulate_part``), in the parts' order, put end to end:
    one simulation of the whole survey, and the survey's fingerprint."""
    persons = dataset.shape("persons")[0] if "persons" in dataset.tables else 0
    joined = _Joined(scenario, dataset.shape("households")[0], persons, paged)
    for part in parts:
        joined.add(part)
    baseline = joined.state("baseline", None)
    simulation = Simulation(
        scenario=scenario,
        data=joined.data(dataset),
        baseline=baseline,
        reforms={
            name: joined.state(name, baseline) for name in joined.models if name != "baseline"
        },
        welfare=joined.homes.arrays[("welfare",)],
        scale=joined.homes.arrays[("scale",)],
        in_kind=joined.homes.keyed(("in_kind",), joined.in_kind),
    )
    return simulation, joined.fingerprint()


def simulate_partitioned(
    scenario: Scenario,
    dataset: PartitionedSurvey,
    *,
    progress: Progress | None = None,
    paged: Paged = None,
) -> Impact:
    """``simulate`` on a survey in parts, one part in memory at a time (see the module)."""
    simulation, fingerprint = simulate_parts(scenario, dataset, progress=progress, paged=paged)
    return assess(simulation, fingerprint=fingerprint)

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
``8 * (kept columns + 3 * instruments * states + 8) bytes`` per household, and
the impact's own working tables (see docs/scale.md).

Not on parts: a reform whose parameter is solved for (each step of the solver
would read the whole survey again) and a scenario's ``projection`` (it
reweights the whole survey); both are refused with their key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from insaf.errors import SpecError
from insaf.policy.analysis import DEFAULT_GROUPS
from insaf.policy.assess import assess
from insaf.policy.data import BUILT_IN, PolicyData, item_names
from insaf.policy.engine import Simulation, State, simulate_states
from insaf.policy.impact import Impact
from insaf.policy.instruments import Flows
from insaf.policy.instruments.base import FloatArray, compiled
from insaf.policy.scenario import Scenario
from insaf.survey import Survey, Table
from insaf.survey.partitioned import PartitionedSurvey

__all__ = ["Progress", "check_partitioned", "simulate_partitioned", "simulate_parts"]

Progress = Callable[[int, int], None]
"""Called after each part with the parts done and the number of parts."""

_RIGHTS_HOUSEHOLD = ("head_sex", "has_disabled", "nationality", "refugee_hh", "urban")
"""Household variables of the rights assessment's default groups (``insaf.rights.groups``)."""
_RIGHTS_PERSON = ("sex",)


def check_partitioned(scenario: Scenario) -> None:
    """Refuse what cannot run one part at a time, with the scenario's keys."""
    problems = [
        (
            scenario.locate(("reforms", name, "solve")),
            f"reform {name!r} solves for {policy.solve.parameter}, which needs the whole "
            "survey at each step: solve it on the in-memory engine (--engine memory) or on "
            "a sample, then set the value in the scenario",
        )
        for name, policy in scenario.policies().items()
        if policy.solve is not None
    ]
    if scenario.projection is not None:
        problems.append(
            (
                scenario.locate(("projection",)),
                "a projection reweights the whole survey: it cannot run one part at a time "
                "(use --engine memory)",
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
    wanted.extend(_RIGHTS_HOUSEHOLD)
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
    wanted: list[str] = [*_RIGHTS_PERSON]
    for group in scenario.rights.groups or ():
        if group.unit == "person":
            wanted.extend(compiled(group.where).names)
    present = set(data.persons.columns)
    return [c for c in dict.fromkeys(wanted) if c in present]


@dataclass
class _Part:
    """What one part leaves for the impact (see the module)."""

    households: pl.DataFrame
    persons: pl.DataFrame | None
    person_hh: np.ndarray
    weight: FloatArray
    members: FloatArray
    household_ids: np.ndarray | None
    items: dict[str, tuple[FloatArray, FloatArray]]
    baseline: State
    reforms: dict[str, State]
    welfare: FloatArray
    scale: FloatArray
    in_kind: dict[str, FloatArray]
    digest: dict[str, tuple[str, int, list[int]]] = field(default_factory=dict)


def _table_sums(table: Table) -> tuple[str, int, list[int]]:
    """What ``survey_fingerprint`` reads of a table: its schema, rows and column hash sums."""
    sums = table.frame.select(pl.all().hash(seed=0).sum()).row(0)
    return str(table.frame.schema), table.frame.height, [int(s) for s in sums]


def _dataset_items(
    scenario: Scenario, dataset: PartitionedSurvey, first: Survey
) -> tuple[str, ...]:
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


def _part(scenario: Scenario, survey: Survey, items: Sequence[str]) -> _Part:
    sim = simulate_states(scenario, survey, items=items)
    data = sim.data
    burden_items = {i for b in scenario.rights.burdens.values() for i in b.items}
    known = set(data.item_names) if burden_items else set()
    kept_items = {
        item: (data.quantity(item).copy(), data.spending(item).copy())
        for item in sorted(burden_items & known)
    }
    person_columns = _person_columns(scenario, data)
    return _Part(
        households=data.households.select(_household_columns(scenario, data)),
        persons=(
            data.persons.select(person_columns)
            if data.persons is not None and person_columns
            else None
        ),
        person_hh=data.person_hh,
        weight=data.weight,
        members=data.members,
        household_ids=data.household_ids,
        items=kept_items,
        baseline=sim.baseline,
        reforms=dict(sim.reforms),
        welfare=sim.welfare,
        scale=sim.scale,
        in_kind=dict(sim.in_kind),
        digest={t.name: _table_sums(t) for t in survey.tables},
    )


def _joined(arrays: Sequence[FloatArray | None]) -> FloatArray | None:
    if all(a is None for a in arrays):
        return None
    return np.concatenate([a if a is not None else np.zeros(0) for a in arrays])


def _keyed(maps: Sequence[dict[str, FloatArray]], sizes: Sequence[int]) -> dict[str, FloatArray]:
    """Per key, the parts' arrays end to end; zeros for a part without the key (an
    effect that is zero in every household of a part is not kept by the engine)."""
    keys = list(dict.fromkeys(k for m in maps for k in m))
    return {
        k: np.concatenate([m.get(k, np.zeros(n)) for m, n in zip(maps, sizes, strict=True)])
        for k in keys
    }


class _States:
    """Joins the parts' states, keeping flows shared between states shared."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = sizes
        self._flows: dict[tuple[int, ...], Flows] = {}

    def flows(self, parts: Sequence[Flows]) -> Flows:
        key = tuple(id(f) for f in parts)
        if key not in self._flows:
            recipients = [f.recipients for f in parts]
            self._flows[key] = Flows(
                benefit=np.concatenate([f.benefit for f in parts]),
                fiscal=np.concatenate([f.fiscal for f in parts]),
                recipients=None
                if all(r is None for r in recipients)
                else np.concatenate(
                    [
                        r if r is not None else np.zeros(n)
                        for r, n in zip(recipients, self.sizes, strict=True)
                    ]
                ),
            )
        return self._flows[key]

    def state(self, parts: Sequence[State]) -> State:
        first = parts[0]
        return State(
            policy=first.policy,
            flows={k: self.flows([p.flows[k] for p in parts]) for k in first.flows},
            kinds=dict(first.kinds),
            effect=_keyed([dict(p.effect) for p in parts], self.sizes),
            change=np.concatenate([p.change for p in parts]),
            quantity=_keyed([dict(p.quantity) for p in parts], self.sizes),
            item_effect=_keyed([dict(p.item_effect) for p in parts], self.sizes),
        )


def _items(parts: Sequence[_Part]) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
    """The kept items' quantity and spending arrays (``I x H``), parts end to end."""
    names = tuple(sorted({name for p in parts for name in p.items}))
    sizes = [p.households.height for p in parts]
    quantity = np.zeros((len(names), sum(sizes)))
    value = np.zeros((len(names), sum(sizes)))
    start = 0
    for part, n in zip(parts, sizes, strict=True):
        for i, name in enumerate(names):
            if name in part.items:
                quantity[i, start : start + n], value[i, start : start + n] = part.items[name]
        start += n
    return names, quantity, value


def _joined_data(dataset: PartitionedSurvey, scenario: Scenario, parts: list[_Part]) -> PolicyData:
    """One ``PolicyData`` over the kept columns of every part."""
    households = pl.concat([p.households for p in parts], how="vertical", rechunk=True)
    person_frames = [p.persons for p in parts if p.persons is not None]
    persons = (
        pl.concat(person_frames, how="vertical", rechunk=True)
        if person_frames and len(person_frames) == len(parts)
        else None
    )
    offsets = np.cumsum([0, *(p.households.height for p in parts)])[:-1]
    person_hh = np.concatenate([p.person_hh + o for p, o in zip(parts, offsets, strict=True)])
    key = dataset.tables["households"].key_columns
    survey = dataset.assemble(
        {
            "households": Table(name="households", frame=households, key=key),
            **(
                {"persons": Table(name="persons", frame=persons, household=key[0])}
                if persons is not None
                else {}
            ),
        },
        path=str(dataset.folder),
    )
    ids = [p.household_ids for p in parts]
    return PolicyData(
        survey=survey,
        households=households,
        persons=persons,
        person_hh=person_hh,
        weight=np.concatenate([p.weight for p in parts]),
        members=np.concatenate([p.members for p in parts]),
        period=scenario.period,
        read_items=lambda: _items(parts),
        household_ids=None if any(i is None for i in ids) else np.concatenate(ids),  # type: ignore[arg-type]
    )


def _fingerprint(parts: Sequence[_Part]) -> str:
    """``survey_fingerprint`` of the whole survey, from the parts' sums (a sum of hashes
    is the sum of the parts' sums, modulo 2**64)."""
    digest = hashlib.blake2b(digest_size=16)
    for name, (schema, _, _) in parts[0].digest.items():
        height = sum(p.digest[name][1] for p in parts)
        sums = [
            sum(column) % 2**64 for column in zip(*(p.digest[name][2] for p in parts), strict=True)
        ]
        digest.update(name.encode())
        digest.update(schema.encode())
        digest.update(str(height).encode())
        digest.update(repr(tuple(sums)).encode())
    return digest.hexdigest()


def simulate_parts(
    scenario: Scenario, dataset: PartitionedSurvey, *, progress: Progress | None = None
) -> tuple[Simulation, str]:
    """Every policy on every part, joined: the simulation and the survey's fingerprint."""
    check_partitioned(scenario)
    parts: list[_Part] = []
    items: tuple[str, ...] | None = None
    for done, part in enumerate(dataset.parts, start=1):
        survey = dataset.survey(part)
        if items is None:
            items = _dataset_items(scenario, dataset, survey)
        parts.append(_part(scenario, survey, items))
        if progress is not None:
            progress(done, len(dataset.parts))
    sizes = [p.households.height for p in parts]
    states = _States(sizes)
    data = _joined_data(dataset, scenario, parts)
    simulation = Simulation(
        scenario=scenario,
        data=data,
        baseline=states.state([p.baseline for p in parts]),
        reforms={name: states.state([p.reforms[name] for p in parts]) for name in parts[0].reforms},
        welfare=np.concatenate([p.welfare for p in parts]),
        scale=np.concatenate([p.scale for p in parts]),
        in_kind=_keyed([p.in_kind for p in parts], sizes),
    )
    return simulation, _fingerprint(parts)


def simulate_partitioned(
    scenario: Scenario, dataset: PartitionedSurvey, *, progress: Progress | None = None
) -> Impact:
    """``simulate`` on a survey in parts, one part in memory at a time (see the module)."""
    simulation, fingerprint = simulate_parts(scenario, dataset, progress=progress)
    return assess(simulation, fingerprint=fingerprint)

"""Scenario files: the baseline policy, the reforms, and how to measure welfare.

A scenario is a YAML file a policy analyst reads and writes (``docs/policy.md``
has the full schema and examples)::

    name: {en: Replace the bread subsidy with a child grant, ar: ...}
    survey: ../data/demo          # a survey folder or manifest, relative to this file
    period: month                 # the period of every amount
    welfare: consumption_pc       # per-person welfare; or {variable:, equivalence:}
    lines: {national: poverty_line, extreme: 45.0}   # poverty lines: a column or a number
    # or with its name in both languages:
    #   {line: 45.0, label: {en: Extreme poverty line, ar: خط الفقر المدقع}}
    baseline:
      - {id: bread_subsidy, type: price_subsidy, item: bread, subsidy_per_unit: 0.12}
      - {id: cash_assistance, type: cash_transfer, amount: 40, eligible: "pmt_score < 2.5"}
    reforms:
      child_grant:
        - {remove: bread_subsidy}
        - {id: child_grant, type: cash_transfer, unit: person, amount: 10,
           eligible: "age < 18", budget_neutral: true}

A reform is a list of changes to the baseline: ``{remove: ID}``, ``{change: ID,
PARAMETER: VALUE, ...}`` or a new instrument (a mapping with ``id`` and
``type``); or a mapping with ``label``, ``changes`` and ``solve``.

Reading a scenario checks it in two steps, each reporting every problem at once
with the key and line: ``load_scenario`` checks the file alone (types, ranges,
instrument ids, changes); ``insaf.policy.check.check_scenario`` checks it
against the survey (variables, items) before anything is computed.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    model_validator,
)

from insaf._renamed import renamed_keys
from insaf.errors import Location, SpecError, said, said_together
from insaf.policy.in_kind import InKind
from insaf.policy.instruments import Instrument, instrument_adapter
from insaf.policy.instruments.base import ExprText, Identifier, Text
from insaf.policy.instruments.prices import Elasticity
from insaf.policy.period import Period
from insaf.policy.rights_options import RightsOptions
from insaf.specs import LineMap, locate, parse_spec, pydantic_words, read_yaml_file

__all__ = [
    "Change",
    "Compensate",
    "Derived",
    "Items",
    "Options",
    "Policy",
    "Reform",
    "Remove",
    "Scenario",
    "Solve",
    "Welfare",
    "load_scenario",
    "parse_scenario",
    "text_of",
]

KeyPath = tuple[Hashable, ...]


def _positive_line(value: float | str) -> float | str:
    if isinstance(value, float | int) and not value > 0:
        raise ValueError(
            said("a poverty line must be a positive number or a column, not {value}", value=value)
        )
    return value


PovertyLine = Annotated[float | str, AfterValidator(_positive_line)]
"""A poverty line: a number (per welfare unit per period) or a household column."""
Equivalence = Literal["per_capita", "oecd_modified", "oecd", "square_root", "household"]


def text_of(text: Text | None, lang: str = "en") -> str | None:
    """A ``Text`` in ``lang``, falling back to the other language."""
    if text is None or isinstance(text, str):
        return text
    first = text.ar if lang == "ar" else text.en
    return first or text.en or text.ar


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Welfare(_Spec):
    """The welfare measure that ranks people and counts the poor.

    ``variable`` is a household column holding welfare per person (per capita
    or per adult equivalent) per period. ``equivalence`` says how a change in
    the household's money becomes a change in that measure: divided by the
    number of members (``per_capita``), by adult equivalents (``oecd_modified``:
    1 + 0.5 per other member aged ``adult_age`` or more + 0.3 per child;
    ``oecd``: 1 + 0.7 + 0.5), by the square root of size, or not at all
    (``household``: the variable is household welfare).
    """

    variable: str
    equivalence: Equivalence = "per_capita"
    adult_age: int = Field(default=14, ge=0, le=30)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"variable": data} if isinstance(data, str) else data


class Items(_Spec):
    """Where item quantities and spending are: a long table, one row per household and item.

    ``names`` maps the item names used in the scenario to the codes of a coded
    item column (by default the survey's own ``policy.items``). A row without a
    quantity (spending only) counts its spending as the quantity, at price 1.
    """

    table: str | None = None
    item: str = "item"
    quantity: str = "quantity"
    value: str = "value"
    names: dict[str, int | str] | None = None


class Derived(_Spec):
    """A household variable made for the scenario: exactly one of

    ``expr`` (an expression over household variables), or ``sum``, ``any``,
    ``max``, ``min`` of an expression over the household's members.
    """

    expr: ExprText | None = None
    sum: ExprText | None = None
    any: ExprText | None = None
    max: ExprText | None = None
    min: ExprText | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Derived:
        given = [k for k in ("expr", "sum", "any", "max", "min") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(said("give exactly one of expr, sum, any, max, min"))
        return self

    @property
    def how(self) -> Literal["expr", "sum", "any", "max", "min"]:
        for key in ("expr", "sum", "any", "max", "min"):
            if getattr(self, key) is not None:
                return key
        raise AssertionError("validated to have one")  # pragma: no cover

    @property
    def text(self) -> str:
        value = getattr(self, self.how)
        assert isinstance(value, str)
        return value


class Remove(_Spec):
    """Take an instrument of the baseline out."""

    remove: Identifier


class Change(BaseModel):
    """Change parameters of an instrument of the baseline: ``{change: ID, amount: 50}``."""

    model_config = ConfigDict(extra="allow", frozen=True)

    change: Identifier

    @property
    def updates(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Compensate(_Spec):
    """The group to compensate fully on average: the ``bottom`` share of people by
    baseline welfare, or the households ``where`` an expression holds."""

    bottom: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    where: ExprText | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Compensate:
        if (self.bottom is None) == (self.where is None):
            raise ValueError(said("give exactly one of bottom and where"))
        return self


class Solve(_Spec):
    """Set one parameter of the reform so that a target holds.

    ``parameter`` is ``INSTRUMENT.PARAMETER`` (nested parameters and list
    positions by dots: ``electricity.blocks.0.price``). ``budget_neutral``: the
    reform's annual net cost equals the baseline's plus ``net_cost``.
    ``compensate``: the group's mean change in welfare is zero.
    """

    parameter: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
    target: Literal["budget_neutral", "compensate"] = "budget_neutral"
    net_cost: float = 0.0
    group: Compensate | None = None
    bounds: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _group_for_compensation(self) -> Solve:
        if self.target == "compensate" and self.group is None:
            raise ValueError(
                said(
                    "target compensate needs a group: {example}",
                    example=said_together(["{bottom: 0.4}", "{where: ...}"], " or "),
                )
            )
        if self.target == "budget_neutral" and self.group is not None:
            raise ValueError(said("a group is only used with target: compensate"))
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(
                said("bounds must be [low, high] with low < high, not {bounds}", bounds=self.bounds)
            )
        return self

    @property
    def instrument(self) -> str:
        return self.parameter.split(".", 1)[0]

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.parameter.split(".")[1:])


def _change_kind(data: Any) -> str:
    if isinstance(data, Mapping):
        if "remove" in data:
            return "remove"
        if "change" in data:
            return "change"
    return "add"


ChangeItem = Annotated[
    Annotated[Remove, Tag("remove")]
    | Annotated[Change, Tag("change")]
    | Annotated[Instrument, Tag("add")],
    Discriminator(_change_kind),
]
"""One change of a reform: ``{remove: ID}``, ``{change: ID, ...}`` or a new instrument."""


class Reform(_Spec):
    """A reform: changes to the baseline, and optionally a parameter to solve for."""

    label: Text | None = None
    description: Text | None = None
    changes: list[ChangeItem] = Field(min_length=1)
    solve: Solve | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"changes": data} if isinstance(data, list) else data


class Options(_Spec):
    """Conventions of the impact measures (each has a documented default)."""

    below: Literal["<", "<="] = "<"
    gini: Literal["osier", "eurostat"] = "osier"
    winner_threshold: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.01
    confidence: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.95
    variance: Literal["auto", "linearization", "replicates", "jackknife", "bootstrap"] = "auto"
    replicates: Annotated[int, Field(ge=2)] = 200
    seed: int = 1
    who_loses_share: Annotated[float, Field(gt=0.0, le=0.5)] = 0.1
    deciles: Annotated[int, Field(ge=2, le=20)] = 10
    marginal: bool = False
    """Each instrument's marginal contribution to the Gini and poverty (a Gini and FGT
    per instrument and state: the slowest part of an impact; always with ``in_kind``)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The instruments in force in one state (the baseline or a reform), in order,
    with where each instrument's definition sits in the scenario file."""

    name: str
    instruments: tuple[Instrument, ...]
    where: Mapping[str, KeyPath]
    solve: Solve | None = None
    solve_where: KeyPath = ()

    def get(self, instrument_id: str) -> Instrument | None:
        return next((i for i in self.instruments if i.id == instrument_id), None)

    def replace(self, instrument: Instrument) -> Policy:
        """The same policy with ``instrument`` in place of the one with its id."""
        swapped = tuple(instrument if i.id == instrument.id else i for i in self.instruments)
        return Policy(self.name, swapped, self.where, self.solve, self.solve_where)


class ProjectionRef(_Spec):
    """``projection:`` of a scenario: simulate in ``year``, the survey uprated and
    reweighted by the projection ``file`` (``insaf.survey.projection``)."""

    file: str
    year: int


class Scenario(_Spec):
    """A validated scenario; ``policies()`` gives the baseline and every reform resolved."""

    name: Text
    description: Text | None = None
    survey: str | None = None
    period: Period = "month"
    welfare: Welfare
    lines: dict[Identifier, PovertyLine] = Field(min_length=1)
    line_labels: dict[Identifier, Text] = Field(default_factory=dict)
    items: Items = Items()
    variables: dict[Identifier, Derived] = Field(default_factory=dict)
    elasticities: dict[str, Elasticity] = Field(default_factory=dict)
    groups: list[str] | None = None
    baseline: list[Instrument] = Field(default_factory=list)
    reforms: dict[Identifier, Reform] = Field(min_length=1)
    options: Options = Options()
    rights: RightsOptions = RightsOptions()
    in_kind: list[InKind] = Field(default_factory=list)
    """Public services valued at their unit cost: final income (``insaf.policy.in_kind``)."""
    projection: ProjectionRef | None = None
    """Simulate in a later year than the survey's (``docs/methods/projection.md``)."""

    _file: str | None = PrivateAttr(default=None)
    _lines: LineMap = PrivateAttr(default_factory=LineMap)
    _raw: Any = PrivateAttr(default=None)
    _policies: dict[str, Policy] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _labelled_lines(cls, data: Any) -> Any:
        """``{line: X, label: TEXT}`` as a poverty line: the line, and its label set aside.

        ``poverty_lines``, the key's name before docs/glossary.md, is read as ``lines``.
        """
        data = renamed_keys(data, {"poverty_lines": "lines"}, "scenario")
        lines = data.get("lines") if isinstance(data, Mapping) else None
        if not isinstance(lines, Mapping):
            return data
        labelled = {k: v for k, v in lines.items() if isinstance(v, Mapping) and "line" in v}
        if not labelled:
            return data
        for name, line in labelled.items():
            unknown = set(line) - {"line", "label"}
            if unknown:
                raise ValueError(
                    said(
                        "lines.{name}: unknown key {key} (a line is a column, a number, or {form})",
                        name=name,
                        key=repr(sorted(unknown)[0]),
                        form="{line: ..., label: ...}",
                    )
                )
        return {
            **data,
            "lines": {k: v["line"] if k in labelled else v for k, v in lines.items()},
            "line_labels": {
                **{k: v["label"] for k, v in labelled.items() if v.get("label") is not None},
                **(data.get("line_labels") or {}),
            },
        }

    @model_validator(mode="after")
    def _in_kind_costed(self) -> Scenario:
        seen: set[str] = set()
        for i, service in enumerate(self.in_kind):
            if service.id in seen:
                raise ValueError(
                    said("in_kind.{i}: service {id} is listed twice", i=i, id=repr(service.id))
                )
            seen.add(service.id)
            if service.unit_cost is None:
                raise ValueError(
                    said(
                        "in_kind.{i}: service {id} needs a 'unit_cost' (what the government "
                        "spends per unit of use and year)",
                        i=i,
                        id=repr(service.id),
                    )
                )
        return self

    # -- where things are ----------------------------------------------------------------

    @property
    def file(self) -> str | None:
        return self._file

    @property
    def folder(self) -> Path | None:
        return Path(self._file).parent if self._file else None

    def locate(self, path: KeyPath) -> Location:
        """The file, line and dotted key of ``path`` (a path in the validated model)."""
        return locate(self._raw, self._lines, path, file=self._file)

    def definition(self) -> Any:
        """The scenario as written (the parsed YAML), to store beside its results."""
        if self._raw is not None:
            return self._raw
        return self.model_dump(mode="json", exclude_unset=True, warnings=False)

    @property
    def title(self) -> str:
        return text_of(self.name) or ""

    # -- resolved policies ----------------------------------------------------------------

    def policies(self) -> dict[str, Policy]:
        """``{"baseline": ..., reform name: ...}`` in file order."""
        if not self._policies:
            self._policies = _resolve(self)
        return dict(self._policies)

    @property
    def baseline_policy(self) -> Policy:
        return self.policies()["baseline"]

    def reform_policy(self, name: str) -> Policy:
        return self.policies()[name]

    def item_elasticities(self) -> dict[str, float]:
        """Own-price elasticity of each item: the scenario's, and those on instruments."""
        out = dict(self.elasticities)
        for policy in self.policies().values():
            for instrument in policy.instruments:
                e = getattr(instrument, "elasticity", None)
                if e is not None:
                    out.setdefault(instrument.item, e)  # type: ignore[union-attr]
        return out

    def with_survey(self, survey: str | None) -> Scenario:
        copy = self.model_copy(update={"survey": survey})
        return copy


# -- resolution of reforms -----------------------------------------------------------------


class _Problems:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.items: list[tuple[Location, str]] = []

    def add(self, path: KeyPath, message: str) -> None:
        self.items.append((self.scenario.locate(path), message))

    def raise_any(self) -> None:
        if self.items:
            raise SpecError(self.scenario.file, self.items)


def _updated(instrument: Instrument, change: Change, path: KeyPath, problems: _Problems) -> Any:
    updates = change.updates
    if "id" in updates and updates["id"] != instrument.id:
        problems.add(
            (*path, "id"), said("a change cannot rename an instrument: remove it and add one")
        )
        return None
    if "type" in updates and updates["type"] != instrument.type:
        problems.add((*path, "type"), said("a change cannot alter the type: remove it and add one"))
        return None
    merged = instrument.model_dump(exclude_unset=True)
    merged.update(updates)
    try:
        return instrument_adapter.validate_python(merged)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if loc and loc[0] == instrument.type:
                loc = loc[1:]
            key = loc[0] if loc else None
            target = (*path, key) if key in updates else path
            problems.add(target, pydantic_words(error))
        return None


def _resolve(scenario: Scenario) -> dict[str, Policy]:
    problems = _Problems(scenario)
    base_where: dict[str, KeyPath] = {}
    for i, instrument in enumerate(scenario.baseline):
        if instrument.id in base_where:
            problems.add(
                ("baseline", i, "id"),
                said("instrument id {id} is used twice", id=repr(instrument.id)),
            )
        base_where[instrument.id] = ("baseline", i)
    out = {"baseline": Policy("baseline", tuple(scenario.baseline), base_where)}
    for name, reform in scenario.reforms.items():
        current: dict[str, Instrument] = {i.id: i for i in scenario.baseline}
        where = dict(base_where)
        neutral: list[tuple[str, KeyPath]] = []
        for j, change in enumerate(reform.changes):
            path: KeyPath = ("reforms", name, "changes", j)
            if isinstance(change, Remove):
                if change.remove not in current:
                    problems.add((*path, "remove"), _unknown(change.remove, current))
                    continue
                del current[change.remove]
                where.pop(change.remove, None)
            elif isinstance(change, Change):
                old = current.get(change.change)
                if old is None:
                    problems.add((*path, "change"), _unknown(change.change, current))
                    continue
                new = _updated(old, change, path, problems)
                if new is not None:
                    current[change.change] = new
                    where[change.change] = path
                    if getattr(new, "budget_neutral", False) and change.updates.get(
                        "budget_neutral"
                    ):
                        neutral.append((new.id, path))
            else:
                if change.id in current:
                    problems.add(
                        (*path, "id"),
                        said(
                            "instrument {id} is already in the policy: use {form} or remove it "
                            "first",
                            id=repr(change.id),
                            form=f"{{change: {change.id}, ...}}",
                        ),
                    )
                    continue
                current[change.id] = change
                where[change.id] = path
                if getattr(change, "budget_neutral", False):
                    neutral.append((change.id, path))
        solve = reform.solve
        solve_where: KeyPath = ("reforms", name, "solve")
        if neutral:
            if len(neutral) > 1 or solve is not None:
                problems.add(neutral[-1][1], said("a reform solves for one parameter only"))
            else:
                solve = Solve(parameter=f"{neutral[0][0]}.amount")
                solve_where = (*neutral[0][1], "budget_neutral")
        if solve is not None:
            _check_solve(solve, current, solve_where, problems)
        out[name] = Policy(name, tuple(current.values()), where, solve, solve_where)
    problems.raise_any()
    return out


def _unknown(instrument_id: str, current: Mapping[str, Any]) -> str:
    known = ", ".join(current) or said("none")
    return said(
        "no instrument {id} in the policy (instruments: {known})",
        id=repr(instrument_id),
        known=known,
    )


def parameter_value(instrument: BaseModel, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (attribute names and list positions) inside ``instrument``."""
    node: Any = instrument
    for part in path:
        if isinstance(node, list | tuple):
            node = node[int(part)]
        elif isinstance(node, BaseModel):
            node = getattr(node, part)
        else:
            raise KeyError(part)
    return node


def with_parameter(instrument: Instrument, path: tuple[str, ...], value: float) -> Instrument:
    """A copy of ``instrument`` with the number at ``path`` set to ``value`` (re-validated)."""
    data = instrument.model_dump()
    node: Any = data
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = path[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return instrument_adapter.validate_python(data)


def _check_solve(
    solve: Solve, current: Mapping[str, Instrument], where: KeyPath, problems: _Problems
) -> None:
    instrument = current.get(solve.instrument)
    if instrument is None:
        problems.add((*where, "parameter"), _unknown(solve.instrument, current))
        return
    try:
        value = parameter_value(instrument, solve.path)
    except (AttributeError, KeyError, IndexError, ValueError):
        problems.add(
            (*where, "parameter"),
            f"instrument {solve.instrument!r} ({instrument.type}) has no parameter "
            f"{'.'.join(solve.path)!r}",
        )
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(
            (*where, "parameter"),
            f"{solve.parameter!r} is not a number ({value!r}); the solver sets a number",
        )


# -- reading ---------------------------------------------------------------------------------


def _untagged(where: Location) -> Location:
    """Drop the form of a change (``add``), which pydantic puts in the key path."""
    key = where.key
    if key is not None and (key.endswith(".add") or ".add." in key or ".add[" in key):
        key = key.replace(".add.", ".").replace(".add[", "[")
        key = key[: -len(".add")] if key.endswith(".add") else key
        return Location(file=where.file, line=where.line, key=key)
    return where


def parse_scenario(data: Any, lines: LineMap | None = None, *, file: str | None = None) -> Scenario:
    """Validate ``data`` (parsed YAML) as a scenario and resolve its reforms."""
    lines = lines or LineMap()
    try:
        scenario = parse_spec(Scenario, data, lines, file=file)
    except SpecError as exc:
        raise SpecError(exc.file, [(_untagged(w), m) for w, m in exc.problems]) from None
    scenario._file = file
    scenario._lines = lines
    scenario._raw = data
    scenario.policies()
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; a ``SpecError`` lists every problem with its line."""
    data, lines = read_yaml_file(path)
    return parse_scenario(data, lines, file=str(path))

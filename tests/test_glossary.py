"""docs/glossary.md is the vocabulary: public names on each surface follow its table.

The test reads the table of docs/glossary.md and collects the names INSAF
actually shows: the CLI's options and arguments (Typer's click objects), the
public Python API (``__all__`` of each package, the parameters of its
functions and methods, the fields of its classes), the YAML keys (the
pydantic models of the manifest, scenario, indicator catalogue, designs file
and MPI specification) and the JSON keys of an estimate, a targeting
evaluation and ``impact.json``. Each name of the table must be there, and no
old name may be, except the renames the glossary lists as not yet applied
(``PENDING`` below, which must match that section of the glossary).
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import json
import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer.main
from pydantic import BaseModel
from typer.testing import CliRunner

GLOSSARY = Path(__file__).parents[1] / "docs" / "glossary.md"
SURFACES = ("python", "cli", "yaml", "json")
PACKAGES = [
    "insaf.measures",
    "insaf.observatory",
    "insaf.policy",
    "insaf.policy.instruments",
    "insaf.policy.partitioned",
    "insaf.reports",
    "insaf.specs",
    "insaf.survey",
    "insaf.survey.synth",
    "insaf.targeting",
]

# Renames the glossary lists under "Not yet applied": (surface, name).
PENDING_OLD = {
    ("python", "Level"),  # kept as an alias of Unit
}
# Old names of one concept that another concept rightly uses: checked where they were.
ELSEWHERE = {
    ("python", "weights"): "MPISpec.weights(), the weights of the MPI's indicators",
}
PENDING_NEW: set[tuple[str, str]] = set()


@dataclasses.dataclass(frozen=True)
class Row:
    concept: str
    names: dict[str, tuple[str, ...]]
    old: dict[str, tuple[str, ...]]


def _ticked(cell: str) -> tuple[str, ...]:
    """The names in backticks, without the parenthesised notes."""
    return tuple(re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", cell)))


@cache
def glossary() -> tuple[Row, ...]:
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Names", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["Concept", "Python", "CLI", "YAML", "JSON", "Arabic", "Old names"]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert len(cells) == 7, line
        assert cells[5] and re.search("[\u0600-\u06ff]", cells[5]), f"no Arabic term: {line}"
        old: dict[str, list[str]] = {s: [] for s in SURFACES}
        if cells[6] != "—":
            for part in cells[6].split(";"):
                surface, _, names = part.strip().partition(" ")
                assert surface.lower() in SURFACES, f"old names need a surface: {part!r}"
                old[surface.lower()].extend(_ticked(names))
        rows.append(
            Row(
                concept=cells[0],
                names={s: _ticked(c) for s, c in zip(SURFACES, cells[1:5], strict=True)},
                old={s: tuple(v) for s, v in old.items()},
            )
        )
    return tuple(rows)


# -- what INSAF shows -----------------------------------------------------------------


def _commands() -> Iterator[Any]:
    from insaf.cli import app

    def walk(group: Any, name: str) -> Iterator[Any]:
        context = group.context_class(group, info_name=name)
        for sub in group.list_commands(context):
            command = group.get_command(context, sub)
            if hasattr(command, "list_commands"):
                yield from walk(command, sub)
            else:
                yield command

    yield from walk(typer.main.get_command(app), "insaf")


@cache
def cli_names() -> frozenset[str]:
    found: set[str] = set()
    for command in _commands():
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            found.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("-"))
            if param.param_type_name == "argument":
                found.add(param.metavar or param.name.upper())
            descriptor = getattr(param, "type_descriptor", None)
            kind = getattr(descriptor, "annotation", None)
            if isinstance(kind, type) and issubclass(kind, enum.Enum):
                found.update(str(m.value) for m in kind)
    return frozenset(found)


def _fields(cls: type) -> set[str]:
    names: set[str] = set()
    if dataclasses.is_dataclass(cls):
        names.update(f.name for f in dataclasses.fields(cls))
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        names.update(cls.model_fields)
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        names.update(f"{cls.__name__}.{m}" for m in cls.__members__)
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        names.add(name)
        func = member.fget if isinstance(member, property) else member
        func = getattr(func, "__func__", func)
        if callable(func):
            names.update(_parameters(func))
    return names


def _parameters(func: Any) -> set[str]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return set()
    return {p for p in signature.parameters if p not in ("self", "cls")}


@cache
def python_names() -> frozenset[str]:
    found: set[str] = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            found.add(name)
            if isinstance(value, type):
                found.update(_fields(value))
                found.update(_parameters(value))
                if issubclass(value, enum.Enum):
                    found.update(f"{name}.{m}" for m in value.__members__)
            elif callable(value):
                found.update(_parameters(value))
    return frozenset(found)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            yield from _models_in(arg)


def _literals(annotation: Any) -> Iterator[str]:
    if typing.get_origin(annotation) is typing.Literal:
        yield from (str(a) for a in typing.get_args(annotation))
        return
    for arg in typing.get_args(annotation):
        yield from _literals(arg)


@cache
def yaml_values() -> frozenset[str]:
    """The words a YAML file may give as values (``unit: person``)."""
    yaml_names()
    return frozenset(_YAML_VALUES)


_YAML_VALUES: set[str] = set()


@cache
def yaml_names() -> frozenset[str]:
    """Every key of every YAML file INSAF reads (the fields of its pydantic models)."""
    from insaf.measures.mpi_spec import MPISpec
    from insaf.observatory.indicators import Catalogue
    from insaf.policy.scenario import Scenario
    from insaf.survey.manifest import Manifest
    from insaf.survey.partitioned import DatasetManifest
    from insaf.targeting.designs import DesignsFile

    seen: set[type[BaseModel]] = set()
    found: set[str] = set()
    todo: list[type[BaseModel]] = [
        Manifest,
        DatasetManifest,
        Scenario,
        Catalogue,
        DesignsFile,
        MPISpec,
    ]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            found.add(info.alias or name)
            todo.extend(_models_in(info.annotation))
            _YAML_VALUES.update(_literals(info.annotation))
        todo.extend(model.__subclasses__())
    return frozenset(found)


def _keys(data: Any, values: set[str] | None = None) -> Iterator[str]:
    """The keys of a JSON document; its string values go into ``values``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _keys(value, values)
    elif isinstance(data, list):
        for item in data:
            yield from _keys(item, values)
    elif isinstance(data, str) and values is not None:
        values.add(data)


SCENARIO = """\
name: {en: Grant, ar: منحة}
survey: survey
welfare: consumption_pc
lines: {national: poverty_line}
options: {confidence: 0.9}
baseline:
  - {id: bread_subsidy, type: price_subsidy, item: bread, subsidy_per_unit: 0.12}
reforms:
  grant:
    - {remove: bread_subsidy}
    - {id: child_grant, type: cash_transfer, unit: person, amount: 5, eligible: "age < 18"}
"""


@dataclasses.dataclass(frozen=True)
class Written:
    """What the CLI and the library write: JSON keys, JSON string values, CSV headers."""

    keys: frozenset[str]
    values: frozenset[str]
    columns: frozenset[str]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The JSON of an estimate, a targeting evaluation and impact.json; a CSV's columns."""
    from insaf.cli import app
    from insaf.measures import mean
    from insaf.survey import write_survey
    from insaf.survey.synth import synthesize
    from insaf.targeting import Rule, evaluate

    folder = tmp_path_factory.mktemp("glossary")
    survey = synthesize(600, seed=3, year=2024)
    write_survey(survey, folder / "survey")
    (folder / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    keys: set[str] = set()
    values: set[str] = set()
    keys.update(_keys(mean(survey, "consumption_pc", by="urban").to_dicts(), values))
    rule = Rule(id="children", eligible="n_children > 0", unit="household")
    evaluation = evaluate(survey, rule, amount=10.0)
    keys.update(_keys(evaluation.to_dict(), values))
    out = folder / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", str(folder / "scenario.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    keys.update(_keys(json.loads((out / "impact.json").read_text(encoding="utf-8")), values))
    args = ["estimate", str(folder / "survey"), "--measure", "mean", "--var", "consumption_pc"]
    result = runner.invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    columns = set(result.stdout.splitlines()[0].split(","))
    return Written(frozenset(keys), frozenset(values), frozenset(columns))


# -- the checks ---------------------------------------------------------------------


def _names(surface: str, written: Written) -> frozenset[str]:
    """The names a surface shows: flags, keywords, YAML keys, JSON keys."""
    if surface == "cli":
        return cli_names()
    if surface == "python":
        return python_names()
    if surface == "yaml":
        return yaml_names()
    return written.keys


def _words(surface: str, written: Written) -> frozenset[str]:
    """The names, and the words given as values (choices, literals, JSON strings, columns)."""
    if surface == "cli":
        return cli_names() | written.columns
    if surface == "yaml":
        return yaml_names() | yaml_values()
    if surface == "json":
        return written.keys | written.values
    return python_names()


@pytest.mark.parametrize("surface", SURFACES)
def test_every_glossary_name_is_used(surface: str, written: Written) -> None:
    shown = _words(surface, written)
    missing = [
        f"{row.concept}: {name}"
        for row in glossary()
        for name in row.names[surface]
        if name not in shown and (surface, name) not in PENDING_NEW
    ]
    assert not missing, f"{surface} names in docs/glossary.md that INSAF does not use: {missing}"


@pytest.mark.parametrize("surface", SURFACES)
def test_no_old_name_is_used(surface: str, written: Written) -> None:
    shown = _names(surface, written)
    current = {name for row in glossary() for name in row.names[surface]}
    back = [
        f"{row.concept}: {name}"
        for row in glossary()
        for name in row.old[surface]
        # an old name that is also a current one (unit, value) was renamed in one place
        if name in shown
        and name not in current
        and (surface, name) not in PENDING_OLD
        and (surface, name) not in ELSEWHERE
    ]
    assert not back, f"{surface} names that docs/glossary.md says are renamed: {back}"


def test_renamed_keywords_are_gone_where_they_were() -> None:
    from insaf.targeting import fit_pmt

    assert "unit" in inspect.signature(fit_pmt).parameters
    assert "weights" not in inspect.signature(fit_pmt).parameters


def test_every_measure_takes_unit_not_level() -> None:
    """The unit of analysis is ``unit`` in every measure's signature, the registry's
    ``compute`` and ``prepare``; ``level=`` is read as ``unit=`` with a warning."""
    from insaf import measures
    from insaf.measures.registry import SPECS

    functions = [s.function for s in SPECS] + [measures.compute, measures.prepare]
    for function in functions:
        parameters = inspect.signature(function).parameters
        assert "unit" in parameters and "level" not in parameters, function.__qualname__


def test_pending_renames_are_the_glossarys() -> None:
    """PENDING lists what docs/glossary.md says is not yet applied, and nothing else."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Not yet applied", 1)[1].split("\n## ", 1)[0]
    said = set(re.findall(r"`([^`]+)`", section))
    for surface, name in PENDING_OLD | PENDING_NEW:
        assert name in said, f"{surface} {name} is pending here but not in the glossary"
    static = {"cli": cli_names(), "python": python_names(), "yaml": yaml_names()}
    for surface, name in PENDING_NEW:
        applied = name in static.get(surface, frozenset())
        assert not applied, f"{surface} {name} is applied: take it out of PENDING_NEW"


def test_renamed_cli_flags_are_the_glossarys() -> None:
    """Each hidden old flag the CLI still reads is an old name of the glossary."""
    from insaf.cli.renamed import RenamedFlags

    old = {name for row in glossary() for name in row.old["cli"]}
    new = {name for row in glossary() for name in row.names["cli"]}
    for command in _commands():
        if isinstance(command, RenamedFlags):
            for before, after in command.flags.items():
                assert before in old and after in new, (command.name, before, after)


def test_old_yaml_keys_and_keywords_still_read(tmp_path: Path) -> None:
    """For one release an old key is read as the new one, with a warning naming both."""
    import warnings

    import yaml

    from insaf.observatory.indicators import Computation
    from insaf.policy.scenario import parse_scenario
    from insaf.targeting.designs import DesignsFile

    text = SCENARIO.replace("lines: {national", "poverty_lines: {national")
    with pytest.warns(FutureWarning, match="'poverty_lines' is deprecated; use 'lines'"):
        scenario = parse_scenario(yaml.safe_load(text))
    assert scenario.lines == {"national": "poverty_line"}
    old = {"measure": "headcount", "variable": "consumption_pc", "poverty_line": "poverty_line"}
    with pytest.warns(FutureWarning) as caught:
        computation = Computation.model_validate({**old, "level": "household"})
    assert {str(w.message) for w in caught} == {
        "compute: key 'poverty_line' is deprecated; use 'line'",
        "compute: key 'level' is deprecated; use 'unit'",
    }
    assert (computation.line, computation.unit) == ("poverty_line", "household")
    with pytest.warns(FutureWarning, match="'poverty_line' is deprecated; use 'line'"):
        designs = DesignsFile.model_validate(
            {"poverty_line": 50.0, "designs": [{"id": "universal"}]}
        )
    assert designs.line == 50.0
    from insaf.survey.manifest import VariableSpec

    with pytest.warns(FutureWarning, match="'unit' is deprecated; use 'unit_of_measure'"):
        variable = VariableSpec.model_validate({"unit": "DMD per month"})
    assert variable.unit_of_measure == "DMD per month"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new names warn about nothing
        assert parse_scenario(yaml.safe_load(SCENARIO)).lines == {"national": "poverty_line"}


def test_confidence_and_unit_replace_level_with_a_warning() -> None:
    """``level`` meant the confidence (``to_dict``, ``table``, ``Impact``) and the unit
    (``Need``): the new names work, the old ones for one release with a warning."""
    from insaf.policy.impact import ReformImpact
    from insaf.policy.instruments.base import Need
    from insaf.targeting import Comparison, Evaluation
    from insaf.targeting.charts import tradeoff

    for function in (Comparison.to_dict, Comparison.table, Evaluation.to_dict, Evaluation.table,
                     ReformImpact.to_dict, tradeoff):  # fmt: skip
        parameters = inspect.signature(function).parameters
        assert "confidence" in parameters and "level" not in parameters, function.__qualname__
    need = Need(("income",), "expression", "wage", "person")
    assert need.unit == "person"
    with pytest.warns(DeprecationWarning, match=r"Need.level is deprecated; use Need.unit"):
        assert need.level == "person"
    reform = ReformImpact(name="r", label="r", solved=None, tables={}, notes={})
    with pytest.warns(DeprecationWarning, match=r"to_dict\(\): level= is deprecated"):
        assert reform.to_dict(level=0.9) == reform.to_dict(confidence=0.9)

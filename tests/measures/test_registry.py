"""The registry is the one place a measure is named: ``compute``, ``Prepared``, the
CLI and the observatory read their names, options and defaults from it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import typer.main

import insaf.cli.estimate  # noqa: F401  (registers the command)
import insaf.measures as m
from insaf.cli.app import app
from insaf.errors import InsafError
from insaf.measures import prepared
from insaf.measures.registry import (
    INDICATOR_MEASURES,
    MEASURES,
    PREPARED,
    SPECS,
    MeasureOptions,
    spec_of,
)
from insaf.observatory.indicators import Computation

from .conftest import survey_of

SRC = Path(__file__).parents[2] / "src" / "insaf"


def _estimate_command() -> Any:
    group: Any = typer.main.get_command(app)
    return group.get_command(group.context_class(group, info_name="insaf"), "estimate")


def test_cli_lists_the_registry() -> None:
    (measure,) = [p for p in _estimate_command().params if p.name == "measure"]
    assert measure.help == f"One of: {', '.join(MEASURES)}."


def test_prepared_and_observatory_take_their_names_from_the_registry() -> None:
    assert prepared.NAMES is PREPARED
    assert set(PREPARED) == {s.name for s in SPECS} - {"mpi", "hoi"}
    for name in ("mpi", "hoi"):
        with pytest.raises(InsafError, match=f"unknown measure '{name}'"):
            m.Measure(name=name, variable="x")
    for name, spec in INDICATOR_MEASURES.items():
        line = 1.0 if "line" in spec.accepts else None
        assert Computation(measure=name, variable="x", line=line).measure == name
    with pytest.raises(ValueError, match="unknown measure 'fgt0'"):
        Computation(measure="fgt0", variable="x", line=1.0)


def test_an_unknown_name_is_an_error() -> None:
    survey = survey_of(pl.DataFrame({"y": [1.0, 2.0, 3.0], "w": [1.0, 1.0, 1.0]}), weight="w")
    with pytest.raises(InsafError, match="unknown measure 'palmer'"):
        m.compute(survey, "palmer", "y")
    assert m.compute(survey, "MEAN", "y")[0].value == 2.0  # any case


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_options_and_defaults_come_from_the_signature(spec: m.MeasureSpec) -> None:
    parameters = inspect.signature(spec.function).parameters
    options = set(MeasureOptions.__dataclass_fields__)
    assert spec.accepts <= options
    for name in spec.accepts - {"line", "relative", "of"}:
        assert name in parameters or name in spec.fixed
    if spec.plan is None:
        return
    # the plan takes exactly the function's measure options: one set of defaults
    taken = set(inspect.signature(spec.plan).parameters) - {"variable"}
    given = MeasureOptions(
        line=1.0 if "line" in spec.accepts else None,
        p=0.5 if "p" in spec.needs else None,
        rank_by="x" if spec.name == "concentration" else None,
    )
    # se and confidence choose the Woodruff interval, which only the function makes
    # (a plan refuses se="woodruff": test_woodruff_is_not_planned)
    assert set(spec.arguments(given)) - {"se", "confidence"} == taken
    for name, value in spec.arguments(given).items():
        default = parameters[name].default
        if name not in spec.fixed and default is not inspect.Parameter.empty:
            assert value == default or name in ("line", "p", "rank_by")


def test_option_errors() -> None:
    with pytest.raises(InsafError, match="gini does not take alpha"):
        spec_of("gini").arguments(MeasureOptions(alpha=2.0))
    with pytest.raises(InsafError, match="quantile needs p"):
        spec_of("quantile").arguments(MeasureOptions())
    with pytest.raises(InsafError, match="either a line or a relative line"):
        spec_of("fgt0").arguments(MeasureOptions(line=1.0, relative=0.6))
    assert spec_of("fgt1").arguments(MeasureOptions(relative=0.5, of="mean"))["line"] == m.Relative(
        share=0.5, of="mean"
    )
    assert spec_of("arpr").arguments(MeasureOptions(relative=0.5))["share"] == 0.5


def _dispatch_by_name(path: Path) -> list[str]:
    """Places that compare a name with a measure's name, or list three measure names."""
    names = set(MEASURES) | set(INDICATOR_MEASURES)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for n in ast.walk(node)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in exported:
            continue
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            named = any(
                isinstance(s, ast.Name | ast.Attribute)
                and (s.id if isinstance(s, ast.Name) else s.attr) in ("name", "measure")
                for s in sides
            )
            listed = [
                c.value
                for s in sides
                for c in ([s] if isinstance(s, ast.Constant) else getattr(s, "elts", []))
                if isinstance(c, ast.Constant) and c.value in names
            ]
            if named and listed:
                found.append(f"{path.name}:{node.lineno}")
        elif isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            listed = [c.value for c in items if isinstance(c, ast.Constant) and c.value in names]
            if len(listed) >= 3:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_registry_is_the_only_place_a_measure_is_named() -> None:
    files = [
        *(SRC / "measures").rglob("*.py"),
        *(SRC / "observatory").rglob("*.py"),
        SRC / "cli" / "estimate.py",
    ]
    found = [f for path in files if path.name != "registry.py" for f in _dispatch_by_name(path)]
    assert found == []


def test_a_measure_shows_its_name_variable_and_the_options_given() -> None:
    measure = m.Measure(name="FGT0", variable="income", line="line_pc")
    assert repr(measure) == "Measure(name='fgt0', variable='income', line='line_pc')"
    assert (
        repr(m.Measure(name="gini", variable="income")) == "Measure(name='gini', variable='income')"
    )


def test_woodruff_is_not_planned() -> None:
    with pytest.raises(InsafError, match="median: a Woodruff interval is not made from a prepared"):
        spec_of("median").plan_for("y", MeasureOptions(se="woodruff"))

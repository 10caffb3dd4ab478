"""Start-up: ``import insaf.cli`` loads no command's dependencies; commands load lazily.

The import is checked in a fresh interpreter (``sys.modules`` of this one holds
whatever other tests imported). Timing is benchmarks' business, not a test's:
these tests check what is imported, which is what start-up time comes from.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main

from insaf.cli import app
from insaf.cli.app import COMMANDS, LazyCommands

CLI = Path(__file__).parents[2] / "src" / "insaf" / "cli"

HEAVY = (
    "django",
    "insaf.web",
    "insaf.policy",
    "insaf.measures",
    "insaf.survey",
    "insaf.targeting",
    "insaf.observatory",
    "insaf.reports",
    "insaf.rights",
    "insaf.disclosure",
    "openpyxl",
    "polars",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "jinja2",
    "pydantic",
    "yaml",
    "sdmx",
    "importlib.metadata",
    "insaf.survey.partitioned",
)
"""What ``insaf --version`` and ``insaf --help`` must not pay for."""


def loaded_after(code: str) -> set[str]:
    """The heavy packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({h for h in heavy for m in list(sys.modules)"
        " if m == h or m.startswith(h + '.')})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def run_cli(args: list[str]) -> str:
    return f"from insaf.cli import app\ntry:\n    app({args!r})\nexcept SystemExit:\n    pass"


def test_import_insaf_cli_loads_nothing_heavy() -> None:
    assert loaded_after("import insaf.cli") == set()


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_load_nothing_heavy(args: list[str]) -> None:
    assert loaded_after(run_cli(args)) == set()


def test_a_command_loads_only_what_it_uses() -> None:
    loaded = loaded_after(run_cli(["estimate", "--help"]))
    assert "insaf.measures" in loaded  # the command's own module was imported ...
    assert not loaded & {"django", "insaf.web", "insaf.policy", "openpyxl", "scipy", "pandas"}


def test_estimate_from_parquet_reads_without_pyarrow_or_pandas(tmp_path: Path) -> None:
    """Polars reads the file and counts its rows for the engine's choice: a short
    ``insaf estimate`` does not pay for importing pyarrow or pandas."""
    import polars as pl

    data = tmp_path / "persons.parquet"
    pl.DataFrame({"income": [1.0, 2.0, 4.0, 8.0], "w": [1.0, 2.0, 1.0, 2.0]}).write_parquet(data)
    args = ["estimate", str(data), "--measure", "gini", "--var", "income", "--weight", "w"]
    loaded = loaded_after(run_cli(args))
    assert "insaf.measures" in loaded  # the estimate ran ...
    assert not loaded & {"pyarrow", "pandas", "django", "insaf.policy", "scipy"}
    assert "insaf.survey.partitioned" not in loaded  # a file is not a survey in parts


def test_summaries_are_the_commands_help() -> None:
    """``insaf --help`` shows ``COMMANDS``' summaries: each is its command's first paragraph."""
    group = typer.main.get_command(app)
    assert isinstance(group, LazyCommands)
    context = typer.Context(group, info_name="insaf")
    for name, lazy in COMMANDS.items():
        command = group.get_command(context, name)
        assert command is not None, name
        first = (command.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == lazy.summary, f"COMMANDS[{name!r}].summary is stale"


def registered_names(module: Path) -> set[str]:
    """The names a command module registers on ``app`` (``@app.command`` or ``command_group``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "command_group":
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"{module.name}: name groups literally"
            names.add(str(first.value))
        if not isinstance(node.func, ast.Attribute):
            continue
        target = node.func.value
        if not (isinstance(target, ast.Name) and target.id == "app"):
            continue
        if node.func.attr == "command" and node.args:
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"{module.name}: name commands literally"
            names.add(str(first.value))
    return names


def test_every_registered_command_is_listed() -> None:
    """A module that registers a command on ``app`` is named for it in ``COMMANDS``."""
    found = {
        name: f"insaf.cli.{module.stem}"
        for module in sorted(CLI.glob("*.py"))
        for name in registered_names(module)
    }
    assert found == {name: lazy.module for name, lazy in COMMANDS.items()}


def test_unknown_command_suggests_a_lazy_one() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["estimat"])
    assert result.exit_code == 2
    assert "Did you mean 'estimate'" in result.output

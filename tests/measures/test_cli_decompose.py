"""``insaf decompose``: parsing, one library call, output shapes (the numbers are the
library's, checked by hand and against R in test_change.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

import insaf.cli.decompose  # noqa: F401  (registers the command until insaf.cli imports it)
from insaf.cli.app import app
from insaf.measures.change import growth_redistribution

from .conftest import survey_of

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    n = 60
    frame = pl.DataFrame(
        {
            "id": list(range(n)),
            "w": [1.0 + (i % 3) for i in range(n)],
            "start": [float(10 + 3 * i) for i in range(n)],
            "group": ["a" if i % 2 else "b" for i in range(n)],
        }
    ).with_columns(end=pl.col("start") * 0.8 + 30)
    path = tmp_path_factory.mktemp("decompose") / "survey.csv"
    frame.write_csv(path)
    return path


def invoke(data: Path, *args: str) -> Any:
    design = ["--weight", "w", "--psu", "id"]
    return CliRunner().invoke(app, ["decompose", str(data), *design, *args], env=ENGLISH)


def test_json_is_the_library_call(data: Path) -> None:
    result = invoke(data, "--var", "end", "--versus", "start", "--line", "100", "--alpha", "1",
                    "--replicates", "40", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.stdout)}
    survey = survey_of(pl.read_csv(data), weight="w", psu="id")
    expected = growth_redistribution(
        survey, "end", versus="start", line=100, alpha=1, replicates=40
    )
    for e in expected:
        assert rows[e.measure]["value"] == pytest.approx(e.value, rel=1e-12)
        assert rows[e.measure]["se"] == pytest.approx(e.se, rel=1e-12)


def test_by_group_table_and_csv(data: Path) -> None:
    table = invoke(data, "--var", "end", "--versus", "start", "--line", "100", "--by", "group")
    assert table.exit_code == 0, table.output
    assert "interaction" in table.stdout and "within" in table.stdout
    csv = invoke(data, "--var", "end", "--versus", "start", "--line", "100", "--by", "group",
                 "--format", "csv")  # fmt: skip
    assert csv.stdout.splitlines()[0].startswith("measure,group,value,se")
    assert len(csv.stdout.splitlines()) == 1 + 4 + 2 * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--line", "100"], "exactly one of versus"),
        (["--versus", "start", "--line", "100", "--below", "<<"], "--below must be"),
        (["--versus", "start", "--line", "-1"], "absolute poverty line"),
        (["--versus", "start", "--line", "100", "--by", "nothing"], "nothing"),
    ],
)
def test_bad_input(data: Path, args: list[str], message: str) -> None:
    result = invoke(data, "--var", "end", *args)
    assert result.exit_code != 0
    assert message in result.output

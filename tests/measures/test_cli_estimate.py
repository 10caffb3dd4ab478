"""``insaf estimate``: parsing, one library call, output shapes; numbers from R goldens."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

import insaf.cli.estimate  # noqa: F401  (registers the command until insaf.cli imports it)
from insaf.cli.app import app

from .conftest import GOLDEN

EUSILC = str(GOLDEN / "data" / "eusilc.csv")
DESIGN = ["--weight", "rb050", "--strata", "db040", "--psu", "db030"]


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["estimate", EUSILC, *DESIGN, *args])


def test_json_shape_and_values(eusilc_golden: dict[str, Any]) -> None:
    result = invoke("--measure", "gini", "--var", "eqIncome", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {
        "measure",
        "domain",
        "value",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "n",
        "population",
    }
    assert row["measure"] == "gini" and row["domain"] is None and row["n"] == 14827
    assert row["value"] == pytest.approx(eusilc_golden["gini_osier"]["value"], rel=1e-8)
    assert row["se"] == pytest.approx(eusilc_golden["gini_osier"]["se"], rel=1e-6)
    assert row["ci_low"] == pytest.approx(row["value"] - 1.959963984540054 * row["se"])


def test_domains_relative_line(eusilc_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure",
        "arpr",
        "--var",
        "eqIncome",
        "--by",
        "db040",
        "--relative",
        "0.6",
        "--of",
        "median",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 9
    for row in rows:
        g = eusilc_golden[f"arpr_lt_db040_{row['domain']['db040']}"]
        assert row["value"] == pytest.approx(g["value"], rel=1e-8)
        assert row["se"] == pytest.approx(g["se"], rel=1e-6)


def test_fgt_with_line_and_csv(eusilc_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure",
        "fgt1",
        "--var",
        "eqIncome",
        "--line",
        "10000",
        "--by",
        "rb090",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("measure,rb090,value,se")
    assert len(lines) == 3


def test_table_output() -> None:
    result = invoke("--measure", "mean", "--var", "eqIncome")
    assert result.exit_code == 0, result.output
    assert "19,891" in result.stdout  # 19890.8, four significant digits at least


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "mld", "--var", "eqIncome"], "3 zero or negative"),
        (["--measure", "mpi", "--var", "eqIncome"], "mpi takes no variable"),
        (["--measure", "hoi", "--var", "eqIncome"], "hoi needs circumstances"),
        (["--measure", "gini"], "gini needs a variable"),
        (["--measure", "fgt0", "--var", "eqIncome"], "needs a poverty line"),
        (["--measure", "gini", "--var", "eqIncome", "--alpha", "2"], "gini does not take alpha"),
        (["--measure", "mean", "--var", "py010n"], "2720 missing value"),
        (["--measure", "nope", "--var", "eqIncome"], "unknown measure"),
    ],
)
def test_clear_errors(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


@pytest.fixture(scope="module")
def demo_manifest(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    data = GOLDEN / "data"
    (folder / "survey.yaml").write_text(
        "insaf: 1\n"
        "name: {en: Demo survey (synthetic), ar: مسح تجريبي}\n"
        f"households: {{path: {data / 'demo_households.csv'}, key: hhid}}\n"
        f"persons: {{path: {data / 'demo_persons.csv'}, key: pid, household: hhid}}\n"
        "design: {weight: weight, strata: stratum, psu: psu, fpc: fpc}\n",
        encoding="utf-8",
    )
    return str(folder)


def run_demo(manifest: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["estimate", manifest, *args])


def test_mpi_presets_and_gap(demo_manifest: str, mpi_golden: dict[str, Any]) -> None:
    result = run_demo(demo_manifest, "--measure", "mpi", "--spec", "arab", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.stdout)}
    for stat in ("H", "A", "M0"):
        assert rows[f"mpi.{stat}"]["value"] == pytest.approx(
            mpi_golden[f"arab_{stat}"]["value"], rel=1e-8
        )
        assert rows[f"mpi.{stat}"]["se"] == pytest.approx(
            mpi_golden[f"arab_{stat}"]["se"], rel=1e-6
        )
    result = run_demo(
        demo_manifest, "--measure", "mpi", "--gap", "nationality", "2", "1", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    diff = next(r for r in rows if r["measure"].startswith("gap.difference[mpi.H:"))
    assert diff["measure"] == "gap.difference[mpi.H: nationality=2 vs 1]"
    assert diff["value"] == pytest.approx(mpi_golden["global_gap_H_difference"]["value"], rel=1e-8)
    assert diff["se"] == pytest.approx(mpi_golden["global_gap_H_difference"]["se"], rel=1e-6)


def test_mpi_spec_file_errors(demo_manifest: str, tmp_path: Any) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: x\nk: 2\ndimensions: []\n", encoding="utf-8")
    result = run_demo(demo_manifest, "--measure", "mpi", "--spec", str(spec))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "line 2, key 'k'" in text and "line 3, key 'dimensions'" in text


def test_hoi(demo_manifest: str, mpi_golden: dict[str, Any]) -> None:
    result = run_demo(
        demo_manifest,
        "--measure",
        "hoi",
        "--var",
        "attending_school",
        "--circumstances",
        "sex,urban,refugee_hh",
        "--circumstances",
        "head_education",
        "--circumstances",
        "hhsize",
        "--categorical",
        "head_education",
        "--among",
        "age >= 6 AND age <= 14",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"hoi.coverage", "hoi.D", "hoi"}
    assert rows["hoi"]["value"] == pytest.approx(mpi_golden["hoi"]["value"], rel=1e-8)
    assert rows["hoi"]["se"] == pytest.approx(mpi_golden["hoi"]["se"], rel=1e-6)


def test_gap_on_a_single_file(equity_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure",
        "mean",
        "--var",
        "eqIncome",
        "--gap",
        "rb090",
        "female",
        "male",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("measure,rb090,value,se")
    ratio = lines[4].split(",")
    assert ratio[0] == "gap.ratio[mean: rb090=female vs male]"
    assert float(ratio[2]) == pytest.approx(equity_golden["gap_eqIncome_ratio"]["value"], rel=1e-8)
    assert float(ratio[3]) == pytest.approx(equity_golden["gap_eqIncome_ratio"]["se"], rel=1e-6)
    table = invoke("--measure", "mean", "--var", "eqIncome", "--gap", "rb090", "female", "male")
    # not eaten as markup (at 80 columns the name folds, never cut)
    assert "gap.difference[mean:" in table.stdout and "rb090=female vs male]" in table.stdout


def test_every_measure_option_has_its_flag() -> None:
    """The command's flags are the registry's options, named alike (rank_by: --rank-by)."""
    from insaf.measures.registry import OPTIONS

    from .test_registry import _estimate_command

    flags = {opt for p in _estimate_command().params for opt in p.opts}
    assert {"--" + name.replace("_", "-") for name in OPTIONS} <= flags


def test_concentration_ranked_by_another_column(eusilc_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure", "concentration", "--var", "hsize", "--rank-by", "eqIncome", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    golden = eusilc_golden["concentration_hsize_by_income"]
    assert row["value"] == pytest.approx(golden["value"], rel=1e-8)
    assert row["se"] == pytest.approx(golden["se"], rel=1e-6)


def test_proportion_of_a_value() -> None:
    # hsize == 1: the weighted share of one-person households, as the mean of 0/1
    counted = invoke(
        "--measure", "proportion", "--var", "hsize", "--value", "1", "--format", "json"
    )
    assert counted.exit_code == 0, counted.output
    (row,) = json.loads(counted.stdout)
    frame = pl.read_csv(EUSILC)
    one = (frame["hsize"] == 1).cast(pl.Float64)
    by_hand = float((one * frame["rb050"]).sum() / frame["rb050"].sum())
    assert row["value"] == pytest.approx(by_hand, rel=1e-12)


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--rule", "school", "--rule must be one of 'convey', 'eurostat', 'laeken', not 'school'"),
        ("--of", "mode", "--of must be one of 'median', 'mean', not 'mode'"),
        ("--below", "<<", "--below must be one of '<', '<=', not '<<'"),
    ],
)
def test_a_choice_outside_its_list(flag: str, value: str, message: str) -> None:
    result = invoke("--measure", "fgt0", "--var", "eqIncome", "--relative", "0.6", flag, value)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())

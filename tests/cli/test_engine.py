"""``insaf estimate --engine``: a partitioned Parquet dataset streamed gives the numbers
read in memory, and the automatic choice says which engine it took, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from insaf.cli import app

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
DESIGN = ["--weight", "w", "--strata", "stratum", "--psu", "psu"]
runner = CliRunner()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("census")
    rng = np.random.default_rng(7)
    n = 2400
    psu = np.sort(rng.integers(0, 80, n))
    frame = pl.DataFrame(
        {
            "income": np.exp(rng.normal(8.0, 0.6, n)),
            "w": rng.uniform(80.0, 120.0, n),
            "stratum": psu // 10,
            "psu": psu,
            "governorate": rng.integers(1, 4, n),
        }
    )
    w = frame.get_column("w").to_numpy()
    frame = frame.with_columns(  # delete-a-group jackknife weights: PSUs in 5 groups
        pl.Series(f"r{r}", np.where(psu % 5 == r, 0.0, w * 5 / 4)) for r in range(5)
    )
    for g, part in frame.group_by("governorate"):
        sub = folder / f"governorate={g[0]}"
        sub.mkdir()
        part.write_parquet(sub / "part-0.parquet")
    return folder


def _run(*args: str) -> tuple[str, str]:
    result = runner.invoke(app, list(args), env=ENGLISH)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _same_by_both_engines(command: list[str], *, domains: int) -> list[dict[str, Any]]:
    """The JSON of ``command`` streamed equals it read in memory (to 1e-9); the latter."""
    streamed = json.loads(_run(*command, "--engine", "stream")[0])
    held: list[dict[str, Any]] = json.loads(_run(*command, "--engine", "memory")[0])
    assert len(streamed) == len(held) == domains
    for got, expected in zip(streamed, held, strict=True):
        assert (got["domain"], got["n"]) == (expected["domain"], expected["n"])
        assert got["value"] == pytest.approx(expected["value"], rel=1e-9)
        assert got["se"] == pytest.approx(expected["se"], rel=1e-9)
    return held


@pytest.mark.parametrize(
    "measure",
    [
        ["gini"],
        ["arpr"],
        ["fgt1", "--line", "2500"],
        ["mean"],
        ["total"],
        ["median"],
        ["quantile", "--p", "0.25", "--rule", "eurostat"],
        ["qsr"],
        ["palma"],
    ],
)
def test_streamed_equals_in_memory_from_the_command_line(dataset: Path, measure: list[str]) -> None:
    common = [
        "estimate", str(dataset), "--measure", *measure, "--var", "income",
        "--by", "governorate", *DESIGN, "--format", "json",
    ]  # fmt: skip
    _same_by_both_engines(common, domains=3)


def test_replicate_weights_are_streamed_for_linear_measures(dataset: Path) -> None:
    replicated = [
        "--var", "income", "--by", "governorate", "--weight", "w",
        "--replicate-weights", "r0,r1,r2,r3,r4", "--replicate-method", "jk1", "--format", "json",
    ]  # fmt: skip
    for measure in (["mean"], ["fgt0", "--line", "2500"], ["gini"], ["arpr"], ["palma"]):
        _same_by_both_engines(
            ["estimate", str(dataset), "--measure", *measure, *replicated], domains=3
        )
    # Spark does not yet (each replicate's own quantile): refused before any job
    arpr = runner.invoke(
        app, ["estimate", str(dataset), "--measure", "arpr", *replicated, "--engine", "spark"]
    )
    assert arpr.exit_code == 2
    assert "--replicate-weights is not taken by the Spark engine" in arpr.stderr


def test_auto_says_which_engine_it_took_in_english_and_arabic(dataset: Path) -> None:
    args = ["estimate", str(dataset), "--measure", "gini", "--var", "income", *DESIGN]
    _, said = _run(*args)
    assert re.fullmatch(
        r"engine: in memory \(it would hold \d+ MB, within the [\d.,]+ GB it may use\)\n", said
    )
    _, arabic = _run("--lang", "ar", *args)
    assert arabic.startswith("المحرك: في الذاكرة (سيشغل ")
    assert not re.search(r"[A-Za-z]", arabic), arabic


def test_what_the_streamed_engine_does_not_take_is_refused(dataset: Path) -> None:
    base = ["estimate", str(dataset), "--var", "income", *DESIGN, "--engine", "stream"]
    refused = runner.invoke(app, [*base, "--measure", "gini", "--gap", "governorate", "1", "2"])
    assert refused.exit_code == 2
    assert "--gap is not taken by the streamed engine" in refused.stderr
    arabic = runner.invoke(
        app, ["--lang", "ar", *base, "--measure", "gini", "--variance", "bootstrap"]
    )
    assert arabic.exit_code == 2 and "لا يأخذ المحرك المتدفق الخيار" in arabic.stderr
    theil = runner.invoke(app, [*base, "--measure", "theil"])
    assert theil.exit_code == 2 and "theil is estimated in memory only" in theil.stderr


def test_the_streamed_engine_labels_domains_as_in_memory(tmp_path: Path) -> None:
    """Value labels carried by the files (the first file's, as ``open_survey`` reads
    them) name the domains in the streamed engine's table as in the in-memory one."""
    from insaf.survey.io import write_table
    from insaf.survey.metadata import Label, Metadata, Variable

    labels = Metadata.of(
        [
            Variable(
                name="sex",
                label=Label(en="Sex of the person"),
                values={1: Label(en="Male", ar="ذكر"), 2: Label(en="Female", ar="أنثى")},
            )
        ]
    )
    rng = np.random.default_rng(3)
    n = 1200
    psu = np.sort(rng.integers(0, 40, n))
    frame = pl.DataFrame(
        {
            "income": np.exp(rng.normal(8.0, 0.6, n)),
            "w": rng.uniform(80.0, 120.0, n),
            "stratum": psu // 10,
            "psu": psu,
            "sex": rng.integers(1, 3, n),
        }
    )
    for i, part in enumerate(frame.iter_slices(500)):
        write_table(part, tmp_path / f"part-{i}.parquet", metadata=labels)
    args = ["estimate", str(tmp_path), "--measure", "mean", "--var", "income", "--by", "sex"]
    streamed, _ = _run(*args, *DESIGN, "--engine", "stream")
    held, _ = _run(*args, *DESIGN, "--engine", "memory")
    assert "Female" in streamed and "Male" in streamed
    assert streamed == held


@pytest.fixture(scope="module")
def in_parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A survey in parts (``dataset.yaml``), as ``insaf synth --partitioned`` writes a
    census, here a sample with a design: its standard errors are not zero."""
    from insaf.survey.partitioned import write_partitioned_survey
    from insaf.survey.synth import synthesize

    folder = tmp_path_factory.mktemp("in_parts") / "survey"
    carried = ["governorate", "urban", "stratum", "psu", "fpc", "weight", "consumption_pc"]
    write_partitioned_survey(
        synthesize(600, seed=4, year=2024),
        folder,
        by="governorate",
        households=80,
        carried=[*carried, "poverty_line"],
    )
    return folder


@pytest.mark.parametrize(
    "measure",
    [["gini"], ["arpr"], ["fgt0", "--line", "poverty_line"], ["mean"], ["median"]],
)
def test_a_survey_in_parts_streams_with_its_own_design(in_parts: Path, measure: list[str]) -> None:
    """The command that reads a survey in parts in memory streams it unchanged: its
    persons' files under the manifest's design, the same numbers and SEs."""
    common = [
        "estimate", str(in_parts), "--measure", *measure, "--var", "consumption_pc",
        "--by", "urban", "--format", "json",
    ]  # fmt: skip
    held = _same_by_both_engines(common, domains=2)
    assert all(row["se"] > 0 for row in held)


def test_a_survey_in_parts_is_labelled_and_chosen_by_size(in_parts: Path) -> None:
    from insaf.measures.engine import Reason, choose

    args = ["estimate", str(in_parts), "--measure", "gini", "--var", "consumption_pc"]
    streamed, _ = _run(*args, "--by", "governorate", "--engine", "stream")
    held, _ = _run(*args, "--by", "governorate", "--engine", "memory")
    assert "Al-Asima" in streamed
    assert streamed == held
    small = choose(in_parts, "gini", columns=["consumption_pc"], budget=1)
    assert (small.engine, small.reason) == ("stream", Reason.LARGE)
    # the persons' rows times five columns (the variable and the manifest's four design
    # columns) times 32 bytes
    persons = sum(pl.scan_parquet(f).select(pl.len()).collect().item()
                  for f in (in_parts / "persons").rglob("*.parquet"))  # fmt: skip
    assert small.held == persons * 5 * 32
    roomy = choose(in_parts, "gini", columns=["consumption_pc"], budget=10**12)
    assert roomy.engine == "memory"


def test_a_survey_in_parts_without_persons_is_refused_out_of_core(
    in_parts: Path, tmp_path: Path
) -> None:
    import shutil

    import yaml

    folder = tmp_path / "households_only"
    shutil.copytree(in_parts, folder)
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    manifest["tables"] = {"households": manifest["tables"]["households"]}
    manifest["variables"] = {"households": manifest["variables"]["households"]}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    shutil.rmtree(folder / "persons")
    shutil.rmtree(folder / "consumption")
    refused = runner.invoke(
        app,
        ["estimate", str(folder), "--measure", "mean", "--var", "consumption_pc",
         "--engine", "stream"],
    )  # fmt: skip
    assert refused.exit_code != 0
    assert "dataset.yaml" in refused.stderr and "persons table" in refused.stderr


def test_columns_the_persons_do_not_carry_are_named(tmp_path: Path) -> None:
    from insaf.measures.engine import Reason, choose
    from insaf.survey.partitioned import write_partitioned_survey
    from insaf.survey.synth import synthesize

    folder = tmp_path / "bare"
    write_partitioned_survey(synthesize(200, seed=5, year=2024), folder, by="urban")
    # auto reads it in memory, however small the budget: it cannot be streamed
    chosen = choose(folder, "gini", columns=["consumption_pc"], budget=1)
    assert (chosen.engine, chosen.reason) == ("memory", Reason.SURVEY)
    refused = runner.invoke(
        app,
        ["estimate", str(folder), "--measure", "gini", "--var", "consumption_pc",
         "--engine", "stream"],
        env=ENGLISH,
    )  # fmt: skip
    assert refused.exit_code != 0
    said = " ".join(refused.stderr.split())
    assert "dataset.yaml" in said and "do not carry 'consumption_pc', 'weight'" in said


def test_households_of_a_survey_in_parts_are_counted_in_memory_only(in_parts: Path) -> None:
    """Streamed, a survey in parts is read from its persons' rows: ``--unit household``
    is refused there rather than counting persons; in memory it counts households."""
    args = ["estimate", str(in_parts), "--measure", "mean", "--var", "consumption_pc"]
    refused = runner.invoke(app, [*args, "--unit", "household", "--engine", "stream"], env=ENGLISH)
    assert refused.exit_code == 2
    assert "--unit household is not taken by the streamed engine" in refused.stderr
    (held,) = json.loads(
        _run(*args, "--unit", "household", "--engine", "memory", "--format", "json")[0]
    )
    assert held["n"] == 600
    bare = ["estimate", str(in_parts / "households"), "--measure", "mean", "--var", "hhsize"]
    design = ["--weight", "weight", "--strata", "stratum", "--psu", "psu"]
    streamed = runner.invoke(app, [*bare, *design, "--unit", "household", "--engine", "stream"])
    assert streamed.exit_code == 0, streamed.output  # a bare dataset: its rows are households

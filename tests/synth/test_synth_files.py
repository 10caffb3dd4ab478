"""Written in every format and read back: identical frames, labels (Arabic
included), design and policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from insaf.cli import synth as _synth  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.survey import Format, Survey, open_survey, write_survey


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("fmt", list(Format))
def test_round_trip(small: Survey, tmp_path: Path, fmt: Format, lang: str) -> None:
    write_survey(small, tmp_path, format=fmt, lang=lang)
    back = open_survey(tmp_path)
    assert [t.name for t in back.tables] == [t.name for t in small.tables]
    for written, read in zip(small.tables, back.tables, strict=True):
        assert_frame_equal(written.frame, read.frame)
        assert read.key == written.key and read.household == written.household
    for name, variable in small.metadata.variables.items():
        got = back.metadata[name]
        assert got.label == variable.label, name
        assert dict(got.values) == dict(variable.values), name
        assert got.role == variable.role, name
    assert back.design == small.design
    assert back.name == small.name and back.year == 2024 and back.synthetic
    assert dict(back.policy) == dict(small.policy)


def test_command_writes_a_survey(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--households",
            "300",
            "--seed",
            "3",
            "--year",
            "2021",
            "--out",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    survey = open_survey(out)
    assert survey.n_households == 300 and survey.year == 2021 and survey.synthetic
    assert (out / "consumption.csv").exists()


def test_command_reports_a_bad_request(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--households", "5", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "between 100 and" in result.output


def _make(out: Path, *extra: str) -> Any:
    return CliRunner().invoke(
        app, ["synth", "--households", "200", "--seed", "4", "--out", str(out), *extra]
    )


def test_command_writes_over_a_synthetic_survey_only(tmp_path: Path) -> None:
    """A synthetic survey is made again over an earlier one; a real survey's files are
    not replaced unless overwriting is asked for; other files are left alone."""
    out = tmp_path / "demo"
    assert _make(out).exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert _make(out).exit_code == 0  # an earlier synthetic survey: made again
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"

    manifest = out / "survey.yaml"
    real = manifest.read_text(encoding="utf-8").replace("synthetic: true", "synthetic: false")
    manifest.write_text(real, encoding="utf-8")
    refused = _make(out)
    assert refused.exit_code == 2
    said = " ".join(refused.output.split())
    assert "survey.yaml" in said and "did not make" in said and "--overwrite" in said
    assert manifest.read_text(encoding="utf-8") == real  # nothing written

    manifest.unlink()  # a table without a manifest is not known to be synthetic either
    before = (out / "households.parquet").read_bytes()
    refused = _make(out)
    assert refused.exit_code == 2 and "consumption.parquet" in " ".join(refused.output.split())
    assert (out / "households.parquet").read_bytes() == before

    assert _make(out, "--overwrite").exit_code == 0
    assert open_survey(out).synthetic


def test_command_refuses_a_file_as_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("mine", encoding="utf-8")
    refused = _make(target)
    assert refused.exit_code == 2 and "not a folder" in refused.output
    assert target.read_text(encoding="utf-8") == "mine"

"""Indicators computed from a synthetic survey, checked against direct computations."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from insaf.observatory import DEMO_CATALOGUE, DisclosureRules, apply_disclosure, load_catalogue
from insaf.observatory.compute import compute_catalogue
from insaf.survey import write_survey
from insaf.survey.synth import synthesize

CATALOGUE = load_catalogue(DEMO_CATALOGUE)


@pytest.fixture(scope="module")
def survey() -> object:
    return synthesize(1500, 11, 2023)


def test_every_breakdown_is_computed(survey: object) -> None:
    observations = compute_catalogue(CATALOGUE, survey)  # type: ignore[arg-type]
    by_indicator: dict[str, set[str]] = {}
    for obs in observations:
        by_indicator.setdefault(obs.indicator, set()).add(obs.breakdown)
        assert obs.period == 2023 and obs.area == "DEMO"
        assert obs.value is not None and obs.se is not None and obs.se >= 0
        assert obs.ci_low is not None and obs.ci_high is not None
        assert obs.ci_low <= obs.value <= obs.ci_high
    for indicator in CATALOGUE.indicators:
        expected = {"+".join(b) for b in indicator.breakdowns}
        assert by_indicator[indicator.code] == expected, indicator.code


def test_values_match_a_direct_weighted_computation(survey: object) -> None:
    s = survey
    persons = s.frame(
        ["age", "attending_school", "sex", "consumption_pc", "poverty_line"], unit="person"
    )  # type: ignore[attr-defined]
    got = {
        (o.indicator, o.key): o
        for o in compute_catalogue(CATALOGUE, s, indicators=["SCHOOL_ATT", "POV_NAT"])
    }  # type: ignore[arg-type]
    # attendance: weighted share of 6-17 year olds attending, among 6-17 year olds
    kids = persons.filter(pl.col("age").is_between(6, 17))
    share = (kids["weight"] * kids["attending_school"]).sum() / kids["weight"].sum()
    att = got[("SCHOOL_ATT", "")]
    assert att.value == pytest.approx(100 * share, rel=1e-12)
    assert att.n == kids.height
    # poverty headcount among women and girls (sex code 2), strictly below the line
    women = persons.filter(pl.col("sex") == 2)
    poor = (women["consumption_pc"] < women["poverty_line"]).cast(pl.Float64)
    rate = (women["weight"] * poor).sum() / women["weight"].sum()
    assert got[("POV_NAT", "sex=female")].value == pytest.approx(100 * rate, rel=1e-12)
    assert got[("POV_NAT", "sex=female")].n == women.height


def test_wealth_quintiles_hold_a_fifth_of_the_people(survey: object) -> None:
    obs = [
        o
        for o in compute_catalogue(CATALOGUE, survey, indicators=["CONS_MEAN"])
        if o.breakdown == "wealth_quintile"
    ]  # type: ignore[arg-type]
    total = sum(o.population or 0 for o in obs)
    for o in obs:
        assert (o.population or 0) / total == pytest.approx(0.2, abs=0.02)
    means = [o.value for o in sorted(obs, key=lambda o: o.key)]
    assert means == sorted(means)  # Q1 poorest ... Q5 richest


def test_disclosure_on_computed_cells(survey: object) -> None:
    observations = compute_catalogue(CATALOGUE, survey)  # type: ignore[arg-type]
    strict = DisclosureRules(min_count=400)
    out, report = apply_disclosure(observations, strict)
    assert report.primary > 0
    for obs, before in zip(out, observations, strict=True):
        if before.n is not None and before.n < 400:
            assert obs.is_suppressed and obs.value is None


def test_cli_compute_import_export(tmp_path: Path, survey: object) -> None:
    """``insaf observatory compute`` on survey files, then ``export``, in its own data folder."""
    folder = tmp_path / "survey2023"
    write_survey(survey, folder)  # type: ignore[arg-type]
    env = {**os.environ, "INSAF_DATA": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = [
        sys.executable,
        "-c",
        "from insaf.cli import serve, observatory; from insaf.cli import main; main()",
    ]
    data = ["--data", str(tmp_path / "data")]
    done = subprocess.run(
        [*run, "observatory", "compute", str(folder), *data],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "published" in done.stdout
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [*run, "observatory", "export", str(out), *data], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["indicator"] for r in rows} == {i.code for i in CATALOGUE.indicators}
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,period,value\nPOV_NAT,2023,abc\n", encoding="utf-8")
    done = subprocess.run(
        [*run, "observatory", "import", str(bad), *data], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "line 2" in done.stderr and "'abc' is not a number" in done.stderr


def test_cli_compute_and_export_report_in_arabic(tmp_path: Path, survey: object) -> None:
    """Under an Arabic locale the counts of compute and export are said in Arabic."""
    folder = tmp_path / "survey2023"
    write_survey(survey, folder)  # type: ignore[arg-type]
    env = {**os.environ, "INSAF_DATA": str(tmp_path / "data"), "LANGUAGE": "ar"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = [sys.executable, "-c", "from insaf.cli import main; main()"]
    data = ["--data", str(tmp_path / "data")]
    said = []
    for args in (["compute", str(folder)], ["export", str(tmp_path / "out.csv")]):
        done = subprocess.run(
            [*run, "observatory", *args, *data], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        said.append(done.stdout)
    assert "خلية" in said[0] and "حُجبت" in said[0] and "مشاهدة" in said[1]
    for english in ("cells", "published", "caution", "suppressed", "written to"):
        assert english not in " ".join(said), english

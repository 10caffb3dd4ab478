"""The proportion of one category of a text or labelled variable, and the CLI's
``--value`` and ``--se woodruff``; checked against R goldens and by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

import insaf.cli.estimate  # noqa: F401  (registers the command until insaf.cli imports it)
import insaf.measures as m
from insaf.cli.app import app
from insaf.errors import DataError
from insaf.survey.metadata import Label, Metadata, Variable

from .conftest import api, survey_of


def test_category_of_a_text_column_equals_the_0_1_column(survey_golden: Any) -> None:
    frame = api("apistrat").with_columns(
        pl.when(pl.col("meals") > 50).then(pl.lit("high")).otherwise(pl.lit("low")).alias("band")
    )
    survey = survey_of(frame, weight="pw", strata="stype", fpc="fpc")
    est = m.proportion(survey, "band", value="high")
    g = survey_golden["strat_prop_meals50"]  # R: svymean(~as.numeric(meals > 50))
    assert est.value == pytest.approx(g["value"], rel=1e-8)
    assert est.se == pytest.approx(g["se"], rel=1e-6)
    assert est[0].variable == "band = high"
    with pytest.raises(DataError, match="no unit has 'band' = 'middle'"):
        m.proportion(survey, "band", value="middle")


def test_category_by_its_label() -> None:
    frame = pl.DataFrame({"sex": [1, 2, 2, 1, 2], "w": [1.0, 2.0, 1.0, 1.0, 3.0]})
    labels = {1: Label(en="Male", ar="ذكر"), 2: Label(en="Female", ar="أنثى")}
    plain = survey_of(frame, weight="w")
    survey = replace(plain, metadata=Metadata.of([Variable(name="sex", values=labels)]))
    # by hand: women weigh 2 + 1 + 3 = 6 of 8
    for value in ("Female", "أنثى", "2"):
        assert m.proportion(survey, "sex", value=value).value == pytest.approx(6 / 8)
    with pytest.raises(DataError, match="'Other' is neither a number nor a label of 'sex'"):
        m.proportion(survey, "sex", value="Other")


def test_cli_reaches_categories_and_woodruff(tmp_path: Any, survey_golden: Any) -> None:
    data = tmp_path / "clus1.csv"
    api("apiclus1").write_csv(data)
    args = ["estimate", str(data), "--weight", "pw", "--psu", "dnum", "--fpc", "fpc"]
    run = CliRunner().invoke(
        app,
        [*args, "--measure", "median", "--var", "api00", "--se", "woodruff", "--format", "json"],
    )
    assert run.exit_code == 0, run.output
    (row,) = json.loads(run.stdout)
    g = survey_golden["clus1_quantile_0.5"]
    assert row["se"] == pytest.approx(g["se"], rel=1e-6)
    assert (row["ci_low"], row["ci_high"]) == (g["ci_low"], g["ci_high"])
    run = CliRunner().invoke(
        app,
        [*args, "--measure", "proportion", "--var", "stype", "--value", "H", "--format", "json"],
    )
    assert run.exit_code == 0, run.output
    (row,) = json.loads(run.stdout)
    frame = api("apiclus1")
    share = frame.filter(pl.col("stype") == "H")["pw"].sum() / frame["pw"].sum()
    assert row["value"] == pytest.approx(share, rel=1e-12)

"""Bad inputs give clear errors that name what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from insaf.errors import DataError, InsafError, SpecError
from insaf.survey import Survey
from insaf.targeting import Cutoff, DesignsFile, PmtModel, Rule, evaluate, fit_pmt


def test_proxy_not_in_the_survey(demo: Survey) -> None:
    with pytest.raises(DataError, match="proxy 'tractor' is not in the household table"):
        fit_pmt(demo, ["tv", "tractor"], replicates=0)


def test_unknown_encoding_and_repeated_proxy(demo: Survey) -> None:
    with pytest.raises(InsafError, match="unknown encoding 'cube'"):
        fit_pmt(demo, ["tv:cube"], replicates=0)
    with pytest.raises(InsafError, match="'tv' is given twice"):
        fit_pmt(demo, ["tv", "tv:log"], replicates=0)


def test_log_of_a_proxy_with_zeros(demo: Survey) -> None:
    with pytest.raises(DataError, match=r"'n_children' has .* zero or negative"):
        fit_pmt(demo, ["n_children:log"], replicates=0)


@pytest.mark.parametrize("coverage", [0.0, -0.1, 1.5])
def test_cutoff_outside_zero_one(coverage: float) -> None:
    with pytest.raises(InsafError, match="between 0 and 1"):
        Cutoff(coverage=coverage)


def test_poorest_share_outside_zero_one(demo: Survey) -> None:
    with pytest.raises(InsafError, match="between 0 and 1"):
        evaluate(demo, Rule(), poorest=1.2)


def test_model_applied_to_data_missing_a_variable(demo: Survey, model: PmtModel) -> None:
    frame = demo.households.frame.drop("fridge")
    with pytest.raises(DataError, match="lack variable\\(s\\) the model needs: 'fridge'"):
        model.score(frame)


def test_model_applied_to_an_unseen_level(demo: Survey, model: PmtModel) -> None:
    import polars as pl

    frame = demo.households.frame.with_columns(pl.lit(9).alias("floor"))
    with pytest.raises(DataError, match="'floor' has value\\(s\\) 9 that the model was not"):
        model.score(frame)


def test_pmt_rule_without_a_model(demo: Survey) -> None:
    with pytest.raises(InsafError, match="give a PMT model"):
        evaluate(demo, Rule(pmt=Cutoff(coverage=0.2)))


def test_rule_with_an_unknown_variable(demo: Survey) -> None:
    with pytest.raises(DataError, match="unknown variable\\(s\\) 'agee'"):
        evaluate(demo, Rule(eligible="agee < 18"))


def test_rule_that_does_not_parse() -> None:
    with pytest.raises(InsafError, match="cannot parse"):
        Rule(eligible="age <<< 18")


def test_amount_and_budget_together(demo: Survey) -> None:
    with pytest.raises(InsafError, match="an amount or a budget, not both"):
        evaluate(demo, Rule(), amount=1.0, budget=10.0)


def test_model_file_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"format": "something"}')
    with pytest.raises(InsafError, match="not a PMT model"):
        PmtModel.load(path)
    with pytest.raises(InsafError, match="not found"):
        PmtModel.load(tmp_path / "missing.json")


def test_designs_file_errors_name_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "designs.yaml"
    path.write_text("designs:\n  - id: a\n    pmt: {coverage: 1.5}\n  - id: b\n    unit: family\n")
    with pytest.raises(SpecError) as caught:
        DesignsFile.load(path)
    text = str(caught.value)
    assert "line 3" in text and "designs[0].pmt.coverage" in text
    assert "line 5" in text and "designs[1].unit" in text


def test_designs_with_one_id_twice() -> None:
    with pytest.raises(ValueError, match="design id 'a' is used twice"):
        DesignsFile.of({"designs": [{"id": "a"}, {"id": "a", "eligible": "age < 5"}]})

"""Invariants of the targeting metrics, and agreement with ``insaf.measures``."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insaf import measures
from insaf.survey import Design, Survey, Table
from insaf.targeting import (
    Cutoff,
    PmtModel,
    Rule,
    RuleEngine,
    TargetingData,
    evaluate,
    evaluate_benefit,
    evaluate_rule,
)


def test_universal_rule_has_no_exclusion_error(demo: Survey) -> None:
    result = evaluate(demo, Rule(), amount=10.0, net_of="cash_assistance")
    for definition in ("line", "poorest"):
        e = result.definitions[definition]["exclusion_error"]
        assert e.value == 0.0 and e.se == pytest.approx(0.0, abs=1e-12)
    assert result.summary["coverage"].value == pytest.approx(1.0)
    # a flat benefit per person is neutral: no concentration; CGH = (share of benefits
    # to the bottom 20 %) / 0.2 is 1 up to the bottom group not being exactly 20 % of people
    assert result.summary["concentration"].value == pytest.approx(0.0, abs=1e-12)
    assert result.summary["cgh20"].value == pytest.approx(1.0, abs=2e-3)
    people = float((demo.households.frame["weight"] * demo.households.frame["hhsize"]).sum())
    assert result.summary["cost"].value == pytest.approx(10.0 * 12 * people)


def test_a_rule_selecting_nobody_costs_nothing(demo: Survey) -> None:
    result = evaluate(demo, Rule(eligible="age > 200"), budget=1e9)
    assert result.details["amount"] == 0.0
    assert result.summary["cost"].value == 0.0
    assert result.summary["coverage"].value == 0.0
    assert result.definitions["line"]["exclusion_error"].value == pytest.approx(1.0)
    out = result.to_dict()
    # undefined shares are JSON nulls, never silent numbers
    assert out["definitions"]["line"]["inclusion_error"]["value"] is None
    assert out["summary"]["benefit_cost_ratio"]["value"] is None
    assert out["poverty"]["fgt0"]["change"]["value"] == 0.0


def test_budget_is_spent_exactly(demo: Survey, model: PmtModel) -> None:
    rule = Rule(eligible="age < 18", pmt=Cutoff(coverage=0.4))
    result = evaluate(demo, rule, model=model, budget=5e8)
    assert result.summary["cost"].value == pytest.approx(5e8, rel=1e-12)


def test_coverage_cutoff_selects_that_share_of_people(demo: Survey, model: PmtModel) -> None:
    result = evaluate(demo, Rule(pmt=Cutoff(coverage=0.3)), model=model)
    assert result.summary["coverage"].value == pytest.approx(0.3, abs=0.002)


def test_transfers_never_raise_poverty(demo: Survey, model: PmtModel) -> None:
    for rule in (Rule(), Rule(pmt=Cutoff(line=True)), Rule(eligible="age >= 65")):
        result = evaluate(demo, rule, model=model, amount=15.0)
        for alpha in ("fgt0", "fgt1", "fgt2"):
            assert result.poverty[alpha]["change"].value <= 0.0


def _tiny(weights: list[float], welfare: list[float]) -> Survey:
    n = len(weights)
    frame = pl.DataFrame(
        {
            "hhid": list(range(n)),
            "w": weights,
            "hhsize": [1 + i % 3 for i in range(n)],
            "y": welfare,
            "stratum": [i % 2 for i in range(n)],
            "psu": [i // 2 for i in range(n)],
        }
    )
    return Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="w", strata="stratum", psu="psu"),
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.5, 10.0), min_size=8, max_size=30),
    st.floats(0.1, 100.0),
    st.integers(0, 10_000),
)
def test_scaling_weights_leaves_rates_unchanged(weights: list[float], k: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    welfare = list(rng.uniform(20, 200, len(weights)))
    benefit = np.where(rng.random(len(weights)) < 0.5, 10.0, 0.0)
    a = evaluate_benefit(
        TargetingData.build(_tiny(weights, welfare), welfare="y", line=100.0, groups=[]), benefit
    )
    scaled = [w * k for w in weights]
    b = evaluate_benefit(
        TargetingData.build(_tiny(scaled, welfare), welfare="y", line=100.0, groups=[]), benefit
    )
    for key in ("coverage", "cgh20", "concentration", "benefit_cost_ratio"):
        x, y = a.summary[key].value, b.summary[key].value
        assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, rel=1e-9, abs=1e-12)
    for key in ("exclusion_error", "inclusion_error", "inclusion_error_nonpoor"):
        x, y = a.definitions["line"][key].value, b.definitions["line"][key].value
        assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, rel=1e-9, abs=1e-12)
    assert b.summary["cost"].value == pytest.approx(k * a.summary["cost"].value)


def _people_survey(demo: Survey) -> tuple[Survey, TargetingData, np.ndarray]:
    """The demo as households with the people weight, a benefit column and welfare."""
    data = TargetingData.build(demo, net_of="cash_assistance")
    rng = np.random.default_rng(5)
    benefit = np.where(rng.random(data.n) < 0.3, 25.0, 0.0) * data.size
    frame = data.frame.select("hhid", "stratum", "psu", "fpc").with_columns(
        pl.Series("wp", data.people),
        pl.Series("y", data.welfare),
        pl.Series("after", data.welfare + benefit / data.size),
        pl.Series("t", benefit / data.size),
        pl.Series("line", data.line),
    )
    survey = Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="wp", strata="stratum", psu="psu", fpc="fpc"),
    )
    return survey, data, benefit


def test_poverty_and_concentration_agree_with_insaf_measures(demo: Survey) -> None:
    survey, data, benefit = _people_survey(demo)
    result = evaluate_benefit(data, benefit, groups=False)
    for alpha in (0, 1, 2):
        before = measures.fgt(survey, "y", line="line", alpha=alpha, unit="household")[0]
        after = measures.fgt(survey, "after", line="line", alpha=alpha, unit="household")[0]
        change = measures.difference(after, before)
        mine = result.poverty[f"fgt{alpha}"]
        assert mine["before"].value == pytest.approx(before.value, rel=1e-10)
        assert mine["before"].se == pytest.approx(before.se, rel=1e-8)
        assert mine["change"].value == pytest.approx(change.value, rel=1e-10)
        assert mine["change"].se == pytest.approx(change.se, rel=1e-8)
    conc = measures.concentration(survey, "t", rank_by="y", unit="household")[0]
    assert result.summary["concentration"].value == pytest.approx(conc.value, rel=1e-10)
    assert result.summary["concentration"].se == pytest.approx(conc.se, rel=1e-8)


def test_ratios_agree_with_insaf_measures(demo: Survey) -> None:
    survey, data, benefit = _people_survey(demo)
    result = evaluate_benefit(data, benefit, groups=False)
    frame = survey.households.frame.with_columns(
        ((pl.col("y") < pl.col("line")).cast(pl.Float64)).alias("poor"),
        ((pl.col("t") > 0).cast(pl.Float64)).alias("b"),
    ).with_columns((pl.col("poor") * pl.col("b")).alias("pb"))
    s = Survey(households=Table(name="h", frame=frame, key=("hhid",)), design=survey.design)
    ref = measures.ratio(s, "pb", "poor", unit="household")[0]
    mine = result.definitions["line"]["coverage_poor"]
    assert mine.value == pytest.approx(ref.value, rel=1e-10)
    assert mine.se == pytest.approx(ref.se, rel=1e-8)
    by = measures.mean(s, "b", by="stratum", unit="household")
    assert by[0].value == pytest.approx(
        float(
            frame.filter(pl.col("stratum") == by[0].domain["stratum"])
            .select((pl.col("b") * pl.col("wp")).sum() / pl.col("wp").sum())
            .item()
        )
    )


def test_hybrid_and_or_rules(demo: Survey, model: PmtModel) -> None:
    data = TargetingData.build(demo, net_of="cash_assistance")
    engine = RuleEngine(data, model)
    both = evaluate_rule(
        engine,
        Rule(eligible="n_elderly > 0", pmt=Cutoff(coverage=0.3), unit="household"),
        amount=1.0,
    )
    either = evaluate_rule(
        engine,
        Rule(eligible="n_elderly > 0", pmt=Cutoff(coverage=0.3), unit="household", combine="or"),
        amount=1.0,
    )
    pmt = evaluate_rule(engine, Rule(pmt=Cutoff(coverage=0.3), unit="household"), amount=1.0)
    old = evaluate_rule(engine, Rule(eligible="n_elderly > 0", unit="household"), amount=1.0)
    # |A and B| + |A or B| = |A| + |B| (households weighted)
    lhs = (
        both.summary["beneficiary_households"].value
        + either.summary["beneficiary_households"].value
    )
    rhs = pmt.summary["beneficiary_households"].value + old.summary["beneficiary_households"].value
    assert lhs == pytest.approx(rhs)


def test_recorded_programme(demo: Survey) -> None:
    from insaf.targeting import evaluate_recorded

    result = evaluate_recorded(demo, "cash_assistance")
    frame = demo.households.frame
    people = frame["weight"] * frame["hhsize"]
    covered = float((people * (frame["cash_assistance"] > 0)).sum() / people.sum())
    assert result.summary["coverage"].value == pytest.approx(covered)
    annual = float((frame["weight"] * frame["cash_assistance"]).sum()) * 12
    assert result.summary["cost"].value == pytest.approx(annual)
    # a PMT programme with registration errors: both errors well above zero
    assert 0.2 < result.definitions["line"]["exclusion_error"].value < 0.8

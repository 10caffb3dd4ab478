"""Across programmes: exclusions and stacking caps worked by hand; overlaps; design vs delivery."""

from __future__ import annotations

import polars as pl
import pytest
from tests.registry.conftest import DEMO

from insaf.disclosure import DisclosureRules
from insaf.errors import DataError
from insaf.registry import from_survey, load_ruleset
from insaf.registry.delivery import design_benefit, design_vs_implementation
from insaf.registry.parity import survey_date
from insaf.registry.programmes import (
    CrossRules,
    apply_cross_rules,
    determine_all,
    overlap,
    public_overlap,
)
from insaf.survey import Survey

OUTCOMES = pl.DataFrame(
    {
        "household_id": [1, 1, 1, 2, 2, 2],
        "programme": ["cash", "child", "disability"] * 2,
        "eligible": [True, True, True, True, True, False],
        "entitlement": [54.0, 15.0, 60.0, 124.0, 45.0, 0.0],
    }
)


def test_exclusion_then_stacking_cap() -> None:
    rules = CrossRules.model_validate(
        {
            "priority": ["disability", "child", "cash"],
            "exclusions": [{"programme": "cash", "excluded_by": "disability"}],
            "stacking": {"cap": 100},
        }
    )
    out = apply_cross_rules(OUTCOMES, rules)
    payable = {(h, p): v for h, p, v in out.select("household_id", "programme", "payable").rows()}
    # household 1: cash excluded (disability), then 60 + 15 = 75 <= 100: nothing cut
    assert payable[(1, "cash")] == 0.0
    assert (payable[(1, "child")], payable[(1, "disability")]) == (15.0, 60.0)
    # household 2: 124 + 45 = 169 > 100; child (ranked before cash) keeps 45, cash gets 55
    assert (payable[(2, "child")], payable[(2, "cash")]) == (45.0, 55.0)
    reasons = {(h, p): r for h, p, r in out.select("household_id", "programme", "reasons").rows()}
    assert reasons[(1, "cash")] == ["excluded_by:disability"]
    assert reasons[(2, "cash")] == ["stacking_cap"]
    assert reasons[(2, "child")] == []
    assert (
        out["entitlement"].to_list()
        == OUTCOMES.sort("household_id", "programme")["entitlement"].to_list()
    )


def test_cap_per_member_and_unknown_programme() -> None:
    rules = CrossRules.model_validate({"stacking": {"cap": 50, "cap_per_member": 10}})
    members = pl.DataFrame({"household_id": [1, 2], "members": [2, 5]})
    out = apply_cross_rules(OUTCOMES, rules, members)
    totals = dict(out.group_by("household_id").agg(pl.col("payable").sum()).rows())
    assert totals == {1: 70.0, 2: 100.0}  # 50 + 10 x 2, 50 + 10 x 5
    with pytest.raises(DataError, match="'pension'"):
        apply_cross_rules(OUTCOMES, CrossRules.model_validate({"priority": ["pension"]}))


def test_overlap_and_its_public_version() -> None:
    table = overlap(OUTCOMES)
    assert table.rows() == [("cash", 2, 2, 1), ("child", 2, 2, 1), ("disability", 1, 1, 1)]
    public, report = public_overlap(OUTCOMES, DisclosureRules(min_count=2))
    assert public.rows() == [
        ("cash", 2, 2, None),
        ("child", 2, 2, None),
        ("disability", None, None, None),
    ]
    assert report["primary"] == 5


def test_determine_all_on_the_survey_registry(demo_survey: Survey) -> None:
    registry = from_survey(demo_survey)
    rulesets = [load_ruleset(DEMO / f"{p}.yaml") for p in ("cash_assistance", "child_grant")]
    out = determine_all(rulesets, registry, survey_date(demo_survey))
    assert out.height == 2 * demo_survey.n_households  # type: ignore[operator]
    assert set(out["programme"].unique().to_list()) == {"cash_assistance", "child_grant"}


def test_design_equals_delivery_when_the_registry_is_the_survey(demo_survey: Survey) -> None:
    ruleset = load_ruleset(DEMO / "cash_assistance.yaml")
    registry = from_survey(demo_survey)
    gap = design_vs_implementation(ruleset, demo_survey, registry, survey_date(demo_survey))
    deciles = gap.deciles()
    assert deciles["coverage_gap"].abs().max() == 0.0
    # the design's coverage by hand: people in households with pmt_score < 4.9
    hh = demo_survey.households.frame  # type: ignore[union-attr]
    people = hh["weight"] * hh["hhsize"]
    expected = (people * (hh["pmt_score"] < 4.9)).sum() / people.sum()
    assert gap.summary()["design"]["coverage"] == pytest.approx(expected, rel=1e-12)


def test_delivery_gap_when_households_are_not_paid(demo_survey: Survey) -> None:
    ruleset = load_ruleset(DEMO / "cash_assistance.yaml")
    registry = from_survey(demo_survey)
    hh = demo_survey.households.frame  # type: ignore[union-attr]
    benefit = design_benefit(ruleset, demo_survey)
    ids = hh["hhid"].to_list()
    # every second beneficiary is not paid
    beneficiaries = [h for h, b in zip(ids, benefit, strict=True) if b > 0]
    unpaid = set(beneficiaries[::2])
    paid = {h: float(b) for h, b in zip(ids, benefit, strict=True) if h not in unpaid}
    gap = design_vs_implementation(
        ruleset, demo_survey, registry, survey_date(demo_survey), paid=paid
    )
    deciles = gap.deciles()
    assert (deciles["coverage_gap"] <= 0).all()
    assert deciles["coverage_gap"].min() < 0
    people = hh["weight"] * hh["hhsize"]
    got = pl.Series([bool(h in paid and b > 0) for h, b in zip(ids, benefit, strict=True)])
    assert gap.summary()["registry"]["coverage"] == pytest.approx(
        (people * got).sum() / people.sum(), rel=1e-12
    )

"""Determinations on a small registry written by hand: amounts, as-of dates, traces, hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from tests.registry.conftest import DEMO

from insaf.errors import DataError, SpecError
from insaf.registry import ApprovalError, Registry, determine, determine_frame, load_ruleset
from insaf.registry.rules import Ruleset


@pytest.fixture(scope="module")
def cash() -> Ruleset:
    return load_ruleset(DEMO / "cash_assistance.yaml")


def test_cash_assistance_as_of(small: Registry, cash: Ruleset) -> None:
    # Household 1 (2 members) has a PMT score of 4.5 until 2024-06-01, then 5.2;
    # the rule is pmt_score < 4.9: 40 + 14 * (2 - 1) = 54 a month, then nothing.
    before = {d.household_id: d for d in determine(cash, small, dt.date(2024, 5, 31))}
    after = {d.household_id: d for d in determine(cash, small, dt.date(2024, 6, 1))}
    assert before[1].eligible and before[1].entitlement == 54.0
    assert not after[1].eligible and after[1].entitlement == 0.0
    assert not before[2].eligible  # 5.5
    assert "cash_assistance.eligible.not_met" in after[1].reasons
    assert "cash_assistance.eligible.met" in before[1].reasons
    (condition,) = before[1].trace
    assert condition.text == "pmt_score < 4.9" and condition.holds
    (score,) = [i for i in condition.inputs if i.variable == "pmt_score"]
    assert (score.value, score.source, score.observed) == (4.5, "survey", dt.date(2023, 1, 15))
    (late,) = [i for i in after[1].trace[0].inputs if i.variable == "pmt_score"]
    assert (late.value, late.source, late.observed) == (5.2, "administrative", dt.date(2024, 6, 1))


def test_person_rules(small: Registry) -> None:
    child = load_ruleset(DEMO / "child_grant.yaml")
    disability = load_ruleset(DEMO / "disability_allowance.yaml")
    on = dt.date(2024, 7, 1)
    grant = {d.household_id: d.entitlement for d in determine(child, small, on)}
    assert grant == {1: 15.0, 2: 0.0}  # one child under 6 in household 1
    allowance = {d.household_id: d for d in determine(disability, small, on)}
    assert allowance[2].entitlement == 60.0 and allowance[1].entitlement == 0.0
    inputs = allowance[2].trace[0].inputs
    assert [(i.id, i.value, i.source) for i in inputs] == [(20, 1.0, "administrative")]
    # once the child is 6 (born 2021-03-01), the grant stops
    assert determine(child, small, dt.date(2027, 3, 1))[0].entitlement == 0.0


def test_hashes(small: Registry, cash: Ruleset) -> None:
    on = dt.date(2024, 5, 31)
    first = determine(cash, small, on)
    again = determine(cash, small, on)
    assert [d.hash for d in first] == [d.hash for d in again]
    assert [d.input_hash for d in first] == [d.input_hash for d in again]
    # a later date with the same inputs for household 2 gives a different input hash (the date
    # is an input), and a changed input changes household 1's
    later = {d.household_id: d for d in determine(cash, small, dt.date(2024, 6, 1))}
    assert later[1].input_hash != first[0].input_hash
    assert len({d.hash for d in first}) == 2


def test_one_household_on_request_equals_the_whole_run(small: Registry, cash: Ruleset) -> None:
    on = dt.date(2024, 5, 31)
    whole = {d.household_id: d for d in determine(cash, small, on)}
    (one,) = determine(cash, small, on, households=[1])
    assert one.hash == whole[1].hash
    frame = determine_frame(cash, small, on)
    assert frame["entitlement"].to_list() == [54.0, 0.0]
    with pytest.raises(DataError, match=r"household.*99"):
        determine(cash, small, on, households=[99])


def test_a_household_nobody_in_was_observed_on_a_variable_is_determined_alone(
    small: Registry,
) -> None:
    # household 1 without its one disability observation: only household 2's remains, so the
    # registry has the variable and household 1 alone does not; alone it is laid out as in
    # the whole registry (the variable there, empty) and gets the whole run's determination
    disability = load_ruleset(DEMO / "disability_allowance.yaml")
    on = dt.date(2024, 7, 1)
    kept = small.observations.filter(~((pl.col("id") == 10) & (pl.col("variable") == "disability")))
    registry = replace(small, observations=kept)
    whole = {d.household_id: d for d in determine(disability, registry, on)}
    (one,) = determine(disability, registry, on, households=[1])
    assert one.to_dict() == whole[1].to_dict()
    assert one.entitlement == 0.0 and whole[2].entitlement == 60.0
    # a variable the registry does not have yet on the date is still refused, alone or not
    disabled = pl.col("variable") == "disability"
    moved = pl.when(disabled).then(dt.date(2024, 8, 1)).otherwise(pl.col("observed"))
    later = replace(registry, observations=kept.with_columns(observed=moved))
    for households in (None, [1], [2]):
        with pytest.raises(SpecError, match=r"unknown variable\(s\) 'disability'"):
            determine(disability, later, on, households=households)


def test_refusals(small: Registry, cash: Ruleset) -> None:
    with pytest.raises(DataError, match="in force from 2024-01-01"):
        determine(cash, small, dt.date(2023, 12, 31))
    draft = Ruleset.from_scenario(cash.scenario, "baseline", ["cash_assistance"], drafted_by="a")
    with pytest.raises(ApprovalError, match="not approved"):
        determine(draft, small, dt.date(2024, 5, 31))
    assert determine(draft, small, dt.date(2024, 5, 31), draft=True)[0].draft


def test_the_trace_and_hashes_are_the_documented_texts(small: Registry) -> None:
    """The stored trace and both hashes, written out by hand from ``insaf.registry.trace``'s
    notes: a value shared by a block's members once, differing ones as a list; numbers in the
    hashed text as the 64 bits of their double (``0.0`` is 0, ``1.0`` is 4607182418800017408,
    a missing value ``-``)."""
    disability = load_ruleset(DEMO / "disability_allowance.yaml")
    on = dt.date(2024, 7, 1)
    found = {d.household_id: d for d in determine(disability, small, on)}
    one = (
        '{"format":2,"values":[0.0],"inputs":[{"unit":"person","variable":"disability",'
        '"id":[10,11],"value":[0.0,null],"source":["self_declared","derived"],'
        '"observed":["2022-09-01",null],"verification":["verified",null]}]}'
    )
    two = (
        '{"format":2,"values":[1.0],"inputs":[{"unit":"person","variable":"disability",'
        '"id":[20],"value":[1.0],"source":"administrative","observed":"2022-09-01",'
        '"verification":"verified"}]}'
    )
    assert found[1].stored_trace == json.loads(one)
    assert found[2].stored_trace == json.loads(two)
    head = f"insaf.determination.inputs/2\n{disability.content_hash}\n2024-07-01\n"
    lines = {
        1: "1\n10,11\nperson\tdisability\t10\tf0\tself_declared\t2022-09-01\tverified\n"
        "person\tdisability\t11\tf-\tderived\t\t",
        2: "2\n20\nperson\tdisability\t20\tf4607182418800017408\tadministrative\t2022-09-01"
        "\tverified",
    }
    sixty = np.float64(60.0).view(np.int64)  # 4633641066610819072
    outcomes = {
        1: "0\n0\ndisability_allowance=0\n-\n"
        "disability_allowance.eligible.not_met,disability_allowance.not_entitled\n0",
        2: f"1\n{sixty}\ndisability_allowance={sixty}\n-\n"
        "disability_allowance.eligible.met,disability_allowance.entitled\n0",
    }
    for household in (1, 2):
        input_hash = hashlib.sha256((head + lines[household]).encode()).hexdigest()
        outcome = f"insaf.determination/2\n{input_hash}\n{outcomes[household]}"
        assert found[household].input_hash == input_hash
        assert found[household].hash == hashlib.sha256(outcome.encode()).hexdigest()

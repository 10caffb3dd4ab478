"""Counting a plenary vote by hand: quorum, the three majority rules, majority within groups."""

from __future__ import annotations

import pytest

from insaf.web.council.voting import Count, passes, tally

ROLL = {"employers": 4, "workers": 4, "civil": 4}  # 12 members


def test_quorum_is_the_smallest_whole_number_of_ballots() -> None:
    # quorum 0.5 of 12 = 6 ballots; 5 ballots (all for) are not enough
    five = tally(
        roll=ROLL,
        ballots={"workers": {"for": 4}, "civil": {"for": 1}},
        quorum=0.5,
        majority="simple",
        group_majority=False,
    )
    assert five.quorum_needed == 6 and not five.quorum_met and five.result == "no_quorum"
    # a third of 12 = 4 exactly (no rounding up of 4.000000001)
    assert (
        tally(
            roll=ROLL, ballots={}, quorum=1 / 3, majority="simple", group_majority=False
        ).quorum_needed
        == 4
    )
    # 0.6 of 12 = 7.2 -> 8
    assert (
        tally(
            roll=ROLL, ballots={}, quorum=0.6, majority="simple", group_majority=False
        ).quorum_needed
        == 8
    )
    # nobody voting never meets a quorum of zero
    assert (
        tally(roll=ROLL, ballots={}, quorum=0.0, majority="simple", group_majority=False).result
        == "no_quorum"
    )


@pytest.mark.parametrize(
    ("count", "simple", "absolute", "two_thirds"),
    [
        # 5 for, 4 against, 3 abstain: 5 > 4 (simple); 2*5 = 10 > 12? no; 3*5=15 >= 2*9=18? no
        (Count(12, 5, 4, 3), True, False, False),
        # 7 for, 2 against, 3 abstain: 14 > 12 yes; 21 >= 18 yes
        (Count(12, 7, 2, 3), True, True, True),
        # 6 for, 3 against, 0 abstain: 12 > 9 yes; 18 >= 18 yes (two thirds exactly)
        (Count(9, 6, 3, 0), True, True, True),
        # 4 for, 4 against: a tie is not a majority
        (Count(8, 4, 4, 0), False, False, False),
        # only abstentions
        (Count(3, 0, 0, 3), False, False, False),
    ],
)
def test_majority_rules(count: Count, simple: bool, absolute: bool, two_thirds: bool) -> None:
    assert passes(count, "simple") is simple
    assert passes(count, "absolute") is absolute
    assert passes(count, "two_thirds") is two_thirds
    with pytest.raises(ValueError, match="unknown majority"):
        passes(count, "plurality")


def test_majority_within_every_group() -> None:
    ballots = {
        "employers": {"for": 1, "against": 3},
        "workers": {"for": 4},
        "civil": {"for": 3, "abstain": 1},
    }
    # overall 8 for, 3 against, 1 abstain: adopted by simple majority
    plain = tally(roll=ROLL, ballots=ballots, quorum=0.5, majority="simple", group_majority=False)
    assert plain.result == "adopted" and plain.total.cast == 12
    # the employers (1 for, 3 against) block it when a majority is needed in every group
    double = tally(roll=ROLL, ballots=ballots, quorum=0.5, majority="simple", group_majority=True)
    assert double.result == "rejected" and double.groups_failing == ["employers"]
    assert double.to_dict()["groups"]["employers"] == {
        "members": 4,
        "for": 1,
        "against": 3,
        "abstain": 0,
        "cast": 4,
    }
    # a group that did not vote at all does not block
    quiet = tally(
        roll=ROLL,
        ballots={"workers": {"for": 4}, "civil": {"for": 3}},
        quorum=0.5,
        majority="simple",
        group_majority=True,
    )
    assert quiet.result == "adopted" and quiet.groups_failing == []

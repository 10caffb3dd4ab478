"""Counting a plenary vote: quorum, then the majority rule, optionally within every group.

``roll`` maps each group to the number of members entitled to vote when the
vote opened; ``ballots`` maps each group to its counts of ``for``,
``against`` and ``abstain``.

- quorum: the ballots cast (abstentions included) must be at least
  ``quorum`` × the members on the roll;
- ``simple``: more votes for than against (abstentions do not count);
- ``absolute``: more votes for than half of the ballots cast (an abstention
  weighs like a vote against);
- ``two_thirds``: votes for at least two thirds of the votes for and against;
- ``group_majority``: the same rule must also hold within every group that
  cast a ballot (a group that did not vote at all does not block).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Count", "Tally", "passes", "tally"]


@dataclass(frozen=True, slots=True)
class Count:
    members: int
    for_: int
    against: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.for_ + self.against + self.abstain

    def to_dict(self) -> dict[str, int]:
        return {
            "members": self.members,
            "for": self.for_,
            "against": self.against,
            "abstain": self.abstain,
            "cast": self.cast,
        }


@dataclass(frozen=True, slots=True)
class Tally:
    groups: dict[str, Count]
    total: Count
    quorum_needed: int
    quorum_met: bool
    majority_met: bool
    groups_failing: list[str]
    result: str  # "adopted" | "rejected" | "no_quorum"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; each count as ``{"members", "for", "against", "abstain", "cast"}``."""
        return {
            "groups": {code: c.to_dict() for code, c in self.groups.items()},
            "total": self.total.to_dict(),
            "quorum_needed": self.quorum_needed,
            "quorum_met": self.quorum_met,
            "majority_met": self.majority_met,
            "groups_failing": list(self.groups_failing),
            "result": self.result,
        }


def passes(count: Count, majority: str) -> bool:
    """Whether ``count`` meets the majority rule."""
    if majority == "simple":
        return count.for_ > count.against
    if majority == "absolute":
        return 2 * count.for_ > count.cast
    if majority == "two_thirds":
        decided = count.for_ + count.against
        return decided > 0 and 3 * count.for_ >= 2 * decided
    raise ValueError(f"unknown majority rule {majority!r}")


def tally(
    *,
    roll: Mapping[str, int],
    ballots: Mapping[str, Mapping[str, int]],
    quorum: float,
    majority: str,
    group_majority: bool,
) -> Tally:
    groups: dict[str, Count] = {}
    for code in sorted(set(roll) | set(ballots)):
        cast = ballots.get(code, {})
        groups[code] = Count(
            members=int(roll.get(code, 0)),
            for_=int(cast.get("for", 0)),
            against=int(cast.get("against", 0)),
            abstain=int(cast.get("abstain", 0)),
        )
    total = Count(
        members=sum(c.members for c in groups.values()),
        for_=sum(c.for_ for c in groups.values()),
        against=sum(c.against for c in groups.values()),
        abstain=sum(c.abstain for c in groups.values()),
    )
    # the smallest whole number of ballots that is at least quorum x members
    needed = _ceil(quorum * total.members)
    quorum_met = total.cast >= needed and total.cast > 0
    majority_met = passes(total, majority)
    failing = (
        [code for code, c in groups.items() if c.cast and not passes(c, majority)]
        if group_majority
        else []
    )
    if not quorum_met:
        result = "no_quorum"
    elif majority_met and not failing:
        result = "adopted"
    else:
        result = "rejected"
    return Tally(groups, total, needed, quorum_met, majority_met, failing, result)


def _ceil(x: float) -> int:
    whole = int(x)
    return whole if abs(x - whole) < 1e-9 else whole + 1

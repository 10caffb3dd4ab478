"""Eligibility rules and the benefits they pay, computed by the policy engine.

A ``Rule`` is a cash transfer of the policy engine (``insaf.policy``'s
``cash_transfer``): who is eligible (an expression over survey variables,
parsed safely, never ``eval``; a proxy-means cut-off; both; or nobody named:
universal) and the unit paid (each eligible ``person``, or the ``household``).
A PMT cut-off is

- ``coverage=c``: the score below which a share ``c`` of people lives (the
  smallest score ``s`` with ``F(s) >= c``, people-weighted); eligible if
  ``pmt_hat <= s``;
- ``line=True``: predicted welfare below the poverty line,
  ``pmt_hat < LN(line)``;
- ``score=s``: a given score.

With both an expression and a cut-off, ``combine`` says whether both must
hold (``and``, a hybrid: "children in the poorest 40 % by PMT") or either
(``or``). The score is the column ``pmt_hat``, added to the data from a
``PmtModel`` (its ``expression()`` computes the same column in a scenario).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, said, words
from insaf.measures.variance import FloatArray
from insaf.policy.data import PolicyData
from insaf.policy.expressions import ExpressionError
from insaf.policy.instruments import CashTransfer
from insaf.policy.instruments.base import compiled
from insaf.survey import Survey
from insaf.targeting.data import TargetingData
from insaf.targeting.model import PmtModel
from insaf.targeting.proxies import _lit
from insaf.targeting.text import SCORE, cutoff_words, rule_words

__all__ = ["SCORE", "Cutoff", "Kind", "Rule", "RuleEngine"]

Kind = Literal["universal", "categorical", "pmt", "hybrid"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cutoff:
    """A PMT cut-off: by coverage rate, by the poverty line, or a score."""

    coverage: float | None = None
    line: bool = False
    score: float | None = None

    def __post_init__(self) -> None:
        given = sum([self.coverage is not None, self.line, self.score is not None])
        if given != 1:
            raise InsafError(
                said(
                    "a PMT cut-off is one of: a coverage rate, the poverty line, a score",
                )
            )
        if self.coverage is not None and not 0.0 < self.coverage <= 1.0:
            raise InsafError(
                said(
                    "a PMT cut-off by coverage must be a share between 0 and 1, not {coverage}",
                    coverage=self.coverage,
                )
            )

    def describe(self, lang: str = "en") -> str:
        """The cut-off in words, in ``lang`` (``en``, ``ar``): ``poorest 20% by PMT score``."""
        return cutoff_words(lang, coverage=self.coverage, line=self.line, score=self.score)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """Who receives a benefit, and per what unit."""

    id: str = "rule"
    eligible: str | None = None
    pmt: Cutoff | None = None
    unit: Literal["household", "person"] = "person"
    combine: Literal["and", "or"] = "and"

    def __post_init__(self) -> None:
        if self.eligible is not None:
            try:
                compiled(self.eligible)
            except ExpressionError as exc:
                raise InsafError(
                    said("rule {id}: {reason}", id=repr(self.id), reason=words(exc))
                ) from None
        if self.unit not in ("household", "person"):
            raise InsafError(
                said(
                    "rule {id}: unit must be household or person",
                    id=repr(self.id),
                )
            )

    @property
    def kind(self) -> Kind:
        if self.pmt is None:
            return "universal" if self.eligible is None else "categorical"
        return "pmt" if self.eligible is None else "hybrid"

    def describe(self, lang: str = "en") -> str:
        """Whom the rule pays and per what unit, in ``lang`` (``en``, ``ar``):
        ``(age < 18) AND poorest 40% by PMT score; paid per person``."""
        return rule_words(
            lang,
            eligible=self.eligible,
            cutoff=None if self.pmt is None else self.pmt.describe(lang),
            combine=self.combine,
            unit=self.unit,
        )

    def expression(self, cut: float | None, line: str | float | None = None) -> str | None:
        """The eligibility expression with the cut-off score filled in."""
        pmt_text = None
        if self.pmt is not None:
            if self.pmt.line:
                target = f'"{line}"' if isinstance(line, str) else _lit(float(line or 0.0))
                pmt_text = f"{SCORE} < LN({target})"
            else:
                pmt_text = f"{SCORE} <= {_lit(float(cut if cut is not None else 0.0))}"
        if self.eligible is None:
            return pmt_text
        if pmt_text is None:
            return self.eligible
        return f"({self.eligible}) {self.combine.upper()} {pmt_text}"

    def instrument(
        self,
        amount: float,
        cut: float | None,
        line: str | float | None,
        *,
        household_rule: bool = False,
    ) -> CashTransfer:
        """The policy-engine cash transfer paying ``amount`` per unit.

        A per-person benefit whose rule reads household variables only
        (``household_rule``) is written as a household transfer of ``amount``
        per member (``per_member``, ``members_above: 0``): the same benefit."""
        eligible = self.expression(cut, line)
        if self.unit == "person" and household_rule and eligible is not None:
            return CashTransfer(
                id=self.id,
                type="cash_transfer",
                unit="household",
                amount=0.0,
                per_member=amount,
                members_above=0,
                eligible=eligible,
            )
        return CashTransfer(
            id=self.id, type="cash_transfer", unit=self.unit, amount=amount, eligible=eligible
        )


def _weighted_cut(score: FloatArray, people: FloatArray, share: float) -> float:
    """A cut-off between the smallest score ``s`` with a people share of at least
    ``share`` at or below it and the next higher score (half way, so that a score
    recomputed with rounding differences falls on the same side)."""
    order = np.argsort(score, kind="stable")
    ranked = score[order]
    cumulative = np.cumsum(people[order])
    position = min(
        int(np.searchsorted(cumulative, share * cumulative[-1], side="left")), score.size - 1
    )
    above = ranked[position + 1 :]
    higher = above[above > ranked[position]]
    if higher.size == 0:
        return float(ranked[position])
    return float((ranked[position] + higher[0]) / 2.0)


class RuleEngine:
    """Benefits of rules on one survey (a policy-engine view of it, built once)."""

    def __init__(self, data: TargetingData, model: PmtModel | None = None) -> None:
        self.data = data
        self.model = model
        survey: Survey = replace(data.survey, items={})
        self.policy_data = PolicyData.build(survey)
        self.score: FloatArray | None = None
        if model is not None:
            self.score = model.score(data.frame)
            households = self.policy_data.households.with_columns(pl.Series(SCORE, self.score))
            self.policy_data.households = households
        self.line: str | float = (
            data.line_name if data.line_name in data.frame.columns else float(data.line[0])
        )

    def cutoff(self, rule: Rule) -> float | None:
        """The score cut-off of ``rule`` (None without a PMT or with a line cut-off)."""
        if rule.pmt is None or rule.pmt.line:
            return None
        if self.score is None:
            raise InsafError(
                said(
                    "rule {id} uses a PMT cut-off: give a PMT model",
                    id=repr(rule.id),
                )
            )
        if rule.pmt.score is not None:
            return rule.pmt.score
        assert rule.pmt.coverage is not None
        return _weighted_cut(self.score, self.data.people, rule.pmt.coverage)

    def units(self, rule: Rule, cut: float | None) -> FloatArray:
        """Units paid in each household (eligible members, or 1 for an eligible household)."""
        if rule.pmt is not None and self.score is None:
            raise InsafError(
                said(
                    "rule {id} uses a PMT cut-off: give a PMT model",
                    id=repr(rule.id),
                )
            )
        instrument = self.instrument(rule, 1.0, cut)
        level = instrument.unit
        if instrument.eligible is not None:
            expression = compiled(instrument.eligible)
            try:
                expression.check(self.policy_data.columns(level), level=level)
            except ExpressionError as exc:
                raise DataError(
                    said("rule {id}: {reason}", id=repr(rule.id), reason=words(exc))
                ) from None
        return instrument.compute(self.policy_data).benefit

    def household_rule(self, rule: Rule, cut: float | None) -> bool:
        """True when the rule reads household variables only."""
        text = rule.expression(cut, self.line)
        if text is None:
            return False
        persons = self.policy_data.persons
        own = set(persons.columns) if persons is not None else set()
        return not any(name in own for name in compiled(text).names)

    def instrument(self, rule: Rule, amount: float, cut: float | None) -> CashTransfer:
        """``rule`` as a policy-engine cash transfer of ``amount`` per unit."""
        return rule.instrument(
            amount, cut, self.line, household_rule=self.household_rule(rule, cut)
        )

    def amount_for(self, units: FloatArray, budget: float) -> float:
        """The amount per unit and period that spends ``budget`` a year exactly."""
        if not budget >= 0:
            raise InsafError(
                said(
                    "a budget must be zero or positive, not {budget}",
                    budget=budget,
                )
            )
        paid = float(np.dot(self.data.weight, units)) * self.data.per_year
        if paid == 0.0:
            return 0.0
        return budget / paid

"""A budget change as the subject of a council referral: money moved between two
programmes, or one programme's new envelope, stated in both languages and turned
into the policy scenario whose impact the council's statement gives.

A ``BudgetChange`` names its year and phase and, for each programme it touches,
the envelope before and after (in money: the budget's amounts times its scale,
``insaf.budget.scenario.envelopes``). ``change_scenario`` is
``insaf.budget.scenario.budget_scenario`` on those envelopes: a move scales each
programme's money per beneficiary by its ratio; a new envelope of one programme
is met exactly by the policy engine's solver (``solve=True``). The scenario's
name and its reform's label are the change's own words, so the statement's
brief says what the council was asked. ``scenario_text`` writes the scenario as
YAML: stored with the statement, it computes the same numbers again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from insaf.budget.model import Budget, Text
from insaf.budget.scenario import budget_scenario, envelopes, planned_programme
from insaf.errors import DataError, said
from insaf.i18n import LANGUAGES, translated
from insaf.policy.scenario import Scenario, parse_scenario

__all__ = [
    "REFORM",
    "BudgetChange",
    "ProgrammeChange",
    "change_scenario",
    "moved",
    "new_envelope",
    "scenario_text",
]

REFORM = "budget"
"""The name of the reform a budget change's scenario carries."""

MOVE = "Move {amount} million {currency} from {source} to {target} in {year}"
ENVELOPE = (
    "The envelope of {programme} in {year} becomes {after} million {currency} "
    "(it was {before} million)"
)
TEXTS = {"move": MOVE, "envelope": ENVELOPE}
"""The change in words: templates of the library's catalogue (context ``budget.change``)."""


@dataclass(frozen=True, slots=True)
class ProgrammeChange:
    """One programme's envelope before and after the change (money, not scaled)."""

    code: str
    name: Text
    before: float
    after: float

    @property
    def difference(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": {"en": self.name.en, "ar": self.name.ar},
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class BudgetChange:
    """A move of ``amount`` between two programmes (``kind="move"``: source first), or
    one programme's new envelope (``kind="envelope"``), in ``year`` and ``phase``."""

    kind: Literal["move", "envelope"]
    year: int
    phase: str
    currency: str
    programmes: tuple[ProgrammeChange, ...]
    amount: float | None = None
    """The money moved (``kind="move"``)."""

    def new_envelopes(self) -> dict[str, float]:
        return {p.code: p.after for p in self.programmes}

    def describe(self, lang: str) -> str:
        """The change in one sentence, in ``lang`` (``en`` or ``ar``)."""
        template = translated("budget.change", TEXTS[self.kind], lang)
        first = self.programmes[0]
        if self.kind == "move":
            return template.format(
                amount=_millions(self.amount or 0.0),
                currency=self.currency,
                source=first.name.get(lang),
                target=self.programmes[1].name.get(lang),
                year=self.year,
            )
        return template.format(
            programme=first.name.get(lang),
            year=self.year,
            after=_millions(first.after),
            before=_millions(first.before),
            currency=self.currency,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "phase": self.phase,
            "currency": self.currency,
            "amount": self.amount,
            "programmes": [p.to_dict() for p in self.programmes],
            "text": {lang: self.describe(lang) for lang in LANGUAGES},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BudgetChange:
        """The change ``to_dict`` wrote (its ``text`` is words, recomputed, not read)."""
        try:
            kind = data["kind"]
            if kind not in TEXTS:
                raise DataError(
                    said(
                        "budget change: kind must be move or envelope, not {kind}",
                        kind=repr(kind),
                    )
                )
            programmes = tuple(
                ProgrammeChange(
                    code=str(p["code"]),
                    name=Text(en=p["name"]["en"], ar=p["name"]["ar"]),
                    before=float(p["before"]),
                    after=float(p["after"]),
                )
                for p in data["programmes"]
            )
            amount = data.get("amount")
            return cls(
                kind=kind,
                year=int(data["year"]),
                phase=str(data["phase"]),
                currency=str(data["currency"]),
                programmes=programmes,
                amount=None if amount is None else float(amount),
            )
        except KeyError as exc:
            raise DataError(said("budget change: no key {key}", key=repr(exc.args[0]))) from None


def _millions(amount: float) -> str:
    return f"{amount / 1e6:,.1f}"


def _programme(budget: Budget, code: str, before: float, after: float) -> ProgrammeChange:
    if budget.plan is None:
        raise DataError(said("the budget has no plan, so no programme"))
    programme = planned_programme(budget.plan, code)
    return ProgrammeChange(code=code, name=programme.name, before=before, after=after)


def _current(budget: Budget, year: int, phase: str, codes: tuple[str, ...]) -> dict[str, float]:
    found = envelopes(budget, year=year, phase=phase)
    for code in codes:
        _programme(budget, code, 0.0, 0.0)  # a programme of the plan
        if found.get(code, 0.0) <= 0:
            raise DataError(
                said(
                    "programme {code} has no spending in {year} ({phase})",
                    code=repr(code),
                    year=year,
                    phase=phase,
                )
            )
    return found


def moved(
    budget: Budget,
    *,
    year: int,
    source: str,
    target: str,
    amount: float,
    phase: str = "executed",
) -> BudgetChange:
    """``amount`` (money) moved from programme ``source`` to ``target`` in ``year``."""
    if source == target:
        raise DataError(said("a move needs two programmes, not {code} twice", code=repr(source)))
    if not amount > 0:
        raise DataError(said("the amount moved must be positive, not {amount}", amount=amount))
    current = _current(budget, year, phase, (source, target))
    if amount > current[source]:
        raise DataError(
            said(
                "cannot move {amount:,.0f} from {code}: its envelope in {year} ({phase}) "
                "is {envelope:,.0f}",
                amount=amount,
                code=repr(source),
                year=year,
                phase=phase,
                envelope=current[source],
            )
        )
    return BudgetChange(
        kind="move",
        year=year,
        phase=phase,
        currency=budget.currency,
        amount=float(amount),
        programmes=(
            _programme(budget, source, current[source], current[source] - amount),
            _programme(budget, target, current[target], current[target] + amount),
        ),
    )


def new_envelope(
    budget: Budget, *, year: int, programme: str, envelope: float, phase: str = "executed"
) -> BudgetChange:
    """Programme ``programme``'s envelope in ``year`` becomes ``envelope`` (money)."""
    if envelope < 0:
        raise DataError(
            said(
                "programme {code}: a new envelope cannot be negative ({envelope})",
                code=repr(programme),
                envelope=envelope,
            )
        )

    current = _current(budget, year, phase, (programme,))
    return BudgetChange(
        kind="envelope",
        year=year,
        phase=phase,
        currency=budget.currency,
        programmes=(_programme(budget, programme, current[programme], float(envelope)),),
    )


def change_scenario(scenario: Scenario, budget: Budget, change: BudgetChange) -> Scenario:
    """``scenario``'s baseline and one reform, ``budget``: the change (see the module)."""
    words = {lang: change.describe(lang) for lang in LANGUAGES}
    found = budget_scenario(
        scenario,
        budget,
        change.new_envelopes(),
        year=change.year,
        phase=change.phase,
        name=REFORM,
        label=words,
        solve=change.kind == "envelope",
    )
    raw = dict(found.definition())
    raw["name"] = words
    raw["description"] = {
        lang: translated(
            "budget.change",
            "The policies in force, and the budget change: each programme's money per "
            "beneficiary scaled to its new envelope.",
            lang,
        )
        for lang in LANGUAGES
    }
    return parse_scenario(raw, file=scenario.file)


def scenario_text(scenario: Scenario) -> str:
    """The scenario as YAML, as a statement stores it (parsing it gives it back)."""
    return yaml.safe_dump(scenario.definition(), allow_unicode=True, sort_keys=False, width=100)

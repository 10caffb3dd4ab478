"""The ``rights:`` block of a scenario: thresholds and groups of the rights assessment.

The assessment itself is ``insaf.rights`` (see ``docs/rights.md``); this module
only holds the scenario's options, so that a scenario file is checked in one
place, with the key and line of every problem::

    rights:
      alpha: 0.05                 # family-wise error rate of each family of tests (Holm)
      minimum_effect: 0.0         # a change smaller than this is never flagged
      national_line: national     # the scenario's poverty line for the national test
      extreme_line: extreme       # ... and for the extreme-poverty (minimum core) test
      groups:                     # protected groups, each against everyone else
        - {name: women, label: {en: Women, ar: النساء}, where: "sex = 2", unit: person}
        - {name: refugees, where: "refugee_hh = 1"}
      compare_by: [governorate]   # each value of a household variable against the rest
      burdens:                    # shares of the budget spent on these items
        food: {label: {en: Food, ar: الغذاء}, items: [bread, flour, rice]}
      justifications:             # what the government gives for a retrogressive step
        necessity: {en: ..., ar: ...}
        temporariness: "Three years, reviewed each year"
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from insaf.policy.instruments.base import ExprText, Identifier, Text

__all__ = [
    "DEFAULT_PROTECTED_GROUPS",
    "JUSTIFICATIONS",
    "Burden",
    "Justifications",
    "ProtectedGroup",
    "RightsOptions",
]

JUSTIFICATIONS = (
    "necessity",
    "proportionality",
    "temporariness",
    "non_discrimination",
    "minimum_core",
)
"""What the Guiding Principles ask a retrogressive measure to show, in their order."""


DEFAULT_PROTECTED_GROUPS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("women", "sex", "person", {"en": "Women and girls", "ar": "النساء والفتيات"}),
    (
        "female_headed",
        "head_sex",
        "household",
        {"en": "Female-headed households", "ar": "الأسر التي ترأسها امرأة"},
    ),
    (
        "disability",
        "has_disabled",
        "household",
        {
            "en": "Households with a person with a disability",
            "ar": "الأسر التي فيها شخص ذو إعاقة",
        },
    ),
    (
        "non_nationals",
        "nationality",
        "household",
        {"en": "Refugees and non-nationals", "ar": "اللاجئون وغير المواطنين"},
    ),
    ("refugees", "refugee_hh", "household", {"en": "Refugee households", "ar": "الأسر اللاجئة"}),
    ("rural", "urban", "household", {"en": "Rural areas", "ar": "الريف"}),
)
"""The protected groups a survey allows when the scenario names none: name, the
variable of its rule, that variable's unit (person or household) and its label
(``insaf.rights.groups.default_groups`` makes the rules)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProtectedGroup(_Spec):
    """People who share a protected characteristic, compared with everyone else.

    ``where`` is a rule over survey variables of each ``unit``: a person rule
    (``sex = 2``) counts the members of each household who meet it; a household
    rule (``head_sex = 2``) counts all the members of the households that meet it.
    """

    name: Identifier
    label: Text | None = None
    where: ExprText
    unit: Literal["person", "household"] = "household"


class Burden(_Spec):
    """A budget share linked to a right: spending on ``items`` over the household's money."""

    label: Text | None = None
    items: list[str] = Field(min_length=1)


class Justifications(_Spec):
    """The justification given for each test a retrogressive measure must pass."""

    necessity: Text | None = None
    proportionality: Text | None = None
    temporariness: Text | None = None
    non_discrimination: Text | None = None
    minimum_core: Text | None = None


class RightsOptions(_Spec):
    """Thresholds and groups of the rights assessment (each with a documented default).

    ``groups`` and ``compare_by`` left out: the groups the survey allows
    (women, female-headed households, households with a member with a
    disability, refugees, rural areas; each governorate). ``extreme_line`` left
    out: the line called ``extreme`` if there is one.
    """

    alpha: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.05
    minimum_effect: Annotated[float, Field(ge=0.0)] = 0.0
    national_line: Identifier | None = None
    extreme_line: Identifier | None = None
    groups: list[ProtectedGroup] | None = None
    compare_by: list[str] | None = None
    burdens: dict[Identifier, Burden] = Field(default_factory=dict)
    justifications: Justifications = Justifications()

"""The public "am I eligible?" check: the rulesets in force, run on a visitor's answers.

The form asks for what the rules read, nothing more: each household variable
an instrument's expressions name (the proxy-means score, ...) and, for each
member, the age and the person variables the rules name (a disability, ...),
labelled from the demo country's metadata (a yes/no variable is a choice).
The answers become a one-household ``insaf.registry.Registry`` (self-declared
observations dated today) and every approved ruleset in force today runs on it
through ``insaf.registry.determine``, the same function and the same rules as
the registry's determinations. Nothing is stored: no row is written, no
session is opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django import forms
from django.utils.translation import gettext_lazy as _

from insaf.policy.instruments.base import compiled
from insaf.registry.model import Registry
from insaf.web.registry import explain
from insaf.web.registry import models as m

__all__ = ["MEMBERS", "Answer", "CheckForm", "in_force", "run"]

MEMBERS = 10
"""Members a household may declare on the form."""
PERSON_BUILT_IN = {"age", "sex"}
"""Person variables the registry derives itself (age from the birth date)."""


def in_force(today: dt.date) -> list[tuple[m.Ruleset, Any]]:
    """Approved rulesets in force ``today``, each with the library's ruleset (one per programme)."""
    from insaf.web.registry.engine import library_ruleset

    chosen: dict[int, m.Ruleset] = {}
    rows = m.Ruleset.objects.filter(approved_by__isnull=False).select_related(
        "programme", "drafted_by", "approved_by"
    )
    for row in rows.order_by("programme_id", "effective_from", "version"):
        if row.in_force(today):
            chosen[row.programme_id] = row
    return [(row, library_ruleset(row)) for row in chosen.values()]


def _variables(rulesets: list[tuple[m.Ruleset, Any]]) -> tuple[list[str], list[str]]:
    """``(household variables, person variables)`` the rulesets' policies name.

    Every instrument of the policy counts, not only the programme's: the
    policy engine checks the whole policy's variables before it runs.
    """
    household: set[str] = set()
    person: set[str] = set()
    for _row, ruleset in rulesets:
        for instrument in ruleset.policy.instruments:
            for need in instrument.needs():
                if need.what != "expression":
                    continue
                names = set(compiled(need.text).names)
                (person if need.unit == "person" else household).update(names)
    return sorted(household), sorted(person - PERSON_BUILT_IN)


def _field(name: str, language: str, *, required: bool) -> forms.Field:
    label = explain.variable_label(name, language) or name
    values = explain.value_labels(name, language)
    if values and set(values) <= {0, 1}:
        return forms.TypedChoiceField(
            label=label, choices=[(k, v) for k, v in sorted(values.items())], coerce=int,
            required=required,
        )  # fmt: skip
    return forms.FloatField(label=label, required=required, min_value=-1e9, max_value=1e9)


class CheckForm(forms.Form):
    """Members' ages and the variables the rules in force read."""

    members = forms.IntegerField(
        label=_("Members of the household"), min_value=1, max_value=MEMBERS
    )

    def __init__(self, *args: Any, today: dt.date, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rulesets = in_force(today)
        self.household_variables, self.person_variables = _variables(self.rulesets)
        for name in self.household_variables:
            self.fields[f"h_{name}"] = _field(name, language, required=True)
        for i in range(1, MEMBERS + 1):
            self.fields[f"m{i}_age"] = forms.IntegerField(
                label=_("Member %(n)s: age") % {"n": i}, min_value=0, max_value=120, required=False
            )
            for name in self.person_variables:
                field = _field(name, language, required=False)
                field.label = _("Member %(n)s: %(what)s") % {"n": i, "what": field.label}
                self.fields[f"m{i}_{name}"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count = data.get("members")
        if count is not None:
            for i in range(1, count + 1):
                if data.get(f"m{i}_age") is None:
                    self.add_error(f"m{i}_age", _("Give the age of each member."))
                for name in self.person_variables:
                    if data.get(f"m{i}_{name}") in (None, ""):
                        self.add_error(f"m{i}_{name}", _("Answer this for each member."))
        return data


@dataclass(frozen=True, slots=True)
class Answer:
    """One programme's answer for the declared household."""

    programme: str
    eligible: bool
    amount: float
    reasons: list[str]


def _registry(
    data: dict[str, Any], household: list[str], person: list[str], today: dt.date
) -> Registry:
    count = int(data["members"])
    persons, members, observations = [], [], []
    for i in range(1, count + 1):
        age = int(data[f"m{i}_age"])
        persons.append({"person_id": i, "name": "-", "birth_date": dt.date(today.year - age, 1, 1)})
        members.append(
            {"person_id": i, "household_id": 1, "relationship": "head" if i == 1 else "other",
             "start": dt.date(today.year - age, 1, 1)}
        )  # fmt: skip
        for name in person:
            value = data.get(f"m{i}_{name}")
            if value is not None and value != "":
                observations.append(("person", i, name, float(value)))
    for name in household:
        observations.append(("household", 1, name, float(data[f"h_{name}"])))
    return Registry(
        persons=pl.DataFrame(
            persons, schema={"person_id": pl.Int64, "name": pl.String, "birth_date": pl.Date}
        ),
        groups=pl.DataFrame({"household_id": [1], "registered": [today]}),
        memberships=pl.DataFrame(members),
        observations=pl.DataFrame(
            [
                {
                    "unit": u,
                    "id": i,
                    "variable": v,
                    "value": x,
                    "source": "self_declared",
                    "observed": today,
                    "verification": "unverified",
                }
                for u, i, v, x in observations
            ],
            schema={
                "unit": pl.String,
                "id": pl.Int64,
                "variable": pl.String,
                "value": pl.Float64,
                "source": pl.String,
                "observed": pl.Date,
                "verification": pl.String,
            },
        ),
    )


def run(form: CheckForm, *, today: dt.date, language: str) -> list[Answer]:
    """Every ruleset in force run on the form's answers (nothing is stored)."""
    from insaf.registry.determine import determine

    registry = _registry(form.cleaned_data, form.household_variables, form.person_variables, today)
    out = []
    for row, ruleset in form.rulesets:
        (result,) = determine(ruleset, registry, today, households=[1])
        labels = {i.id: (i.label.ar if language == "ar" else i.label.en) for i in ruleset.selected
                  if getattr(i, "label", None) is not None}  # fmt: skip
        out.append(
            Answer(
                programme=row.programme.name(language),
                eligible=bool(result.eligible),
                amount=float(result.entitlement),
                reasons=explain.reasons(result.reasons, labels),
            )
        )
    return out

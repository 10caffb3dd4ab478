"""Protected groups: who belongs, as the number of members of each household in the group.

A group is compared with everyone else. Every statistic of the rights
assessment is over people, and welfare is a household variable, so a group is
fully described by ``k_h``, how many members of household ``h`` belong to it
(all of them for a household rule such as ``head_sex = 2``, those who meet a
person rule such as ``sex = 2``). The rest of the population is then
``n_h - k_h``. The groups come from the scenario's ``rights.groups`` and
``rights.compare_by`` or, when it names none, from what the survey has
(``default_groups``).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from insaf.errors import DataError, SpecError, said, words
from insaf.policy.data import PolicyData
from insaf.policy.expressions import ExpressionError
from insaf.policy.instruments.base import FloatArray, compiled
from insaf.policy.rights_options import DEFAULT_PROTECTED_GROUPS, ProtectedGroup
from insaf.policy.scenario import Scenario, text_of
from insaf.survey import Survey

__all__ = ["Group", "default_groups", "resolve_groups"]


@dataclass(frozen=True, eq=False)
class Group:
    """A protected group: its name, bilingual label and members per household."""

    name: str
    label: dict[str, str]
    members: FloatArray


def _code(survey: Survey, variable: str, english: str) -> Any:
    """The code whose English value label is ``english`` (case aside), if any."""
    values = survey.metadata.get(variable).values
    for code, label in values.items():
        if (label.get("en") or "").strip().lower() == english:
            return code
    return None


def default_groups(survey: Survey, data: PolicyData) -> list[ProtectedGroup]:
    """The protected groups the survey allows, each a rule over its variables.

    Women (a person variable ``sex`` with a value labelled Female),
    female-headed households (``head_sex``), households with a member with a
    disability (``has_disabled = 1``), refugees and non-nationals (``nationality``
    other than the value labelled National; else ``refugee_hh = 1``) and rural
    areas (``urban = 0``).
    """
    household = set(data.households.columns)
    persons = set(data.persons.columns) if data.persons is not None else set()
    out: list[ProtectedGroup] = []
    for name, variable, unit, label in DEFAULT_PROTECTED_GROUPS:
        columns = persons if unit == "person" else household
        if variable not in columns:
            continue
        where: str | None = None
        if variable in ("sex", "head_sex"):
            female = _code(survey, variable, "female")
            where = f"{variable} = {female!r}" if female is not None else None
        elif variable == "nationality":
            national = _code(survey, variable, "national")
            where = f"{variable} <> {national!r}" if national is not None else None
        elif variable == "refugee_hh":
            if any(g.name == "non_nationals" for g in out):
                continue
            where = "refugee_hh = 1"
        elif variable == "has_disabled":
            where = "has_disabled = 1"
        elif variable == "urban":
            where = "urban = 0"
        if where is not None:
            out.append(ProtectedGroup(name=name, label=label, where=where, unit=unit))
    return out


def _members(data: PolicyData, group: ProtectedGroup) -> FloatArray:
    if group.unit == "person" and data.persons is None:
        raise DataError(said("a person rule needs a person table, and the survey has none"))
    compiled(group.where).check(set(data.columns(group.unit)), level=group.unit)
    if group.unit == "person":
        meets = data.condition(group.where, "person").astype(np.float64)
        return data.household_sum(meets)
    meets = data.condition(group.where, "household").astype(np.float64)
    out: FloatArray = meets * data.members
    return out


def _value_label(survey: Survey, variable: str, value: Any) -> dict[str, str]:
    meta = survey.metadata.get(variable)
    name = meta.label.to_dict() or {"en": variable, "ar": variable}
    label = meta.values.get(value)
    text = label.to_dict() if label is not None else {"en": str(value), "ar": str(value)}
    return {
        lang: f"{name.get(lang) or name.get('en') or variable}: "
        f"{text.get(lang) or text.get('en') or value}"
        for lang in ("en", "ar")
    }


def resolve_groups(scenario: Scenario, data: PolicyData) -> tuple[list[Group], list[Group]]:
    """The protected groups and the groups of ``compare_by`` (each value of each variable),
    with their members per household; a rule or variable that does not fit the survey is
    a ``SpecError`` naming its key and line."""
    options = scenario.rights
    survey = data.survey
    problems: list[tuple[Any, str]] = []
    given = options.groups is not None
    specs = options.groups if options.groups is not None else default_groups(survey, data)
    protected: list[Group] = []
    for i, spec in enumerate(specs):
        path: tuple[Hashable, ...] = ("rights", "groups", i, "where")
        try:
            members = _members(data, spec)
        except (DataError, ExpressionError) as exc:
            if not given:
                continue
            message = exc.message if isinstance(exc, DataError) else words(exc)
            problems.append(
                (
                    scenario.locate(path),
                    said("group {name}: {problem}", name=repr(spec.name), problem=message),
                )
            )
            continue
        label = {
            "en": text_of(spec.label, "en") or spec.name,
            "ar": text_of(spec.label, "ar") or spec.name,
        }
        protected.append(Group(name=spec.name, label=label, members=members))
    compare = options.compare_by
    if compare is None:
        compare = ["governorate"] if "governorate" in data.households.columns else []
    by_value: list[Group] = []
    for i, variable in enumerate(compare):
        if variable not in data.households.columns:
            problems.append(
                (
                    scenario.locate(("rights", "compare_by", i)),
                    said(
                        "compare_by variable {name} is not a household variable",
                        name=repr(variable),
                    ),
                )
            )
            continue
        column = data.households.get_column(variable)
        for value in column.unique().drop_nulls().sort().to_list():
            meets = (column == value).fill_null(False).to_numpy().astype(np.float64)
            by_value.append(
                Group(
                    name=f"{variable}={value}",
                    label=_value_label(survey, variable, value),
                    members=meets * data.members,
                )
            )
    if problems:
        raise SpecError(scenario.file, problems)
    return protected, by_value

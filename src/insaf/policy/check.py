"""Check a scenario against a survey before anything is computed.

Every problem is collected and reported at once, each with the scenario's file,
line and key: an unknown variable in an expression, an expression that does not
compute on the survey's columns (tried on its first rows), an item that is not
in the consumption table, a welfare or poverty-line column that is missing, two
VATs or two tariffs on one item.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from insaf.errors import DataError, Location, SpecError, said, words
from insaf.policy.data import PolicyData
from insaf.policy.expressions import ExpressionError
from insaf.policy.instruments.base import Level, compiled
from insaf.policy.scenario import Policy, Scenario

__all__ = ["check_derived", "check_scenario"]

KeyPath = tuple[Hashable, ...]
_DRY_ROWS = 3


@dataclass
class _Report:
    scenario: Scenario
    problems: list[tuple[Location, str]] = field(default_factory=list)

    def add(self, path: KeyPath, message: str) -> None:
        self.problems.append((self.scenario.locate(path), message))

    def raise_any(self) -> None:
        if self.problems:
            raise SpecError(self.scenario.file, self.problems)


def _expression(
    report: _Report,
    data: PolicyData,
    path: KeyPath,
    text: str,
    level: Level,
    *,
    extra: frozenset[str] = frozenset(),
    dry_run: bool = True,
    numeric: bool = False,
) -> None:
    expression = compiled(text)
    if level == "person" and data.persons is None:
        report.add(
            path,
            said(
                "{text} is a person-level rule but the survey has no person table", text=repr(text)
            ),
        )
        return
    known = set(data.columns(level)) | extra
    try:
        expression.check(known, level=level)
    except ExpressionError as exc:
        report.add(path, words(exc))
        return
    if not dry_run or extra & set(expression.names):
        return
    if data.kept(text, level, "values" if numeric else "condition"):
        return  # evaluated in full already (``PolicyData.prefetch``)
    try:
        frame = data.frame(expression.names, level, rows=_DRY_ROWS)
        if numeric:
            expression.values(frame)
        else:
            expression.condition(frame)
    except DataError as exc:
        report.add(path, exc.message)


def check_derived(scenario: Scenario, data: PolicyData) -> None:
    """Check the scenario's ``variables`` (each may use the ones before it)."""
    report = _Report(scenario)
    derived = set(scenario.variables)
    data.prefetch(
        (spec.text, "household" if spec.how == "expr" else "person", "values")
        for spec in scenario.variables.values()
        if not derived & set(compiled(spec.text).names)
    )
    made: set[str] = set()
    for name, spec in scenario.variables.items():
        level: Level = "household" if spec.how == "expr" else "person"
        if name in data.households.columns:
            report.add(
                ("variables", name), said("{name} is already a household variable", name=repr(name))
            )
        _expression(
            report,
            data,
            ("variables", name, spec.how),
            spec.text,
            level,
            extra=frozenset(made),
            numeric=True,
        )
        made.add(name)
    report.raise_any()


def _conflicts(report: _Report, policy: Policy, data: PolicyData) -> None:
    roles: dict[str, list[tuple[str, str]]] = {}
    for instrument in policy.instruments:
        terms = getattr(instrument, "terms", None)
        if terms is None:
            continue
        for term in terms(data.item_names):
            roles.setdefault(term.item, []).append((term.instrument, term.role))
    for item, found in roles.items():
        tariffs = [i for i, r in found if r == "tariff"]
        vats = sorted({i for i, r in found if r == "vat"})
        if len(tariffs) > 1:
            report.add(
                policy.where[tariffs[1]],
                said("item {item} has two tariffs: {tariffs}", item=repr(item), tariffs=tariffs),
            )
        elif tariffs:
            others = sorted({i for i, r in found if r not in ("tariff", "vat")})
            if others:
                report.add(
                    policy.where[others[0]],
                    said(
                        "item {item} is priced by the tariff {tariff}: change the tariff "
                        "instead of adding {others}",
                        item=repr(item),
                        tariff=repr(tariffs[0]),
                        others=others,
                    ),
                )
        if len(vats) > 1:
            report.add(
                policy.where[vats[1]],
                said("item {item} is taxed by two VATs: {vats}", item=repr(item), vats=vats),
            )


def check_scenario(
    scenario: Scenario, data: PolicyData, policies: Sequence[Policy] | None = None
) -> None:
    """Raise a ``SpecError`` listing every way ``scenario`` does not fit ``data``.

    With ``policies``, only their instruments are checked, and not the welfare
    measure, lines and groups a simulation needs (the registry runs a programme's
    instruments on households that carry no welfare measure).
    """
    report = _Report(scenario)
    if policies is None:
        _check_outcomes(report, scenario, data)
        policies = list(scenario.policies().values())
    data.prefetch(
        (need.text, need.unit, "values" if need.key[-1] in ("base", "income") else "condition")
        for policy in policies
        for instrument in policy.instruments
        for need in instrument.needs()
        if need.what == "expression"
    )
    seen: set[tuple[str, str]] = set()
    for policy in policies:
        _check_policy(report, policy, data, seen)
    report.raise_any()


def _check_outcomes(report: _Report, scenario: Scenario, data: PolicyData) -> None:
    household = set(data.households.columns)
    welfare = scenario.welfare.variable
    if welfare not in household:
        report.add(
            ("welfare", "variable"),
            said(
                "welfare variable {name} is not a household variable (known: {known})",
                name=repr(welfare),
                known=", ".join(sorted(household)),
            ),
        )
    for name, line in scenario.lines.items():
        if isinstance(line, str) and line not in household:
            report.add(
                ("lines", name),
                said("poverty line column {name} is not in the survey", name=repr(line)),
            )
    for i, group in enumerate(scenario.groups or []):
        if group not in household:
            report.add(
                ("groups", i),
                said("group variable {name} is not a household variable", name=repr(group)),
            )
    for item in scenario.elasticities:
        if item not in data.item_names:
            report.add(("elasticities", item), _no_item(item, data))


def _check_policy(
    report: _Report, policy: Policy, data: PolicyData, seen: set[tuple[str, str]]
) -> None:
    for instrument in policy.instruments:
        where = policy.where[instrument.id]
        fingerprint = (instrument.id, instrument.model_dump_json())
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        for need in instrument.needs():
            path = (*where, *need.key)
            if need.what == "item":
                if need.text not in data.item_names:
                    report.add(path, _no_item(need.text, data))
            else:
                numeric = need.key[-1] in ("base", "income")
                _expression(report, data, path, need.text, need.unit, numeric=numeric)
    _conflicts(report, policy, data)
    solve = policy.solve
    if solve is not None and solve.group is not None and solve.group.where is not None:
        path = (*policy.solve_where, "group", "where")
        _expression(report, data, path, solve.group.where, "household")


def _no_item(item: str, data: PolicyData) -> str:
    known = ", ".join(data.item_names) or said("none: the survey has no consumption table")
    return said(
        "item {item} is not in the consumption table (items: {known})", item=repr(item), known=known
    )

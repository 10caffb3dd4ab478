"""check(): a line that does not add up to its parent, and every other rule, named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from insaf.budget import (
    Budget,
    Contingency,
    Severity,
    budget_lines,
    check,
    read_budget,
    write_boost_csv,
)

from .conftest import line, small_lines


def _with(budget: Budget, lines: list[dict[str, object]]) -> Budget:
    return replace(budget, lines=budget_lines(lines))


def _messages(budget: Budget) -> list[str]:
    return [str(p) for p in check(budget)]


def test_a_sound_budget_has_no_problem(budget: Budget) -> None:
    assert check(budget) == []


def test_a_parent_that_is_not_the_sum_of_its_children_is_named(
    budget: Budget, tmp_path: Path
) -> None:
    lines = small_lines()
    lines[4]["amount"] = 100.25  # SOC.1 revised: 105.25 -> 100.25, SOC revised stays 115.5
    broken = _with(budget, lines)
    # 115.5 = 105.25 + 10.25 held; now 100.25 + 10.25 = 110.5, a gap of 5.0
    assert _messages(broken) == [
        "line 'SOC', column 'revised': 115.5 in phase revised, but its children (SOC.1, "
        "SOC.2) add up to 110.5 (a gap of 5)"
    ]
    # read from a file, the problem names the file, the row and the field
    write_boost_csv(broken, tmp_path)
    found = check(read_budget(tmp_path))
    assert [(p.file, p.row, p.field, p.line) for p in found] == [
        (str(tmp_path / "lines.csv"), 1, "revised", "SOC")
    ]


def test_a_parent_without_amount_where_its_children_have_one(budget: Budget) -> None:
    lines = [r for r in small_lines() if not (r["line"] == "SOC" and r["phase"] == "executed")]
    assert _messages(_with(budget, lines)) == [
        "line 'SOC', column 'executed': 0 in phase executed, but its children (SOC.1, "
        "SOC.2) add up to 101.1 (a gap of -101.1)"
    ]


def test_tolerance_in_the_budgets_units(budget: Budget) -> None:
    lines = small_lines()
    lines[0]["amount"] = 110.04  # approved total rounded in the published file
    assert len(check(_with(budget, lines))) == 1
    assert check(_with(budget, lines), tolerance=0.05) == []


def test_classification_phases_codes_and_plan(budget: Budget) -> None:
    lines = small_lines()
    lines[1]["admin"] = "HEALTH"  # SOC.1 approved run by another ministry than revised
    lines.append(line(line="X", function="10.9", economic="27", programme="NOPE", amount=1.0))
    lines.append(line(line="X", function="10.9", economic="27", programme="NOPE", amount=2.0))
    lines.append(line(line="Y", function="13", economic="4", amount=-1.0, governorate=""))
    found = check(_with(budget, lines))
    messages = [(p.severity, p.field, p.message) for p in found]
    assert messages == [
        (Severity.ERROR, None, "classified differently in two phases"),
        (Severity.ERROR, "approved", "two amounts in phase approved"),
        (Severity.ERROR, "governorate", "empty text as governorate (leave it null for none)"),
        (Severity.ERROR, "function", "not a COFOG code (01 to 10, or a group such as 10.9): '13'"),
        (Severity.ERROR, "economic", "not a GFS economic code (digits, such as 27 or 2821): '4'"),
        (Severity.ERROR, "programme", "programme 'NOPE' is not in the plan"),
        (
            Severity.WARNING,
            "admin",
            "programme 'CASH' is run by 'SOC' in the plan, not by 'HEALTH'",
        ),
        (Severity.WARNING, "approved", "negative amount -1 in phase approved"),
    ]


def test_parents_of_another_year_and_cycles(budget: Budget) -> None:
    lines = [
        line(line="A", parent="B", amount=1.0),
        line(line="B", parent="A", amount=1.0),
        line(line="C", amount=1.0, year=2023),
        line(line="D", parent="C", amount=1.0),
    ]
    messages = _messages(_with(budget, lines))
    assert "line 'D', column 'parent': of year 2022 but its parent 'C' of year 2023" in messages
    assert "line 'A', column 'parent': its own ancestor (the parents form a cycle)" in messages
    assert "line 'B', column 'parent': its own ancestor (the parents form a cycle)" in messages


def test_a_contingency_rule_that_matches_nothing(budget: Budget) -> None:
    found = check(replace(budget, contingency=Contingency(field="admin", code="98")))
    assert [(p.severity, p.key, p.message) for p in found] == [
        (Severity.WARNING, "contingency", "no line has admin '98' (the contingency reserve)")
    ]


def test_totals_count_leaves_only(budget: Budget) -> None:
    # SOC (110) = SOC.1 (100) + SOC.2 (10); plus the reserve 5: 115, not 225
    assert budget.total("approved", 2022) == 115.0
    assert budget.leaves()["line"].unique().sort().to_list() == ["RES", "SOC.1", "SOC.2"]
    assert budget.phase("executed").select(pl.col("amount").sum()).item() == 92.1 + 9.0 + 1.5

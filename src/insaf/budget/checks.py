"""Checking a budget: every problem named by file, row, field and line.

``check`` looks at what a file's reader cannot see line by line, and at
budgets built in memory (the platform's edits):

- each line is classified the same way in every phase, and appears once per phase;
- codes are what their field needs (COFOG, GFS, gender marker 0/1/2), text
  fields are not empty, amounts are finite;
- a line's parent exists, is of the same year, and the hierarchy has no cycle;
- **an aggregate line equals the sum of its children** in every phase where
  either has an amount (within ``tolerance`` in the budget's units);
- a programme named by a line is one of the plan's; a programme's lines are
  run by its ministry (a warning otherwise);
- a negative amount is a warning (a refund can be one); a contingency rule
  that matches no line is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from insaf.budget.model import CLASSIFICATIONS, CODED, Budget
from insaf.budget.problems import BudgetProblem, Severity
from insaf.errors import said, said_together

__all__ = ["check"]

LIMIT = 1000
"""The most problems reported for one rule (a file with a systematic mistake
would otherwise list one per line)."""


def _problems(
    budget: Budget,
    frame: pl.DataFrame,
    field: str | None,
    message: Callable[[dict[str, Any]], str],
    severity: Severity = Severity.ERROR,
) -> list[BudgetProblem]:
    """One problem per row of ``frame`` (its ``line`` column); ``message`` says it from the
    row's columns, and ``field`` is formatted with them."""
    out: list[BudgetProblem] = []
    for record in frame.head(LIMIT).iter_rows(named=True):
        line = str(record["line"])
        out.append(
            BudgetProblem(
                file=budget.origin,
                row=budget.row_of(line),
                field=field.format(**record) if field else None,
                line=line,
                message=message(record),
                severity=severity,
            )
        )
    return out


def check(budget: Budget, *, tolerance: float = 0.0) -> list[BudgetProblem]:
    """Every problem of ``budget``, errors and warnings, in the order of the rules above."""
    lines = budget.lines
    found: list[BudgetProblem] = []
    if lines.is_empty():
        return [BudgetProblem(file=budget.origin, message=said("the budget has no line"))]

    classified = lines.select("line", "parent", *CLASSIFICATIONS).unique()
    found += _problems(
        budget,
        classified.filter(pl.col("line").is_duplicated()).unique("line", maintain_order=True),
        None,
        lambda _: said("classified differently in two phases"),
    )
    found += _problems(
        budget,
        lines.filter(pl.struct("line", "phase").is_duplicated()).unique(
            ["line", "phase"], maintain_order=True
        ),
        "{phase}",
        lambda r: said("two amounts in phase {phase}", phase=r["phase"]),
    )
    found += _field_problems(budget, lines)

    known = lines["line"].unique().implode()
    found += _problems(
        budget,
        lines.filter(pl.col("parent").is_not_null() & ~pl.col("parent").is_in(known)).unique(
            "line", maintain_order=True
        ),
        "parent",
        lambda r: said("parent '{parent}' is not a line of the budget", parent=r["parent"]),
    )
    found += _hierarchy(budget, classified.unique("line", maintain_order=True))
    found += _sums(budget, lines, tolerance)
    found += _programmes(budget, lines)
    found += _problems(
        budget,
        lines.filter(pl.col("amount") < 0),
        "{phase}",
        lambda r: said(
            "negative amount {amount:.10g} in phase {phase}", amount=r["amount"], phase=r["phase"]
        ),
        Severity.WARNING,
    )
    if budget.contingency is not None and lines.filter(budget.is_contingency()).is_empty():
        rule = budget.contingency
        found.append(
            BudgetProblem(
                file=budget.origin,
                key="contingency",
                message=said(
                    "no line has {field} '{code}' (the contingency reserve)",
                    field=rule.field,
                    code=rule.code,
                ),
                severity=Severity.WARNING,
            )
        )
    return found


def _field_problems(budget: Budget, lines: pl.DataFrame) -> list[BudgetProblem]:
    found: list[BudgetProblem] = []
    one = lines.unique("line", maintain_order=True)
    for name in ("admin", "function", "economic", "source", "line"):
        found += _problems(
            budget,
            one.filter(pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")),
            name,
            partial(_empty, name),
        )
    for name in ("programme", "governorate", "parent"):
        found += _problems(
            budget,
            one.filter(pl.col(name).str.strip_chars() == ""),
            name,
            partial(_empty_text, name),
        )
    for name, (code, what) in CODED.items():
        found += _problems(
            budget,
            one.filter(pl.col(name).is_not_null() & ~pl.col(name).str.contains(code.pattern)),
            name,
            partial(_not_coded, name, what),
        )
    found += _problems(
        budget,
        one.filter(~pl.col("gender_marker").is_in([0, 1, 2]) | pl.col("gender_marker").is_null()),
        "gender_marker",
        lambda r: said(
            "not a gender marker (0, 1, 2): {gender_marker}", gender_marker=r["gender_marker"]
        ),
    )
    found += _problems(
        budget,
        one.filter(pl.col("year").is_null()),
        "year",
        lambda _: said("no year"),
    )
    found += _problems(
        budget,
        lines.filter(pl.col("amount").is_null() | ~pl.col("amount").is_finite()),
        "{phase}",
        lambda r: said("amount is not a finite number: {amount}", amount=r["amount"]),
    )
    return found


def _empty(name: str, record: dict[str, Any]) -> str:
    return said("empty {name}", name=name)


def _empty_text(name: str, record: dict[str, Any]) -> str:
    return said("empty text as {name} (leave it null for none)", name=name)


def _not_coded(name: str, what: str, record: dict[str, Any]) -> str:
    return said_together([what, f"'{record[name]}'"], ": ")


def _hierarchy(budget: Budget, one: pl.DataFrame) -> list[BudgetProblem]:
    """Parents of another year, and cycles (a line that is its own ancestor)."""
    found: list[BudgetProblem] = []
    years = one.select(pl.col("line").alias("parent"), pl.col("year").alias("parent_year"))
    joined = one.join(years, on="parent", how="inner")
    found += _problems(
        budget,
        joined.filter(pl.col("year") != pl.col("parent_year")),
        "parent",
        lambda r: said(
            "of year {year} but its parent '{parent}' of year {parent_year}",
            year=r["year"],
            parent=r["parent"],
            parent_year=r["parent_year"],
        ),
    )
    parent = dict(one.select("line", "parent").drop_nulls().iter_rows())
    cyclic: set[str] = set()
    for start in parent:
        seen = {start}
        node = parent.get(start)
        while node is not None:
            if node == start:
                cyclic.add(start)
                break
            if node in seen:  # a cycle further up, which ``start`` is not part of
                break
            seen.add(node)
            node = parent.get(node)
    if cyclic:
        found += _problems(
            budget,
            one.filter(pl.col("line").is_in(sorted(cyclic))),
            "parent",
            lambda _: said("its own ancestor (the parents form a cycle)"),
        )
    return found


def _sums(budget: Budget, lines: pl.DataFrame, tolerance: float) -> list[BudgetProblem]:
    """An aggregate line that is not the sum of its children, phase by phase."""
    children = (
        lines.filter(pl.col("parent").is_not_null())
        .group_by("parent", "phase")
        .agg(pl.col("amount").sum().alias("children"), pl.col("line").sort().alias("ids"))
        .rename({"parent": "line"})
    )
    if children.is_empty():
        return []
    parents = lines.filter(pl.col("line").is_in(children["line"].unique().implode())).select(
        "line", "phase", "amount"
    )
    both = parents.join(children, on=["line", "phase"], how="full", coalesce=True)
    slack = tolerance + 1e-9 * pl.max_horizontal(
        pl.col("amount").abs().fill_null(0), pl.col("children").abs().fill_null(0), pl.lit(1.0)
    )
    bad = both.filter(
        pl.col("amount").is_null()
        | pl.col("children").is_null()
        | ((pl.col("amount") - pl.col("children")).abs() > slack)
    ).with_columns(
        pl.col("ids").list.head(5).list.join(", ").fill_null("none"),
        pl.col("amount").fill_null(0.0),
        pl.col("children").fill_null(0.0),
        (pl.col("amount").fill_null(0.0) - pl.col("children").fill_null(0.0)).alias("gap"),
    )
    order = lines.select("line").unique(maintain_order=True).with_row_index("__order")
    bad = bad.join(order, on="line").sort("__order", pl.col("phase").to_physical())
    return _problems(
        budget,
        bad,
        "{phase}",
        lambda r: said(
            "{amount:.10g} in phase {phase}, but its children ({ids}) add up to {children:.10g} "
            "(a gap of {gap:.10g})",
            amount=r["amount"],
            phase=r["phase"],
            ids=said("none") if r["ids"] == "none" else r["ids"],
            children=r["children"],
            gap=r["gap"],
        ),
    )


def _programmes(budget: Budget, lines: pl.DataFrame) -> list[BudgetProblem]:
    if budget.plan is None:
        return []
    found: list[BudgetProblem] = []
    one = lines.unique("line", maintain_order=True).filter(pl.col("programme").is_not_null())
    codes = [p.code for p in budget.plan.programmes]
    found += _problems(
        budget,
        one.filter(~pl.col("programme").is_in(codes)),
        "programme",
        lambda r: said("programme '{programme}' is not in the plan", programme=r["programme"]),
    )
    for programme in budget.plan.programmes:
        found += _problems(
            budget,
            one.filter(
                (pl.col("programme") == programme.code) & (pl.col("admin") != programme.ministry)
            ).with_columns(pl.lit(programme.ministry).alias("ministry")),
            "admin",
            lambda r: said(
                "programme '{programme}' is run by '{ministry}' in the plan, not by '{admin}'",
                programme=r["programme"],
                ministry=r["ministry"],
                admin=r["admin"],
            ),
            Severity.WARNING,
        )
    return found

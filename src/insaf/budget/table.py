"""The flat table both file formats hold: one row per budget line, one amount column
per phase (the layout of BOOST and of a Fiscal Data Package's measures).

``parse_wide`` reads every cell as text and converts it itself, so that a cell
that is not what its column needs is named (file, row, field) instead of being
turned into a missing value; ``to_wide`` is its inverse.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl

from insaf.budget.model import CLASSIFICATIONS, CODED, LINE_SCHEMA, PHASES
from insaf.budget.problems import BudgetImportError, BudgetProblem
from insaf.errors import said, said_together

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "WIDE_COLUMNS",
    "parse_wide",
    "read_text_csv",
    "to_wide",
]

REQUIRED = ("year", "admin", "function", "economic", "source", "gender_marker")
OPTIONAL = ("line", "parent", "programme", "governorate")
WIDE_COLUMNS = ("line", "parent", *CLASSIFICATIONS, *PHASES)
"""The columns of the flat file, in the order INSAF writes them."""


def read_text_csv(path: Path, file: str) -> pl.DataFrame:
    """Every cell of a UTF-8 CSV as text (empty cells null); errors name the file."""
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except FileNotFoundError:
        raise BudgetImportError(
            [BudgetProblem(file=file, message=said("file not found"))]
        ) from None
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BudgetImportError(
            [
                BudgetProblem(
                    file=file, message=said("not a readable UTF-8 CSV file: {reason}", reason=first)
                )
            ]
        ) from None


def _bad_rows(
    frame: pl.DataFrame,
    column: str,
    ok: pl.Expr,
    message: Callable[[str], str],
    file: str,
    limit: int = 50,
) -> list[BudgetProblem]:
    """A problem for each row (up to ``limit``) where ``ok`` is false; ``message`` says it
    from the cell's text."""
    bad = frame.select(
        pl.col("__row"), pl.col(column).alias("__v"), ok.fill_null(False).alias("__ok")
    ).filter(~pl.col("__ok"))
    return [
        BudgetProblem(file=file, row=int(row), field=column, message=message(value))
        for row, value in bad.head(limit).select("__row", "__v").iter_rows()
    ]


def _coded(what: str, value: str) -> str:
    """``what: 'value'``: a cell that is not a code of its classification."""
    return said_together([what, f"'{value}'"], ": ")


def parse_wide(raw: pl.DataFrame, *, file: str) -> tuple[pl.DataFrame, dict[str, int]]:
    """The long lines of a flat table read as text, and each line's file row.

    Raises ``BudgetImportError`` listing every problem: a missing or unknown
    column, a cell that is not a whole number, a number, a COFOG or GFS code, a
    gender marker (0, 1, 2), an empty required cell, a line id given twice, a
    parent that is no line, a row with no amount.
    """
    problems: list[BudgetProblem] = []
    columns = list(raw.columns)
    stripped = [c.strip().lower() for c in columns]
    for name, clean in zip(columns, stripped, strict=True):
        if clean not in WIDE_COLUMNS:
            problems.append(
                BudgetProblem(
                    file=file,
                    field=name,
                    message=said(
                        "unknown column (expected some of: {known})", known=", ".join(WIDE_COLUMNS)
                    ),
                )
            )
    for name in REQUIRED:
        if name not in stripped:
            problems.append(BudgetProblem(file=file, field=name, message=said("missing column")))
    phases = [p for p in PHASES if p in stripped]
    if not phases:
        problems.append(
            BudgetProblem(
                file=file,
                message=said("no amount column (one of: {known})", known=", ".join(PHASES)),
            )
        )
    if len(set(stripped)) != len(stripped):
        twice = sorted({c for c in stripped if stripped.count(c) > 1})
        problems.append(
            BudgetProblem(file=file, field=twice[0], message=said("column given twice"))
        )
    if problems:
        raise BudgetImportError(problems)

    frame = raw.rename(dict(zip(columns, stripped, strict=True))).with_row_index("__row", offset=1)
    frame = frame.with_columns(pl.col(c).str.strip_chars() for c in stripped)
    for name in OPTIONAL:
        if name not in frame.columns:
            value = pl.col("__row").cast(pl.String) if name == "line" else pl.lit(None, pl.String)
            frame = frame.with_columns(value.alias(name))

    for name in ("year", "admin", "function", "economic", "source", "gender_marker", "line"):
        problems += _bad_rows(
            frame, name, pl.col(name).is_not_null(), lambda _: said("empty cell"), file
        )
    year = pl.col("year").cast(pl.Int32, strict=False)
    problems += _bad_rows(
        frame,
        "year",
        pl.col("year").is_null() | year.is_between(1900, 2200),
        lambda value: said("not a year (a whole number from 1900 to 2200): '{value}'", value=value),
        file,
    )
    marker = pl.col("gender_marker").cast(pl.Int8, strict=False)
    problems += _bad_rows(
        frame,
        "gender_marker",
        pl.col("gender_marker").is_null() | marker.is_in([0, 1, 2]),
        lambda value: said(
            "not a gender marker (0 not targeted, 1 significant, 2 principal): '{value}'",
            value=value,
        ),
        file,
    )
    for name, (code, what) in CODED.items():
        problems += _bad_rows(
            frame,
            name,
            pl.col(name).is_null() | pl.col(name).str.contains(code.pattern),
            partial(_coded, what),
            file,
        )
    for phase in phases:
        number = pl.col(phase).cast(pl.Float64, strict=False)
        problems += _bad_rows(
            frame,
            phase,
            pl.col(phase).is_null() | (number.is_not_null() & number.is_finite()),
            lambda value: said(
                "not a number (digits, a point for decimals, no thousands separator): '{value}'",
                value=value,
            ),
            file,
        )
    present = pl.any_horizontal(pl.col(p).is_not_null() for p in phases)
    problems += _bad_rows(frame, "line", present, lambda _: said("no amount in any phase"), file)
    dup = frame.filter(pl.col("line").is_not_null() & pl.col("line").is_duplicated())
    firsts: dict[str, int] = {}
    for row, line in dup.select("__row", "line").iter_rows():
        if line in firsts:
            problems.append(
                BudgetProblem(
                    file=file,
                    row=int(row),
                    field="line",
                    message=said(
                        "line id '{line}' already used on row {row}", line=line, row=firsts[line]
                    ),
                )
            )
        else:
            firsts[line] = int(row)
    known = frame["line"].drop_nulls().implode()
    problems += _bad_rows(
        frame,
        "parent",
        pl.col("parent").is_null() | pl.col("parent").is_in(known),
        lambda value: said("parent '{value}' is not a line of this file", value=value),
        file,
    )
    problems += _bad_rows(
        frame,
        "parent",
        pl.col("parent").is_null() | (pl.col("parent") != pl.col("line")),
        lambda value: said("a line cannot be its own parent: '{value}'", value=value),
        file,
    )
    if problems:
        raise BudgetImportError(problems)

    typed = frame.with_columns(year, marker, *(pl.col(p).cast(pl.Float64) for p in phases))
    rows = dict(zip(typed["line"].to_list(), typed["__row"].to_list(), strict=True))
    keep = ["line", "parent", *CLASSIFICATIONS]
    long = (
        typed.select(*keep, *phases)
        .unpivot(index=keep, on=phases, variable_name="phase", value_name="amount")
        .drop_nulls("amount")
        .with_columns(pl.col("phase").cast(LINE_SCHEMA["phase"]))
        .select(list(LINE_SCHEMA))
        .cast(LINE_SCHEMA)  # type: ignore[arg-type]
    )
    return long, rows


def to_wide(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per line, one amount column per phase present (in ``PHASES`` order).

    Raises ``ValueError`` when a line's classification differs between phases
    (the flat layout has one classification per line; ``check`` names it).
    """
    keep = ["line", "parent", *CLASSIFICATIONS]
    distinct = lines.select(keep).unique(maintain_order=True)
    if distinct.height != lines["line"].n_unique():
        twice = distinct.filter(pl.col("line").is_duplicated())["line"][0]
        raise ValueError(said("line '{line}' is classified differently in two phases", line=twice))

    phases = [p for p in PHASES if p in set(lines["phase"].cast(pl.String).unique())]
    wide = lines.with_columns(pl.col("phase").cast(pl.String)).pivot(
        on="phase", index=keep, values="amount", maintain_order=True
    )
    return wide.select(*keep, *phases)

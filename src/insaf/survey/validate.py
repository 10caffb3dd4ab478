"""Survey validation: every problem found, each naming file, rows and column.

Nothing is changed: validation reads the survey and reports. Problems are
errors (the survey cannot be used as it is), warnings (it can, but a
statistician must know) or notes. Rows are listed up to a limit and always
counted, so a problem on a million rows is one readable line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from insaf.errors import Severity, ValidationFailed, said, said_together
from insaf.survey.design import LonelyPSU
from insaf.survey.metadata import Role
from insaf.survey.survey import Survey
from insaf.survey.table import Table

__all__ = ["Problem", "Severity", "ValidationReport", "validate"]

SHOWN_ROWS = 10
MAX_AGE = 120
HEAD_CODE = 1  # the relationship code of the household head


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One kind of problem in one column of one table, with the rows it affects."""

    severity: Severity
    code: str
    message: str
    table: str
    column: str | None = None
    file: str | None = None
    places: tuple[str, ...] = ()  # "line 7" or "row 6", the first few affected rows
    count: int = 0  # how many rows are affected (0: the problem is not about rows)

    def location(self) -> str:
        """'persons.csv, lines 5, 9 and 3 more, column 'hhid'' (``said``, to be said in
        Arabic too)."""
        where: list[str] = [self.file or f"<{self.table}>"]
        if self.places:
            kind = self.places[0].split(" ")[0]
            numbers = said_together((p.split(" ", 1)[1] for p in self.places), ", ")
            more = self.count - len(self.places)
            if len(self.places) > 1:
                rows = (
                    said("lines {numbers}", numbers=numbers)
                    if kind == "line"
                    else said("rows {numbers}", numbers=numbers)
                )
            else:
                rows = (
                    said("line {line}", line=numbers)
                    if kind == "line"
                    else said("row {row}", row=numbers)
                )
            if more > 0:
                rows = said_together([rows, said(" and {count} more", count=more)], "")
            where.append(rows)
        if self.column:
            where.append(said("column '{column}'", column=self.column))
        return said_together(where, ", ")

    def __str__(self) -> str:
        severity = said("error") if self.severity is Severity.ERROR else said("warning")
        return said_together([severity, self.location(), self.message], ": ")

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "table": self.table,
            "column": self.column,
            "file": self.file,
            "places": list(self.places),
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class ValidationReport:
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def raise_for_errors(self) -> None:
        if not self.ok:
            raise ValidationFailed(
                self,
                said(
                    "{count} validation error(s):\n  {problems}",
                    count=len(self.errors),
                    problems=said_together([str(p) for p in self.errors], "\n  "),
                ),
            )

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems) or "no problems found"


def validate(survey: Survey) -> ValidationReport:
    """Check keys, links, design and declared roles; report every problem."""
    checks = _Checks(survey)
    return ValidationReport(tuple(checks.run()))


class _Checks:
    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.design = survey.design

    def run(self) -> Iterator[Problem]:
        for table in self.survey.tables:
            yield from self.keys(table)
        yield from self.links()
        yield from self.weights()
        yield from self.strata_and_psus()
        yield from self.fpc()
        yield from self.replicates()
        yield from self.roles()

    # -- helpers ---------------------------------------------------------------------

    def problem(
        self,
        table: Table,
        severity: Severity,
        code: str,
        message: str,
        *,
        column: str | None = None,
        rows: pl.Series | None = None,
    ) -> Problem:
        """A problem on the rows whose 0-based indices are in ``rows``."""
        places: tuple[str, ...] = ()
        count = 0
        if rows is not None:
            count = rows.len()
            shown = rows.head(SHOWN_ROWS).to_list()
            places = tuple(_place(table, int(i)) for i in shown)
        file = table.source.path if table.source is not None else None
        return Problem(
            severity=severity,
            code=code,
            message=message,
            table=table.name,
            column=column,
            file=file,
            places=places,
            count=count,
        )

    def missing_columns(self, table: Table, columns: list[str], what: str) -> Iterator[Problem]:
        for name in columns:
            if name not in table.frame.columns:
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "missing-column",
                    said(
                        "the {what} column '{name}' is not in the table (columns: {columns})",
                        what=what,
                        name=name,
                        columns=", ".join(table.frame.columns),
                    ),
                    column=name,
                )

    # -- keys and links --------------------------------------------------------------

    def keys(self, table: Table) -> Iterator[Problem]:
        key = list(table.key)
        if not key:
            return
        absent = list(self.missing_columns(table, key, said("key")))
        yield from absent
        if absent:
            return
        frame = table.frame.select(key).with_row_index("_row")
        for name in key:
            nulls = frame.filter(pl.col(name).is_null()).get_column("_row")
            if nulls.len():
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "missing-key",
                    said("{count} row(s) have no value for the key", count=nulls.len()),
                    column=name,
                    rows=nulls,
                )
        repeated = _repeated_keys(table.frame, key)
        if repeated.height:
            dup = frame.join(repeated, on=key, how="semi").sort("_row")
            first = dup.filter(pl.struct(key) == pl.struct(key).first())
            value = ", ".join(f"{k}={first.item(0, k)!r}" for k in key)
            places = said_together(
                (_said_place(table, int(i)) for i in first.get_column("_row").head(SHOWN_ROWS)),
                ", ",
            )
            yield self.problem(
                table,
                Severity.ERROR,
                "duplicate-key",
                said(
                    "{count} key value(s) appear more than once ({rows} rows); "
                    "for example {value} on {places}",
                    count=repeated.height,
                    rows=dup.height,
                    value=value,
                    places=places,
                ),
                column=", ".join(key),
                rows=dup.get_column("_row"),
            )

    def links(self) -> Iterator[Problem]:
        households = self.survey.households
        if households is None:
            return
        hh_key = self.survey.household_key
        if hh_key is None or hh_key not in households.frame.columns:
            return
        known = households.frame.get_column(hh_key).drop_nulls()
        children = [t for t in (self.survey.persons, *self.survey.items.values()) if t is not None]
        for table in children:
            link = table.household
            if link is None:
                continue
            absent = list(self.missing_columns(table, [link], said("household")))
            yield from absent
            if absent:
                continue
            column = table.frame.get_column(link)
            orphan = (
                column.is_not_null()
                & ~column.is_in(known.cast(column.dtype, strict=False).implode())
            ).arg_true()
            if orphan.len():
                examples = column.gather(orphan.head(3)).to_list()
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "orphan-row",
                    said(
                        "{count} row(s) point to a household that does not exist in {file} "
                        "(for example {link}={example})",
                        count=orphan.len(),
                        file=_name(households),
                        link=link,
                        example=repr(examples[0]),
                    ),
                    column=link,
                    rows=orphan,
                )
            nulls = column.is_null().arg_true()
            if nulls.len() and link not in table.key:
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "missing-key",
                    said("{count} row(s) have no household", count=nulls.len()),
                    column=link,
                    rows=nulls,
                )
        persons = self.survey.persons
        if persons is not None and persons.household in persons.frame.columns:
            members = persons.frame.get_column(persons.household).drop_nulls()
            hh = households.frame.get_column(hh_key)
            empty = (
                hh.is_not_null() & ~hh.is_in(members.cast(hh.dtype, strict=False).implode())
            ).arg_true()
            if empty.len():
                yield self.problem(
                    households,
                    Severity.ERROR,
                    "household-without-persons",
                    said(
                        "{count} household(s) have no person in {file} "
                        "(for example {key}={example})",
                        count=empty.len(),
                        file=_name(persons),
                        key=hh_key,
                        example=repr(hh.gather(empty.head(1)).item()),
                    ),
                    column=hh_key,
                    rows=empty,
                )

    # -- design ----------------------------------------------------------------------

    def weights(self) -> Iterator[Problem]:
        table = self.survey.design_table
        name = self.design.weight
        absent = list(self.missing_columns(table, [name], said("weight")))
        yield from absent
        if absent:
            return
        yield from self.numeric(table, name, said("weight"), positive=True)

    def numeric(
        self, table: Table, name: str, what: str, *, positive: bool, allow_zero: bool = False
    ) -> Iterator[Problem]:
        column = table.frame.get_column(name)
        if column.dtype == pl.String:
            parsed = column.cast(pl.Float64, strict=False)
            bad = (column.is_not_null() & parsed.is_null()).arg_true()
            if bad.len():
                examples = column.gather(bad.head(3)).to_list()
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "non-numeric",
                    said(
                        "{count} {what}(s) are not numbers (for example {example})",
                        count=bad.len(),
                        what=what,
                        example=repr(examples[0]),
                    ),
                    column=name,
                    rows=bad,
                )
            column = parsed
        elif not column.dtype.is_numeric():
            yield self.problem(
                table,
                Severity.ERROR,
                "non-numeric",
                said(
                    "the {what} column has type {dtype}, not a number",
                    what=what,
                    dtype=column.dtype,
                ),
                column=name,
            )
            return
        values = column.cast(pl.Float64)
        missing = (column.is_null() & table.frame.get_column(name).is_null()) | values.is_nan()
        wrong = {
            "missing-value": missing.arg_true(),
            "infinite": values.is_infinite().fill_null(False).arg_true(),
        }
        if positive:
            floor = (values < 0) if allow_zero else (values <= 0)
            wrong["non-positive"] = floor.fill_null(False).arg_true()
        for code, rows in wrong.items():
            if rows.len():
                message = _not_numbers(code, rows.len(), what, allow_zero=allow_zero)
                yield self.problem(table, Severity.ERROR, code, message, column=name, rows=rows)

    def strata_and_psus(self) -> Iterator[Problem]:
        table = self.survey.design_table
        strata, psu = self.design.strata, self.design.psu
        wanted = [c for c in (strata, psu) if c is not None]
        absent = list(self.missing_columns(table, wanted, said("design")))
        yield from absent
        if absent or not wanted:
            return
        frame = table.frame.with_row_index("_row")
        for name in wanted:
            nulls = frame.filter(pl.col(name).is_null()).get_column("_row")
            if nulls.len():
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "missing-value",
                    said("{count} row(s) have no stratum", count=nulls.len())
                    if name == strata
                    else said("{count} row(s) have no PSU", count=nulls.len()),
                    column=name,
                    rows=nulls,
                )
        frame = frame.drop_nulls(wanted)
        if strata is not None and psu is not None:
            spread = (
                frame.group_by(psu)
                .agg(pl.col(strata).n_unique().alias("n"))
                .filter(pl.col("n") > 1)
                .sort(psu)
            )
            if spread.height:
                rows = frame.join(spread.select(psu), on=psu, how="semi").get_column("_row")
                first = spread.item(0, psu)
                in_strata = frame.filter(pl.col(psu) == first).get_column(strata).unique().sort()
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "psu-in-several-strata",
                    said(
                        "{count} PSU(s) appear in more than one stratum (for example "
                        "PSU {psu} in strata {strata}); "
                        "give each PSU a code that is unique across strata",
                        count=spread.height,
                        psu=repr(first),
                        strata=", ".join(map(repr, in_strata.head(5))),
                    ),
                    column=psu,
                    rows=rows,
                )
        if strata is not None:
            unit = psu if psu is not None else "_row"
            counts = frame.group_by(strata).agg(
                pl.col(unit).n_unique().alias("n"), pl.col("_row").min()
            )
            lonely = counts.filter(pl.col("n") == 1).sort(strata)
            if lonely.height:
                names = ", ".join(map(repr, lonely.get_column(strata).head(SHOWN_ROWS).to_list()))
                yield self.problem(
                    table,
                    Severity.WARNING,
                    "single-psu-stratum",
                    said(
                        "{count} stratum/strata have a single PSU ({names}); {rule}",
                        count=lonely.height,
                        names=names,
                        rule=_LONELY_RULES[self.design.lonely_psu],
                    ),
                    column=strata,
                    rows=lonely.get_column("_row").sort(),
                )

    def fpc(self) -> Iterator[Problem]:
        name = self.design.fpc
        if name is None:
            return
        table = self.survey.design_table
        absent = list(self.missing_columns(table, [name], "fpc"))
        yield from absent
        if absent:
            return
        problems = list(self.numeric(table, name, said("fpc value"), positive=True))
        yield from problems
        if problems:
            return
        fpc = table.frame.get_column(name).cast(pl.Float64)
        fractions, counts = (fpc <= 1).all(), (fpc >= 1).all()
        if not (fractions or counts):
            yield self.problem(
                table,
                Severity.ERROR,
                "fpc-mixed",
                said(
                    "fpc mixes sampling fractions (<= 1) and population PSU counts (> 1); "
                    "use one or the other"
                ),
                column=name,
            )
            return
        strata = self.design.strata
        if strata is not None and strata in table.frame.columns:
            varying = (
                table.frame.with_row_index("_row")
                .group_by(strata)
                .agg(pl.col(name).n_unique().alias("n"), pl.col("_row"))
                .filter(pl.col("n") > 1)
            )
            if varying.height:
                yield self.problem(
                    table,
                    Severity.ERROR,
                    "fpc-varies",
                    said(
                        "fpc varies within {count} stratum/strata; it must be constant "
                        "in a stratum",
                        count=varying.height,
                    ),
                    column=name,
                    rows=varying.get_column("_row").explode().sort(),
                )
                return
            psu = self.design.psu
            if counts and not fractions and psu is not None and psu in table.frame.columns:
                sampled = (
                    table.frame.with_row_index("_row")
                    .group_by(strata)
                    .agg(
                        pl.col(psu).n_unique().alias("n"),
                        pl.col(name).first().alias("N"),
                        pl.col("_row").min(),
                    )
                    .filter(pl.col("n") > pl.col("N"))
                )
                if sampled.height:
                    yield self.problem(
                        table,
                        Severity.ERROR,
                        "fpc-too-small",
                        said(
                            "in {count} stratum/strata the population number of PSUs "
                            "(fpc) is smaller than the number of PSUs sampled",
                            count=sampled.height,
                        ),
                        column=name,
                        rows=sampled.get_column("_row").sort(),
                    )

    def replicates(self) -> Iterator[Problem]:
        reps = self.design.replicates
        if reps is None:
            return
        table = self.survey.design_table
        absent = list(self.missing_columns(table, list(reps.columns), said("replicate weight")))
        yield from absent
        present = [c for c in reps.columns if c in table.frame.columns]
        for name in present:
            yield from self.numeric(
                table, name, said("replicate weight"), positive=True, allow_zero=True
            )

    # -- declared roles --------------------------------------------------------------

    def roles(self) -> Iterator[Problem]:
        meta = self.survey.metadata
        for name in meta.with_role(Role.AGE):
            for table in self.tables_with(name):
                yield from self.range_check(table, name, said("age"), 0, MAX_AGE)
        for name in meta.with_role(Role.HOUSEHOLD_SIZE):
            for table in self.tables_with(name):
                yield from self.range_check(table, name, said("household size"), 1, None)
                yield from self.size_matches(table, name)
        for name in meta.with_role(Role.RELATIONSHIP):
            persons = self.survey.persons
            if persons is not None and name in persons.frame.columns:
                yield from self.one_head(persons, name)
        for table in self.survey.tables:
            yield from self.value_labels(table)

    def tables_with(self, name: str) -> list[Table]:
        return [t for t in self.survey.tables if name in t.frame.columns]

    def range_check(
        self, table: Table, name: str, what: str, low: float, high: float | None
    ) -> Iterator[Problem]:
        column = table.frame.get_column(name)
        if not column.dtype.is_numeric():
            yield from self.numeric(table, name, what, positive=False)
            return
        outside = column < low
        if high is not None:
            outside = outside | (column > high)
        rows = outside.fill_null(False).arg_true()
        if rows.len():
            span = (
                said("outside {low:g} to {high:g}", low=low, high=high)
                if high is not None
                else said("below {low:g}", low=low)
            )
            examples = column.gather(rows.head(3)).to_list()
            yield self.problem(
                table,
                Severity.ERROR,
                "impossible-value",
                said(
                    "{count} {what} value(s) {span} (for example {example})",
                    count=rows.len(),
                    what=what,
                    span=span,
                    example=repr(examples[0]),
                ),
                column=name,
                rows=rows,
            )

    def size_matches(self, table: Table, name: str) -> Iterator[Problem]:
        persons, key = self.survey.persons, self.survey.household_key
        if persons is None or table is not self.survey.households or key is None:
            return
        if key not in table.frame.columns or persons.household not in persons.frame.columns:
            return
        counted = (
            persons.frame.group_by(persons.household)
            .len("members")
            .rename({persons.household: key})
        )
        joined = (
            table.frame.select(key, name)
            .with_row_index("_row")
            .join(counted, on=key, how="left")
            .filter(pl.col("members").is_not_null() & (pl.col(name) != pl.col("members")))
        )
        if joined.height:
            yield self.problem(
                table,
                Severity.WARNING,
                "size-mismatch",
                said(
                    "{count} household(s) declare a size different from their number of "
                    "persons in {file}",
                    count=joined.height,
                    file=_name(persons),
                ),
                column=name,
                rows=joined.get_column("_row"),
            )

    def one_head(self, persons: Table, name: str) -> Iterator[Problem]:
        link = persons.household
        if link is None or link not in persons.frame.columns:
            return
        households = self.survey.households
        frame = persons.frame.with_row_index("_row")
        if households is not None and self.survey.household_key in households.frame.columns:
            known = households.frame.get_column(self.survey.household_key)
            frame = frame.filter(
                pl.col(link).is_in(known.cast(frame.schema[link], strict=False).implode())
            )
        heads = (
            frame.group_by(link)
            .agg((pl.col(name) == HEAD_CODE).sum().alias("heads"), pl.col("_row").min())
            .filter(pl.col("heads") != 1)
        )
        if heads.height:
            none = heads.filter(pl.col("heads") == 0).height
            yield self.problem(
                persons,
                Severity.WARNING,
                "head-count",
                said(
                    "{count} household(s) do not have exactly one head "
                    "({name} = {code}): {none} with none, {several} with several",
                    count=heads.height,
                    name=name,
                    code=HEAD_CODE,
                    none=none,
                    several=heads.height - none,
                ),
                column=name,
                rows=heads.get_column("_row").sort(),
            )

    def value_labels(self, table: Table) -> Iterator[Problem]:
        for name in table.frame.columns:
            labels = self.survey.metadata.get(name).values
            if not labels:
                continue
            column = table.frame.get_column(name)
            codes = list(labels)
            try:
                unknown = (
                    column.is_not_null()
                    & ~column.is_in(pl.Series(codes).cast(column.dtype).implode())
                ).arg_true()
            except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError):
                continue
            if unknown.len():
                examples = sorted(set(column.gather(unknown.head(50)).to_list()), key=str)[:5]
                yield self.problem(
                    table,
                    Severity.WARNING,
                    "unlabelled-code",
                    said(
                        "{count} value(s) have no value label (codes {examples})",
                        count=unknown.len(),
                        examples=examples,
                    ),
                    column=name,
                    rows=unknown,
                )


_LONELY_RULES = {
    LonelyPSU.FAIL: said(
        "with lonely_psu=fail, variance estimation will refuse; choose adjust, "
        "average, remove or certainty"
    ),
    LonelyPSU.REMOVE: said("rule lonely_psu=remove: these strata add nothing to the variance"),
    LonelyPSU.CERTAINTY: said("rule lonely_psu=certainty: these PSUs are taken as certainty units"),
    LonelyPSU.ADJUST: said(
        "rule lonely_psu=adjust: each adds its uncentred PSU total to the "
        "variance, as R's survey.lonely.psu='adjust' (docs/methods/variance.md)"
    ),
    LonelyPSU.AVERAGE: said(
        "rule lonely_psu=average: they get the average variance of other strata"
    ),
}


def _not_numbers(code: str, count: int, what: str, *, allow_zero: bool) -> str:
    """What ``count`` values of a numeric column that are missing, infinite or not
    positive (by ``code``) are, said."""
    if code == "missing-value":
        return said("{count} {what}(s) are missing", count=count, what=what)
    if code == "infinite":
        return said("{count} {what}(s) are infinite", count=count, what=what)
    if allow_zero:
        return said("{count} {what}(s) are negative", count=count, what=what)
    return said("{count} {what}(s) are zero or negative", count=count, what=what)


def _repeated_keys(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The key values that occur more than once.

    Survey files are usually sorted by their key; then comparing each row with
    the one before is enough (one pass). Otherwise a hash group-by counts them.
    """
    keys = frame.select(key)
    if keys.null_count().sum_horizontal().item() == 0 and keys.height > 1:
        in_order = pl.lit(False)
        for name in reversed(key):
            col, prev = pl.col(name), pl.col(name).shift()
            in_order = (col > prev) | ((col == prev) & in_order)
        same = pl.all_horizontal(pl.col(name) == pl.col(name).shift() for name in key)
        checked = keys.select(
            (in_order | same).slice(1).all().alias("sorted"),
            same.fill_null(False).alias("same"),
        )
        if checked.item(0, "sorted"):
            return keys.filter(checked.get_column("same")).unique(maintain_order=True)
    return keys.group_by(key).len().filter(pl.col("len") > 1).select(key)


def _place(table: Table, index: int) -> str:
    where = table.where(index)
    return f"line {where.line}" if where.line is not None else f"row {where.row}"


def _said_place(table: Table, index: int) -> str:
    where = table.where(index)
    if where.line is not None:
        return said("line {line}", line=where.line)
    return said("row {row}", row=where.row)


def _name(table: Table) -> str:
    return table.source.path if table.source is not None else table.name

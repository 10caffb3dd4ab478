"""The registry: persons, households, who belongs where, and dated observations.

Four tables, each a Polars frame with a fixed schema (``SCHEMAS``):

- ``persons``: one row per person (``person_id``, ``national_id``, ``name`` in
  Arabic, ``name_latin``, ``sex``, ``birth_date``);
- ``groups``: one row per household (``household_id``, ``registered``);
- ``memberships``: a person in a household from ``start`` until ``end``
  (missing while it lasts), with the ``relationship`` to its head;
- ``observations``: what is known of a household or a person (``unit``,
  ``id``), one ``variable`` at a time, a number (``value``) or a text
  (``text``), with its ``source`` (survey, administrative, self_declared,
  registry), the date it was ``observed`` and its ``verification``.

Nothing is overwritten: a new income is a new observation. ``as_of(date)``
takes, for each unit and variable, the latest observation on or before
``date`` and lays the registry out as the policy engine reads a survey: a
household table, a person table (with ``age`` in completed years at ``date``)
and, when consumption is observed (variables ``consumption.<item>.quantity``
and ``consumption.<item>.value``), an item table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf.errors import DataError, Location, said, said_together, said_unit
from insaf.survey.io import read_table
from insaf.survey.metadata import VariableType
from insaf.survey.table import Format, Source

__all__ = [
    "KINDS",
    "MERGES",
    "SCHEMAS",
    "SOURCES",
    "VERIFICATION",
    "AsOf",
    "Columns",
    "Kind",
    "Registry",
    "check_links",
    "columns_from",
    "columns_of",
    "complete",
    "import_table",
    "read_registry",
    "write_registry",
]

Kind = Literal["persons", "groups", "memberships", "observations"]
KINDS: tuple[Kind, ...] = ("persons", "groups", "memberships", "observations")
SOURCES = ("survey", "administrative", "self_declared", "registry")
VERIFICATION = ("verified", "unverified", "disputed")
UNITS = ("household", "person")
CONSUMPTION = "consumption."

SCHEMAS: dict[Kind, dict[str, pl.DataType]] = {
    "persons": {
        "person_id": pl.Int64(),
        "national_id": pl.String(),
        "name": pl.String(),
        "name_latin": pl.String(),
        "sex": pl.String(),
        "birth_date": pl.Date(),
    },
    "groups": {"household_id": pl.Int64(), "registered": pl.Date()},
    "memberships": {
        "person_id": pl.Int64(),
        "household_id": pl.Int64(),
        "relationship": pl.String(),
        "start": pl.Date(),
        "end": pl.Date(),
    },
    "observations": {
        "unit": pl.Enum(UNITS),
        "id": pl.Int64(),
        "variable": pl.String(),
        "value": pl.Float64(),
        "text": pl.String(),
        "source": pl.Enum(SOURCES),
        "observed": pl.Date(),
        "verification": pl.Enum(VERIFICATION),
    },
}
"""Every table's columns and types."""

REQUIRED: dict[Kind, tuple[str, ...]] = {
    "persons": ("person_id", "name"),
    "groups": ("household_id",),
    "memberships": ("person_id", "household_id", "start"),
    "observations": ("unit", "id", "variable", "source", "observed", "verification"),
}
"""Columns a file must have, with a value on every row."""

KEYS: dict[Kind, tuple[str, ...]] = {
    "persons": ("person_id",),
    "groups": ("household_id",),
    "memberships": ("person_id", "household_id", "start"),
    "observations": ("unit", "id", "variable", "observed", "source"),
}
"""Columns unique per row."""

MERGES: dict[str, pl.DataType] = {
    "kept": pl.Int64(),
    "merged": pl.Int64(),
    "reviewer": pl.String(),
    "decided": pl.Date(),
    "score": pl.Float64(),
    "method": pl.String(),
}
"""The record of merged duplicates: who decided, when (``insaf.registry.dedupe``)."""

_MAX_LISTED = 10


def empty(kind: Kind) -> pl.DataFrame:
    """A table of ``kind`` with no rows."""
    return pl.DataFrame(schema=SCHEMAS[kind])


@dataclass(frozen=True, kw_only=True)
class AsOf:
    """The registry on one date, laid out as the policy engine reads a survey.

    ``provenance`` says where each value came from: one row per unit, id and
    variable with the ``source``, ``observed`` date and ``verification`` of the
    observation used.
    """

    date: dt.date
    households: pl.DataFrame
    persons: pl.DataFrame
    items: pl.DataFrame | None
    provenance: pl.DataFrame


@dataclass(frozen=True, kw_only=True)
class Registry:
    """Persons, households, memberships and observations (see the module's notes)."""

    persons: pl.DataFrame = field(default_factory=lambda: empty("persons"))
    groups: pl.DataFrame = field(default_factory=lambda: empty("groups"))
    memberships: pl.DataFrame = field(default_factory=lambda: empty("memberships"))
    observations: pl.DataFrame = field(default_factory=lambda: empty("observations"))
    merges: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MERGES))
    _cache: dict[str, pl.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for kind in KINDS:
            frame = self.table(kind)
            if dict(frame.schema) != SCHEMAS[kind]:
                object.__setattr__(self, kind, conform_frame(frame, kind, source=f"<{kind}>"))

    def table(self, kind: Kind) -> pl.DataFrame:
        """One of the four tables by name."""
        frame: pl.DataFrame = getattr(self, kind)
        return frame

    def with_rows(self, kind: Kind, rows: pl.DataFrame) -> Registry:
        """A registry with ``rows`` added to the table ``kind`` (checked; keys stay unique)."""
        rows = conform_frame(rows, kind, source=f"<{kind}>")
        combined = pl.concat([self.table(kind), rows], how="vertical")
        _check_unique(combined, kind, f"<{kind}>", offset=0)
        changes: dict[str, Any] = {kind: combined}
        return replace(self, **changes)

    def __repr__(self) -> str:
        return (
            f"Registry({self.persons.height} persons, {self.groups.height} households, "
            f"{self.memberships.height} memberships, {self.observations.height} observations)"
        )

    def subset(self, households: Sequence[int]) -> Registry:
        """The part of the registry about ``households``: their members, and what is observed
        of them (for one household's determination on request).

        The first call sorts the tables by their ids once (kept with the registry);
        each call after that finds its rows by binary search, without scanning.
        """
        index = self._index()
        wanted = np.unique(np.asarray(households, dtype=np.int64))
        groups = _matching(index["groups"], "household_id", wanted)
        memberships = _matching(index["memberships"], "household_id", wanted)
        people = np.unique(memberships.get_column("person_id").to_numpy())
        observations = pl.concat(
            [
                _matching(index["household_observations"], "id", wanted),
                _matching(index["person_observations"], "id", people),
            ]
        )
        return Registry(
            persons=_matching(index["persons"], "person_id", people),
            groups=groups,
            memberships=memberships,
            observations=observations,
        )

    def _index(self) -> dict[str, pl.DataFrame]:
        cache: dict[str, pl.DataFrame] = self._cache
        if not cache:
            obs = self.observations.with_row_index("__order__")
            cache["groups"] = self.groups.sort("household_id")
            cache["memberships"] = self.memberships.sort("household_id", maintain_order=True)
            cache["persons"] = self.persons.sort("person_id")
            for unit in UNITS:
                part = obs.filter(pl.col("unit") == unit).sort(["id", "__order__"])
                cache[f"{unit}_observations"] = part.drop("__order__")
        return cache

    # -- the registry on a date -------------------------------------------------------

    def latest(self, date: dt.date) -> pl.DataFrame:
        """The latest observation of each unit and variable on or before ``date``."""
        obs = self.observations.filter(pl.col("observed") <= date)
        # a stable sort by date, then the last row of each unit, id and variable: the latest
        # observation, and of two on one day the one recorded last
        return obs.sort("observed", maintain_order=True).unique(
            subset=["unit", "id", "variable"], keep="last"
        )

    def as_of(self, date: dt.date) -> AsOf:
        """Households and persons on ``date`` with their latest observations (module notes)."""
        latest = self.latest(date)
        text_vars = set(
            self.observations.filter(pl.col("text").is_not_null())
            .get_column("variable")
            .unique()
            .to_list()
        )
        active = self.memberships.filter(
            (pl.col("start") <= date) & (pl.col("end").is_null() | (pl.col("end") > date))
        ).select("person_id", "household_id", "relationship")
        households = (
            self.groups.select("household_id")
            .join(active.select("household_id").unique(), on="household_id", how="semi")
            .sort("household_id")
        )
        hh_obs = latest.filter(pl.col("unit") == "household")
        items = _items(hh_obs.filter(pl.col("variable").str.starts_with(CONSUMPTION)))
        hh_obs = hh_obs.filter(~pl.col("variable").str.starts_with(CONSUMPTION))
        households = households.join(
            _wide(hh_obs, text_vars), left_on="household_id", right_on="id", how="left"
        )
        persons = (
            active.join(self.persons, on="person_id", how="inner")
            .with_columns(age=_age(pl.col("birth_date"), date))
            .select("person_id", "household_id", "relationship", "sex", "age")
            .sort(["household_id", "person_id"])
        )
        person_obs = latest.filter(pl.col("unit") == "person")
        wide = _wide(person_obs, text_vars)
        # an observed variable (the survey's coded sex) stands before the person record's
        clash = [c for c in wide.columns if c in ("sex", "relationship")]
        if clash:
            persons = persons.drop(clash)
        wide = wide.drop([c for c in wide.columns if c in ("person_id", "household_id", "age")])
        persons = persons.join(wide, left_on="person_id", right_on="id", how="left")
        if items is not None:
            items = items.join(households.select("household_id"), on="household_id", how="semi")
        provenance = latest.select("unit", "id", "variable", "source", "observed", "verification")
        return AsOf(
            date=date, households=households, persons=persons, items=items, provenance=provenance
        )


def _matching(frame: pl.DataFrame, column: str, keys: np.ndarray[Any, Any]) -> pl.DataFrame:
    """The rows of ``frame`` (sorted by ``column``) whose ``column`` is one of ``keys``."""
    values = frame.get_column(column).to_numpy()
    starts = np.searchsorted(values, keys, side="left")
    ends = np.searchsorted(values, keys, side="right")
    if not len(keys):
        return frame.clear()
    rows = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
    return frame[rows] if rows.size else frame.clear()


def _age(birth: pl.Expr, date: dt.date) -> pl.Expr:
    """Completed years at ``date`` of a person born on ``birth``."""
    before_birthday = (birth.dt.month() > date.month) | (
        (birth.dt.month() == date.month) & (birth.dt.day() > date.day)
    )
    return (date.year - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64)


def _wide(obs: pl.DataFrame, text_vars: set[str]) -> pl.DataFrame:
    """One row per id, one column per variable (numbers, or texts for text variables)."""
    ids = obs.select("id").unique().sort("id")
    if obs.is_empty():
        return ids
    numbers = obs.filter(~pl.col("variable").is_in(list(text_vars)))
    texts = obs.filter(pl.col("variable").is_in(list(text_vars)))
    out = ids
    if numbers.height:
        out = out.join(
            numbers.pivot(on="variable", index="id", values="value"), on="id", how="left"
        )
    if texts.height:
        out = out.join(texts.pivot(on="variable", index="id", values="text"), on="id", how="left")
    return out.select("id", *sorted(c for c in out.columns if c != "id"))


def _items(obs: pl.DataFrame) -> pl.DataFrame | None:
    """The item table (household, item, quantity, value) from ``consumption.*`` observations."""
    if obs.is_empty():
        return None
    parts = pl.col("variable").str.strip_prefix(CONSUMPTION).str.split_exact(".", 1)
    long = obs.select(
        household_id=pl.col("id"),
        item=parts.struct.field("field_0"),
        what=parts.struct.field("field_1"),
        value=pl.col("value"),
    )
    bad = long.filter(~pl.col("what").is_in(["quantity", "value"]))
    if bad.height:
        raise DataError(
            said(
                "consumption observations are named consumption.<item>.quantity or .value, "
                "not {name}",
                name=f"{CONSUMPTION}{bad.row(0)[1]}.{bad.row(0)[2]}",
            )
        )
    wide = long.pivot(on="what", index=["household_id", "item"], values="value")
    absent = [c for c in ("quantity", "value") if c not in wide.columns]
    return (
        wide.with_columns(*(pl.lit(None, pl.Float64).alias(c) for c in absent))
        .select("household_id", "item", "quantity", "value")
        .sort(["household_id", "item"])
    )


# -- part of the registry, with the whole registry's columns ---------------------------------

Columns = Mapping[str, Mapping[str, pl.DataType]]
"""The variables a registry has on a date, by unit (``household``, ``person``, and
``consumption`` when it has items), each with its type: a text when any observation of it
is a text, else a number (``Registry.as_of``'s columns)."""

_PERSON_RECORD = ("person_id", "household_id", "age")
"""Person columns an observation never replaces (``Registry.as_of``)."""


def columns_of(observations: pl.DataFrame | pl.LazyFrame, date: dt.date) -> Columns:
    """The variables observed on or before ``date`` (``Columns``), from a registry's
    observations, held or scanned from a file."""
    obs = observations.lazy().select(
        unit=pl.col("unit").cast(pl.String), variable="variable", observed="observed", text="text"
    )
    texts = obs.filter(pl.col("text").is_not_null()).select("variable").unique()
    seen = obs.filter(pl.col("observed") <= date).select("unit", "variable").unique()
    found, text = pl.collect_all([seen, texts])
    return columns_from(found.iter_rows(), set(text.to_series()))


def columns_from(seen: Iterable[tuple[str, str]], texts: set[str]) -> Columns:
    """``Columns`` of the ``(unit, variable)`` pairs observed, ``texts`` naming the
    variables observed as texts."""
    out: dict[str, dict[str, pl.DataType]] = {"household": {}, "person": {}}
    for unit, variable in sorted(seen):
        if unit == "household" and variable.startswith(CONSUMPTION):
            out["consumption"] = {}
        else:
            out[unit][variable] = pl.String() if variable in texts else pl.Float64()
    return out


def complete(view: AsOf, columns: Columns) -> AsOf:
    """``view`` (of part of a registry) laid out as the whole registry's view on that date,
    whose variables are ``columns``: a variable nobody in the part was observed on is there,
    empty, as it is for them in the whole registry's view (where an observed ``sex`` or
    ``relationship`` stands, empty, before the person record's)."""
    seen = set(
        view.provenance.select(pl.col("unit").cast(pl.String), "variable").unique().iter_rows()
    )

    def missing(unit: str) -> dict[str, pl.DataType]:
        return {v: t for v, t in columns.get(unit, {}).items() if (unit, v) not in seen}

    households = view.households.with_columns(
        pl.lit(None, t).alias(v) for v, t in missing("household").items()
    )
    persons = view.persons.with_columns(
        pl.lit(None, t).alias(v) for v, t in missing("person").items() if v not in _PERSON_RECORD
    )
    observed = sorted(v for v in columns.get("person", {}) if v not in _PERSON_RECORD)
    persons = persons.select(*(c for c in persons.columns if c not in observed), *observed)
    items = view.items
    if items is None and "consumption" in columns:
        items = pl.DataFrame(
            schema={
                "household_id": pl.Int64,
                "item": pl.String,
                "quantity": pl.Float64,
                "value": pl.Float64,
            }
        )
    return AsOf(
        date=view.date,
        households=households.select(
            "household_id", *sorted(c for c in households.columns if c != "household_id")
        ),
        persons=persons,
        items=items,
        provenance=view.provenance,
    )


# -- checking tables -----------------------------------------------------------------------


def conform_frame(
    frame: pl.DataFrame,
    kind: Kind,
    *,
    source: str | Source,
    strict_columns: bool = True,
) -> pl.DataFrame:
    """``frame`` in the schema of ``kind``, or a ``DataError`` naming file, row and column.

    Missing optional columns are added empty; an unknown column is an error
    (nothing is dropped silently); a value that does not fit its column's type
    or enumeration, or a missing required value, is an error naming its rows.
    """
    src = source if isinstance(source, Source) else Source(source, Format.PARQUET)
    file = src.path
    schema = SCHEMAS[kind]
    unknown = [c for c in frame.columns if c not in schema]
    if unknown and strict_columns:
        raise DataError(
            said(
                "unknown column(s) {unknown} in a {kind} table (columns: {known})",
                unknown=", ".join(repr(c) for c in unknown),
                kind=kind,
                known=", ".join(schema),
            ),
            Location(file=file, column=unknown[0]),
        )
    missing = [c for c in REQUIRED[kind] if c not in frame.columns]
    if missing:
        raise DataError(
            said(
                "a {kind} table needs column(s) {missing}",
                kind=kind,
                missing=", ".join(repr(c) for c in missing),
            ),
            Location(file=file, column=missing[0]),
        )
    columns: list[pl.Series] = []
    for name, dtype in schema.items():
        if name not in frame.columns:
            columns.append(pl.Series(name, [None] * frame.height, dtype=dtype))
        else:
            columns.append(_cast_column(frame.get_column(name), dtype, src))
    out = pl.DataFrame(columns)
    for name in REQUIRED[kind]:
        nulls = out.get_column(name).is_null().arg_true()
        if nulls.len():
            raise DataError(
                said(
                    "{count} row(s) have no {name}: {rows}",
                    count=nulls.len(),
                    name=name,
                    rows=_rows(src, nulls),
                ),
                Location(file=file, column=name),
            )
    if kind == "observations":
        both = (pl.col("value").is_null() == pl.col("text").is_null()).alias("bad")
        bad = out.select(both).get_column("bad").arg_true()
        if bad.len():
            raise DataError(
                said(
                    "an observation has a number (value) or a text (text), exactly one: "
                    "{count} row(s) do not: {rows}",
                    count=bad.len(),
                    rows=_rows(src, bad),
                ),
                Location(file=file, column="value"),
            )
    if kind == "memberships":
        bad = out.select((pl.col("end") <= pl.col("start")).fill_null(False)).to_series().arg_true()
        if bad.len():
            raise DataError(
                said("a membership ends after it starts: {rows}", rows=_rows(src, bad)),
                Location(file=file, column="end"),
            )
    _check_unique(out, kind, src, offset=0)
    return out


def _rows(src: Source, indices: pl.Series) -> str:
    listed = [src.where(int(i)) for i in indices.head(_MAX_LISTED).to_list()]
    places = said_together(
        (
            said("line {line}", line=w.line) if w.line is not None else said("row {row}", row=w.row)
            for w in listed
        ),
        ", ",
    )
    if indices.len() > _MAX_LISTED:
        return said("{places} and {count} more", places=places, count=indices.len() - _MAX_LISTED)
    return places


def _cast_column(column: pl.Series, dtype: pl.DataType, src: Source) -> pl.Series:
    name = column.name
    present = column.is_not_null()
    if column.dtype == dtype:
        return column
    if isinstance(dtype, pl.Enum):
        text = column.cast(pl.String)
        allowed = list(dtype.categories.to_list())
        bad = (present & ~text.is_in(allowed)).arg_true()
        if bad.len():
            values = ", ".join(repr(v) for v in text.gather(bad.head(3)).to_list())
            raise DataError(
                said(
                    "{count} value(s) ({values}) are not one of {allowed}: {rows}",
                    count=bad.len(),
                    values=values,
                    allowed=", ".join(allowed),
                    rows=_rows(src, bad),
                ),
                Location(file=src.path, column=name),
            )
        return text.cast(dtype)
    if dtype == pl.Date():
        if column.dtype == pl.Datetime or isinstance(column.dtype, pl.Datetime):
            return column.dt.date()
        cast = column.cast(pl.String).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        what = said("dates (YYYY-MM-DD)")
    elif dtype == pl.String():
        if column.dtype.is_float():
            integral = column.is_finite() & (column == column.round())
            bad = (present & ~integral.fill_null(False)).arg_true()
            if bad.len():
                raise DataError(
                    said("texts stored as numbers with decimals: {rows}", rows=_rows(src, bad)),
                    Location(file=src.path, column=name),
                )
            return column.cast(pl.Int64).cast(pl.String)
        return column.cast(pl.String)
    else:
        if column.dtype.is_float() and dtype == pl.Int64():
            fits = column.is_finite() & (column == column.round())
            bad = (present & ~fits.fill_null(False)).arg_true()
            if bad.len():
                raise DataError(
                    said(
                        "{count} value(s) are not whole numbers: {rows}",
                        count=bad.len(),
                        rows=_rows(src, bad),
                    ),
                    Location(file=src.path, column=name),
                )
        cast = column.cast(dtype, strict=False)
        what = said("whole numbers") if dtype == pl.Int64() else said("numbers")
    bad = (present & cast.is_null()).arg_true()
    if bad.len():
        values = ", ".join(repr(v) for v in column.gather(bad.head(3)).to_list())
        raise DataError(
            said(
                "{count} value(s) ({values}) are not {what}: {rows}",
                count=bad.len(),
                values=values,
                what=what,
                rows=_rows(src, bad),
            ),
            Location(file=src.path, column=name),
        )
    return cast.alias(name)


def _check_unique(frame: pl.DataFrame, kind: Kind, src: str | Source, *, offset: int) -> None:
    source = src if isinstance(src, Source) else Source(src, Format.PARQUET)
    keys = list(KEYS[kind])
    dup = frame.select(pl.struct(keys).is_duplicated().alias("d")).to_series().arg_true()
    if dup.len():
        first = frame.row(int(dup[0]), named=True)
        shown = ", ".join(f"{k}={first[k]}" for k in keys)
        raise DataError(
            said(
                "{count} rows repeat a key of the {kind} table ({shown}, ...): {rows}",
                count=dup.len(),
                kind=kind,
                shown=shown,
                rows=_rows(source, dup + offset),
            ),
            Location(file=source.path, column=keys[0]),
        )


# -- files ---------------------------------------------------------------------------------


def import_table(path: str | Path, kind: Kind) -> pl.DataFrame:
    """Read a CSV, Parquet or Stata file as a registry table of ``kind``, checked.

    CSV is read as text first (``insaf.survey.io``); every problem names the
    file, the line (CSV) or row, and the column.
    """
    if kind not in KINDS:
        raise DataError(
            said("unknown table {kind} (tables: {known})", kind=repr(kind), known=", ".join(KINDS))
        )
    path = Path(path)
    fmt = Format.of(path)
    types = {
        name: VariableType.STR
        for name, dtype in SCHEMAS[kind].items()
        if dtype == pl.String() or isinstance(dtype, pl.Enum)
    }
    frame, _ = read_table(path, types=types)
    return conform_frame(frame, kind, source=Source(str(path), fmt))


def read_registry(folder: str | Path) -> Registry:
    """A registry written by ``write_registry`` (one Parquet file per table)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(said("registry folder not found"), Location(file=str(folder)))
    tables: dict[str, pl.DataFrame] = {}
    for kind in KINDS:
        path = folder / f"{kind}.parquet"
        tables[kind] = import_table(path, kind) if path.exists() else empty(kind)
    merges = pl.DataFrame(schema=MERGES)
    if (folder / "merges.parquet").exists():
        merges = pl.read_parquet(folder / "merges.parquet").cast(MERGES)  # type: ignore[arg-type]
    return _checked(Registry(**tables, merges=merges), str(folder))


def write_registry(registry: Registry, folder: str | Path) -> Path:
    """Write each table as ``<folder>/<table>.parquet``; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        registry.table(kind).write_parquet(folder / f"{kind}.parquet")
    registry.merges.write_parquet(folder / "merges.parquet")
    return folder


def _checked(registry: Registry, where: str) -> Registry:
    """Refuse memberships and observations that name a person or household not registered."""
    check_links({kind: registry.table(kind).lazy() for kind in KINDS}, where)
    return registry


def check_links(tables: Mapping[str, pl.LazyFrame], where: str) -> None:
    """Refuse memberships and observations (of ``tables``, by kind: held or scanned from
    files, so that a registry larger than memory is checked without being read whole)
    that name a person or household not registered."""
    links = (
        ("memberships.person_id", "memberships", "person_id", None, "persons", "person_id"),
        ("memberships.household_id", "memberships", "household_id", None, "groups", "household_id"),
        ("household", "observations", "id", "household", "groups", "household_id"),
        ("person", "observations", "id", "person", "persons", "person_id"),
    )
    for name, kind, column, unit, target, key in links:
        frame = tables[kind]
        if unit is not None:
            frame = frame.filter(pl.col("unit").cast(pl.String) == unit)
        orphans = (
            frame.select(column)
            .join(tables[target].select(key), left_on=column, right_on=key, how="anti")
            .select(pl.len().alias("n"), pl.col(column).first().alias("first"))
            .collect()
        )
        count, first = orphans.row(0)
        if not count:
            continue
        if unit is None:
            message = said(
                "{count} row(s) of {name} name no registered record (first: {first})",
                count=count,
                name=name,
                first=first,
            )
        else:
            message = said(
                "{count} {unit} observation(s) name no registered {unit} (first: {first})",
                count=count,
                unit=said_unit(unit),
                first=first,
            )

        raise DataError(message, Location(file=where, column=column))

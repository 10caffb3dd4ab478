"""``Survey``: microdata tables, the keys that link them, the design and metadata."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from insaf._renamed import renamed_keywords
from insaf.errors import DataError, Location, said, said_unit
from insaf.survey.design import Design
from insaf.survey.metadata import Label, Metadata
from insaf.survey.table import LazyTables, Table

__all__ = ["Level", "Survey", "Unit"]

T = TypeVar("T")


class Unit(StrEnum):
    """The unit of analysis: what a statistic counts (docs/glossary.md)."""

    PERSON = "person"
    HOUSEHOLD = "household"


Level = Unit
"""Deprecated name of ``Unit`` (docs/glossary.md), kept for one release."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Survey:
    """Household-survey microdata with its sampling design.

    At least one of ``households`` and ``persons`` is present. When both are,
    ``persons.household`` names the key column linking each person to a row of
    ``households`` (whose key has that same name), and the design columns live
    in the household table. A survey read from a single file has one table,
    which holds the design columns itself.
    """

    households: Table | None = None
    persons: Table | None = None
    items: Mapping[str, Table] = field(default_factory=dict)
    """Item tables (consumption, ...) by name; opened from a manifest, each is read
    from its file on first use (``LazyTables``)."""
    design: Design
    metadata: Metadata = field(default_factory=Metadata)
    name: Label = field(default_factory=Label)
    year: int | None = None
    synthetic: bool = False
    policy: Mapping[str, Any] = field(default_factory=dict)
    path: str | None = None
    _cache: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.households is None and self.persons is None:
            raise DataError(
                said(
                    "a survey needs a household table, a person table, or both",
                )
            )
        if not isinstance(self.items, LazyTables):  # read on first use: kept as it is
            object.__setattr__(self, "items", MappingProxyType(dict(self.items)))
        object.__setattr__(self, "policy", MappingProxyType(dict(self.policy)))

    # -- structure ----------------------------------------------------------------

    @property
    def tables(self) -> list[Table]:
        """Every table, households first, then persons, then item tables."""
        found = [t for t in (self.households, self.persons) if t is not None]
        return found + list(self.items.values())

    @property
    def design_table(self) -> Table:
        """The table holding the design columns: households when there is one."""
        table = self.households if self.households is not None else self.persons
        assert table is not None  # guaranteed by __post_init__
        return table

    @property
    def household_key(self) -> str | None:
        """The column that identifies households (shared by persons and items)."""
        if self.persons is not None and self.persons.household is not None:
            return self.persons.household
        if self.households is not None and len(self.households.key) == 1:
            return self.households.key[0]
        return None

    @property
    def default_level(self) -> Level:
        """Persons when the survey has a person table, else households."""
        return Level.PERSON if self.persons is not None else Level.HOUSEHOLD

    @renamed_keywords(level="unit")
    def table(self, unit: Unit | str) -> Table:
        """The table of ``unit`` (person, household); an error naming it when it is absent."""
        unit = Unit(unit)
        table = self.persons if unit is Unit.PERSON else self.households
        if table is None:
            raise DataError(
                said("this survey has no {unit} table", unit=said_unit(unit.value)),
                Location(file=self.path),
            )
        return table

    @renamed_keywords(level="unit")
    def columns(self, unit: Unit | str) -> list[str]:
        """Columns reachable for ``unit``: its own, plus household columns for persons."""
        unit = Unit(unit)
        own = self.table(unit).frame.columns
        if unit is Unit.PERSON and self.households is not None:
            return own + [c for c in self.households.frame.columns if c not in own]
        return list(own)

    # -- data for estimation ----------------------------------------------------------

    @renamed_keywords(level="unit")
    def frame(self, columns: Sequence[str] = (), *, unit: Unit | str | None = None) -> pl.DataFrame:
        """Columns of ``unit`` together with the design columns, one row per unit.

        For persons, household columns (design columns included) are carried to
        each member through the household key. Row order is the order of the
        unit's table. An unknown column raises an error that names it and the
        columns that exist.
        """
        level = Unit(unit) if unit is not None else self.default_level
        table = self.table(level)
        wanted = list(dict.fromkeys([*columns, *self.design.columns]))
        own = [c for c in wanted if c in table.frame.columns]
        borrowed = [c for c in wanted if c not in table.frame.columns]
        households = self.households
        if borrowed and level is Unit.PERSON and households is not None and table is not households:
            self._unknown([c for c in borrowed if c not in households.frame.columns], level)
            index = pl.Series("_household", self.household_index())
            carried = households.frame.select(borrowed).select(pl.all().gather(index))
            if not own:  # a frame of no columns has no rows either
                return carried.select(wanted)
            return pl.concat([table.frame.select(own), carried], how="horizontal").select(wanted)
        self._unknown(borrowed, level)
        return table.frame.select(wanted)

    def household_index(self) -> npt.NDArray[np.int64]:
        """For each person row, the row of their household in the household table.

        Computed once per survey (persons to households and back are index
        operations: ``np.bincount(index, weights)`` sums over members, and
        ``household_values[index]`` carries a household value to each member).
        A person whose household does not exist is an error naming the rows
        (``validate`` reports them all).
        """
        return self.cached("household_index", self._household_index)

    def _household_index(self) -> npt.NDArray[np.int64]:
        persons, households, key = self.persons, self.households, self.household_key
        if persons is None or households is None or key is None:
            raise DataError(
                said("this survey does not link persons to households"), Location(file=self.path)
            )
        link = persons.household or key
        hh_keys = households.frame.get_column(key)
        person_keys = persons.frame.get_column(link).cast(hh_keys.dtype, strict=False)
        if hh_keys.is_sorted() and hh_keys.null_count() == 0 and person_keys.null_count() == 0:
            hh = hh_keys.to_numpy()
            found = np.searchsorted(hh, person_keys.to_numpy())
            inside = found < hh.size
            matched = np.zeros(found.size, dtype=bool)
            matched[inside] = hh[found[inside]] == person_keys.to_numpy()[inside]
            index = found.astype(np.int64)
        else:
            joined = (
                pl.DataFrame({key: person_keys})
                .join(
                    pl.DataFrame({key: hh_keys}).with_row_index("_row"),
                    on=key,
                    how="left",
                    maintain_order="left",
                )
                .get_column("_row")
            )
            matched = joined.is_not_null().to_numpy()
            index = joined.fill_null(0).cast(pl.Int64).to_numpy()
        if not matched.all():
            orphans = np.flatnonzero(~matched)
            places = ", ".join(str(persons.where(int(i))) for i in orphans[:5])
            raise DataError(
                said(
                    "{size} person(s) belong to no household in the household table "
                    "(first: {places}); run `insaf validate` for the full list",
                    size=orphans.size,
                    places=places,
                ),
                persons.where(None, link),
            )
        return index

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value derived from this survey's data, computed once.

        Surveys are immutable, so what is derived from them (the household
        index, design codes) can be kept; derived surveys start empty.
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return cast(T, self._cache[key])

    def _unknown(self, missing: Sequence[str], level: Level) -> None:
        if missing:
            known = ", ".join(self.columns(level))
            raise DataError(
                said(
                    "unknown variable(s) {missing} at {unit} level; known: {known}",
                    missing=", ".join(repr(m) for m in missing),
                    unit=said_unit(level.value),
                    known=known,
                ),
                Location(file=self.path),
            )

    # -- counts --------------------------------------------------------------------

    @property
    def n_households(self) -> int | None:
        return self.households.height if self.households is not None else None

    @property
    def n_persons(self) -> int | None:
        return self.persons.height if self.persons is not None else None

    @renamed_keywords(level="unit")
    def population(self, unit: Unit | str | None = None) -> float:
        """The weighted number of ``unit`` (sum of weights)."""
        weights = self.frame(unit=unit).get_column(self.design.weight)
        total = weights.cast(pl.Float64, strict=False).sum()
        return float(total) if total is not None else 0.0

    # -- derivation ------------------------------------------------------------------

    def with_tables(self, **tables: Table | None) -> Survey:
        """A copy with some tables replaced (``households=``, ``persons=``)."""
        return replace(self, **tables)  # type: ignore[arg-type]

    def with_design(self, design: Design) -> Survey:
        return replace(self, design=design)

"""The survey as the engine sees it: whole columns and integer household codes.

Households are numbered ``0..H-1`` in the order of the household table. Each
person carries the code of their household (``person_hh``), so a sum over
members is ``np.bincount(person_hh, values, minlength=H)`` and a household
value reaches its members by ``values[person_hh]``. Consumption items are
turned into two ``I x H`` arrays (quantity and spending), one row per item,
by a single ``bincount`` over ``household * I + item``. Nothing loops over rows.

Expressions are evaluated once per text and level and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from insaf._arrays import BoolArray, IntArray
from insaf.errors import DataError, Location, said, said_unit
from insaf.policy.instruments.base import FloatArray, Level, compiled
from insaf.policy.period import per_year
from insaf.survey import Survey, Table

__all__ = ["BUILT_IN", "PolicyData", "equivalence_scale", "item_names"]


BUILT_IN = ("n_members", "n_children", "n_elderly", "has_children", "has_elderly")
"""Household variables INSAF adds when the survey has persons with an ``age``:
members, children (under 18), elderly (65 and over), and 0/1 flags."""

_HH = "__h__"


def _household_codes(
    keys: pl.Series, households: pl.Series, index: pl.DataFrame, what: str
) -> IntArray:
    """The household number (0..H-1) of each row whose household key is ``keys``.

    Integer keys go by ``searchsorted`` over runs of equal keys (tables are
    usually grouped by household, so this touches each run once); other keys
    by a join.
    """
    if keys.dtype.is_integer() and households.dtype.is_integer() and keys.null_count() == 0:
        ids = households.cast(pl.Int64).to_numpy()
        order = np.argsort(ids, kind="stable")
        ordered = ids[order]
        values = keys.cast(pl.Int64).to_numpy()
        if values.size == 0:
            return np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
        run_keys = values[starts]
        found = np.minimum(np.searchsorted(ordered, run_keys), ordered.size - 1)
        missing = ordered[found] != run_keys if ordered.size else np.ones(run_keys.size, bool)
        if np.any(missing):
            lengths = np.diff(np.append(starts, values.size))
            raise DataError(
                said(
                    "{count} {what} row(s) name a household that is not in the household table",
                    count=int(lengths[missing].sum()),
                    what=what,
                )
            )
        lengths = np.diff(np.append(starts, values.size))
        return np.repeat(order[found].astype(np.int64, copy=False), lengths)
    name = households.name
    codes = (
        keys.to_frame(name).join(index, on=name, how="left", maintain_order="left").get_column(_HH)
    )
    if codes.null_count():
        raise DataError(
            said(
                "{count} {what} row(s) name a household that is not in the household table",
                count=codes.null_count(),
                what=what,
            )
        )
    return np.ascontiguousarray(codes.to_numpy(), dtype=np.int64)


def _item_codes(
    labels: pl.Series,
    survey: Survey,
    names: Mapping[str, int | str] | None,
    known: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], IntArray]:
    """Item names and each row's item number (0..I-1, in the order of the names).

    A text column holds the names. A coded column is named through ``names``
    (name -> code), else the survey's ``policy["items"]``; codes with no name
    are called by their code (``"19"``). ``known`` gives the names and their
    order instead of those found (a part of a survey may lack items the whole
    survey has); an item outside it is an error.
    """
    found, codes = _found_item_codes(labels, survey, names)
    if known is None:
        return found, codes
    outside = sorted(set(found) - set(known))
    if outside:
        raise DataError(
            said("item(s) {items} are not among the survey's items", items=", ".join(outside))
        )
    moved = np.array([list(known).index(name) for name in found], dtype=np.int64)
    return tuple(known), moved[codes] if codes.size else codes


def item_names(
    labels: pl.Series, survey: Survey, names: Mapping[str, int | str] | None = None
) -> tuple[str, ...]:
    """The items an item column names, in the engine's order (see ``PolicyData``)."""
    return _found_item_codes(labels, survey, names)[0]


def _found_item_codes(
    labels: pl.Series, survey: Survey, names: Mapping[str, int | str] | None
) -> tuple[tuple[str, ...], IntArray]:
    if labels.null_count():
        raise DataError(
            said("the item column has {count} missing value(s)", count=labels.null_count())
        )
    if labels.dtype == pl.String and names is None:
        ordered = tuple(sorted(labels.unique().to_list()))
        codes = labels.cast(pl.Enum(list(ordered))).to_physical().to_numpy()
        return ordered, codes.astype(np.int64)
    if names is None:
        declared = survey.policy.get("items")
        names = {str(k): v for k, v in declared.items()} if isinstance(declared, Mapping) else {}
    by_code = {str(code): name for name, code in names.items()}
    if labels.dtype.is_integer():
        raw = labels.cast(pl.Int64).to_numpy()
        low = int(raw.min()) if raw.size else 0
        shifted = raw - low
        present = np.flatnonzero(np.bincount(shifted)) if raw.size else np.zeros(0, np.int64)
        found = [str(int(c) + low) for c in present]
    else:
        text = labels.cast(pl.String)
        found = sorted(text.unique().to_list())
    named = [by_code.get(code, code) for code in found]
    ordered = tuple(sorted(set(named)))
    position = {name: i for i, name in enumerate(ordered)}
    if labels.dtype.is_integer():
        lut = np.zeros(int(present.max()) + 1 if present.size else 1, dtype=np.int64)
        lut[present] = [position[name] for name in named]
        return ordered, lut[shifted]
    mapping = {code: position[name] for code, name in zip(found, named, strict=True)}
    codes = text.replace_strict(mapping, return_dtype=pl.Int64).to_numpy()
    return ordered, codes.astype(np.int64)


def _splitmix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64: a fixed, well-mixed hash of 64-bit integers."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


@dataclass(eq=False)
class PolicyData:
    """Columns, codes and item arrays of one survey, ready for the instruments."""

    survey: Survey
    households: pl.DataFrame
    persons: pl.DataFrame | None
    person_hh: IntArray
    weight: FloatArray
    members: FloatArray
    period: str
    read_items: Callable[[], tuple[tuple[str, ...], FloatArray, FloatArray]]
    """Reads the item table into (names, quantities, spending): on first use only."""
    household_ids: npt.NDArray[np.uint64] | None = None
    _cache: dict[tuple[str, str, str], npt.NDArray[np.generic]] = field(default_factory=dict)
    _prices: dict[str, FloatArray] = field(default_factory=dict)
    _items: tuple[tuple[str, ...], FloatArray, FloatArray] | None = None

    # -- item arrays, read when an instrument, elasticity or check first needs them -----

    def _item_arrays(self) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
        if self._items is None:
            self._items = self.read_items()
        return self._items

    @property
    def item_names(self) -> tuple[str, ...]:
        """The items of the consumption table (reading it on first use)."""
        return self._item_arrays()[0]

    @property
    def item_quantity(self) -> FloatArray:
        """Units bought per period, one row per item (``I x H``)."""
        return self._item_arrays()[1]

    @property
    def item_value(self) -> FloatArray:
        """Spending per period, one row per item (``I x H``)."""
        return self._item_arrays()[2]

    # -- building ---------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        survey: Survey,
        *,
        period: str = "month",
        items_table: str | None = None,
        item_column: str = "item",
        quantity_column: str = "quantity",
        value_column: str = "value",
        item_names: Mapping[str, int | str] | None = None,
        derived: Sequence[tuple[str, str, str]] = (),
        items: Sequence[str] | None = None,
    ) -> PolicyData:
        """Prepare ``survey``.

        ``item_names`` maps item names to the codes of the item column (by
        default the survey's ``policy["items"]``); ``derived`` lists ``(name,
        how, expression)`` household variables (``how`` one of ``expr``,
        ``sum``, ``any``, ``max``, ``min``), made in order. ``items`` names every
        item and their order when the survey is one part of a larger one
        (``insaf.policy.partitioned``).
        """
        if survey.households is None:
            raise DataError(
                said("policy simulation needs a household table"), Location(file=survey.path)
            )
        households = survey.households.frame
        key = survey.household_key
        n = households.height
        index = None
        if key is not None:
            index = households.select(key).with_row_index(_HH)
        persons = survey.persons.frame if survey.persons is not None else None
        if persons is not None and key is not None and index is not None:
            person_hh = _household_codes(
                persons.get_column(key), households.get_column(key), index, said_unit("person")
            )
            members = np.bincount(person_hh, minlength=n).astype(np.float64)
        else:
            persons = None
            person_hh = np.zeros(0, dtype=np.int64)
            if "hhsize" not in households.columns:
                raise DataError(
                    said(
                        "the survey has no person table and no 'hhsize' column: household size "
                        "is unknown"
                    ),
                    Location(file=survey.path),
                )
            members = households.get_column("hhsize").cast(pl.Float64).to_numpy().copy()
        weight = households.get_column(survey.design.weight).cast(pl.Float64).to_numpy()
        ids = None
        if key is not None and households.schema[key].is_integer():
            ids = households.get_column(key).cast(pl.Int64).to_numpy().astype(np.uint64)

        def read_items() -> tuple[tuple[str, ...], FloatArray, FloatArray]:
            return cls._read_items(
                survey,
                index,
                key,
                n,
                items_table,
                item_column,
                quantity_column,
                value_column,
                item_names,
                items,
            )

        data = cls(
            survey=survey,
            households=households,
            persons=persons,
            person_hh=person_hh,
            weight=np.ascontiguousarray(weight, dtype=np.float64),
            members=members,
            period=period,
            read_items=read_items,
            household_ids=ids,
        )
        data._add_built_in()
        for name, how, text in derived:
            data.add_variable(name, how, text)
        return data

    @staticmethod
    def _read_items(
        survey: Survey,
        index: pl.DataFrame | None,
        key: str | None,
        n: int,
        table: str | None,
        item_col: str,
        quantity_col: str,
        value_col: str,
        item_names: Mapping[str, int | str] | None,
        known: Sequence[str] | None = None,
    ) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
        empty = np.zeros((0, n))
        if not survey.items:
            return (), empty, empty
        if table is None:
            table = "consumption" if "consumption" in survey.items else next(iter(survey.items))
        found: Table | None = survey.items.get(table)
        if found is None or key is None or index is None:
            known = ", ".join(survey.items) or "none"
            raise DataError(
                said(
                    "no item table {table} in the survey (tables: {known})",
                    table=repr(table),
                    known=known,
                )
            )
        frame = found.frame
        for column in (item_col, quantity_col, value_col, key):
            if column not in frame.columns:
                raise DataError(
                    said(
                        "item table {table} has no column {column} (columns: {columns})",
                        table=repr(table),
                        column=repr(column),
                        columns=", ".join(frame.columns),
                    )
                )
        names, codes = _item_codes(frame.get_column(item_col), survey, item_names, known)
        hh = _household_codes(
            frame.get_column(key),
            survey.households.frame.get_column(key) if survey.households else frame.get_column(key),
            index,
            said("item table {table}", table=repr(table)),
        )
        spent = frame.get_column(value_col).cast(pl.Float64).fill_null(0.0)
        bought = frame.get_column(quantity_col).cast(pl.Float64).fill_null(spent)
        flat = codes * n + hh
        size = n * len(names)
        q = np.bincount(flat, weights=bought.to_numpy(), minlength=size)
        v = np.bincount(flat, weights=spent.to_numpy(), minlength=size)
        shape = (len(names), n)
        q64, v64 = q.astype(np.float64, copy=False), v.astype(np.float64, copy=False)
        return names, q64.reshape(shape), v64.reshape(shape)

    def _add_built_in(self) -> None:
        extra: dict[str, FloatArray] = {}
        if "n_members" not in self.households.columns:
            extra["n_members"] = self.members
        if self.persons is not None and "age" in self.persons.columns:
            age = self.persons.get_column("age").cast(pl.Float64).fill_null(np.nan).to_numpy()
            children = self.household_count(age < 18)
            elderly = self.household_count(age >= 65)
            for name, values in (
                ("n_children", children),
                ("n_elderly", elderly),
                ("has_children", (children > 0).astype(np.float64)),
                ("has_elderly", (elderly > 0).astype(np.float64)),
            ):
                if name not in self.households.columns:
                    extra[name] = values
        self.households = self.households.with_columns(
            [
                pl.Series(k, v, dtype=pl.Int64 if k != "n_members" else pl.Float64)
                for k, v in extra.items()
            ]
        )

    def add_variable(self, name: str, how: str, text: str) -> None:
        """Add a household variable (see ``insaf.policy.scenario.Derived``)."""
        if how == "expr":
            values = self.values(text, "household")
        else:
            person = self.values(text, "person")
            if how == "sum":
                values = self.household_sum(person)
            elif how == "any":
                values = (self.household_count(person != 0) > 0).astype(np.float64)
            else:
                frame = pl.DataFrame({"h": self.person_hh, "v": person})
                agg = frame.group_by("h").agg(
                    pl.col("v").max() if how == "max" else pl.col("v").min()
                )
                values = np.zeros(self.n_households)
                values[agg.get_column("h").to_numpy()] = agg.get_column("v").to_numpy()
        self.households = self.households.with_columns(pl.Series(name, values))
        self._cache = {
            k: v
            for k, v in self._cache.items()
            if (k[1] != name if k[0] == "column" else name not in compiled(k[1]).names)
        }

    # -- shape ------------------------------------------------------------------------

    @property
    def n_households(self) -> int:
        return self.households.height

    @property
    def n_persons(self) -> int:
        return int(self.person_hh.shape[0])

    def columns(self, level: Level) -> list[str]:
        """Variables an expression can read at ``level`` (persons also read household ones)."""
        own = list(self.households.columns)
        if level == "person":
            if self.persons is None:
                return []
            return list(self.persons.columns) + [c for c in own if c not in self.persons.columns]
        return own

    def count(self, text: str) -> FloatArray:
        """Members of each household for whom the person-level rule ``text`` holds (kept)."""
        key = ("count", text, "person")
        if key not in self._cache:
            self._cache[key] = self.household_count(self.condition(text, "person"))
        out: FloatArray = self._cache[key]  # type: ignore[assignment]
        return out

    def household_sum(self, values: npt.NDArray[Any]) -> FloatArray:
        """Sum over each household's members of a per-person array."""
        out = np.bincount(self.person_hh, weights=values, minlength=self.n_households)
        return out.astype(np.float64, copy=False)

    def household_count(self, persons: BoolArray) -> FloatArray:
        """Per household, how many of its members ``persons`` holds for."""
        # weighted by the flags themselves: faster than selecting the rows first
        counts = np.bincount(self.person_hh, weights=persons, minlength=self.n_households)
        return counts.astype(np.float64, copy=False)

    def unit_sum(self, unit: Level, values: FloatArray, rows: IntArray) -> FloatArray:
        """Per household, the sum of ``values`` of the distinct units (persons or
        households) ``rows`` of ``unit``; 0 for households with none of them."""
        if unit == "person":
            out = np.bincount(self.person_hh[rows], weights=values, minlength=self.n_households)
            return out.astype(np.float64, copy=False)
        total = np.zeros(self.n_households)
        total[rows] = values
        return total

    def to_persons(self, values: FloatArray) -> FloatArray:
        """Each person's household value."""
        out: FloatArray = values[self.person_hh]
        return out

    # -- expressions --------------------------------------------------------------------

    def frame(self, names: Sequence[str], level: Level, rows: int | None = None) -> pl.DataFrame:
        """The columns ``names`` at ``level`` (first ``rows`` units only, when given)."""
        if level == "household":
            out = self.households.select(list(names))
            return out if rows is None else out.head(rows)
        if self.persons is None:
            raise DataError(
                said("this survey has no person table: person-level rules cannot be used")
            )
        own = [c for c in names if c in self.persons.columns]
        borrowed = [c for c in names if c not in self.persons.columns]
        persons = self.persons if rows is None else self.persons.head(rows)
        codes = self.person_hh if rows is None else self.person_hh[:rows]
        carried = [self.households.get_column(c).gather(pl.Series(codes)) for c in borrowed]
        if not own:  # a frame of no columns has no rows: build from the carried columns
            return pl.DataFrame(carried, height=len(codes)).select(list(names))
        return persons.select(own).with_columns(carried).select(list(names))

    def _evaluate(
        self, text: str, level: Level, as_: Literal["condition", "values"]
    ) -> npt.NDArray[np.generic]:
        key = (as_, text, level)
        if key not in self._cache and not self._condition_from_values(key):
            expression = compiled(text)
            frame = self.frame(expression.names, level)
            if as_ == "condition":
                self._cache[key] = expression.condition(frame)
            else:
                self._cache[key] = expression.values(frame)
        return self._cache[key]

    def _condition_from_values(self, key: tuple[str, str, str]) -> bool:
        """Keep a rule (``key`` is ``("condition", text, level)``) from its values when
        they are kept: they have no missing value, and a rule holds where its value is
        not 0, as ``Expression.condition`` reads it. Whether it was kept so."""
        as_, text, level = key
        values = self._cache.get(("values", text, level)) if as_ == "condition" else None
        if values is None:
            return False
        self._cache[key] = values != 0.0
        return True

    def prefetch(self, wanted: Iterable[tuple[str, Level, Literal["condition", "values"]]]) -> None:
        """Evaluate the expressions ``(text, level, as)`` not yet kept, those of one
        level together in one Polars ``select`` (its expressions run in parallel,
        and each ``select`` has a cost of its own). An expression that fails, or
        whose values do not pass ``condition``/``values``, is left out: asked for
        later, it raises its own error."""
        by_level: dict[Level, dict[tuple[str, str, str], str]] = {}
        for text, level, as_ in wanted:
            key = (as_, text, level)
            if key in self._cache or (level == "person" and self.persons is None):
                continue
            if self._condition_from_values(key):
                continue
            by_level.setdefault(level, {})[key] = text
        for level, keys in by_level.items():
            expressions = {key: compiled(text) for key, text in keys.items()}
            names = list(dict.fromkeys(n for e in expressions.values() for n in e.names))
            known = set(self.columns(level))
            if any(n not in known for n in names):
                continue  # an unknown name: the checks report it
            frame = self.frame(names, level)
            try:
                found = frame.select(
                    [e.expr.alias(f"__{i}__") for i, e in enumerate(expressions.values())]
                )
            except pl.exceptions.PolarsError:
                continue  # one of them fails: each is tried alone, with its own message
            for i, (made, expression) in enumerate(expressions.items()):
                series = found.get_column(f"__{i}__")
                try:
                    if made[0] == "condition":
                        self._cache[made] = expression.condition_of(series, frame.height)
                    else:
                        self._cache[made] = expression.values_of(series, frame.height)
                except DataError:
                    continue

    def kept(self, text: str, level: Level, as_: Literal["condition", "values"]) -> bool:
        """Whether the expression ``text`` was already evaluated at ``level`` as ``as_``."""
        return (as_, text, level) in self._cache

    def condition(self, text: str, level: Level) -> BoolArray:
        """A yes/no rule, one value per unit at ``level``."""
        out = self._evaluate(text, level, "condition")
        return out  # type: ignore[return-value]

    def values(self, text: str, level: Level) -> FloatArray:
        """An amount, one value per unit at ``level``."""
        out = self._evaluate(text, level, "values")
        return out  # type: ignore[return-value]

    def column(self, name: str) -> FloatArray:
        """A numeric household column (missing values are an error)."""
        key = ("column", name, "household")
        if key not in self._cache:
            series = self.households.get_column(name)
            if series.null_count():
                raise DataError(
                    said(
                        "household column {name} has {count} missing values",
                        name=repr(name),
                        count=series.null_count(),
                    )
                )
            values = series.cast(pl.Float64).to_numpy()
            self._cache[key] = np.ascontiguousarray(values, dtype=np.float64)
        out: FloatArray = self._cache[key]  # type: ignore[assignment]
        return out

    # -- randomness and periods ------------------------------------------------------------

    def uniform(self, seed: int) -> FloatArray:
        """A uniform number in [0, 1) per household, fixed by ``seed`` and the household id."""
        base = (
            self.household_ids
            if self.household_ids is not None
            else np.arange(self.n_households, dtype=np.uint64)
        )
        mixed = _splitmix(base ^ _splitmix(np.asarray([seed], dtype=np.uint64))[0])
        out: FloatArray = (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / 2.0**53)
        return out

    def per(self, period: str | None) -> float:
        """How many of the scenario's periods make one ``period`` (12 months in a year)."""
        if period is None:
            return 1.0
        return per_year(self.period) / per_year(period)

    # -- items --------------------------------------------------------------------------

    def _item(self, item: str) -> int:
        try:
            return self.item_names.index(item)
        except ValueError:
            known = ", ".join(self.item_names) or said("none")
            raise DataError(
                said(
                    "no item {item} in the consumption table (items: {known})",
                    item=repr(item),
                    known=known,
                )
            ) from None

    def quantity(self, item: str) -> FloatArray:
        """Units of ``item`` each household buys per period."""
        out: FloatArray = self.item_quantity[self._item(item)]
        return out

    def spending(self, item: str) -> FloatArray:
        """What each household spends on ``item`` per period."""
        out: FloatArray = self.item_value[self._item(item)]
        return out

    def price(self, item: str) -> FloatArray:
        """Observed unit price (spending / quantity); the mean price where none is bought."""
        if item not in self._prices:
            q, v = self.quantity(item), self.spending(item)
            bought = q > 0
            total_q = float(np.dot(self.weight[bought], q[bought]))
            mean = float(np.dot(self.weight[bought], v[bought])) / total_q if total_q else 1.0
            with np.errstate(divide="ignore", invalid="ignore"):
                self._prices[item] = np.where(bought, v / q, mean)
        return self._prices[item]


def equivalence_scale(data: PolicyData, equivalence: str, adult_age: int = 14) -> FloatArray:
    """The number a household's money is divided by to give its welfare per unit."""
    if equivalence == "per_capita":
        return np.maximum(data.members, 1.0)
    if equivalence == "household":
        return np.ones(data.n_households)
    if equivalence == "square_root":
        return np.sqrt(np.maximum(data.members, 1.0))
    if data.persons is None or "age" not in data.persons.columns:
        raise DataError(
            said("the {scale} scale needs a person table with 'age'", scale=equivalence)
        )
    age = data.persons.get_column("age").cast(pl.Float64).to_numpy()
    adults = data.household_count(age >= adult_age)
    children = data.members - adults
    other_adult, child = (0.5, 0.3) if equivalence == "oecd_modified" else (0.7, 0.5)
    first_adult = np.minimum(adults, 1.0)
    scale = first_adult + other_adult * np.maximum(adults - 1.0, 0.0) + child * children
    scale += np.where(adults == 0, 1.0 - child, 0.0)  # a household of children: its first counts 1
    out: FloatArray = np.maximum(scale, 1.0)
    return out

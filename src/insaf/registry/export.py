"""Exports of the registry on a date, with national identifiers masked.

Lists and exports never carry a whole national identifier: ``mask_national_id``
keeps its last four characters (``********1234``), enough for a caseworker to
tell two records apart with the person in front of them, not enough to use it
elsewhere. ``export_view`` writes the persons of the registry on a date (their
household, masked identifier, names, sex, age and the person variables) and
its households (their variables) as CSV or Parquet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from insaf.errors import DataError, said
from insaf.registry.model import Registry

__all__ = ["export_view", "mask_national_id", "masked"]

VISIBLE = 4


def mask_national_id(value: str | None) -> str | None:
    """``value`` with all but its last four characters replaced by ``*``."""
    if value is None:
        return None
    text = value.strip()
    if len(text) <= VISIBLE:
        return "*" * len(text)
    return "*" * (len(text) - VISIBLE) + text[-VISIBLE:]


def masked(column: pl.Expr) -> pl.Expr:
    """The Polars form of ``mask_national_id`` over a column."""
    text = column.str.strip_chars()
    length = text.str.len_chars()
    return (
        pl.when(length <= VISIBLE)
        .then(pl.lit("*").repeat_by(length).list.join(""))
        .otherwise(pl.lit("*").repeat_by(length - VISIBLE).list.join("") + text.str.slice(-VISIBLE))
    )


def export_view(
    registry: Registry, as_of: dt.date, folder: str | Path, *, fmt: str = "csv"
) -> list[Path]:
    """Write ``persons.<fmt>`` and ``households.<fmt>`` of the registry on ``as_of``
    into ``folder`` (``fmt`` is ``csv`` or ``parquet``); national identifiers masked."""
    if fmt not in ("csv", "parquet"):
        raise DataError(said("export as csv or parquet, not {format}", format=repr(fmt)))

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    view = registry.as_of(as_of)
    identity = registry.persons.select(
        "person_id", masked(pl.col("national_id")).alias("national_id"), "name", "name_latin"
    )
    persons = identity.join(view.persons, on="person_id", how="inner").sort(
        "household_id", "person_id"
    )
    written = []
    for name, frame in (("persons", persons), ("households", view.households)):
        path = target / f"{name}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        written.append(path)
    return written

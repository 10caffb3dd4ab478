"""A table of a survey, with where it came from so errors can point at a line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import polars as pl

from insaf.errors import Location

__all__ = ["Format", "Source", "Table"]


class Format(StrEnum):
    """File formats INSAF reads and writes."""

    CSV = "csv"
    PARQUET = "parquet"
    DTA = "dta"
    SAV = "sav"

    @classmethod
    def of(cls, path: str | Path, declared: str | None = None) -> Format:
        """The format declared, or the one the file's extension names."""
        from insaf.errors import DataError

        name = declared or Path(path).suffix.lower().lstrip(".")
        aliases = {"pq": "parquet", "tsv": "csv", "txt": "csv", "zsav": "sav"}
        name = aliases.get(name, name)
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(f.value for f in cls)
            raise DataError(
                f"unknown file format '{name}' (known: {known})", Location(file=str(path))
            ) from None


@dataclass(frozen=True, slots=True)
class Source:
    """The file a table was read from. CSV rows are reported as line numbers
    (the header is line 1); other formats as 1-based row numbers."""

    path: str
    format: Format

    def where(self, index: int | None = None, column: str | None = None) -> Location:
        """The location of the 0-based data row ``index`` (and ``column``)."""
        if index is None:
            return Location(file=self.path, column=column)
        if self.format is Format.CSV:
            return Location(file=self.path, line=index + 2, column=column)
        return Location(file=self.path, row=index + 1, column=column)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """One table of a survey.

    ``key`` is the set of columns unique per row; ``household`` names the
    column that links the row to the household table (persons and items).
    """

    name: str
    frame: pl.DataFrame
    key: tuple[str, ...] = ()
    household: str | None = None
    source: Source | None = None

    def where(self, index: int | None = None, column: str | None = None) -> Location:
        """The location of a row for messages; the table name when not from a file."""
        if self.source is not None:
            return self.source.where(index, column)
        loc = Location(file=f"<{self.name}>", column=column)
        return loc if index is None else Location(file=loc.file, row=index + 1, column=column)

    @property
    def height(self) -> int:
        return self.frame.height

    def with_frame(self, frame: pl.DataFrame) -> Table:
        """The same table over new data (source dropped: rows no longer match the file)."""
        return Table(name=self.name, frame=frame, key=self.key, household=self.household)

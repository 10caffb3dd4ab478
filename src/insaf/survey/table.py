"""A table of a survey, with where it came from so errors can point at a line."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import polars as pl

from insaf.errors import Location, said

__all__ = ["Format", "LazyTables", "Source", "Table"]


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
                said(
                    "unknown file format '{name}' (known: {known})",
                    name=name,
                    known=known,
                ),
                Location(file=str(path)),
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


class LazyTables(Mapping[str, "Table"]):
    """Tables by name, each read on first use (a survey's item tables).

    The names are known at once; a table is read when it is first looked up
    (``tables[name]``, ``.get``, ``.values()``), once, then kept. A survey opened
    for a measure that uses no item table never reads the item files.
    """

    def __init__(
        self,
        readers: Mapping[str, Callable[[], Table]],
        scanners: Mapping[str, Callable[[], pl.LazyFrame | None]] | None = None,
    ) -> None:
        """``scanners``: for a table, its rows as a ``LazyFrame`` without reading them,
        where reading would return the file as it is (``insaf.survey.io.scan_table``)."""
        self._readers = dict(readers)
        self._scanners = dict(scanners or {})
        self._read: dict[str, Table] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Table:
        if name not in self._read:
            reader = self._readers[name]  # KeyError for an unknown name, as a dict
            with self._lock:
                if name not in self._read:
                    self._read[name] = reader()
        return self._read[name]

    def __contains__(self, name: object) -> bool:  # without reading (Mapping's would)
        return name in self._readers

    def __iter__(self) -> Iterator[str]:
        return iter(self._readers)

    def __len__(self) -> int:
        return len(self._readers)

    def is_read(self, name: str) -> bool:
        """Whether table ``name`` has been read yet."""
        return name in self._read

    def scan(self, name: str) -> pl.LazyFrame | None:
        """Table ``name``'s frame as a ``LazyFrame`` that reads its file only when
        collected (the frame itself once read), or ``None`` where only reading the
        table gives its frame. A digest of a table not yet read need not hold it."""
        if name in self._read:
            return self._read[name].frame.lazy()
        scanner = self._scanners.get(name)
        return scanner() if scanner is not None else None

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}{'' if n in self._read else ' (not read)'}" for n in self)
        return f"LazyTables({shown})"

"""Reading a partitioned Parquet dataset batch by batch, with named errors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from insaf.errors import DataError, Location, said
from insaf.survey.io import folder_key_column, folder_keys, parquet_files

__all__ = ["batches", "checked", "parquet_files"]


def batches(path: Path, columns: list[str], rows: int) -> Iterator[pl.DataFrame]:
    """The file's ``columns``, ``rows`` at a time, a column the file lacks taken from
    its folders' keys (``governorate=3/``); a broken file or a missing column is a
    ``DataError`` naming the file."""
    where = Location(file=str(path))
    try:
        handle = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            said("not a readable Parquet file: {reason}", reason=str(exc)), where
        ) from None
    names = set(handle.schema_arrow.names)
    keys = folder_keys(path)
    for c in columns:
        if c not in names and c not in keys:
            raise DataError(
                said(
                    "column {column} is not in this file nor a key of its folders",
                    column=repr(c),
                ),
                Location(file=str(path), column=c),
            )
    inside = [c for c in columns if c in names]
    outside = [folder_key_column(c, keys[c]) for c in columns if c not in names]
    try:
        for batch in handle.iter_batches(batch_size=rows, columns=inside):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame.with_columns(outside).select(columns) if outside else frame
    except (pa.ArrowException, OSError) as exc:
        raise DataError(said("Parquet file is damaged: {reason}", reason=str(exc)), where) from None


def checked(frame: pl.DataFrame, path: Path, first_row: int, numeric: Sequence[str]) -> None:
    """Missing or non-finite values are errors that name the file, row and column."""
    for c in frame.columns:
        series = frame.get_column(c)
        bad = series.is_null()
        if c in numeric:
            if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
                raise DataError(
                    said(
                        "column {column} is not numeric ({dtype})",
                        column=repr(c),
                        dtype=series.dtype,
                    ),
                    Location(file=str(path), column=c),
                )
            if series.dtype.is_float():
                bad = bad | ~series.is_finite().fill_null(False)
        count = int(bad.sum())
        if count:
            row = first_row + int(bad.arg_true()[0]) + 1
            raise DataError(
                said(
                    "column {column} has {count} missing or non-finite value(s) in this batch, "
                    "the first shown; INSAF does not drop them silently: filter or impute "
                    "them first",
                    column=repr(c),
                    count=count,
                ),
                Location(file=str(path), row=row, column=c),
            )

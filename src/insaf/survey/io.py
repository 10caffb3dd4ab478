"""Reading and writing one table in CSV, Parquet, Stata ``.dta`` and SPSS ``.sav``.

Nothing is dropped or coerced silently:

- CSV is read as text first; a row with too many or too few fields, a header
  with duplicate or empty names, or bytes that are not UTF-8 is an error that
  names the line. Only an empty unquoted field is missing (``NA`` stays text);
  ``""`` is an empty text. Column types are then inferred (integer, then
  number, then ``true``/``false``, else text) unless the metadata declares
  them.
- A declared type (``int``, ``float``, ``str``, ``bool``) is applied strictly:
  a value that does not fit is an error naming each offending row.
- Stata and SPSS have no missing text; a missing text is written as an empty
  text and read back as missing. A text column holding both is refused.
- Labels: Stata and SPSS files carry variable and value labels in one
  language (``lang``). Parquet files and SPSS files also embed the full
  bilingual metadata (schema metadata; a document note), so those round-trip
  both languages on their own; the manifest carries them for every format.
"""

from __future__ import annotations

import base64
import codecs
import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from insaf.errors import DataError, Location, said, said_together
from insaf.survey.metadata import (
    Label,
    Metadata,
    Variable,
    VariableType,
    metadata_from_json,
    metadata_to_json,
)
from insaf.survey.table import Format, Source

__all__ = [
    "conform",
    "folder_key_column",
    "folder_keys",
    "parquet_files",
    "read_metadata",
    "read_table",
    "scan_table",
    "with_folder_keys",
    "write_table",
]

_PARQUET_KEY = "insaf"
_SAV_NOTE_PREFIX = "insaf-metadata:"
_MAX_LISTED = 10
_EXACT_INT = 2**53  # Stata and SPSS store large integers as doubles


# -- reading ---------------------------------------------------------------------------


def read_table(
    path: str | Path,
    *,
    format: Format | str | None = None,
    types: Mapping[str, VariableType] | None = None,
) -> tuple[pl.DataFrame, Metadata]:
    """Read one table and the labels the file carries.

    ``types`` declares column types (usually from the manifest); they are
    applied strictly. A missing file or a file that cannot be parsed raises a
    ``DataError`` naming it.
    """
    path = Path(path)
    fmt = Format.of(path, format.value if isinstance(format, Format) else format)
    if not path.is_file():
        raise DataError(said("file not found"), Location(file=str(path)))
    source = Source(str(path), fmt)
    declared = dict(types or {})
    if fmt is Format.CSV:
        frame, metadata = _read_csv(path, declared), Metadata()
    elif fmt is Format.PARQUET:
        frame, metadata = _read_parquet(path)
    else:
        frame, metadata = _read_stat(path, fmt)
    declared = {**_declared(metadata), **declared}
    return conform(frame, declared, source), metadata


def scan_table(
    path: str | Path,
    *,
    format: Format | str | None = None,
    types: Mapping[str, VariableType] | None = None,
) -> pl.LazyFrame | None:
    """The rows ``read_table`` would return, as a ``LazyFrame`` that reads the file
    only when collected, where that is the file as it is: a Parquet file whose
    declared columns (``types`` and the labels it carries) already have their types,
    so that ``conform`` changes nothing. ``None`` otherwise (read the table)."""
    path = Path(path)
    fmt = Format.of(path, format.value if isinstance(format, Format) else format)
    if fmt is not Format.PARQUET or not path.is_file():
        return None
    try:
        scan = pl.scan_parquet(path)
        schema = scan.collect_schema()
    except Exception:  # polars raises several kinds on a damaged file: read_table says
        return None
    declared = {**_declared(read_metadata(path, format=fmt)), **dict(types or {})}
    for name, vtype in declared.items():
        if name in schema and schema[name] != _STORED[vtype]:
            return None
    return scan


_STORED = {
    VariableType.STR: pl.String,
    VariableType.BOOL: pl.Boolean,
    VariableType.INT: pl.Int64,
    VariableType.FLOAT: pl.Float64,
}
"""The type ``conform`` gives a declared column, and leaves as it is when it has it."""


def read_metadata(path: str | Path, *, format: Format | str | None = None) -> Metadata:
    """The labels a file carries, without reading its rows (what ``read_table`` returns
    beside the frame): the footer of a Parquet file, the header of a Stata or SPSS
    file; a CSV file carries none."""
    path = Path(path)
    fmt = Format.of(path, format.value if isinstance(format, Format) else format)
    if not path.is_file():
        raise DataError(said("file not found"), Location(file=str(path)))
    if fmt is Format.CSV:
        return Metadata()
    if fmt is Format.PARQUET:
        try:
            extra = pl.read_parquet_metadata(path)
        except Exception as exc:  # polars raises several kinds on a damaged file
            raise DataError(
                said("cannot read Parquet file: {reason}", reason=str(exc)),
                Location(file=str(path)),
            ) from None
        return _embedded(extra[_PARQUET_KEY], path) if _PARQUET_KEY in extra else Metadata()
    import pyreadstat

    reader = pyreadstat.read_dta if fmt is Format.DTA else pyreadstat.read_sav
    try:
        _, meta = reader(str(path), metadataonly=True)
    except Exception as exc:  # pyreadstat raises its own error types
        raise DataError(
            said("cannot read {format} file: {reason}", format=fmt.value, reason=str(exc)),
            Location(file=str(path)),
        ) from None
    return _stat_metadata(meta, list(meta.column_names), path)


def _declared(metadata: Metadata) -> dict[str, VariableType]:
    return {n: v.type for n, v in metadata.variables.items() if v.type is not None}


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except UnicodeDecodeError:
            _raise_not_utf8(path)
    if not header:
        raise DataError(said("empty file: no header line"), Location(file=str(path), line=1))
    problems = []
    for position, name in enumerate(header, start=1):
        if not name.strip():
            problems.append(said("column {position} has no name", position=position))
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            problems.append(
                said(
                    "column '{name}' appears twice (positions {first} and {second})",
                    name=name,
                    first=seen[name],
                    second=position,
                )
            )
        seen.setdefault(name, position)
    if problems:
        raise DataError(said_together(problems), Location(file=str(path), line=1))
    return header


def _raise_not_utf8(path: Path) -> None:
    data = path.read_bytes()
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=True)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            said(
                "not UTF-8 text (byte {byte}); save the file as UTF-8 "
                "(Arabic files exported as Windows-1256 must be converted first)",
                byte=exc.start,
            ),
            Location(file=str(path), line=line),
        ) from None


def _ragged_lines(path: Path, width: int) -> list[tuple[int, int]]:
    """(line, fields) of every record whose field count differs from the header's."""
    found = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        start = reader.line_num + 1
        for record in reader:
            if record and len(record) != width:
                found.append((start, len(record)))
            start = reader.line_num + 1
    return found


def _read_csv(path: Path, declared: Mapping[str, VariableType]) -> pl.DataFrame:
    header = _csv_header(path)
    bad_rows = 0

    import pyarrow as pa  # here: reading Parquet or Stata does not pay for it
    import pyarrow.csv as pacsv

    def count_bad(_row: Any) -> str:
        nonlocal bad_rows
        bad_rows += 1
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=count_bad, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            _raise_not_utf8(path)
        raise DataError(
            said("cannot parse CSV: {reason}", reason=str(exc)), Location(file=str(path))
        ) from None
    if bad_rows:
        ragged = _ragged_lines(path, len(header))
        listed = said_together(
            said("line {line}: {fields} fields", line=line, fields=n)
            for line, n in ragged[:_MAX_LISTED]
        )
        more = (
            said(" (and {count} more)", count=len(ragged) - _MAX_LISTED)
            if len(ragged) > _MAX_LISTED
            else ""
        )
        raise DataError(
            said(
                "{count} line(s) do not have the header's {width} fields: {listed}{more}",
                count=len(ragged),
                width=len(header),
                listed=listed,
                more=more,
            ),
            Location(file=str(path)),
        )
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        _infer(frame.get_column(name)) for name in frame.columns if name not in declared
    )


def _infer(column: pl.Series) -> pl.Series:
    """The narrowest of int, float, bool that holds every value exactly, else text."""
    present = column.is_not_null().sum()
    if present == 0:
        return column
    for dtype in (pl.Int64, pl.Float64):
        cast = column.cast(dtype, strict=False)
        if cast.is_not_null().sum() == present:
            return cast
    lowered = column.str.to_lowercase()
    if lowered.drop_nulls().is_in(["true", "false"]).all():
        return lowered == "true"
    return column


def _read_parquet(path: Path) -> tuple[pl.DataFrame, Metadata]:
    try:
        frame = pl.read_parquet(path)
        extra = pl.read_parquet_metadata(path)
    except Exception as exc:  # polars raises several kinds on a damaged file
        raise DataError(
            said("cannot read Parquet file: {reason}", reason=str(exc)), Location(file=str(path))
        ) from None
    metadata = Metadata()
    if _PARQUET_KEY in extra:
        metadata = _embedded(extra[_PARQUET_KEY], path)
    return frame, metadata


def _embedded(text: str, path: Path) -> Metadata:
    try:
        return metadata_from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            said("the embedded INSAF metadata is damaged ({reason})", reason=str(exc)),
            Location(file=str(path)),
        ) from None


def _script_language(text: str) -> str:
    return "ar" if re.search(r"[\u0600-\u06FF]", text) else "en"


def _read_stat(path: Path, fmt: Format) -> tuple[pl.DataFrame, Metadata]:
    import pyreadstat

    reader = pyreadstat.read_dta if fmt is Format.DTA else pyreadstat.read_sav
    try:
        frame, meta = reader(str(path), output_format="polars")
    except Exception as exc:  # pyreadstat raises its own error types
        raise DataError(
            said("cannot read {format} file: {reason}", format=fmt.value, reason=str(exc)),
            Location(file=str(path)),
        ) from None
    # Neither format has a missing text: an empty text is the missing value.
    frame = frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
        for c, t in frame.schema.items()
        if t == pl.String
    )
    return frame, _stat_metadata(meta, frame.columns, path)


def _stat_metadata(meta: Any, columns: list[str], path: Path) -> Metadata:
    """The labels (and embedded INSAF metadata) pyreadstat found in a Stata or SPSS file."""
    variables = []
    for name in columns:
        label = meta.column_names_to_labels.get(name)
        values = meta.variable_value_labels.get(name, {})
        variables.append(
            Variable(
                name=name,
                label=Label.of(label, _script_language(label)) if label else Label(),
                values={
                    _code(code): Label.of(text, _script_language(text))
                    for code, text in values.items()
                },
            )
        )
    metadata = Metadata.of(v for v in variables if v.label or v.values)
    embedded = _from_sav_notes(getattr(meta, "notes", None) or [])
    if embedded is not None:
        metadata = _embedded(embedded, path).merge(metadata)
    return metadata


def _sav_notes(metadata: Metadata) -> list[str]:
    """Bilingual metadata as SPSS document lines (80 bytes each; base64 so that
    SPSS's stripping of trailing blanks cannot change it)."""
    encoded = base64.b64encode(metadata_to_json(metadata).encode()).decode("ascii")
    return [_SAV_NOTE_PREFIX] + [encoded[i : i + 80] for i in range(0, len(encoded), 80)]


def _from_sav_notes(notes: list[str]) -> str | None:
    if _SAV_NOTE_PREFIX not in notes:
        return None
    start = notes.index(_SAV_NOTE_PREFIX) + 1
    chunks = []
    for line in notes[start:]:
        if not re.fullmatch(r"[A-Za-z0-9+/=]{1,80}", line):
            break
        chunks.append(line)
    return base64.b64decode("".join(chunks)).decode()


def _code(code: Any) -> int | str:
    """SPSS reports numeric value-label codes as floats; integral ones become ints."""
    if isinstance(code, float) and code.is_integer():
        return int(code)
    return code  # type: ignore[no-any-return]


# -- declared types --------------------------------------------------------------------


def conform(frame: pl.DataFrame, types: Mapping[str, VariableType], source: Source) -> pl.DataFrame:
    """Cast declared columns strictly; an error lists every value that does not fit."""
    problems: list[str] = []
    columns = []
    for name, vtype in types.items():
        if name not in frame.columns:
            continue
        converted, bad = _cast(frame.get_column(name), vtype)
        if bad.len():
            rows = bad.head(_MAX_LISTED).to_list()
            values = frame.get_column(name).gather(rows).to_list()
            listed = said_together(
                (
                    said("{value} on {place}", value=repr(v), place=_place(source, i))
                    for i, v in zip(rows, values, strict=True)
                ),
                ", ",
            )
            more = (
                said(" and {count} more", count=bad.len() - _MAX_LISTED)
                if bad.len() > _MAX_LISTED
                else ""
            )
            problems.append(
                said(
                    "column '{name}' is declared {type}, but {count} value(s) are not: "
                    "{listed}{more}",
                    name=name,
                    type=vtype.value,
                    count=bad.len(),
                    listed=listed,
                    more=more,
                )
            )
        else:
            columns.append(converted)
    if problems:
        raise DataError(said_together(problems, "; "), Location(file=source.path))
    return frame.with_columns(columns) if columns else frame


def _place(source: Source, index: int) -> str:
    where = source.where(index)
    if where.line is not None:
        return said("line {line}", line=where.line)
    return said("row {row}", row=where.row)


def _cast(column: pl.Series, vtype: VariableType) -> tuple[pl.Series, pl.Series]:
    """The column cast to ``vtype``, and the 0-based indices of values that do not fit."""
    present = column.is_not_null()
    if vtype is VariableType.STR:
        if column.dtype == pl.String:
            return column, pl.Series(dtype=pl.UInt32)
        if column.dtype.is_float():
            # A number read from a typeless file: only integral values are unambiguous.
            integral = column.is_finite() & (column == column.round())
            cast = column.cast(pl.Int64, strict=False).cast(pl.String)
            return cast, (present & ~integral.fill_null(False)).arg_true()
        return column.cast(pl.String), pl.Series(dtype=pl.UInt32)
    if vtype is VariableType.BOOL:
        if column.dtype == pl.Boolean:
            return column, pl.Series(dtype=pl.UInt32)
        text = column.cast(pl.String).str.to_lowercase()
        true, false = text.is_in(["true", "1", "1.0"]), text.is_in(["false", "0", "0.0"])
        converted = pl.select(
            pl.when(true).then(True).when(false).then(False).otherwise(None).alias(column.name)
        ).to_series()
        return converted, (present & ~(true | false)).arg_true()
    target = pl.Int64 if vtype is VariableType.INT else pl.Float64
    if column.dtype == target:
        return column, pl.Series(dtype=pl.UInt32)
    if column.dtype == pl.String:
        cast = column.cast(target, strict=False)
        return cast, (present & cast.is_null()).arg_true()
    if target == pl.Int64 and column.dtype.is_float():
        fits = column.is_finite() & (column == column.round()) & (column.abs() < _EXACT_INT)
        return column.cast(pl.Int64, strict=False), (present & ~fits.fill_null(False)).arg_true()
    cast = column.cast(target, strict=False)
    return cast, (present & cast.is_null()).arg_true()


# -- writing ---------------------------------------------------------------------------


def write_table(
    frame: pl.DataFrame,
    path: str | Path,
    *,
    metadata: Metadata | None = None,
    format: Format | str | None = None,
    lang: str = "en",
) -> Path:
    """Write one table; labels in ``lang`` go into Stata and SPSS files.

    Anything the format cannot hold exactly (a name Stata refuses, a label
    too long, an integer beyond 2**53, a text value label in Stata) is an
    error naming the column; nothing is truncated.
    """
    path = Path(path)
    fmt = Format.of(path, format.value if isinstance(format, Format) else format)
    metadata = (metadata or Metadata()).subset(frame.columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is Format.CSV:
        frame.write_csv(path)
    elif fmt is Format.PARQUET:
        frame.write_parquet(path, metadata={_PARQUET_KEY: metadata_to_json(metadata)})
    else:
        _write_stat(frame, path, fmt, metadata, lang)
    return path


_STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
_SPSS_NAME = re.compile(r"^[A-Za-z@\u0600-\u06FF][\w.@#$]{0,63}$")
_STATA_LABEL_CHARS = 80
_STATA_VALUE_LABEL_CHARS = 32000
_SPSS_LABEL_BYTES = 256
_SPSS_VALUE_LABEL_BYTES = 120


def _write_stat(
    frame: pl.DataFrame, path: Path, fmt: Format, metadata: Metadata, lang: str
) -> None:
    import pyreadstat

    problems = _stat_problems(frame, fmt, metadata, lang)
    if problems:
        raise DataError(
            said(
                "cannot be written as {format}: {problems}",
                format=fmt.value,
                problems=said_together(problems, "; "),
            ),
            Location(file=str(path)),
        )
    labels = {n: metadata.get(n).label.get(lang) for n in frame.columns if metadata.get(n).label}
    value_labels: dict[str, dict[Any, str]] = {
        n: {code: label.get(lang) or "" for code, label in var.values.items()}
        for n, var in metadata.variables.items()
        if var.values
    }
    text_columns = [n for n, t in frame.schema.items() if t == pl.String]
    out = frame.with_columns(pl.col(text_columns).fill_null(""))
    bools = [n for n, t in frame.schema.items() if t == pl.Boolean]
    out = out.with_columns(pl.col(bools).cast(pl.Int8))
    pandas = out.to_pandas(use_pyarrow_extension_array=False)
    try:
        if fmt is Format.DTA:
            pyreadstat.write_dta(
                pandas, str(path), column_labels=labels, variable_value_labels=value_labels
            )
        else:
            pyreadstat.write_sav(
                pandas,
                str(path),
                column_labels=labels,
                variable_value_labels=value_labels,
                note=_sav_notes(metadata),
            )
    except Exception as exc:  # pyreadstat raises its own error types
        raise DataError(
            said(
                "cannot write {format} file: {reason}",
                format=fmt.value,
                reason=str(exc),
            ),
            Location(file=str(path)),
        ) from None


def _stat_problems(frame: pl.DataFrame, fmt: Format, metadata: Metadata, lang: str) -> list[str]:
    problems: list[str] = []
    stata = fmt is Format.DTA
    for name, dtype in frame.schema.items():
        if not (_STATA_NAME if stata else _SPSS_NAME).match(name):
            problems.append(
                said(
                    "'{name}' is not a valid {format} variable name",
                    name=name,
                    format=fmt.value,
                )
            )
        column = frame.get_column(name)
        if dtype == pl.String:
            if column.is_null().any() and (column == "").any():
                problems.append(
                    said(
                        "column '{name}' holds both missing and empty texts, which {format} "
                        "cannot tell apart",
                        name=name,
                        format=fmt.value,
                    )
                )
        elif dtype.is_integer():
            big = column.abs().max()
            if big is not None and int(big) >= _EXACT_INT:  # type: ignore[arg-type]
                problems.append(
                    said(
                        "column '{name}' has integers beyond 2**53 that would lose digits",
                        name=name,
                    )
                )
        elif not (dtype.is_float() or dtype == pl.Boolean):
            problems.append(
                said(
                    "column '{name}' has type {dtype}, which INSAF does not write to {format}",
                    name=name,
                    dtype=dtype,
                    format=fmt.value,
                )
            )
        var = metadata.get(name)
        label = var.label.get(lang) or ""
        if stata and len(label) > _STATA_LABEL_CHARS:
            problems.append(
                said(
                    "label of '{name}' has {count} characters (Stata allows 80)",
                    name=name,
                    count=len(label),
                )
            )
        if not stata and len(label.encode()) > _SPSS_LABEL_BYTES:
            problems.append(
                said(
                    "label of '{name}' has {count} bytes (SPSS allows 256)",
                    name=name,
                    count=len(label.encode()),
                )
            )
        for code, text in var.values.items():
            value_text = text.get(lang) or ""
            if stata and not isinstance(code, int):
                problems.append(
                    said(
                        "value label {code} of '{name}': Stata labels integers only",
                        code=repr(code),
                        name=name,
                    )
                )
            if stata and len(value_text) > _STATA_VALUE_LABEL_CHARS:
                problems.append(
                    said(
                        "value label {code} of '{name}' is too long for Stata",
                        code=repr(code),
                        name=name,
                    )
                )
            if not stata and len(value_text.encode()) > _SPSS_VALUE_LABEL_BYTES:
                problems.append(
                    said(
                        "value label {code} of '{name}' has {count} bytes (SPSS allows 120)",
                        code=repr(code),
                        name=name,
                        count=len(value_text.encode()),
                    )
                )
    return problems


def parquet_files(source: str | Path | Sequence[str | Path]) -> list[Path]:
    """The Parquet files of ``source``: a file, a folder (searched recursively, as a
    partitioned dataset), or a list of files; an error names what is not there."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
            if not files:
                raise DataError(said("no .parquet file in this folder"), Location(file=str(path)))
            return files
        sources: Sequence[str | Path] = [path]
    else:
        sources = source
    files = [Path(p) for p in sources]
    for f in files:
        if not f.is_file():
            raise DataError(said("no such file"), Location(file=str(f)))
    return files


def folder_keys(path: Path) -> dict[str, int | float | str]:
    """The ``key=value`` folders of a partitioned dataset's file (Hive style:
    ``governorate=3/part-0.parquet``), each value an integer, a number or text as
    it reads (as Polars and Spark read them)."""
    keys: dict[str, int | float | str] = {}
    for part in path.parent.parts:
        name, sep, text = part.partition("=")
        if not sep or not name:
            continue
        value: int | float | str = text
        for kind in (int, float):
            try:
                value = kind(text)
                break
            except ValueError:
                continue
        keys[name] = value
    return keys


def folder_key_column(name: str, value: int | float | str) -> pl.Expr:
    """A folder key as a column: Int64, Float64 or String, as Polars reads Hive keys."""
    dtype = (
        pl.Int64
        if isinstance(value, int)
        else pl.Float64
        if isinstance(value, float)
        else pl.String
    )
    return pl.lit(value, dtype=dtype).alias(name)


def with_folder_keys(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """``frame`` with the folder keys of ``path`` that it lacks as columns."""
    missing = [
        folder_key_column(k, v) for k, v in folder_keys(path).items() if k not in frame.columns
    ]
    return frame.with_columns(missing) if missing else frame

"""Importing observations from tidy CSV and from SDMX (SDMX-ML via ``sdmx1``, SDMX-CSV 1.0).

Every problem names where it is (file, line and column for CSV; the series key
for SDMX) and every problem is reported at once in an ``ImportFailed`` error.
Imported observations are *not* yet published: ``insaf.observatory`` applies
disclosure control before they are stored.

The CSV is the tidy format written by ``insaf.observatory.export.write_csv``:
``indicator``, ``period`` and ``value`` are required; ``area``, ``se``,
``ci_low``, ``ci_high``, ``n``, ``flags`` and one column per catalogue dimension
are optional. An empty dimension cell means "not broken down by it".
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from insaf.errors import InsafError, Location, problems_text, said
from insaf.observatory.export import TOTAL
from insaf.observatory.indicators import Catalogue
from insaf.observatory.observations import (
    MAX_AREA_LENGTH,
    MAX_COUNT,
    Flag,
    Observation,
    key_of,
)

__all__ = [
    "ImportFailed",
    "read_csv_observations",
    "read_sdmx_csv_observations",
    "read_sdmx_observations",
]

T = TypeVar("T", int, float)

_REQUIRED = ("indicator", "period", "value")
_OPTIONAL = ("area", "se", "ci_low", "ci_high", "n", "flags")


class ImportFailed(InsafError):  # noqa: N818 - reads better at the call site
    """Observations could not be imported; ``problems`` lists each with where it is."""

    def __init__(self, file: str | None, problems: list[tuple[Location, str]]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(self.in_language("en"))

    def in_language(self, lang: str) -> str:
        """The first 50 problems, and how many more, in ``lang``."""
        return problems_text(self.file, self.problems, lang, most=50)


def _read_text(path: str | Path) -> str:
    """The file's UTF-8 text (a byte-order mark dropped); ``ImportFailed`` when unreadable."""
    file = str(path)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(file, [(Location(file=file), said("file not found"))]) from None
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            file, [(Location(file=file), said("not UTF-8 text (byte {byte})", byte=exc.start))]
        ) from None


_A_NUMBER, _A_WHOLE_NUMBER = said("a number"), said("a whole number")
"""What a field is not, when it cannot be read (made once: every field of every row names
one)."""


class _Row:
    """Reads typed fields out of one record, collecting problems with their location."""

    def __init__(
        self, record: Mapping[str, Any], where: Location, problems: list[tuple[Location, str]]
    ):
        self.record = record
        self.where = where
        self.problems = problems
        self.ok = True

    def _fail(self, field: str, message: str) -> None:
        loc = Location(file=self.where.file, line=self.where.line, key=self.where.key, column=field)
        self.problems.append((loc, message))
        self.ok = False

    def text(self, field: str, *, max_length: int | None = None) -> str:
        value = self.record.get(field)
        text = "" if value is None else str(value).strip()
        if "\x00" in text:
            self._fail(field, said("contains a NUL character"))
            return ""
        if max_length is not None and len(text) > max_length:
            self._fail(
                field,
                said(
                    "{length} characters, longer than the {most} allowed",
                    length=len(text),
                    most=max_length,
                ),
            )
            return ""
        return text

    def _parsed(self, field: str, required: bool, parse: Callable[[str], T], noun: str) -> T | None:
        """``parse`` of the field's text; ``None`` (and a problem) when empty or unreadable."""
        raw = self.text(field)
        if raw == "":
            if required:
                self._fail(field, said("{noun} is required", noun=noun))
            return None
        try:
            return parse(raw)
        except ValueError:
            self._fail(field, said("'{raw}' is not {noun}", raw=raw, noun=noun))
            return None

    def number(
        self, field: str, *, required: bool = False, minimum: float | None = None
    ) -> float | None:
        value = self._parsed(field, required, float, _A_NUMBER)
        if value is None:
            return None
        if not math.isfinite(value):
            self._fail(field, said("'{raw}' is not a finite number", raw=self.text(field)))
            return None
        if minimum is not None and value < minimum:
            self._fail(
                field, said("{raw} is below {minimum:g}", raw=self.text(field), minimum=minimum)
            )
            return None
        return value

    def integer(
        self, field: str, *, required: bool = False, low: int = 0, high: int | None = None
    ) -> int | None:
        value = self._parsed(field, required, int, _A_WHOLE_NUMBER)
        if value is None:
            return None
        if value < low or (high is not None and value > high):
            bound = (
                said("between {low} and {high}", low=low, high=high)
                if high is not None
                else said("at least {low}", low=low)
            )
            self._fail(field, said("{value} must be {bound}", value=value, bound=bound))
            return None
        return value

    def flags(self, field: str) -> frozenset[Flag]:
        out: set[Flag] = set()
        for part in filter(None, (p.strip() for p in self.text(field).split(";"))):
            try:
                out.add(Flag(part))
            except ValueError:
                allowed = ", ".join(f.value for f in Flag)
                self._fail(
                    field,
                    said("unknown flag '{flag}' (allowed: {allowed})", flag=part, allowed=allowed),
                )
        return frozenset(out)


def _observation(
    row: _Row, catalogue: Catalogue, dims: Mapping[str, str], *, dim_field: Mapping[str, str]
) -> Observation | None:
    code = row.text("indicator")
    indicator = None
    if not code:
        row._fail("indicator", said("an indicator code is required"))
    else:
        try:
            indicator = catalogue.indicator(code)
        except KeyError:
            row._fail("indicator", said("unknown indicator '{code}'", code=code))
    period = row.integer("period", required=True, low=1900, high=2200)
    area = row.text("area", max_length=MAX_AREA_LENGTH)
    flags = row.flags("flags")
    suppressed = Flag.SUPPRESSED in flags
    value = row.number("value", required=not suppressed)
    se = row.number("se", minimum=0)
    ci_low, ci_high = row.number("ci_low"), row.number("ci_high")
    n = row.integer("n", high=MAX_COUNT)
    if suppressed and (value is not None or se is not None or n is not None):
        row._fail("value", said("a suppressed observation must leave value, se and n empty"))
    if ci_low is not None and ci_high is not None and ci_low > ci_high:
        row._fail("ci_low", said("ci_low is above ci_high"))
    by_code = catalogue.dimensions_by_code()
    for dim, category in dims.items():
        if by_code[dim].category(category) is None:
            row._fail(
                dim_field[dim],
                said(
                    "'{category}' is not a category of {dimension}",
                    category=category,
                    dimension=dim,
                ),
            )
    if indicator is not None and dims:
        declared = {tuple(c) for c in indicator.disaggregations}
        if tuple(sorted(dims)) not in declared:
            row._fail(
                dim_field[next(iter(sorted(dims)))],
                said(
                    "indicator {code} has no breakdown by {dimensions}",
                    code=indicator.code,
                    dimensions=" + ".join(sorted(dims)),
                ),
            )
    if not row.ok or period is None:
        return None
    return Observation(
        indicator=code,
        period=period,
        area=area or catalogue.area,
        disaggregation=tuple(dims.items()),
        value=value,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        n=n,
        flags=flags,
    )


def _records(
    reader: Iterator[list[str]],
    header: list[str],
    file: str | None,
    problems: list[tuple[Location, str]],
) -> Iterator[tuple[Location, list[str]]]:
    """Each record of a CSV after its header, with its line: blank ones passed over, one of
    another width than the header a problem."""
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        where = Location(file=file, line=line)
        if len(values) != len(header):
            width = said(
                "{fields} fields where the header has {width}",
                fields=len(values),
                width=len(header),
            )
            problems.append((where, width))
            continue
        yield where, values


def _checked(
    items: Iterable[tuple[Location, Observation]],
    problems: list[tuple[Location, str]],
    file: str | None,
) -> list[Observation]:
    """The observations read, once each; ``ImportFailed`` listing every problem found
    while reading them, or a repeated observation."""
    seen: dict[tuple[str, str, int, str], Location] = {}
    out: list[Observation] = []
    for where, obs in items:
        key = (obs.indicator, obs.area, obs.period, obs.key)
        if key in seen:
            problems.append(
                (
                    where,
                    said(
                        "same indicator, area, period and disaggregation as {other}",
                        other=seen[key],
                    ),
                )
            )
            continue
        seen[key] = where
        out.append(obs)
    if problems:
        raise ImportFailed(file, problems)
    return out


def read_csv_observations(
    source: str | Path | io.TextIOBase, catalogue: Catalogue
) -> list[Observation]:
    """Read a tidy CSV of observations; raises ``ImportFailed`` listing every problem."""
    if isinstance(source, str | Path):
        file: str | None = str(source)
        stream: io.TextIOBase = io.StringIO(_read_text(source))
    else:
        file, stream = None, source
    reader = csv.reader(stream)
    problems: list[tuple[Location, str]] = []
    header = next(reader, None)
    if header is None:
        raise ImportFailed(file, [(Location(file=file, line=1), "the file is empty")])
    header = [h.strip() for h in header]
    dims = catalogue.dimension_codes
    known = set(_REQUIRED) | set(_OPTIONAL) | set(dims)
    for name in header:
        if name not in known:
            problems.append((Location(file=file, line=1, column=name), said("unknown column")))
    for name in _REQUIRED:
        if name not in header:
            problems.append(
                (Location(file=file, line=1, column=name), said("required column missing"))
            )
    repeated = sorted({h for h in header if header.count(h) > 1})
    for name in repeated:
        problems.append((Location(file=file, line=1, column=name), said("column repeated")))
    if problems:
        raise ImportFailed(file, problems)
    items: list[tuple[Location, Observation]] = []
    for where, values in _records(reader, header, file, problems):
        record = dict(zip(header, values, strict=True))
        row = _Row(record, where, problems)
        row_dims = {d: record[d].strip() for d in dims if d in record and record[d].strip()}
        obs = _observation(row, catalogue, row_dims, dim_field={d: d for d in dims})
        if obs is not None:
            items.append((where, obs))
    return _checked(items, problems, file)


_SDMX_FIELDS = {
    "OBS_VALUE": "value",
    "STD_ERR": "se",
    "LOWER_BOUND": "ci_low",
    "UPPER_BOUND": "ci_high",
    "OBS_COUNT": "n",
}
_SDMX_STATUS = {f.sdmx: f for f in Flag if f is not Flag.SUPPRESSED}


def _sdmx_observation(
    key: Mapping[str, str],
    value: str,
    attrs: Mapping[str, str],
    where: Location,
    catalogue: Catalogue,
    problems: list[tuple[Location, str]],
) -> Observation | None:
    """One SDMX observation (its key, value and attributes as text) as an ``Observation``."""
    by_sdmx = {d.sdmx_id: d.code for d in catalogue.dimensions}
    record: dict[str, Any] = {
        "indicator": key.get("INDICATOR", ""),
        "area": key.get("REF_AREA", ""),
        "period": key.get("TIME_PERIOD", ""),
        "value": value,
    }
    for sdmx_id, name in _SDMX_FIELDS.items():
        if sdmx_id in attrs:
            record[name] = attrs[sdmx_id]
    flags: list[str] = []
    if attrs.get("CONF_STATUS") in {"C", "D"}:
        flags.append(Flag.SUPPRESSED.value)
        record["value"] = record["se"] = record["n"] = ""
    if attrs.get("OBS_STATUS") in _SDMX_STATUS:
        flags.append(_SDMX_STATUS[attrs["OBS_STATUS"]].value)
    record["flags"] = ";".join(flags)
    if isinstance(record["value"], str) and record["value"].lower() == "nan":
        record["value"] = ""
    row = _Row(record, where, problems)
    dims: dict[str, str] = {}
    dim_field: dict[str, str] = {}
    for sdmx_id, category in key.items():
        if sdmx_id in {"INDICATOR", "REF_AREA", "TIME_PERIOD"}:
            continue
        if sdmx_id not in by_sdmx:
            row._fail(sdmx_id, "dimension not in the catalogue")
            continue
        if category != TOTAL:
            dims[by_sdmx[sdmx_id]] = category
            dim_field[by_sdmx[sdmx_id]] = sdmx_id
    for required in ("INDICATOR", "TIME_PERIOD"):
        if required not in key:
            row._fail(required, "dimension missing")
    return _observation(row, catalogue, dims, dim_field=dim_field)


_SDMX_CSV_ATTRIBUTES = frozenset({*_SDMX_FIELDS, "OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE"})


def _is_sdmx_csv(path: Path) -> bool:
    """Whether ``path`` starts like SDMX-CSV 1.0 (a first column named ``DATAFLOW``)."""
    with path.open("rb") as f:
        head = f.read(16).decode("utf-8-sig", errors="replace")
    return head.startswith("DATAFLOW,")


def read_sdmx_csv_observations(path: str | Path, catalogue: Catalogue) -> list[Observation]:
    """Read SDMX-CSV 1.0, as ``insaf.observatory.export.write_sdmx_csv`` writes it.

    The columns: ``DATAFLOW``, the dimensions (``INDICATOR``, ``REF_AREA``, each
    catalogue dimension's SDMX id, ``TIME_PERIOD``), ``OBS_VALUE`` and any of the
    attributes ``UNIT_MEASURE`` (read from the catalogue, not the file),
    ``OBS_STATUS``, ``CONF_STATUS``, ``STD_ERR``, ``LOWER_BOUND``,
    ``UPPER_BOUND`` and ``OBS_COUNT``. Problems name the line and column.
    """
    file = str(path)
    reader = csv.reader(io.StringIO(_read_text(path)))
    header = [h.strip() for h in next(reader, [])]
    known = {"DATAFLOW", "INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"}
    known |= _SDMX_CSV_ATTRIBUTES | {d.sdmx_id for d in catalogue.dimensions}
    problems: list[tuple[Location, str]] = []
    for name in header:
        if name not in known:
            problems.append((Location(file=file, line=1, column=name), said("unknown column")))
    for name in ("DATAFLOW", "INDICATOR", "TIME_PERIOD", "OBS_VALUE"):
        if name not in header:
            problems.append(
                (Location(file=file, line=1, column=name), said("required column missing"))
            )
    if problems:
        raise ImportFailed(file, problems)
    dimensions = [h for h in header if h not in _SDMX_CSV_ATTRIBUTES | {"DATAFLOW", "OBS_VALUE"}]
    items: list[tuple[Location, Observation]] = []
    for where, values in _records(reader, header, file, problems):
        record = {h: v.strip() for h, v in zip(header, values, strict=True)}
        key = {d: record[d] for d in dimensions}
        attrs = {a: record[a] for a in _SDMX_CSV_ATTRIBUTES if record.get(a)}
        obs = _sdmx_observation(key, record["OBS_VALUE"], attrs, where, catalogue, problems)
        if obs is not None:
            items.append((where, obs))
    return _checked(items, problems, file)


def read_sdmx_observations(path: str | Path, catalogue: Catalogue) -> list[Observation]:
    """Read observations from an SDMX-ML (2.1 or 3.0) data message with ``sdmx1``, or SDMX-CSV 1.0.

    A file whose first column is ``DATAFLOW`` is SDMX-CSV 1.0
    (:func:`read_sdmx_csv_observations`, the format INSAF exports). Otherwise
    dimensions ``INDICATOR``, ``REF_AREA`` and ``TIME_PERIOD`` are required; the
    other dimensions are matched to catalogue dimensions by SDMX id (``_T`` or
    absent is the total). Attributes ``STD_ERR``, ``LOWER_BOUND``,
    ``UPPER_BOUND``, ``OBS_COUNT``, ``OBS_STATUS`` and ``CONF_STATUS`` are read
    where present.
    """
    import sdmx

    file = str(path)
    if Path(path).is_file() and _is_sdmx_csv(Path(path)):
        return read_sdmx_csv_observations(path, catalogue)
    try:
        message = sdmx.read_sdmx(path)
    except FileNotFoundError:
        raise ImportFailed(file, [(Location(file=file), said("file not found"))]) from None
    except Exception as exc:  # sdmx1 raises many kinds for a malformed message
        raise ImportFailed(
            file, [(Location(file=file), f"not a readable SDMX message: {exc}")]
        ) from None
    datasets = getattr(message, "data", None)
    if not datasets:
        raise ImportFailed(file, [(Location(file=file), "the message holds no data set")])
    problems: list[tuple[Location, str]] = []
    items: list[tuple[Location, Observation]] = []
    for ds in datasets:
        for index, sdmx_obs in enumerate(ds.obs, start=1):
            key = {k: str(v.value) for k, v in sdmx_obs.key.values.items()}
            attrs = {k: str(v.value) for k, v in (sdmx_obs.attrib or {}).items()}
            where = Location(file=file, row=index, key=key_of(key.items()))
            value = "" if sdmx_obs.value is None else str(sdmx_obs.value)
            obs = _sdmx_observation(key, value, attrs, where, catalogue, problems)
            if obs is not None:
                items.append((where, obs))
    return _checked(items, problems, file)

"""Open-data exports: tidy CSV, SDMX-CSV and JSON records.

Every writer goes through ``public_record``, which drops the numbers of a
suppressed cell whatever the observation holds, so a suppressed value cannot
reach a download even if a caller forgot to apply disclosure control.

Tidy CSV (one row per observation)::

    indicator,period,area,<one column per dimension>,value,se,ci_low,ci_high,n,flags

A dimension column is empty where the observation is not broken down by it
(the total has all of them empty); ``flags`` is a ``;``-separated list.

SDMX-CSV (version 1.0 of the SDMX-CSV format): the first column names the
dataflow, then one column per dimension (``INDICATOR``, ``REF_AREA``, each
catalogue dimension's SDMX id, with ``_T`` for "total"), ``TIME_PERIOD``,
``OBS_VALUE`` and the attributes ``UNIT_MEASURE``, ``OBS_STATUS``,
``CONF_STATUS`` (``C`` for a suppressed cell, ``F`` otherwise), ``STD_ERR``,
``LOWER_BOUND``, ``UPPER_BOUND`` and ``OBS_COUNT``.

Every CSV cell the platform writes (these files, and the council's lists)
goes through ``csv_safe``: text a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not
a number) is prefixed with an apostrophe, so it is shown, never run.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from insaf.observatory.indicators import Catalogue
from insaf.observatory.observations import Flag, Observation

__all__ = [
    "DATAFLOW",
    "SDMX_ATTRIBUTES",
    "TOTAL",
    "csv_header",
    "csv_line",
    "csv_safe",
    "public_record",
    "sdmx_header",
    "sdmx_rows",
    "status_code",
    "tidy_rows",
    "write_csv",
    "write_sdmx_csv",
]

DATAFLOW = "INSAF:DF_OBSERVATORY(1.0)"
TOTAL = "_T"
_OBS_STATUS_ORDER = (Flag.BREAK, Flag.PROVISIONAL, Flag.ESTIMATED, Flag.LOW_RELIABILITY)


def _fmt(x: float | int | None) -> str:
    """A number as written: a float's shortest exact form, so a re-import reads the same value."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    return repr(float(x))


def status_code(obs: Observation) -> str:
    """SDMX ``OBS_STATUS`` of a published observation: its weightiest flag, ``A`` for none."""
    return next((f.sdmx for f in _OBS_STATUS_ORDER if f in obs.flags), "A")


def public_record(obs: Observation) -> dict[str, Any]:
    """The fields of an observation that may be published (none of a suppressed cell's numbers)."""
    hidden = obs.is_suppressed
    return {
        "indicator": obs.indicator,
        "period": obs.period,
        "area": obs.area,
        "disaggregation": obs.dims,
        "value": None if hidden else obs.value,
        "se": None if hidden else obs.se,
        "ci_low": None if hidden else obs.ci_low,
        "ci_high": None if hidden else obs.ci_high,
        "n": None if hidden else obs.n,
        "flags": sorted(f.value for f in obs.flags),
    }


def csv_header(dimensions: Sequence[str]) -> list[str]:
    return [
        "indicator",
        "period",
        "area",
        *dimensions,
        "value",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "flags",
    ]


def tidy_rows(
    observations: Iterable[Observation], dimensions: Sequence[str]
) -> Iterator[list[str]]:
    """Rows of the tidy CSV (without the header)."""
    for obs in observations:
        rec = public_record(obs)
        dims = rec["disaggregation"]
        yield [
            obs.indicator,
            str(obs.period),
            obs.area,
            *(dims.get(d, "") for d in dimensions),
            _fmt(rec["value"]),
            _fmt(rec["se"]),
            _fmt(rec["ci_low"]),
            _fmt(rec["ci_high"]),
            _fmt(rec["n"]),
            ";".join(rec["flags"]),
        ]


def csv_safe(value: Any) -> str:
    """A cell as text; one that starts like a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _safe(row: Sequence[Any]) -> list[str]:
    return [csv_safe(value) for value in row]


def write_csv(
    observations: Iterable[Observation], out: TextIO, *, dimensions: Sequence[str]
) -> int:
    """Write the tidy CSV; returns the number of rows written."""
    return _write_rows(out, csv_header(dimensions), tidy_rows(observations, dimensions))


SDMX_ATTRIBUTES = (
    "UNIT_MEASURE",
    "OBS_STATUS",
    "CONF_STATUS",
    "STD_ERR",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "OBS_COUNT",
)
"""The attributes of an SDMX observation, in the order of SDMX-CSV's columns."""


def sdmx_header(catalogue: Catalogue) -> list[str]:
    dims = [d.sdmx_id for d in catalogue.dimensions]
    return [
        "DATAFLOW",
        "INDICATOR",
        "REF_AREA",
        *dims,
        "TIME_PERIOD",
        "OBS_VALUE",
        *SDMX_ATTRIBUTES,
    ]


def sdmx_rows(observations: Iterable[Observation], catalogue: Catalogue) -> Iterator[list[str]]:
    """Rows of SDMX-CSV (without the header)."""
    units: dict[str, str] = {i.code: i.unit_of_measure.en for i in catalogue.indicators}
    for obs in observations:
        rec = public_record(obs)
        dims = rec["disaggregation"]
        status = status_code(obs)
        yield [
            DATAFLOW,
            obs.indicator,
            obs.area,
            *(dims.get(d.code, TOTAL) for d in catalogue.dimensions),
            str(obs.period),
            _fmt(rec["value"]),
            units.get(obs.indicator, ""),
            "O" if obs.is_suppressed else status,
            "C" if obs.is_suppressed else "F",
            _fmt(rec["se"]),
            _fmt(rec["ci_low"]),
            _fmt(rec["ci_high"]),
            _fmt(rec["n"]),
        ]


def write_sdmx_csv(
    observations: Iterable[Observation], out: TextIO, *, catalogue: Catalogue
) -> int:
    """Write SDMX-CSV; returns the number of rows written."""
    return _write_rows(out, sdmx_header(catalogue), sdmx_rows(observations, catalogue))


def _write_rows(out: TextIO, header: list[str], rows: Iterable[list[str]]) -> int:
    """The header then each row as CSV, formula-safe; the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_safe(header))
    count = 0
    for row in rows:
        writer.writerow(_safe(row))
        count += 1
    return count


def csv_line(row: Sequence[str]) -> str:
    """One CSV line (for streaming responses), every cell through ``csv_safe``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(_safe(row))
    return buffer.getvalue()

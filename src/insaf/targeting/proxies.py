"""Proxies of a proxy-means test and how each enters the regression.

A proxy is a household variable with an encoding:

=================  ==============================================  ===========================
encoding           regression column(s)                            written ``--proxies``
=================  ==============================================  ===========================
``numeric``        the value                                       ``tv``, ``n_children``
``log``            ``ln(x)`` (x must be positive)                  ``hhsize:log``
``log1p``          ``ln(1 + x)``                                   ``rooms:log1p``
``categorical``    one 0/1 column per level but the first          ``floor:cat``
``in``             one 0/1 column: the value is one of ``levels``  (model files only)
=================  ==============================================  ===========================

With no encoding, a variable whose metadata labels more than two codes is
categorical, anything else numeric. Categorical levels are the sorted values
seen when fitting; the first is the reference. A model refuses data that lack
a proxy, have a missing value in one, or show a level it was not fitted on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf.errors import DataError, InsafError, said
from insaf.measures.variance import FloatArray
from insaf.survey import Survey

__all__ = ["ENCODINGS", "Encoding", "Proxy", "design_matrix", "parse_proxies", "resolve"]

Encoding = Literal["numeric", "log", "log1p", "categorical", "in"]
ENCODINGS: tuple[Encoding, ...] = ("numeric", "log", "log1p", "categorical", "in")
_ALIASES: dict[str, Encoding] = {"cat": "categorical", "num": "numeric", "ln": "log"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Proxy:
    """One proxy: a household variable, its encoding and (categorical) its levels."""

    name: str
    encoding: Encoding | None = None
    levels: tuple[float, ...] = ()

    def columns(self) -> list[str]:
        """Names of its regression columns: ``x``, ``ln(x)``, ``ln(1+x)``, ``x=level``."""
        if self.encoding == "categorical":
            return [f"{self.name}={_num(v)}" for v in self.levels[1:]]
        if self.encoding == "in":
            return [f"{self.name} in ({', '.join(str(_num(v)) for v in self.levels)})"]
        if self.encoding == "log":
            return [f"ln({self.name})"]
        if self.encoding == "log1p":
            return [f"ln(1+{self.name})"]
        return [self.name]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "encoding": self.encoding}
        if self.encoding in ("categorical", "in"):
            out["levels"] = [_num(v) for v in self.levels]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Proxy:
        encoding = data.get("encoding") or "numeric"
        if encoding not in ENCODINGS:
            raise InsafError(
                said(
                    "unknown proxy encoding {encoding} (known: {encodings})",
                    encoding=repr(encoding),
                    encodings=", ".join(ENCODINGS),
                )
            )
        levels = tuple(float(v) for v in data.get("levels", ()))
        return cls(name=str(data["name"]), encoding=encoding, levels=levels)

    def sql(self, coefficients: Mapping[str, float]) -> list[str]:
        """SQL terms ``coefficient * column`` (for a policy-engine expression)."""
        q = f'"{self.name}"'
        terms: list[str] = []
        for column in self.columns():
            c = coefficients.get(column, 0.0)
            if c == 0.0:
                continue
            if self.encoding == "categorical":
                level = column.split("=", 1)[1]
                terms.append(f"{_lit(c)} * (CASE WHEN {q} = {level} THEN 1.0 ELSE 0.0 END)")
            elif self.encoding == "in":
                codes = ", ".join(str(_num(v)) for v in self.levels)
                terms.append(f"{_lit(c)} * (CASE WHEN {q} IN ({codes}) THEN 1.0 ELSE 0.0 END)")
            elif self.encoding == "log":
                terms.append(f"{_lit(c)} * LN({q})")
            elif self.encoding == "log1p":
                terms.append(f"{_lit(c)} * LN(1.0 + {q})")
            else:
                terms.append(f"{_lit(c)} * {q}")
        return terms


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _lit(c: float) -> str:
    """A float literal Polars SQL reads exactly (no exponent, 17 significant digits)."""
    text = np.format_float_positional(c, unique=True, trim="0")
    return f"({text})" if c < 0 else text


def parse_proxies(items: Iterable[str]) -> list[Proxy]:
    """``["hhsize:log,n_children", "floor:cat"]`` -> proxies (commas and repeats both work)."""
    out: list[Proxy] = []
    seen: set[str] = set()
    for item in items:
        for part in item.split(","):
            text = part.strip()
            if not text:
                continue
            name, _, enc = text.partition(":")
            name = name.strip()
            encoding: Encoding | None = None
            if enc:
                key = enc.strip().lower()
                key = _ALIASES.get(key, key)
                if key not in ENCODINGS or key == "in":
                    raise InsafError(
                        said(
                            "proxy {text}: unknown encoding {enc} (known: {encodings}, or cat)",
                            text=repr(text),
                            enc=repr(enc),
                            encodings=", ".join(ENCODINGS),
                        )
                    )
                encoding = key
            if name in seen:
                raise InsafError(said("proxy {name} is given twice", name=repr(name)))
            seen.add(name)
            out.append(Proxy(name=name, encoding=encoding))
    if not out:
        raise InsafError(said("no proxies given"))
    return out


def _missing(names: Sequence[str], frame: pl.DataFrame, what: str) -> None:
    absent = [n for n in names if n not in frame.columns]
    if absent:
        known = ", ".join(frame.columns)
        listed = ", ".join(repr(a) for a in absent)
        if len(absent) == 1:
            raise DataError(
                said(
                    "{what} {absent} is not in the household table; known: {known}",
                    what=what,
                    absent=listed,
                    known=known,
                )
            )
        raise DataError(
            said(
                "{what} {absent} are not in the household table; known: {known}",
                what=what,
                absent=listed,
                known=known,
            )
        )


def _values(frame: pl.DataFrame, name: str) -> FloatArray:
    series = frame.get_column(name)
    if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
        raise DataError(
            said(
                "proxy {name} is not numeric ({dtype})",
                name=repr(name),
                dtype=series.dtype,
            )
        )
    values = series.cast(pl.Float64).to_numpy()
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if bad:
        raise DataError(
            said(
                "proxy {name} has {bad} missing value(s) among {size}; a proxy-means "
                "test needs every proxy for every household (impute or recode first)",
                name=repr(name),
                bad=bad,
                size=values.size,
            )
        )
    return np.ascontiguousarray(values, dtype=np.float64)


def resolve(proxies: Sequence[Proxy], survey: Survey, frame: pl.DataFrame) -> list[Proxy]:
    """Proxies with encodings decided and categorical levels read from ``frame``."""
    _missing([p.name for p in proxies], frame, said("proxy"))
    out = []
    for p in proxies:
        encoding = p.encoding
        if encoding is None:
            meta = survey.metadata.variables.get(p.name)
            encoding = "categorical" if meta is not None and len(meta.values) > 2 else "numeric"
        levels: tuple[float, ...] = ()
        if encoding == "categorical":
            levels = tuple(float(v) for v in np.unique(_values(frame, p.name)).tolist())
            if len(levels) < 2:
                raise DataError(
                    said(
                        "categorical proxy {name} has a single value in the data",
                        name=repr(p.name),
                    )
                )
        out.append(Proxy(name=p.name, encoding=encoding, levels=levels))
    return out


def design_matrix(
    proxies: Sequence[Proxy], frame: pl.DataFrame, *, left: int = 0, right: int = 0
) -> tuple[FloatArray, list[str]]:
    """The regression columns of ``proxies`` (no intercept), one row per household,
    after ``left`` and before ``right`` columns left for the caller to fill."""
    _missing([p.name for p in proxies], frame, said("the model needs variable(s)"))
    names = [c for p in proxies for c in p.columns()]
    x = np.empty((frame.height, left + len(names) + right), order="F")
    j = left
    for p in proxies:
        v = _values(frame, p.name)
        if p.encoding == "categorical":
            seen = np.unique(v)
            unknown = np.setdiff1d(seen, np.asarray(p.levels))
            if unknown.size:
                raise DataError(
                    said(
                        "proxy {name} has value(s) {unknown} that the model was not fitted on "
                        "(levels: {levels})",
                        name=repr(p.name),
                        unknown=", ".join(str(_num(u)) for u in unknown),
                        levels=", ".join(str(_num(lv)) for lv in p.levels),
                    )
                )
            for level in p.levels[1:]:
                x[:, j] = v == level
                j += 1
            continue
        if p.encoding == "in":
            x[:, j] = np.isin(v, np.asarray(p.levels))
            j += 1
            continue
        if p.encoding == "log":
            if np.any(v <= 0):
                raise DataError(
                    said(
                        "proxy {name} has {count} zero or negative value(s): ln() needs positive "
                        "values (use log1p)",
                        name=repr(p.name),
                        count=int((v <= 0).sum()),
                    )
                )
            x[:, j] = np.log(v)
        elif p.encoding == "log1p":
            if np.any(v <= -1):
                raise DataError(
                    said(
                        "proxy {name} has values <= -1: ln(1 + x) is undefined",
                        name=repr(p.name),
                    )
                )
            x[:, j] = np.log1p(v)
        else:
            x[:, j] = v
        j += 1
    return x, names

"""The survey as targeting metrics see it: one row per household, people weights.

Targeting metrics count people (``w = household weight x size``, docs/references.md)
living in households ranked by welfare per person, so they are computed on
households with the people weight ``w_h n_h``: the same numbers as on a person
table, at a fifth of the rows. Welfare is *before* the benefit being assessed:
the survey's welfare per person, less an existing benefit per person when
``net_of`` names one (to assess a programme that the survey already records,
or to spend its budget differently).

``share`` is each household's mid-point cumulative people share of pre-transfer
welfare, ``(sum_{j <= k} w_j - w_k / 2) / N`` in ascending order, from which
come the deciles (``floor(10 share) + 1``) and the poorest ``q`` (``share < q``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf._arrays import IntArray
from insaf.errors import DataError, Location, said
from insaf.measures.variance import DesignArrays, FloatArray
from insaf.policy.period import PER_YEAR
from insaf.survey import Label, Survey
from insaf.targeting.estimators import Domains

__all__ = ["DEFAULT_GROUPS", "Below", "Group", "TargetingData", "mid_shares"]

DEFAULT_GROUPS = ("urban", "governorate", "head_sex", "refugee_hh", "has_disabled")
"""Breakdowns of every metric, where the survey has them (issue 5)."""

Below = Literal["<", "<="]


def mid_shares(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Mid-point cumulative share of weight of each unit, by ascending ``values``."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    total = float(cumulative[-1]) if cumulative.size else 1.0
    out = np.empty(values.shape[0])
    out[order] = (cumulative - 0.5 * weights[order]) / total
    return out


@dataclass(frozen=True, eq=False, kw_only=True)
class Group:
    """A breakdown (``urban``, ``governorate``...) with its bilingual value labels."""

    domains: Domains
    label: Label
    values: Mapping[Any, Label]

    def value_label(self, value: Any, lang: str = "en") -> str:
        found = self.values.get(value)
        text = found.get(lang) if found is not None else None
        return text or str(value)


def _numeric(frame: pl.DataFrame, name: str, role: str, where: Location) -> FloatArray:
    if name not in frame.columns:
        known = ", ".join(frame.columns)
        raise DataError(
            said(
                "{role} variable {name} is not in the household table; known: {known}",
                role=role,
                name=repr(name),
                known=known,
            )
        )
    series = frame.get_column(name)
    if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
        raise DataError(
            said(
                "{role} variable {name} is not numeric ({dtype})",
                role=role,
                name=repr(name),
                dtype=series.dtype,
            ),
            where,
        )
    values = series.cast(pl.Float64).to_numpy()
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if bad:
        raise DataError(
            said(
                "{role} variable {name} has {bad} missing or infinite value(s) among "
                "{size}; INSAF does not drop them silently",
                role=role,
                name=repr(name),
                bad=bad,
                size=values.size,
            ),
            where,
        )
    return np.ascontiguousarray(values, dtype=np.float64)


def _codes(series: pl.Series) -> tuple[IntArray, tuple[Any, ...]]:
    labels = tuple(series.drop_nulls().unique().sort().to_list())
    lookup = pl.DataFrame({"v": list(labels)}, schema={"v": series.dtype}).with_row_index("c")
    codes = (
        series.to_frame("v")
        .join(lookup, on="v", how="left", maintain_order="left")
        .get_column("c")
        .fill_null(-1)
        .cast(pl.Int64)
        .to_numpy()
    )
    return np.ascontiguousarray(codes, dtype=np.int64), labels


@dataclass(frozen=True, eq=False, kw_only=True)
class TargetingData:
    """Arrays of one survey for targeting: weights, welfare, line, design, groups."""

    survey: Survey
    frame: pl.DataFrame
    weight: FloatArray
    size: FloatArray
    people: FloatArray
    welfare: FloatArray
    line: FloatArray
    design: DesignArrays
    groups: Mapping[str, Group]
    share: FloatArray
    decile: IntArray
    welfare_name: str
    line_name: str
    net_of: str | None = None
    below: Below = "<"
    period: str = "month"
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        survey: Survey,
        *,
        welfare: str = "consumption_pc",
        line: str | float = "poverty_line",
        net_of: str | None = None,
        groups: Sequence[str] | None = None,
        below: Below = "<",
    ) -> TargetingData:
        """Read ``survey``'s household table. ``groups=None`` takes the default
        breakdowns the survey has; named groups must exist."""
        if survey.households is None:
            raise DataError(said("targeting needs a household table"), Location(file=survey.path))
        frame = survey.households.frame
        where = Location(file=survey.path)
        design = survey.design
        weight = _numeric(frame, design.weight, said("weight"), where)
        if "hhsize" in frame.columns:
            size = _numeric(frame, "hhsize", said("household size"), where)
        elif survey.persons is not None and survey.household_key is not None:
            key = survey.household_key
            counts = survey.persons.frame.group_by(key).len()
            size = (
                frame.select(key)
                .join(counts, on=key, how="left", maintain_order="left")
                .get_column("len")
                .fill_null(0)
                .cast(pl.Float64)
                .to_numpy()
            )
        else:
            raise DataError(
                said(
                    "household size is unknown: no 'hhsize' column and no person table",
                )
            )
        if np.any(size <= 0):
            raise DataError(
                said(
                    "{count} household(s) have no members",
                    count=int((size <= 0).sum()),
                ),
                where,
            )
        y = _numeric(frame, welfare, said("welfare"), where)
        if net_of is not None:
            y = y - _numeric(frame, net_of, said("existing benefit"), where) / size
        if isinstance(line, str):
            z = _numeric(frame, line, said("poverty line"), where)
            line_name = line
        else:
            if not line > 0:
                raise DataError(
                    said(
                        "a poverty line must be positive, not {line}",
                        line=line,
                    )
                )
            z = np.full(frame.height, float(line))
            line_name = f"{float(line):g}"
        if np.any(z <= 0):
            raise DataError(
                said(
                    "poverty line {line} has non-positive values",
                    line=repr(line_name),
                ),
                where,
            )
        arrays = DesignArrays.build(
            n=frame.height,
            strata=frame.get_column(design.strata).to_numpy() if design.strata else None,
            psu=frame.get_column(design.psu).to_numpy() if design.psu else None,
            fpc=frame.get_column(design.fpc).cast(pl.Float64).to_numpy() if design.fpc else None,
            lonely=design.lonely_psu,
        )
        wanted = [g for g in DEFAULT_GROUPS if g in frame.columns] if groups is None else groups
        found: dict[str, Group] = {}
        for name in wanted:
            if name not in frame.columns:
                known = ", ".join(frame.columns)
                raise DataError(
                    said(
                        "group {name} is not in the household table; known: {known}",
                        name=repr(name),
                        known=known,
                    )
                )
            codes, labels = _codes(frame.get_column(name))
            meta = survey.metadata.variables.get(name)
            found[name] = Group(
                domains=Domains(name=name, codes=codes, labels=labels),
                label=meta.label if meta is not None and meta.label else Label(en=name, ar=name),
                values=dict(meta.values) if meta is not None else {},
            )
        people = weight * size
        share = mid_shares(y, people)
        decile = np.clip(np.floor(share * 10.0), 0, 9).astype(np.int64)
        period = str(survey.policy.get("period", "month"))
        return cls(
            survey=survey,
            frame=frame,
            weight=weight,
            size=size,
            people=people,
            welfare=y,
            line=z,
            design=arrays,
            groups=found,
            share=share,
            decile=decile,
            welfare_name=welfare,
            line_name=line_name,
            net_of=net_of,
            below=below,
            period=period,
        )

    @property
    def n(self) -> int:
        return int(self.weight.shape[0])

    @property
    def per_year(self) -> float:
        """Periods in a year (12 for monthly amounts)."""
        return PER_YEAR.get(self.period, 12.0)

    def poor_line(self, welfare: FloatArray | None = None) -> FloatArray:
        """1 where welfare is below the poverty line (``<`` or ``<=``)."""
        y = self.welfare if welfare is None else welfare
        flag = y < self.line if self.below == "<" else y <= self.line
        return flag.astype(np.float64)

    def poorest(self, q: float) -> FloatArray:
        """1 for the poorest ``q`` of people by pre-transfer welfare (``share < q``)."""
        return (self.share < q).astype(np.float64)

    def deciles(self) -> Domains:
        return Domains(name="decile", codes=self.decile, labels=tuple(range(1, 11)))

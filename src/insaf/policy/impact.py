"""``Impact``: what each reform does, against the baseline, on the same survey.

For each reform (see ``docs/policy.md`` for every formula):

- ``fiscal``: annual cost of each instrument (revenue negative) in the baseline
  and the reform, the change, and the net;
- ``poverty``: FGT 0, 1, 2 on each line, before and after;
- ``inequality``: Gini, Palma and S80/S20 before and after;
- ``deciles`` of baseline welfare and ``groups``: mean change per person, the
  change as a share of welfare, shares of winners, losers and unaffected;
- ``winners_losers`` for the whole population;
- ``who_loses``: characteristics of the people who lose most, against everyone;
- ``incidence``: CEQ income concepts (final income when the scenario values
  public services in kind), Kakwani and Reynolds–Smolensky indices of each tax
  and transfer, coverage and leakage of transfers, fiscal impoverishment by the
  whole fiscal system and each instrument's marginal contribution to the Gini
  and to poverty (``insaf.policy.fiscal_system``).

Every statistic is an ``insaf.measures.Estimate`` with its design-based
standard error. A change is ``insaf.measures.difference(after, before)``:
both come from the same sample, so its standard error uses the joint
influence values (the covariance between before and after is not ignored).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import polars as pl

from insaf._renamed import renamed_keywords
from insaf.measures import Estimate, estimate_dict
from insaf.policy.scenario import Scenario, text_of
from insaf.policy.solver import Solved

__all__ = ["Impact", "ReformImpact", "Row", "Section", "estimate_dict", "flat_row", "json_row"]

Row = dict[str, Any]
"""One row of an impact table: plain values and ``Estimate``s."""

TABLES = (
    "fiscal",
    "poverty",
    "inequality",
    "deciles",
    "groups",
    "winners_losers",
    "who_loses",
    "concepts",
    "progressivity",
    "coverage",
    "impoverishment",
    "marginal",
)
INCIDENCE = ("concepts", "progressivity", "coverage", "impoverishment", "marginal")
"""The tables under ``incidence`` in ``impact.json``."""


class Section(Protocol):
    """A further part of a reform's impact computed above the policy layer (the rights
    assessment, ``insaf.rights``): its ``impact.json`` part and its tables."""

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]: ...

    def tables(self) -> Mapping[str, list[Row]]: ...


def json_row(row: Row, confidence: float) -> dict[str, Any]:
    return {
        k: estimate_dict(v, confidence) if isinstance(v, Estimate) else v for k, v in row.items()
    }


def flat_row(row: Row, confidence: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Estimate):
            found = estimate_dict(value, confidence)
            out[key] = found["value"]
            out[f"{key}_se"] = found["se"]
            out[f"{key}_ci_low"] = found["ci_low"]
            out[f"{key}_ci_high"] = found["ci_high"]
        elif isinstance(value, dict | list):
            out[key] = str(value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True, eq=False)
class ReformImpact:
    """The impact of one reform; each table is a list of rows."""

    name: str
    label: str
    solved: Solved | None
    tables: Mapping[str, list[Row]]
    notes: Mapping[str, Any] = field(default_factory=dict)
    sections: Mapping[str, Section] = field(default_factory=dict)
    """Further parts by name (``rights``), each in ``impact.json`` under its name and
    its tables among the impact's tables as ``<section>_<table>``."""

    def table(self, name: str) -> list[Row]:
        return list(self.tables.get(name, []))

    def section_tables(self) -> dict[str, list[Row]]:
        """The tables of every section, named ``<section>_<table>``."""
        out: dict[str, list[Row]] = {}
        for section_name, section in self.sections.items():
            for name, rows in section.tables().items():
                out[f"{section_name}_{name}"] = list(rows)
        return out

    @renamed_keywords(level="confidence")
    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "solved": self.solved.to_dict() if self.solved is not None else None,
        }
        for name in TABLES:
            if name == "winners_losers":
                rows = self.tables.get(name, [])
                out[name] = json_row(rows[0], confidence) if rows else None
            elif name in INCIDENCE:
                continue
            else:
                out[name] = [json_row(r, confidence) for r in self.tables.get(name, [])]
        out["incidence"] = {
            name: [json_row(r, confidence) for r in self.tables.get(name, [])] for name in INCIDENCE
        }
        out["notes"] = dict(self.notes)
        for name, section in self.sections.items():
            out[name] = section.to_dict(confidence)
        return out


@dataclass(frozen=True, eq=False)
class Impact:
    """Every reform of a scenario against its baseline (``simulate`` makes one)."""

    scenario: Scenario
    meta: Mapping[str, Any]
    reforms: Mapping[str, ReformImpact]
    simulation: Any = field(default=None, repr=False)

    @property
    def confidence(self) -> float:
        """The confidence level of every interval (the scenario's ``options.confidence``)."""
        return self.scenario.options.confidence

    def __getattr__(self, name: str) -> Any:
        # ``level``, the confidence's old name (docs/glossary.md), for one release.
        if name == "level":
            warnings.warn(
                "Impact.level is deprecated; use Impact.confidence",
                DeprecationWarning,
                stacklevel=2,
            )
            return self.confidence
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getitem__(self, reform: str) -> ReformImpact:
        return self.reforms[reform]

    def with_section(self, name: str, sections: Mapping[str, Section]) -> Impact:
        """The same impact with section ``name`` added to each reform (``sections`` by
        reform name)."""
        reforms = {
            key: replace(reform, sections={**reform.sections, name: sections[key]})
            if key in sections
            else reform
            for key, reform in self.reforms.items()
        }
        return replace(self, reforms=reforms)

    def to_dict(self) -> dict[str, Any]:
        """The ``impact.json`` document: ``scenario`` and ``reforms``."""
        return {
            "scenario": dict(self.meta),
            "reforms": {k: v.to_dict(self.confidence) for k, v in self.reforms.items()},
        }

    def tables(self) -> dict[str, pl.DataFrame]:
        """One flat table per kind of result, every reform stacked (for CSV and Excel)."""
        out: dict[str, pl.DataFrame] = {}
        for name in TABLES:
            rows: list[dict[str, Any]] = []
            for reform, result in self.reforms.items():
                for row in result.tables.get(name, []):
                    rows.append({"reform": reform, **flat_row(row, self.confidence)})
            if rows:
                out[name] = pl.DataFrame(rows, infer_schema_length=None)
        extra: dict[str, list[dict[str, Any]]] = {}
        for reform, result in self.reforms.items():
            for name, table in result.section_tables().items():
                extra.setdefault(name, []).extend(
                    {"reform": reform, **flat_row(row, self.confidence)} for row in table
                )
        for name, rows in extra.items():
            if rows:
                out[name] = pl.DataFrame(rows, infer_schema_length=None)
        return out

    def title(self, lang: str = "en") -> str:
        return text_of(self.scenario.name, lang) or ""

"""What a statistician checks first about a survey, as data (the CLI prints it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from insaf.survey.survey import Level, Survey
from insaf.survey.table import Table
from insaf.survey.validate import ValidationReport, validate

__all__ = [
    "DesignSummary",
    "Inspection",
    "StratumSummary",
    "TableSummary",
    "VariableSummary",
    "inspect_survey",
]


@dataclass(frozen=True, slots=True)
class VariableSummary:
    name: str
    dtype: str
    label_en: str | None
    label_ar: str | None
    value_labels: int
    missing: int


@dataclass(frozen=True, slots=True)
class TableSummary:
    name: str
    file: str | None
    rows: int
    variables: tuple[VariableSummary, ...]


@dataclass(frozen=True, slots=True)
class StratumSummary:
    stratum: Any
    psus: int
    units: int
    weight: float


@dataclass(frozen=True, slots=True)
class DesignSummary:
    description: str
    strata: int
    psus: int
    psus_per_stratum: tuple[int, int, float]  # min, max, mean
    by_stratum: tuple[StratumSummary, ...]


@dataclass(frozen=True, slots=True)
class Inspection:
    name: str | None
    year: int | None
    synthetic: bool
    households: int | None
    persons: int | None
    population_households: float | None
    population_persons: float | None
    design: DesignSummary | None
    tables: tuple[TableSummary, ...]
    report: ValidationReport

    def to_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, tuple | list):
                return [plain(v) for v in value]
            if hasattr(value, "__dataclass_fields__"):
                return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
            return value

        out = {k: plain(getattr(self, k)) for k in self.__dataclass_fields__ if k != "report"}
        out["problems"] = [p.to_dict() for p in self.report.problems]
        return out


def inspect_survey(survey: Survey, report: ValidationReport | None = None) -> Inspection:
    """Summarise a survey; population figures are left out when the weights are unusable."""
    report = report if report is not None else validate(survey)
    weights_ok = not any(
        p.column == survey.design.weight or p.code == "missing-column" for p in report.errors
    )
    links_ok = not any(
        p.code in ("orphan-row", "missing-key", "duplicate-key") for p in report.errors
    )
    pop_hh = pop_p = None
    if weights_ok and survey.households is not None:
        pop_hh = survey.population(Level.HOUSEHOLD)
    if weights_ok and links_ok and survey.persons is not None:
        pop_p = survey.population(Level.PERSON)
    return Inspection(
        name=survey.name.get("en"),
        year=survey.year,
        synthetic=survey.synthetic,
        households=survey.n_households,
        persons=survey.n_persons,
        population_households=pop_hh,
        population_persons=pop_p,
        design=_design(survey) if weights_ok else None,
        tables=tuple(_table(survey, t) for t in survey.tables),
        report=report,
    )


def _table(survey: Survey, table: Table) -> TableSummary:
    nulls = table.frame.null_count().row(0, named=True)
    variables = []
    for name, dtype in table.frame.schema.items():
        meta = survey.metadata.get(name)
        missing = int(nulls[name])
        if dtype.is_float():
            missing += int(table.frame.get_column(name).is_nan().sum())
        variables.append(
            VariableSummary(
                name=name,
                dtype=str(dtype),
                label_en=meta.label.get("en", fallback=False),
                label_ar=meta.label.get("ar", fallback=False),
                value_labels=len(meta.values),
                missing=missing,
            )
        )
    file = table.source.path if table.source is not None else None
    return TableSummary(name=table.name, file=file, rows=table.height, variables=tuple(variables))


def _design(survey: Survey) -> DesignSummary | None:
    design = survey.design
    frame = survey.design_table.frame
    if any(c not in frame.columns for c in design.columns):
        return None
    strata = pl.col(design.strata) if design.strata else pl.lit(1).alias("_stratum")
    psu = pl.col(design.psu) if design.psu else pl.int_range(pl.len()).alias("_psu")
    grouped = (
        frame.select(strata, psu, pl.col(design.weight).cast(pl.Float64, strict=False).alias("_w"))
        .group_by(strata.meta.output_name())
        .agg(
            pl.col(psu.meta.output_name()).n_unique().alias("psus"),
            pl.len().alias("units"),
            pl.col("_w").sum().alias("weight"),
        )
        .sort(strata.meta.output_name())
    )
    counts = grouped.get_column("psus")
    return DesignSummary(
        description=design.describe(),
        strata=grouped.height,
        psus=int(counts.sum()),
        psus_per_stratum=(int(counts.min()), int(counts.max()), float(counts.mean())),  # type: ignore[arg-type]
        by_stratum=tuple(
            StratumSummary(stratum=row[0], psus=row[1], units=row[2], weight=row[3])
            for row in grouped.iter_rows()
        ),
    )

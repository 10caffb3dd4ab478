"""Commands on survey microdata: ``inspect`` and ``validate``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import typer
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from insaf.cli.app import app, console, reports_errors
from insaf.cli.i18n import N_, _, language
from insaf.cli.options import (
    RENAMED_DESIGN_FLAGS,
    FormatOpt,
    FpcOpt,
    LangOpt,
    LonelyOpt,
    OutputFormat,
    PsuOpt,
    StrataOpt,
    SurveyArg,
    UnitOpt,
    WeightOpt,
    open_from_cli,
    write_csv,
)
from insaf.cli.renamed import renamed
from insaf.cli.tables import mixed_table
from insaf.errors import in_language
from insaf.survey import Unit
from insaf.survey.design import Design, LonelyPSU
from insaf.survey.inspect import Inspection, inspect_survey
from insaf.survey.validate import Severity, ValidationReport, validate

__all__ = ["print_inspection", "print_report"]

EXIT_INVALID = 1


@app.command("inspect", cls=renamed(RENAMED_DESIGN_FLAGS))
@reports_errors
def inspect_command(
    data: SurveyArg,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: UnitOpt = Unit.PERSON,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Rows, households, persons, weighted population, design, variables and problems.

    Exits with status 1 when validation finds errors.
    """
    survey = open_from_cli(
        data, weight=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu, unit=unit
    )
    inspection = inspect_survey(survey)
    if format is OutputFormat.JSON:
        print(json.dumps(inspection.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif format is OutputFormat.CSV:
        write_csv(_variable_rows(inspection), _VARIABLE_COLUMNS)
    else:
        print_inspection(inspection, survey.design, name=survey.name.get(language()))
    if not inspection.report.ok:
        raise typer.Exit(EXIT_INVALID)


@app.command("validate", cls=renamed(RENAMED_DESIGN_FLAGS))
@reports_errors
def validate_command(
    data: SurveyArg,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: UnitOpt = Unit.PERSON,
    format: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Check keys, links, weights, design and declared roles; list every problem.

    Exits with status 1 when there are errors (warnings alone exit 0).
    """
    survey = open_from_cli(
        data, weight=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu, unit=unit
    )
    report = validate(survey)
    if format is OutputFormat.JSON:
        print(json.dumps([p.to_dict() for p in report.problems], ensure_ascii=False, indent=2))
    elif format is OutputFormat.CSV:
        write_csv(_problem_rows(report), _PROBLEM_COLUMNS)
    else:
        print_report(report)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)


_VARIABLE_COLUMNS = ("table", "variable", "type", "label_en", "label_ar", "value_labels", "missing")
_PROBLEM_COLUMNS = ("severity", "code", "message", "table", "column", "file", "places", "count")


def _variable_rows(ins: Inspection) -> Iterator[dict[str, object]]:
    """``inspect --format csv``: one row per variable of each table."""
    for table in ins.tables:
        for v in table.variables:
            yield {
                "table": table.name,
                "variable": v.name,
                "type": v.dtype,
                "label_en": v.label_en,
                "label_ar": v.label_ar,
                "value_labels": v.value_labels,
                "missing": v.missing,
            }


def _problem_rows(report: ValidationReport) -> Iterator[dict[str, object]]:
    """``validate --format csv``: one row per problem, its places separated by ``;``."""
    for problem in report.problems:
        row = problem.to_dict()
        row["places"] = ";".join(str(place) for place in problem.places)
        yield row


def print_report(report: ValidationReport) -> None:
    """One line per problem, as compilers print them: easy to read and to grep."""
    for problem in report.problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        word = _("error") if problem.severity is Severity.ERROR else _("warning")
        line = Text(f"{word}: ", style=f"bold {style}")
        place, what = problem.location(), problem.message
        line.append(f"{in_language(place, language())}: {in_language(what, language())}")
        console.print(line, highlight=False, soft_wrap=True)
    if report.problems:
        console.print(
            _("{errors} error(s), {warnings} warning(s)").format(
                errors=len(report.errors), warnings=len(report.warnings)
            )
        )
    else:
        console.print(_("No problems found."), style="green")


def design_line(design: Design) -> str:
    """The design in one line, in the CLI's language (``Design.describe`` in English)."""
    if language() == "en":
        return design.describe()
    parts = [_("weight {column}").format(column=design.weight)]
    parts.append(
        _("strata {column}").format(column=design.strata) if design.strata else _("no strata")
    )
    parts.append(_("PSU {column}").format(column=design.psu) if design.psu else _("PSU = unit"))
    if design.fpc:
        parts.append(_("fpc {column}").format(column=design.fpc))
    if design.ssu:
        stage = (
            _("ultimate cluster")
            if design.ultimate_cluster
            else _("fpc2 {column}").format(column=design.fpc2)
            if design.fpc2
            else _("no fpc2")
        )
        parts.append(_("SSU {column} ({stage})").format(column=design.ssu, stage=stage))
    if design.replicates is not None:
        parts.append(
            _("{count} replicate weights ({method})").format(
                count=len(design.replicates.columns), method=design.replicates.method.value
            )
        )
    parts.append(_("single-PSU strata: {rule}").format(rule=_(_LONELY[design.lonely_psu])))
    calibration = design.calibration
    if calibration is not None:
        how = (
            _("raked")
            if calibration.variance == "rake"
            else _("calibrated ({distance})").format(distance=calibration.distance.value)
        )
        parts.append(
            _("{how} from {base} to totals of {variables} ({unit})").format(
                how=how,
                base=calibration.base_weight,
                variables=_(", ").join(calibration.variables),
                unit=_("persons") if calibration.unit == "person" else _("households"),
            )
        )
    return _("; ").join(parts)


_LONELY = {
    LonelyPSU.FAIL: N_("no variance"),
    LonelyPSU.REMOVE: N_("left out of the variance"),
    LonelyPSU.ADJUST: N_("centred on the grand mean"),
    LonelyPSU.AVERAGE: N_("given the average variance"),
    LonelyPSU.CERTAINTY: N_("sampled with certainty"),
}
"""What each rule for single-PSU strata does, as the Arabic line says it."""


def survey_title(name: str, year: int | None, synthetic: bool) -> str:
    """The survey's name, with its year and ``[synthetic data]`` unless the name says
    them already (the demo's name does: ``... 2024 (synthetic data)``)."""
    title = name
    if year is not None and str(year) not in title:
        title += f" ({year})"
    flag = _("[synthetic data]")
    if synthetic and flag.strip("[]") not in title:
        title += " " + flag
    return title


def print_inspection(
    ins: Inspection, design: Design | None = None, *, name: str | None = None
) -> None:
    """The inspection as tables; the survey called ``name`` (the CLI's language) when
    given, else by the inspection's name (in English)."""
    title = escape(survey_title(name or ins.name or _("survey"), ins.year, ins.synthetic))
    console.print(f"[bold]{title}[/]", highlight=False)
    summary = RichTable(show_header=False, box=None)
    summary.add_column()
    summary.add_column(justify="right")
    if ins.households is not None:
        summary.add_row(_("households (rows)"), f"{ins.households:,}")
    if ins.persons is not None:
        summary.add_row(_("persons (rows)"), f"{ins.persons:,}")
    if ins.population_households is not None:
        summary.add_row(_("weighted households"), f"{ins.population_households:,.0f}")
    if ins.population_persons is not None:
        summary.add_row(_("weighted persons"), f"{ins.population_persons:,.0f}")
    for table in ins.tables:
        summary.add_row(_("rows in {table}").format(table=table.name), f"{table.rows:,}")
    console.print(summary)
    if ins.design is not None:
        d = ins.design
        low, high, mean = d.psus_per_stratum
        heading = _("Design")
        line = d.description if design is None else design_line(design)
        console.print(f"[bold]{heading}[/]: {escape(line)}", highlight=False)
        console.print(
            _(
                "{strata} strata, {psus} PSUs; PSUs per stratum min {low}, max {high}, mean {mean}"
            ).format(strata=d.strata, psus=d.psus, low=low, high=high, mean=f"{mean:.1f}")
        )
        strata = RichTable(title=_("Strata"))
        for column in (_("stratum"), _("PSUs"), _("units"), _("sum of weights")):
            strata.add_column(column, justify="right")
        for s in d.by_stratum:
            strata.add_row(str(s.stratum), str(s.psus), f"{s.units:,}", f"{s.weight:,.0f}")
        console.print(strata)
    for table in ins.tables:
        headers = [_("variable"), _("type"), _("label (en)"), _("label (ar)"),
                   _("value labels"), _("missing")]  # fmt: skip
        rows = [
            [v.name, v.dtype, v.label_en or "", v.label_ar or "", str(v.value_labels or ""),
             f"{v.missing:,}" if v.missing else ""]
            for v in table.variables
        ]  # fmt: skip
        # a variable's name and type whole (head_marital, never head_marita / l)
        variables = mixed_table(
            headers,
            rows,
            whole=frozenset({0, 1, 4, 5}),
            left=frozenset({0, 1}),
            title=f"{table.name}: {table.file or ''}",
        )
        console.print(variables)
    print_report(ins.report)

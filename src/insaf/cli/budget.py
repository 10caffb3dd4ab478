"""``insaf budget``: import a budget, check it, score PEFA PI-1 and PI-2, programme results."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from insaf.budget import (
    Budget,
    BudgetProblem,
    Severity,
    check,
    pefa,
    programme_results,
    public_results,
    read_budget,
    write_boost_csv,
    write_fdp,
)
from insaf.budget.results import what
from insaf.cli.app import command_group, console, reports_errors, wrote
from insaf.cli.i18n import N_, _, language
from insaf.cli.options import (
    FormatOpt,
    LangOpt,
    NoDisclosureOpt,
    OutputFormat,
    write_csv,
    write_json,
)
from insaf.cli.tables import columns_table, number, percent
from insaf.disclosure import DisclosureRules
from insaf.measures import Estimate

__all__ = ["budget_app"]

budget_app = command_group(
    "budget",
    "Budgets: import and check a budget, score PEFA PI-1 and PI-2, measure programme results.",
)

BudgetArg = Annotated[
    Path,
    typer.Argument(
        metavar="BUDGET",
        help="A Fiscal Data Package (its folder or datapackage.json) or a flat CSV's "
        "budget.yaml (or its folder).",
        show_default=False,
    ),
]


class To(StrEnum):
    FDP = "fdp"
    BOOST = "boost"


def _problems_table(problems: list[BudgetProblem]) -> None:
    if not problems:
        console.print(_("No problems found."), highlight=False)
        return
    table = RichTable(show_lines=False)
    for header in (_("severity"), _("where"), _("problem")):
        table.add_column(header, overflow="fold")
    for p in problems:
        severity = _("error") if p.severity is Severity.ERROR else _("warning")
        table.add_row(severity, p.place(language()), p.what(language()))
    console.print(table)


def _summary(budget: Budget) -> dict[str, Any]:
    phases = sorted(set(budget.lines["phase"].cast(str).unique().to_list()))
    return {
        "lines": budget.lines["line"].n_unique(),
        "rows": budget.lines.height,
        "years": list(budget.years),
        "phases": phases,
        "currency": budget.currency,
        "scale": budget.scale,
        "programmes": [p.code for p in budget.plan.programmes] if budget.plan else [],
    }


@budget_app.command("import")
@reports_errors
def import_command(
    source: BudgetArg,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the budget into.")],
    to: Annotated[
        To, typer.Option("--to", help="Format written: fdp (Fiscal Data Package) or boost.")
    ] = To.FDP,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Read a budget, check it, and write it (refused when it has errors)."""
    budget = read_budget(source)
    problems = check(budget)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    written = None
    if not errors:
        written = write_fdp(budget, out) if to is To.FDP else write_boost_csv(budget, out)
    if format is OutputFormat.JSON:
        write_json(
            {
                **_summary(budget),
                "written": str(written) if written else None,
                "problems": [p.to_dict() for p in problems],
            }
        )
    else:
        summary = _summary(budget)
        table = RichTable(show_header=False, box=None)
        table.add_column()
        table.add_column()
        table.add_row(_("budget lines"), f"{summary['lines']:,}")
        table.add_row(_("years"), ", ".join(map(str, summary["years"])))
        table.add_row(_("phases"), ", ".join(summary["phases"]))
        table.add_row(_("currency"), f"{budget.currency} × {number(budget.scale)}")
        table.add_row(_("programmes"), ", ".join(summary["programmes"]) or "–")
        console.print(table)
        _problems_table(problems)
        if written is not None:
            console.print(wrote(sorted(written.parent.iterdir())), highlight=False)
    if errors:
        console.print(_("Not written: the budget has errors."), highlight=False)
        raise typer.Exit(1)


@budget_app.command("check")
@reports_errors
def check_command(
    budget_path: BudgetArg,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            help="How far an aggregate line may be from the sum of its children, in the "
            "budget's units.",
        ),
    ] = 0.0,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """List every problem of a budget by file, row and field; exit 1 when one is an error."""
    problems = check(read_budget(budget_path), tolerance=tolerance)
    if format is OutputFormat.JSON:
        write_json([p.to_dict() for p in problems])
    elif format is OutputFormat.CSV:
        columns = ("severity", "file", "row", "field", "key", "line", "message")
        write_csv([p.to_dict() for p in problems], columns)
    else:
        _problems_table(problems)
    if any(p.severity is Severity.ERROR for p in problems):
        raise typer.Exit(1)


DIMENSIONS = {
    "1.1": N_("PI-1 aggregate expenditure outturn"),
    "2.1": N_("PI-2.1 composition outturn by function"),
    "2.2": N_("PI-2.2 composition outturn by economic type"),
    "2.3": N_("PI-2.3 expenditure from contingency reserves"),
}
LIBRARY_WORDS = (
    # the calculation sheet's categories beside the classification's own
    N_("allocated expenditure"), N_("interest"), N_("contingency"), N_("total expenditure"),
    # a results chain's stages and the strength of their evidence
    N_("inputs"), N_("outputs"), N_("outcomes"), N_("strong"), N_("weak"), N_("none"),
)  # fmt: skip
"""Words ``insaf.budget`` gives, shown through ``_()``: listed for the catalogue."""


@budget_app.command("pefa")
@reports_errors
def pefa_command(
    budget_path: BudgetArg,
    years: Annotated[
        list[int] | None,
        typer.Option("--year", help="A year to score (repeat; default: the last three completed)."),
    ] = None,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Score PEFA 2016 PI-1 and PI-2 (A to D) with the calculation sheet behind them.

    CSV output is the calculation sheet of PI-2.1 and PI-2.2, one row per year and category.
    """
    result = pefa(read_budget(budget_path), years=years or None)
    if format is OutputFormat.JSON:
        write_json(result.to_dict(lang=language()))
        return
    if format is OutputFormat.CSV:
        rows = []
        for name in ("function", "economic"):
            for row in result.sheet(name).iter_rows(named=True):
                rows.append({"classification": name, **row})
        columns = ("classification", "year", "category", "budget", "actual", "adjusted",
                   "deviation", "absolute_deviation", "percent")  # fmt: skip
        write_csv(rows, columns)
        return
    table = RichTable(title=_("PEFA 2016: budget reliability"))
    table.add_column(_("dimension"), overflow="fold")
    for year in result.years:
        table.add_column(str(year), justify="right")
    table.add_column(_("average"), justify="right")
    table.add_column(_("score"), justify="center")
    for d in result.dimensions:
        cells = [percent(d.values.get(y)) for y in result.years]
        table.add_row(_(DIMENSIONS[d.code]), *cells, percent(d.average), d.score or "–")
    console.print(table)
    weakest = _("weakest link")
    console.print(
        f"PI-1: {result.pi1 or '–'}   PI-2 ({weakest}): {result.pi2 or '–'}",
        highlight=False,
    )
    notes = sorted({note for d in result.dimensions if (note := d.note_in(language()))})
    for note in notes:
        console.print(note, highlight=False)
    for name, title in (
        ("function", _("PI-2.1 by function")),
        ("economic", _("PI-2.2 by economic type")),
    ):
        headers = [_("budget"), _("actual"), _("adjusted budget"), _("deviation"),
                   _("absolute deviation"), _("percent")]  # fmt: skip
        sheet_rows = [
            [str(row["year"]), _(row["category"]), _amount(row["budget"]),
             _amount(row["actual"]), _amount(row["adjusted"]), _amount(row["deviation"]),
             _amount(row["absolute_deviation"]), percent(row["percent"])]
            for row in result.sheet(name).iter_rows(named=True)
        ]  # fmt: skip
        sheet = columns_table([_("year"), _("category")], headers, sheet_rows, title=title)
        console.print(sheet)


def _amount(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _estimate(e: Estimate | None, fmt: Any = _amount) -> str:
    """An estimate and, on the line below, its standard error in brackets."""
    if e is None:
        return "–"
    return f"{fmt(e.value)}\n({fmt(e.se)})"


@budget_app.command("results")
@reports_errors
def results_command(
    budget_path: BudgetArg,
    survey: Annotated[
        Path, typer.Option("--survey", help="The survey of the programmes' year (its manifest).")
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="A scenario whose baseline holds the programmes' instruments (for recipients "
            "the survey does not record, and the simulated cost).",
        ),
    ] = None,
    poor: Annotated[
        str | None,
        typer.Option(
            "--poor", help="Who is poor, an expression (default: the scenario's first line)."
        ),
    ] = None,
    programme: Annotated[
        list[str] | None, typer.Option("--programme", help="A programme (repeat; default: all).")
    ] = None,
    observations: Annotated[
        Path | None,
        typer.Option(
            "--observations",
            help="The observatory's observations (a tidy CSV: indicator, period, value, se, "
            "...) for the linked indicators' movement.",
        ),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            help="Indicator catalogue YAML of the observations (default: the demo catalogue).",
        ),
    ] = None,
    all_years: Annotated[
        bool, typer.Option("--all-years", help="Every year of the budget, not only the survey's.")
    ] = False,
    no_disclosure: NoDisclosureOpt = False,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Per programme: spending, beneficiaries, costs, coverage and leakage with standard errors.

    The linked indicators' movement and the links of the results chain where the evidence is
    weak follow the table. Survey cells go through disclosure control unless --no-disclosure.
    """
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.observatory.importing import read_csv_observations
    from insaf.policy import load_scenario
    from insaf.survey import open_survey

    spec = load_scenario(scenario) if scenario is not None else None
    observed = (
        read_csv_observations(observations, load_catalogue(catalogue or DEMO_CATALOGUE))
        if observations is not None
        else []
    )
    found = programme_results(
        read_budget(budget_path), open_survey(survey), scenario=spec, poor=poor,
        programmes=programme or None, observations=observed,
    )  # fmt: skip
    rules = None if no_disclosure else DisclosureRules()
    results = public_results(found, rules)
    if not all_years:
        results = [r for r in results if r.year == r.survey_year]
    if format is OutputFormat.JSON:
        write_json([r.to_dict(lang=language()) for r in results])
        return
    if format is OutputFormat.CSV:
        rows = []
        for r in results:
            data = r.to_dict()
            row: dict[str, Any] = {k: data[k] for k in ("programme", "year", "executed")}
            for name in ("beneficiaries", "poor_beneficiaries", "cost_per_beneficiary",
                         "cost_per_poor_beneficiary", "coverage", "leakage"):  # fmt: skip
                block = data[name] or {}
                row[name] = block.get("value")
                row[f"{name}_se"] = block.get("se")
            row["evidence_weak"] = r.evidence_weak
            rows.append(row)
        write_csv(rows, rows[0].keys() if rows else ("programme", "year"))
        return
    headers = [_("executed, millions"), _("beneficiaries"), _("cost per beneficiary"),
               _("cost per poor beneficiary"), _("coverage"), _("leakage")]  # fmt: skip
    cells = [
        [r.programme, str(r.year), _amount(r.executed / 1e6 if r.executed else None),
         _estimate(r.beneficiaries, _count), _estimate(r.cost_per_beneficiary),
         _estimate(r.cost_per_poor_beneficiary), _estimate(r.coverage, percent),
         _estimate(r.leakage, percent)]
        for r in results
    ]  # fmt: skip
    title = _("Programme results (standard errors in brackets)")
    console.print(columns_table([_("programme"), _("year")], headers, cells, title=title))
    for r in results:
        for link in r.chain:
            if link.weak:
                stage = _(link.stage)
                if link.stage == "outcomes":
                    stage += f" ({what(link.what, language())})"
                line = _("{programme} {year}, {stage}: evidence {evidence} ({reasons})").format(
                    programme=r.programme, year=r.year, stage=stage, evidence=_(link.evidence),
                    reasons=_("; ").join(link.reasons_in(language())),
                )  # fmt: skip
                console.print(line, highlight=False)


from insaf.cli import budget_incidence  # noqa: E402, F401  (registers insaf budget incidence)

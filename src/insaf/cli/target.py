"""``insaf target``: fit a proxy-means test, evaluate a rule, compare designs at equal budget."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from insaf.cli.app import command_group, console, reports_errors, wrote
from insaf.cli.i18n import N_, _, language
from insaf.cli.options import (
    FormatOpt,
    FpcOpt,
    LonelyOpt,
    NoDisclosureOpt,
    OutputFormat,
    PsuOpt,
    StrataOpt,
    SurveyArg,
    WeightOpt,
    line_or_column,
    open_from_cli,
    write_json,
)
from insaf.cli.renamed import renamed
from insaf.cli.tables import fitting, metrics_table, number, readable_rule
from insaf.disclosure import DisclosureRules
from insaf.errors import InsafError
from insaf.survey import Survey, Unit
from insaf.targeting import (
    Cutoff,
    DesignsFile,
    Evaluation,
    PmtModel,
    Rule,
    compare,
    default_designs,
    evaluate,
    evaluate_recorded,
    fit_pmt,
    write_comparison,
)
from insaf.targeting.compare import headline
from insaf.targeting.public import public_comparison, public_evaluation
from insaf.targeting.text import amount_words

__all__ = ["target_app"]

target_app = command_group(
    "target",
    "Targeting: fit a proxy-means test, evaluate a rule, compare designs at equal budget.",
)


class Selection(StrEnum):
    OLS = "ols"
    STEPWISE = "stepwise"
    LASSO = "lasso"


class Combine(StrEnum):
    AND = "and"
    OR = "or"


WelfareOpt = Annotated[
    str, typer.Option("--welfare", help="Welfare per person (household column).")
]
NetOfOpt = Annotated[
    str | None,
    typer.Option(
        "--net-of",
        help="An existing benefit (household column) to take out of welfare first, per person.",
    ),
]
LineOpt = Annotated[
    str,
    typer.Option("--line", help="Poverty line: a household column, or a number per person."),
]


def _open(
    data: Path,
    weight: str | None,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: object,
) -> Survey:
    return open_from_cli(
        data,
        weight=weight,
        strata=strata,
        psu=psu,
        fpc=fpc,
        lonely_psu=lonely_psu,  # type: ignore[arg-type]
        unit=Unit.HOUSEHOLD,
    )


def _ci(block: dict[str, float | None] | None) -> str:
    if not block or block.get("value") is None:
        return "–"
    low, high = block.get("ci_low"), block.get("ci_high")
    interval = f" [{low:.3f}, {high:.3f}]" if low is not None and high is not None else ""
    return f"{block['value']:.3f}{interval}"


@target_app.command("fit", cls=renamed({"--weights": "--unit"}))
@reports_errors
def fit_command(
    data: SurveyArg,
    proxies: Annotated[
        list[str],
        typer.Option(
            "--proxies",
            help="Proxies, comma-separated or repeated: NAME or NAME:ENCODING "
            "(numeric, log, log1p, cat), e.g. 'hhsize:log,floor:cat,tv'.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the model (JSON).")],
    welfare: WelfareOpt = "consumption_pc",
    net_of: NetOfOpt = None,
    by: Annotated[
        str | None, typer.Option("--by", help="One model per value of this household variable.")
    ] = None,
    selection: Annotated[
        Selection, typer.Option("--selection", help="ols, stepwise (forward, BIC) or lasso.")
    ] = Selection.OLS,
    unit: Annotated[
        Unit,
        typer.Option(
            "--unit",
            help="Whom the regression counts: households (household weights), or persons "
            "(household weight x size).",
        ),
    ] = Unit.HOUSEHOLD,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds (by PSU).")] = 5,
    test_share: Annotated[
        float | None,
        typer.Option("--test-share", help="Hold out this share of PSUs as a test set."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of folds, split and bootstrap.")] = 1,
    replicates: Annotated[
        int, typer.Option("--replicates", help="Bootstrap replicates (PSUs within strata).")
    ] = 100,
    line: LineOpt = "poverty_line",
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
) -> None:
    """Fit a proxy-means test (log welfare per person on proxies) and validate it honestly.

    Cross-validation and the test set move whole PSUs within strata; the model
    file holds the coefficients, the proxies with their encodings, the survey and
    seed used, and the out-of-sample metrics with bootstrap intervals.
    """
    survey = _open(data, weight, strata, psu, fpc, lonely_psu)
    model = fit_pmt(
        survey,
        proxies,
        welfare=welfare,
        net_of=net_of,
        by=by,
        selection=selection.value,
        unit=unit.value,
        folds=folds,
        test_share=test_share,
        seed=seed,
        replicates=replicates,
        line=line_or_column(line),
    )
    path = model.save(out)
    v = model.validation
    cv = v["cv"]
    title = _("PMT model ({selection}, proxies: {count})").format(
        selection=model.selection, count=len(model.proxies)
    )
    console.print(f"[bold]{escape(title)}[/bold]", highlight=False)
    rows = [
        (_("in-sample R²"), f"{v['in_sample']['r2']:.3f}"),
        (_("{folds}-fold CV R² (PSU)").format(folds=folds), _ci(cv["r2"])),
        (_("CV RMSE"), _ci(cv["rmse"])),
        (_("CV Spearman"), _ci(cv["spearman"])),
    ]
    if "test" in v:
        rows.append((_("test R²"), _ci(v["test"]["r2"])))
    rows += [
        (
            _("coverage {share}: exclusion error (poorest)").format(share=f"{row['coverage']:.0%}"),
            _ci(row["exclusion_poorest"]),
        )
        for row in cv["curve"]
        if row["coverage"] in (0.2, 0.4)
    ]
    console.print(_validation_table(rows))
    console.print(wrote([path]), highlight=False)


def _validation_table(rows: list[tuple[str, str]]) -> RichTable:
    """The model's out-of-sample metrics: a name, then its value and interval."""
    table = RichTable(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(overflow="fold")
    table.add_column(no_wrap=True)
    for name, value in rows:
        table.add_row(escape(name), value)
    return table


@target_app.command("evaluate")
@reports_errors
def evaluate_command(
    data: SurveyArg,
    model: Annotated[
        Path | None, typer.Option("--model", help="A PMT model (JSON) from insaf target fit.")
    ] = None,
    coverage: Annotated[
        float | None,
        typer.Option("--coverage", help="PMT cut-off: the poorest share of people (0-1)."),
    ] = None,
    cutoff_line: Annotated[
        bool,
        typer.Option("--cutoff-line", help="PMT cut-off: predicted welfare below the line."),
    ] = False,
    cutoff_score: Annotated[
        float | None, typer.Option("--cutoff-score", help="PMT cut-off: this score.")
    ] = None,
    eligible: Annotated[
        str | None,
        typer.Option("--eligible", help="Categorical rule, e.g. 'age < 18' (safe expression)."),
    ] = None,
    combine: Annotated[
        Combine, typer.Option("--combine", help="With a rule and a cut-off: and, or.")
    ] = Combine.AND,
    unit: Annotated[Unit, typer.Option("--unit", help="Paid per person or household.")] = (
        Unit.PERSON
    ),
    amount: Annotated[
        float | None, typer.Option("--amount", help="Benefit per unit and period.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Or: spend this much a year.")
    ] = None,
    benefit: Annotated[
        str | None,
        typer.Option(
            "--benefit",
            help="Instead of a rule: a benefit the survey records (household column), "
            "assessed against welfare without it.",
        ),
    ] = None,
    welfare: WelfareOpt = "consumption_pc",
    net_of: NetOfOpt = None,
    line: LineOpt = "poverty_line",
    poorest: Annotated[
        float, typer.Option("--poorest", help="The 'poorest q' definition of poor.")
    ] = 0.2,
    output: FormatOpt = OutputFormat.TABLE,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    no_disclosure: NoDisclosureOpt = False,
) -> None:
    """Every targeting metric of one rule, with design-based standard errors.

    The rule is a PMT cut-off (--coverage, --cutoff-line, --cutoff-score; needs
    --model), a categorical rule (--eligible), both, or neither (universal); or,
    with --benefit, a programme the survey records. Groups go through disclosure
    control (minimum count, secondary suppression) unless --no-disclosure is given.
    """
    rules = None if no_disclosure else DisclosureRules()
    survey = _open(data, weight, strata, psu, fpc, lonely_psu)
    if benefit is not None:
        if eligible is not None or model is not None or amount is not None or budget is not None:
            raise InsafError("--benefit assesses a recorded benefit: give no rule, model or amount")
        recorded = evaluate_recorded(
            survey, benefit, welfare=welfare, line=line_or_column(line), poorest=poorest
        )
        title = _("recorded benefit {name}").format(name=repr(benefit))
        _show(public_evaluation(recorded, rules), output, title)
        return
    cuts = sum([coverage is not None, cutoff_line, cutoff_score is not None])
    if cuts > 1:
        raise InsafError("give one PMT cut-off: --coverage, --cutoff-line or --cutoff-score")
    cutoff = Cutoff(coverage=coverage, line=cutoff_line, score=cutoff_score) if cuts == 1 else None
    if cutoff is not None and model is None:
        raise InsafError("a PMT cut-off needs --model (a model from insaf target fit)")
    rule = Rule(id="rule", eligible=eligible, pmt=cutoff, unit=unit.value, combine=combine.value)
    pmt = PmtModel.load(model) if model is not None else None
    result = evaluate(
        survey,
        rule,
        model=pmt,
        amount=amount,
        budget=budget,
        welfare=welfare,
        line=line_or_column(line),
        net_of=net_of,
        poorest=poorest,
    )
    _show(public_evaluation(result, rules), output, rule.describe(language()))


def _show(result: Evaluation, output: OutputFormat, title: str) -> None:
    if output is OutputFormat.JSON:
        write_json(result.to_dict())
        return
    if output is OutputFormat.CSV:
        sys.stdout.write(result.table().write_csv())
        return
    d = result.details
    console.print(f"[bold]{escape(title)}[/bold]", highlight=False)
    if "amount" in d:
        words = amount_words(
            float(d["amount"]),
            str(d["unit"]),
            str(d["period"]),
            str(d["amount_source"]),
            language(),
            number=number,
        )
        console.print(escape(words), highlight=False)
        eligible = _("eligible: {rule}").format(rule=readable_rule(d["eligible"]))
        console.print(escape(eligible), highlight=False)
    frame = result.table().filter(
        result.table()["section"].is_in(["summary", "targeting", "poverty"])
    )
    rows = [
        (
            row["measure"] + (f" ({row['definition']})" if row["definition"] else ""),
            row["value"],
            row["se"],
            row["ci_low"],
            row["ci_high"],
        )
        for row in frame.iter_rows(named=True)
    ]
    console.print(metrics_table(rows))


@target_app.command("compare")
@reports_errors
def compare_command(
    data: SurveyArg,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget", help="Budget a year (currency of the survey).", show_default=False
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the table, charts and briefs.")],
    designs: Annotated[
        Path | None,
        typer.Option("--designs", help="A designs file (YAML); by default the ten preset designs."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="A PMT model (JSON); by default the designs file's."),
    ] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    no_disclosure: NoDisclosureOpt = False,
) -> None:
    """Compare designs that spend the same budget: universal, categorical, PMT, hybrids.

    Writes comparison.json and .csv, tradeoff.svg and incidence.svg (with CSV
    data), scenario.yaml (one budget-neutral reform per design, for insaf
    simulate), and brief.en.html and brief.ar.html. Each design's groups go
    through disclosure control unless --no-disclosure is given.
    """
    spec = DesignsFile.load(designs) if designs is not None else default_designs()
    survey = _open(data, weight, strata, psu, fpc, lonely_psu)
    pmt = PmtModel.load(model) if model is not None else None
    rules = None if no_disclosure else DisclosureRules()
    result = public_comparison(compare(survey, spec, budget=budget, model=pmt), rules)
    where = str(Path(survey.path).resolve()) if survey.path else None
    written = write_comparison(result, out, survey=where)
    rows = []
    for r in result.results:
        h = headline(r.evaluation)
        rows.append(
            [
                r.spec.id,
                f"{r.amount:,.2f}",
                f"{h['coverage'].value:.1%}",
                f"{h['exclusion_error_line'].value:.1%}",
                f"{h['inclusion_error_line'].value:.1%}",
                f"{h['benefit_cost_ratio'].value:.3f}",
            ]
        )
    console.print(_designs_table(rows, console.width))
    console.print(wrote(written), highlight=False)


_DESIGN_COLUMNS = (
    N_("amount"),
    N_("coverage"),
    N_("excl. error"),
    N_("incl. error"),
    N_("gap cut/cost"),
)


def _designs_table(rows: list[list[str]], width: int) -> RichTable:
    """One row per design (its id, then its numbers), within ``width`` columns."""
    longest = max([6, *(len(r[0]) for r in rows)])
    headers, taken = fitting(
        [_(c) for c in _DESIGN_COLUMNS], [r[1:] for r in rows], width - min(longest, 30) - 2
    )
    table = RichTable(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
    table.add_column(
        _("design"), overflow="fold", min_width=max(1, min(longest, 30, width - taken))
    )
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(escape(c) for c in row))
    return table

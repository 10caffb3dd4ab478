"""``insaf dominance``: poverty incidence or deficit curves of two distributions,
their difference with its confidence band over a range of lines, and the verdict."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors
from insaf.cli.i18n import _
from insaf.cli.options import (
    AnalysisUnitOpt,
    FormatOpt,
    FpcOpt,
    LangOpt,
    LonelyOpt,
    OtherVarOpt,
    OutputFormat,
    PsuOpt,
    StrataOpt,
    SurveyArg,
    WeightOpt,
    below_from_cli,
    open_with_other,
    write_json,
)
from insaf.cli.tables import columns_table, folded, interval, number
from insaf.errors import InsafError

__all__ = ["dominance"]

VarOpt = Annotated[
    str, typer.Option("--var", help="The welfare variable (column).", show_default=False)
]
VersusOpt = Annotated[
    str | None,
    typer.Option(
        "--versus",
        help="Another variable of the same units (before a reform): a paired comparison.",
        show_default=False,
    ),
]
BetweenOpt = Annotated[
    tuple[str, str, str] | None,
    typer.Option(
        "--between", help="COL A B: group A against group B of one survey.", show_default=False
    ),
]
OtherOpt = Annotated[
    Path | None,
    typer.Option(
        "--other",
        help="Another survey (another year, another country): an independent sample.",
        show_default=False,
    ),
]
OrderOpt = Annotated[
    int, typer.Option("--order", help="1: poverty incidence curves; 2: poverty deficit curves.")
]
FromOpt = Annotated[
    float | None, typer.Option("--from", help="The lowest poverty line.", show_default=False)
]
ToOpt = Annotated[
    float | None, typer.Option("--to", help="The highest poverty line.", show_default=False)
]
PointsOpt = Annotated[int, typer.Option("--points", help="Number of lines from --from to --to.")]
LinesOpt = Annotated[
    str | None,
    typer.Option(
        "--lines",
        help="The lines themselves, separated by commas (instead of --from/--to).",
        show_default=False,
    ),
]
BelowOpt = Annotated[
    str, typer.Option("--below", help="At order 1, who is poor: '<=' (default) or '<' the line.")
]
ConfidenceOpt = Annotated[
    float, typer.Option("--confidence", help="Confidence level of the band (0-1).")
]


def _verdict(key: str) -> str:
    return {
        "dominates": _(
            "The first distribution has less poverty at every line of the range "
            "(significantly): it dominates the second."
        ),
        "dominated": _(
            "The first distribution has more poverty at every line of the range "
            "(significantly): the second dominates it."
        ),
        "cross": _(
            "The curves cross: significantly less poverty at some lines, significantly "
            "more at others."
        ),
        "not_significant": _(
            "No dominance: the difference is not significant at every line of the range."
        ),
    }[key]


def _lines(lines: str | None, low: float | None, high: float | None, points: int) -> list[float]:
    from insaf.measures.dominance import lines_between

    if lines is not None:
        if low is not None or high is not None:
            raise InsafError(_("give either --lines or --from and --to, not both"))
        try:
            return [float(v) for v in lines.split(",") if v.strip()]
        except ValueError:
            raise InsafError(
                _("--lines must be numbers separated by commas, not {value!r}").format(value=lines)
            ) from None
    if low is None or high is None:
        raise InsafError(_("give the range of poverty lines: --from and --to, or --lines"))
    return list(lines_between(low, high, points))


def _table(result: Any) -> RichTable:
    """The curves within the terminal: each survey's label folded at its spaces and the
    slashes of its path, the intervals whole (four significant digits, as estimates)."""
    title = _("Poverty incidence curves") if result.order == 1 else _("Poverty deficit curves")
    level = _("{level} CI").format(level=f"{result.confidence:.0%}")
    headers = [_("line"), *(folded(label) for label in result.labels), _("difference"), level]
    rows = [
        [number(row["line"]), number(row["first"]), number(row["second"]),
         number(row["difference"]), interval(row["ci_low"], row["ci_high"], 4)]
        for row in result.table().iter_rows(named=True)
    ]  # fmt: skip
    return columns_table([], headers, rows, title=title)


@app.command("dominance")
@reports_errors
def dominance(
    data: SurveyArg,
    var: VarOpt,
    versus: VersusOpt = None,
    between: BetweenOpt = None,
    other: OtherOpt = None,
    other_var: OtherVarOpt = None,
    order: OrderOpt = 1,
    low: FromOpt = None,
    high: ToOpt = None,
    points: PointsOpt = 21,
    lines: LinesOpt = None,
    below: BelowOpt = "<=",
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: AnalysisUnitOpt = None,
    confidence: ConfidenceOpt = 0.95,
    output: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Poverty dominance of two distributions: incidence (order 1) or deficit (order 2)
    curves over a range of lines, their difference with its confidence band, and the verdict.

    The difference is the first distribution (--var) minus the second (--versus, group B
    of --between, or --other): below zero, the first has less poverty. Standard errors
    are design-based; a paired or two-group comparison counts the covariance.
    """
    from insaf.measures.dominance import Order
    from insaf.measures.dominance import dominance as compare

    poor = below_from_cli(below)
    grid = _lines(lines, low, high, points)
    survey, second = open_with_other(data, other, weight, strata, psu, fpc, lonely_psu, unit)
    result = compare(
        survey,
        var,
        lines=grid,
        order=cast(Order, order),
        versus=versus,
        between=between,
        other=second,
        other_variable=other_var,
        below=poor,
        confidence=confidence,
        unit=unit,
    )
    if output is OutputFormat.JSON:
        write_json(result.to_dict())
        return
    if output is OutputFormat.CSV:
        sys.stdout.write(result.table().write_csv())
        return
    console.print(_table(result))
    console.print(_verdict(result.verdict))
    if result.crossings:
        console.print(
            _("The estimated curves cross near: {lines}").format(
                lines=_(", ").join(number(z) for z in result.crossings)
            )
        )

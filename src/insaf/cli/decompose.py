"""``insaf decompose``: a change in poverty split into growth and redistribution, or by
sector, with standard errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from insaf.cli.app import app, console, reports_errors
from insaf.cli.i18n import _
from insaf.cli.options import (
    FormatOpt,
    FpcOpt,
    LangOpt,
    LonelyOpt,
    OtherVarOpt,
    OutputFormat,
    PsuOpt,
    StrataOpt,
    SurveyArg,
    UnitOpt,
    WeightOpt,
    open_from_cli,
)
from insaf.cli.tables import estimates_table
from insaf.errors import InsafError
from insaf.survey import Unit

__all__ = ["decompose"]

VarOpt = Annotated[
    str, typer.Option("--var", help="The welfare variable at the end.", show_default=False)
]
VersusOpt = Annotated[
    str | None,
    typer.Option(
        "--versus",
        help="The welfare variable at the start, on the same units (before a reform).",
        show_default=False,
    ),
]
OtherOpt = Annotated[
    Path | None,
    typer.Option("--other", help="The survey at the start (an earlier year).", show_default=False),
]
LineOpt = Annotated[
    float, typer.Option("--line", help="The poverty line (a number).", show_default=False)
]
AlphaOpt = Annotated[float, typer.Option("--alpha", help="FGT alpha: 0 headcount, 1 gap.")]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Decompose by the groups of this column (within, shift, interaction) instead of "
        "into growth and redistribution.",
        show_default=False,
    ),
]
BelowOpt = Annotated[
    str, typer.Option("--below", help="Who is poor: '<' (default) or '<=' the line.")
]
ReplicatesOpt = Annotated[
    int, typer.Option("--replicates", help="Bootstrap replicates when the design has none.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap replicates.")]
ConfidenceOpt = Annotated[
    float, typer.Option("--confidence", help="Confidence level of the interval (0-1).")
]


@app.command("decompose")
@reports_errors
def decompose(
    data: SurveyArg,
    var: VarOpt,
    line: LineOpt,
    versus: VersusOpt = None,
    other: OtherOpt = None,
    other_var: OtherVarOpt = None,
    alpha: AlphaOpt = 0.0,
    by: ByOpt = None,
    below: BelowOpt = "<",
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: UnitOpt = Unit.PERSON,
    replicates: ReplicatesOpt = 200,
    seed: SeedOpt = 1,
    confidence: ConfidenceOpt = 0.95,
    output: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Decompose a change in poverty: growth against redistribution (Datt–Ravallion, and
    the Shapley split), or by sector with --by (within, population shift, interaction).

    The change is from the start (--versus, or --other) to the end (--var), in FGT
    --alpha at --line. Standard errors from the design's replicate weights, else from
    bootstrap replicates.
    """
    from insaf.measures.change import growth_redistribution, sectoral_decomposition

    if below not in ("<", "<="):
        raise InsafError(_("--below must be '<' or '<=', not {value!r}").format(value=below))
    design: dict[str, Any] = {
        "weight": weight,
        "strata": strata,
        "psu": psu,
        "fpc": fpc,
        "lonely_psu": lonely_psu,
        "unit": unit,
    }
    survey = open_from_cli(data, **design)
    start = open_from_cli(other, **design) if other is not None else None
    common: dict[str, Any] = {
        "line": line,
        "alpha": alpha,
        "versus": versus,
        "other": start,
        "other_variable": other_var,
        "below": "<" if below == "<" else "<=",
        "replicates": replicates,
        "seed": seed,
    }
    if by is None:
        result = growth_redistribution(survey, var, **common)
    else:
        result = sectoral_decomposition(survey, var, by=by, **common)
    if output is OutputFormat.JSON:
        rows = result.to_dicts(confidence)
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if output is OutputFormat.CSV:
        sys.stdout.write(result.table(confidence).write_csv())
        return
    console.print(estimates_table(result, confidence, survey.metadata, width=console.width))

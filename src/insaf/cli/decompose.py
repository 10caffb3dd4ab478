"""``insaf decompose``: a change in poverty split into growth and redistribution, or by
sector, with standard errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from insaf.cli.app import app, reports_errors
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
)
from insaf.cli.tables import print_estimates

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
    unit: AnalysisUnitOpt = None,
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

    poor = below_from_cli(below)
    survey, start = open_with_other(data, other, weight, strata, psu, fpc, lonely_psu, unit)
    common: dict[str, Any] = {
        "line": line,
        "alpha": alpha,
        "versus": versus,
        "other": start,
        "other_variable": other_var,
        "below": poor,
        "unit": unit,
        "replicates": replicates,
        "seed": seed,
    }
    if by is None:
        result = growth_redistribution(survey, var, **common)
    else:
        result = sectoral_decomposition(survey, var, by=by, **common)
    print_estimates(result, output, confidence, survey.metadata)

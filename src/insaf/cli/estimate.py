"""``insaf estimate``: one measure of one variable, by domain, with its standard error."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors
from insaf.cli.options import (
    DataArg,
    FpcOpt,
    LevelOpt,
    LonelyOpt,
    PsuOpt,
    StrataOpt,
    WeightOpt,
    open_from_cli,
)
from insaf.errors import InsafError
from insaf.measures.catalogue import LATER, MEASURES, MeasureOptions, compute
from insaf.measures.estimate import Estimates
from insaf.survey import Level

__all__ = ["estimate"]


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class VarianceChoice(StrEnum):
    AUTO = "auto"
    LINEARIZATION = "linearization"
    REPLICATES = "replicates"
    JACKKNIFE = "jackknife"
    BOOTSTRAP = "bootstrap"
    SUBBOOTSTRAP = "subbootstrap"


def _line(value: str | None) -> float | str | None:
    """A number is a poverty line; anything else names a per-unit column."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def _print(result: Estimates, fmt: OutputFormat, level: float) -> None:
    if fmt is OutputFormat.JSON:
        sys.stdout.write(json.dumps(result.to_dicts(level), ensure_ascii=False, indent=2) + "\n")
        return
    frame = result.table(level)
    if fmt is OutputFormat.CSV:
        sys.stdout.write(frame.write_csv())
        return
    table = RichTable(show_edge=False, header_style="bold")
    for column in frame.columns:
        numeric = frame.schema[column].is_numeric()
        table.add_column(column, justify="right" if numeric else "left")
    for row in frame.iter_rows():
        table.add_row(
            *("" if v is None else f"{v:.6g}" if isinstance(v, float) else str(v) for v in row)
        )
    Console(width=max(console.width, 160)).print(table)


@app.command("estimate")
@reports_errors
def estimate(
    data: DataArg,
    measure: Annotated[
        str,
        typer.Option(
            "--measure",
            help=f"One of: {', '.join(MEASURES)}. ({', '.join(LATER)}: not yet available.)",
            show_default=False,
        ),
    ],
    var: Annotated[
        str, typer.Option("--var", help="The analysis variable (column).", show_default=False)
    ],
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Domain column; repeat for cross-classified domains."),
    ] = None,
    line: Annotated[
        str | None,
        typer.Option(
            "--line", help="Absolute poverty line: a number, or a column with a line per unit."
        ),
    ] = None,
    relative: Annotated[
        float | None,
        typer.Option(
            "--relative", help="Relative line: this share of the whole population's --of."
        ),
    ] = None,
    of: Annotated[str | None, typer.Option("--of", help="median or mean (for --relative).")] = None,
    alpha: Annotated[float | None, typer.Option("--alpha", help="GE parameter alpha.")] = None,
    epsilon: Annotated[
        float | None, typer.Option("--epsilon", help="Atkinson inequality aversion.")
    ] = None,
    p: Annotated[float | None, typer.Option("--p", help="Quantile probability.")] = None,
    below: Annotated[
        str | None, typer.Option("--below", help="Who is poor: '<' (default) or '<=' the line.")
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option("--rule", help="Quantile rule: convey (default), eurostat, laeken."),
    ] = None,
    estimator: Annotated[
        str | None, typer.Option("--estimator", help="Gini estimator: osier (default) or eurostat.")
    ] = None,
    nonpositive: Annotated[
        str | None,
        typer.Option("--nonpositive", help="For log-based measures: error (default) or exclude."),
    ] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    level: LevelOpt = Level.PERSON,
    variance: Annotated[
        VarianceChoice,
        typer.Option(
            "--variance",
            help="auto uses the design's replicate weights if it has them, else linearization.",
        ),
    ] = VarianceChoice.AUTO,
    replicates: Annotated[
        int, typer.Option("--replicates", help="Number of created bootstrap replicates.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of created bootstrap replicates.")] = 1,
    ci_level: Annotated[
        float, typer.Option("--ci-level", help="Confidence level of the interval.")
    ] = 0.95,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.TABLE,
) -> None:
    """Estimate a poverty, inequality or basic measure with its design-based standard error.

    Rates and indices are fractions (0.2649, not 26.49). The JSON output is a
    list with one object per domain.
    """
    if of is not None and of not in ("median", "mean"):
        raise InsafError(f"--of must be median or mean, not {of!r}")
    if below is not None and below not in ("<", "<="):
        raise InsafError(f"--below must be '<' or '<=', not {below!r}")
    if rule is not None and rule not in ("convey", "eurostat", "laeken"):
        raise InsafError(f"--rule must be convey, eurostat or laeken, not {rule!r}")
    if estimator is not None and estimator not in ("osier", "eurostat"):
        raise InsafError(f"--estimator must be osier or eurostat, not {estimator!r}")
    if nonpositive is not None and nonpositive not in ("error", "exclude"):
        raise InsafError(f"--nonpositive must be error or exclude, not {nonpositive!r}")
    survey = open_from_cli(
        data, weight=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu, level=level
    )
    options = MeasureOptions(
        line=_line(line),
        relative=relative,
        of=of,  # type: ignore[arg-type]
        alpha=alpha,
        epsilon=epsilon,
        p=p,
        below=below,  # type: ignore[arg-type]
        rule=rule,  # type: ignore[arg-type]
        estimator=estimator,  # type: ignore[arg-type]
        nonpositive=nonpositive,  # type: ignore[arg-type]
    )
    result = compute(
        survey,
        measure,
        var,
        options=options,
        by=by or None,
        variance=variance.value,
        replicates=replicates,
        seed=seed,
    )
    _print(result, output, ci_level)

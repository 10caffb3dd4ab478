"""``insaf estimate``: one measure of one variable, by domain, with its standard error."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors
from insaf.cli.options import (
    RENAMED_DESIGN_FLAGS,
    FpcOpt,
    LonelyOpt,
    PsuOpt,
    StrataOpt,
    SurveyArg,
    UnitOpt,
    WeightOpt,
    open_from_cli,
)
from insaf.cli.renamed import renamed
from insaf.errors import InsafError
from insaf.measures.equity import gap as equity_gap
from insaf.measures.estimate import Estimates
from insaf.measures.registry import MEASURES, MeasureOptions, compute
from insaf.survey import Unit

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


def _names(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeated options and comma-separated lists: ``--x a --x b`` or ``--x a,b``."""
    if not values:
        return None
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _print(result: Estimates, fmt: OutputFormat, confidence: float) -> None:
    if fmt is OutputFormat.JSON:
        sys.stdout.write(
            json.dumps(result.to_dicts(confidence), ensure_ascii=False, indent=2) + "\n"
        )
        return
    frame = result.table(confidence)
    if fmt is OutputFormat.CSV:
        sys.stdout.write(frame.write_csv())
        return
    table = RichTable(show_edge=False, header_style="bold")
    for column in frame.columns:
        numeric = frame.schema[column].is_numeric()
        table.add_column(column, justify="right" if numeric else "left")
    for row in frame.iter_rows():
        table.add_row(
            *(
                "" if v is None else f"{v:.6g}" if isinstance(v, float) else escape(str(v))
                for v in row
            )
        )
    Console(width=max(console.width, 160)).print(table)


@app.command("estimate", cls=renamed({**RENAMED_DESIGN_FLAGS, "--ci-level": "--confidence"}))
@reports_errors
def estimate(
    data: SurveyArg,
    measure: Annotated[
        str,
        typer.Option(
            "--measure",
            help=f"One of: {', '.join(MEASURES)}.",
            show_default=False,
        ),
    ],
    var: Annotated[
        str | None,
        typer.Option(
            "--var",
            help="The analysis variable (column); for hoi the 0/1 access indicator; not for mpi.",
            show_default=False,
        ),
    ] = None,
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
    spec: Annotated[
        str | None,
        typer.Option(
            "--spec",
            help="For mpi: a preset (global, arab) or the path of an MPI specification (YAML).",
        ),
    ] = None,
    circumstances: Annotated[
        list[str] | None,
        typer.Option(
            "--circumstances",
            help="For hoi: circumstance columns (repeat the option, or separate with commas).",
        ),
    ] = None,
    categorical: Annotated[
        list[str] | None,
        typer.Option(
            "--categorical",
            help="For hoi: circumstances to enter as one indicator per category.",
        ),
    ] = None,
    among: Annotated[
        str | None,
        typer.Option(
            "--among",
            help="For hoi: the population, as an SQL condition (e.g. 'age >= 6 AND age <= 14').",
        ),
    ] = None,
    gap: Annotated[
        tuple[str, str, str] | None,
        typer.Option(
            "--gap",
            help="COL A B: the measure in groups A and B of COL, their difference and ratio "
            "(standard errors from the joint influence values).",
            show_default=False,
        ),
    ] = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: UnitOpt = Unit.PERSON,
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
    confidence: Annotated[
        float, typer.Option("--confidence", help="Confidence level of the interval (0-1).")
    ] = 0.95,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.TABLE,
) -> None:
    """Estimate a poverty, inequality, multidimensional poverty, opportunity or basic
    measure with its design-based standard error.

    Rates and indices are fractions (0.2649, not 26.49). The JSON output is a
    list with one object per domain (and per statistic for mpi, hoi and --gap).
    """
    if not 0.0 < confidence < 1.0:
        raise InsafError(f"--confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")
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
        data, weight=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=lonely_psu, unit=unit
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
        spec=spec,
        circumstances=_names(circumstances),
        categorical=_names(categorical),
        among=among,
    )
    if gap is not None:
        result = equity_gap(
            survey,
            measure,
            var,
            between=gap,
            options=options,
            by=by or None,
            variance=variance.value,
            replicates=replicates,
            seed=seed,
        )
    else:
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
    _print(result, output, confidence)

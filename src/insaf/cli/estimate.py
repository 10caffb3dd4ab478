"""``insaf estimate``: one measure of one variable, by domain, with its standard error."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, get_args

import typer

from insaf.cli.app import app, reports_errors
from insaf.cli.engines import EngineOpt, engine_name, say_choice
from insaf.cli.i18n import _, language
from insaf.cli.options import (
    RENAMED_DESIGN_FLAGS,
    AnalysisUnitOpt,
    CalibrationOpt,
    FormatOpt,
    FpcOpt,
    LangOpt,
    LonelyOpt,
    MseOpt,
    OutputFormat,
    PsuOpt,
    ReplicateMethodOpt,
    ReplicateScaleOpt,
    ReplicateWeightsOpt,
    StrataOpt,
    SurveyArg,
    WeightOpt,
    design_from_cli,
    line_or_column,
    open_designed,
)
from insaf.cli.renamed import renamed
from insaf.cli.tables import print_estimates
from insaf.errors import InsafError
from insaf.measures.engine import (
    Choice,
    DatasetInput,
    Engine,
    choose,
    dataset_input,
    estimate_out_of_core,
    takes_replicates,
)
from insaf.measures.equity import gap as equity_gap
from insaf.measures.estimate import Estimates
from insaf.measures.registry import MEASURES, OPTIONS, MeasureOptions, compute, measure_labels
from insaf.measures.types import Below, GiniEstimator, NonPositive, QuantileRule, RelativeOf
from insaf.survey import DesignOptions, Metadata, Unit
from insaf.survey.io import parquet_files, read_metadata

__all__ = ["estimate"]


class VarianceChoice(StrEnum):
    AUTO = "auto"
    LINEARIZATION = "linearization"
    REPLICATES = "replicates"
    JACKKNIFE = "jackknife"
    BOOTSTRAP = "bootstrap"
    SUBBOOTSTRAP = "subbootstrap"


# -- the measure's options: one flag per field of MeasureOptions, same name ---------------

MeasureArg = Annotated[
    str, typer.Option("--measure", help=f"One of: {', '.join(MEASURES)}.", show_default=False)
]
VarOpt = Annotated[
    str | None,
    typer.Option(
        "--var",
        help="The analysis variable (column); for hoi the 0/1 access indicator; not for mpi.",
        show_default=False,
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="Domain column; repeat for cross-classified domains."),
]
LineOpt = Annotated[
    str | None,
    typer.Option(
        "--line", help="Absolute poverty line: a number, or a column with a line per unit."
    ),
]
RelativeOpt = Annotated[
    float | None,
    typer.Option("--relative", help="Relative line: this share of the whole population's --of."),
]
OfOpt = Annotated[str | None, typer.Option("--of", help="median or mean (for --relative).")]
AlphaOpt = Annotated[float | None, typer.Option("--alpha", help="GE parameter alpha.")]
EpsilonOpt = Annotated[
    float | None, typer.Option("--epsilon", help="Atkinson inequality aversion.")
]
POpt = Annotated[float | None, typer.Option("--p", help="Quantile probability.")]
BelowOpt = Annotated[
    str | None, typer.Option("--below", help="Who is poor: '<' (default) or '<=' the line.")
]
RuleOpt = Annotated[
    str | None, typer.Option("--rule", help="Quantile rule: convey (default), eurostat, laeken.")
]
EstimatorOpt = Annotated[
    str | None, typer.Option("--estimator", help="Gini estimator: osier (default) or eurostat.")
]
NonpositiveOpt = Annotated[
    str | None,
    typer.Option("--nonpositive", help="For log-based measures: error (default) or exclude."),
]
ValueOpt = Annotated[
    str | None,
    typer.Option(
        "--value",
        help="For proportion: the value counted: a number, a category of a text column, or "
        "a value label (default: a 0/1 column).",
    ),
]
SeOpt = Annotated[
    str | None,
    typer.Option(
        "--se",
        help="For quantile and median: kernel (default; linearized with a kernel density) or "
        "woodruff (R svyquantile's interval, at --confidence).",
    ),
]
RankByOpt = Annotated[
    str | None,
    typer.Option("--rank-by", help="For concentration: the column that ranks the units."),
]
SpecOpt = Annotated[
    str | None,
    typer.Option(
        "--spec",
        help="For mpi: a preset (global, arab) or the path of an MPI specification (YAML).",
    ),
]
CircumstancesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--circumstances",
        help="For hoi: circumstance columns (repeat the option, or separate with commas).",
    ),
]
CategoricalOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--categorical", help="For hoi: circumstances to enter as one indicator per category."
    ),
]
AmongOpt = Annotated[
    str | None,
    typer.Option(
        "--among",
        help="For hoi: the population, as an SQL condition (e.g. 'age >= 6 AND age <= 14').",
    ),
]
GapOpt = Annotated[
    tuple[str, str, str] | None,
    typer.Option(
        "--gap",
        help="COL A B: the measure in groups A and B of COL, their difference and ratio "
        "(standard errors from the joint influence values).",
        show_default=False,
    ),
]
VarianceOpt = Annotated[
    VarianceChoice,
    typer.Option(
        "--variance",
        help="auto uses the design's replicate weights if it has them, else linearization.",
    ),
]
ReplicatesOpt = Annotated[
    int, typer.Option("--replicates", help="Number of created bootstrap replicates.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of created bootstrap replicates.")]
ConfidenceOpt = Annotated[
    float, typer.Option("--confidence", help="Confidence level of the interval (0-1).")
]

_CHOICES: dict[str, tuple[str, ...]] = {
    "of": get_args(RelativeOf),
    "below": get_args(Below),
    "rule": get_args(QuantileRule),
    "estimator": get_args(GiniEstimator),
    "nonpositive": get_args(NonPositive),
    "se": ("kernel", "woodruff"),
}
_LISTS = ("circumstances", "categorical")


def _names(values: list[str]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists: ``--x a --x b`` or ``--x a,b``."""
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def measure_options(params: Mapping[str, Any]) -> MeasureOptions:
    """The ``MeasureOptions`` of the command's flags (one flag per field, same name):
    choices checked, lists split, a numeric ``--line`` read as a number."""
    given: dict[str, Any] = {}
    for name in OPTIONS:
        value = params.get(name)
        if value is None or value in ([], ()):
            continue
        choices = _CHOICES.get(name)
        if choices is not None and value not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise InsafError(f"--{name} must be one of {allowed}, not {value!r}")
        if name == "confidence" and params.get("se") != "woodruff":
            continue  # a Woodruff interval is made at its level; others take it when printed
        if name in _LISTS:
            value = _names(value)
        elif name in ("line", "value"):
            value = line_or_column(value)
        given[name] = value
    return MeasureOptions(**given)


def _say(choice: Choice, measure: str) -> None:
    """Which engine estimates a Parquet dataset, and why (on stderr)."""
    say_choice(choice, measure_labels(language()).get(measure.lower(), measure))


def _out_of_core(
    choice: Choice,
    data: DatasetInput,
    measure: str,
    var: str | None,
    options: MeasureOptions,
    design: DesignOptions,
    by: list[str] | None,
    refused: Mapping[str, bool],
) -> Estimates:
    """The measure on the streamed engine or Spark; options they do not take are refused.
    The design options override the manifest's of a survey in parts."""
    for flag, given in refused.items():
        if given:
            raise InsafError(
                _("{flag} is not taken by the {engine} engine").format(
                    flag=flag, engine=engine_name(choice.engine)
                )
            )
    return estimate_out_of_core(
        choice.engine,
        data.source,
        measure,
        var,
        design=design.apply(data.design, file=str(data.path)),
        options=options,
        by=by or None,
    )


def _labels(data: DatasetInput) -> Metadata:
    """The labels of a survey in parts (its manifest's); those a Parquet dataset
    carries, as ``open_survey`` reads them in memory: its first file's (footer only)."""
    if data.metadata is not None:
        return data.metadata
    return read_metadata(parquet_files(data.source)[0])


@app.command("estimate", cls=renamed({**RENAMED_DESIGN_FLAGS, "--ci-level": "--confidence"}))
@reports_errors
def estimate(
    ctx: typer.Context,
    data: SurveyArg,
    measure: MeasureArg,
    var: VarOpt = None,
    by: ByOpt = None,
    line: LineOpt = None,
    relative: RelativeOpt = None,
    of: OfOpt = None,
    alpha: AlphaOpt = None,
    epsilon: EpsilonOpt = None,
    p: POpt = None,
    below: BelowOpt = None,
    rule: RuleOpt = None,
    estimator: EstimatorOpt = None,
    nonpositive: NonpositiveOpt = None,
    value: ValueOpt = None,
    se: SeOpt = None,
    rank_by: RankByOpt = None,
    spec: SpecOpt = None,
    circumstances: CircumstancesOpt = None,
    categorical: CategoricalOpt = None,
    among: AmongOpt = None,
    gap: GapOpt = None,
    weight: WeightOpt = None,
    strata: StrataOpt = None,
    psu: PsuOpt = None,
    fpc: FpcOpt = None,
    lonely_psu: LonelyOpt = None,
    unit: AnalysisUnitOpt = None,
    calibration: CalibrationOpt = None,
    replicate_weights: ReplicateWeightsOpt = None,
    replicate_method: ReplicateMethodOpt = None,
    replicate_scale: ReplicateScaleOpt = None,
    mse: MseOpt = False,
    variance: VarianceOpt = VarianceChoice.AUTO,
    replicates: ReplicatesOpt = 200,
    seed: SeedOpt = 1,
    engine: EngineOpt = Engine.AUTO,
    confidence: ConfidenceOpt = 0.95,
    output: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Estimate a poverty, inequality, multidimensional poverty, opportunity or basic
    measure with its design-based standard error.

    Rates and indices are fractions (0.2649, not 26.49). The JSON output is a
    list with one object per domain (and per statistic for mpi, hoi and --gap).
    """
    if not 0.0 < confidence < 1.0:
        raise InsafError(
            _("--confidence must be between 0 and 1 (e.g. 0.95), not {value}").format(
                value=confidence
            )
        )
    options = measure_options(ctx.params)
    read = [weight, strata, psu, fpc, var, line, *(by or [])]
    choice = choose(data, measure, engine=engine, columns=read)
    if choice.held is not None:
        _say(choice, measure)
    design_options = design_from_cli(
        weight=weight,
        strata=strata,
        psu=psu,
        fpc=fpc,
        lonely_psu=lonely_psu,
        replicate_weights=replicate_weights,
        replicate_method=replicate_method,
        replicate_scale=replicate_scale,
        mse=mse,
    )
    if choice.engine is not Engine.MEMORY:
        accepted = VarianceChoice.REPLICATES if replicate_weights else VarianceChoice.LINEARIZATION
        line_column = options.line if isinstance(options.line, str) else None
        found = dataset_input(data, [var, line_column, rank_by, *(by or [])])
        refused = {
            "--gap": gap is not None,
            "--calibration": calibration is not None,
            "--replicate-weights": bool(replicate_weights)
            and not takes_replicates(measure, choice.engine),
            "--variance": variance not in (VarianceChoice.AUTO, accepted),
            # a survey in parts is streamed from its persons' rows: its estimates count persons
            "--unit household": unit is Unit.HOUSEHOLD and found.design is not None,
        }
        result = _out_of_core(choice, found, measure, var, options, design_options, by, refused)
        print_estimates(result, output, confidence, _labels(found))
        return
    survey = open_designed(data, design_options, unit=unit or Unit.PERSON, calibration=calibration)
    design: dict[str, Any] = {
        "by": by or None,
        "unit": unit,
        "variance": variance.value,
        "replicates": replicates,
        "seed": seed,
    }
    if gap is not None:
        result = equity_gap(survey, measure, var, between=gap, options=options, **design)
    else:
        result = compute(survey, measure, var, options=options, **design)
    print_estimates(result, output, confidence, survey.metadata)

"""Options shared by the commands: the survey and its design, and the output format.

The flag names match the Python arguments and the manifest keys: ``--weight``,
``--strata``, ``--psu``, ``--fpc``, ``--lonely-psu``, ``--unit`` (docs/glossary.md).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypedDict, Unpack

import typer

from insaf.cli.i18n import _, set_language
from insaf.errors import InsafError
from insaf.survey import (
    DesignOptions,
    LonelyPSU,
    ReplicateMethod,
    Replicates,
    Survey,
    Unit,
    open_survey,
)

if TYPE_CHECKING:
    from insaf.measures.types import Below

__all__ = [
    "RENAMED_DESIGN_FLAGS",
    "AnalysisUnitOpt",
    "CalibrationOpt",
    "DesignFlags",
    "FormatOpt",
    "FpcOpt",
    "LangOpt",
    "LonelyOpt",
    "MseOpt",
    "NoDisclosureOpt",
    "OtherVarOpt",
    "OutputFormat",
    "PsuOpt",
    "ReplicateMethodOpt",
    "ReplicateScaleOpt",
    "ReplicateWeightsOpt",
    "StrataOpt",
    "SurveyArg",
    "UnitOpt",
    "WeightOpt",
    "below_from_cli",
    "design_from_cli",
    "line_or_column",
    "open_designed",
    "open_from_cli",
    "open_with_other",
    "write_csv",
    "write_json",
]


def _speak(value: str | None) -> str | None:
    if value is not None:
        if value not in ("en", "ar"):
            raise typer.BadParameter(f"en or ar, not {value!r}")
        set_language(value)
    return value


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        callback=_speak,
        is_eager=True,
        help="Language of the messages and tables (en, ar); by default the locale's (LANG=ar_...).",
        show_default=False,
    ),
]
"""``--lang``: the CLI's language for this command (insaf.cli.i18n)."""

RENAMED_DESIGN_FLAGS = {"--level": "--unit"}
"""Old design flags still read for one release (``insaf.cli.renamed``)."""

SurveyArg = Annotated[
    Path,
    typer.Argument(
        metavar="SURVEY",
        help="A survey manifest (survey.yaml), a folder holding one, a single data file "
        "(.csv, .parquet, .dta, .sav), or a folder of Parquet files (a partitioned dataset).",
        show_default=False,
    ),
]
WeightOpt = Annotated[
    str | None, typer.Option("--weight", help="Column holding the sampling weight.")
]
StrataOpt = Annotated[str | None, typer.Option("--strata", help="Column holding the stratum.")]
PsuOpt = Annotated[
    str | None, typer.Option("--psu", help="Column holding the primary sampling unit.")
]
FpcOpt = Annotated[
    str | None,
    typer.Option(
        "--fpc",
        help="Column holding the population number of PSUs in the stratum, or the sampling "
        "fraction (read as R's survey package reads it).",
    ),
]
LonelyOpt = Annotated[
    LonelyPSU | None,
    typer.Option(
        "--lonely-psu", help="Rule for strata with a single PSU (as R's survey.lonely.psu)."
    ),
]
ReplicateWeightsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--replicate-weights",
        help="Columns holding replicate weights (repeat the option, or separate with commas); "
        "with --replicate-method they are the design's replicates.",
        show_default=False,
    ),
]
ReplicateMethodOpt = Annotated[
    ReplicateMethod | None,
    typer.Option(
        "--replicate-method", help="How the replicate weights were made.", show_default=False
    ),
]
ReplicateScaleOpt = Annotated[
    float | None,
    typer.Option(
        "--replicate-scale",
        help="The replicates' scale; by default R svrepdesign's for the method.",
        show_default=False,
    ),
]
MseOpt = Annotated[
    bool,
    typer.Option(
        "--mse/--no-mse",
        help="Centre the replicates on the full-sample estimate (default: on their mean, as R).",
    ),
]
CalibrationOpt = Annotated[
    Path | None,
    typer.Option(
        "--calibration",
        help="A YAML file of population totals (the 'calibration:' part of a survey.yaml): "
        "the weights are calibrated to them before estimating.",
        show_default=False,
    ),
]
UnitOpt = Annotated[
    Unit,
    typer.Option("--unit", help="For a single data file: what its rows are (person, household)."),
]
AnalysisUnitOpt = Annotated[
    Unit | None,
    typer.Option(
        "--unit",
        help="The unit of analysis: persons or households (default: persons where the "
        "survey has them, else households). For a single data file, also what its rows "
        "are (default: persons).",
        show_default=False,
    ),
]
OtherVarOpt = Annotated[
    str | None,
    typer.Option(
        "--other-var", help="The variable in --other (default: --var).", show_default=False
    ),
]
"""The variable of a second survey (``--other``) compared with this one's ``--var``."""
NoDisclosureOpt = Annotated[
    bool,
    typer.Option(
        "--no-disclosure",
        help="Show every group, even those below the minimum count (your own use only).",
    ),
]


def line_or_column(value: str) -> float | str:
    """A ``--line`` as given: a number is the poverty line itself; anything else names
    the column that holds each unit's line."""
    try:
        return float(value)
    except ValueError:
        return value


def replicates_from_cli(
    columns: list[str] | None,
    method: ReplicateMethod | None,
    scale: float | None,
    mse: bool,
) -> Replicates | None:
    """The replicate weights named by ``--replicate-weights`` (columns, repeated or
    separated by commas) and ``--replicate-method``, ``--replicate-scale``, ``--mse``."""
    if not columns:
        return None
    if method is None:
        raise typer.BadParameter("--replicate-weights needs --replicate-method")
    names = tuple(c.strip() for v in columns for c in v.split(",") if c.strip())
    return Replicates(columns=names, method=method, scale=scale, mse=mse)


class DesignFlags(TypedDict, total=False):
    """The design flags of a command (``--weight`` ... ``--mse``), by their Python names."""

    weight: str | None
    strata: str | None
    psu: str | None
    fpc: str | None
    lonely_psu: LonelyPSU | None
    replicate_weights: list[str] | None
    replicate_method: ReplicateMethod | None
    replicate_scale: float | None
    mse: bool


def design_from_cli(**flags: Unpack[DesignFlags]) -> DesignOptions:
    """The design options given on the command line, which override the manifest's."""
    replicates = replicates_from_cli(
        flags.get("replicate_weights"),
        flags.get("replicate_method"),
        flags.get("replicate_scale"),
        flags.get("mse", False),
    )
    return DesignOptions(
        weight=flags.get("weight"),
        strata=flags.get("strata"),
        psu=flags.get("psu"),
        fpc=flags.get("fpc"),
        lonely_psu=flags.get("lonely_psu"),
        replicates=replicates,
    )


def open_from_cli(
    data: Path,
    *,
    unit: Unit = Unit.PERSON,
    calibration: Path | None = None,
    **design: Unpack[DesignFlags],
) -> Survey:
    """Open the survey named on the command line, design options overriding the manifest's;
    with ``calibration``, a YAML file of totals, its weights calibrated to them."""
    return open_designed(data, design_from_cli(**design), unit=unit, calibration=calibration)


def open_designed(
    data: Path, design: DesignOptions, *, unit: Unit, calibration: Path | None
) -> Survey:
    """Open ``data`` with the ``design`` options (``design_from_cli``); with
    ``calibration``, a YAML file of totals, its weights calibrated to them."""
    survey = open_survey(data, design=design, unit=unit)
    if calibration is None:
        return survey
    from insaf.specs import load_spec
    from insaf.survey.calibration import apply_calibration
    from insaf.survey.manifest import CalibrationSpec

    return apply_calibration(survey, load_spec(CalibrationSpec, calibration))


def open_with_other(
    data: Path,
    other: Path | None,
    weight: str | None,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: LonelyPSU | None,
    unit: Unit | None,
) -> tuple[Survey, Survey | None]:
    """The survey named on the command line and, when ``--other`` names one, the other
    survey, both opened with the same design options (a single data file's rows at
    ``unit``, persons when it is ``None``)."""
    design: dict[str, Any] = {
        "weight": weight,
        "strata": strata,
        "psu": psu,
        "fpc": fpc,
        "lonely_psu": lonely_psu,
        "unit": unit or Unit.PERSON,
    }
    survey = open_from_cli(data, **design)
    return survey, open_from_cli(other, **design) if other is not None else None


def below_from_cli(below: str) -> Below:
    """``--below`` as given: who is poor, ``<`` or ``<=`` the line; anything else is refused."""
    if below not in ("<", "<="):
        raise InsafError(_("--below must be '<' or '<=', not {value!r}").format(value=below))
    return "<" if below == "<" else "<="


class OutputFormat(StrEnum):
    """How a command prints its result: a table to read, JSON or CSV for programs."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Iterable[str]) -> None:
    """``rows`` as CSV on standard output, one column per name of ``columns``."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_json(value: Any) -> None:
    """``value`` as indented JSON on standard output, non-ASCII text (Arabic) as it is."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")

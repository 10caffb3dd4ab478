"""``insaf observatory compute|import|export``: the Social Observatory's data jobs.

Each command works on the platform's database (``--data`` folder, or
``DATABASE_URL``) through the observatory's services
(``insaf.web.observatory.services``), never the ORM: ``compute`` and
``import`` apply disclosure control and publish; ``export`` writes what is
published.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from insaf.cli.app import command_group, console, reports_errors
from insaf.cli.i18n import _

observatory_app = command_group(
    "observatory",
    "Social Observatory: compute indicators from surveys, import and export observations.",
)

DataOpt = Annotated[
    Path, typer.Option("--data", help="The platform's data folder (SQLite database).")
]


class Format(StrEnum):
    CSV = "csv"
    SDMX = "sdmx"


def _setup(data: Path) -> None:
    from insaf.web import server

    server.setup(data)
    server.prepare(demo=False, say=lambda text: console.print(text, highlight=False))


def _survey_key(path: Path, data: Path) -> str:
    """``folder:<name>`` when the survey is the folder ``<data>/surveys/<name>`` (impact
    statements can then open it again), else empty."""
    folder = path.parent if path.name.endswith((".yaml", ".yml")) else path
    surveys = (data / "surveys").resolve()
    return f"folder:{folder.resolve().name}" if folder.resolve().parent == surveys else ""


def _report(label: str, report: object) -> None:
    counts = {
        name: getattr(report, name, 0)
        for name in ("cells", "published", "caution", "primary", "secondary")
    }
    console.print(
        _(
            "{label}: {cells} cells, {published} published ({caution} with a caution flag), "
            "{primary} suppressed, {secondary} suppressed to protect them"
        ).format(label=label, **counts),
        highlight=False,
    )


@observatory_app.command("compute")
@reports_errors
def compute(
    surveys: Annotated[
        list[Path],
        typer.Argument(
            metavar="SURVEYS...",
            help="Survey manifests (survey.yaml) or folders holding one; one per year.",
        ),
    ],
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Indicator catalogue YAML (default: the demo catalogue)."),
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="Only this indicator (repeatable).")
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Compute indicators on surveys, apply disclosure control and publish the results."""
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.observatory.compute import compute_catalogue
    from insaf.survey import open_survey

    spec = load_catalogue(catalogue or DEMO_CATALOGUE)
    _setup(data)
    from insaf.web.observatory import services

    services.sync_catalogue(actor=None, catalogue=spec)
    for path in surveys:
        survey = open_survey(path)
        observations = compute_catalogue(spec, survey, indicators=indicator)
        report = services.publish(
            actor=None,
            observations=observations,
            source=f"compute {path}",
            survey=_survey_key(path, data),
        )
        _report(f"{path} ({survey.year})", report)


@observatory_app.command("import")
@reports_errors
def import_(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="Tidy CSV, or an SDMX-ML / SDMX-CSV data message."),
    ],
    format: Annotated[Format, typer.Option("--format", help="File format.")] = Format.CSV,
    data: DataOpt = Path("data"),
) -> None:
    """Import observations, apply disclosure control and publish them."""
    from insaf.observatory import read_csv_observations, read_sdmx_observations

    _setup(data)
    from insaf.web.observatory import services
    from insaf.web.observatory.catalogue import stored_catalogue

    spec = stored_catalogue()
    if format is Format.CSV:
        observations = read_csv_observations(file, spec)
    else:
        observations = read_sdmx_observations(file, spec)
    report = services.publish(actor=None, observations=observations, source=f"import {file.name}")
    _report(str(file), report)


@observatory_app.command("export")
@reports_errors
def export(
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="File to write ('-' for standard output).")
    ],
    format: Annotated[
        Format, typer.Option("--format", help="csv (tidy) or sdmx (SDMX-CSV).")
    ] = Format.CSV,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Only this indicator.")
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Write the published observations (suppressed cells without numbers)."""
    from insaf.observatory.export import write_csv, write_sdmx_csv

    _setup(data)
    from insaf.web.observatory import services
    from insaf.web.observatory.catalogue import stored_catalogue

    observations = services.published_observations(indicator or None)
    handle = sys.stdout if str(out) == "-" else out.open("w", encoding="utf-8", newline="")
    try:
        if format is Format.CSV:
            count = write_csv(observations, handle, dimensions=services.dimension_codes())
        else:
            count = write_sdmx_csv(observations, handle, catalogue=stored_catalogue())
    finally:
        if handle is not sys.stdout:
            handle.close()
    if str(out) != "-":
        console.print(
            _("{count} observations written to {out}").format(count=count, out=out),
            highlight=False,
        )

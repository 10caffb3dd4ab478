"""``insaf synth``: write the synthetic demo country's survey to a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors, written_since, wrote
from insaf.cli.progress import steps_progress
from insaf.survey import Format, Survey, write_survey
from insaf.survey.synth import STEPS, SynthOptions, description, synthesize

__all__ = ["synth_command"]

_WRITE = "write"
_DEFAULT = SynthOptions()


@app.command("synth")
@reports_errors
def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the survey into.")],
    households: Annotated[
        int, typer.Option("--households", help="Responding households in the sample.")
    ] = _DEFAULT.households,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (0 or more).")] = _DEFAULT.seed,
    year: Annotated[int, typer.Option("--year", help="Survey year (2010-2035).")] = _DEFAULT.year,
    format: Annotated[
        Format, typer.Option("--format", help="File format of the tables.")
    ] = Format.PARQUET,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the labels in .dta and .sav files (en, ar).")
    ] = "en",
    take: Annotated[
        int, typer.Option("--take", help="Households selected per enumeration area.")
    ] = _DEFAULT.take,
) -> None:
    """Build a synthetic survey of the demo country (clearly labelled synthetic).

    Household, person and consumption-by-item tables with a two-stage
    stratified cluster design, bilingual labels and the policies in force,
    plus the survey.yaml manifest. The same seed and year give the same data.
    """
    options = SynthOptions(households=households, seed=seed, year=year, take=take)
    started = time.perf_counter()
    began = time.time() - 1.0
    with steps_progress([*STEPS, _WRITE]) as step:
        survey = synthesize(households, seed, year, take=take, progress=step)
        step(_WRITE)
        manifest = write_survey(
            survey, out, format=format, lang=lang, description=description(options)
        )
    _summary(survey, written_since(manifest.parent, began), time.perf_counter() - started)


def _summary(survey: Survey, files: list[Path], seconds: float) -> None:
    population = survey.policy["population"]
    table = RichTable(show_header=False, box=None)
    table.add_column()
    table.add_column(justify="right")
    table.add_row("households", f"{survey.n_households or 0:,}")
    table.add_row("persons", f"{survey.n_persons or 0:,}")
    for name, items in survey.items.items():
        table.add_row(f"{name} rows", f"{items.height:,}")
    table.add_row("population (households)", f"{population['households']:,.0f}")
    table.add_row("population (persons)", f"{population['persons']:,.0f}")
    table.add_row("seconds", f"{seconds:.1f}")
    console.print(f"[bold]{survey.name.en}[/]", highlight=False)
    console.print(table)
    console.print(wrote(files), highlight=False)

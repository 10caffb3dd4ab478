"""``insaf synth``: write the synthetic demo country's survey to a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors, written_since, wrote
from insaf.cli.i18n import _, language
from insaf.cli.progress import count_progress, steps_progress
from insaf.errors import DataError
from insaf.survey import Format, Survey, write_survey
from insaf.survey.synth import STEPS, SynthOptions, description, synthesize
from insaf.survey.synth.output import check_synth_output
from insaf.survey.synth.partitioned import (
    DEFAULT_CHUNK,
    MANIFEST,
    TABLES,
    Chunk,
    Written,
    write_partitioned,
)

__all__ = ["synth_command"]

_WRITE = "write"
_DEFAULT = SynthOptions()


@app.command("synth")
@reports_errors
def synth_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the survey into.")],
    households: Annotated[
        int,
        typer.Option(
            "--households",
            help="Responding households in the sample; with --partitioned, "
            "households in the whole country.",
        ),
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
    partitioned: Annotated[
        bool,
        typer.Option(
            "--partitioned",
            help="Write a census of the whole country (every household, weight 1) as "
            "Parquet files partitioned by governorate, one chunk in memory at a time.",
        ),
    ] = False,
    chunk: Annotated[
        int,
        typer.Option(
            "--chunk",
            help="With --partitioned: households made and written at a time "
            "(memory grows with it; the data do not change).",
        ),
    ] = DEFAULT_CHUNK,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Write over what the folder holds: with --partitioned, into a folder "
            "that is not empty, replacing an earlier run's tables; otherwise over a "
            "survey that insaf synth did not make (a synthetic one is written over "
            "without asking).",
        ),
    ] = False,
) -> None:
    """Build a synthetic survey of the demo country (clearly labelled synthetic).

    Household, person and consumption-by-item tables with a two-stage
    stratified cluster design, bilingual labels and the policies in force,
    plus the survey.yaml manifest. The same seed and year give the same data.
    With --partitioned, a census of the whole country (tens of millions of
    households if asked) in Parquet partitions by governorate, each person
    row carrying its household's design and welfare, for the streamed engine.
    """
    _check_options(ctx, partitioned=partitioned, format=format)
    if partitioned:
        _partitioned(out, households, seed=seed, year=year, chunk=chunk, overwrite=overwrite)
        return
    options = SynthOptions(households=households, seed=seed, year=year, take=take)
    check_synth_output(out, overwrite=overwrite)
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
    table.add_row(_("households"), f"{survey.n_households or 0:,}")
    table.add_row(_("persons"), f"{survey.n_persons or 0:,}")
    for name, items in survey.items.items():
        table.add_row(_("rows in {table}").format(table=name), f"{items.height:,}")
    table.add_row(_("population (households)"), f"{population['households']:,.0f}")
    table.add_row(_("population (persons)"), f"{population['persons']:,.0f}")
    table.add_row(_("seconds"), f"{seconds:.1f}")
    name = survey.name.get(language()) or _("survey")
    console.print(f"[bold]{escape(name)}[/]", highlight=False)
    console.print(table)
    console.print(wrote(files), highlight=False)


def _check_options(ctx: typer.Context, *, partitioned: bool, format: Format) -> None:
    """Refuse options that do not apply: a census is Parquet, has no take and no
    label language; a sample has no chunk."""
    given = []
    for name in ("take", "lang", "chunk"):
        source = ctx.get_parameter_source(name)  # typer's own copy of click's enum: by name
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            given.append(name)
    if partitioned and format is not Format.PARQUET:
        raise DataError(
            _("--partitioned writes Parquet only, not {format}").format(format=format.value)
        )
    wrong = [n for n in given if (n in ("take", "lang")) == partitioned]
    if wrong:
        options = ", ".join(f"--{n}" for n in wrong)
        message = (
            _("{options}: not used with --partitioned")
            if partitioned
            else _("{options}: only with --partitioned")
        )
        raise DataError(message.format(options=options))


def _partitioned(
    out: Path, households: int, *, seed: int, year: int, chunk: int, overwrite: bool
) -> None:
    started = time.perf_counter()
    with count_progress(_("households"), width=22) as told:

        def progress(done: Chunk, written: int) -> None:
            where = _("governorate {code}, part {part}").format(
                code=done.governorate, part=done.part + 1
            )
            told(written, households, where)

        written = write_partitioned(
            out,
            households=households,
            seed=seed,
            year=year,
            chunk=chunk,
            overwrite=overwrite,
            progress=progress,
        )
    _partitioned_summary(written, year, time.perf_counter() - started)


def _partitioned_summary(written: Written, year: int, seconds: float) -> None:
    table = RichTable(show_header=False, box=None)
    table.add_column()
    table.add_column(justify="right")
    table.add_row(_("households"), f"{written.households:,}")
    table.add_row(_("persons"), f"{written.persons:,}")
    table.add_row(_("consumption rows"), f"{written.items:,}")
    table.add_row(_("size on disk (MB)"), f"{written.bytes / 1e6:,.1f}")
    table.add_row(_("seconds"), f"{seconds:.1f}")
    title = _("Demo country census {year} (synthetic data)").format(year=year)
    console.print(f"[bold]{title}[/]", highlight=False)
    console.print(table)
    parquet = sum(1 for f in written.files if f.suffix == ".parquet")
    console.print(
        _("Wrote {folder}/: {count} Parquet files in {tables}, {manifest} and README.md").format(
            folder=written.folder,
            count=parquet,
            tables=_(", ").join(f"{name}/" for name in TABLES),
            manifest=MANIFEST,
        ),
        highlight=False,
    )

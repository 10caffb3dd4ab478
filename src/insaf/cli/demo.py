"""``insaf demo``: the demo pipeline (what ``make run`` runs)."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors, written_since, wrote
from insaf.cli.progress import steps_progress
from insaf.cli.survey import print_report
from insaf.demo import DEMO_SEED, DEMO_YEAR, STEPS, DemoResult, run_demo
from insaf.survey.synth import SynthOptions

__all__ = ["demo_command"]


class Lang(StrEnum):
    EN = "en"
    AR = "ar"


@app.command("demo")
@reports_errors
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the demo survey into.")
    ] = Path("data/demo"),
    households: Annotated[
        int, typer.Option("--households", help="Responding households in the sample.")
    ] = SynthOptions().households,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = DEMO_SEED,
    year: Annotated[int, typer.Option("--year", help="Survey year.")] = DEMO_YEAR,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the indicator names (en, ar).")
    ] = Lang.EN,
) -> None:
    """Build the synthetic demo country, write it, read it back, validate it and
    print its summary and headline figures with standard errors."""
    began = time.time() - 1.0
    with steps_progress(STEPS) as step:
        result = run_demo(out, households=households, seed=seed, year=year, progress=step)
    print_demo(result, lang)
    written = written_since(result.manifest.parent, began)
    if result.budget is not None:
        written += written_since(result.budget.parent, began)
    console.print(wrote(written), highlight=False)


def print_demo(result: DemoResult, lang: Lang = Lang.EN) -> None:
    ins = result.inspection
    console.print(f"[bold]{ins.name}[/]", highlight=False)
    counts = RichTable(show_header=False, box=None)
    counts.add_column()
    counts.add_column(justify="right")
    counts.add_row("households in the sample", f"{ins.households or 0:,}")
    counts.add_row("persons in the sample", f"{ins.persons or 0:,}")
    counts.add_row("households represented", f"{ins.population_households or 0:,.0f}")
    counts.add_row("persons represented", f"{ins.population_persons or 0:,.0f}")
    if ins.design is not None:
        fewest, most, _ = ins.design.psus_per_stratum
        counts.add_row("strata", str(ins.design.strata))
        counts.add_row(
            "PSUs (enumeration areas)", f"{ins.design.psus:,} ({fewest}-{most} per stratum)"
        )
    console.print(counts)
    figures = RichTable(title="Headline figures (design-based standard errors)")
    figures.add_column("المؤشر" if lang is Lang.AR else "indicator")
    for column in ("estimate", "SE", "95% CI", "CV"):
        figures.add_column(column, justify="right")
    for h in result.headlines:
        e = h.estimate
        low, high = e.ci()
        fmt = _percent if e.measure in ("fgt0", "fgt1", "gini") else _number
        figures.add_row(
            h.label_ar if lang is Lang.AR else h.label_en,
            fmt(e.value),
            fmt(e.se),
            f"{fmt(low)} to {fmt(high)}",
            f"{100 * e.cv:.1f}%",
        )
    console.print(figures)
    print_report(ins.report)


def _percent(value: float) -> str:
    return f"{100 * value:.2f}%"


def _number(value: float) -> str:
    return f"{value:,.2f}"

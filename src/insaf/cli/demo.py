"""``insaf demo``: the demo pipeline (what ``make run`` runs)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from insaf.cli.app import app, console, reports_errors, written_since, wrote
from insaf.cli.i18n import _, language
from insaf.cli.options import LangOpt
from insaf.cli.progress import steps_progress
from insaf.cli.survey import print_report
from insaf.cli.tables import fitting
from insaf.demo import DEMO_SEED, DEMO_YEAR, STEPS, DemoResult, run_demo
from insaf.survey.manifest import read_manifest
from insaf.survey.synth import SynthOptions

__all__ = ["demo_command"]


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
    lang: LangOpt = None,
) -> None:
    """Build the synthetic demo country, write it, read it back, validate it and
    print its summary and headline figures with standard errors."""
    began = time.time() - 1.0
    with steps_progress(STEPS) as step:
        result = run_demo(out, households=households, seed=seed, year=year, progress=step)
    print_demo(result)
    written = written_since(result.manifest.parent, began)
    if result.budget is not None:
        written += written_since(result.budget.parent, began)
    console.print(wrote(written), highlight=False)


def print_demo(result: DemoResult) -> None:
    """The demo survey's counts, its headline figures and its validation, in the CLI's
    language."""
    ins = result.inspection
    console.print(f"[bold]{escape(_name(result))}[/]", highlight=False)
    counts = RichTable(show_header=False, box=None)
    counts.add_column()
    counts.add_column(justify="right")
    counts.add_row(_("households in the sample"), f"{ins.households or 0:,}")
    counts.add_row(_("persons in the sample"), f"{ins.persons or 0:,}")
    counts.add_row(_("households represented"), f"{ins.population_households or 0:,.0f}")
    counts.add_row(_("persons represented"), f"{ins.population_persons or 0:,.0f}")
    if ins.design is not None:
        fewest, most, _mean = ins.design.psus_per_stratum
        counts.add_row(_("strata"), str(ins.design.strata))
        counts.add_row(
            _("PSUs (enumeration areas)"),
            _("{psus} ({fewest}-{most} per stratum)").format(
                psus=f"{ins.design.psus:,}", fewest=fewest, most=most
            ),
        )
    console.print(counts)
    console.print(_headlines_table(result))
    print_report(ins.report)


def _name(result: DemoResult) -> str:
    """The demo survey's name in the CLI's language (the inspection's is in English)."""
    name = read_manifest(result.manifest).name
    if isinstance(name, dict):
        name = name.get("ar" if language() == "ar" else "en") or name.get("en")
    return name or result.inspection.name or _("survey")


_INDICATOR_AT_LEAST = 24
"""The width kept for the indicators' names (folded into lines) on a narrow terminal."""


def _headlines_table(result: DemoResult, width: int | None = None) -> RichTable:
    """The headline figures, each with its standard error, interval and cv, within
    ``width`` columns (the terminal's by default): no name cut, no interval broken."""
    width = console.width if width is None else width
    rows = []
    for h in result.headlines:
        e = h.estimate
        low, high = e.ci()
        fmt = _percent if e.measure in ("fgt0", "fgt1", "gini") else _number
        interval = _("{low} to {high}").format(low=fmt(low), high=fmt(high))
        rows.append([fmt(e.value), fmt(e.se), interval, f"{100 * e.cv:.1f}%"])
    names = [h.label_ar if language() == "ar" else h.label_en for h in result.headlines]
    headers = [_("estimate"), _("se"), _("{level} CI").format(level="95%"), _("cv")]
    # in a box, a column takes its margins and a border, and the box one more border
    headers, _taken = fitting(headers, rows, width - 1 - (_INDICATOR_AT_LEAST + 3) - len(headers))
    figures = RichTable(title=_("Headline figures (design-based standard errors)"))
    figures.add_column(_("indicator"), overflow="fold")
    for header in headers:
        figures.add_column(header, justify="right", no_wrap=True)
    for name, cells in zip(names, rows, strict=True):
        figures.add_row(escape(name), *cells)
    return figures


def _percent(value: float) -> str:
    return f"{100 * value:.2f}%"


def _number(value: float) -> str:
    return f"{value:,.2f}"

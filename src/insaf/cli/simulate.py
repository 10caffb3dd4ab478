"""``insaf simulate``: a scenario on a survey, written as JSON, Excel/CSV and a brief."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from insaf.cli.app import app, console, reports_errors, wrote
from insaf.cli.engines import say_choice
from insaf.cli.i18n import _, language, set_language
from insaf.cli.progress import count_progress
from insaf.cli.tables import short
from insaf.measures import Estimate
from insaf.measures.engine import Engine, spark_missing
from insaf.policy import load_scenario, simulate
from insaf.policy.api import scenario_survey_path
from insaf.policy.partitioned import check_partitioned, choose_engine, simulate_partitioned
from insaf.policy.public import DEFAULT_RULES, public_impact
from insaf.policy.solver import Solved
from insaf.reports import write_impact
from insaf.rights import assess_rights
from insaf.rights.text import TESTS
from insaf.survey import open_survey
from insaf.survey.partitioned import open_partitioned

__all__ = ["simulate_command"]


class Language(StrEnum):
    EN = "en"
    AR = "ar"


def _speak(value: Language | None) -> Language | None:
    """The brief's language is the messages' too."""
    if value is not None:
        set_language(value.value)
    return value


@app.command("simulate")
@reports_errors
def simulate_command(
    scenario: Annotated[
        Path,
        typer.Argument(
            metavar="SCENARIO", help="A scenario file (YAML): baseline, reforms, welfare, lines."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder to write impact.json, impact.xlsx and report.html."),
    ],
    survey: Annotated[
        Path | None,
        typer.Option(
            "--survey",
            help="The survey (manifest, folder or data file); by default the one the scenario "
            "names.",
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            callback=_speak,
            help="Language of the brief and the messages (en, ar); by default the locale's.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="auto runs a survey in parts (a folder with a dataset.yaml) one part at a "
            "time when it does not fit in memory, and any other survey in memory; memory or "
            "stream forces one; spark runs a survey in parts as Spark tasks, one a part "
            "(pyspark and Java).",
        ),
    ] = Engine.AUTO,
    no_disclosure: Annotated[
        bool,
        typer.Option(
            "--no-disclosure",
            help="Write every cell, even those below the minimum count (your own use only; "
            "the output says it is not disclosure-controlled).",
        ),
    ] = False,
) -> None:
    """Simulate the baseline and every reform of a scenario and write the social impact.

    Checks the scenario against the survey first (every problem with its key and
    line), then writes impact.json, impact.xlsx, one CSV per table and
    report.html (a policy brief, right-to-left in Arabic). Each reform gets a
    human rights assessment (minimum core, non-discrimination,
    non-retrogression, resources; participation is not known outside the
    council), set by the scenario's rights block. Tables by group are
    disclosure-controlled (minimum count, secondary suppression) unless
    --no-disclosure is given.

    A survey in parts (a folder with a dataset.yaml, as insaf synth
    --partitioned writes) that does not fit in memory is run one part at a
    time (--engine stream), with the same numbers; the command says which
    engine it took. --engine spark runs the parts as Spark tasks (the session
    insaf estimate --engine spark uses; on a cluster the folder must be on
    storage every executor reads). A reform solved for a target, or a
    projection, needs the whole survey in memory.
    """
    spec = load_scenario(scenario)
    path = scenario_survey_path(spec, survey)
    choice = choose_engine(path, engine)
    if choice.held is not None:
        say_choice(choice)
    if choice.engine in (Engine.STREAM, Engine.SPARK):
        check_partitioned(spec)
    if choice.engine is Engine.STREAM:
        with count_progress(_("parts")) as told:
            found = simulate_partitioned(spec, open_partitioned(path), progress=told)
    elif choice.engine is Engine.SPARK:
        try:
            from insaf.policy.spark import simulate_spark
        except ImportError as exc:
            raise spark_missing(exc) from None
        with count_progress(_("parts")) as told:
            found = simulate_spark(spec, open_partitioned(path), progress=told)
    else:
        found = simulate(spec, open_survey(path))
    impact = public_impact(assess_rights(found), None if no_disclosure else DEFAULT_RULES)
    written = write_impact(impact, out, lang=lang.value if lang else language())
    for reform in impact.reforms.values():
        net = reform.table("fiscal")[-1]["change"] if reform.table("fiscal") else None
        poverty = next((r for r in reform.table("poverty") if r["measure"] == "fgt0"), None)
        line = f"[bold]{reform.name}[/bold]"
        if net is not None:
            line += ": " + _net_cost(reform.solved, net)
        if poverty is not None:
            change = poverty["change"]
            names = impact.meta.get("line_labels", {}).get(poverty["line"], {})
            line += _("; ") + _("poverty ({line}) {change} points (se {se})").format(
                line=names.get(language()) or poverty["line"],
                change=f"{change.value * 100:+.2f}",
                se=f"{change.se * 100:.2f}",
            )
        rights = reform.sections.get("rights")
        if rights is not None:
            found = rights.to_dict(impact.confidence)["verdicts"]
            concerns = [test for test, v in found.items() if v["verdict"] == "flagged"]
            unknown = [test for test, v in found.items() if v["verdict"] == "not_assessed"]
            if concerns:
                line += _("; ") + _("rights: {tests} flagged").format(tests=_principles(concerns))
            else:
                line += _("; ") + _("rights: no concern")
            if unknown:
                line += " " + _("({tests}: not assessed / not known)").format(
                    tests=_principles(unknown)
                )
        console.print(line, highlight=False)
    projection = impact.meta.get("projection")
    if projection is not None:
        console.print(
            _(
                "Simulated in {year}: the survey of {survey_year} uprated and reweighted to "
                "the projection of {source}."
            ).format(**projection),
            highlight=False,
        )
    console.print(wrote(written.values()), highlight=False)
    disclosure = impact.meta["disclosure"]
    if disclosure["applied"]:
        cells = disclosure["cells"]
        console.print(
            _(
                "Disclosure control: minimum count {min_count}; {primary} cells suppressed "
                "below it, {secondary} more so they cannot be worked out (--no-disclosure "
                "shows every cell)."
            ).format(
                min_count=disclosure["rules"]["min_count"],
                primary=cells["primary"],
                secondary=cells["secondary"],
            ),
            highlight=False,
        )
    else:
        console.print(
            _(
                "Not disclosure-controlled (--no-disclosure): every cell is shown, even below "
                "the minimum count; not for publication."
            ),
            style="bold yellow",
            highlight=False,
        )


def _principles(tests: list[str]) -> str:
    """The rights principles tested: their keys in English (``minimum_core``), their
    names in Arabic (the library's, ``insaf.rights.text.TESTS``)."""
    if language() == "ar":
        return _(", ").join(TESTS[test]["ar"] for test in tests)
    return ", ".join(tests)


def _net_cost(solved: Solved | None, net: Estimate) -> str:
    """The change in net cost a year; a budget-neutral reform says so, and what its se is."""
    if solved is not None and solved.target == "budget_neutral" and round(net.value) == 0:
        return _(
            "budget-neutral ({parameter} solved for a net cost of 0 on the survey; "
            "se {se} a year is the sampling error of that zero for the whole population)"
        ).format(parameter=solved.parameter, se=short(net.se, 3))
    return _("net cost {value} a year (se {se})").format(
        value=_signed(net.value), se=short(net.se, 3)
    )


def _signed(value: float) -> str:
    text = f"{value:,.0f}"
    return "0" if text in ("0", "-0") else text if text.startswith("-") else f"+{text}"

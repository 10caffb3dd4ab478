"""``insaf registry``: import, deduplicate, determine, check parity, export, overlap of
programmes, design against delivery."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from insaf.cli.app import command_group, console, reports_errors, wrote
from insaf.cli.i18n import _, language
from insaf.cli.options import FormatOpt, LangOpt, NoDisclosureOpt, OutputFormat, write_csv
from insaf.cli.renamed import renamed
from insaf.cli.tables import mixed_table, number, percent
from insaf.errors import DataError
from insaf.measures.engine import spark_missing

__all__ = ["registry_app"]

registry_app = command_group(
    "registry",
    "The social registry: import records, find duplicates, run programmes' rules, "
    "check parity with the simulation, export.",
)

RegistryArg = Annotated[
    Path,
    typer.Argument(
        metavar="REGISTRY", help="A registry folder (written by insaf registry import)."
    ),
]
AsOfOpt = Annotated[
    str, typer.Option("--as-of", help="The date the registry is read on (YYYY-MM-DD).")
]


class RegistryEngine(StrEnum):
    """Where ``insaf registry determine`` runs."""

    MEMORY = "memory"
    SPARK = "spark"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


@registry_app.command("import")
@reports_errors
def import_command(
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="The registry folder to write (Parquet files).")
    ],
    persons: Annotated[
        Path | None, typer.Option("--persons", help="Persons (CSV, Parquet or Stata).")
    ] = None,
    groups: Annotated[
        Path | None, typer.Option("--groups", help="Households (CSV, Parquet or Stata).")
    ] = None,
    memberships: Annotated[
        Path | None, typer.Option("--memberships", help="Who belongs to which household.")
    ] = None,
    observations: Annotated[
        Path | None, typer.Option("--observations", help="Dated observations with sources.")
    ] = None,
    demo: Annotated[
        int | None,
        typer.Option("--demo", help="Instead of files: a demo registry of this many households."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the demo registry.")] = 7,
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Check registry files and write them as one registry folder.

    Every problem names the file, the line (CSV) or row, and the column; nothing
    is dropped. Memberships and observations must name registered persons and
    households. With --demo, the synthetic country's households with names,
    identifiers and deliberate duplicates.
    """
    from insaf.registry import Registry, import_table, read_registry, write_registry
    from insaf.registry.demo import demo_registry, write_demo_files

    extra: list[Path] = []
    if demo is not None:
        registry = demo_registry(demo, seed=seed)
        extra = write_demo_files(out, households=demo, seed=seed)
    else:
        files = {
            "persons": persons,
            "groups": groups,
            "memberships": memberships,
            "observations": observations,
        }
        if not any(files.values()):
            raise DataError(
                "give at least one of --persons, --groups, --memberships, --observations"
            )
        tables = {k: import_table(v, k) for k, v in files.items() if v is not None}  # type: ignore[arg-type]
        registry = Registry(**tables)
    folder = write_registry(registry, out)
    registry = read_registry(folder)  # checks the links between tables
    counts = {
        "persons": registry.persons.height,
        "households": registry.groups.height,
        "memberships": registry.memberships.height,
        "observations": registry.observations.height,
    }
    if fmt is OutputFormat.JSON:
        listed: dict[str, object] = {"registry": str(folder), **counts}
        if extra:
            listed["files"] = [str(f) for f in extra]
        print(json.dumps(listed, ensure_ascii=False))
        return
    if fmt is OutputFormat.CSV:
        write_csv([counts], counts)
        return
    for key, label in (
        ("persons", _("Persons")),
        ("households", _("Households")),
        ("memberships", _("Memberships")),
        ("observations", _("Observations")),
    ):
        console.print(f"{label}: {counts[key]:,}")
    console.print(wrote([folder, *extra]), highlight=False)


@registry_app.command("dedupe")
@reports_errors
def dedupe_command(
    registry_dir: RegistryArg,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Least name similarity (0-1) of a candidate.")
    ] = 0.85,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown in the table.")] = 50,
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """List candidate duplicate persons for review (nothing is merged).

    First equal national identifiers, then persons born the same day whose
    Arabic or Latin names are alike once spelling variants are folded.
    """
    from insaf.registry import read_registry
    from insaf.registry.dedupe import find_duplicates
    from insaf.registry.export import mask_national_id

    registry = read_registry(registry_dir)
    queue = find_duplicates(registry, threshold=threshold)
    if fmt is OutputFormat.JSON:
        print(json.dumps([p.to_dict() for p in queue.pairs], ensure_ascii=False))
        return
    if fmt is OutputFormat.CSV:
        rows = [{**p.to_dict(), "reasons": ";".join(p.reasons)} for p in queue.pairs]
        write_csv(rows, ["left", "right", "score", "method", "reasons"])
        return
    people = {
        row[0]: row[1:]
        for row in registry.persons.select("person_id", "name", "national_id").iter_rows()
    }
    headers = [_("Person"), _("Name"), _("Person"), _("Name"), _("Score"), _("Found by")]
    cells = []
    for pair in queue.pairs[:limit]:
        left, right = people[pair.left], people[pair.right]
        cells.append(
            [
                f"{pair.left}\n{mask_national_id(left[1]) or ''}".strip(),
                left[0],
                f"{pair.right}\n{mask_national_id(right[1]) or ''}".strip(),
                right[0],
                f"{pair.score:.2f}",
                _("national identifier")
                if pair.method == "national_id"
                else _("name and birth date"),
            ]
        )
    # identifiers never cut nor folded; each person's masked national number below
    table = mixed_table(
        headers,
        cells,
        whole=frozenset({0, 2, 4}),
        left=frozenset({0, 2}),
        title=_("Candidate duplicates: {n}").format(n=len(queue)),
    )
    console.print(table)


@registry_app.command("determine")
@reports_errors
def determine_command(
    registry_dir: RegistryArg,
    ruleset: Annotated[
        list[Path], typer.Option("--ruleset", help="A ruleset file (repeat for several).")
    ],
    as_of: AsOfOpt,
    household: Annotated[
        list[int] | None,
        typer.Option("--household", help="Only this household (repeat for several)."),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Allow a ruleset not yet approved (a trial run).")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown in the table.")] = 50,
    engine: Annotated[
        RegistryEngine,
        typer.Option(
            "--engine",
            help="memory reads the whole registry into this machine's memory; spark runs "
            "ranges of households as Spark tasks, each reading only its households' rows "
            "(pyspark and Java; on a cluster the registry folder must be on storage every "
            "executor reads).",
        ),
    ] = RegistryEngine.MEMORY,
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Run programmes' rulesets on the registry as of a date (the registry is read once for
    all of them).

    Each determination gives eligibility, the entitlement, reason codes and,
    in JSON, the trace (each rule with the values it used, their source and
    date) and the hashes of its inputs and of itself. With --engine spark the
    same determinations come from Spark tasks, one a range of households.
    """
    from insaf.registry import load_ruleset, read_registry
    from insaf.registry.programmes import determine_each

    date = _date(as_of)
    rulesets = [load_ruleset(p) for p in ruleset]
    if engine is RegistryEngine.SPARK:
        try:
            from insaf.registry.spark import determine_spark
        except ImportError as exc:
            raise spark_missing(exc) from None
        results = determine_spark(rulesets, registry_dir, date, household, draft=draft)
    else:
        registry = read_registry(registry_dir)
        results = determine_each(rulesets, registry, date, household, draft=draft)
    if fmt is OutputFormat.JSON:
        print(json.dumps([d.to_dict() for d in results], ensure_ascii=False, default=str))
        return
    rows = [
        {
            "household_id": d.household_id,
            "programme": d.ruleset,
            "version": d.version,
            "eligible": d.eligible,
            "entitlement": d.entitlement,
            "reasons": ";".join(d.reasons),
            "hash": d.hash,
        }
        for d in results
    ]
    if fmt is OutputFormat.CSV:
        write_csv(rows, list(rows[0]) if rows else ["household_id"])
        return
    titles = {r.id: r.title(language()) for r in rulesets}
    headers = [_("Household"), _("Programme"), _("Eligible"), _("Entitlement"), _("Reasons")]
    cells = [
        [
            str(d.household_id),
            titles[d.ruleset],
            _("yes") if d.eligible else _("no"),
            number(float(d.entitlement)),
            "\n".join(d.reasons),  # a code a line: never cut
        ]
        for d in results[:limit]
    ]
    table = mixed_table(
        headers,
        cells,
        whole=frozenset({0, 2, 3, 4}),
        left=frozenset({0, 4}),
        title=_("Determinations as of {date}").format(date=date.isoformat()),
    )
    console.print(table)
    for r in rulesets:
        paid = [d for d in results if d.ruleset == r.id and d.eligible]
        console.print(
            _("{programme}: {eligible} of {n} households eligible, {total} a period").format(
                programme=r.title(language()),
                eligible=len(paid),
                n=sum(1 for d in results if d.ruleset == r.id),
                total=number(sum(d.entitlement for d in paid)),
            )
        )


@registry_app.command("parity")
@reports_errors
def parity_command(
    scenario: Annotated[
        Path,
        typer.Argument(metavar="SCENARIO", help="A scenario file (what insaf simulate reads)."),
    ],
    survey: Annotated[
        Path | None, typer.Option("--survey", help="The survey (default: the scenario's).")
    ] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Show that the registry runtime gives every household what the simulation gives it.

    Builds a registry from the survey's households, runs every instrument of the
    baseline and each reform on it, and compares household by household and the
    survey-weighted annual totals with insaf simulate's. Exit status 1 when they
    differ.
    """
    from insaf.policy import load_scenario, open_scenario_survey
    from insaf.registry import parity

    loaded = load_scenario(scenario)
    data = open_scenario_survey(loaded, survey)
    report = parity(loaded, data)
    if fmt is OutputFormat.JSON:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    elif fmt is OutputFormat.CSV:
        rows = [r.to_dict() for r in report.rows]
        write_csv(rows, list(rows[0]) if rows else ["state"])
    else:
        table = RichTable(title=_("Parity: registry runtime against the simulation"))
        for header in (
            _("Policy"),
            _("Instrument"),
            _("Largest household difference"),
            _("Registry total (a year)"),
            _("Simulation total (a year)"),
        ):
            table.add_column(header)
        for r in report.rows:
            table.add_row(
                r.state,
                r.instrument,
                f"{r.max_difference:.3g}",
                number(r.registry_total),
                number(r.simulation_total),
            )
        console.print(table)
        console.print(_("Parity holds.") if report.holds() else _("Parity does NOT hold."))
    if not report.holds():
        sys.exit(1)


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


@registry_app.command("export", cls=renamed({"--file-format": "--format"}))
@reports_errors
def export_command(
    registry_dir: RegistryArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="The folder to write.")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="File format of the tables.")
    ] = ExportFormat.CSV,
    lang: LangOpt = None,
) -> None:
    """Write the registry's persons and households on a date (national identifiers masked)."""
    from insaf.registry import read_registry
    from insaf.registry.export import export_view

    paths = export_view(read_registry(registry_dir), _date(as_of), out, fmt=format.value)
    console.print(wrote(paths), highlight=False)


RulesetsOpt = Annotated[
    list[Path], typer.Option("--ruleset", help="A ruleset file (repeat for several).")
]


@registry_app.command("overlap")
@reports_errors
def overlap_command(
    registry_dir: RegistryArg,
    ruleset: RulesetsOpt,
    as_of: AsOfOpt,
    draft: Annotated[
        bool, typer.Option("--draft", help="Allow a ruleset not yet approved (a trial run).")
    ] = False,
    no_disclosure: NoDisclosureOpt = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Households eligible for each pair of programmes (the diagonal: for each one).

    A public table: counts under the minimum are withheld by disclosure control
    (insaf.disclosure), unless --no-disclosure.
    """
    from insaf.disclosure import DisclosureRules
    from insaf.registry import load_ruleset, read_registry
    from insaf.registry.programmes import determine_all, overlap, public_overlap

    rulesets = [load_ruleset(p) for p in ruleset]
    date = _date(as_of)
    outcomes = determine_all(rulesets, read_registry(registry_dir), date, draft=draft)
    report: dict[str, object] | None = None
    if no_disclosure:
        table = overlap(outcomes)
    else:
        table, report = public_overlap(outcomes, DisclosureRules())
    programmes = table.get_column("programme").to_list()
    if fmt is OutputFormat.JSON:
        out = {"as_of": date.isoformat(), "overlap": table.to_dicts(), "disclosure": report}
        print(json.dumps(out, ensure_ascii=False))
        return
    if fmt is OutputFormat.CSV:
        write_csv(table.to_dicts(), table.columns)
        return
    titles = {r.id: r.title(language()) for r in rulesets}
    grid = RichTable(
        title=_("Households eligible for both programmes as of {date}").format(
            date=date.isoformat()
        )
    )
    grid.add_column(_("Programme"))
    for name in programmes:
        grid.add_column(titles.get(name, name), justify="right")
    for row in table.iter_rows(named=True):
        cells = [_("withheld") if row[n] is None else f"{row[n]:,}" for n in programmes]
        grid.add_row(titles.get(row["programme"], row["programme"]), *cells)
    console.print(grid)
    if report is not None:
        console.print(
            _("Counts under {n} households are withheld (disclosure control).").format(
                n=DisclosureRules().min_count
            )
        )


@registry_app.command("delivery")
@reports_errors
def delivery_command(
    registry_dir: RegistryArg,
    ruleset: Annotated[Path, typer.Option("--ruleset", help="The programme's ruleset file.")],
    as_of: AsOfOpt,
    survey: Annotated[
        Path | None,
        typer.Option("--survey", help="The survey of the design (default: the scenario's)."),
    ] = None,
    welfare: Annotated[
        str, typer.Option("--welfare", help="The welfare per person that ranks households.")
    ] = "consumption_pc",
    line: Annotated[
        str, typer.Option("--line", help="The poverty line: a survey variable or a number.")
    ] = "poverty_line",
    fmt: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """The registry's coverage and benefit by decile beside the design's survey evaluation.

    The design is the ruleset run on the survey (what insaf target evaluate
    evaluates); the registry is what it determined for the same households.
    Exclusion in the design is the rule's; what the registry adds is delivery's.
    """
    from insaf.policy import open_scenario_survey
    from insaf.registry import load_ruleset, read_registry
    from insaf.registry.delivery import design_vs_implementation

    rules = load_ruleset(ruleset)
    data = open_scenario_survey(rules.scenario, survey)
    poverty: str | float = line
    with contextlib.suppress(ValueError):
        poverty = float(line)  # a number; else the name of a survey variable
    gap = design_vs_implementation(
        rules, data, read_registry(registry_dir), _date(as_of), welfare=welfare, line=poverty
    )
    deciles = gap.deciles()
    if fmt is OutputFormat.JSON:
        print(json.dumps(gap.to_dict(), ensure_ascii=False))
        return
    if fmt is OutputFormat.CSV:
        write_csv(deciles.to_dicts(), deciles.columns)
        return
    summary = RichTable(title=_("{programme}: design against delivery").format(
        programme=rules.title(language())))  # fmt: skip
    for header in (
        "", _("Coverage (%)"), _("Exclusion error (%)"), _("Inclusion error (%)"),
        _("Cost (a year)"),
    ):  # fmt: skip
        summary.add_column(header, justify="right")
    labels = {"design": _("Design (survey)"), "registry": _("Registry")}
    for name, row in gap.summary().items():
        summary.add_row(
            labels[name], percent(row["coverage"]), percent(row["exclusion_error"]),
            percent(row["inclusion_error"]), number(row["cost"]),
        )  # fmt: skip
    console.print(summary)
    table = RichTable(title=_("Coverage and benefit share by decile of welfare (%)"))
    for header in (
        _("Decile"), _("Coverage, design"), _("Coverage, registry"), _("Difference"),
        _("Benefit share, design"), _("Benefit share, registry"),
    ):  # fmt: skip
        table.add_column(header, justify="right")
    for row in deciles.iter_rows(named=True):
        table.add_row(
            str(row["decile"]), percent(row["coverage_design"]), percent(row["coverage_registry"]),
            percent(row["coverage_gap"]), percent(row["benefit_share_design"]),
            percent(row["benefit_share_registry"]),
        )  # fmt: skip
    console.print(table)

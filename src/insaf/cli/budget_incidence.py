"""``insaf budget incidence``: who receives public education and health in kind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from insaf.cli.app import console, reports_errors
from insaf.cli.budget import budget_app
from insaf.cli.i18n import _
from insaf.cli.options import (
    FormatOpt,
    LangOpt,
    NoDisclosureOpt,
    OutputFormat,
    write_csv,
    write_json,
)
from insaf.cli.tables import columns_table, percent
from insaf.errors import InsafError
from insaf.measures import Estimate

__all__ = ["incidence_command"]


def _costs(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InsafError(
                f"--cost {item!r}: give SERVICE=AMOUNT, a unit cost a year (primary=1100)"
            ) from None
        if not sep or not name.strip():
            raise InsafError(f"--cost {item!r}: give SERVICE=AMOUNT (primary=1100)")
    return out


def _cell(e: Any, fmt: Any) -> str:
    if not isinstance(e, Estimate):
        return "–"
    return f"{fmt(e.value)} ({fmt(e.se)})"


def _below(e: Any, fmt: Any) -> str:
    """Like ``_cell``, the standard error on the line below (a table of many columns)."""
    return _cell(e, fmt).replace(" (", "\n(")


def _name(key: str) -> str:
    """A service or a group of them, in the CLI's language."""
    names = {
        "primary": _("primary education"),
        "secondary": _("secondary education"),
        "tertiary": _("tertiary education"),
        "outpatient": _("outpatient care"),
        "hospital": _("hospital care"),
        "education": _("education"),
        "health": _("health"),
        "all": _("all services"),
    }
    return names.get(key, key)


def _money(value: float) -> str:
    return f"{value:,.1f}"


def _coefficient(value: float) -> str:
    return f"{value:.3f}"


@budget_app.command("incidence")
@reports_errors
def incidence_command(
    survey: Annotated[
        Path,
        typer.Argument(
            metavar="SURVEY", help="The survey (its folder or manifest).", show_default=False
        ),
    ],
    budget: Annotated[
        Path | None,
        typer.Option(
            "--budget",
            help="A budget whose executed spending gives the unit costs (with --year).",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="The budget's year (default: the survey's).")
    ] = None,
    phase: Annotated[
        str, typer.Option("--phase", help="The budget's phase: executed, revised, approved.")
    ] = "executed",
    cost: Annotated[
        list[str] | None,
        typer.Option("--cost", help="A unit cost a year, SERVICE=AMOUNT (repeat)."),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option("--service", help="A service to measure (repeat; default: all of them)."),
    ] = None,
    rank_by: Annotated[
        str, typer.Option("--rank-by", help="The welfare per person that ranks people.")
    ] = "consumption_pc",
    groups: Annotated[int, typer.Option("--groups", help="Quantile groups (5: quintiles).")] = 5,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="A household variable to break down by.")
    ] = None,
    no_disclosure: NoDisclosureOpt = False,
    format: FormatOpt = OutputFormat.TABLE,
    lang: LangOpt = None,
) -> None:
    """Benefit incidence of public education and health (unit-cost method), by quantile.

    The demo country's services: pupils of public primary, secondary and tertiary schools,
    visits to public health care and public hospital admissions. Unit costs come from the
    budget's spending by COFOG class over the survey's users, or from --cost.
    """
    from insaf.budget import DEMO_SERVICES, benefit_incidence, budget_spending, read_budget
    from insaf.budget.incidence import paid_from
    from insaf.budget.incidence_public import public_incidence
    from insaf.disclosure import DisclosureRules
    from insaf.survey import open_survey

    data = open_survey(survey)
    known = {s.id: s for s in DEMO_SERVICES}
    for name in service or ():
        if name not in known:
            raise InsafError(f"--service {name!r}: the services are {', '.join(known)}")
    chosen = [known[name] for name in service] if service else list(DEMO_SERVICES)
    spending: dict[str, float] = {}
    if budget is not None:
        when = year or data.year
        if when is None:
            raise InsafError("--year is needed: the survey does not say its year")
        spending = budget_spending(read_budget(budget), chosen, year=when, phase=phase)
    elif year is not None:
        raise InsafError("--year reads a budget: give --budget too")
    given = _costs(cost or [])
    for name in given:
        if name not in known:
            raise InsafError(f"--cost {name!r}: the services are {', '.join(known)}")
    services = [s for s in chosen if s.id in given or paid_from(s, spending)]
    if not services:
        raise InsafError("no unit cost: give --budget (and --year) or --cost SERVICE=AMOUNT")
    used = {paid_from(s, spending) for s in services if s.id not in given}
    spending = {k: v for k, v in spending.items() if k in used}
    found = benefit_incidence(
        data, services, costs=given, spending=spending, rank_by=rank_by, groups=groups,
        by=by or (),
    )  # fmt: skip
    found = public_incidence(found, None if no_disclosure else DisclosureRules())
    if format is OutputFormat.JSON:
        write_json(found.to_dict())
        return
    if format is OutputFormat.CSV:
        table = found.tables()["quantiles"]
        write_csv(table.to_dicts(), table.columns)
        return
    costs = RichTable(title=_("Unit costs a year (standard errors in brackets)"))
    for header in (_("service"), _("function"), _("paid from"), _("unit cost")):
        costs.add_column(header, justify="right", overflow="fold")
    for row in found.unit_costs:
        paid = _("given") if row["paid_from"] == "given" else row["paid_from"]
        costs.add_row(
            _name(row["service"]), row["function"] or "–", paid, _cell(row["unit_cost"], _money)
        )
    console.print(costs)
    concentration = {r["benefit"]: r["concentration"] for r in found.concentration}
    rows = [
        [
            _name(benefit),
            *(
                _("suppressed") if r.get("suppressed") else _below(r["share"], percent)
                for r in found.quantiles
                if r["benefit"] == benefit
            ),
            _below(concentration[benefit], _coefficient),
        ]
        for benefit in concentration
    ]
    headers = [_("group") + f" {q}" for q in range(1, found.groups + 1)]
    shares = columns_table(
        [_("benefit")],
        [*headers, _("concentration")],
        rows,
        title=_("Share of the benefit by quantile of welfare (standard errors)"),
    )
    console.print(shares)

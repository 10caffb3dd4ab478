"""What the incidence and gender pages show: the public tables ``services.compute_incidence``
kept (already through ``insaf.disclosure``), named in the active language, with charts drawn
by the reports' chart helpers. Spending by gender marker is read from the budget and passed
through disclosure control here, as execution is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from insaf.budget import Budget, public_markers, spending_by_marker
from insaf.disclosure import DisclosureRules
from insaf.reports.charts import Bar, bar_chart, paired_bars
from insaf.web.core.language import page_language

__all__ = ["GenderView", "IncidenceView", "gender_view", "incidence_view"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One published estimate (times ``factor``), or a withheld one."""

    value: float | None
    se: float | None
    low: float | None
    high: float | None
    withheld: bool = False


def cell(found: Any, *, factor: float = 1.0, withheld: bool = False) -> Cell:
    if not isinstance(found, dict) or found.get("value") is None:
        return Cell(None, None, None, None, withheld)

    def times(key: str) -> float | None:
        value = found.get(key)
        return None if value is None else factor * float(value)

    return Cell(times("value"), times("se"), times("ci_low"), times("ci_high"), withheld)


def _named(labels: dict[str, Any], key: str, code: str) -> str:
    names = {
        "education": _("Education, all levels"),
        "health": _("Health, all services"),
        "all": _("All services"),
    }
    if key in labels:
        return str(labels[key].get(code) or key)
    return names.get(key, key)


def quantile_name(group: int, groups: int) -> str:
    if groups == 5:
        names = {
            1: _("Poorest fifth"),
            2: _("Second fifth"),
            3: _("Middle fifth"),
            4: _("Fourth fifth"),
            5: _("Richest fifth"),
        }
        return names[group]
    return _("Group %(n)s") % {"n": group}


@dataclass(slots=True)
class IncidenceView:
    year: int
    survey: dict[str, Any]
    groups: list[str]
    unit_costs: list[tuple[str, str, Cell]]
    shares: list[tuple[str, list[Cell], Cell]]
    """Per benefit: its name, the share of each quantile group (%), the concentration."""
    per_person: list[tuple[str, list[Cell]]]
    by: list[tuple[str, list[tuple[str, Cell, Cell]]]] = field(default_factory=list)
    """Per variable: its name, and per category the share (%) and the amount per person."""
    chart: str = ""


def incidence_view(stored: Any) -> IncidenceView | None:
    """The benefit incidence page's tables, or ``None`` when it was not computed."""
    found = stored.incidence
    if not found:
        return None
    code = page_language()
    labels = found.get("services", {})
    groups = int(found["groups"])
    names = [quantile_name(q, groups) for q in range(1, groups + 1)]
    costs = [
        (_named(labels, r["service"], code), str(r.get("function") or "–"), cell(r["unit_cost"]))
        for r in found["unit_costs"]
    ]
    benefits = [r["benefit"] for r in found["concentration"]]
    quantiles: dict[str, dict[int, dict[str, Any]]] = {}
    for r in found["quantiles"]:
        quantiles.setdefault(r["benefit"], {})[int(r["group"])] = r
    concentration = {r["benefit"]: r["concentration"] for r in found["concentration"]}
    shares, per_person = [], []
    for key in benefits:
        rows = [quantiles.get(key, {}).get(q, {}) for q in range(1, groups + 1)]
        name = _named(labels, key, code)
        hidden = [bool(r.get("suppressed")) for r in rows]
        share = [
            cell(r.get("share"), factor=100.0, withheld=h)
            for r, h in zip(rows, hidden, strict=True)
        ]
        per = [cell(r.get("per_person"), withheld=h) for r, h in zip(rows, hidden, strict=True)]
        shares.append((name, share, cell(concentration[key])))
        per_person.append((name, per))
    by = []
    for name, meta in found.get("by", {}).items():
        rows = [r for r in found["by_group"] if r["by"] == name and r["benefit"] == "all"]
        values = meta.get("values", {})
        by.append(
            (
                str(meta["label"].get(code) or name),
                [
                    (
                        str(values.get(str(r["category"]), {}).get(code) or r["category"]),
                        cell(r.get("share"), factor=100.0, withheld=bool(r.get("suppressed"))),
                        cell(r.get("per_person"), withheld=bool(r.get("suppressed"))),
                    )
                    for r in rows
                ],
            )
        )
    view = IncidenceView(
        year=int(found["year"]),
        survey=found.get("survey", {}),
        groups=names,
        unit_costs=costs,
        shares=shares,
        per_person=per_person,
        by=by,
    )
    view.chart = _incidence_chart(view, benefits, quantiles, groups)
    return view


def _incidence_chart(
    view: IncidenceView, benefits: list[str], quantiles: dict[str, Any], groups: int
) -> str:
    """Education beside health: each one's share by quantile group, with its interval."""
    pair = [b for b in ("education", "health") if b in benefits]
    if len(pair) != 2:
        return ""
    bars: list[list[Bar]] = []
    for key in pair:
        rows = [quantiles[key].get(q, {}) for q in range(1, groups + 1)]
        if any(r.get("suppressed") or not r.get("share") for r in rows):
            return ""
        bars.append(
            [
                Bar(name, r["share"]["value"], r["share"]["ci_low"], r["share"]["ci_high"])
                for name, r in zip(view.groups, rows, strict=True)
            ]
        )
    return paired_bars(
        [str(q) for q in range(1, groups + 1)],
        bars[0],
        bars[1],
        legends=(_("Education"), _("Health")),
        title=_("Share of public spending on education and health by fifth of people, "
                "from the poorest (1) to the richest (%(n)s)") % {"n": groups},
        percent=True,
        rtl=page_language() == "ar",
    )  # fmt: skip


GROUPS = ("women", "men", "female_headed", "male_headed")


def group_name(group: str) -> str:
    names = {
        "women": _("Women"),
        "men": _("Men"),
        "female_headed": _("People in female-headed households"),
        "male_headed": _("People in male-headed households"),
    }
    return names.get(group, group)


def comparison_name(comparison: str) -> str:
    names = {
        "women - men": _("Women minus men"),
        "female_headed - male_headed": _("Female-headed minus male-headed households"),
    }
    return names.get(comparison, comparison)


def marker_name(marker: int) -> str:
    names = {
        0: _("0 · Not targeted"),
        1: _("1 · Gender equality a significant objective"),
        2: _("2 · Gender equality the principal objective"),
    }
    return names.get(marker, str(marker))


@dataclass(slots=True)
class Transfer:
    name: str
    rows: list[tuple[str, Cell, Cell, Cell, Cell]]
    """Per group: its name, share of the transfer (%), per person, coverage (%), people (%)."""
    gaps: list[tuple[str, Cell, Cell]]
    """Per comparison: its name, the difference per person and in coverage (points)."""
    chart: str = ""


@dataclass(slots=True)
class GenderView:
    year: int
    markers: list[tuple[str, float | None, float | None, int]]
    """Per marker: its name, the amount, its share (%), the number of lines."""
    marker_chart: str
    transfers: list[Transfer]
    survey: dict[str, Any]


def gender_view(stored: Any, budget: Budget, *, rules: DisclosureRules) -> GenderView | None:
    """Spending by gender marker in the year the transfers were measured (else the budget's
    last year), and who receives each transfer, by sex and by the head's sex."""
    found = stored.gender or {}
    years = budget.years
    if not years:
        return None
    year = int(found["year"]) if found.get("year") in years else max(years)
    rows = public_markers(spending_by_marker(budget, year=year), rules)
    markers = [
        (
            marker_name(int(r["gender_marker"])),
            None if r["amount"] is None else r["amount"] / budget.scale,
            None if r["share"] is None else 100 * r["share"],
            int(r["lines"]),
        )
        for r in rows
    ]
    shown = [r for r in rows if r["share"] is not None]
    marker_chart = (
        bar_chart(
            [Bar(str(r["gender_marker"]), float(r["share"])) for r in shown],
            title=_("Share of spending by gender marker in %(year)s") % {"year": year},
            percent=True,
            rtl=page_language() == "ar",
        )
        if shown
        else ""
    )
    return GenderView(
        year=year,
        markers=markers,
        marker_chart=marker_chart,
        transfers=_transfers(found),
        survey=found.get("survey", {}),
    )


def _transfers(found: dict[str, Any]) -> list[Transfer]:
    code = page_language()
    labels = found.get("instruments", {})
    out: list[Transfer] = []
    for key in dict.fromkeys(r["instrument"] for r in found.get("groups", [])):
        name = _("All transfers") if key == "all" else str(labels.get(key, {}).get(code) or key)
        rows = {r["group"]: r for r in found["groups"] if r["instrument"] == key}
        table = []
        for group in GROUPS:
            r = rows.get(group, {})
            hidden = bool(r.get("suppressed"))
            table.append(
                (
                    group_name(group),
                    cell(r.get("share"), factor=100.0, withheld=hidden),
                    cell(r.get("per_person"), withheld=hidden),
                    cell(r.get("coverage"), factor=100.0, withheld=hidden),
                    cell(r.get("population_share"), factor=100.0, withheld=hidden),
                )
            )
        gaps = [
            (
                comparison_name(g["comparison"]),
                cell(g.get("per_person"), withheld=bool(g.get("suppressed"))),
                cell(g.get("coverage"), factor=100.0, withheld=bool(g.get("suppressed"))),
            )
            for g in found.get("gaps", [])
            if g["instrument"] == key
        ]
        transfer = Transfer(name=name, rows=table, gaps=gaps)
        bars = [
            Bar(group, c.value, c.low, c.high)
            for group, _share, c, _coverage, _people in table
            if c.value is not None
        ]
        if len(bars) == len(table):
            transfer.chart = bar_chart(
                bars,
                title=_("%(transfer)s: amount a year per person, by group") % {"transfer": name},
                rtl=code == "ar",
            )
        out.append(transfer)
    return out

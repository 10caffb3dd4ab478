"""Write an ``Impact``: ``impact.json``, ``impact.xlsx`` with CSV tables, ``report.html``.

The report is a policy brief a minister's adviser reads in five minutes: the
key findings first (cost, poverty, inequality, who loses), then three charts
(decile incidence, winners and losers, poverty before and after) and the tables,
with standard errors and confidence intervals, and a note on the method and the
data. Arabic reports are right-to-left. Charts are inline SVG: the file works
offline and prints well. Every text from the scenario or the survey is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from insaf.disclosure import DisclosureRules
from insaf.measures import Estimate
from insaf.policy.impact import Impact, ReformImpact
from insaf.policy.public import DEFAULT_RULES, as_public
from insaf.policy.scenario import text_of
from insaf.reports.charts import Bar, bar_chart, paired_bars, stacked_bars
from insaf.reports.rights import rights_context
from insaf.reports.text import confidence_percent, words

__all__ = ["render_brief", "write_impact"]

_ENV = Environment(
    loader=PackageLoader("insaf.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _pick(label: Any, lang: str, default: str = "") -> str:
    if isinstance(label, Mapping):
        return str(label.get(lang) or label.get("en") or label.get("ar") or default)
    return str(label) if label else default


_ISOLATE = "\u2066{}\u2069"  # left-to-right isolate: an interval reads the same in Arabic text


class _Format:
    """Number formatting for one report, in its language."""

    def __init__(self, level: float, currency: str, lang: str = "en") -> None:
        self.level = level
        self.currency = currency
        self.lang = lang
        t = words(lang, level)
        self._billion, self._million = t["billion"], t["million"]

    def _ltr(self, text: str) -> str:
        """A number in Arabic text, isolated so "-1.09" keeps its sign on the left."""
        return _ISOLATE.format(text) if self.lang == "ar" else text

    def pct(self, e: Estimate | float, digits: int = 1) -> str:
        value = e.value if isinstance(e, Estimate) else e
        return self._ltr(f"{value * 100:.{digits}f}%")

    def pts(self, e: Estimate) -> str:
        return self._ltr(f"{e.value * 100:+.2f}")

    def num(self, e: Estimate | float, digits: int = 3) -> str:
        value = e.value if isinstance(e, Estimate) else e
        return self._ltr(f"{value:,.{digits}f}")

    def money(self, e: Estimate | float) -> str:
        value = e.value if isinstance(e, Estimate) else e
        if abs(value) >= 1e9:
            return f"{self._ltr(f'{value / 1e9:,.2f}')} {self._billion}"
        if abs(value) >= 1e6:
            return f"{self._ltr(f'{value / 1e6:,.1f}')} {self._million}"
        return self._ltr(f"{value:,.0f}")

    def ci(self, e: Estimate, scale: float = 1.0, digits: int = 2) -> str:
        low, high = e.ci(self.level)
        interval = f"[{low * scale:,.{digits}f}, {high * scale:,.{digits}f}]"
        return _ISOLATE.format(interval) if self.lang == "ar" else interval

    def significant(self, e: Estimate) -> bool:
        low, high = e.ci(self.level)
        return low > 0 or high < 0


def _line_name(impact: Impact, line: str, lang: str) -> str:
    return _pick(impact.meta.get("line_labels", {}).get(line), lang, line)


def _currency(meta: Mapping[str, Any], lang: str) -> str:
    """The currency as the brief names it: its name in Arabic, its code in English."""
    currency = meta.get("currency") or {}
    code = str(currency.get("code", ""))
    return _pick(currency.get("name"), lang, code) if lang == "ar" else code


def _group_label(impact: Impact, variable: str, value: Any, lang: str) -> tuple[str, str]:
    labels = impact.meta.get("labels", {}).get(variable, {})
    name = _pick(labels.get("_label"), lang, variable)
    key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return name, _pick(labels.get(key), lang, key)


def _messages(impact: Impact, reform: ReformImpact, lang: str, fmt: _Format) -> list[str]:
    t = words(lang, fmt.level)
    out: list[str] = []
    currency = fmt.currency
    net = reform.table("fiscal")[-1]["change"] if reform.table("fiscal") else None
    if net is not None:
        finding = t["finding_cost_raises" if net.value >= 0 else "finding_cost_lowers"]
        out.append(
            finding.format(
                amount=fmt.money(abs(net.value)), currency=currency, se=fmt.money(net.se)
            )
        )
    for row in reform.table("poverty"):
        if row["measure"] != "fgt0":
            continue
        change = row["change"]
        out.append(
            t["finding_headcount"].format(
                line=_line_name(impact, row["line"], lang),
                baseline=fmt.pct(row["baseline"]),
                reform=fmt.pct(row["reform"]),
                change=fmt.pts(change),
                level=confidence_percent(fmt.level),
                ci=fmt.ci(change, 100),
                significance=t["significant"] if fmt.significant(change) else t["not_significant"],
            )
        )
    for row in reform.table("inequality"):
        if row["measure"] == "gini":
            change = row["change"]
            out.append(
                t["finding_gini"].format(
                    baseline=fmt.num(row["baseline"]),
                    reform=fmt.num(row["reform"]),
                    ci=fmt.ci(change, 1, 4),
                    significance=(
                        t["significant"] if fmt.significant(change) else t["not_significant"]
                    ),
                )
            )
    overall = [r for r in reform.table("winners_losers") if not r.get("suppressed")]
    if overall:
        o = overall[0]
        out.append(
            t["finding_losers"].format(losers=fmt.pct(o["losers"]), winners=fmt.pct(o["winners"]))
        )
    deciles = [r for r in reform.table("deciles") if not r.get("suppressed")]
    if deciles:
        first, last = deciles[0]["change_share"], deciles[-1]["change_share"]
        out.append(t["finding_deciles"].format(poorest=fmt.pct(first, 2), richest=fmt.pct(last, 2)))
    who = [
        r
        for r in reform.table("who_loses")
        if r["category"] is not None and not r.get("suppressed")
    ]
    if who:
        ranked = sorted(who, key=lambda r: r["losers"].value - r["everyone"].value, reverse=True)
        parts = []
        for row in ranked[:3]:
            name, value = _group_label(impact, row["characteristic"], row["category"], lang)
            parts.append(
                f"{name}: {value} ({fmt.pct(row['losers'], 0)} / {fmt.pct(row['everyone'], 0)})"
            )
        out.append(t["finding_who_loses"].format(groups=t["list_separator"].join(parts)))
    if reform.solved is not None:
        s = reform.solved
        target = t.get(f"target_{s.target}", s.target)
        out.append(f"{t['solved']}: {_ISOLATE.format(s.parameter)} = {s.value:,.4g} ({target}).")
    return out


def _section(impact: Impact, reform: ReformImpact, lang: str, fmt: _Format) -> dict[str, Any]:
    t = words(lang, fmt.level)
    rtl = lang == "ar"
    deciles = reform.table("deciles")
    shown = [r for r in deciles if not r.get("suppressed")]
    labels = [str(int(r["category"])) for r in shown]
    incidence = bar_chart(
        [
            Bar(label, r["change_share"].value, *r["change_share"].ci(fmt.level))
            for label, r in zip(labels, shown, strict=True)
        ],
        title=t["incidence_chart"],
        percent=True,
        rtl=rtl,
    )
    winners = stacked_bars(
        labels,
        [
            (t["losers"], "loss", [r["losers"].value for r in shown]),
            (t["unaffected"], "neutral", [r["unaffected"].value for r in shown]),
            (t["winners"], "gain", [r["winners"].value for r in shown]),
        ],
        title=t["winners_chart"],
        rtl=rtl,
    )
    headcounts = [r for r in reform.table("poverty") if r["measure"] == "fgt0"]
    poverty = paired_bars(
        [_line_name(impact, str(r["line"]), lang) for r in headcounts],
        [Bar("", r["baseline"].value, *r["baseline"].ci(fmt.level)) for r in headcounts],
        [Bar("", r["reform"].value, *r["reform"].ci(fmt.level)) for r in headcounts],
        legends=(t["baseline"], t["reform"]),
        title=t["poverty_chart"],
        rtl=rtl,
    )
    groups = []
    for row in reform.table("groups"):
        name, value = _group_label(impact, row["variable"], row["category"], lang)
        groups.append({**row, "name": name, "label": value})
    who = []
    for row in reform.table("who_loses"):
        if row["category"] is None:
            name, value = t.get(row["characteristic"]) or row["characteristic"], ""
        else:
            name, value = _group_label(impact, row["characteristic"], row["category"], lang)
        share = row["category"] is not None or row["characteristic"] == "poor"
        who.append({**row, "name": name, "label": value, "share": share})
    fiscal = []
    names: dict[str, str] = {}
    for row in reform.table("fiscal"):
        label = _pick(row["label"], lang, row["instrument"])
        names[row["instrument"]] = label
        status = t.get(f"status_{row['status']}", "") if row["status"] else ""
        fiscal.append({**row, "name": label, "status_text": status})
    progressivity = [
        {**r, "name": names.get(r["instrument"], r["instrument"])}
        for r in reform.table("progressivity")
    ]
    coverage = [
        {**r, "name": names.get(r["instrument"], r["instrument"])} for r in reform.table("coverage")
    ]
    for service in impact.scenario.in_kind:
        names[service.id] = text_of(service.label, lang) or service.id
    impoverishment = [
        {**r, "line_name": _line_name(impact, str(r["line"]), lang)}
        for r in reform.table("impoverishment")
    ]
    first_line = next(iter(impact.meta.get("lines") or {}), None)
    marginal: dict[tuple[str, str], dict[str, Any]] = {}
    for r in reform.table("marginal"):
        row = marginal.setdefault(
            (r["state"], r["instrument"]),
            {"state": r["state"], "name": names.get(r["instrument"], r["instrument"])},
        )
        if r["indicator"] == "gini":
            row["gini"] = r["marginal"]
        elif r["indicator"] == "fgt0" and r["line"] == first_line:
            row["headcount"] = r["marginal"]
    return {
        "name": reform.name,
        "label": _pick(reform.notes.get("labels"), lang, reform.label),
        "messages": _messages(impact, reform, lang, fmt),
        "charts": {"incidence": incidence, "winners": winners, "poverty": poverty},
        "fiscal": fiscal,
        "poverty": [
            {**r, "name": _line_name(impact, str(r["line"]), lang)} for r in reform.table("poverty")
        ],
        "inequality": reform.table("inequality"),
        "deciles": deciles,
        "groups": groups,
        "who": who,
        "who_note": reform.notes.get("who_loses", {}),
        "concepts": reform.table("concepts"),
        "progressivity": progressivity,
        "coverage": coverage,
        "impoverishment": impoverishment,
        "marginal": list(marginal.values()),
        "solved": reform.solved,
        "rights": rights_context(reform, lang, fmt.level),
    }


def render_brief(
    impact: Impact, *, lang: str = "en", rules: DisclosureRules | None = DEFAULT_RULES
) -> str:
    """The policy brief as one self-contained HTML page, disclosure-controlled under
    ``rules`` (unless ``impact`` is already; ``None`` shows every cell and says so)."""
    if lang not in ("en", "ar"):
        raise ValueError(f"lang must be 'en' or 'ar', not {lang!r}")
    impact = as_public(impact, rules)
    meta = impact.meta
    fmt = _Format(impact.confidence, _currency(meta, lang), lang)
    survey = meta.get("survey", {})
    template = _ENV.get_template("brief.html")
    return template.render(
        lang=lang,
        dir="rtl" if lang == "ar" else "ltr",
        t=words(lang, fmt.level),
        f=fmt,
        title=_pick(meta.get("name"), lang, "Scenario"),
        description=_pick(meta.get("description"), lang),
        survey=survey,
        survey_name=_pick(survey.get("name"), lang, str(survey.get("path") or "")),
        meta=meta,
        sections=[_section(impact, r, lang, fmt) for r in impact.reforms.values()],
    )


def write_impact(
    impact: Impact,
    out: str | Path,
    *,
    lang: str = "en",
    rules: DisclosureRules | None = DEFAULT_RULES,
) -> dict[str, Path]:
    """Write ``impact.json``, ``impact.xlsx``, one CSV per table and ``report.html`` in ``out``.

    Every file is written from the disclosure-controlled impact (``rules``; ``None``
    writes every cell, the analyst's own view, and ``impact.json`` says so).
    """
    impact = as_public(impact, rules)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    path = folder / "impact.json"
    path.write_text(
        json.dumps(impact.to_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    written["json"] = path
    tables = impact.tables()
    for name, frame in tables.items():
        csv = folder / f"{name}.csv"
        frame.write_csv(csv)
        written[f"csv:{name}"] = csv
    xlsx = folder / "impact.xlsx"
    _write_xlsx(tables, xlsx)
    written["xlsx"] = xlsx
    report = folder / "report.html"
    report.write_text(render_brief(impact, lang=lang), encoding="utf-8")
    written["html"] = report
    return written


def _write_xlsx(tables: Mapping[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for name, frame in tables.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name[:31]
        sheet.append(list(frame.columns))
        for row in frame.iter_rows():
            sheet.append([_cell(v) for v in row])
    book.save(path)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)

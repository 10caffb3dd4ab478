"""Write a comparison: tables (JSON, CSV), charts (SVG), a scenario, and the briefs.

``write_comparison(comparison, out)`` writes into ``out``:

- ``comparison.json`` (every metric of every design, with SE and interval),
  ``comparison.csv`` (one row per design, headline metrics and their SEs),
  ``incidence.csv`` and ``tradeoff.csv`` (the charts' data);
- ``tradeoff.svg``, ``incidence.svg``;
- ``scenario.yaml``: one budget-neutral reform per design, for ``insaf simulate``;
- ``brief.en.html`` and ``brief.ar.html`` (right-to-left): a two-page brief
  for a council, with the charts inline and a data table beside each.

Every text that comes from a file or the survey is escaped.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from insaf.measures import Estimate
from insaf.targeting.charts import incidence, tradeoff
from insaf.targeting.compare import Comparison, headline

__all__ = ["render_brief", "write_comparison"]

W: dict[str, tuple[str, str]] = {
    "design": ("Design", "التصميم"),
    "kind": ("Kind", "النوع"),
    "amount": ("Benefit per unit a month", "المنفعة لكل وحدة شهرياً"),
    "coverage": ("Coverage", "التغطية"),
    "excl": ("Exclusion error (poverty line)", "خطأ الاستبعاد (خط الفقر)"),
    "incl": ("Inclusion error: beneficiaries not poor", "خطأ الشمول: مستفيدون غير فقراء"),
    "incl_np": ("Inclusion error: non-poor covered", "خطأ الشمول: غير الفقراء المشمولون"),
    "excl_q": ("Exclusion error (poorest {q})", "خطأ الاستبعاد (أفقر {q})"),
    "cgh": ("CGH (bottom 20%)", "مؤشر CGH (أدنى 20%)"),
    "conc": ("Concentration", "معامل التركز"),
    "d0": ("Change in poverty headcount (points)", "التغير في نسبة الفقر (نقاط)"),
    "d1": ("Change in poverty gap (points)", "التغير في فجوة الفقر (نقاط)"),
    "bcr": ("Poverty-gap reduction per unit", "خفض فجوة الفقر لكل وحدة"),
    "decile": ("Decile", "العُشير"),
    "findings": ("Key findings", "أهم النتائج"),
    "table": ("All designs at the same budget", "جميع التصاميم بالموازنة نفسها"),
    "data": ("The chart's data", "بيانات الرسم"),
    "method": ("Method and data", "المنهجية والبيانات"),
    "ci": ("95% confidence interval", "فترة الثقة 95%"),
    "se_note": (
        "Standard errors (in brackets) are design-based (linearization over PSUs and strata).",
        "الأخطاء المعيارية (بين قوسين) مبنية على تصميم المسح (التقريب الخطي حسب وحدات المعاينة "
        "الأولية والطبقات).",
    ),
    "synthetic": (
        "Synthetic data: the demo country is not a real country.",
        "بيانات مصطنعة: البلد التجريبي ليس بلداً حقيقياً.",
    ),
}
KINDS = {
    "universal": ("Universal", "شامل"),
    "categorical": ("Categorical", "فئوي"),
    "pmt": ("PMT", "اختبار الموارد"),
    "hybrid": ("Hybrid", "هجين"),
}


def _w(key: str, lang: str, **fmt: Any) -> str:
    en, ar = W[key]
    return (ar if lang == "ar" else en).format(**fmt)


def _pct(x: float, digits: int = 1) -> str:
    return "–" if not math.isfinite(x) else f"{x * 100:.{digits}f}%"


def _cell(e: Estimate, kind: str) -> str:
    if not math.isfinite(e.value):
        return "–"
    if kind == "pct":
        return f"{e.value * 100:.1f}% <small>({e.se * 100:.1f})</small>"
    if kind == "pts":
        return f"{e.value * 100:+.2f} <small>({e.se * 100:.2f})</small>"
    return f"{e.value:.3f} <small>({e.se:.3f})</small>"


def _findings(c: Comparison, lang: str) -> list[str]:
    rows = [(r, headline(r.evaluation)) for r in c.results]
    finite = [(r, h) for r, h in rows if math.isfinite(h["benefit_cost_ratio"].value)]
    if not finite:
        return []
    best = max(finite, key=lambda x: x[1]["benefit_cost_ratio"].value)
    widest = max(finite, key=lambda x: x[1]["coverage"].value)
    budget = f"{c.budget:,.0f}"
    out = []
    if lang == "ar":
        out.append(
            f"بموازنة سنوية قدرها {budget}، يحقق «{best[0].spec.title('ar')}» أكبر خفض لفجوة "
            f"الفقر لكل وحدة من الموازنة ({best[1]['benefit_cost_ratio'].value:.3f})، بتغطية "
            f"{_pct(best[1]['coverage'].value)} من السكان وخطأ استبعاد "
            f"{_pct(best[1]['exclusion_error_line'].value)} من الفقراء."
        )
        out.append(
            f"يغطي «{widest[0].spec.title('ar')}» {_pct(widest[1]['coverage'].value)} من السكان "
            f"وخطأ الاستبعاد فيه {_pct(widest[1]['exclusion_error_line'].value)}، لكن خفض فجوة "
            f"الفقر لكل وحدة من الموازنة {widest[1]['benefit_cost_ratio'].value:.3f}."
        )
    else:
        out.append(
            f"With a budget of {budget} a year, “{best[0].spec.title('en')}” reduces the "
            f"poverty gap most per unit spent ({best[1]['benefit_cost_ratio'].value:.3f}), "
            f"covering {_pct(best[1]['coverage'].value)} of people and missing "
            f"{_pct(best[1]['exclusion_error_line'].value)} of the poor."
        )
        out.append(
            f"“{widest[0].spec.title('en')}” covers {_pct(widest[1]['coverage'].value)} of "
            f"people and misses {_pct(widest[1]['exclusion_error_line'].value)} of the poor, "
            f"but reduces the poverty gap by {widest[1]['benefit_cost_ratio'].value:.3f} per "
            "unit spent."
        )
    return out


def _main_table(c: Comparison, lang: str) -> str:
    q = f"{c.spec.poorest:.0%}"
    heads = [
        _w("design", lang),
        _w("kind", lang),
        _w("amount", lang),
        _w("coverage", lang),
        _w("excl", lang),
        _w("incl", lang),
        _w("incl_np", lang),
        _w("excl_q", lang, q=q),
        _w("cgh", lang),
        _w("conc", lang),
        _w("d0", lang),
        _w("d1", lang),
        _w("bcr", lang),
    ]
    body = []
    for r in c.results:
        h = headline(r.evaluation)
        kind = KINDS.get(r.kind, (r.kind, r.kind))[1 if lang == "ar" else 0]
        cells = [
            escape(r.spec.title(lang)),
            escape(kind),
            f"{r.amount:,.2f}",
            _cell(h["coverage"], "pct"),
            _cell(h["exclusion_error_line"], "pct"),
            _cell(h["inclusion_error_line"], "pct"),
            _cell(h["inclusion_error_nonpoor_line"], "pct"),
            _cell(h["exclusion_error_poorest"], "pct"),
            _cell(h["cgh20"], "num"),
            _cell(h["concentration"], "num"),
            _cell(h["fgt0_change"], "pts"),
            _cell(h["fgt1_change"], "pts"),
            _cell(h["benefit_cost_ratio"], "num"),
        ]
        body.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    head = "".join(f"<th scope='col'>{escape(x)}</th>" for x in heads)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _tradeoff_table(c: Comparison, lang: str) -> str:
    rows = []
    for r in c.results:
        h = headline(r.evaluation)
        low, high = h["benefit_cost_ratio"].ci(0.95)
        rows.append(
            f"<tr><td>{escape(r.spec.title(lang))}</td><td>{_pct(h['coverage'].value)}</td>"
            f"<td>{h['benefit_cost_ratio'].value:.3f}</td><td>[{low:.3f}, {high:.3f}]</td></tr>"
        )
    head = (
        f"<th>{_w('design', lang)}</th><th>{_w('coverage', lang)}</th>"
        f"<th>{_w('bcr', lang)}</th><th>{_w('ci', lang)}</th>"
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _incidence_table(c: Comparison, lang: str) -> str:
    head = f"<th>{_w('design', lang)}</th>" + "".join(f"<th>{d}</th>" for d in range(1, 11))
    rows = []
    for r in c.results:
        cells = "".join(f"<td>{_pct(d['benefit_share'].value)}</td>" for d in r.evaluation.deciles)
        rows.append(f"<tr><td>{escape(r.spec.title(lang))}</td>{cells}</tr>")
    caption = f"<caption>{_w('decile', lang)} 1–10</caption>"
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _method(c: Comparison, lang: str) -> str:
    data = c.data
    model = c.model
    cv = {} if model is None else model.validation.get("cv", {})
    r2 = (cv.get("r2") or {}).get("value")  # the PMT's out-of-sample R²
    if lang == "ar":
        parts = [
            f"الرفاه قبل المنفعة: {escape(data.welfare_name)}"
            + (f" مطروحاً منه {escape(data.net_of)} للفرد" if data.net_of else "")
            + f"؛ خط الفقر: {escape(data.line_name)}؛ الفقراء: دون خط الفقر، أو أفقر "
            f"{c.spec.poorest:.0%} من السكان.",
            "تُحسب مبالغ كل تصميم بحيث تنفق الموازنة بالكامل؛ "
            "ومعادلات المؤشرات في docs/targeting.md.",
        ]
        if model is not None:
            parts.append(
                f"نموذج اختبار الموارد بالمؤشرات غير المباشرة: {escape(model.selection)}، "
                f"{len(model.proxies)} مؤشراً، معامل التحديد خارج العينة {r2}."
            )
    else:
        parts = [
            f"Welfare before the benefit: {escape(data.welfare_name)}"
            + (f" less {escape(data.net_of)} per person" if data.net_of else "")
            + f"; poverty line: {escape(data.line_name)}; the poor: below the line, or the "
            f"poorest {c.spec.poorest:.0%} of people.",
            "Each design's amount is solved to spend the budget exactly; every formula is in "
            "docs/targeting.md.",
        ]
        if model is not None:
            parts.append(
                f"Proxy-means test: {escape(model.selection)}, {len(model.proxies)} proxies, "
                f"out-of-sample R² {r2} (cross-validated by PSU)."
            )
    parts.append(_w("se_note", lang))
    if data.survey.synthetic:
        parts.append(_w("synthetic", lang))
    return "".join(f"<p>{p}</p>" for p in parts)


CSS = """
body{font-family:system-ui,'Noto Naskh Arabic','Segoe UI',sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:start;vertical-align:top}
td small{color:#666}figure{margin:1rem 0}details{margin-bottom:1rem}
.num{direction:ltr;unicode-bidi:isolate}
@media print{details{display:block}details>summary{display:none}body{margin:0}}
"""


def render_brief(c: Comparison, lang: str = "en") -> str:
    """The comparison brief as one HTML page (``lang`` ``ar`` is right-to-left)."""
    ar = lang == "ar"
    name = escape(c.data.survey.name.get(lang) or "")
    title = escape(c.spec.title(lang))
    findings = "".join(f"<li>{escape(x)}</li>" for x in _findings(c, lang))
    budget = (
        f"الموازنة السنوية: <span class='num'>{c.budget:,.0f}</span>"
        if ar
        else f"Annual budget: <span class='num'>{c.budget:,.0f}</span>"
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}' dir='{'rtl' if ar else 'ltr'}'><head>"
        f"<meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        f"<h1>{title}</h1><p>{name} — {budget}</p>"
        f"<h2>{_w('findings', lang)}</h2><ul>{findings}</ul>"
        f"<figure>{tradeoff(c, lang=lang)}</figure>"
        f"<details><summary>{_w('data', lang)}</summary>{_tradeoff_table(c, lang)}</details>"
        f"<figure>{incidence(c, lang=lang)}</figure>"
        f"<details><summary>{_w('data', lang)}</summary>{_incidence_table(c, lang)}</details>"
        f"<h2>{_w('table', lang)}</h2>{_main_table(c, lang)}"
        f"<h2>{_w('method', lang)}</h2>{_method(c, lang)}</body></html>"
    )


def _incidence_frame(c: Comparison) -> pl.DataFrame:
    rows = [
        {
            "id": r.spec.id,
            "decile": i + 1,
            "benefit_share": d["benefit_share"].value,
            "benefit_share_se": d["benefit_share"].se,
            "coverage": d["coverage"].value,
            "coverage_se": d["coverage"].se,
        }
        for r in c.results
        for i, d in enumerate(r.evaluation.deciles)
    ]
    return pl.DataFrame(rows)


def write_comparison(c: Comparison, out: str | Path, *, survey: str | None = None) -> list[Path]:
    """Write every output of ``c`` into the folder ``out``; the paths written."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    put(
        "comparison.json",
        json.dumps(c.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n",
    )
    put("comparison.csv", c.table().write_csv())
    put("incidence.csv", _incidence_frame(c).write_csv())
    trade = c.table().select("id", "coverage", "benefit_cost_ratio", "benefit_cost_ratio_se")
    put("tradeoff.csv", trade.write_csv())
    put("tradeoff.svg", tradeoff(c))
    put("incidence.svg", incidence(c))
    put(
        "scenario.yaml",
        "# Made by insaf target compare: one budget-neutral reform per design.\n"
        + yaml.safe_dump(c.scenario(survey), allow_unicode=True, sort_keys=False, width=100),
    )
    if c.model is not None:
        put("model.json", c.model.to_json() + "\n")
    for lang in ("en", "ar"):
        put(f"brief.{lang}.html", render_brief(c, lang))
    return written

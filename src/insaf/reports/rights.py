"""The rights section of the brief: each test's finding and evidence, in one language.

Everything shown is from the reform's ``rights`` section (``insaf.rights``);
this module only picks the words (``insaf.rights.text``) and formats the
numbers. The Arabic section holds no English: amounts are written with Arabic
words for millions and billions, and every label comes in Arabic.
"""

from __future__ import annotations

from typing import Any

from insaf.measures import Estimate
from insaf.policy.impact import ReformImpact
from insaf.rights import TESTS, RightsAssessment
from insaf.rights.text import JUSTIFICATION_NAMES, LINE_NAMES, RULES, VERDICTS, WORDS
from insaf.rights.text import TESTS as TEST_NAMES

__all__ = ["rights_context"]

_LARGE = {"en": ("bn", "m"), "ar": ("مليار", "مليون")}


def _amount(value: float, lang: str) -> str:
    billions, millions = _LARGE[lang]
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.2f} {billions}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} {millions}"
    return f"{value:,.0f}"


def _shown(indicator: str, e: Estimate, lang: str) -> tuple[str, str]:
    """The estimate and its standard error as text, in the indicator's unit."""
    if indicator.endswith("_share"):
        return f"{e.value * 100:.2f}%", f"{e.se * 100:.2f}"
    return _amount(e.value, lang), _amount(e.se, lang)


def _pct(e: Estimate, digits: int = 2) -> str:
    return f"{e.value * 100:+.{digits}f}%"


def _ci_points(e: Estimate, confidence: float) -> str:
    low, high = e.ci(confidence)
    return f"[{low * 100:+.2f}, {high * 100:+.2f}]"


def rights_context(reform: ReformImpact, lang: str, confidence: float) -> dict[str, Any] | None:
    """What the template shows of the reform's rights section (``None`` when it has none)."""
    section = reform.sections.get("rights")
    if not isinstance(section, RightsAssessment):
        return None
    w = {key: text[lang] for key, text in WORDS.items()}
    yes, no = w["yes"], w["no"]
    verdicts = [
        {
            "test": TEST_NAMES[test][lang],
            "verdict": section.verdicts[test].value,
            "finding": VERDICTS[section.verdicts[test].value][lang],
            "rule": RULES[test][lang],
        }
        for test in TESTS
    ]
    core = []
    for row in section.minimum_core:
        value, se = _shown(row["indicator"], row["value"], lang)
        core.append(
            {
                "line": LINE_NAMES[row["line"]][lang],
                "indicator": w[row["indicator"]],
                "value": value,
                "se": se,
            }
        )
    hidden = w["suppressed"]
    groups = [
        {
            "label": row[f"label_{lang}"],
            "group_change": hidden,
            "rest_change": hidden,
            "difference": hidden,
            "ci": "",
            "p_value": "",
            "threshold": "",
            "flagged": yes if row["flagged"] else no,
            "is_flagged": row["flagged"],
        }
        if row.get("suppressed")
        else {
            "label": row[f"label_{lang}"],
            "group_change": _pct(row["group_change"]),
            "rest_change": _pct(row["rest_change"]),
            "difference": f"{row['difference'].value * 100:+.2f}",
            "ci": _ci_points(row["difference"], confidence),
            "p_value": f"{row['p_value']:.4f}",
            "threshold": f"{row['holm_threshold']:.4f}",
            "flagged": yes if row["flagged"] else no,
            "is_flagged": row["flagged"],
        }
        for row in section.non_discrimination
    ]
    retro = [
        {
            "indicator": row[f"indicator_{lang}"],
            "right": w[row["right"]] if row["right"] in w else row["right"],
            "label": row[f"label_{lang}"],
            "before": hidden,
            "after": hidden,
            "change": hidden,
            "ci": "",
            "p_value": "",
            "flagged": yes if row["flagged"] else no,
            "is_flagged": row["flagged"],
        }
        if row.get("suppressed")
        else {
            "indicator": row[f"indicator_{lang}"],
            "right": w[row["right"]] if row["right"] in w else row["right"],
            "label": row[f"label_{lang}"],
            "before": f"{row['before'].value * 100:.2f}%",
            "after": f"{row['after'].value * 100:.2f}%",
            "change": f"{row['change'].value * 100:+.2f}",
            "ci": _ci_points(row["change"], confidence),
            "p_value": f"{row['p_value']:.4f}",
            "flagged": yes if row["flagged"] else no,
            "is_flagged": row["flagged"],
        }
        for row in section.non_retrogression
        if row["group"] == "everyone" or row["flagged"]
    ]
    taxes = [
        {
            "name": row[f"label_{lang}"],
            "kakwani": f"{row['kakwani'].value:.3f}",
            "se": f"{row['kakwani'].se:.4f}",
            "touched": yes if row["status"] in ("added", "changed") else no,
            "flagged": yes if row["flagged"] else no,
        }
        for row in section.taxes
    ]
    space = None
    if section.fiscal_space is not None:
        e = section.fiscal_space["fiscal_space"]
        space = {"value": _amount(e.value, lang), "se": _amount(e.se, lang)}
    justifications = [
        {
            "name": JUSTIFICATION_NAMES[name][lang],
            "given": w["given"] if text else w["not_given"],
            "text": (text or {}).get(lang) or "",
        }
        for name, text in section.justifications.items()
    ]
    p = section.participation

    def known(value: bool | None) -> str:
        return w["not_known"] if value is None else (yes if value else no)

    return {
        "w": w,
        "verdicts": verdicts,
        "core": core,
        "groups": groups,
        "retrogression": retro,
        "taxes": taxes,
        "space": space,
        "justifications": justifications,
        "consulted": known(p.consulted),
        "published": known(p.published),
    }

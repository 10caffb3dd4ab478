"""The rights section of a stored impact statement, as the statement page shows it.

Read from the statement's ``impact.json`` (``reforms.<name>.rights``, written by
``insaf.rights``): each test's finding and rule, the protected groups flagged
for disparate impact, the indicators flagged as retrogressive, the minimum-core
figures, the justifications given and what is known of participation. The
words are the rights assessment's own, in both languages (``insaf.rights.text``).
"""

from __future__ import annotations

from typing import Any

from insaf.rights import TESTS
from insaf.rights.text import JUSTIFICATION_NAMES, LINE_NAMES, RULES, VERDICTS, WORDS
from insaf.rights.text import TESTS as TEST_NAMES

__all__ = ["rights_view"]


def _value(cell: Any, scale: float = 1.0) -> float | None:
    if not isinstance(cell, dict):
        return None
    value = cell.get("value", cell.get("estimate"))
    return None if value is None else float(value) * scale


def _interval(cell: Any, scale: float = 1.0) -> tuple[float | None, float | None]:
    if not isinstance(cell, dict):
        return None, None
    low, high = cell.get("ci_low"), cell.get("ci_high")
    return (
        None if low is None else float(low) * scale,
        None if high is None else float(high) * scale,
    )


def _in_points(name: str, cell: Any) -> dict[str, float | None]:
    """``cell``'s value (as ``name``) and its interval ``low``, ``high``, times 100 (a
    share in percent, a change in percentage points)."""
    low, high = _interval(cell, 100)
    return {name: _value(cell, 100), "low": low, "high": high}


def rights_view(section: Any, code: str) -> dict[str, Any] | None:
    """What the statement page shows of one reform's rights section, in language ``code``."""
    if not isinstance(section, dict) or "verdicts" not in section:
        return None
    lang = "ar" if code == "ar" else "en"
    words = {key: text[lang] for key, text in WORDS.items()}
    verdicts = []
    for test in TESTS:
        found = (section["verdicts"].get(test) or {}).get("verdict", "not_assessed")
        verdicts.append(
            {
                "test": TEST_NAMES[test][lang],
                "verdict": found,
                "finding": VERDICTS.get(found, VERDICTS["not_assessed"])[lang],
                "rule": RULES[test][lang],
            }
        )
    core = []
    for row in section.get("minimum_core", []):
        if row.get("indicator") not in ("impoverished_share", "poor_losing_share"):
            continue
        core.append(
            {
                "line": LINE_NAMES.get(row.get("line"), {}).get(lang, row.get("line")),
                "indicator": words.get(row["indicator"], row["indicator"]),
                **_in_points("value", row.get("value")),
            }
        )
    groups = []
    for row in section.get("non_discrimination", []):
        if not row.get("flagged"):
            continue
        groups.append(
            {
                "label": row.get(f"label_{lang}") or row.get("group"),
                **_in_points("difference", row.get("difference")),
                "p_value": row.get("p_value"),
            }
        )
    retrogression = []
    for row in section.get("non_retrogression", []):
        if not row.get("flagged"):
            continue
        retrogression.append(
            {
                "indicator": row.get(f"indicator_{lang}") or row.get("indicator"),
                "group": row.get(f"label_{lang}") or row.get("group"),
                **_in_points("change", row.get("change")),
            }
        )
    justifications = [
        {
            "name": JUSTIFICATION_NAMES[name][lang],
            "given": bool((section.get("justifications") or {}).get(name, {}).get("given")),
        }
        for name in JUSTIFICATION_NAMES
    ]
    return {
        "words": words,
        "verdicts": verdicts,
        "core": core,
        "groups": groups,
        "retrogression": retrogression,
        "justifications": justifications,
    }

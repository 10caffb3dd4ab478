"""The rights findings an opinion can cite, read from the referral's impact statements.

A statement's ``impact.json`` holds, for each reform, the rights assessment
(``reforms.<name>.rights``, written by ``insaf.rights``). A *finding* is one
test's verdict (``key`` empty), or one row a test flagged: a protected group
(non-discrimination, ``key`` the group) or an indicator for a group
(non-retrogression, ``key`` ``<indicator>:<group>``). A citation copies the
finding (verdict, names in both languages, the estimate with its interval) so
the published opinion says what the statement said, in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from insaf.rights import TESTS
from insaf.rights.text import TESTS as TEST_NAMES
from insaf.rights.text import VERDICTS

__all__ = ["Finding", "cited", "findings"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of one reform's rights assessment in one statement version."""

    statement: int
    reform: str
    reform_label: dict[str, str]
    test: str
    verdict: str
    key: str = ""
    label: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> str:
        """The finding's id in a form: ``<version>|<reform>|<test>|<key>``."""
        return f"{self.statement}|{self.reform}|{self.test}|{self.key}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "reform": self.reform,
            "reform_label": self.reform_label,
            "test": self.test,
            "verdict": self.verdict,
            "key": self.key,
            "label": self.label,
            "evidence": self.evidence,
        }


def _reform_label(name: str, reform: dict[str, Any]) -> dict[str, str]:
    labels = (reform.get("notes") or {}).get("labels") or {}
    return {lang: str(labels.get(lang) or reform.get("label") or name) for lang in ("en", "ar")}


def _estimate(cell: Any) -> dict[str, Any]:
    if not isinstance(cell, dict):
        return {}
    value = cell.get("value", cell.get("estimate"))
    return {"value": value, "ci_low": cell.get("ci_low"), "ci_high": cell.get("ci_high")}


def findings(version: int, impact: dict[str, Any]) -> list[Finding]:
    """Every finding of statement ``version``'s ``impact`` an opinion may cite, in order."""
    out: list[Finding] = []
    for name, reform in (impact.get("reforms") or {}).items():
        section = reform.get("rights")
        if not isinstance(section, dict) or "verdicts" not in section:
            continue
        label = _reform_label(name, reform)
        for test in TESTS:
            verdict = (section["verdicts"].get(test) or {}).get("verdict", "not_assessed")
            out.append(Finding(version, name, label, test, verdict))
        for row in section.get("non_discrimination", []):
            if row.get("flagged"):
                out.append(
                    Finding(
                        version,
                        name,
                        label,
                        "non_discrimination",
                        "flagged",
                        key=str(row.get("group")),
                        label={
                            "en": str(row.get("label_en") or row.get("group")),
                            "ar": str(row.get("label_ar") or row.get("group")),
                        },
                        evidence={
                            "measure": "difference",
                            **_estimate(row.get("difference")),
                            "p_value": row.get("p_value"),
                        },
                    )
                )
        for row in section.get("non_retrogression", []):
            if row.get("flagged"):
                indicator, group = str(row.get("indicator")), str(row.get("group"))
                out.append(
                    Finding(
                        version,
                        name,
                        label,
                        "non_retrogression",
                        "flagged",
                        key=f"{indicator}:{group}",
                        label={
                            lang: f"{row.get(f'indicator_{lang}') or indicator} · "
                            f"{row.get(f'label_{lang}') or group}"
                            for lang in ("en", "ar")
                        },
                        evidence={
                            "measure": "change",
                            **_estimate(row.get("change")),
                            "p_value": row.get("p_value"),
                        },
                    )
                )
    return out


def _points(value: Any) -> float | None:
    return None if value is None else float(value) * 100


def cited(citation: dict[str, Any], code: str) -> dict[str, Any]:
    """What a page shows of one stored citation (``Finding.to_dict`` with the council's
    notes), in language ``code``: the test and the verdict in the assessment's own words."""
    lang = "ar" if code == "ar" else "en"
    evidence = citation.get("evidence") or {}
    return {
        "statement": citation["statement"],
        "reform": (citation.get("reform_label") or {}).get(lang) or citation.get("reform"),
        "test": TEST_NAMES.get(citation["test"], {}).get(lang, citation["test"]),
        "verdict": citation["verdict"],
        "finding": VERDICTS.get(citation["verdict"], VERDICTS["not_assessed"])[lang],
        "label": (citation.get("label") or {}).get(lang, ""),
        "measure": evidence.get("measure", ""),
        "value": _points(evidence.get("value")),
        "low": _points(evidence.get("ci_low")),
        "high": _points(evidence.get("ci_high")),
        "p_value": evidence.get("p_value"),
        "note_en": citation.get("note_en", ""),
        "note_ar": citation.get("note_ar", ""),
    }

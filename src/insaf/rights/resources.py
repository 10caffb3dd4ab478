"""Maximum available resources: how the revenue side raises money, and what the reform
frees or spends.

- the Kakwani index of each tax and contribution in force after the reform (the
  impact's ``progressivity`` table: concentration of the tax minus the Gini of
  market income; below zero the tax is regressive), and whether the reform adds
  or changes it;
- the reform's net fiscal space: minus the change in the government's annual net
  cost (``fiscal`` table), so a saving is positive.

A tax is flagged regressive when the reform adds or changes it and its Kakwani
index is below zero with one-sided p-value under ``alpha``.
"""

from __future__ import annotations

from insaf.measures import combine
from insaf.policy.impact import ReformImpact, Row
from insaf.rights.stats import p_greater

__all__ = ["TAX_KINDS", "fiscal_space", "tax_rows"]

TAX_KINDS = ("direct_tax", "contribution", "indirect_tax")


def tax_rows(reform: ReformImpact, *, alpha: float) -> list[Row]:
    """Each tax after the reform: its Kakwani index and whether the reform touched it."""
    status = {row["instrument"]: row["status"] for row in reform.table("fiscal")}
    labels = {row["instrument"]: row["label"] for row in reform.table("fiscal")}
    rows: list[Row] = []
    for row in reform.table("progressivity"):
        if row["state"] != "reform" or row["kind"] not in TAX_KINDS:
            continue
        kakwani = row["kakwani"]
        negative = combine(lambda k: -k, lambda k: (-1.0,), kakwani, measure="kakwani")
        p = p_greater(negative)
        touched = status.get(row["instrument"]) in ("added", "changed")
        label = labels.get(row["instrument"]) or {}
        rows.append(
            {
                "instrument": row["instrument"],
                "label_en": label.get("en") or row["instrument"],
                "label_ar": label.get("ar") or row["instrument"],
                "kind": row["kind"],
                "status": status.get(row["instrument"], ""),
                "kakwani": kakwani,
                "p_regressive": p,
                "regressive": p < alpha,
                "flagged": touched and p < alpha,
            }
        )
    return rows


def fiscal_space(reform: ReformImpact) -> Row | None:
    """Minus the change in the annual net cost (a saving is positive)."""
    net = next((r for r in reform.table("fiscal") if r["instrument"] == "net"), None)
    if net is None:
        return None
    space = combine(lambda c: -c, lambda c: (-1.0,), net["change"], measure="fiscal_space")
    return {"instrument": "net", "kind": "fiscal_space", "fiscal_space": space}

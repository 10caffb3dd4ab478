"""Grievance statistics for the public, after disclosure control.

Three tables of grievances received: by governorate, by kind, and the time
closed grievances took (median days; the share answered within the service
clock; shown only when at least the minimum count were closed).
Each row is a cell of the count table (the total and one line per
dimension); ``insaf.disclosure.control`` suppresses counts under the
observatory's minimum (primary) and the cells that would let a suppressed
count be recovered from its line's total (secondary). A suppressed row shows
no count and no time.
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from insaf.disclosure import Cell, DisclosureRules, control
from insaf.web.registry import models as m

__all__ = ["published", "rules"]


def rules() -> DisclosureRules:
    """The observatory's disclosure rules (counts only: no coefficient of variation)."""
    from insaf.web.observatory.services import current_rules

    return current_rules()


def published(language: str, *, disclosure: DisclosureRules | None = None) -> dict[str, Any]:
    """The page's tables: rows ``{label, count, median_days, within_sla}`` or suppressed."""
    rows = list(
        m.Grievance.objects.values_list(
            "household__governorate", "kind", "status", "received_at", "resolved_at", "due_at"
        )
    )
    groups: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        groups[("governorate", row[0])].append(row)
        groups[("kind", row[1])].append(row)
    keys = sorted(groups)
    cells = [Cell(table="grievances", n=len(rows), amounts=(float(len(rows)),))]
    cells += [
        Cell(
            table="grievances",
            disaggregation=((dim, code),),
            n=len(groups[(dim, code)]),
            amounts=(float(len(groups[(dim, code)])),),
        )
        for dim, code in keys
    ]
    chosen = disclosure or rules()
    decided = control(cells, chosen)
    least = chosen.min_count
    kinds = dict(m.GrievanceKind.choices)
    out: dict[str, list[dict[str, Any]]] = {"governorate": [], "kind": []}
    for index, (dim, code) in enumerate(keys, start=1):
        label = (
            str(kinds.get(code, code))
            if dim == "kind"
            else _("Governorate %(code)s") % {"code": code}
        )
        if decided.suppressed(index):
            out[dim].append({"label": label, "suppressed": True})
        else:
            out[dim].append(
                {"label": label, "suppressed": False, **_times(groups[(dim, code)], least)}
            )
    total = (
        {"suppressed": True}
        if decided.suppressed(0)
        else {"suppressed": False, **_times(rows, least)}
    )
    return {
        "by_governorate": out["governorate"],
        "by_kind": out["kind"],
        "total": total,
        "report": decided.report.to_dict(),
    }


def _times(rows: list[tuple[Any, ...]], least: int) -> dict[str, Any]:
    """Count, closed, and the times of the closed ones (only when at least ``least`` closed)."""
    closed = [r for r in rows if r[4] is not None]
    if len(closed) < least:
        return {"count": len(rows), "closed": None, "median_days": None, "within_sla": None}
    days = [(r[4] - r[3]).total_seconds() / 86400 for r in closed]
    return {
        "count": len(rows),
        "closed": len(closed),
        "median_days": stats.median(days) if days else None,
        "within_sla": (
            100.0 * sum(1 for r in closed if r[4] <= r[5]) / len(closed) if closed else None
        ),
    }

"""Grievance statistics published in the observatory, as indicators, through disclosure control.

Three indicators (``indicators.yaml``), each for a year (the year grievances
were received), in total, by governorate and by kind of grievance:

- ``REG_GRIEVANCES``: grievances received (a count, additive: its lines add up
  to the total);
- ``REG_GRIEVANCE_DAYS``: the median days from receipt to decision, of those
  decided;
- ``REG_GRIEVANCE_SLA``: the share of those decided that were decided within
  the service-level clock (``services.GRIEVANCE_SLA_DAYS``).

Disclosure control is the observatory's: the counts go through
``insaf.disclosure`` (a count under the minimum is suppressed, and so is any
cell of its line that would reveal it); a time or a share is suppressed where
the count of its group is, and where fewer than the minimum were decided (its
``n``). ``publish_grievance_statistics`` then stores them with the observatory's
``publish``, which applies the same control again and records the release.

The indicators are added to the observatory the first time (``sync_catalogue``)
with the observatory's own governorate dimension (or one made of the
registry's governorate codes when the observatory has none).
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from insaf.observatory import Catalogue, DisclosureReport, Observation, apply_disclosure
from insaf.web.observatory import models as om
from insaf.web.observatory import services as observatory
from insaf.web.registry import models as m

__all__ = ["CODES", "catalogue", "grievance_observations", "publish_grievance_statistics"]

Actor = AbstractBaseUser | AnonymousUser | None

FILE = Path(__file__).with_name("indicators.yaml")
COUNT, DAYS, SLA = "REG_GRIEVANCES", "REG_GRIEVANCE_DAYS", "REG_GRIEVANCE_SLA"
CODES = (COUNT, DAYS, SLA)
Row = tuple[str, str, Any, Any, Any]  # governorate, kind, received, resolved, due


def _area() -> str:
    """The observatory's area (as ``stored_catalogue`` reads it)."""
    return om.Observation.objects.values_list("area", flat=True).first() or "NAT"


def catalogue() -> tuple[Catalogue, Catalogue]:
    """The registry's indicators checked as a whole catalogue, and the part to add to the
    observatory (without the governorate dimension when the observatory has its own)."""
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    stored = om.Dimension.objects.filter(code="governorate").first()
    if stored is not None:
        categories = [
            {"code": c.code, "name": {"en": c.name_en, "ar": c.name_ar}}
            for c in stored.categories.all()
        ]
        name = {"en": stored.name_en, "ar": stored.name_ar}
    else:
        codes = sorted(set(m.Household.objects.values_list("governorate", flat=True))) or ["-"]
        categories = [
            {"code": c, "name": {"en": f"Governorate {c}", "ar": f"المحافظة {c}"}} for c in codes
        ]
        name = {"en": "Governorate", "ar": "المحافظة"}
    governorate = {"code": "governorate", "sdmx": "GOVERNORATE", "name": name,
                   "categories": categories}  # fmt: skip
    whole = Catalogue.model_validate(
        {**data, "area": _area(), "dimensions": [*data["dimensions"], governorate]}
    )
    own = [d for d in whole.dimensions if d.code != "governorate" or stored is None]
    return whole, whole.model_copy(update={"dimensions": own})


def _rows(year: int) -> list[Row]:
    return list(
        m.Grievance.objects.filter(year=year).values_list(
            "household__governorate", "kind", "received_at", "resolved_at", "due_at"
        )
    )


def grievance_observations(year: int, *, area: str | None = None) -> list[Observation]:
    """The three indicators' cells for ``year`` after disclosure control (module notes)."""
    area = area or _area()
    rows = _rows(year)
    groups: dict[tuple[tuple[str, str], ...], list[Row]] = defaultdict(list)
    for row in rows:
        groups[()].append(row)
        groups[(("governorate", row[0]),)].append(row)
        groups[(("grievance_kind", row[1]),)].append(row)
    rules = observatory.current_rules()
    counts = [
        Observation(
            indicator=COUNT,
            period=year,
            area=area,
            disaggregation=key,
            value=float(len(group)),
            n=len(group),
            population=float(len(group)),
        )
        for key, group in sorted(groups.items())
    ]
    counts, _ = apply_disclosure(counts, rules)
    hidden = {c.disaggregation for c in counts if c.is_suppressed}
    out = list(counts)
    for key, group in sorted(groups.items()):
        decided = [r for r in group if r[3] is not None]
        days = [(r[3] - r[2]).total_seconds() / 86400 for r in decided]
        on_time = [r for r in decided if r[3] <= r[4]]
        for code, value in (
            (DAYS, stats.median(days) if days else None),
            (SLA, 100.0 * len(on_time) / len(decided) if decided else None),
        ):
            cell = Observation(
                indicator=code, period=year, area=area, disaggregation=key, value=value,
                n=len(decided),
            )  # fmt: skip
            too_few = len(decided) < rules.min_count or value is None
            out.append(cell.suppressed() if key in hidden or too_few else cell)
    return out


def publish_grievance_statistics(
    *, actor: Actor, years: Iterable[int] | None = None
) -> DisclosureReport | None:
    """Publish the grievance indicators of ``years`` (every year with a grievance by default)
    in the observatory; ``None`` when there is nothing to publish.

    A release, not a feed: published when asked (``registry_statistics``, the demo), not at
    every grievance, so that two releases a grievance apart cannot be compared to find it.
    """
    if years is None:
        years = m.Grievance.objects.values_list("year", flat=True)
    chosen = sorted(set(years))
    if not chosen:
        return None
    if om.Indicator.objects.filter(code__in=CODES).count() < len(CODES):
        _, own = catalogue()
        observatory.sync_catalogue(actor=actor, catalogue=own)
    area = _area()
    cells = [c for year in chosen for c in grievance_observations(year, area=area)]
    return observatory.publish(
        actor=actor, observations=cells, source="social registry: grievances"
    )

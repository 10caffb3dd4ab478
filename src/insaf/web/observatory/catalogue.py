"""The stored catalogue as the library's ``Catalogue`` (for imports and SDMX exports)."""

from __future__ import annotations

from typing import Any

from insaf.observatory import Catalogue
from insaf.observatory.indicators import INDICATOR_TEXTS
from insaf.web.observatory import models as m

__all__ = ["stored_catalogue"]


def _text(obj: Any, name: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{name}_en") or "-", "ar": getattr(obj, f"{name}_ar") or "-"}


def stored_catalogue() -> Catalogue:
    """Dimensions and indicators as stored (frameworks are not needed for data exchange)."""
    dimensions = []
    for d in m.Dimension.objects.prefetch_related("categories"):
        dimensions.append(
            {
                "code": d.code,
                "name": _text(d, "name"),
                "sdmx": d.sdmx,
                "categories": [
                    {"code": c.code, "name": _text(c, "name")} for c in d.categories.all()
                ],
            }
        )
    indicators = []
    for i in m.Indicator.objects.all():
        indicators.append(
            {
                "code": i.code,
                **{n: _text(i, n) for n in INDICATOR_TEXTS},
                "direction": i.direction,
                "disaggregations": [b.split("+") for b in i.breakdowns if b],
            }
        )
    area = m.Observation.objects.values_list("area", flat=True).first() or "NAT"
    return Catalogue.model_validate(
        {"area": area, "dimensions": dimensions, "indicators": indicators or _placeholder()}
    )


def _placeholder() -> list[dict[str, Any]]:
    text = {"en": "-", "ar": "-"}
    return [
        {
            "code": "NONE",
            **dict.fromkeys(INDICATOR_TEXTS, text),
            "direction": "increase",
        }
    ]

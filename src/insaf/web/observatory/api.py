"""The observatory's JSON API (OpenAPI at ``/api/openapi.json``, browsable at ``/api/docs``).

Frameworks, indicators and observations, with filters. A suppressed cell is
listed with ``suppressed: true`` and no value, standard error, interval or
count: those numbers are not stored.
"""

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic_core import to_json

from insaf.observatory.indicators import INDICATOR_TEXTS
from insaf.observatory.observations import MAX_AREA_LENGTH, key_of, parse_key
from insaf.web.core.api import Limit, Offset, Pagination, TextOut, Year, answers
from insaf.web.observatory import models as m
from insaf.web.observatory.queries import published_indicator

router = Router(tags=["observatory"])


class TargetOut(Schema):
    value: float
    year: int
    baseline_year: int | None = None


class IndicatorOut(Schema):
    code: str
    name: TextOut
    definition: TextOut
    unit_of_measure: TextOut
    unit: TextOut = Field(
        description="Deprecated: unit_of_measure under its old name, for one release",
        json_schema_extra={"deprecated": True},
    )
    source: TextOut
    method: TextOut
    agency: TextOut
    sdg: list[str]
    rights: str
    direction: str
    decimals: int
    headline: bool
    breakdowns: list[str] = Field(description="'' is the total; dimensions joined by '+'")
    target: TargetOut | None = None
    frameworks: list[str]


class NodeOut(Schema):
    code: str
    kind: str
    depth: int
    parent: str | None
    name: TextOut
    indicators: list[str]


class FrameworkOut(Schema):
    code: str
    name: TextOut
    description: TextOut
    nodes: list[NodeOut]


class ObservationOut(Schema):
    indicator: str
    period: int
    area: str
    breakdown: str
    disaggregation: dict[str, str]
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    flags: list[str]
    suppressed: bool


class AssessmentOut(Schema):
    indicator: str
    area: str
    disaggregation: dict[str, str]
    method: str
    status: str
    score: float | None
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    projection: float | None


class ObservationFilters(Schema):
    period: Year | None = None
    period_from: Year | None = None
    period_to: Year | None = None
    area: str | None = Field(None, max_length=MAX_AREA_LENGTH)
    breakdown: str | None = Field(
        None, description="e.g. 'sex' or 'governorate+sex'; '' for totals"
    )
    key: str | None = Field(None, description="canonical disaggregation, e.g. 'sex=female'")


def _text(obj: Any, name: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{name}_en"), "ar": getattr(obj, f"{name}_ar")}


def _indicator(ind: m.Indicator) -> dict[str, Any]:
    target = None
    if ind.target_value is not None and ind.target_year is not None:
        target = {
            "value": ind.target_value,
            "year": ind.target_year,
            "baseline_year": ind.baseline_year,
        }
    return {
        "code": ind.code,
        **{n: _text(ind, n) for n in INDICATOR_TEXTS},
        "unit": _text(ind, "unit_of_measure"),
        "sdg": [s.strip() for s in ind.sdg.split(",") if s.strip()],
        "rights": ind.rights,
        "direction": ind.direction,
        "decimals": ind.decimals,
        "headline": ind.headline,
        "breakdowns": ind.breakdowns,
        "target": target,
        "frameworks": sorted({n.framework.code for n in ind.nodes.all()}),
    }


@router.get("/frameworks", response=answers(list[FrameworkOut], params=False, cached=True))
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for fw in m.Framework.objects.prefetch_related("nodes__indicators", "nodes__parent"):
        nodes = [
            {
                "code": n.code,
                "kind": n.kind,
                "depth": n.depth,
                "parent": n.parent.code if n.parent else None,
                "name": _text(n, "name"),
                "indicators": [i.code for i in n.indicators.all()],
            }
            for n in fw.nodes.all()
        ]
        out.append(
            {
                "code": fw.code,
                "name": _text(fw, "name"),
                "description": _text(fw, "description"),
                "nodes": nodes,
            }
        )
    return out


@router.get("/indicators", response=answers(list[IndicatorOut], cached=True))
@paginate(Pagination)
def list_indicators(
    request: HttpRequest, framework: str | None = None, headline: bool | None = None
) -> list[dict[str, Any]]:
    rows = m.Indicator.objects.prefetch_related("nodes__framework")
    if framework:
        rows = rows.filter(nodes__framework__code=framework).distinct()
    if headline is not None:
        rows = rows.filter(headline=headline)
    return [_indicator(i) for i in rows]


@router.get("/indicators/{code}", response=answers(IndicatorOut, lookup=True, cached=True))
def get_indicator(request: HttpRequest, code: str) -> dict[str, Any]:
    ind = get_object_or_404(m.Indicator.objects.prefetch_related("nodes__framework"), code=code)
    return _indicator(ind)


class ObservationPage(Schema):
    items: list[ObservationOut]
    count: int = Field(description="observations matching the filters, on every page")


_COLUMNS = ("period", "area", "breakdown", "key", "value", "se", "ci_low", "ci_high", "n")


@router.get(
    "/indicators/{code}/observations",
    response=answers(ObservationPage, lookup=True, cached=True),
)
def list_observations(
    request: HttpRequest,
    code: str,
    filters: Query[ObservationFilters],
    limit: Limit = 100,
    offset: Offset = 0,
) -> HttpResponse:
    """Observations of one indicator, ordered by breakdown, key and period; ``limit`` and
    ``offset`` page through them.

    The answer is built straight from the rows (one query, no model instances
    and no per-row validation: the hottest endpoint), in the shape of
    ``ObservationPage``.
    """
    ind = published_indicator(code)
    if ind is None:
        raise Http404
    q = connection.ops.quote_name
    where: list[str] = [f"{q('indicator_id')} = %s"]
    params: list[Any] = [ind.pk]
    for column, op, value in (
        ("period", "=", filters.period),
        ("period", ">=", filters.period_from),
        ("period", "<=", filters.period_to),
        ("area", "=", filters.area or None),
        (
            "breakdown",
            "=",
            None
            if filters.breakdown is None
            else "+".join(sorted(filters.breakdown.split("+")))
            if filters.breakdown
            else "",
        ),
        ("key", "=", None if filters.key is None else key_of(parse_key(filters.key))),
    ):
        if value is not None:
            where.append(f"{q(column)} {op} %s")
            params.append(value)
    columns = ", ".join(q(c) for c in (*_COLUMNS, "flags", "suppressed"))
    table, condition = q(m.Observation._meta.db_table), " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*) OVER () FROM {table} WHERE {condition} "  # names only
            f"ORDER BY {q('breakdown')}, {q('key')}, {q('period')} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            count = int(rows[0][-1])
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {condition}", params)
            count = int(cursor.fetchone()[0])
    items = []
    for period, area, breakdown, key, value, se, low, high, n, flags, suppressed, _total in rows:
        hidden = bool(suppressed)
        items.append(
            {
                "indicator": ind.code,
                "period": period,
                "area": area,
                "breakdown": breakdown,
                "disaggregation": parse_key(key),
                "value": None if hidden else value,
                "se": None if hidden else se,
                "ci_low": None if hidden else low,
                "ci_high": None if hidden else high,
                "n": None if hidden else n,
                "flags": [f for f in flags.split(";") if f],
                "suppressed": hidden,
            }
        )
    return HttpResponse(  # pydantic's serializer: four times faster than json.dumps here
        to_json({"items": items, "count": count}, inf_nan_mode="null"),
        content_type="application/json; charset=utf-8",
    )


@router.get(
    "/indicators/{code}/progress",
    response=answers(list[AssessmentOut], lookup=True, cached=True),
)
def list_progress(
    request: HttpRequest, code: str, method: str | None = None
) -> list[dict[str, Any]]:
    ind = get_object_or_404(m.Indicator, code=code)
    rows = m.Assessment.objects.filter(indicator=ind).order_by("method", "breakdown", "key")
    if method:
        rows = rows.filter(method=method)
    return [
        {
            "indicator": ind.code,
            "area": a.area,
            "disaggregation": parse_key(a.key),
            "method": a.method,
            "status": a.status,
            "score": a.score,
            "base_year": a.base_year,
            "base_value": a.base_value,
            "current_year": a.current_year,
            "current_value": a.current_value,
            "projection": a.projection,
        }
        for a in rows
    ]

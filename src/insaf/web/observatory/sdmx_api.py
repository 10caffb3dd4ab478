"""The observatory over SDMX REST (the SDMX 2.1 web-service conventions), in SDMX-ML 2.1.

Structure queries, ``/sdmx/{resource}/{agency}/{id}/{version}`` (also under
``/sdmx/structure/...``, as SDMX REST 2 names the same resources), for
``dataflow``, ``datastructure``, ``conceptscheme`` and ``codelist``: the id and
the version may be ``all`` / ``latest``; ``?references=`` ``none`` (the
default), ``children``, ``descendants`` or ``all`` adds the DSD, concept scheme
and codelists a dataflow or DSD uses.

Data queries, ``/sdmx/data/{flow}[/{key}[/{provider}]]``: ``flow`` is
``DF_OBSERVATORY`` or ``INSAF,DF_OBSERVATORY[,1.0]``; ``key`` has one part per
dimension of the DSD but ``TIME_PERIOD``, separated by dots, each empty (any),
a code or codes joined by ``+`` (``POV_NAT.DEMO.female+male........``), or
``all``; ``?startPeriod=`` and ``?endPeriod=`` bound the years. The answer is
structure-specific data, at most ``MAX_OBSERVATIONS`` observations (more:
``413``, SDMX error 510, "Response size exceeds service limit": ask for a
narrower key or period, or download the SDMX-CSV). Unknown resources or no
matching data: ``404`` (SDMX error 100, "No results found"); a malformed key or
period: ``400``.

Everything is read from stored, disclosure-controlled data: a suppressed cell
has ``CONF_STATUS=C`` and no number, as in every other download.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from insaf.observatory import Observation
from insaf.observatory.export import TOTAL
from insaf.observatory.indicators import Catalogue
from insaf.observatory.sdmx_ml import (
    AGENCY,
    DATAFLOW_ID,
    DSD_ID,
    VERSION,
    data_message,
    structure_message,
    to_xml,
)
from insaf.web.observatory import models as m
from insaf.web.observatory import services
from insaf.web.observatory.catalogue import stored_catalogue

__all__ = ["data", "structure"]

STRUCTURE_TYPE = "application/vnd.sdmx.structure+xml; version=2.1; charset=utf-8"
DATA_TYPE = "application/vnd.sdmx.structurespecificdata+xml; version=2.1; charset=utf-8"
MAX_OBSERVATIONS = 50_000
"""The most observations one data answer holds (an SDMX-ML message is built in memory)."""
_RESOURCES = {"dataflow", "datastructure", "conceptscheme", "codelist"}
_REFERENCES = {"none", "parents", "parentsandsiblings", "children", "descendants", "all"}


def _error(status: int, code: int, text: str) -> HttpResponse:
    """An SDMX-style error: the SDMX error code and its text, as plain text."""
    return HttpResponse(f"{code} {text}\n", status=status, content_type="text/plain; charset=utf-8")


def _areas() -> list[str]:
    return list(m.Observation.objects.values_list("area", flat=True).distinct().order_by("area"))


def _matches(requested: str, actual: str) -> bool:
    return requested in {"all", "latest", "*", "", actual}


@require_safe
def structure(
    request: HttpRequest,
    resource: str,
    agency: str = "all",
    resource_id: str = "all",
    version: str = "latest",
) -> HttpResponse:
    """A structure query: the dataflow, the DSD, the concept scheme or codelists."""
    if resource not in _RESOURCES:
        return _error(501, 501, f"Not implemented: INSAF offers {', '.join(sorted(_RESOURCES))}")
    references = request.GET.get("references", "none")
    if references not in _REFERENCES:
        return _error(400, 140, f"Syntax error: references={references}")
    if not (_matches(agency, AGENCY) and _matches(version, VERSION)):
        return _error(404, 100, "No results found")
    message = structure_message(stored_catalogue(), areas=_areas())
    with_children = references in {"children", "descendants", "all"}
    kept = {
        "dataflow": resource == "dataflow" and _matches(resource_id, DATAFLOW_ID),
        "datastructure": (resource == "datastructure" and _matches(resource_id, DSD_ID))
        or (resource == "dataflow" and with_children and _matches(resource_id, DATAFLOW_ID)),
    }
    if not message.dataflow or not (
        kept["dataflow"]
        or kept["datastructure"]
        or resource
        in {
            "conceptscheme",
            "codelist",
        }
    ):
        return _error(404, 100, "No results found")
    if not kept["dataflow"]:
        message.dataflow.clear()
    if not kept["datastructure"]:
        message.structure.clear()
    descend = with_children and (kept["dataflow"] or kept["datastructure"])
    if not (resource == "conceptscheme" or descend):
        message.concept_scheme.clear()
    elif resource == "conceptscheme" and not _matches(resource_id, "CS_OBSERVATORY"):
        return _error(404, 100, "No results found")
    if resource == "codelist":
        for cl_id in list(message.codelist):
            if not _matches(resource_id, cl_id):
                del message.codelist[cl_id]
        if not message.codelist:
            return _error(404, 100, "No results found")
    elif not descend:
        message.codelist.clear()
    return HttpResponse(to_xml(message), content_type=STRUCTURE_TYPE)


def _flow_matches(flow: str) -> bool:
    parts = flow.split(",")
    if len(parts) == 1:
        return parts[0] == DATAFLOW_ID
    if len(parts) in {2, 3}:
        version = parts[2] if len(parts) == 3 else "latest"
        return _matches(parts[0], AGENCY) and parts[1] == DATAFLOW_ID and _matches(version, VERSION)
    return False


def _key_filter(key: str, dimension_ids: list[str]) -> dict[str, set[str]] | None:
    """``{dimension id: codes}`` of a key (``None`` when malformed); absent: any code."""
    if key in {"", "all"}:
        return {}
    parts = key.split(".")
    if len(parts) != len(dimension_ids):
        return None
    return {d: set(p.split("+")) for d, p in zip(dimension_ids, parts, strict=True) if p}


def _period(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    return int(raw[:4]) if raw[:4].isdigit() and len(raw) >= 4 else -1


def _selected(
    observations: Iterable[Observation], catalogue: Catalogue, wanted: dict[str, set[str]]
) -> Iterable[Observation]:
    for obs in observations:
        dims = obs.dims
        codes = {d.sdmx_id: dims.get(d.code, TOTAL) for d in catalogue.dimensions}
        if all(codes.get(d, TOTAL) in allowed for d, allowed in wanted.items() if d in codes):
            yield obs


@require_safe
def data(request: HttpRequest, flow: str, key: str = "all", provider: str = "all") -> HttpResponse:
    """A data query on the observatory's dataflow."""
    if not _flow_matches(flow):
        return _error(404, 100, "No results found")
    catalogue = stored_catalogue()
    dimension_ids = ["INDICATOR", "REF_AREA", *(d.sdmx_id for d in catalogue.dimensions)]
    wanted = _key_filter(key, dimension_ids)
    if wanted is None:
        return _error(
            400,
            140,
            f"Syntax error: the key has {len(dimension_ids)} parts: " + ".".join(dimension_ids),
        )
    start, end = _period(request.GET.get("startPeriod")), _period(request.GET.get("endPeriod"))
    if start == -1 or end == -1:
        return _error(400, 140, "Syntax error: startPeriod and endPeriod are years (YYYY)")
    rows = m.Observation.objects.order_by("indicator__position", "breakdown", "key", "period")
    if "INDICATOR" in wanted:
        rows = rows.filter(indicator__code__in=wanted.pop("INDICATOR"))
    if "REF_AREA" in wanted:
        rows = rows.filter(area__in=wanted.pop("REF_AREA"))
    if start is not None:
        rows = rows.filter(period__gte=start)
    if end is not None:
        rows = rows.filter(period__lte=end)
    selected = list(
        islice(
            _selected(services.stored_observations(rows), catalogue, wanted), MAX_OBSERVATIONS + 1
        )
    )
    if len(selected) > MAX_OBSERVATIONS:
        return _error(
            413,
            510,
            f"Response size exceeds service limit: more than {MAX_OBSERVATIONS} observations; "
            "ask for a narrower key or period, or download the SDMX-CSV",
        )
    if not selected:
        return _error(404, 100, "No results found")
    message = data_message(selected, catalogue, areas=_areas())
    return HttpResponse(to_xml(message), content_type=DATA_TYPE)

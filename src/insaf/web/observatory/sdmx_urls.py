"""``/sdmx/``: the SDMX REST endpoints (``insaf.web.observatory.sdmx_api``)."""

from __future__ import annotations

from django.urls import path

from insaf.web.observatory import sdmx_api

app_name = "sdmx"
_STRUCTURE = "<str:resource>/<str:agency>/<str:resource_id>/<str:version>"
urlpatterns = [
    path("data/<str:flow>", sdmx_api.data, name="data"),
    path("data/<str:flow>/<str:key>", sdmx_api.data, name="data_key"),
    path("data/<str:flow>/<str:key>/<str:provider>", sdmx_api.data, name="data_provider"),
    # SDMX REST 2 names: /structure/{resource}/... (first: "structure" is no resource)
    path("structure/" + _STRUCTURE, sdmx_api.structure, name="structure_v2"),
    path(
        "structure/<str:resource>/<str:agency>/<str:resource_id>",
        sdmx_api.structure,
        name="structure_v2_id",
    ),
    path("structure/<str:resource>/<str:agency>", sdmx_api.structure, name="structure_v2_agency"),
    path("structure/<str:resource>", sdmx_api.structure, name="structure_v2_all"),
    # SDMX REST 1.5 (SDMX 2.1) names: /{resource}/...
    path(_STRUCTURE, sdmx_api.structure, name="structure"),
    path("<str:resource>/<str:agency>/<str:resource_id>", sdmx_api.structure, name="structure_id"),
    path("<str:resource>/<str:agency>", sdmx_api.structure, name="structure_agency"),
    path("<str:resource>", sdmx_api.structure, name="structure_all"),
]

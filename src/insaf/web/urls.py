"""URLs: pages under a language prefix (/ar/, /en/), API and administration outside it."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from ninja import NinjaAPI

from insaf import __version__
from insaf.web.accounts.views import admin_login
from insaf.web.budget.api import router as budget_router
from insaf.web.council.api import router as council_router
from insaf.web.observatory.api import router as observatory_router
from insaf.web.registry.api import router as registry_router

api = NinjaAPI(
    title="INSAF Social Observatory and Council API",
    version=__version__,
    description="Frameworks, indicators, observations and progress of the Social Observatory "
    "(suppressed cells carry no numbers); referrals, impact statements, opinions, government "
    "responses, commitments and accountability of the Economic and Social Council; the plan "
    "and budget (execution, PEFA, Fiscal Data Package); the social registry's DCI search, "
    "sync search and enrolment check (token authentication).",
    urls_namespace="api",
)
api.add_router("/observatory", observatory_router)
api.add_router("/council", council_router)
api.add_router("/budget", budget_router)
api.add_router("/registry", registry_router)


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok", "version": __version__})


handler500 = "insaf.web.core.errors.server_error"

admin.site.site_header = "INSAF · إنصاف"
admin.site.site_title = "INSAF"

urlpatterns = [
    path("api/", api.urls),
    path("admin/login/", admin_login, name="admin_login"),  # the platform's throttled login
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("sdmx/", include("insaf.web.observatory.sdmx_urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("insaf.web.accounts.urls")),
    path("council/", include("insaf.web.council.urls")),
    path("budget/", include("insaf.web.budget.urls")),
    path("registry/", include("insaf.web.registry.urls")),
    path("", include("insaf.web.observatory.urls")),
    prefix_default_language=True,
)

"""Observatory pages and downloads. Thin: read the request, call ``queries`` or ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insaf.errors import InsafError
from insaf.observatory.export import csv_header, sdmx_header, sdmx_rows, tidy_rows
from insaf.observatory.importing import read_csv_observations
from insaf.web.core.downloads import csv_download
from insaf.web.core.errors import error_text
from insaf.web.core.roles import Role, has_role
from insaf.web.observatory import models as m
from insaf.web.observatory import queries, services
from insaf.web.observatory import rights as rights_view
from insaf.web.observatory.catalogue import stored_catalogue
from insaf.web.observatory.forms import DisclosureForm, ImportForm, TargetForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/home.html", queries.home())


def frameworks(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/frameworks.html", {"frameworks": m.Framework.objects.all()})


def framework(request: HttpRequest, code: str) -> HttpResponse:
    fw = get_object_or_404(m.Framework, code=code)
    nodes = fw.nodes.prefetch_related("indicators").order_by("position")
    return render(request, "observatory/framework.html", {"framework": fw, "nodes": nodes})


def indicators(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/indicators.html", {"rows": queries.indicator_list()})


def indicator(request: HttpRequest, code: str) -> HttpResponse:
    ind = queries.published_indicator(code)
    if ind is None:
        raise Http404
    breakdown = (
        request.GET.get("breakdown", "").strip().replace(" ", "+")
    )  # a bare '+' reads as space
    page = queries.indicator_page(ind, breakdown=breakdown)
    return render(request, "observatory/indicator.html", {"page": page, "ind": ind})


def furthest_behind(request: HttpRequest) -> HttpResponse:
    rows = queries.furthest_behind()
    context = {"rows": rows, "rows_html": queries.behind_rows_html(rows)}
    return render(request, "observatory/behind.html", context)


def rights(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/rights.html", {"rights": rights_view.rights_list()})


def right(request: HttpRequest, code: str) -> HttpResponse:
    page = rights_view.right_page(code)
    if page is None:
        raise Http404
    return render(request, "observatory/right.html", {"page": page})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = list(queries.search(query)) if query else []
    return render(request, "observatory/search.html", {"query": query, "results": results})


def downloads(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/downloads.html", {"indicators": m.Indicator.objects.all()})


def download_csv(request: HttpRequest, code: str | None = None) -> StreamingHttpResponse:
    if code is not None:
        get_object_or_404(m.Indicator, code=code)
    dims = services.dimension_codes()
    return csv_download(
        f"insaf-{code or 'observatory'}.csv",
        csv_header(dims),
        tidy_rows(services.published_observations(code), dims),
    )


def download_sdmx(request: HttpRequest, code: str | None = None) -> StreamingHttpResponse:
    if code is not None:
        get_object_or_404(m.Indicator, code=code)
    catalogue = stored_catalogue()
    return csv_download(
        f"insaf-{code or 'observatory'}.sdmx.csv",
        sdmx_header(catalogue),
        sdmx_rows(services.published_observations(code), catalogue),
        bom=False,
    )


def _require_analyst(request: HttpRequest) -> None:
    if not has_role(request.user, Role.ANALYST, Role.ADMINISTRATOR):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Analysts: disclosure rules, indicator targets and CSV imports."""
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    _require_analyst(request)
    policy = m.DisclosurePolicy.objects.first() or m.DisclosurePolicy()
    disclosure = DisclosureForm(instance=policy, prefix="disclosure")
    upload = ImportForm(prefix="import")
    target = TargetForm(prefix="target")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "disclosure":
            disclosure = DisclosureForm(request.POST, instance=policy, prefix="disclosure")
            if disclosure.is_valid():
                data = disclosure.cleaned_data
                services.set_disclosure_policy(actor=request.user, **data)
                messages.success(request, _("Disclosure rules saved and applied to stored cells."))
                return redirect("observatory:manage")
        elif action == "target":
            target = TargetForm(request.POST, prefix="target")
            if target.is_valid():
                data = target.cleaned_data
                services.set_target(
                    actor=request.user,
                    indicator=data["indicator"],
                    value=data["value"],
                    year=data["year"],
                    baseline_year=data["baseline_year"],
                )
                messages.success(request, _("Target saved; progress assessed again."))
                return redirect("observatory:manage")
        elif action == "import":
            upload = ImportForm(request.POST, request.FILES, prefix="import")
            if upload.is_valid():
                try:
                    text = upload.cleaned_data["file"].read().decode("utf-8-sig")
                    import io

                    observations = read_csv_observations(io.StringIO(text), stored_catalogue())
                except UnicodeDecodeError:
                    upload.add_error("file", _("The file is not UTF-8 text."))
                except InsafError as exc:
                    upload.add_error("file", error_text(exc))
                else:
                    report = services.publish(
                        actor=request.user,
                        observations=observations,
                        source=f"upload {upload.cleaned_data['file'].name}",
                    )
                    messages.success(
                        request,
                        _("%(published)s cells published, %(suppressed)s suppressed.")
                        % {
                            "published": report.published,
                            "suppressed": report.primary + report.secondary,
                        },
                    )
                    return redirect("observatory:manage")
    context = {
        "disclosure": disclosure,
        "upload": upload,
        "target": target,
        "releases": m.Release.objects.all()[:10],
    }
    return render(request, "observatory/manage.html", context)


def _login_url() -> str:
    from django.urls import reverse

    return reverse("accounts:login")

"""Login (rate-limited) and logout (POST only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from insaf.web.accounts import services


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("observatory:home")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    context: dict[str, Any] = {"form": form, "next": _next(request), "locked": False}
    if request.method == "POST":
        username = str(request.POST.get("username", ""))
        if services.is_locked(username=username, address=_address(request)):
            context["locked"] = True
            return render(request, "accounts/login.html", context, status=429)
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            services.login_succeeded(user=user, address=_address(request))
            return HttpResponseRedirect(context["next"])
        services.login_failed(username=username, address=_address(request))
        return render(request, "accounts/login.html", context, status=200)
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        services.logged_out(user=user)
    logout(request)
    return HttpResponseRedirect(reverse("observatory:home"))

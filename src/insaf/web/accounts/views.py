"""Login (rate-limited), logout (POST only), and a citizen's sign-up with a verified address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from insaf.web.accounts import registration, services
from insaf.web.accounts.forms import SignUpForm


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


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    """A citizen's account: made inactive, a verification link mailed (throttled like login)."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("observatory:home"))
    form = SignUpForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "locked": False}
    if request.method == "POST":
        email = str(request.POST.get("email", ""))
        if services.is_locked(username=email, address=_address(request)):
            context["locked"] = True
            return render(request, "accounts/signup.html", context, status=429)
        services.signup_attempted(email=email, address=_address(request))
        if form.is_valid():
            data = form.cleaned_data

            def build_url(link: registration.Link) -> str:
                path = reverse("accounts:verify", args=[link.uid, link.token])
                return request.build_absolute_uri(path)

            registration.sign_up(
                email=data["email"],
                name=data["name"],
                password=data["password1"],
                build_url=build_url,
            )
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", context)


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The mailed link: a page with one button (a mail scanner's GET activates nothing)."""
    user = registration.link_user(uid, token)
    if user is None:
        return render(request, "accounts/verify.html", {"valid": False}, status=400)
    if request.method == "POST":
        registration.activate(user)
        messages.success(request, _("Your address is verified. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/verify.html", {"valid": True, "email": user.email})

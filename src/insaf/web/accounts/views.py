"""Login (throttled, with the optional second factor), logout (POST only), the second-factor
page of staff accounts, and a citizen's sign-up with a verified address.

The administration site's login page leads here (``admin_login``), so every
login passes the same throttle, second factor and audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from insaf.web.accounts import registration, services, totp
from insaf.web.accounts.forms import SignUpForm
from insaf.web.core.network import client_address


def _address(request: HttpRequest) -> str:
    return client_address(request)


def _too_many(
    request: HttpRequest, template: str, context: dict[str, Any], wait: int
) -> HttpResponse:
    context["locked"] = True
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


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
        username, address = str(request.POST.get("username", "")), _address(request)
        wait = services.retry_after(username=username, address=address)
        if wait is not None:
            return _too_many(request, "accounts/login.html", context, wait)
        if form.is_valid():
            user = form.get_user()
            device = totp.confirmed_device(user)
            if device is None or totp.verify(device, str(request.POST.get("code", ""))):
                login(request, user)
                if device is not None:
                    otp_login(request, device)
                services.login_succeeded(user=user, address=address)
                return HttpResponseRedirect(context["next"])
            context["code_error"] = True
            services.login_failed(username=username, address=address, reason="second factor")
            return render(request, "accounts/login.html", context, status=200)
        services.login_failed(username=username, address=address)
        return render(request, "accounts/login.html", context, status=200)
    return render(request, "accounts/login.html", context)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The administration site's login: the platform's own login page, then back to the site."""
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (a new secret, confirmed by a code) or off (by a code)."""
    user = request.user
    if not isinstance(user, User):
        return redirect_to_login(request.get_full_path())
    if not totp.may_enrol(user):
        raise PermissionDenied
    device = totp.confirmed_device(user)
    wrong = False
    if request.method == "POST":
        code = str(request.POST.get("code", ""))
        if device is None and totp.enable(user=user, code=code):
            messages.success(request, _("The second factor is on."))
            return redirect("accounts:second_factor")
        if device is not None and totp.disable(user=user, code=code):
            messages.success(request, _("The second factor is off."))
            return redirect("accounts:second_factor")
        wrong = True
    context: dict[str, Any] = {"enabled": device is not None, "wrong": wrong}
    if device is None:
        pending = totp.pending_device(user)
        context["secret"] = totp.secret(pending)
        context["uri"] = pending.config_url
    return render(request, "accounts/second_factor.html", context, status=200)


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
        wait = services.retry_after(username=email, address=_address(request), per_address=True)
        if wait is not None:
            return _too_many(request, "accounts/signup.html", context, wait)
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

"""Security headers on every response: content security policy, permissions policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["SecurityHeadersMiddleware"]


class SecurityHeadersMiddleware:
    """Adds ``Content-Security-Policy``, ``Permissions-Policy`` and cross-origin headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.CONTENT_SECURITY_POLICY
        self.docs_policy: str = settings.CONTENT_SECURITY_POLICY_API_DOCS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        docs = request.path.startswith("/api/docs")
        response.headers.setdefault(
            "Content-Security-Policy", self.docs_policy if docs else self.policy
        )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

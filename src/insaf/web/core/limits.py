"""Limits every request meets before any view runs: body size and NUL characters.

``RequestLimitsMiddleware`` answers, before a view or the database sees the request:

- ``413 Content Too Large`` when the declared body (``Content-Length``, any
  content type, multipart included) is larger than ``MAX_REQUEST_BYTES``
  (``INSAF_MAX_REQUEST_MB``, 10 MB by default: the largest upload the platform
  takes is a 5 MB file); a ``Content-Length`` that is not a whole number is a
  ``400``. Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only limits the form
  fields held in memory, not the files of a multipart body.
- ``400 Bad Request`` when the path, a cookie, a query parameter (name or value), or a
  form field or uploaded file name holds a NUL character (``%00``): no text
  column can store one (PostgreSQL refuses it outright), and no legitimate
  request has one. The content of an uploaded file is not inspected here: the
  reader of that file (a CSV import, a YAML scenario) names the row and column.

API answers are JSON (``{"detail": ...}``, documented in the OpenAPI schema
by ``insaf.web.core.api``); page answers are short plain text in the active
language.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

__all__ = ["RequestLimitsMiddleware", "has_nul"]

NUL = "\x00"


def has_nul(request: HttpRequest) -> bool:
    """Whether the path, a cookie, the query or the form (names, values, file names) has NUL."""
    if NUL in request.path:
        return True
    for key, value in request.COOKIES.items():
        if NUL in key or NUL in value:
            return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
        for key, files in request.FILES.lists():
            if NUL in key or any(NUL in (f.name or "") for f in files):
                return True
    return False


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"detail": message}), status=status, content_type="application/json"
        )
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestLimitsMiddleware:
    """After ``LocaleMiddleware`` (messages in the visitor's language), before CSRF and views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.max_bytes: int = settings.MAX_REQUEST_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return _refuse(request, 400, _("The request's Content-Length is not a number."))
        if length < 0:
            return _refuse(request, 400, _("The request's Content-Length is not a number."))
        if length > self.max_bytes:
            return _refuse(
                request,
                413,
                _("The request is larger than %(mb)s MB.")
                % {"mb": self.max_bytes // (1024 * 1024)},
            )
        try:
            refused = has_nul(request)
        except MultiPartParserError:
            return _refuse(request, 400, _("The form data could not be read."))
        if refused:
            return _refuse(request, 400, _("The request contains a NUL character."))
        return self.get_response(request)

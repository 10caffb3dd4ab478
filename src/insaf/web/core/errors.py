"""The platform's answer when a request fails: 503 while the database cannot be reached.

Django calls ``server_error`` (``handler500``) for any exception a request
raised. A database that cannot be reached (PostgreSQL restarting, its
connections cut, SQLite's file locked past its timeout) is not a fault of the
request: the answer is ``503 Service Unavailable`` with ``Retry-After`` and a
short message in both languages, in JSON for the API. Anything else is a
plain ``500`` page. Neither shows a traceback, and neither touches the
database (no session, no user, no context processor). Django's connection
health checks (``CONN_HEALTH_CHECKS``) open a new connection at the next
request, so the platform recovers by itself.

A library error shown on a page (a form's error, a message) is said in the
page's language: ``error_text`` (``insaf.errors.in_language``).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from insaf.errors import in_language
from insaf.web.core.language import page_language

__all__ = [
    "RETRY_AFTER",
    "database_unavailable",
    "error_text",
    "server_error",
]

RETRY_AFTER = 30
"""Seconds a client is asked to wait before trying again."""

_MESSAGE = {
    "en": "The database cannot be reached at the moment. Try again in a minute.",
    "ar": "تعذّر الوصول إلى قاعدة البيانات في الوقت الحالي. حاول مرة أخرى بعد دقيقة.",
}
_ERROR = {
    "en": "Something went wrong on the server. It has been logged.",
    "ar": "حدث خطأ في الخادم، وقد سُجّل.",
}


def error_text(error: BaseException) -> str:
    """What ``error`` (the library's) says, in the language of the page being answered."""
    return in_language(error, page_language())


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the database failing to answer (a lost or refused connection, a
    lock or statement timeout, a deadlock), not a mistake in the query: trying again helps."""
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 while the database is unreachable, else 500; no database, no trace."""
    unavailable = database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    messages = _MESSAGE if unavailable else _ERROR
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": messages["en"], "detail_ar": messages["ar"]}, status=status
        )
    else:
        html = render_to_string("500.html", {"status": status, "messages": messages})
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response

"""Public pages and API answers: conditional GET and a cache keyed on the public version.

An app names its public views once (``public_views("observatory:indicator", ...)``
in its ``AppConfig.ready``), and among them the views of one indicator
(``indicator_views``: their URL's ``code``). For an anonymous GET or HEAD of one
of them, the key is the public version of what the view shows (an indicator's
views: the ``global`` scope and that indicator's; every other view: ``global``
and every indicator's, ``insaf.web.core.versions``), the active language and
the full path with its query string, so:

- a publish, import, computation or any other audited change (which replaces
  the stamps of the scopes it touches in its own transaction) makes every
  earlier copy that shows them unreachable: nothing stale is served, and since
  only stored (already disclosure-controlled) data are rendered, no copy can
  hold a suppressed value either. A publish of one indicator leaves the other
  indicators' pages cached; a council write leaves the whole observatory
  cached;
- Arabic and English pages have different keys (the language is in the key as
  well as in the path);
- a signed-in user (whose page shows their name, a logout form with a CSRF
  token, the *Manage* link) or a visitor with a pending message is never
  served a cached page, and their pages are never stored;
- the key holds the platform's version as well, and ``migrate`` (run by
  ``insaf serve`` at every start) replaces the stamp: an upgrade never serves
  pages rendered by the previous release. With ``INSAF_DEBUG`` on (templates
  change under a developer's hands) the middleware stands aside.

The response carries ``ETag`` (from the key), ``Last-Modified`` (the last
change), ``Cache-Control: no-cache`` (a browser must ask again, and is answered
``304 Not Modified`` with no body while nothing changed) and ``Vary: Cookie``.
A request whose ``If-None-Match`` or ``If-Modified-Since`` still holds gets the
304 before the view runs; ``If-None-Match: *`` gets it only once the view has
found the resource (a 404 stays a 404). Downloads (streamed) get the same validators and
304s; their bodies are not stored. Only complete ``200`` answers that set no
cookie and used no CSRF token are stored, and only when asked for a second
time within ten minutes (the first request leaves a small marker that
expires sooner than any page, so it is culled first: a crawler walking every
page once neither pays for storing them nor pushes the popular ones out), in the
``pages`` cache
(``INSAF_PAGE_CACHE``: a SQLite file shared by the server's processes by
default, see ``insaf.web.core.sqlite_cache``).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from insaf import __version__
from insaf.web.core import versions

__all__ = ["PublicCacheMiddleware", "indicator_views", "public_views"]

_VIEWS: set[str] = set()
_INDICATOR_VIEWS: set[str] = set()
_TIMEOUT = 24 * 3600
_SEEN = 600
"""A first request's marker lasts ten minutes (culled before any page: it expires sooner)."""


def public_views(*names: str) -> None:
    """Declare views (``namespace:name``) whose anonymous answers depend only on URL and data."""
    _VIEWS.update(names)


def indicator_views(*names: str) -> None:
    """Declare public views that show one indicator (named by their URL's ``code``) and
    nothing of the others: they are keyed on that indicator's version alone."""
    _VIEWS.update(names)
    _INDICATOR_VIEWS.update(names)


def _scopes(view_name: str, kwargs: dict[str, Any]) -> tuple[str, ...]:
    if view_name in _INDICATOR_VIEWS and isinstance(kwargs.get("code"), str):
        return (versions.GLOBAL, versions.indicator_scope(kwargs["code"]))
    return versions.OBSERVATORY


def _anonymous(request: HttpRequest) -> bool:
    """No signed-in user and no message waiting to be shown."""
    if "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        if request.user.is_authenticated:
            return False
        if request.session.get("_messages"):
            return False
    return True


def _last_modified(version: versions.Version) -> int | None:
    """The second after the last change, once it has passed (so a 304 can never hide a change
    made in the same second as an earlier answer)."""
    second = math.floor(version.changed / 1_000_000) + 1
    return second if second <= time.time() else None


def _if_none_match(request: HttpRequest) -> list[str]:
    """The entity tags of ``If-None-Match`` (weak ones compared as strong, as for a GET)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    return [] if header is None else [t.removeprefix("W/") for t in parse_etags(header)]


class _Entry:
    __slots__ = ("etag", "key", "last_modified")

    def __init__(self, key: str, etag: str, last_modified: int | None) -> None:
        self.key, self.etag, self.last_modified = key, etag, last_modified


class PublicCacheMiddleware:
    """Last in ``MIDDLEWARE``: language, session, user and messages are known by then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if settings.DEBUG:
            raise MiddlewareNotUsed("templates change under a developer's hands: no cache")
        self.get_response = get_response
        self.cache: BaseCache | None = caches["pages"] if "pages" in settings.CACHES else None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with versions.request_scope():
            response = self.get_response(request)
            entry: _Entry | None = getattr(request, "_public_cache", None)
            if entry is None or getattr(response, "_public_cache_hit", False):
                return response
            if response.status_code == 200:
                self._store(request, response, entry)
                if "*" in _if_none_match(request):
                    # "any current representation": known only now that the view found one
                    not_modified: HttpResponseBase = HttpResponseNotModified()
                    self._validators(not_modified, entry)
                    return not_modified
            return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if (
            request.method not in ("GET", "HEAD")
            or match is None
            or match.view_name not in _VIEWS
            or not _anonymous(request)
        ):
            return None
        version = versions.current(*_scopes(match.view_name, match.kwargs))
        if version is None:
            return None
        text = f"{__version__}\n{version.stamp}\n{get_language()}\n{request.get_full_path()}"
        key = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        entry = _Entry(key, f'"{key[:24]}"', _last_modified(version))
        request._public_cache = entry  # type: ignore[attr-defined]
        if self._not_modified(request, entry):
            response: HttpResponseBase = HttpResponseNotModified()
        elif self.cache is not None and (found := self.cache.get(f"page:{key}")) is not None:
            content, content_type = found
            response = HttpResponse(content, content_type=content_type)
        else:
            return None
        response._public_cache_hit = True  # type: ignore[attr-defined]
        self._validators(response, entry)
        return response

    @staticmethod
    def _not_modified(request: HttpRequest, entry: _Entry) -> bool:
        """Whether the validators the client holds are current (decided before the view runs).

        ``If-None-Match: *`` asks whether the resource exists at all, which only
        the view knows (a code may name no indicator): it is answered after the
        view, a 304 only for a ``200`` (see ``__call__``), the 404 unchanged.
        """
        if request.META.get("HTTP_IF_NONE_MATCH") is not None:
            return entry.etag in _if_none_match(request)
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return (
            since is not None and entry.last_modified is not None and entry.last_modified <= since
        )

    @staticmethod
    def _validators(response: HttpResponseBase, entry: _Entry) -> None:
        response.headers["ETag"] = entry.etag
        if entry.last_modified is not None:
            response.headers["Last-Modified"] = http_date(entry.last_modified)
        response.headers["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ("Cookie",))

    def _store(self, request: HttpRequest, response: HttpResponseBase, entry: _Entry) -> None:
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return  # personal: it sets a cookie or holds a CSRF token
        session = getattr(request, "session", None)
        storage = getattr(request, "_messages", None)
        if (session is not None and session.modified) or getattr(storage, "added_new", False):
            return
        self._validators(response, entry)
        if self.cache is None or not isinstance(response, HttpResponse):
            return
        if self.cache.add(f"seen:{entry.key}", True, _SEEN):
            return  # first request for it: noted, stored if asked for again
        self.cache.set(
            f"page:{entry.key}",
            (response.content, response.headers.get("Content-Type", "")),
            _TIMEOUT,
        )

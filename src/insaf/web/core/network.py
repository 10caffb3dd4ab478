"""The address a request came from, trusting a proxy's header only when told to.

By default no header is trusted: the address is ``REMOTE_ADDR``, the peer of
the connection, which a client cannot forge. Behind a reverse proxy that peer
is the proxy, so every visitor would share one address; the operator then
names what the proxy sends (``insaf.web.env``):

- ``INSAF_PROXY_HOPS=N``: ``N`` proxies in front of the platform each append
  the address they received from to ``X-Forwarded-For``; the client is the
  ``N``-th value from the right (values further left were written by the
  client and are not believed). A request with fewer values did not come
  through the proxies: its ``REMOTE_ADDR`` is used.
- ``INSAF_CLIENT_IP_HEADER=X-Real-IP`` (any header name): a single proxy
  writes the client's address into that header, replacing whatever the
  client sent.

A value that is not an IP address is never used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_address", "header_key"]


def header_key(name: str) -> str:
    """The ``request.META`` key of an HTTP header (``X-Real-IP`` -> ``HTTP_X_REAL_IP``)."""
    return "HTTP_" + name.strip().upper().replace("-", "_")


def _ip(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address, as far as the configured proxies can be believed."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    header: str = settings.CLIENT_IP_HEADER
    hops: int = settings.PROXY_HOPS
    if header:
        found = _ip(str(request.META.get(header_key(header), "")))
        return found or peer
    if hops > 0:
        values = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if len(values) >= hops and values != [""]:
            found = _ip(values[-hops])
            return found or peer
    return peer

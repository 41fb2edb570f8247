"""The client's address behind a reverse proxy.

Behind the proxy of ``docs/deploy.md`` every request's ``REMOTE_ADDR`` is the proxy's, so
one client could lock everyone out of the sign-in page and the audit trail would record one
address. ``CTXH_TRUSTED_PROXIES`` lists the proxies' addresses or networks; only when the
request comes from one of them is ``X-Forwarded-For`` read, from the right, skipping the
trusted hops: the first untrusted address is the client (each proxy appends the address it
received the request from, so the addresses to the left of it are whatever the client sent
and may be forged). A request from anywhere else keeps its ``REMOTE_ADDR``, whatever header it
sends. The audit context middleware and django-axes (``AXES_CLIENT_IP_CALLABLE``) both ask
:func:`client_ip`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple[Network, ...]:
    """The networks of ``settings.CTXH_TRUSTED_PROXIES`` (addresses or CIDR blocks)."""
    return _networks(tuple(getattr(settings, "CTXH_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5050"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent ``request`` (see the module docstring)."""
    remote = _parse(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed([h for h in hops.split(",") if h.strip()]):
        address = _parse(item)
        if address is None:
            break  # a malformed hop: nothing to its left can be trusted
        if not _trusted(address, networks):
            return str(address)
    # Every hop is a trusted proxy (or none is readable): the nearest one is all we know.
    return str(remote)

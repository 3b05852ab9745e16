"""The address a request came from, for the sign-in lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``).

Directly on the internet, the connection's own address. Behind the council's load balancer
(``BEHIND_PROXY=true``) every connection comes from the balancer, so that address would lock everyone out
together: the client's address is then the one the balancer appended to ``X-Forwarded-For`` (its last
entry; anything before it was sent by the client and can be made up). Only a request that arrived from a
trusted proxy address (``TRUSTED_PROXIES``, default any, since the app is reachable only through the
balancer) is read that way; from anywhere else the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    trusted = settings.TRUSTED_PROXIES
    if trusted and remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if forwarded and _is_address(forwarded[-1]):
        return forwarded[-1]
    return remote

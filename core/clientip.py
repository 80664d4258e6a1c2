"""The client's address, trusting X-Forwarded-For only as far as our own proxies wrote it.

FORGE_TRUSTED_PROXY_COUNT says how many reverse proxies in front of the app append to
X-Forwarded-For. With 0 the header is ignored (a client could write anything in it); with N the
address N entries from the right is the one the outermost of our proxies saw. Lockout (axes)
and the API's throttles both count by this address.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.FORGE_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(count, len(hops))]

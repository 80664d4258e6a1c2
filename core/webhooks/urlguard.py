"""Which webhook destinations may be called: http(s) URLs whose host resolves only to public
addresses.

The check runs when a subscription is saved and again before every delivery, because DNS can
change in between. It returns the addresses it checked, and the sender connects to one of
those addresses, not to a fresh lookup, so a DNS answer that changes between the check and
the connection (rebinding) cannot slip a private address through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = {"http", "https"}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(ValueError):
    """The URL is not one the app will send to; the message says why, for the owner to read."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # as written in the URL (what Host and TLS SNI carry), brackets removed
    port: int
    path: str  # path and query, at least "/"
    addresses: tuple[str, ...]  # the checked IP addresses, in resolver order


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo), which is what gets reached."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why an address may not be called, or None when it is a public unicast address."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        problem = address_problem(embedded)
        return f"{problem} (inside {ip})" if problem else None
    for flag, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, flag):
            return f"{ip} is a {label} address"
    if not ip.is_global:
        # e.g. 100.64.0.0/10 (carrier-grade NAT): not private by the flag, not public either.
        return f"{ip} is not a public address"
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DestinationRefused(f"The host {host!r} does not resolve.") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # Drop an IPv6 zone ("fe80::1%eth0"); the address itself decides.
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise DestinationRefused(f"The host {host!r} does not resolve.")
    return addresses


def parse_url(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DestinationRefused("Not a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise DestinationRefused("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        raise DestinationRefused("The URL has no host.")
    if parts.username or parts.password:
        # Credentials in a URL end up in logs; receivers verify the signature instead.
        raise DestinationRefused("Leave user names and passwords out of the URL.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def check_destination(url: str, *, allow_private: bool | None = None) -> Destination:
    """Parse, resolve and check a webhook URL; raise DestinationRefused with the reason."""
    if allow_private is None:
        allow_private = settings.FORGE_WEBHOOK_ALLOW_PRIVATE
    scheme, host, port, path = parse_url(url)
    addresses = _resolve(host, port)
    if not allow_private:
        for address in addresses:
            problem = address_problem(ipaddress.ip_address(address))
            if problem:
                raise DestinationRefused(
                    f"The host {host!r} resolves to {problem}; webhooks go to public addresses only."
                )
    return Destination(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))

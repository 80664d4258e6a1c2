"""One HTTP POST to a checked destination: pinned to the checked address, no redirects
followed, a bounded wait and a bounded read of the answer."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from core.webhooks.urlguard import Destination

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 2048  # of the response body: enough to show an error page's gist
USER_AGENT = "FORGE-Webhooks/1.0"


@dataclass(frozen=True)
class Response:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the guard checked while Host names the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificates are checked against the URL's host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(destination: Destination, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body`; never raises for network trouble, it comes back as `error`."""
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    started = time.monotonic()
    last_error = ""
    for address in destination.addresses:
        connection = connection_class(
            destination.host, destination.port, address=address, timeout=TIMEOUT_SECONDS
        )
        try:
            connection.request(
                "POST",
                destination.path,
                body=body,
                headers={
                    **headers,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    "Connection": "close",
                },
            )
            answer = connection.getresponse()
            excerpt = answer.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
            return Response(answer.status, excerpt, "", _ms_since(started))
        except (ConnectionRefusedError, socket.gaierror) as exc:
            # Nothing was sent to this address: the next resolved address may answer.
            last_error = _describe(exc)
            continue
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            return Response(None, "", _describe(exc), _ms_since(started))
        finally:
            connection.close()
    return Response(None, "", last_error or "No address to connect to.", _ms_since(started))


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"Timed out after {TIMEOUT_SECONDS:g}s."
    return f"{type(exc).__name__}: {exc}"[:500]

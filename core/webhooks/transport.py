"""One HTTP POST to a checked destination: pinned to the checked address, no redirects
followed, bounded waits, an overall deadline and a bounded read of the answer."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from core.webhooks import limits
from core.webhooks.urlguard import Destination

EXCERPT_BYTES = 2048  # of the response body: enough to show an error page's gist
USER_AGENT = "FORGE-Webhooks/1.0"


@dataclass(frozen=True)
class Response:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


@dataclass(frozen=True)
class Timeouts:
    """Connecting, and each wait for the receiver's bytes, are bounded; so is the whole attempt."""

    connect: float
    read: float
    deadline: float

    @classmethod
    def from_settings(cls) -> Timeouts:
        return cls(limits.connect_timeout(), limits.read_timeout(), limits.deadline_seconds())


class _Deadline:
    """The end of the attempt. Past it, a watchdog shuts the socket down, so a receiver that
    answers a byte at a time (each within the read timeout) is cut off all the same."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.passed = False
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        return max(0.001, self.ends - time.monotonic())

    def guard(self, sock: socket.socket) -> None:
        def cut() -> None:
            self.passed = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

        self._timer = threading.Timer(self.left(), cut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the guard checked while Host names the URL's host."""

    def __init__(
        self, host: str, port: int, *, address: str, timeouts: Timeouts, deadline: _Deadline
    ) -> None:
        super().__init__(host, port, timeout=timeouts.connect)
        self._address = address
        self._timeouts = timeouts
        self._deadline = deadline

    def _open(self) -> socket.socket:
        timeout = min(self._timeouts.connect, self._deadline.left())
        sock = socket.create_connection((self._address, self.port), timeout)
        sock.settimeout(min(self._timeouts.read, self._deadline.left()))
        self._deadline.guard(sock)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def __init__(self, host: str, port: int, **kwargs) -> None:
        super().__init__(host, port, **kwargs)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        # Certificates are checked against the URL's host name, not the address.
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)


def post(
    destination: Destination, *, body: bytes, headers: dict[str, str], timeouts: Timeouts | None = None
) -> Response:
    """POST `body`; never raises for network trouble, it comes back as `error`."""
    timeouts = timeouts or Timeouts.from_settings()
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    deadline = _Deadline(timeouts.deadline)
    started = time.monotonic()
    last_error = ""
    for address in destination.addresses:
        connection = connection_class(
            destination.host, destination.port, address=address, timeouts=timeouts, deadline=deadline
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
            if deadline.passed:
                return Response(None, "", _past_deadline(deadline), _ms_since(started))
            return Response(answer.status, excerpt, "", _ms_since(started))
        except (ConnectionRefusedError, socket.gaierror) as exc:
            # Nothing was sent to this address: the next resolved address may answer.
            last_error = _describe(exc, timeouts)
            continue
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            error = _past_deadline(deadline) if deadline.passed else _describe(exc, timeouts)
            return Response(None, "", error, _ms_since(started))
        finally:
            deadline.cancel()
            connection.close()
    return Response(None, "", last_error or "No address to connect to.", _ms_since(started))


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _past_deadline(deadline: _Deadline) -> str:
    return f"Stopped at the {deadline.seconds:g}s deadline for the whole attempt."


def _describe(exc: BaseException, timeouts: Timeouts) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"Timed out: no answer within {timeouts.read:g}s (connecting: {timeouts.connect:g}s)."
    return f"{type(exc).__name__}: {exc}"[:500]

"""A local webhook receiver (127.0.0.1 only) and helpers to make partner tokens and changes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.webhooks import feed
from members.choices import TokenScope
from members.services import partner_token_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers with `statuses` in turn (the last one repeats)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])
    reply: bytes = b'{"ok":true}'

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status = state.next_status()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.reply)))
            self.end_headers()
            self.wfile.write(state.reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/forge"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def allow_private(settings):
    """Deliveries go to the local receiver; tests of the guard switch this off."""
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = True
    settings.FORGE_SITE_URL = "https://forge.example"
    return settings


@pytest.fixture
def token_for(system_actor):
    """token_for(member=None, scope="read") -> (PartnerToken, raw secret)."""
    counter = {"n": 0}

    def make(member=None, scope: str = TokenScope.READ):
        counter["n"] += 1
        return partner_token_create(
            actor=system_actor, name=f"hook-token-{counter['n']}", scope=scope, member=member
        )

    return make


@pytest.fixture
def sequenced():
    """sequenced() numbers the committed changes, as the sync engine's beat task does."""
    return feed.sequence_pending

"""The app under gunicorn on a free loopback port, on the test database, for tests that talk
to it over HTTP as a partner system would (schemathesis, a generated client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.reminders.workers import wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """DATABASE_URL naming the test database pytest-django created (test_<name>)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class LiveServer:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / "gunicorn.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "forge.settings.test",
            "DATABASE_URL": _database_url(),
            # Each worker keeps its connection (opening one costs about a quarter of a short
            # request); stop() makes sure none is left before pytest drops the test database.
            "DATABASE_CONN_MAX_AGE": "600",
            "FORGE_API_RATE": "100000/min",  # this test's own rate: thousands of requests a minute
            "DJANGO_DEBUG": "false",
            "FORGE_MEDIA_ROOT": str(Path(settings.MEDIA_ROOT)),
        }
        command = [
            str(BIN / "gunicorn"),
            "forge.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--no-control-socket",  # several servers run side by side on one machine
        ]
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        self._wait_until_up(deadline=time.monotonic() + 60)

    def _wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}: {self.log.read_text()[-2000:]}"
                )
            try:
                # Any HTTP answer means a worker is serving (/healthz: 200, or 503 with no beat).
                urllib.request.urlopen(f"{self.url}/healthz", timeout=10)  # noqa: S310 - loopback
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)  # polling a port that is not open yet; bounded by the deadline
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        """Stop gunicorn, then wait until its workers' database sessions are gone: pytest
        drops the test database next, which PostgreSQL refuses while a session is open."""
        self.process.terminate()  # the arbiter stops its workers and waits for them
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._log_file.close()
        _end_other_sessions(timeout=10)


def _other_sessions() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _end_other_sessions(timeout: float) -> None:
    """A closed worker's backend ends a moment after the worker: wait for that, and end any
    that is still there at the deadline (a worker killed mid-request)."""
    if wait_until(lambda: not _other_sessions(), timeout=timeout):
        return
    with connection.cursor() as cursor:
        for pid in _other_sessions():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

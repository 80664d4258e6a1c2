"""Real processes for the worker tests and the benchmark: Redis, an SMTP sink, Celery worker and beat."""

from __future__ import annotations

import collections
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class SmtpSink:
    """A local SMTP server counting messages by Message-ID; it can refuse the first N with 451
    and take `delay` seconds per message (to keep a batch in flight while workers are killed)."""

    def __init__(self, *, fail_first: int = 0, delay: float = 0.0) -> None:
        self.fail_first = fail_first
        self.delay = delay
        self.attempts = 0
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Temporary failure, try again later"
        if self.delay:
            time.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received[message["Message-ID"]] += 1
        return "250 OK"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def unique(self) -> int:
        with self.lock:
            return len(self.received)

    @property
    def duplicates(self) -> int:
        with self.lock:
            return sum(count - 1 for count in self.received.values())


class RedisServer:
    """A throwaway redis-server without persistence: a restart loses every queued message."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class Celery:
    """`celery -A forge worker` and `celery -A forge beat` as subprocesses on a given database,
    Redis and SMTP server, with the reminder timings made short."""

    def __init__(
        self, *, workdir: Path, database: str, redis_url: str, smtp_port: int, **timings: str
    ) -> None:
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "forge.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database,
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "FORGE_VAR_DIR": str(workdir / "var"),
            "FORGE_REMINDER_DISPATCH_SECONDS": "0.5",
            "FORGE_REMINDER_RECONCILE_SECONDS": "1",
            "FORGE_REMINDER_LEASE_SECONDS": "4",
            "FORGE_REMINDER_SEND_TIME_LIMIT": "3",
            "FORGE_REMINDER_RETRY_BACKOFF": "0.2",
            "FORGE_REMINDER_RETRY_BACKOFF_MAX": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            **timings,
        }
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.kills = 0

    def _spawn(self, *args: str, log: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "forge", *args],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.workdir / log, "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes the pool children too
        )

    def start_worker(self, concurrency: int = 2, loglevel: str = "WARNING") -> None:
        self.worker = self._spawn(
            "worker",
            "--loglevel",
            loglevel,
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            log="worker.log",
        )

    def start_beat(self) -> None:
        self.beat = self._spawn(
            "beat", "--loglevel", "WARNING", "-s", str(self.workdir / "beat-schedule"), log="beat.log"
        )

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool: no warm shutdown, no acknowledgements."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        for process in (self.worker, self.beat):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def __enter__(self) -> Celery:
        (self.workdir / "var" / "celery" / "broker").mkdir(parents=True, exist_ok=True)
        (self.workdir / "var" / "celery" / "processed").mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def logs(self) -> str:
        return "\n".join(
            (self.workdir / name).read_text(errors="replace")[-4000:]
            for name in ("worker.log", "beat.log")
            if (self.workdir / name).exists()
        )


def wait_until(predicate, *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()

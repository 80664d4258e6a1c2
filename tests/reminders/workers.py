"""Real processes for the worker tests and the benchmark: Redis, an SMTP sink, Celery worker and beat."""

from __future__ import annotations

import asyncio
import collections
import email
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg2
import psycopg2.errors
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


class Hold:
    """One message the sink keeps unanswered (no reply to its DATA) until the test says so."""

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self.reached = threading.Event()
        self.released = threading.Event()
        self.accept = False
        self.peer_port: int | None = None

    def wait_reached(self, *, timeout: float, step: str) -> None:
        assert self.reached.wait(timeout), f"{step}: the SMTP sink never received {self.message_id}"

    def release(self, *, accept: bool) -> None:
        """Answer the held message: 250 (it counts as received) or 451 (it does not; its sender
        is usually dead by then, so nobody reads the answer)."""
        self.accept = accept
        self.released.set()


class SmtpSink:
    """A local SMTP server counting the messages it accepted by Message-ID.

    It can refuse the first N messages with 451, take `delay` seconds per message, or hold the
    first arrival of a given message until the test releases it: that is where faults land.
    Waiting never blocks its event loop, so other connections go on being served.
    """

    def __init__(self, *, fail_first: int = 0, delay: float = 0.0) -> None:
        self.fail_first = fail_first
        self.delay = delay
        self.attempts = 0
        self.received: collections.Counter[str] = collections.Counter()
        self.holds: dict[str, Hold] = {}
        # A fixed reply for one message, given once instead of 250 (e.g. "550 5.1.1 No such user").
        self.replies: dict[str, str] = {}
        # Messages answered per client connection (its port): how many connections were used.
        self.per_connection: collections.Counter[int] = collections.Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def hold(self, message_id: str) -> Hold:
        with self.lock:
            self.holds[message_id] = Hold(message_id)
            return self.holds[message_id]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.attempts += 1
            self.per_connection[session.peer[1]] += 1
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Temporary failure, try again later"
            if message_id in self.replies:
                return self.replies.pop(message_id)
            hold = self.holds.pop(message_id, None)
        if hold is not None:
            hold.peer_port = session.peer[1]
            hold.reached.set()
            while not hold.released.is_set():
                await asyncio.sleep(0.01)
            if not hold.accept:
                return "451 4.3.0 Held and dropped by the test"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received[message_id] += 1
        return "250 OK"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            for hold in self.holds.values():
                hold.release(accept=False)
        self.controller.stop()

    @property
    def unique(self) -> int:
        with self.lock:
            return len(self.received)

    @property
    def duplicates(self) -> int:
        with self.lock:
            return sum(count - 1 for count in self.received.values())


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime (`make test-shifted` preloads it): redis-server
    hangs at start when it is preloaded. Redis keeps the real clock; nothing here reads Redis's
    clock (expiries are relative, kombu's visibility timeout uses its clients' clocks)."""
    return {key: value for key, value in os.environ.items() if key not in ("LD_PRELOAD", "FAKETIME")}


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
            env=real_clock_env(),
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
    Redis and SMTP server: the dispatcher and retries made quick, leases and time limits long."""

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
            "FORGE_REMINDER_DISPATCH_SECONDS": "2",
            # Long enough that nothing races: a test that needs the reconciler runs it itself.
            "FORGE_REMINDER_RECONCILE_SECONDS": "3600",
            "FORGE_REMINDER_LEASE_SECONDS": "600",
            "FORGE_REMINDER_SEND_TIME_LIMIT": "60",
            "FORGE_REMINDER_RETRY_BACKOFF": "0.2",
            "FORGE_REMINDER_RETRY_BACKOFF_MAX": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            **timings,
        }
        self.workers: list[subprocess.Popen] = []
        self.names = itertools.count(1)
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

    def start_worker(self, concurrency: int = 2, loglevel: str = "WARNING", *extra: str) -> subprocess.Popen:
        """Start one more worker (each with its own node name); returns its process."""
        worker = self._spawn(
            "worker",
            "--hostname",
            f"worker{next(self.names)}@%h",
            "--loglevel",
            loglevel,
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra,
            log="worker.log",
        )
        self.workers.append(worker)
        return worker

    def start_beat(self) -> None:
        self.beat = self._spawn(
            "beat", "--loglevel", "WARNING", "-s", str(self.workdir / "beat-schedule"), log="beat.log"
        )

    def kill_worker(self, worker: subprocess.Popen | None = None) -> None:
        """SIGKILL a worker (the last started by default) and its pool: no warm shutdown, no
        acknowledgements."""
        worker = worker or self.workers[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        self.workers.remove(worker)
        self.kills += 1

    def replace_workers(self) -> None:
        """Stop every worker at once and start as many fresh ones: a supervisor's restart, not
        a fault (call it only while no send is in flight)."""
        count = len(self.workers)
        for worker in self.workers:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        self.workers = []
        for _ in range(count):
            self.start_worker()

    def _pool(self) -> list[tuple[subprocess.Popen, psutil.Process]]:
        found = []
        for worker in self.workers:
            try:
                found += [(worker, child) for child in psutil.Process(worker.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return found

    def on_port(self, port: int) -> tuple[subprocess.Popen, psutil.Process]:
        """The worker and the pool process of it whose TCP connection has local port `port`."""
        for worker, child in self._pool():
            try:
                if any(conn.laddr and conn.laddr.port == port for conn in child.net_connections("tcp")):
                    return worker, child
            except psutil.NoSuchProcess:
                continue
        raise AssertionError(f"no pool process of any worker has a connection from port {port}")

    def kill_pool_process(self, process: psutil.Process) -> None:
        """SIGKILL one pool process: the worker's main process sees it lost and, because the
        task rejects on worker lost, puts its message back in the queue."""
        process.kill()
        process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        for process in [*self.workers, self.beat]:
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


class RowLock:
    """A row of the test database locked FOR UPDATE from a connection of its own: a worker
    that wants to write the row waits, and the test can see it waiting."""

    def __init__(self, url: str, table: str, pk: int) -> None:
        self.url, self.table, self.pk = url, table, pk
        self.conn = psycopg2.connect(url)
        with self.conn.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE', [pk])  # noqa: S608
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend,) = cursor.fetchone()

    def waiters(self) -> int:
        """How many other database sessions wait for a lock this one holds."""
        probe = psycopg2.connect(self.url)
        try:
            with probe.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                    [self.backend],
                )
                (count,) = cursor.fetchone()
        finally:
            probe.close()
        return count

    def wait_for_waiter(self, *, timeout: float, step: str) -> None:
        assert wait_until(lambda: self.waiters() >= 1, timeout=timeout), (
            f"{step}: nobody came to write row {self.pk} of {self.table}"
        )

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def row_is_free(url: str, table: str, pk: int) -> bool:
    """True when no session (a killed worker's included) holds a lock on the row."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE NOWAIT', [pk])  # noqa: S608
        return True
    except psycopg2.errors.LockNotAvailable:
        return False
    finally:
        conn.rollback()
        conn.close()


def wait_until(predicate, *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()

"""Load test of the production shape on this machine, driven by partner systems on loopback.

    .venv/bin/python bench/load.py [--partners 50] [--web-users 10] [--requests 1500] [--web-workers 2]
                                   [--max-seconds 900]

Started here and stopped at the end: gunicorn with the production settings (plain HTTP on
127.0.0.1, so the HTTPS redirect is off), a Celery worker on the default queue, one on the
webhooks queue, beat, and a throwaway Redis. PostgreSQL: a fresh `<name>_load` database next to
DATABASE_URL's (or a throwaway server under var/bench/ when DATABASE_URL is not PostgreSQL).

Locust, headless and as a library, runs N partner systems, each with a write token of its own
delegation. Each first does a full sync (the feed's head cursor, then every page of its
delegates), then loops at random over:
- incremental sync: `GET /api/v1/changes/?cursor=...` until `has_more` is false, applied to
  its replica (upserts stored, tombstones removed);
- a conditional GET of the meetings list with `If-None-Match` (304 while nothing changed);
- a write: `POST /api/v1/delegates/` with an `Idempotency-Key`; one write in four is sent again
  with the same key and must be answered the same (`Idempotent-Replayed: true`, same id).
- an answer to its invitation to the secretariat's meeting (found on the feed):
  `PATCH /api/v1/invitations/{id}/`.
Beside them the secretariat's system (a token bound to a secretariat account) schedules a
meeting, invites every member, then keeps moving it (each move replans its reminders), and
signed-in delegation users (sessions made by Django's test client against the run's database)
browse the home page, the meetings list and the meeting, open their invitation and answer it
through the page's form with its CSRF token. Each of their delegations gets a focal point, so
the invitations make reminders (due at once) that the workers send to a local SMTP sink
(bench/tools/smtp_sink.py) which records every Message-ID it receives.
It stops after a fixed number of requests and prints requests per second, p50/p95/p99 per kind
of request and the errors. Then every partner syncs once more (the feed numbers changes every
few seconds) and its replica of delegates must equal a full listing; and every reminder due
before the end of the load must be sent exactly once: marked sent, its Message-ID received once
by the sink, and nothing else received. Exit 1 on any error, any 5xx, any replica difference
or any reminder lost, failed or doubled: the run fails loudly.
"""

from __future__ import annotations

# locust patches the standard library for gevent: import it before anything uses sockets.
from locust import HttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import atexit
import collections
import datetime
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import gevent

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Delegations of the reference data (members/data/participants.csv), one per partner system
# while there are enough.
TOKEN_MEMBERS = (
    "KR JP US AU CA DE FR GB IN IT BR AR AO AM BH BE BO CK CZ CD DO EC EE FI GR GN IL JO KZ KE LT MY MX "
    "MN MA NL NZ NO OM PK PY PE PH PL QA RO SA SL SG SE TH UA AE UZ ZM"
).split()
PAGE = 200
REPLICA_DEADLINE = 90.0  # seconds for the feed to number the last changes and partners to catch up


# --- the processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    sys.exit(f"LOAD TEST FAILED: {what} (waited {timeout:.0f} s)")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Processes:
    """Children in process groups of their own, all killed at exit."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.children: dict[str, subprocess.Popen] = {}
        atexit.register(self.stop)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children[name] = process
        return process

    def check_alive(self) -> None:
        for name, process in self.children.items():
            if process.poll() is not None:
                sys.exit(
                    f"LOAD TEST FAILED: {name} exited with {process.returncode}; see {self.workdir}/{name}.log"
                )

    def stop(self) -> None:
        for process in self.children.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.children.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.children = {}


def database_url() -> str:
    """A fresh database for this run on DATABASE_URL's PostgreSQL server (or a throwaway one)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.path.insert(0, str(ROOT / "bench"))
        from api import _start_throwaway_postgres  # the API bench's server under var/bench/

        base = _start_throwaway_postgres()
    import psycopg2

    name = (urlsplit(base).path.lstrip("/") or "forge") + "_load"
    admin = psycopg2.connect(urlunsplit(urlsplit(base)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(urlsplit(base)._replace(path="/" + name))


def production_env(workdir: Path, database: str, redis_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forge.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback, no proxy in front
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "FORGE_VAR_DIR": str(workdir / "var"),
        # Reminders go to bench/tools/smtp_sink.py, which records each Message-ID it receives.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        # The per-token throttle would cap each partner at 10 requests/s: this measures the
        # server, not the throttle.
        "FORGE_API_RATE": "1000000/min",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"LOAD TEST FAILED: manage.py {' '.join(args[:1])}\n{done.stderr[-3000:]}")
    return done.stdout


MAKE_TOKENS = """
import json
from core.actors import Actor
from core.choices import Channel
from members.choices import TokenScope
from members.models import Member
from members.services import partner_token_create
system = Actor.system(Channel.TASK, label="load test")
tokens = []
for i, code in enumerate({codes!r}):
    member = Member.objects.get(iso2=code)
    _, raw = partner_token_create(actor=system, name=f"load {{i}} {{code}}", scope=TokenScope.WRITE, member=member)
    tokens.append([code, raw])
from django.contrib.auth import get_user_model
from members.choices import Role
from members.models import Membership
user, _ = get_user_model().objects.get_or_create(username="load-secretariat")
Membership.objects.update_or_create(user=user, defaults={{"role": Role.SECRETARIAT_ADMIN, "member": None}})
_, raw = partner_token_create(actor=system, name="load secretariat", scope=TokenScope.WRITE, user=user)
tokens.append(["", raw])
print("TOKENS=" + json.dumps(tokens))
# A focal point per delegation (the invitation reminders go to them), and signed-in delegation
# users: sessions made by Django's test client against this database (production settings).
from django.conf import settings
from django.test import Client
from members.choices import Capacity
from members.services import delegate_create
sessions = []
for i, code in enumerate({web_codes!r}):
    member = Member.objects.get(iso2=code)
    if not member.delegates.filter(capacity=Capacity.FOCAL_POINT).exists():
        delegate_create(actor=system, member=member, full_name=f"Focal point {{code}}",
                        capacity=Capacity.FOCAL_POINT, email=f"focal-{{code.lower()}}@example.org")
    web_user, _ = get_user_model().objects.get_or_create(username=f"load-web-{{i}}")
    Membership.objects.update_or_create(user=web_user, defaults={{"role": Role.DELEGATION, "member": member}})
    client = Client()
    client.force_login(web_user)
    sessions.append([code, settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value,
                     settings.CSRF_COOKIE_NAME])
print("SESSIONS=" + json.dumps(sessions))
"""


def make_tokens(env: dict[str, str], count: int, web_users: int) -> tuple[list, str, list]:
    """A write token per partner (its delegation's), the secretariat system's token, and a
    signed-in session per delegation web user (with a focal point for its delegation)."""
    codes = [TOKEN_MEMBERS[i % len(TOKEN_MEMBERS)] for i in range(count)]
    web_codes = [TOKEN_MEMBERS[i % len(TOKEN_MEMBERS)] for i in range(web_users)]
    out = manage(env, "shell", "-c", MAKE_TOKENS.format(codes=codes, web_codes=web_codes))
    lines = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in out.splitlines() if "=" in line}
    pairs = [tuple(pair) for pair in json.loads(lines["TOKENS"])]
    return pairs[:-1], pairs[-1][1], json.loads(lines["SESSIONS"])


def start_stack(workdir: Path, web_workers: int) -> tuple[Processes, int, dict[str, str]]:
    processes = Processes(workdir)
    redis_port = free_port()
    redis = shutil.which("redis-server") or sys.exit("LOAD TEST FAILED: redis-server is not installed")
    processes.start(
        "redis",
        [redis, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        dict(os.environ),
    )
    wait_until(lambda: listening(redis_port), timeout=20, what="Redis did not start")
    smtp_port = free_port()
    processes.start(
        "smtp",
        [PYTHON, str(ROOT / "bench" / "tools" / "smtp_sink.py"), str(smtp_port), str(workdir / "smtp.log")],
        dict(os.environ),
    )
    wait_until(lambda: listening(smtp_port), timeout=20, what="the SMTP sink did not start")
    env = production_env(workdir, database_url(), f"redis://127.0.0.1:{redis_port}/0", smtp_port)
    for folder in ("media", "mail", "static", "celery"):
        (workdir / "var" / folder).mkdir(parents=True, exist_ok=True)
    print("migrating a fresh database ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference")
    manage(env, "collectstatic", "--noinput")  # the pages' hashed static names (production storage)
    web_port = free_port()
    celery = [PYTHON, "-m", "celery", "-A", "forge"]
    processes.start(
        "gunicorn",
        [
            PYTHON, "-m", "gunicorn", "forge.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
            "--workers", str(web_workers), "--timeout", "60",
        ],
        env,
    )  # fmt: skip
    processes.start(
        "worker", [*celery, "worker", "-Q", "celery", "--concurrency", "1", "--loglevel", "WARNING"], env
    )
    processes.start(
        "webhooks", [*celery, "worker", "-Q", "webhooks", "--concurrency", "1", "--loglevel", "WARNING"], env
    )
    processes.start(
        "beat", [*celery, "beat", "--loglevel", "WARNING", "-s", str(workdir / "beat-schedule")], env
    )
    wait_until(lambda: listening(web_port), timeout=120, what="gunicorn did not start")
    processes.check_alive()
    return processes, web_port, env


# --- the partner systems ----------------------------------------------------------------------

TOKENS: list[tuple[str, str]] = []
SECRETARIAT_TOKEN: list[str] = []
MEETINGS: list[int] = []  # the secretariat's meeting, once it exists and invitations are out
FIVE_XX: list[str] = []
USER_ERRORS: list[str] = []
REPLICAS: list[Partner] = []
SESSIONS: list[list[str]] = []  # [member code, session cookie name, session key, CSRF cookie name]
INVITATION_OF: dict[str, int] = {}  # member code -> its invitation to the secretariat's meeting
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Partner(HttpUser):
    """One partner system: its own write token, a replica of its delegates built from the feed."""

    wait_time = between(0.05, 0.3)

    def on_start(self) -> None:
        self.code, raw = TOKENS[len(REPLICAS) % len(TOKENS)]
        REPLICAS.append(self)
        self.client.headers["Authorization"] = f"Bearer {raw}"
        self.etag = ""
        self.invitations: set[int] = set()
        self.replica: dict[int, dict] = {}
        self.cursor = self.get_json("/api/v1/changes/head/", "feed head")["cursor"]
        self.replica = {d["id"]: d for d in self.list_all("/api/v1/delegates/", "full sync page")}

    def get_json(self, path: str, name: str) -> dict:
        with self.client.get(path, name=name, catch_response=True) as response:
            return self.expect(response, (200,)) or {}

    def expect(self, response, statuses: tuple[int, ...]):
        if response.status_code >= 500:
            FIVE_XX.append(f"{response.status_code} {response.request.method} {response.url}")
        if response.status_code not in statuses:
            response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
            return None
        response.success()
        return response.json() if response.status_code in (200, 201) else {}

    def list_all(self, path: str, name: str) -> list[dict]:
        rows, url = [], f"{path}?page_size={PAGE}"
        while url:
            page = self.get_json(url, name)
            rows += page.get("results", [])
            url = page.get("next")
        return rows

    @task(5)
    def sync(self) -> None:
        while True:
            page = self.get_json(f"/api/v1/changes/?cursor={self.cursor}&page_size={PAGE}", "feed page")
            if not page:
                return
            for change in page["changes"]:
                if change["resource"] == "invitations" and change["op"] == "upsert":
                    self.invitations.add(change["id"])
                    INVITATION_OF[change["object"]["member"]] = change["id"]
                if change["resource"] != "delegates":
                    continue
                if change["op"] == "upsert":
                    self.replica[change["id"]] = change["object"]
                else:
                    self.replica.pop(change["id"], None)
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    @task(3)
    def conditional_get(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        with self.client.get(
            "/api/v1/meetings/", headers=headers, name="meetings (If-None-Match)", catch_response=True
        ) as response:
            if self.expect(response, (200, 304)) is not None and response.status_code == 200:
                self.etag = response.headers.get("ETag", "")

    @task(1)
    def answer_invitation(self) -> None:
        """The delegation answers its invitation to the secretariat's meeting (seen on the feed)."""
        if not self.invitations:
            return
        invitation = random.choice(sorted(self.invitations))  # noqa: S311 - load mix
        status = random.choice(["accepted", "declined", "tentative"])  # noqa: S311
        with self.client.patch(
            f"/api/v1/invitations/{invitation}/", json={"status": status}, name="invitation PATCH",
            catch_response=True,
        ) as response:  # fmt: skip
            self.expect(response, (200,))

    @task(2)
    def write(self) -> None:
        key = str(uuid.uuid4())
        body = {
            "member": self.code,
            "full_name": f"Load delegate {key[:8]}",
            "capacity": "delegate",
            "email": f"{key[:8]}@example.org",
        }
        headers = {"Idempotency-Key": key}
        with self.client.post(
            "/api/v1/delegates/", json=body, headers=headers, name="delegate POST", catch_response=True
        ) as response:
            created = self.expect(response, (201,))
        if created and random.random() < 0.25:  # noqa: S311 - load mix, not security
            with self.client.post(
                "/api/v1/delegates/", json=body, headers=headers, name="delegate POST (same key)",
                catch_response=True,
            ) as again:  # fmt: skip
                replayed = self.expect(again, (201,))
                if replayed is not None and (
                    replayed.get("id") != created["id"] or again.headers.get("Idempotent-Replayed") != "true"
                ):
                    again.failure(
                        f"retry with the same key made {replayed.get('id')} (first {created['id']})"
                    )


class Secretariat(HttpUser):
    """The secretariat's system: schedules a meeting, invites every member, then keeps moving it
    (each move replans the meeting's reminders)."""

    fixed_count = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {SECRETARIAT_TOKEN[0]}"
        self.starts = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(days=30)
        body = {
            "kind": "working_group",
            "title": "Load test working group",
            "starts_at": self.starts.isoformat(),
            "ends_at": (self.starts + datetime.timedelta(hours=3)).isoformat(),
            "venue_time_zone": "UTC",
            "virtual_link": "https://meet.example.org/load",
            "status": "announced",
            "confidentiality": "members",
        }
        with self.client.post(
            "/api/v1/meetings/", json=body, headers={"Idempotency-Key": str(uuid.uuid4())},
            name="meeting POST", catch_response=True,
        ) as response:  # fmt: skip
            meeting = Partner.expect(self, response, (201,))
        with self.client.post(
            f"/api/v1/meetings/{meeting['id']}/invite/", json={"all_members": True},
            headers={"Idempotency-Key": str(uuid.uuid4())}, name="meeting invite POST", catch_response=True,
        ) as response:  # fmt: skip
            Partner.expect(self, response, (201,))
        MEETINGS.append(meeting["id"])

    @task
    def move_meeting(self) -> None:
        self.starts += datetime.timedelta(days=random.choice([-1, 1]))  # noqa: S311 - load mix
        body = {
            "starts_at": self.starts.isoformat(),
            "ends_at": (self.starts + datetime.timedelta(hours=3)).isoformat(),
        }
        with self.client.patch(
            f"/api/v1/meetings/{MEETINGS[0]}/", json=body, name="meeting move PATCH", catch_response=True
        ) as response:
            Partner.expect(self, response, (200,))


class DelegationUser(HttpUser):
    """A signed-in delegation user in a browser: home page, meetings, the secretariat's meeting,
    its invitation, and answering it through the page's form (CSRF token and all).

    The session was made by Django's test client against this database; the cookies are sent
    by hand because the production settings mark them Secure (plain HTTP on loopback here)."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.code, self.session_cookie, key, self.csrf_cookie = SESSIONS[
            DelegationUser.started % len(SESSIONS)
        ]
        DelegationUser.started += 1
        self.cookies = {self.session_cookie: key}

    started = 0

    def page(self, path: str, name: str):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        with self.client.get(
            path, headers={"Cookie": cookie}, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code >= 500:
                FIVE_XX.append(f"{response.status_code} GET {response.url}")
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} (a signed-in page should answer 200)")
                return None
            found = re.search(
                rf"{re.escape(self.csrf_cookie)}=([^;]+)", response.headers.get("Set-Cookie", "")
            )
            if found:
                self.cookies[self.csrf_cookie] = found.group(1)
            response.success()
            return response

    @task(2)
    def home(self) -> None:
        self.page("/", "web: home")

    @task(2)
    def meetings(self) -> None:
        self.page("/meetings/", "web: meetings")
        if MEETINGS:
            self.page(f"/meetings/{MEETINGS[0]}/", "web: meeting")

    @task(1)
    def answer(self) -> None:
        invitation = INVITATION_OF.get(self.code)
        if invitation is None:
            return
        shown = self.page(f"/meetings/invitations/{invitation}/", "web: invitation")
        token = CSRF_FIELD.search(shown.text) if shown is not None else None
        if token is None:
            return
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status = random.choice(["accepted", "declined", "tentative"])  # noqa: S311 - load mix
        with self.client.post(
            f"/meetings/invitations/{invitation}/answer/", data={"status": status, "csrfmiddlewaretoken": token.group(1)},
            headers={"Cookie": cookie}, name="web: answer invitation", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code >= 500:
                FIVE_XX.append(f"{response.status_code} POST {response.url}")
            if response.status_code != 302 or "/meetings/invitations/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"HTTP {response.status_code} to {response.headers.get('Location')}")
            else:
                response.success()


# --- the run --------------------------------------------------------------------------------


def run_load(web_port: int, partners: int, web_users: int, total: int, max_seconds: float) -> Environment:
    Secretariat.fixed_count = 1
    DelegationUser.fixed_count = web_users
    environment = Environment(
        user_classes=[Partner, Secretariat, DelegationUser],
        host=f"http://127.0.0.1:{web_port}",
        events=events,
    )
    runner = environment.create_local_runner()
    counted = {"n": 0}

    def count(**_kwargs) -> None:
        counted["n"] += 1
        if counted["n"] >= total:
            gevent.spawn(runner.quit)

    def user_error(user_instance, exception, tb) -> None:  # noqa: ARG001 - locust's signature
        USER_ERRORS.append(f"{type(exception).__name__}: {exception}")
        gevent.spawn(runner.quit)  # a partner that crashed would leave the count short forever

    environment.events.request.add_listener(count)
    environment.events.user_error.add_listener(user_error)
    started = time.monotonic()
    runner.start(partners + 1 + web_users, spawn_rate=partners + 1 + web_users)
    runner.greenlet.join(timeout=max_seconds)
    if counted["n"] < total and not USER_ERRORS:
        USER_ERRORS.append(f"stopped after {max_seconds:.0f} s with {counted['n']} of {total} requests")
        runner.quit()
    environment.elapsed = time.monotonic() - started
    return environment


def check_replicas(environment: Environment) -> list[str]:
    """Every partner catches up with the feed; its replica must equal a full listing."""
    differences: list[str] = []
    deadline = time.monotonic() + REPLICA_DEADLINE
    pending = list(REPLICAS)
    while pending and time.monotonic() < deadline:
        still = []
        for partner in pending:
            partner.sync()
            listed = {d["id"]: d for d in partner.list_all("/api/v1/delegates/", "final full listing")}
            if listed != partner.replica:
                still.append(partner)
        pending = still
        if pending:
            time.sleep(1)  # the beat task numbers new changes every few seconds
    for partner in pending:
        listed = {d["id"]: d for d in partner.list_all("/api/v1/delegates/", "final full listing")}
        missing = sorted(set(listed) - set(partner.replica))[:5]
        extra = sorted(set(partner.replica) - set(listed))[:5]
        changed = sorted(k for k in set(listed) & set(partner.replica) if listed[k] != partner.replica[k])[:5]
        differences.append(f"{partner.code}: missing {missing}, extra {extra}, different {changed}")
    return differences


REMINDER_ROWS = """
import json
from core.reminders.models import Reminder
rows = Reminder.objects.filter(due_at__lte="{until}").values_list("id", "kind", "status", "message_id")
print("REMINDERS=" + json.dumps([list(row) for row in rows]))
"""
UNFINISHED = ("pending", "queued", "sending")


def check_reminders(env: dict[str, str], workdir: Path, until: datetime.datetime) -> tuple[list[str], str]:
    """Every reminder due before the end of the load is sent exactly once: its Message-ID reached
    the SMTP sink once, and the sink got nothing else. Waits for the workers to finish what
    is due (bounded)."""
    deadline = time.monotonic() + REPLICA_DEADLINE

    def due_rows() -> list[list]:
        out = manage(env, "shell", "-c", REMINDER_ROWS.format(until=until.isoformat()))
        return json.loads(next(line for line in out.splitlines() if line.startswith("REMINDERS="))[10:])

    rows = due_rows()
    while any(row[2] in UNFINISHED for row in rows) and time.monotonic() < deadline:
        time.sleep(2)  # the dispatcher runs every few seconds; each look is a whole manage.py run
        rows = due_rows()
    log = workdir / "smtp.log"
    received = collections.Counter(log.read_text().split() if log.exists() else [])
    problems = []
    sent = {row[3] for row in rows if row[2] == "sent"}
    for reminder_id, kind, status, message_id in rows:
        if status in UNFINISHED:
            problems.append(f"reminder {reminder_id} ({kind}) due before the end is still {status}: LOST")
        elif status == "failed":
            problems.append(f"reminder {reminder_id} ({kind}) failed")
        elif status == "sent" and received[message_id] != 1:
            problems.append(f"reminder {reminder_id} ({kind}) sent, received {received[message_id]} times")
    for message_id, count in received.items():
        if message_id not in sent:
            problems.append(f"{message_id} received {count} times but no due reminder is marked sent with it")
    statuses = collections.Counter(row[2] for row in rows)
    summary = (
        f"reminders due before the end: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}); "
        f"messages at the SMTP sink: {sum(received.values())}, distinct Message-IDs {len(received)}"
    )
    return problems, summary


def print_table(environment: Environment, partners: int, elapsed: float) -> tuple[int, int]:
    stats = environment.stats
    print(f"\n{partners} partner systems, {stats.total.num_requests} requests in {elapsed:.1f} s")
    header = (
        f"{'request':<28} {'count':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    rows = sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    for entry in [*rows, stats.total]:
        name = "all" if entry is stats.total else entry.name
        print(
            f"{name:<28} {entry.num_requests:>6} {entry.num_requests / elapsed:>7.1f} "
            f"{entry.get_response_time_percentile(0.5):>7.0f} {entry.get_response_time_percentile(0.95):>7.0f} "
            f"{entry.get_response_time_percentile(0.99):>7.0f} {entry.num_failures:>6}"
        )
    for error in list(stats.errors.values())[:10]:
        print(f"ERROR x{error.occurrences}: {error.method} {error.name}: {error.error}")
    return stats.total.num_failures, stats.total.num_requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=50, help="simulated partner systems (default 50)")
    parser.add_argument(
        "--web-users", type=int, default=10, help="signed-in delegation users browsing (default 10)"
    )
    parser.add_argument("--requests", type=int, default=1500, help="requests before stopping (default 1500)")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="stop the load after this (default 900)"
    )
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="forge-load-"))
    processes, web_port, env = start_stack(workdir, args.web_workers)
    partner_tokens, secretariat_token, sessions = make_tokens(env, args.partners, args.web_users)
    SESSIONS.extend(sessions)
    TOKENS.extend(partner_tokens)
    SECRETARIAT_TOKEN.append(secretariat_token)
    load = os.getloadavg()
    print(
        f"stack up (logs in {workdir}); load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    environment = run_load(web_port, args.partners, args.web_users, args.requests, args.max_seconds)
    ended = datetime.datetime.now(datetime.UTC)
    elapsed = environment.elapsed
    failures, _ = print_table(environment, args.partners, elapsed)
    load = os.getloadavg()
    print(f"load average after the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared)")
    differences = check_replicas(environment)
    reminder_problems, reminder_summary = check_reminders(env, workdir, ended)
    processes.check_alive()
    processes.stop()
    for difference in differences:
        print(f"REPLICA DIFFERS: {difference}")
    for line in FIVE_XX[:20]:
        print(f"5xx: {line}")
    for error in USER_ERRORS[:10]:
        print(f"PARTNER CRASHED: {error}")
    for problem in reminder_problems[:20]:
        print(f"REMINDER: {problem}")
    print(reminder_summary)
    print(
        f"replicas checked: {len(REPLICAS)}, differing: {len(differences)}; 5xx answers: {len(FIVE_XX)}; "
        f"failed requests: {failures}"
    )
    if FIVE_XX or failures or differences or USER_ERRORS or reminder_problems:
        print("LOAD TEST FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

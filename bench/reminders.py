"""Dispatch and send 10,000 reminders through real Celery workers to a local SMTP sink.

Each send task takes a batch (FORGE_REMINDER_SEND_BATCH, default 100, one recipient domain)
over one SMTP connection, claiming, re-checking and marking each row on its own.

    DATABASE_URL=postgres://... .venv/bin/python bench/reminders.py [--count 10000] [--concurrency 4]

Uses a scratch database on the DATABASE_URL server (created, migrated and dropped), its own
throwaway redis-server and an in-process aiosmtpd sink. Prints reminders per second from the
dispatcher's first claim to the last row marked sent, and a baseline: the same number of
messages sent with plain smtplib over one connection, in-process, with no database at all.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100, help="reminders per send task")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print(
            "bench/reminders.py: set DATABASE_URL to a PostgreSQL server (scripts/services.sh start); skipped"
        )
        return 0
    if shutil.which("redis-server") is None:
        print("bench/reminders.py: redis-server is not installed; skipped")
        return 0

    from tests.reminders.workers import Celery, RedisServer, SmtpSink, wait_until

    scratch = f"forge_bench_reminders_{os.getpid()}"
    base, _, _ = url.rpartition("/")
    workdir = Path(tempfile.mkdtemp(prefix="forge-bench-"))
    redis = RedisServer(workdir)
    redis.start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="forge.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"{base}/{scratch}",
        REDIS_URL=redis.url,
        CELERY_BROKER_URL=redis.url,
        DJANGO_LOG_LEVEL="WARNING",
        FORGE_VAR_DIR=str(workdir / "var"),
        FORGE_REMINDER_DISPATCH_BATCH="2000",
        FORGE_REMINDER_SEND_BATCH=str(args.batch),
    )
    _create_database(url, scratch)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with SmtpSink() as sink:
            rate, elapsed = _bench_pipeline(args, sink, redis, workdir, Celery, wait_until)
            baseline_rate = _bench_smtplib(args.count, sink.port)
        print(
            f"reminders: {args.count} dispatched and sent in {elapsed:.2f} s = {rate:,.0f} reminders/s "
            f"(worker concurrency {args.concurrency}, send batches of {args.batch})"
        )
        print(f"baseline:  plain smtplib, one connection, in-process: {baseline_rate:,.0f} messages/s")
        print(
            f"ratio:     {baseline_rate / rate:.1f}x slower than the bare SMTP loop "
            "(claim, render, send, mark sent, log: each durable; target <= 2x)"
        )
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"machine:   {os.cpu_count()} cores, load average (1, 5, 15 min) {load} at the end")
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        _drop_database(url, scratch)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _create_database(url: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _drop_database(url: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def _bench_pipeline(args, sink, redis, workdir, celery_cls, wait_until) -> tuple[float, float]:
    from django.db import connection
    from django.utils import timezone

    from core.reminders.models import Reminder
    from core.reminders.services import Desired, Recipient, reminder_dispatch, reminder_plan
    from members.models import ChairTerm, Member
    from members.reminders import HANDOVER

    member = Member.objects.create(iso2="KR", name="Republic of Korea", capital_time_zone="Asia/Seoul")
    term = ChairTerm.objects.create(
        member=member, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2026, 6, 30)
    )
    due = timezone.now() + datetime.timedelta(days=1)  # not yet due: the worker warms up first
    reminder_plan(
        subjects=[term],
        kinds=[HANDOVER],
        desired=[
            Desired(
                subject=term,
                kind=HANDOVER,
                recipient=Recipient(email=f"bench{i}@example.org", name=f"Recipient {i}"),
                occurrence="7d-before:2026-06-30",
                due_at=due,
                context={"member_name": member.name, "ends_on": "2026-06-30", "days_before": 7},
            )
            for i in range(args.count)
        ],
    )
    settings_dict = connection.settings_dict
    database = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    with celery_cls(
        workdir=workdir,
        database=database,
        redis_url=redis.url,
        smtp_port=sink.port,
        FORGE_REMINDER_LEASE_SECONDS="600",
        FORGE_REMINDER_SEND_TIME_LIMIT="120",
        DATABASE_CONN_MAX_AGE="60",
    ) as celery:
        celery.start_worker(
            concurrency=args.concurrency, loglevel=os.environ.get("BENCH_LOGLEVEL", "WARNING")
        )
        time.sleep(4)  # let the pool start
        Reminder.objects.update(due_at=timezone.now())
        started = time.perf_counter()
        reminder_dispatch()
        done = wait_until(
            lambda: Reminder.objects.filter(status="sent").count() == args.count, timeout=900, interval=0.2
        )
        elapsed = time.perf_counter() - started
        assert done, celery.logs()
        if os.environ.get("BENCH_KEEP_LOG"):
            shutil.copy(workdir / "worker.log", os.environ["BENCH_KEEP_LOG"])
    assert sink.unique == args.count, (sink.unique, args.count)
    return args.count / elapsed, elapsed


def _bench_smtplib(count: int, port: int) -> float:
    message = EmailMessage()
    message["From"] = "FORGE Secretariat <secretariat@forge.invalid>"
    message["Subject"] = "Chair handover in 7 days: Republic of Korea's term ends 30 June 2026"
    message.set_content("x" * 700)
    message.add_alternative("<p>" + "x" * 1500 + "</p>", subtype="html")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            del message["To"], message["Message-ID"]
            message["To"] = f"baseline{i}@example.org"
            message["Message-ID"] = f"<baseline.{i}@forge.invalid>"
            smtp.send_message(message)
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())

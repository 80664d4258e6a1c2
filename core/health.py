"""Liveness and dependency checks for /healthz. Each check returns (ok, detail)."""

from __future__ import annotations

import time

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone


def database_check() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported as text
        return False, type(exc).__name__


def broker_check() -> tuple[bool, str]:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(
                conn.transport_cls, str
            ) else conn.transport.driver_type
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


# When this process started: a dispatcher that has not run yet is "starting", not stale,
# until beat has had time for its first run.
PROCESS_STARTED = time.monotonic()


def reminders_check() -> tuple[bool, str]:
    """The reminder dispatcher (beat, every minute) ran within FORGE_REMINDER_STALE_SECONDS."""
    from core.reminders.choices import RunKind
    from core.reminders.selectors import last_run

    limit = settings.FORGE_REMINDER_STALE_SECONDS
    try:
        run = last_run(kind=RunKind.DISPATCH)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    age = (timezone.now() - run.started_at).total_seconds() if run else None
    if age is not None and age <= limit:
        return True, f"dispatcher ran {int(age)}s ago"
    if time.monotonic() - PROCESS_STARTED < limit:
        return True, "starting: waiting for the dispatcher's first run"
    if age is None:
        return False, "the dispatcher has never run (is Celery beat running?)"
    return False, f"stale: the dispatcher last ran {int(age // 60)} min ago (is Celery beat running?)"


CHECKS = {"database": database_check, "broker": broker_check, "reminders": reminders_check}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        results[name] = {"ok": ok, "detail": detail}
    return results

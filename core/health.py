"""Liveness and dependency checks for /healthz. Each check returns (ok, detail)."""

from __future__ import annotations

from celery import current_app
from django.db import connection


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


CHECKS = {"database": database_check, "broker": broker_check}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        results[name] = {"ok": ok, "detail": detail}
    return results

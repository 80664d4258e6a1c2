"""Session-wide test set-up shared by every app's tests. Fixtures live in tests/factories.py and
per-app conftest files; keep this one to what concerns the whole run."""

import os

import pytest

# Shared fixtures (actors, signed-in clients, API tokens) for every app's tests.
pytest_plugins = ["tests.fixtures"]


def pytest_configure(config):
    """FORGE_TEST_CLOCK_SHIFT_DAYS=365 runs the whole session with the clock that far ahead
    (ticking), before collection, to show that no test depends on today's date. Only this
    process is shifted: PostgreSQL and the processes the tests start (Celery workers) keep the
    real clock, so the real-worker tests need `make test-shifted` (libfaketime shifts them all)."""
    days = int(os.environ.get("FORGE_TEST_CLOCK_SHIFT_DAYS", "0") or 0)
    if days:
        import datetime

        import time_machine

        shifted = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
        config._forge_clock = time_machine.travel(shifted, tick=True)
        config._forge_clock.start()


def pytest_collection_modifyitems(config, items):
    from django.db import connections

    if any(item.get_closest_marker("browser") for item in items):
        # Playwright's sync API keeps an event loop running in the test thread for the rest of
        # the session, which Django would otherwise take for async code and refuse database access.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    if connections["default"].vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)

"""The numbers that bound a delivery, read from the settings (so tests and deployments can
change them without touching code): retry delays, timeouts, the overall deadline, the task's
time limits and the claim lease derived from them, and the per-token caps."""

from __future__ import annotations

import datetime

from django.conf import settings

# The task's soft time limit leaves the transport's own deadline room to end the attempt
# cleanly; the hard limit kills a pool process only if that failed too.
SOFT_LIMIT_MARGIN = 5.0
HARD_LIMIT_MARGIN = 10.0
# The claim outlasts the hard time limit: a delivery is taken over only from a worker that died.
LEASE_MARGIN = 10.0


def retry_delays() -> list[datetime.timedelta]:
    """After attempt n fails, attempt n+1 waits retry_delays()[n-1]."""
    return [datetime.timedelta(seconds=float(s)) for s in settings.FORGE_WEBHOOK_RETRY_DELAYS]


def max_attempts() -> int:
    return len(settings.FORGE_WEBHOOK_RETRY_DELAYS) + 1


def connect_timeout() -> float:
    return float(settings.FORGE_WEBHOOK_CONNECT_TIMEOUT)


def read_timeout() -> float:
    return float(settings.FORGE_WEBHOOK_READ_TIMEOUT)


def deadline_seconds() -> float:
    """The whole attempt (connect, send, wait, read the answer) ends within this."""
    return float(settings.FORGE_WEBHOOK_DEADLINE_SECONDS)


def task_soft_limit() -> float:
    return deadline_seconds() + SOFT_LIMIT_MARGIN


def task_hard_limit() -> float:
    return deadline_seconds() + HARD_LIMIT_MARGIN


def claim_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=task_hard_limit() + LEASE_MARGIN)


def max_subscriptions_per_token() -> int:
    return int(settings.FORGE_WEBHOOK_MAX_SUBSCRIPTIONS_PER_TOKEN)


def max_in_flight_per_token() -> int:
    return int(settings.FORGE_WEBHOOK_MAX_IN_FLIGHT_PER_TOKEN)


def requeue_after() -> datetime.timedelta:
    """A delivery queued but not picked up by then (a lost broker message) is queued again."""
    return datetime.timedelta(seconds=float(settings.FORGE_WEBHOOK_REQUEUE_SECONDS))

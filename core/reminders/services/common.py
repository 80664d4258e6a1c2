"""Settings the engine's services share."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection


def lease() -> datetime.timedelta:
    """How long a queued or claimed row may be held before the reconciler takes it back."""
    return datetime.timedelta(seconds=settings.FORGE_REMINDER_LEASE_SECONDS)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"

"""Writes of the sync engine: numbering the change feed in commit order, and pruning.

Change rows are inserted with `seq` empty by core.tracking, inside the transaction of the
change they describe. `changes_sequence()` gives them their place in the feed afterwards, in
one serialised step that only sees committed rows: a transaction that commits late gets a
later number, so a reader that follows `seq` upwards never skips anything.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.choices import ChangeOp
from core.models import Change
from core.sync import registry
from core.sync.models import FeedDay, IdempotencyKey

# Any fixed 64-bit number; it names the feed sequencer's PostgreSQL advisory lock.
SEQUENCER_LOCK_ID = 0x464F52474553  # "FORGES"

_NUMBER_SQL = """
UPDATE core_change SET seq = numbered.seq
FROM (
    SELECT id,
           (SELECT COALESCE(MAX(seq), 0) FROM core_change) + ROW_NUMBER() OVER (ORDER BY id) AS seq
    FROM core_change
    WHERE seq IS NULL
) AS numbered
WHERE core_change.id = numbered.id
"""


def changes_sequence() -> int:
    """Number every committed, unnumbered change row; return how many were numbered.

    On PostgreSQL the advisory lock serialises sequencers, and the UPDATE is a separate
    statement so its snapshot is taken after the lock: it sees the previous sequencer's
    numbers (no duplicate seq) and only committed rows (an open transaction's rows wait for
    the next run and get higher numbers). SQLite serialises write transactions anyway.
    """
    if not Change.objects.filter(seq__isnull=True).exists():
        return 0  # the common case, without taking the lock
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_ID])
            cursor.execute(_NUMBER_SQL)
            return cursor.rowcount


def changes_prune(*, now: datetime.datetime | None = None) -> int:
    """Drop feed history older than FORGE_CHANGE_RETENTION_DAYS; return how many rows went.

    The newest numbered row always stays, so numbering never restarts below a cursor a client
    holds; a cursor older than the oldest row left answers 410 (core.sync.selectors).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FORGE_CHANGE_RETENTION_DAYS)
    newest = Change.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first()
    if newest is None:
        return 0
    deleted, _ = Change.objects.filter(seq__isnull=False, seq__lt=newest, at__lt=cutoff).delete()
    return deleted


def idempotency_keys_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget Idempotency-Keys older than FORGE_IDEMPOTENCY_TTL_HOURS (at least 24 h)."""
    now = now or timezone.now()
    hours = max(24, settings.FORGE_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - datetime.timedelta(hours=hours)).delete()
    return deleted


def date_changes_record(*, today: datetime.date | None = None) -> int:
    """Put on the feed the objects whose representation changed with the date alone since the
    last run (a milestone turning overdue); return how many rows were added.

    Run daily (and safe to run hourly or twice: a day is handled once). The first run only
    records today, since everything synced before it was shown as of its own day and its
    next change brings it up to date.
    """
    today = today or timezone.now().date()
    with transaction.atomic():
        mark, created = FeedDay.objects.select_for_update().get_or_create(
            name="date_changes", defaults={"day": today}
        )
        if created or mark.day >= today:
            return 0
        rows = [
            Change(resource=entry.label, object_id=pk, op=ChangeOp.UPSERT)
            for entry in registry.resources()
            if entry.date_changes is not None
            for pk in sorted(set(entry.date_changes(mark.day, today)))
        ]
        Change.objects.bulk_create(rows, batch_size=1000)
        mark.day = today
        mark.save(update_fields=["day"])
    return len(rows)

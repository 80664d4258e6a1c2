"""Dispatching: due rows to the broker, stuck rows back to pending, periodic planners."""

from __future__ import annotations

import datetime
import logging
import random
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.reminders.choices import ReminderStatus, RunKind
from core.reminders.models import DispatcherRun, Reminder
from core.reminders.registry import periodic_planners
from core.reminders.services.common import is_postgres, lease

log = logging.getLogger(__name__)


def _enqueue(ids: list[int]) -> None:
    """Queue one send task for a batch of reminders. A failure here only delays: the rows stay
    queued and the reconciler queues them again after the lease."""
    if not ids:
        return
    from core.reminders.tasks import send_reminders

    try:
        send_reminders.apply_async(
            kwargs={"reminder_ids": ids},
            time_limit=settings.FORGE_REMINDER_SEND_TIME_LIMIT,
            soft_time_limit=settings.FORGE_REMINDER_SEND_SOFT_TIME_LIMIT,
        )
    except Exception:  # noqa: BLE001 - the broker is down; the reconciler will retry
        log.exception("could not queue %d reminder(s); the reconciler will queue them again", len(ids))


def send_batches(rows: list[tuple[int, str]]) -> list[list[int]]:
    """Reminder ids grouped by recipient domain (one mail server each), at most
    FORGE_REMINDER_SEND_BATCH per batch, in the order given."""
    size = settings.FORGE_REMINDER_SEND_BATCH
    by_domain: dict[str, list[int]] = defaultdict(list)
    for pk, address in rows:
        by_domain[address.rsplit("@", 1)[-1].lower()].append(pk)
    return [ids[i : i + size] for ids in by_domain.values() for i in range(0, len(ids), size)]


def reminder_dispatch(
    *, now: datetime.datetime | None = None, enqueue: Callable[[list[int]], None] = _enqueue
) -> int:
    """Claim due reminders and, after commit, hand each batch of them (see `send_batches`) to
    `enqueue`, which queues one send task per batch; returns how many.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets two dispatchers (two beats started by mistake)
    take disjoint rows; the status condition on the UPDATE makes the second one a no-op on
    SQLite, where writes are serialised anyway.
    """
    started = timezone.now()
    now = now or started
    batch = settings.FORGE_REMINDER_DISPATCH_BATCH
    total = 0
    while True:
        with transaction.atomic():
            due = Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now).order_by(
                "due_at", "id"
            )
            if is_postgres():
                due = due.select_for_update(skip_locked=True)
            rows = list(due.values_list("pk", "recipient_email")[:batch])
            ids = [pk for pk, _ in rows]
            if ids:
                claimed = Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING)
                claimed.update(
                    status=ReminderStatus.QUEUED, queued_at=timezone.now(), updated_at=timezone.now()
                )
                batches = send_batches(rows)
                transaction.on_commit(lambda batches=batches: [enqueue(ids) for ids in batches])
        total += len(ids)
        if len(ids) < batch:
            break
    _record_run(RunKind.DISPATCH, started, total)
    return total


def reminder_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Put reminders held longer than the lease back to pending, for the dispatcher to queue
    again: queued ones whose message was lost (a Redis restart) and sending ones whose whole
    worker died. The lease is longer than the send task's hard time limit, so a live send is
    never taken over. `now` moves the cutoff: everything queued or claimed before
    `now - lease` counts as stuck.
    """
    started = timezone.now()
    now = now or started
    cutoff = now - lease()
    stuck = Q(status=ReminderStatus.QUEUED, queued_at__lt=cutoff) | Q(
        status=ReminderStatus.SENDING, claimed_at__lt=cutoff
    )
    with transaction.atomic():
        rows = Reminder.objects.filter(stuck).order_by("id")
        if is_postgres():
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[: settings.FORGE_REMINDER_DISPATCH_BATCH])
        if ids:
            Reminder.objects.filter(stuck, pk__in=ids).update(
                status=ReminderStatus.PENDING, queued_at=None, claimed_by="", updated_at=timezone.now()
            )
    _record_run(RunKind.RECONCILE, started, len(ids))
    return len(ids)


def reminder_plan_periodic(*, now: datetime.datetime | None = None) -> int:
    """Run every app's time-based planner (weekly "still overdue" notices)."""
    started = timezone.now()
    now = now or started
    total = 0
    for planner in periodic_planners():
        with transaction.atomic():
            total += planner(now=now) or 0
    _record_run(RunKind.PLAN, started, total)
    return total


def _record_run(kind: str, started: datetime.datetime, count: int) -> None:
    DispatcherRun.objects.create(kind=kind, started_at=started, finished_at=timezone.now(), count=count)
    # Keep a week of heartbeats; older ones say nothing the dashboard needs.
    if random.random() < 0.01:  # noqa: S311 - sampling, not security
        DispatcherRun.objects.filter(started_at__lt=started - datetime.timedelta(days=7)).delete()

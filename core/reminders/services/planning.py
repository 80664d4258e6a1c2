"""Planning: making the open reminders about some subjects exactly the desired ones."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.reminders.choices import OPEN_STATUSES, ReminderStatus
from core.reminders.models import Reminder


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    user_id: int | None = None
    time_zone: str = "UTC"
    member_id: int | None = None


@dataclass(frozen=True)
class Desired:
    """One reminder a planner wants to exist."""

    subject: models.Model
    kind: str
    recipient: Recipient
    occurrence: str
    due_at: datetime.datetime
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.kind, self.recipient.email.lower(), self.occurrence)


@dataclass
class PlanResult:
    created: int = 0
    rescheduled: int = 0
    cancelled: int = 0
    revived: int = 0


def _grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.FORGE_REMINDER_PLAN_GRACE_SECONDS)


def reminder_plan(
    *,
    subjects: Sequence[models.Model],
    kinds: Iterable[str],
    desired: Iterable[Desired],
    now: datetime.datetime | None = None,
) -> PlanResult:
    """Make the open reminders of `kinds` about `subjects` exactly `desired`.

    Missing rows are created, open (pending or queued) rows that moved are rescheduled, open
    rows no longer desired are cancelled, cancelled rows desired again are revived. Sent,
    sending and failed rows are never touched. A desired reminder already overdue by more than
    the planning grace is not created (a meeting planned 5 days ahead gets no "14 days before").
    Runs in the caller's transaction; a constant number of queries whatever the counts.
    """
    now = now or timezone.now()
    kinds = list(kinds)
    wanted = {(_subject_key(item.subject), *item.key): item for item in desired}
    with transaction.atomic():
        existing = _existing_rows(subjects, kinds)
        result = PlanResult()
        to_create, to_update, to_cancel = [], [], []
        for key, item in wanted.items():
            row = existing.pop(key, None)
            if row is None:
                if item.due_at >= now - _grace():
                    to_create.append(_new_row(item, now))
            elif row.status in OPEN_STATUSES or row.status == ReminderStatus.CANCELLED:
                change = _apply(row, item, now)
                if change == "cancel":
                    to_cancel.append(row.pk)
                elif change:
                    to_update.append(row)
                    result.revived += change == "revive"
                    result.rescheduled += change == "reschedule"
        to_cancel += [row.pk for row in existing.values() if row.status in OPEN_STATUSES]
        if to_create:
            Reminder.objects.bulk_create(to_create, ignore_conflicts=True)
        if to_update:
            Reminder.objects.bulk_update(
                to_update,
                ["due_at", "context", "status", "queued_at", "attempts", "last_error", "updated_at"],
            )
        if to_cancel:
            result.cancelled = _cancel(Q(pk__in=to_cancel), now, "No longer due.")
        result.created = len(to_create)
        return result


def reminder_cancel_for(*, subjects: Sequence[models.Model], reason: str = "Cancelled.") -> int:
    """Cancel every open reminder about `subjects` (a cancelled meeting, a deleted term)."""
    if not subjects:
        return 0
    return _cancel(_subjects_q(subjects), timezone.now(), reason)


def _cancel(where: Q, now: datetime.datetime, reason: str) -> int:
    return Reminder.objects.filter(where, status__in=OPEN_STATUSES).update(
        status=ReminderStatus.CANCELLED, last_error=reason, updated_at=now
    )


def _subject_key(subject: models.Model) -> tuple[int, int]:
    return (ContentType.objects.get_for_model(subject).pk, subject.pk)


def _subjects_q(subjects: Sequence[models.Model]) -> Q:
    by_type: dict[int, list[int]] = defaultdict(list)
    for subject in subjects:
        type_id, pk = _subject_key(subject)
        by_type[type_id].append(pk)
    where = Q(pk__in=[])
    for type_id, pks in by_type.items():
        where |= Q(subject_type_id=type_id, subject_id__in=pks)
    return where


def _existing_rows(subjects: Sequence[models.Model], kinds: list[str]) -> dict[tuple, Reminder]:
    if not subjects or not kinds:
        return {}
    rows = Reminder.objects.select_for_update().filter(_subjects_q(subjects), kind__in=kinds)
    return {
        ((row.subject_type_id, row.subject_id), row.kind, row.recipient_email.lower(), row.occurrence): row
        for row in rows
    }


def _new_row(item: Desired, now: datetime.datetime) -> Reminder:
    type_id, pk = _subject_key(item.subject)
    recipient = item.recipient
    return Reminder(
        kind=item.kind,
        subject_type_id=type_id,
        subject_id=pk,
        recipient_email=recipient.email,
        recipient_name=recipient.name[:150],
        recipient_user_id=recipient.user_id,
        recipient_time_zone=recipient.time_zone,
        recipient_member_id=recipient.member_id,
        occurrence=item.occurrence,
        due_at=item.due_at,
        context=item.context,
        created_at=now,
        updated_at=now,
    )


def _apply(row: Reminder, item: Desired, now: datetime.datetime) -> str:
    """How an existing open or cancelled row must change to match `item` ("" for not at all)."""
    moved = row.due_at != item.due_at
    if moved and item.due_at < now - _grace():
        return "cancel" if row.status in OPEN_STATUSES else ""
    if row.status == ReminderStatus.CANCELLED:
        if item.due_at < now - _grace():
            return ""
        change = "revive"
    elif moved or row.context != item.context:
        change = "reschedule"
    else:
        return ""
    # A queued row goes back to pending: its queued task will find nothing to claim.
    row.status = ReminderStatus.PENDING
    row.due_at, row.context, row.queued_at, row.updated_at = item.due_at, item.context, None, now
    if change == "revive":
        row.attempts, row.last_error = 0, ""
    return change

"""Every write of the reminders engine: planning, dispatching, sending, resending, preferences.

Delivery guarantees rest on conditional updates of the reminder's status, not on the broker:
- planning writes rows in the caller's transaction, so a rolled-back change plans nothing;
- the dispatcher moves due rows pending -> queued and queues their tasks only after commit;
- a send claims its row (queued -> sending) with one conditional UPDATE, so a task delivered
  twice, or queued twice, sends once;
- a send's message delivered again after its worker process died (reject_on_worker_lost)
  takes its own claim back at once: the claim records the task message's id;
- the reconciler puts rows held longer than a lease (a message lost with Redis, a whole worker
  killed mid-send) back to pending, and the dispatcher queues them again. A worker killed after
  the SMTP server accepted a message but before the row was marked sent causes the one
  duplicate this design allows: at most one per kill, with the same Message-ID, so mail
  clients can fold it.
"""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
import socket
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from core.actors import Actor
from core.errors import Forbidden
from core.reminders import email
from core.reminders.choices import OPEN_STATUSES, ReminderStatus, RunKind
from core.reminders.models import DispatcherRun, Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.registry import kind_get, periodic_planners
from core.tracking import audit_record

log = logging.getLogger(__name__)


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


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.FORGE_REMINDER_LEASE_SECONDS)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# Planning -------------------------------------------------------------------------------


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


# Dispatching ----------------------------------------------------------------------------


def _enqueue(ids: list[int]) -> None:
    """Queue one send task per reminder. A failure here only delays: the rows stay queued and
    the reconciler queues them again after the lease."""
    if not ids:
        return
    from core.reminders.tasks import send_reminder

    try:
        with send_reminder.app.producer_or_acquire() as producer:
            for reminder_id in ids:
                send_reminder.apply_async(
                    kwargs={"reminder_id": reminder_id},
                    producer=producer,
                    time_limit=settings.FORGE_REMINDER_SEND_TIME_LIMIT,
                    soft_time_limit=settings.FORGE_REMINDER_SEND_SOFT_TIME_LIMIT,
                )
    except Exception:  # noqa: BLE001 - the broker is down; the reconciler will retry
        log.exception("could not queue %d reminder(s); the reconciler will queue them again", len(ids))


def reminder_dispatch(
    *, now: datetime.datetime | None = None, enqueue: Callable[[list[int]], None] = _enqueue
) -> int:
    """Claim due reminders and queue a send task for each after commit; returns how many.

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
            if _is_postgres():
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("pk", flat=True)[:batch])
            if ids:
                claimed = Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING)
                claimed.update(
                    status=ReminderStatus.QUEUED, queued_at=timezone.now(), updated_at=timezone.now()
                )
                transaction.on_commit(lambda ids=ids: enqueue(ids))
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
    cutoff = now - _lease()
    stuck = Q(status=ReminderStatus.QUEUED, queued_at__lt=cutoff) | Q(
        status=ReminderStatus.SENDING, claimed_at__lt=cutoff
    )
    with transaction.atomic():
        rows = Reminder.objects.filter(stuck).order_by("id")
        if _is_postgres():
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


# Sending --------------------------------------------------------------------------------


class TransientSendError(Exception):
    """The SMTP server or network failed in a way that may pass; try again later."""

    def __init__(self, message: str, countdown: float) -> None:
        super().__init__(message)
        self.countdown = countdown


def is_transient(exc: BaseException) -> bool:
    """Network trouble, SMTP 4xx replies and a send that ran past its soft time limit (a server
    that stalls) are worth retrying; 5xx replies are final."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | socket.error | TimeoutError
    )


def retry_countdown(attempt: int) -> float:
    """Exponential backoff with jitter: base * 2^(attempt-1), drawn from its upper half, capped."""
    base = settings.FORGE_REMINDER_RETRY_BACKOFF * (2 ** max(0, attempt - 1))
    capped = min(base, settings.FORGE_REMINDER_RETRY_BACKOFF_MAX)
    return random.uniform(capped / 2, capped)  # noqa: S311 - jitter, not security


def _claim(reminder_id: int, now: datetime.datetime, token: str = "") -> bool:
    """Take the row for one send: queued, held past the lease, or held by this very task
    message (delivered again because the process that ran it died)."""
    claimable = Q(status=ReminderStatus.QUEUED) | Q(
        status=ReminderStatus.SENDING, claimed_at__lt=now - _lease()
    )
    if token:
        claimable |= Q(status=ReminderStatus.SENDING, claimed_by=token)
    return bool(
        Reminder.objects.filter(claimable, pk=reminder_id).update(
            status=ReminderStatus.SENDING,
            claimed_at=now,
            claimed_by=token,
            attempts=models.F("attempts") + 1,
            updated_at=now,
        )
    )


def _held(reminder_id: int, claimed_at: datetime.datetime):
    """The row, only while this send still holds its claim."""
    return Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING, claimed_at=claimed_at)


def reminder_send(*, reminder_id: int, claim_token: str = "") -> str:
    """Send one reminder; returns what happened ("sent", "cancelled", "skipped", "failed").

    `claim_token` is the id of the task message doing the send (see `_claim`). Raises
    TransientSendError (after putting the row back in the queue) when the caller should retry
    after `countdown` seconds.
    """
    now = timezone.now()
    if not _claim(reminder_id, now, claim_token):
        return "skipped"  # sent, cancelled, moved back to pending, or held by a live send
    reminder = Reminder.objects.select_related("subject_type", "recipient_user").get(pk=reminder_id)
    kind = kind_get(reminder.kind)
    subject = _subject_of(reminder)
    reason = _why_not(reminder, kind, subject)
    if reason:
        _notify(reminder, kind, subject)
        _held(reminder_id, now).update(
            status=ReminderStatus.CANCELLED, last_error=reason[:500], updated_at=timezone.now()
        )
        return "cancelled"
    try:
        message = email.render(reminder=reminder, kind=kind, subject=subject)
    except Exception as exc:  # noqa: BLE001 - a broken template must not loop forever
        log.exception("reminder %s could not be rendered", reminder_id)
        return _fail(reminder_id, now, f"Could not render: {exc}")
    try:
        email.deliver(message)
    except Exception as exc:  # noqa: BLE001 - classified below
        if not is_transient(exc):
            return _fail(reminder_id, now, f"{type(exc).__name__}: {exc}")
        if reminder.attempts > settings.FORGE_REMINDER_MAX_RETRIES:
            return _fail(reminder_id, now, f"Gave up after {reminder.attempts} attempts: {exc}")
        countdown = retry_countdown(reminder.attempts)
        # Back in the queue, with the lease counted from the retry's time, so the reconciler
        # steps in only if the retry message itself is lost.
        _held(reminder_id, now).update(
            status=ReminderStatus.QUEUED,
            queued_at=timezone.now() + datetime.timedelta(seconds=countdown),
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            updated_at=timezone.now(),
        )
        raise TransientSendError(str(exc), countdown) from exc
    _mark_sent(reminder, kind, subject, message, now)
    return "sent"


def _subject_of(reminder: Reminder):
    model = reminder.subject_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=reminder.subject_id).first()


def _why_not(reminder: Reminder, kind, subject) -> str:
    if kind is None:
        return f"Unknown kind of reminder {reminder.kind!r}."
    if subject is None:
        return "Its subject no longer exists."
    if kind.is_stale and kind.is_stale(reminder, subject):
        return "No longer relevant when it came to be sent."
    if (
        not kind.essential
        and reminder.recipient_user_id
        and ReminderOptOut.objects.filter(user_id=reminder.recipient_user_id, kind=reminder.kind).exists()
    ):
        return "The recipient opted out of this kind of email."
    return ""


def _fail(reminder_id: int, claimed_at: datetime.datetime, error: str) -> str:
    _held(reminder_id, claimed_at).update(
        status=ReminderStatus.FAILED, last_error=error[:500], updated_at=timezone.now()
    )
    return "failed"


@transaction.atomic
def _mark_sent(reminder: Reminder, kind, subject, message, claimed_at: datetime.datetime) -> None:
    sent_at = timezone.now()
    held = _held(reminder.pk, claimed_at).update(
        status=ReminderStatus.SENT, sent_at=sent_at, message_id=message.message_id, updated_at=sent_at
    )
    if not held:
        return  # another worker took the row over after a lease expired; it records its own send
    SentMail.objects.create(
        reminder=reminder,
        kind=reminder.kind,
        to_email=reminder.recipient_email,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        message_id=message.message_id,
        sent_at=sent_at,
        resend_of_id=reminder.context.get("resend_of"),
    )
    _notify(reminder, kind, subject, title=message.subject, body=message.text)


def _notify(reminder: Reminder, kind, subject, *, title: str = "", body: str = "") -> None:
    """An in-app notice for a recipient with an account, also when they opted out of the email."""
    if not reminder.recipient_user_id or kind is None or subject is None:
        return
    if not title:
        try:
            message = email.render(reminder=reminder, kind=kind, subject=subject)
        except Exception:  # noqa: BLE001 - a notice is a courtesy; the email path reports errors
            return
        title, body = message.subject, message.text
    try:
        with transaction.atomic():
            Notification.objects.create(
                user_id=reminder.recipient_user_id,
                reminder=reminder,
                kind=reminder.kind,
                title=title[:300],
                body=body,
                url=email.link(reminder=reminder, kind=kind, subject=subject),
            )
    except IntegrityError:
        pass  # already notified by an earlier, interrupted attempt


# The secretariat's actions ----------------------------------------------------------------


@transaction.atomic
def sent_mail_resend(*, actor: Actor, mail: SentMail) -> Reminder:
    """Send a logged email again, as a new reminder through the normal, reliable path."""
    if not (actor.is_secretariat and actor.can_write):
        raise Forbidden("Only the secretariat resends email.")
    original = mail.reminder
    if original is None:
        raise ValidationError({"reminder": "The reminder behind this email no longer exists."})
    now = timezone.now()
    resend = Reminder(
        kind=original.kind,
        subject_type_id=original.subject_type_id,
        subject_id=original.subject_id,
        recipient_email=original.recipient_email,
        recipient_name=original.recipient_name,
        recipient_user_id=original.recipient_user_id,
        recipient_time_zone=original.recipient_time_zone,
        recipient_member_id=original.recipient_member_id,
        occurrence=f"resend:{mail.pk}:{now:%Y%m%dT%H%M%S.%f}"[:80],
        due_at=now,
        context={**original.context, "resend_of": mail.pk},
        created_at=now,
        updated_at=now,
    )
    resend.save()
    audit_record(actor=actor, instance=mail, action="resend", changes={"reminder": [None, resend.pk]})
    return resend


@transaction.atomic
def reminder_retry(*, actor: Actor, reminder: Reminder) -> Reminder:
    """Put a failed reminder back in the queue (after fixing the address or the mail server)."""
    if not (actor.is_secretariat and actor.can_write):
        raise Forbidden("Only the secretariat retries reminders.")
    updated = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING,
        due_at=timezone.now(),
        attempts=0,
        last_error="",
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError({"status": "Only a failed reminder can be retried."})
    audit_record(actor=actor, instance=reminder, action="retry", changes={"status": ["failed", "pending"]})
    reminder.refresh_from_db()
    return reminder


# Recipients' own settings -----------------------------------------------------------------


@transaction.atomic
def preferences_set(*, actor: Actor, opted_out: Iterable[str]) -> list[str]:
    """Replace the signed-in user's opt-outs; essential kinds cannot be opted out of."""
    if actor.user_id is None:
        raise Forbidden("Only a signed-in user has reminder preferences.")
    opted_out = set(opted_out)
    for name in sorted(opted_out):
        kind = kind_get(name)
        if kind is None:
            raise ValidationError({"opted_out": f"Unknown kind of reminder {name!r}."})
        if kind.essential:
            raise ValidationError({"opted_out": f"{kind.label} is essential and cannot be turned off."})
    ReminderOptOut.objects.filter(user_id=actor.user_id).exclude(kind__in=opted_out).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(user_id=actor.user_id, kind=name) for name in sorted(opted_out)],
        ignore_conflicts=True,
    )
    return sorted(opted_out)


def notifications_mark_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read: the given ones, or all of them."""
    if actor.user_id is None:
        return 0
    unread = Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())

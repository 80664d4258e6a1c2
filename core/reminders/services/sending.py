"""Sending: claiming a row, re-checking it, delivering it and recording the outcome."""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
import socket
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from core.reminders import email
from core.reminders.choices import ReminderStatus
from core.reminders.models import Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.registry import kind_get
from core.reminders.services.common import is_postgres, lease

log = logging.getLogger(__name__)

# The first key of the advisory locks taken by sends (the second is the task id's hash).
_LOCK_CLASS = 7_420_001


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


def _claim(row: Reminder, now: datetime.datetime, token: str = "", *, reclaim: bool = False) -> bool:
    """Take the row for one send: queued, held past the lease, or (`reclaim`) held by this very
    task message, delivered again because the process that ran it died; and only as it was
    read at the start of the batch (`updated_at`), so what is sent is what was re-checked."""
    claimable = Q(status=ReminderStatus.QUEUED) | Q(
        status=ReminderStatus.SENDING, claimed_at__lt=now - lease()
    )
    if token and reclaim:
        claimable |= Q(status=ReminderStatus.SENDING, claimed_by=token)
    claimed = Reminder.objects.filter(claimable, pk=row.pk, updated_at=row.updated_at).update(
        status=ReminderStatus.SENDING,
        claimed_at=now,
        claimed_by=token,
        attempts=models.F("attempts") + 1,
        updated_at=now,
    )
    if claimed:
        row.attempts += 1
    return bool(claimed)


def _held(reminder_id: int, claimed_at: datetime.datetime):
    """The row, only while this send still holds its claim."""
    return Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING, claimed_at=claimed_at)


@dataclass
class BatchResult:
    """What a batch did with each reminder ("sent", "cancelled", "skipped", "failed", "retry",
    or "later" for one not tried because the connection failed before it), and what to retry
    after `countdown` seconds."""

    outcomes: dict[int, str] = field(default_factory=dict)
    retry_ids: list[int] = field(default_factory=list)
    countdown: float = 0.0


def reminder_send_batch(*, reminder_ids: Sequence[int], claim_token: str = "") -> BatchResult:
    """Send reminders over one SMTP connection, each claimed, re-checked and marked on its own.

    A crash mid-batch leaves the rows already sent marked sent, the one in flight claimed (the
    redelivered task message takes it back, see `_claim`) and the rest queued. A message the
    server refuses for now goes back to the queue alone; when the connection itself fails, the
    rest of the batch is retried with it. `claim_token` is the id of the task message.
    """
    result = BatchResult()
    with _sole_run(claim_token) as alone, email.Session() as session:
        batch = _Batch.read(reminder_ids, token=claim_token, reclaim=alone)
        for index, reminder_id in enumerate(reminder_ids):
            row = batch.rows.get(reminder_id)
            try:
                result.outcomes[reminder_id] = _send_one(row, batch, session) if row else "skipped"
            except _Retry as retry:
                result.outcomes[reminder_id] = "retry"
                result.retry_ids.append(reminder_id)
                result.countdown = max(result.countdown, retry.countdown)
                if retry.connection_lost:
                    _retry_rest(result, list(reminder_ids[index + 1 :]))
                    break
    return result


def reminder_send(*, reminder_id: int, claim_token: str = "") -> str:
    """Send one reminder; returns what happened ("sent", "cancelled", "skipped", "failed").

    Raises TransientSendError (after putting the row back in the queue) when the caller should
    retry after `countdown` seconds.
    """
    result = reminder_send_batch(reminder_ids=[reminder_id], claim_token=claim_token)
    outcome = result.outcomes[reminder_id]
    if outcome == "retry":
        error = Reminder.objects.filter(pk=reminder_id).values_list("last_error", flat=True).first()
        raise TransientSendError(error or "retry", result.countdown)
    return outcome


class _Retry(Exception):
    def __init__(self, countdown: float, *, connection_lost: bool) -> None:
        super().__init__(countdown)
        self.countdown, self.connection_lost = countdown, connection_lost


@contextmanager
def _sole_run(token: str) -> Iterator[bool]:
    """Whether this is the only live run of its task message. A message can also be delivered
    again while its first run is alive (kombu restores unacknowledged messages when the broker
    connection drops); only a sole run may take back the rows its message holds, else both
    runs would send them. PostgreSQL's session lock ends with the process that holds it.
    (SQLite, the embedded development setup, has one worker: the run is taken as sole.)"""
    if not token or not is_postgres():
        yield bool(token)
        return
    key = [_LOCK_CLASS, token]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
        alone = bool(cursor.fetchone()[0])
    try:
        yield alone
    finally:
        if alone:
            _unlock(key)


def _unlock(key: list) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
    except DatabaseError:  # the session is gone, and its lock with it
        log.warning("could not release the send lock of task %s", key[1], exc_info=True)


@dataclass
class _Batch:
    """The batch's rows, their subjects and their recipients' opt-outs, read once."""

    rows: dict[int, Reminder]
    subjects: dict[tuple[int, int], models.Model]
    opted_out: set[tuple[int, str]]
    token: str
    reclaim: bool

    @classmethod
    def read(cls, reminder_ids: Sequence[int], *, token: str, reclaim: bool) -> _Batch:
        rows = Reminder.objects.select_related("subject_type", "recipient_user").in_bulk(list(reminder_ids))
        by_type: dict[int, list[int]] = defaultdict(list)
        for row in rows.values():
            by_type[row.subject_type_id].append(row.subject_id)
        subjects = {}
        for type_id, pks in by_type.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            found = model._default_manager.in_bulk(pks) if model is not None else {}
            subjects.update({(type_id, pk): obj for pk, obj in found.items()})
        users = {row.recipient_user_id for row in rows.values() if row.recipient_user_id}
        opted_out = set(ReminderOptOut.objects.filter(user_id__in=users).values_list("user_id", "kind"))
        return cls(rows=rows, subjects=subjects, opted_out=opted_out, token=token, reclaim=reclaim)

    def subject_of(self, row: Reminder):
        return self.subjects.get((row.subject_type_id, row.subject_id))


def _send_one(row: Reminder, batch: _Batch, session: email.Session) -> str:
    now = timezone.now()
    if not _claim(row, now, batch.token, reclaim=batch.reclaim):
        return "skipped"  # sent, cancelled, moved, or held by a live send
    kind = kind_get(row.kind)
    subject = batch.subject_of(row)
    reason = _why_not(row, kind, subject, batch.opted_out)
    if reason:
        _notify(row, kind, subject)
        _held(row.pk, now).update(
            status=ReminderStatus.CANCELLED, last_error=reason[:500], updated_at=timezone.now()
        )
        return "cancelled"
    try:
        message = email.render(reminder=row, kind=kind, subject=subject)
    except Exception as exc:  # noqa: BLE001 - a broken template must not loop forever
        log.exception("reminder %s could not be rendered", row.pk)
        return _fail(row.pk, now, f"Could not render: {exc}")
    try:
        session.send(message)
    except Exception as exc:  # noqa: BLE001 - classified below
        return _after_failure(row, now, exc)
    _mark_sent(row, kind, subject, message, now)
    return "sent"


def _after_failure(row: Reminder, claimed_at: datetime.datetime, exc: Exception) -> str:
    """A final refusal fails the row; a passing one puts it back in the queue and raises _Retry."""
    if not is_transient(exc):
        return _fail(row.pk, claimed_at, f"{type(exc).__name__}: {exc}")
    if row.attempts > settings.FORGE_REMINDER_MAX_RETRIES:
        return _fail(row.pk, claimed_at, f"Gave up after {row.attempts} attempts: {exc}")
    countdown = retry_countdown(row.attempts)
    # Back in the queue, with the lease counted from the retry's time, so the reconciler
    # steps in only if the retry message itself is lost.
    _held(row.pk, claimed_at).update(
        status=ReminderStatus.QUEUED,
        queued_at=timezone.now() + datetime.timedelta(seconds=countdown),
        last_error=f"{type(exc).__name__}: {exc}"[:500],
        updated_at=timezone.now(),
    )
    raise _Retry(countdown, connection_lost=not _about_this_message(exc)) from exc


def _about_this_message(exc: Exception) -> bool:
    """An SMTP reply about this message (a refused recipient, a 4xx to its DATA): the session
    is still good for the next one. Anything else (a dropped connection, a stall) is not."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _retry_rest(result: BatchResult, rest: list[int]) -> None:
    """Rows left untried wait for the retry too, their lease counted from it."""
    result.outcomes.update(dict.fromkeys(rest, "later"))
    result.retry_ids += rest
    Reminder.objects.filter(pk__in=rest, status=ReminderStatus.QUEUED).update(
        queued_at=timezone.now() + datetime.timedelta(seconds=result.countdown)
    )


def _why_not(reminder: Reminder, kind, subject, opted_out: set[tuple[int, str]]) -> str:
    if kind is None:
        return f"Unknown kind of reminder {reminder.kind!r}."
    if subject is None:
        return "Its subject no longer exists."
    if kind.is_stale and kind.is_stale(reminder, subject):
        return "No longer relevant when it came to be sent."
    if (
        not kind.essential
        and reminder.recipient_user_id
        and (reminder.recipient_user_id, reminder.kind) in opted_out
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

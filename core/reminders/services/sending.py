"""Sending: claiming a row, re-checking it, delivering it and recording the outcome."""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
import socket

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from core.reminders import email
from core.reminders.choices import ReminderStatus
from core.reminders.models import Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.registry import kind_get
from core.reminders.services.common import lease

log = logging.getLogger(__name__)


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
        status=ReminderStatus.SENDING, claimed_at__lt=now - lease()
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

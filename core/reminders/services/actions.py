"""The secretariat's actions on the queue and recipients' own settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.errors import Forbidden
from core.reminders.choices import ReminderStatus
from core.reminders.models import Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.registry import kind_get
from core.tracking import audit_record


@transaction.atomic
def sent_mail_resend(*, actor: Actor, mail: SentMail) -> Reminder:
    """Send a logged email again, as a new reminder through the normal, reliable path."""
    if not (actor.is_secretariat and actor.can_write):
        raise Forbidden(gettext("Only the secretariat resends email."))
    original = mail.reminder
    if original is None:
        raise ValidationError({"reminder": gettext("The reminder behind this email no longer exists.")})
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
        raise Forbidden(gettext("Only the secretariat retries reminders."))
    updated = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING,
        due_at=timezone.now(),
        attempts=0,
        last_error="",
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError({"status": gettext("Only a failed reminder can be retried.")})
    audit_record(actor=actor, instance=reminder, action="retry", changes={"status": ["failed", "pending"]})
    reminder.refresh_from_db()
    return reminder


# Recipients' own settings -----------------------------------------------------------------


@transaction.atomic
def preferences_set(*, actor: Actor, opted_out: Iterable[str]) -> list[str]:
    """Replace the signed-in user's opt-outs; essential kinds cannot be opted out of."""
    if actor.user_id is None:
        raise Forbidden(gettext("Only a signed-in user has reminder preferences."))
    opted_out = set(opted_out)
    for name in sorted(opted_out):
        kind = kind_get(name)
        if kind is None:
            raise ValidationError(
                {"opted_out": gettext("Unknown kind of reminder “%(name)s”.") % {"name": name}}
            )
        if kind.essential:
            raise ValidationError(
                {
                    "opted_out": gettext("%(kind)s is essential and cannot be turned off.")
                    % {"kind": kind.label}
                }
            )
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

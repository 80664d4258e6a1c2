"""Every read of the reminders engine, scoped to the actor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.actors import Actor
from core.errors import Forbidden
from core.reminders.choices import ReminderStatus, RunKind
from core.reminders.models import DispatcherRun, Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.registry import ReminderKind, kinds
from core.selectors import get_visible


def _require_secretariat(actor: Actor) -> None:
    """The queue and the outbox are the secretariat's: anyone else is refused (a 403 page)."""
    if not actor.is_secretariat:
        raise Forbidden(gettext("The reminder queue and the outbox are the secretariat's."))


def reminder_list(*, actor: Actor) -> QuerySet[Reminder]:
    """The queue is the secretariat's; everyone else sees their own notices instead."""
    _require_secretariat(actor)
    return Reminder.objects.select_related("subject_type", "recipient_user")


def reminder_get(*, actor: Actor, pk: int) -> Reminder:
    return get_visible(reminder_list(actor=actor), pk, gettext_lazy("No such reminder."))


def sent_mail_list(*, actor: Actor) -> QuerySet[SentMail]:
    _require_secretariat(actor)
    return SentMail.objects.select_related("reminder")


def sent_mail_get(*, actor: Actor, pk: int) -> SentMail:
    return get_visible(
        sent_mail_list(actor=actor).select_related("resend_of"), pk, gettext_lazy("No such email.")
    )


def notification_list(*, actor: Actor) -> QuerySet[Notification]:
    if actor.user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=actor.user_id)


def unread_notification_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


@dataclass(frozen=True)
class Preference:
    kind: ReminderKind
    enabled: bool


def preferences_for(*, actor: Actor) -> list[Preference]:
    opted_out = set(ReminderOptOut.objects.filter(user_id=actor.user_id).values_list("kind", flat=True))
    return [Preference(kind=kind, enabled=kind.name not in opted_out) for kind in kinds()]


@dataclass(frozen=True)
class QueueSummary:
    due: int
    queued: int
    sent_24h: int
    failed: int
    last_dispatch: DispatcherRun | None

    @property
    def last_dispatch_age(self) -> datetime.timedelta | None:
        return timezone.now() - self.last_dispatch.started_at if self.last_dispatch else None


def queue_summary(*, now: datetime.datetime | None = None) -> QueueSummary:
    """The dashboard's reminder card: one aggregate query and one for the last run."""
    now = now or timezone.now()
    counts = Reminder.objects.aggregate(
        due=Count("pk", filter=Q(status=ReminderStatus.PENDING, due_at__lte=now)),
        queued=Count("pk", filter=Q(status__in=[ReminderStatus.QUEUED, ReminderStatus.SENDING])),
        sent_24h=Count(
            "pk", filter=Q(status=ReminderStatus.SENT, sent_at__gte=now - datetime.timedelta(hours=24))
        ),
        failed=Count("pk", filter=Q(status=ReminderStatus.FAILED)),
    )
    return QueueSummary(**counts, last_dispatch=last_run(kind=RunKind.DISPATCH))


def last_run(*, kind: str) -> DispatcherRun | None:
    return DispatcherRun.objects.filter(kind=kind).order_by("-started_at", "-id").first()

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    """A reminder's life: pending until due, queued when the dispatcher hands it to a worker,
    sending while a worker holds it, then sent, failed (after the last retry) or cancelled."""

    PENDING = "pending", _("Pending")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Reminders a planner may still move or cancel; sending, sent and failed ones are history.
OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.QUEUED)


class RunKind(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    RECONCILE = "reconcile", _("Reconcile")
    PLAN = "plan", _("Periodic planning")

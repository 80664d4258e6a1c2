from django.db import models


class ReminderStatus(models.TextChoices):
    """A reminder's life: pending until due, queued when the dispatcher hands it to a worker,
    sending while a worker holds it, then sent, failed (after the last retry) or cancelled."""

    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# Reminders a planner may still move or cancel; sending, sent and failed ones are history.
OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.QUEUED)


class RunKind(models.TextChoices):
    DISPATCH = "dispatch", "Dispatch"
    RECONCILE = "reconcile", "Reconcile"
    PLAN = "plan", "Periodic planning"

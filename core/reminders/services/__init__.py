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

from core.reminders.services.actions import (
    notifications_mark_read,
    preferences_set,
    reminder_retry,
    sent_mail_resend,
)
from core.reminders.services.dispatching import reminder_dispatch, reminder_plan_periodic, reminder_reconcile
from core.reminders.services.planning import (
    Desired,
    PlanResult,
    Recipient,
    reminder_cancel_for,
    reminder_plan,
)
from core.reminders.services.sending import (
    BatchResult,
    TransientSendError,
    is_transient,
    reminder_send,
    reminder_send_batch,
    retry_countdown,
)

__all__ = [
    "BatchResult",
    "Desired",
    "PlanResult",
    "Recipient",
    "TransientSendError",
    "is_transient",
    "notifications_mark_read",
    "preferences_set",
    "reminder_cancel_for",
    "reminder_dispatch",
    "reminder_plan",
    "reminder_plan_periodic",
    "reminder_reconcile",
    "reminder_retry",
    "reminder_send",
    "reminder_send_batch",
    "retry_countdown",
    "sent_mail_resend",
]

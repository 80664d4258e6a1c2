"""Thin Celery tasks over the reminders services.

`reminders.send` is safe to run twice (the row is claimed conditionally), acknowledged late and
rejected back to the queue if its worker dies; its hard time limit (given when it is queued,
from settings) stays below both the broker's visibility timeout and the reconciler's lease.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from core.reminders import services


@shared_task(name="reminders.dispatch", ignore_result=True, acks_late=True)
def dispatch_reminders() -> int:
    return services.reminder_dispatch()


@shared_task(name="reminders.reconcile", ignore_result=True, acks_late=True)
def reconcile_reminders() -> int:
    return services.reminder_reconcile()


@shared_task(name="reminders.plan", ignore_result=True, acks_late=True)
def plan_reminders() -> int:
    return services.reminder_plan_periodic()


@shared_task(
    bind=True,
    name="reminders.send",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Retries are counted on the row (attempts), which survives re-queueing by the reconciler;
    # the service decides when to give up.
    max_retries=None,
)
def send_reminder(self, *, reminder_id: int) -> str:
    try:
        return services.reminder_send(reminder_id=reminder_id, claim_token=self.request.id or "")
    except services.TransientSendError as exc:
        raise self.retry(countdown=exc.countdown, exc=exc) from exc
    except SoftTimeLimitExceeded as exc:
        # Interrupted outside the SMTP exchange (a slow database, say): the same task message,
        # retried, takes its own claim back (see services._claim).
        raise self.retry(countdown=services.retry_countdown(1), exc=exc) from exc

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
    # Retries are counted on the rows (attempts), which survive re-queueing by the reconciler;
    # the service decides when to give up.
    max_retries=None,
)
def send_reminders(self, *, reminder_ids: list[int] | None = None, reminder_id: int | None = None) -> dict:
    """Send a batch (`reminder_id` alone: a message queued before batches existed)."""
    ids = reminder_ids if reminder_ids is not None else [reminder_id]
    try:
        result = services.reminder_send_batch(reminder_ids=ids, claim_token=self.request.id or "")
    except SoftTimeLimitExceeded as exc:
        # Interrupted outside the SMTP exchange (a slow database, say): the same task message,
        # retried, takes its own claim back (see services.sending._claim).
        raise self.retry(countdown=services.retry_countdown(1), exc=exc) from exc
    if result.retry_ids:
        # The same task id, so the retry may take back a claim this run still holds.
        raise self.retry(kwargs={"reminder_ids": result.retry_ids}, countdown=result.countdown)
    return result.outcomes

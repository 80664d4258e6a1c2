"""Thin Celery tasks around core.webhooks.services.

Deliveries are not retried with Celery countdowns (those die with the broker): a failed
attempt stores `next_attempt_at` and the `send_due` beat task queues it when it is due.
`webhooks.deliver` runs on the "webhooks" queue (CELERY_TASK_ROUTES), so workers of its own
consume it and a stalled receiver cannot hold up reminders.
"""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction

from core.webhooks import limits, services

# The transport ends an attempt at its deadline (FORGE_WEBHOOK_DEADLINE_SECONDS); these limits
# are a backstop a little past it, and the claim lease (limits.claim_lease) outlasts them, so a
# delivery is only taken over from a worker that died.
DELIVER_SOFT_LIMIT = limits.task_soft_limit()
DELIVER_HARD_LIMIT = limits.task_hard_limit()
# Batches per dispatch run, so one run catches up with a burst but still ends.
DISPATCH_MAX_BATCHES = 20


@shared_task(
    bind=True,
    name="webhooks.deliver",
    acks_late=True,
    soft_time_limit=DELIVER_SOFT_LIMIT,
    time_limit=DELIVER_HARD_LIMIT,
)
def deliver_webhook(self, *, delivery_id: int) -> None:
    """Send one delivery once; a duplicate or late message finds it claimed or done and returns.
    The message's own id is the claim, so its redelivery after a lost pool process goes on."""
    services.delivery_attempt(delivery_id=delivery_id, claim_token=self.request.id or "")


def queue_due() -> int:
    with transaction.atomic():
        ids = services.deliveries_take_due()
        for delivery_id in ids:
            transaction.on_commit(partial(deliver_webhook.delay, delivery_id=delivery_id))
    return len(ids)


@shared_task(name="webhooks.dispatch", acks_late=True, soft_time_limit=50, time_limit=60)
def dispatch_webhooks() -> int:
    """Turn new sequenced changes into deliveries, then queue the ones that are due."""
    read = 0
    for _ in range(DISPATCH_MAX_BATCHES):
        count = services.deliveries_dispatch()
        read += count
        if count < services.DISPATCH_BATCH:
            break
    queue_due()
    return read


@shared_task(name="webhooks.send_due", acks_late=True, soft_time_limit=50, time_limit=60)
def send_due_webhooks() -> int:
    return queue_due()


@shared_task(name="webhooks.prune", acks_late=True, soft_time_limit=240, time_limit=300)
def prune_webhook_log() -> int:
    return services.deliveries_prune()

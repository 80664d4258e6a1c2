"""Periodic upkeep of the change feed and the idempotency store (scheduled in settings)."""

from celery import shared_task

from core.sync import services


@shared_task(name="sync.changes_sequence", acks_late=True, ignore_result=True)
def changes_sequence() -> int:
    return services.changes_sequence()


@shared_task(name="sync.changes_prune", acks_late=True, ignore_result=True)
def changes_prune() -> int:
    return services.changes_prune()


@shared_task(name="sync.idempotency_keys_prune", acks_late=True, ignore_result=True)
def idempotency_keys_prune() -> int:
    return services.idempotency_keys_prune()


@shared_task(name="sync.date_changes_record", acks_late=True, ignore_result=True)
def date_changes_record() -> int:
    return services.date_changes_record()

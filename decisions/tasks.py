"""Thin Celery tasks over the decisions services."""

from celery import shared_task

from decisions import services


@shared_task(name="decisions.close_due_procedures", ignore_result=True, acks_late=True, time_limit=300)
def close_due_procedures() -> int:
    """Close the written procedures whose deadline has come (each exactly once)."""
    return services.procedures_close_due()

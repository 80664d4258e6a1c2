"""The periodic work beat starts: what runs, how often, and what a late run does.

Kept apart from the other settings because it is a list of the apps' recurring jobs, read on
its own when one is added or retuned.
"""

import environ


def _frequent(task: str, every: float) -> dict:
    """A job run every few seconds: a run that waited in the queue past its interval (or 10 s)
    is dropped (`expires`), as the next one does the same work and a backlog of them would delay
    the sends queued behind it."""
    return {"task": task, "schedule": every, "options": {"expires": max(every, 10.0)}}


def beat_schedule(env: environ.Env) -> dict:
    schedule: dict = {}
    # Change feed: number committed changes between feed reads; prune history and idempotency keys.
    schedule["sync-changes-sequence"] = _frequent("sync.changes_sequence", 5.0)
    schedule["sync-changes-prune"] = {"task": "sync.changes_prune", "schedule": 3600.0}
    schedule["sync-idempotency-prune"] = {"task": "sync.idempotency_keys_prune", "schedule": 3600.0}
    # Daily work (each day handled once), checked hourly so a missed run or a restart delays it little.
    schedule["sync-date-changes"] = {"task": "sync.date_changes_record", "schedule": 3600.0}
    # Reminders: claim due rows every minute, re-queue rows held past their lease, and run the
    # apps' time-based planners (weekly "still overdue" notices) every hour.
    dispatch_every = env.float("FORGE_REMINDER_DISPATCH_SECONDS", default=60.0)
    reconcile_every = env.float("FORGE_REMINDER_RECONCILE_SECONDS", default=180.0)
    schedule["reminders-dispatch"] = _frequent("reminders.dispatch", dispatch_every)
    schedule["reminders-reconcile"] = _frequent("reminders.reconcile", reconcile_every)
    schedule["reminders-plan"] = {"task": "reminders.plan", "schedule": 3600.0}
    # Webhooks: turn sequenced changes into deliveries, queue due deliveries (retries included),
    # and forget old delivery logs.
    webhooks_every = env.float("FORGE_WEBHOOK_SWEEP_SECONDS", default=5.0)
    schedule["webhooks-dispatch"] = _frequent("webhooks.dispatch", webhooks_every)
    schedule["webhooks-send-due"] = _frequent("webhooks.send_due", webhooks_every)
    schedule["webhooks-prune"] = {"task": "webhooks.prune", "schedule": 86400.0}
    # Written procedures: close those whose deadline has come (each closes once, however often this runs).
    schedule["decisions-close-due"] = _frequent("decisions.close_due_procedures", 30.0)
    return schedule

"""Beat's schedule: a frequent job that waited in a backed-up queue is dropped, not piled up."""

from django.conf import settings


def test_every_job_run_more_often_than_hourly_expires_within_its_interval_or_10_s():
    frequent = {name: job for name, job in settings.CELERY_BEAT_SCHEDULE.items() if job["schedule"] < 3600}

    assert set(frequent) >= {"reminders-dispatch", "webhooks-send-due", "sync-changes-sequence"}
    for name, job in frequent.items():
        assert job["options"]["expires"] == max(job["schedule"], 10.0), name

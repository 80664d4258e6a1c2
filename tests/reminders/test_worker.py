"""Delivery with a real Celery worker and beat, real Redis and a local SMTP server.

The worker runs as a subprocess on the test database, so these tests commit their rows
(transaction=True) and watch the database and the SMTP sink from outside.
"""

import datetime
import shutil

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from core.reminders import services
from core.reminders.models import Reminder, SentMail
from core.reminders.services import Desired, Recipient, reminder_plan
from members.reminders import HANDOVER
from tests.factories import ChairTermFactory, MemberFactory
from tests.reminders.workers import Celery, RedisServer, SmtpSink, database_url, wait_until

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _plan_due(count: int, *, prefix: str = "r") -> list[int]:
    term = ChairTermFactory(member=MemberFactory(iso2="KR", name="Republic of Korea"))
    desired = [
        Desired(
            subject=term,
            kind=HANDOVER,
            recipient=Recipient(email=f"{prefix}{i}@example.org", name=f"Recipient {i}"),
            occurrence="7d-before:2026-06-30",
            due_at=timezone.now() - datetime.timedelta(seconds=1),
            context={
                "member_name": "Republic of Korea",
                "ends_on": term.ends_on.isoformat(),
                "days_before": 7,
            },
        )
        for i in range(count)
    ]
    reminder_plan(subjects=[term], kinds=[HANDOVER], desired=desired)
    return list(Reminder.objects.filter(recipient_email__startswith=prefix).values_list("pk", flat=True))


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _celery(tmp_path, redis, sink):
    return Celery(
        workdir=tmp_path,
        database=database_url(connection.settings_dict),
        redis_url=redis.url,
        smtp_port=sink.port,
    )


def _sent_count() -> int:
    return Reminder.objects.filter(status="sent").count()


def test_kills_and_redis_restart_lose_and_duplicate_nothing(tmp_path, redis):
    total = 400
    ids = _plan_due(total)
    with SmtpSink(delay=0.008) as sink, _celery(tmp_path, redis, sink) as celery:
        celery.start_beat()
        celery.start_worker()
        for fraction, action in [(0.15, "kill"), (0.35, "kill"), (0.5, "redis"), (0.7, "kill")]:
            reached = wait_until(lambda f=fraction: _sent_count() >= total * f, timeout=90)
            assert reached, celery.logs()
            if action == "kill":
                celery.kill_worker()
                celery.start_worker()
            else:
                redis.restart()
        assert wait_until(lambda: _sent_count() == total, timeout=120, interval=0.5), celery.logs()
        # Let stray redelivered or re-queued tasks run out: nothing may be sent again.
        wait_until(lambda: False, timeout=3)
        assert celery.kills == 3
        statuses = dict(Reminder.objects.values_list("status").annotate(n=Count("pk")).order_by())
        assert statuses == {"sent": total}
        assert SentMail.objects.count() == total
        assert sorted(SentMail.objects.values_list("reminder_id", flat=True)) == sorted(ids)
        expected = {f"<reminder.{pk}@forge.invalid>" for pk in ids}
        assert set(sink.received) == expected
        # At most one SMTP-level duplicate per kill (a crash between "250 OK" and "sent").
        assert sink.duplicates <= celery.kills


def test_rolled_back_transaction_queues_nothing(tmp_path, redis):
    with SmtpSink() as sink, _celery(tmp_path, redis, sink) as celery:
        celery.start_beat()
        celery.start_worker()
        with pytest.raises(RuntimeError), transaction.atomic():
            _plan_due(5, prefix="rolled")
            services.reminder_dispatch()
            raise RuntimeError("the change that made them due failed")
        # Several dispatcher cycles pass; then a committed reminder proves the pipeline works.
        wait_until(lambda: False, timeout=2)
        (committed,) = _plan_due(1, prefix="committed")
        assert wait_until(lambda: _sent_count() == 1, timeout=30), celery.logs()
        assert Reminder.objects.count() == 1
        assert set(sink.received) == {f"<reminder.{committed}@forge.invalid>"}


def test_smtp_failing_three_times_delivers_on_the_fourth_try(tmp_path, redis):
    (reminder_id,) = _plan_due(1)
    with SmtpSink(fail_first=3) as sink, _celery(tmp_path, redis, sink) as celery:
        celery.start_beat()
        celery.start_worker()
        assert wait_until(lambda: _sent_count() == 1, timeout=40), celery.logs()
        reminder = Reminder.objects.get(pk=reminder_id)
        assert (reminder.status, reminder.attempts) == ("sent", 4)
        assert sink.attempts == 4
        assert dict(sink.received) == {f"<reminder.{reminder_id}@forge.invalid>": 1}
        assert SentMail.objects.filter(reminder_id=reminder_id).count() == 1

"""Batched sending in-process, against a local SMTP server: one connection per batch, each
row claimed, checked and marked on its own, one message's failure confined to that message."""

import datetime

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from core.reminders import services
from core.reminders.email import message_id_for
from core.reminders.models import Reminder, SentMail
from core.reminders.services import Desired, Recipient, reminder_plan
from core.reminders.services.dispatching import send_batches
from core.reminders.services.sending import _LOCK_CLASS
from members.reminders import HANDOVER
from tests.factories import ChairTermFactory, MemberFactory
from tests.reminders.workers import SmtpSink, database_url


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


def _queued(addresses: list[str], capture) -> list[int]:
    term = ChairTermFactory(
        member=MemberFactory(), starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 6, 30)
    )
    desired = [
        Desired(
            subject=term,
            kind=HANDOVER,
            recipient=Recipient(email=address),
            occurrence="7d-before:2026-06-30",
            due_at=timezone.now(),
            context={"member_name": "Korea", "ends_on": "2026-06-30", "days_before": 7},
        )
        for address in addresses
    ]
    reminder_plan(subjects=[term], kinds=[HANDOVER], desired=desired)
    batches = []
    with capture(execute=True):
        services.reminder_dispatch(enqueue=batches.append)
    assert [len(batch) for batch in batches] == [len(addresses)]
    return batches[0]


def _statuses(ids: list[int]) -> list[tuple[str, int]]:
    rows = dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "status"))
    attempts = dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "attempts"))
    return [(rows[pk], attempts[pk]) for pk in ids]


def test_batch_is_sent_over_one_connection(db, sink, django_capture_on_commit_callbacks):
    ids = _queued([f"r{i}@example.org" for i in range(5)], django_capture_on_commit_callbacks)
    result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
    assert result.outcomes == dict.fromkeys(ids, "sent")
    assert (result.retry_ids, result.countdown) == ([], 0.0)
    assert list(sink.per_connection.values()) == [5]
    assert dict(sink.received) == {message_id_for(pk): 1 for pk in ids}
    assert sorted(SentMail.objects.values_list("reminder_id", flat=True)) == sorted(ids)


def test_batch_refused_message_fails_alone(db, sink, django_capture_on_commit_callbacks):
    ids = _queued([f"r{i}@example.org" for i in range(3)], django_capture_on_commit_callbacks)
    sink.replies[message_id_for(ids[1])] = "550 5.1.1 No such user"
    result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
    assert result.outcomes == {ids[0]: "sent", ids[1]: "failed", ids[2]: "sent"}
    assert result.retry_ids == []
    assert _statuses(ids) == [("sent", 1), ("failed", 1), ("sent", 1)]
    assert Reminder.objects.get(pk=ids[1]).last_error == "SMTPDataError: (550, b'5.1.1 No such user')"
    assert dict(sink.received) == {message_id_for(ids[0]): 1, message_id_for(ids[2]): 1}


def test_batch_message_deferred_by_the_server_is_retried_alone(db, sink, django_capture_on_commit_callbacks):
    ids = _queued([f"r{i}@example.org" for i in range(3)], django_capture_on_commit_callbacks)
    sink.replies[message_id_for(ids[0])] = "451 4.3.0 Try again later"
    result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
    assert result.outcomes == {ids[0]: "retry", ids[1]: "sent", ids[2]: "sent"}
    assert result.retry_ids == [ids[0]]
    assert result.countdown > 0
    assert _statuses(ids) == [("queued", 1), ("sent", 1), ("sent", 1)]
    # The retry (the same task message, as Celery retries it) sends it; the others stay sent once.
    again = services.reminder_send_batch(reminder_ids=result.retry_ids, claim_token="task-1")
    assert again.outcomes == {ids[0]: "sent"}
    assert _statuses(ids) == [("sent", 2), ("sent", 1), ("sent", 1)]
    assert dict(sink.received) == {message_id_for(pk): 1 for pk in ids}


def test_batch_connection_refused_retries_the_rest_untouched(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens: connection refused
    ids = _queued([f"r{i}@example.org" for i in range(3)], django_capture_on_commit_callbacks)
    before = timezone.now()
    result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
    assert result.outcomes == {ids[0]: "retry", ids[1]: "later", ids[2]: "later"}
    assert result.retry_ids == ids
    # Only the message tried counts an attempt; the others wait for the retry, their lease
    # counted from it.
    assert _statuses(ids) == [("queued", 1), ("queued", 0), ("queued", 0)]
    queued_at = Reminder.objects.filter(pk__in=ids[1:]).values_list("queued_at", flat=True)
    assert all(moment >= before + datetime.timedelta(seconds=result.countdown) for moment in queued_at)


def test_batch_skips_rows_already_sent_or_changed_since_read(db, sink, django_capture_on_commit_callbacks):
    ids = _queued([f"r{i}@example.org" for i in range(3)], django_capture_on_commit_callbacks)
    services.reminder_send_batch(reminder_ids=ids[:1], claim_token="task-1")
    Reminder.objects.filter(pk=ids[2]).update(status="pending", queued_at=None)
    result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-2")
    assert result.outcomes == {ids[0]: "skipped", ids[1]: "sent", ids[2]: "skipped"}
    assert dict(sink.received) == {message_id_for(ids[0]): 1, message_id_for(ids[1]): 1}


def test_dispatch_batches_by_recipient_domain_and_size(db, settings):
    settings.FORGE_REMINDER_SEND_BATCH = 2
    rows = [(1, "a@one.org"), (2, "b@two.org"), (3, "c@ONE.org"), (4, "d@one.org"), (5, "e@two.org")]
    assert send_batches(rows) == [[1, 3], [4], [2, 5]]


@pytest.mark.postgres_only
def test_batch_run_beside_a_live_run_of_its_message_takes_back_nothing(
    db, sink, django_capture_on_commit_callbacks
):
    ids = _queued([f"r{i}@example.org" for i in range(2)], django_capture_on_commit_callbacks)
    Reminder.objects.filter(pk=ids[0]).update(
        status="sending", claimed_at=timezone.now(), claimed_by="task-1"
    )
    # The first run of task-1 is alive: its session holds the message's lock.
    holder = psycopg2.connect(database_url(connection.settings_dict))
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [_LOCK_CLASS, "task-1"])
        result = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
        assert result.outcomes == {ids[0]: "skipped", ids[1]: "sent"}
    finally:
        holder.close()
    # Its process died (the lock went with its session): the message delivered again takes
    # back the row it held.
    again = services.reminder_send_batch(reminder_ids=ids, claim_token="task-1")
    assert again.outcomes == {ids[0]: "sent", ids[1]: "skipped"}
    assert dict(sink.received) == {message_id_for(pk): 1 for pk in ids}

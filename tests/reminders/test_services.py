import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from core.reminders import services
from core.reminders.choices import ReminderStatus
from core.reminders.models import Notification, Reminder, ReminderOptOut, SentMail
from core.reminders.services import Desired, Recipient, reminder_plan
from core.reminders.timing import days_before, days_before_occurrence
from members.reminders import HANDOVER, NO_SUCCESSOR, chair_handover_plan
from tests.factories import ChairTermFactory, MemberFactory, UserFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _deadline_plan(term, deadline, recipients, now=NOW, tz="Europe/Brussels"):
    """What a meeting's RSVP deadline planner does: 7 and 1 days before, 09:00 in `tz`."""
    desired = [
        Desired(
            subject=term,
            kind=HANDOVER,
            recipient=Recipient(email=email, time_zone=tz),
            occurrence=days_before_occurrence(deadline, days, tz=tz),
            due_at=days_before(deadline, days, tz=tz),
            context={"member_name": "Korea", "ends_on": deadline.isoformat(), "days_before": days},
        )
        for email in recipients
        for days in (7, 1)
    ]
    return reminder_plan(subjects=[term], kinds=[HANDOVER], desired=desired, now=now)


def _rows(term):
    return sorted(
        Reminder.objects.filter(subject_id=term.pk).values_list("occurrence", "due_at", "status"),
        key=lambda row: (row[2], row[0]),
    )


def test_plan_moved_across_dst_keeps_local_hour_and_cancels_old(db):
    term = ChairTermFactory(ends_on=datetime.date(2026, 3, 30))
    _deadline_plan(term, datetime.date(2026, 3, 30), ["a@example.org"])
    # Before the EU switch (29 March 2026): 09:00 CET is 08:00 UTC; after it, CEST, 07:00 UTC.
    assert _rows(term) == [
        ("1d-before:2026-03-30", datetime.datetime(2026, 3, 29, 7, 0, tzinfo=UTC), "pending"),
        ("7d-before:2026-03-30", datetime.datetime(2026, 3, 23, 8, 0, tzinfo=UTC), "pending"),
    ]
    result = _deadline_plan(term, datetime.date(2026, 4, 6), ["a@example.org"])
    assert (result.created, result.cancelled) == (2, 2)
    assert _rows(term) == [
        ("1d-before:2026-03-30", datetime.datetime(2026, 3, 29, 7, 0, tzinfo=UTC), "cancelled"),
        ("7d-before:2026-03-30", datetime.datetime(2026, 3, 23, 8, 0, tzinfo=UTC), "cancelled"),
        ("1d-before:2026-04-06", datetime.datetime(2026, 4, 5, 7, 0, tzinfo=UTC), "pending"),
        ("7d-before:2026-04-06", datetime.datetime(2026, 3, 30, 7, 0, tzinfo=UTC), "pending"),
    ]


def test_plan_in_recipient_zone_across_us_dst(db):
    term = ChairTermFactory()
    _deadline_plan(term, datetime.date(2026, 3, 10), ["a@example.org"], tz="America/New_York")
    # US clocks change on 8 March 2026: 09:00 EST = 14:00 UTC, 09:00 EDT = 13:00 UTC.
    assert [row[1].hour for row in _rows(term)] == [13, 14]


def test_plan_twice_changes_nothing_and_never_touches_sent(db):
    term = ChairTermFactory()
    _deadline_plan(term, datetime.date(2026, 4, 6), ["a@example.org", "b@example.org"])
    Reminder.objects.filter(recipient_email="a@example.org").update(status=ReminderStatus.SENT)
    again = _deadline_plan(term, datetime.date(2026, 4, 6), ["a@example.org", "b@example.org"])
    assert (again.created, again.rescheduled, again.cancelled) == (0, 0, 0)
    moved = _deadline_plan(term, datetime.date(2026, 4, 20), [])
    assert (moved.created, moved.cancelled) == (0, 2)
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 2


def test_plan_skips_reminders_already_past(db):
    term = ChairTermFactory()
    result = _deadline_plan(term, datetime.date(2026, 3, 4), ["a@example.org"])
    # 7 days before 4 March is before NOW (1 March): not created; 1 day before is.
    assert result.created == 1
    assert [row[0] for row in _rows(term)] == ["1d-before:2026-03-04"]


def test_plan_query_count_is_constant(db, django_assert_num_queries):
    terms = [
        ChairTermFactory(
            member=MemberFactory(),
            starts_on=datetime.date(2000 + i, 1, 1),
            ends_on=datetime.date(2000 + i, 2, 1),
        )
        for i in range(2)
    ]

    def plan(recipients):
        desired = [
            Desired(
                subject=term,
                kind=HANDOVER,
                recipient=Recipient(email=email),
                occurrence="x",
                due_at=NOW + datetime.timedelta(days=3),
            )
            for term in terms
            for email in recipients
        ]
        return reminder_plan(subjects=terms, kinds=[HANDOVER], desired=desired, now=NOW)

    plan(["a@example.org"])
    with django_assert_num_queries(5) as one:  # savepoint, lock, insert, cancel, release
        plan(["b@example.org"])  # one new, one cancelled
    with django_assert_num_queries(len(one)):
        plan([f"c{i}@example.org" for i in range(20)])  # 40 rows: one INSERT even on SQLite


_YEARS = iter(range(1900, 2000))


def _due_reminders(count, *, term=None, due=None):
    year = next(_YEARS)
    term = term or ChairTermFactory(
        starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 6, 30), member=MemberFactory()
    )
    desired = [
        Desired(
            subject=term,
            kind=HANDOVER,
            recipient=Recipient(email=f"r{i}@example.org", name=f"R {i}"),
            occurrence="7d-before:2026-06-30",
            due_at=due or timezone.now(),
            context={"member_name": "Korea", "ends_on": term.ends_on.isoformat(), "days_before": 7},
        )
        for i in range(count)
    ]
    reminder_plan(subjects=[term], kinds=[HANDOVER], desired=desired)
    return term


def test_dispatch_queues_due_rows_after_commit(db, django_capture_on_commit_callbacks):
    _due_reminders(3)
    _due_reminders(2, due=timezone.now() + datetime.timedelta(hours=1))
    queued = []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_dispatch(enqueue=queued.extend) == 3
    assert sorted(queued) == sorted(Reminder.objects.filter(status="queued").values_list("pk", flat=True))
    assert len(queued) == 3
    assert services.reminder_dispatch(enqueue=queued.extend) == 0


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_queues_nothing():
    queued = []
    with pytest.raises(RuntimeError), transaction.atomic():
        _due_reminders(3)
        services.reminder_dispatch(enqueue=queued.extend)
        raise RuntimeError("the change fails after planning")
    assert queued == []
    assert Reminder.objects.count() == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_queue_each_reminder_once():
    _due_reminders(300)
    queued: list[int] = []
    lock = threading.Lock()

    def collect(ids):
        with lock:
            queued.extend(ids)

    def run():
        try:
            for _ in range(5):
                services.reminder_dispatch(enqueue=collect)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(queued) == 300
    assert len(set(queued)) == 300


def _queued(count=1, **kw):
    _due_reminders(count, **kw)
    services.reminder_dispatch(enqueue=lambda ids: None)
    return list(Reminder.objects.order_by("pk"))


def test_send_delivers_once_with_deterministic_message_id(db):
    user = UserFactory(username="sec", email="r0@example.org")
    (reminder,) = _queued()
    Reminder.objects.filter(pk=reminder.pk).update(recipient_user=user)
    assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.extra_headers["Message-ID"] == f"<reminder.{reminder.pk}@forge.invalid>"
    assert message.to == ["r0@example.org"]
    term = reminder.subject
    assert (
        message.subject
        == f"Chair handover in 7 days: {term.member.name}'s term ends 30 June {term.ends_on.year}"
    )
    assert message.alternatives[0][1] == "text/html"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.message_id) == (
        "sent",
        1,
        message.extra_headers["Message-ID"],
    )
    logged = SentMail.objects.get()
    assert (logged.reminder_id, logged.to_email, logged.subject) == (
        reminder.pk,
        "r0@example.org",
        message.subject,
    )
    assert Notification.objects.get().user == user


def test_send_cancels_when_subject_is_gone(db):
    (reminder,) = _queued()
    reminder.subject.delete()
    assert services.reminder_send(reminder_id=reminder.pk) == "cancelled"
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == ("cancelled", "Its subject no longer exists.")


def test_send_cancels_when_stale(db):
    (reminder,) = _queued()
    term = reminder.subject
    type(term).objects.filter(pk=term.pk).update(ends_on=datetime.date(2026, 9, 30))
    assert services.reminder_send(reminder_id=reminder.pk) == "cancelled"
    assert mail.outbox == []


def test_send_never_sends_pending_or_cancelled(db):
    _due_reminders(1)
    reminder = Reminder.objects.get()
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    Reminder.objects.update(status=ReminderStatus.CANCELLED)
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    assert mail.outbox == []


def test_send_reclaims_a_sending_row_after_the_lease(db, settings):
    (reminder,) = _queued()
    stale = timezone.now() - datetime.timedelta(seconds=settings.FORGE_REMINDER_LEASE_SECONDS + 1)
    Reminder.objects.update(status=ReminderStatus.SENDING, claimed_at=timezone.now())
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    Reminder.objects.update(claimed_at=stale)
    assert services.reminder_send(reminder_id=reminder.pk) == "sent"


def test_opted_out_user_gets_a_notice_but_no_email(db, settings):
    settings.FORGE_REMINDER_MODULES = ["members.reminders", "tests.reminders.kinds"]
    from core.reminders import registry

    registry._kinds.cache_clear()
    try:
        user = UserFactory(username="optout", email="o@example.org")
        term = ChairTermFactory()
        ReminderOptOut.objects.create(user=user, kind="test.note")
        reminder_plan(
            subjects=[term],
            kinds=["test.note"],
            desired=[
                Desired(
                    subject=term,
                    kind="test.note",
                    recipient=Recipient(email="o@example.org", user_id=user.pk),
                    occurrence="once",
                    due_at=timezone.now(),
                )
            ],
        )
        services.reminder_dispatch(enqueue=lambda ids: None)
        assert services.reminder_send(reminder_id=Reminder.objects.get().pk) == "cancelled"
        assert mail.outbox == []
        assert Notification.objects.get().title.startswith("Chair handover in")
        assert Reminder.objects.get().last_error == "The recipient opted out of this kind of email."
    finally:
        registry._kinds.cache_clear()


def test_transient_failures_retry_then_fail(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens: connection refused
    settings.FORGE_REMINDER_MAX_RETRIES = 2
    (reminder,) = _queued()
    # Two retries allowed: attempts 1 and 2 go back to the queue, attempt 3 gives up.
    for attempt in (1, 2):
        with pytest.raises(services.TransientSendError):
            services.reminder_send(reminder_id=reminder.pk)
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts) == ("queued", attempt)
        assert "ConnectionRefusedError" in reminder.last_error
    assert services.reminder_send(reminder_id=reminder.pk) == "failed"
    reminder.refresh_from_db()
    assert reminder.status == "failed"
    assert reminder.last_error.startswith("Gave up after 3 attempts")


def test_retry_countdown_grows_with_jitter(settings):
    settings.FORGE_REMINDER_RETRY_BACKOFF, settings.FORGE_REMINDER_RETRY_BACKOFF_MAX = 10, 60
    for attempt, (low, high) in {1: (5, 10), 2: (10, 20), 3: (20, 40), 6: (30, 60)}.items():
        assert low <= services.retry_countdown(attempt) <= high


def test_permanent_smtp_error_is_not_transient():
    import smtplib

    assert services.is_transient(smtplib.SMTPDataError(451, b"try later")) is True
    assert services.is_transient(smtplib.SMTPDataError(550, b"no such user")) is False
    assert services.is_transient(ConnectionResetError()) is True
    assert services.is_transient(ValueError()) is False


def test_reconcile_puts_rows_held_past_the_lease_back_to_pending(db, settings):
    rows = _queued(3)
    old = timezone.now() - datetime.timedelta(seconds=settings.FORGE_REMINDER_LEASE_SECONDS + 5)
    Reminder.objects.filter(pk=rows[0].pk).update(queued_at=old)
    Reminder.objects.filter(pk=rows[1].pk).update(status="sending", claimed_at=old, claimed_by="task-1")
    assert services.reminder_reconcile() == 2
    assert dict(Reminder.objects.values_list("pk", "status")) == {
        rows[0].pk: "pending",
        rows[1].pk: "pending",
        rows[2].pk: "queued",
    }
    assert Reminder.objects.get(pk=rows[1].pk).claimed_by == ""


def test_send_message_delivered_again_takes_back_its_own_claim(db):
    (row,) = _queued(1)
    now = timezone.now()
    Reminder.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=now, claimed_by="task-1", attempts=1
    )
    # Another task may not take a live claim; the same task message, delivered again, may.
    assert services.reminder_send(reminder_id=row.pk, claim_token="task-2") == "skipped"
    assert services.reminder_send(reminder_id=row.pk, claim_token="task-1") == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 2, "task-1")


def test_chair_handover_plan(db, settings):
    settings.FORGE_SECRETARIAT_TIME_ZONE = "Europe/Brussels"
    UserFactory(username="admin1", email="sec@example.org", is_superuser=True)
    korea = MemberFactory(iso2="KR", name="Republic of Korea")
    term = ChairTermFactory(
        member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2026, 6, 30)
    )
    now = datetime.datetime(2026, 5, 13, 12, 0, tzinfo=UTC)  # a Wednesday
    chair_handover_plan(now=now)
    rows = list(Reminder.objects.order_by("due_at").values_list("kind", "occurrence", "due_at", "status"))
    # 60 days before (1 May) and this week's Monday (11 May) are past: not created.
    assert rows == [
        (NO_SUCCESSOR, "week:2026-W21", datetime.datetime(2026, 5, 18, 7, 0, tzinfo=UTC), "pending"),
        (HANDOVER, "30d-before:2026-06-30", datetime.datetime(2026, 5, 31, 7, 0, tzinfo=UTC), "pending"),
        (HANDOVER, "7d-before:2026-06-30", datetime.datetime(2026, 6, 23, 7, 0, tzinfo=UTC), "pending"),
    ]
    # A successor is designated: the weekly notices stop, the handover notices stay.
    ChairTermFactory(member=MemberFactory(iso2="JP"), starts_on=datetime.date(2026, 7, 1), ends_on=None)
    chair_handover_plan(now=now)
    assert dict(Reminder.objects.values_list("occurrence", "status")) == {
        "30d-before:2026-06-30": "pending",
        "7d-before:2026-06-30": "pending",
        "week:2026-W21": "cancelled",
    }
    assert term.pk
